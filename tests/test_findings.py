"""Findings travel as JSON from notebooks to the runner: round trip, redaction, ordering."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fbresearch.errors import ReportError
from fbresearch.present.findings import read_findings, top_findings, write_findings
from fbresearch.results import Estimate, Finding, Result


class _Stub(Result):
    def findings(self):
        return [
            Finding(
                "CSAT rose 0.3 points (0.1 to 0.5).",
                Estimate(0.3, 0.1, 0.5, n=900, name="CSAT change"),
                0.7,
            )
        ]


def test_round_trip_keeps_sentence_estimate_importance_analysis(tmp_path):
    est = Estimate(42.0, 38.1, 45.9, n=500, se=2.0, p_value=0.001, name="NPS", unit="points")
    items = [
        Finding("NPS was 42.0 (38.1 to 45.9).", est, 0.9, "overview"),
        _Stub(table=pd.DataFrame()),
    ]
    path = tmp_path / "x.findings.json"
    written = write_findings(path, *items, analysis="overview")
    back = read_findings(path)
    assert back == written
    assert back[0].estimate == est and back[1].analysis == "overview" and back[1].importance == 0.7
    assert json.loads(path.read_text())["findings"][0]["estimate"]["ci_low"] == 38.1


def test_none_path_writes_nothing_and_missing_file_reads_empty(tmp_path):
    assert len(write_findings(None, Finding("x", importance=0.1))) == 1
    assert read_findings(tmp_path / "absent.json") == []


def test_personal_data_is_redacted_and_bad_items_refused(tmp_path):
    pytest.importorskip("fbresearch.text.tokenize")
    (f,) = write_findings(
        tmp_path / "f.json", Finding("Customer li.na@example.com wrote 13912345678")
    )
    assert "li.na@example.com" not in f.sentence and "13912345678" not in f.sentence
    assert "li.na@example.com" not in (tmp_path / "f.json").read_text()
    with pytest.raises(TypeError, match="Finding or Result"):
        write_findings(None, "a plain string")


def test_corrupt_file_names_it(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ReportError, match="bad.json"):
        read_findings(bad)


def test_top_findings_orders_by_importance_stably():
    fs = [
        Finding(s, importance=i, kind="level")
        for s, i in [("a", 0.2), ("b", 0.9), ("c", 0.9), ("d", 0.5)]
    ]
    assert [f.sentence for f in top_findings(fs, 3)] == ["b", "c", "d"]


def test_finding_list_shows_escaped_html():
    shown = write_findings(None, Finding("<b>bold</b> claim"))._repr_html_()
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown and "Key findings" in shown


def test_an_infinite_bound_survives_the_findings_file(tmp_path):
    # truth: a Kaplan-Meier median whose upper bound never closes (inf) round-trips; JSON has no
    # infinity, so a plain json.dumps(allow_nan=False) used to crash the closed-loop page
    from fbresearch.present.findings import read_findings, write_findings
    from fbresearch.results import Estimate, Finding

    est = Estimate(1737.0, 1200.0, float("inf"), n=40, name="median hours")
    path = tmp_path / "p.findings.json"
    write_findings(path, Finding("Median time to resolution: 1,737 hours.", est, kind="level"))
    (back,) = read_findings(path)
    assert back.estimate.ci_high == float("inf") and back.estimate.ci_low == 1200.0
