"""Tests of fbresearch.analyses.topics.examples: typical, distinct, genuine, short, redacted.

The near-duplicate check here is computed by hand (exact Jaccard of character-bigram sets),
not with the module's shingles, and "suspicious" is the triage screen's own flag.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import fbresearch as fb
from fbresearch.analyses.topics import TopicsPage, fit_topics
from fbresearch.analyses.topics.examples import short_text, suspicious_rows, topic_examples
from fbresearch.privacy import redact


def _bigrams(text: str) -> set[str]:
    units = re.findall(r"[\u3400-\u9fff]|[a-z0-9']+", text.lower())
    return {" ".join(units[i : i + 2]) for i in range(max(1, len(units) - 1))}


def _check(examples: pd.DataFrame, flagged: pd.Series, texts: pd.Series) -> None:
    sets = [_bigrams(t.rstrip("…")) for t in examples["text"]]
    for i in range(len(sets)):
        for j in range(i):
            jaccard = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
            assert jaccard < 0.5, (examples["text"].iloc[i], examples["text"].iloc[j])
    # no sentence (five units or more) is shown twice: split here by hand on sentence marks
    seen: dict[str, str] = {}
    for text in examples["text"]:
        for sentence in re.split(r"[。！？!?；;.…\n]", text.lower()):
            units = "".join(re.findall(r"[\u3400-\u9fff]|[a-z0-9']+", sentence))
            if len(re.findall(r"[\u3400-\u9fff]|[a-z0-9']+", sentence)) >= 5:
                assert units not in seen, (text, seen.get(units))
                seen[units] = text
    assert not flagged.iloc[examples["row"]].any()
    assert (examples["text"].str.len() <= 200).all()
    for row, text in zip(examples["row"], examples["text"], strict=True):
        assert text.rstrip("…") in " ".join(redact(texts.iloc[row]).split())


@pytest.mark.slow
def test_sample_topics_page_examples_are_distinct_genuine_short(tmp_path):
    inputs = fb.load_inputs(None, seed=0, page="topics")
    recent = inputs.recent(12).reset_index(drop=True)
    month = recent["submitted_at"].dt.to_period("M")
    page = TopicsPage.fit(
        recent, month, inputs.period, "12 months", num_topics={"zh": 8, "en": 7}
    )
    examples = page.example_texts
    flagged = suspicious_rows(recent, seed=1)
    assert flagged.sum() >= 40  # the sample's planted fake reviews are in the window (50)
    assert examples.groupby("topic").size().min() == 3  # every topic still gets three
    _check(examples, flagged, recent["text"])


@pytest.mark.realdata
@pytest.mark.slow
def test_real_reviews_examples_are_distinct_genuine_short(shared_data):
    data = pd.read_csv(shared_data / "ChnSentiCorp_htl_all.csv").dropna().sample(
        3000, random_state=0)  # fmt: skip
    frame = pd.DataFrame({"text": data["review"].astype(str).to_numpy()})
    model = fit_topics(frame["text"], num_topics=6, seed=0, language="zh")
    flagged = suspicious_rows(frame)
    examples = topic_examples(model, 3, suspicious=flagged)
    assert len(examples) >= 15
    _check(examples, flagged, frame["text"])
    # the real reviews are long: most examples had to be cut at a sentence end
    assert (frame["text"].iloc[examples["row"]].str.len() > 200).sum() > 0


def test_copies_and_suspicious_texts_are_left_out():
    texts = (["Courier was late and the food was cold, the driver got lost twice"] * 25
             + [f"Courier came late again, order {i} was cold" for i in range(25)]
             + ["refund charge invoice billing"] * 50)  # fmt: skip
    model = fit_topics(texts, num_topics=2, language="en")
    flagged = pd.Series([False] * 100)
    flagged[25:50] = True  # as if screened as a copied batch
    examples = topic_examples(model, 3, suspicious=flagged)
    assert examples["row"].isin(range(25, 50)).sum() == 0
    assert examples.groupby("topic").size().tolist() == [1, 1]  # copies of one text: one


def test_a_sentence_pasted_into_several_comments_is_shown_once():
    import numpy as np

    rng = np.random.default_rng(0)
    stock = "The driver went to the wrong address again"
    words = ("late cold soup bag rider door phone map tip rain night lunch box lid hot slow "
             "street gate floor code call app route minutes hour wait help desk").split()
    # each text: the pasted sentence, then its own long sentence (not near-copies of each other)
    texts = ([f"{stock}. " + " ".join(rng.choice(words, 14, replace=False)) + "."
              for _ in range(40)]
             + ["refund charge invoice billing money back"] * 40)  # fmt: skip
    model = fit_topics(texts, num_topics=2, language="en")
    examples = topic_examples(model, 3)
    assert examples["text"].str.contains(stock).sum() == 1


def test_short_text_cuts_at_a_sentence_end():
    long = "First sentence is short. " + "Second one is much longer than the rest. " * 8
    assert short_text(long, 60) == "First sentence is short."  # the next one would pass 60
    assert short_text(long, 70) == "First sentence is short. Second one is much longer than the rest."
    assert short_text("word " * 80, 30).endswith("…") and len(short_text("word " * 80, 30)) <= 30
    assert short_text("送餐很快。味道很好！包装也不错。", 12) == "送餐很快。味道很好！"
