"""Results caption themselves; attempt names the task; ReportInputs helpers the notebooks use."""

from __future__ import annotations

import pandas as pd
import pytest

import fbresearch as fb
from fbresearch.analyses.segments.results import ChurnResult
from fbresearch.analyses.triage.results import SuspiciousResult
from fbresearch.present import display
from fbresearch.results import TASK_NAMES, Unavailable, attempt


@pytest.fixture()
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(display, "_html", out.append)
    display.reset_numbering()
    return out


class _Churn(ChurnResult):
    def summary(self) -> str:
        return ""


def test_show_uses_the_results_caption_unless_one_is_given(shown):
    result = _Churn(table=pd.DataFrame({"n": [1]}), confidence=0.9)
    display.show(result)
    assert "Table 1. Odds ratios of lapsing with 90% confidence intervals" in shown[-1]
    display.show(result, caption="Own words")
    assert "Table 2. Own words" in shown[-1] and "Odds ratios" not in shown[-1]


def test_unavailable_shows_its_message_without_caption(shown):
    missing = attempt(fb.suspicious_feedback, None)
    assert isinstance(missing, Unavailable)
    display.show(missing)
    assert shown == [
        '<p class="fb-unavailable">Screening for suspicious feedback is not shown: it needs '
        "data that this run was not given.</p>"
    ]


def test_captions_name_the_runs_level():
    result = SuspiciousResult(table=pd.DataFrame(), confidence=0.8)
    assert result.caption().startswith("Responses flagged as suspicious")
    assert "80%" in ChurnResult(table=pd.DataFrame(), confidence=0.8).caption()


def test_attempt_names_the_task_and_its_needs_from_the_tables():
    assert TASK_NAMES["churn_risk"] == "Churn risk"
    out = attempt(fb.churn_risk, pd.DataFrame(), None)
    assert out.summary().startswith("Churn risk is not shown: it needs an orders file")
    assert attempt(fb.churn_risk, None, what="Lapsing").summary().startswith("Lapsing is not")
    assert attempt(lambda x: x, None).summary().startswith("This analysis is not shown")


def test_inputs_recent_and_window():
    inputs = fb.load_inputs(sample_size=400, period="2026-10")
    recent = inputs.recent(3)
    months = recent["submitted_at"].dt.to_period("M")
    assert months.min() == pd.Period("2026-08", "M") and months.max() == inputs.period
    assert inputs.window(3) == "August 2026 to October 2026"
    assert inputs.window() == "October 2026"
    assert list(inputs.quality_table().columns) == ["Check", "Column", "Rows", "Action", "Message"]
