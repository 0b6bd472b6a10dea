"""Tests of fbresearch.analyses.topics.narrative and .page: wording, labels, the page sections."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.topics import TopicsPage, fit_topics, topic_findings
from fbresearch.analyses.topics.narrative import (
    format_pain_points,
    model_findings,
    score_label,
    summary,
)

TEXTS = (
    ["delivery courier late slow driver"] * 40
    + ["refund charge invoice billing payment"] * 40
    + ["app crash login update screen"] * 40
)


@pytest.fixture(scope="module")
def frame():
    months = pd.period_range("2026-01", periods=4, freq="M")
    return pd.DataFrame(
        {
            "text": TEXTS,
            "submitted_at": [months[i % 4].to_timestamp() for i in range(len(TEXTS))],
            # hand-planted: the refund texts are detractors (NPS answer 2), the rest promoters
            "nps": [2 if 40 <= i < 80 else 10 for i in range(len(TEXTS))],
            "channel": ["app", "web"] * (len(TEXTS) // 2),
        }
    )


@pytest.fixture(scope="module")
def model(frame):
    return fit_topics(frame["text"], num_topics=3, language="en", seed=0)


def test_score_labels_come_from_the_metrics_registry():
    assert [score_label(m) for m in ("nps", "csat", "ces", "mean")] == [
        "NPS",
        "CSAT",
        "CES",
        "Mean score",
    ]
    assert score_label("csat", axis=True) == "CSAT (share satisfied)"


def test_summary_and_findings_name_the_largest_topic(model):
    text = summary(model)
    assert text.startswith("3 topics in English texts") and "coherence is" in text
    (finding,) = model_findings(model)
    assert "The most discussed English topic" in finding.sentence
    # a third of the texts each: the share's estimate is 40 / 120
    assert finding.estimate.estimate == pytest.approx(1 / 3)
    # the estimate's name (listed in the page's multiplicity note) names the topic by its
    # label, as the sentence does, not by its id
    assert finding.estimate.name == f"share of \u201c{model.table['label'].iloc[0]}\u201d"
    assert "en-" not in finding.estimate.name


def test_pain_point_finding_names_the_planted_refund_topic(model, frame):
    pain = model.pain_points(frame["nps"], metric="nps")
    assert pain.attrs["confidence"] == 0.95
    worst = pain.iloc[0]
    assert "invoice" in worst["label"] and worst["estimate"] == -100.0  # all detractors
    shown = format_pain_points(pain)
    assert "NPS (95% CI)" in shown.columns and shown.iloc[0]["NPS (95% CI)"].startswith("-100.0 (")
    sentences = [f.sentence for f in topic_findings(model, None, pain)]
    assert any(s.startswith("Biggest pain point") and "give NPS -100.0" in s for s in sentences)
    # over the topics window, named: 80 promoters and 40 detractors of 120 -> NPS 33.3
    pain.attrs["window"] = "November 2025 to October 2026"
    (pained,) = [f.sentence for f in topic_findings(model, None, pain) if "pain" in f.sentence]
    assert pained.startswith(
        "Biggest pain point in the comments from November 2025 to October 2026: customers"
    )
    assert pained.endswith("against 33.3 for all scored comments of that period.")


def test_csat_pain_points_are_shares(model, frame):
    csat = pd.Series([1 if 40 <= i < 80 else 5 for i in range(len(frame))])
    shown = format_pain_points(model.pain_points(csat, metric="csat"))
    assert shown.iloc[0]["CSAT (95% CI)"].startswith("0% (")


def test_page_sections_show_items_with_captions_at_the_page_confidence(frame):
    month = frame["submitted_at"].dt.to_period("M")
    page = TopicsPage.fit(
        frame, month, month.max(), "January to April 2026", num_topics=3, confidence=0.9
    )
    shown: list[tuple[object, str | None]] = []

    def show(obj, caption=None):
        shown.append((obj, caption))

    sections = (page.summary, page.overview, page.identity, page.prevalence, page.emerging,
                page.pain_points, page.topic_tone, page.topic_drivers)  # fmt: skip
    for section in sections:
        section(show)
    captions = [c for _, c in shown if c]
    assert any("with 90% confidence bands" in c for c in captions)
    assert any("with 90% confidence intervals" in c for c in captions)
    assert not any("95%" in c for c in captions)
    assert page.findings() and page.rising is not None and page.pain is not None
    assert page.pain.attrs["window"] == "January to April 2026"


def test_page_without_texts_says_why_and_shows_nothing_else():
    frame = pd.DataFrame({"text": [], "submitted_at": pd.to_datetime([])})
    month = frame["submitted_at"].dt.to_period("M")
    page = TopicsPage.fit(frame, month, pd.Period("2026-04", "M"), "April 2026")
    shown: list[object] = []
    page.summary(shown.append)
    page.overview(shown.append)
    page.pain_points(shown.append)
    assert page.model is None and len(shown) == 1
    assert shown[0].startswith("Topics could not be found in the comments from April 2026")
    assert page.findings() == []


def test_overview_and_examples_are_separate_tables(model):
    # the three example columns squeezed the top words to one or two characters a line
    from fbresearch.analyses.topics.examples import topic_examples
    from fbresearch.analyses.topics.narrative import examples_table, overview

    assert overview(model).columns.tolist() == ["Topic", "Label", "Top words", "Share of texts"]
    shown = examples_table(model, topic_examples(model, 3))
    assert shown.columns.tolist() == ["Topic", "Label", "Example"]
    assert shown["Example"].str.len().max() <= 200
