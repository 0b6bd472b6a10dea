"""Real public reviews (``<repo>/../shared/data``) run as reviews-only exports.

Each file (``label`` 1 positive / 0 negative, ``review``) is exported as a company would: a
seeded 1,500-row subsample, mapped with ``columns: {text: review, satisfied: label}`` and one
survey wave ``"2026-10"``. The plan (statuses written by hand from the page needs table) is
checked, the topics and closed_loop pages run in-process like the runner prepares them, and the
topics are made of real words of the domain. Skipped cleanly when the folder is absent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.zoo.harness import execute_page, forbidden_in, left_out, prepare
from tests.zoo.shapes import CHEAP, PAGES

# <repo>/../shared/data, or FBRESEARCH_SHARED_DATA (as tests/conftest.py)
DATA = Path(
    os.environ.get(
        "FBRESEARCH_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
)

#: file -> words of which at least one must be among the topics' top terms
FILES = {
    "waimai_10k.csv": ("送", "慢", "好吃", "味道"),
    "ChnSentiCorp_htl_all.csv": ("房间", "服务", "早餐"),
}
ROWS = 1500

# by hand from the needs table: a wave of texts and a satisfied label, nothing else
EXPECTED = {
    "overview": "partial",
    "segmentation": "skipped",
    "topics": "partial",
    "drivers": "skipped",
    "improvement": "skipped",
    "closed_loop": "partial",
    "value": "skipped",  # no orders file
    "journey": "skipped",  # no touchpoint column
}
LEFT_OUT = {
    "overview": {"trends", "channel", "response_rate", "acknowledged"},
    "segmentation": {"rfm", "clusters", "rfm_satisfaction", "attributes", "migration", "churn"},
    "topics": {"prevalence", "emerging"},
    "drivers": {"matrix", "regression", "trend"},
    "improvement": {"improvements"},
    "closed_loop": {"response_times"},
    "value": {"value", "outlook"},  # no orders file, no months
    "journey": {"stages", "profiles"},  # no touchpoint column
}


@pytest.fixture(scope="module", params=sorted(FILES))
def reviews(request, tmp_path_factory):
    name = request.param
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"real review data not found at {path} (optional)")
    raw = pd.read_csv(path, encoding="utf-8")
    export = raw.sample(n=min(ROWS, len(raw)), random_state=0)
    root = tmp_path_factory.mktemp(Path(name).stem)
    csv = root / name
    export.to_csv(csv, index=False, encoding="utf-8")
    params = {
        "data": str(csv),
        "columns": {"text": "review", "satisfied": "label"},
        "wave": "2026-10",
        "notebooks": {page: dict(own) for page, own in CHEAP.items()},
    }
    return name, prepare(params, root / "work")


def test_plan(reviews):
    _name, prepared = reviews
    assert prepared.period == "2026-10"
    assert {p: prepared.plan[p].status for p in PAGES} == EXPECTED
    assert {p: left_out(prepared.plan[p]) for p in PAGES} == LEFT_OUT


def test_topics_are_real_words(reviews, monkeypatch):
    name, prepared = reviews
    namespace: dict = {}
    shown = execute_page(prepared, "topics", monkeypatch, namespace)
    assert not forbidden_in(shown), forbidden_in(shown)
    model = namespace["page"].model
    assert model is not None, namespace["page"].message
    top = set(model.topics.loc[model.topics["rank"] <= 10, "term"])
    assert top & set(FILES[name]), sorted(top)
    # words, not punctuation, digits or single-letter debris of the real texts
    assert all(re.search(r"[\u4e00-\u9fff]|[A-Za-z]{2}", term) for term in top), sorted(top)


def test_closed_loop_runs_cleanly(reviews, monkeypatch):
    _name, prepared = reviews
    shown = execute_page(prepared, "closed_loop", monkeypatch)
    assert shown
    assert not forbidden_in(shown), forbidden_in(shown)
    # a satisfied label, no NPS and no reply times: the follow-up names that outcome's customers
    # and the columns that would enable it
    follow_up = [s for s in shown if "Follow-up of" in s]
    assert follow_up and "Follow-up of dissatisfied customers could not run" in follow_up[0]
    assert "responded_at" in follow_up[0] and "detractor" not in follow_up[0]


def test_closed_loop_tables_agree_on_no_category(reviews, monkeypatch):
    # real texts left with no words once tokenized ("送的好慢啊": single characters and a
    # stopword) are texts in no category in both tables: one count, one definition
    from fbresearch.analyses.triage import category_kpis
    from fbresearch.present.triage import category_table

    _name, prepared = reviews
    namespace: dict = {}
    shown = execute_page(prepared, "closed_loop", monkeypatch, namespace)
    cats, feedback = namespace["all_cats"], namespace["feedback"]
    texts_table = namespace["cats"].table.set_index("category")
    wide = category_table(category_kpis(feedback, cats, period=prepared.period), cats)
    by_label = wide.set_index("Category")["Responses"]
    assert texts_table.loc["uncategorized", "n"] == by_label["No category"]
    assert namespace["cats"].uncategorized.n == len(feedback)  # every review is a text
    assert "No text" not in by_label.index
    assert any("No category: texts with none of the taxonomy" in s for s in shown)  # captioned
