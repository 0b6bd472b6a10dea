"""Tests of fbresearch.analyses.topics: planted topics, K choice, trends, pain points, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

import fbresearch as fb
from fbresearch.analyses.kpis import scores as kpi_scores
from fbresearch.analyses.topics import fit_topics, topic_diversity, topic_stability
from fbresearch.errors import AnalysisError, FeedbackDataError

# A small planted corpus: three English and two Chinese subjects, each text draws 4-6 words from
# its subject's vocabulary plus one shared word. The truth is each text's subject.
PLANTED = {
    "en-delivery": "delivery courier driver late arrived minutes address hour".split(),
    "en-refund": "refund money return charged account request item back".split(),
    "en-app": "app crash login update screen checkout payment website".split(),
    "zh-delivery": "骑手 送餐 配送 小时 送达 外卖 地址 准时".split(),
    "zh-packaging": "包装 餐盒 盒子 密封 塑料 打包 袋子 破损".split(),
}


def planted_corpus(n_per_topic: int = 60, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    texts, truth = [], []
    for name, words in PLANTED.items():
        shared = ["order", "today"] if name.startswith("en") else ["订单", "今天"]
        sep = " " if name.startswith("en") else "，"
        for _ in range(n_per_topic):
            picked = list(rng.choice(words, rng.integers(4, 7), replace=False))
            texts.append(sep.join(picked + [str(rng.choice(shared))]))
            truth.append(name)
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], [truth[i] for i in order]


@pytest.fixture(scope="module")
def planted():
    texts, truth = planted_corpus()
    # bad input mixed in: empty, stopwords only, emoji only, markup, None, a 50,000-char text
    extra = [
        "",
        "the and of very really",
        "😀👍🎉",
        "<p><br/></p>",
        None,
        "送餐 骑手 " * 8_000 + "准时",
    ]
    texts = texts + extra
    truth = truth + [None] * len(extra)
    model = fit_topics(texts, num_topics={"en": 3, "zh": 2}, seed=0)
    return texts, truth, model


def best_overlap(model, language: str) -> dict[str, int]:
    """Planted subject -> top-10 overlap with its Hungarian-matched fitted topic."""
    names = [n for n in PLANTED if n.startswith(language)]
    fitted = model.topics[model.topics["topic"].str.startswith(language)]
    tops = fitted.groupby("topic")["term"].apply(set)
    overlap = np.array([[len(set(PLANTED[n]) & tops[t]) for t in tops.index] for n in names])
    rows, cols = linear_sum_assignment(-overlap)
    return {names[r]: int(overlap[r, c]) for r, c in zip(rows, cols, strict=True)}


def test_planted_topics_are_recovered(planted):
    # truth: the planted vocabularies; each must own its matched topic's top words
    _, _, model = planted
    for lang in ("en", "zh"):
        assert min(best_overlap(model, lang).values()) >= 6, best_overlap(model, lang)


def test_dominant_topic_matches_planted_subject(planted):
    # truth: each text's planted subject; the dominant topic agrees for ~all texts
    texts, truth, model = planted
    frame = pd.DataFrame({"truth": truth, "topic": model.dominant}).dropna()
    purity = frame.groupby("topic")["truth"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert purity.min() > 0.95
    assert frame["topic"].nunique() == 5


def test_fit_sample_fits_on_a_sample_and_scores_every_text():
    # truth: each text's planted subject. Topics fitted on a random 150 of 300 English texts
    # must still be the planted ones, and every text (in or out of the sample) is scored.
    texts, truth = planted_corpus(n_per_topic=100, seed=3)
    english = [(t, s) for t, s in zip(texts, truth, strict=True) if s.startswith("en")]
    texts, truth = [t for t, _ in english], [s for _, s in english]
    model = fit_topics(texts, num_topics=3, seed=0, fit_sample=150)
    assert min(best_overlap(model, "en").values()) >= 6
    assert len(model.documents["en"]) == 150
    assert model.usable.all() and len(model.doc_topics) == len(texts)
    frame = pd.DataFrame({"truth": truth, "topic": model.dominant})
    purity = frame.groupby("topic")["truth"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert purity.min() > 0.95 and frame["topic"].nunique() == 3
    assert "fitted on a random 150 of 300 usable texts (seed 0)" in model.summary()
    # a sample as large as the texts changes nothing
    full = fit_topics(texts, num_topics=3, seed=0)
    same = fit_topics(texts, num_topics=3, seed=0, fit_sample=300)
    pd.testing.assert_frame_equal(full.doc_topics, same.doc_topics)
    assert full.notes == same.notes


def test_contract_shapes(planted):
    texts, truth, model = planted
    assert list(model.topics.columns) == ["topic", "rank", "term", "weight"]
    assert model.topics.groupby("topic")["rank"].max().eq(10).all()
    dt = model.doc_topics
    assert len(dt) == len(texts) and dt.index.equals(pd.RangeIndex(len(texts)))
    assert list(dt.columns) == ["zh-0", "zh-1", "en-0", "en-1", "en-2"]
    np.testing.assert_allclose(dt.sum(axis=1), 1.0, atol=1e-9)
    assert set(model.labels) == set(dt.columns)
    assert 0 < model.coherence <= 1


def test_unusable_rows_hold_documented_prevalence(planted):
    texts, _, model = planted
    usable = model.usable.to_numpy()
    assert usable[:-6].all()
    # empty, stopwords only, emoji only, markup, None: not usable; the long text is usable
    assert not usable[-6:-1].any() and usable[-1]
    dt = model.doc_topics
    # English stopword text: the English model's mean mixture over its usable texts
    en = [c for c in dt.columns if c.startswith("en")]
    en_usable = (model.languages == "en").to_numpy() & usable
    np.testing.assert_allclose(dt.iloc[-5][en], dt[en][en_usable].mean(), atol=1e-12)
    assert dt.iloc[-5][[c for c in dt.columns if c.startswith("zh")]].sum() == 0
    # emoji only (language "other"): prevalence over all topics of all usable texts
    np.testing.assert_allclose(dt.iloc[-4], dt[usable].mean(), atol=1e-12)


def test_same_texts_and_seed_give_same_topics(planted):
    texts, _, model = planted
    again = fit_topics(texts, num_topics={"en": 3, "zh": 2}, seed=0)
    pd.testing.assert_frame_equal(model.topics, again.topics)
    pd.testing.assert_frame_equal(model.doc_topics, again.doc_topics)


def test_representative_texts_are_redacted(planted):
    texts, _, model = planted
    topic = model.dominant.iloc[0]
    top = model.representative(topic, k=3)
    assert list(top.columns) == ["topic", "rank", "weight", "text"] and len(top) == 3
    assert top["weight"].is_monotonic_decreasing
    # plant an e-mail and a mobile in every text of one topic: what is shown must be redacted
    members = set(np.flatnonzero((model.dominant == topic).to_numpy()))
    leaky = [
        f"{t} li.wei@example.com 13812345678" if i in members else t for i, t in enumerate(texts)
    ]
    m2 = fit_topics(leaky, num_topics={"en": 3, "zh": 2}, seed=0)
    shown = " ".join(m2.representative(m2.dominant.iloc[0], k=3)["text"])
    assert "li.wei@example.com" not in shown and "13812345678" not in shown
    assert shown.count("[email]") == 3 and shown.count("[phone]") == 3
    with pytest.raises(AnalysisError, match="no topic"):
        model.representative("fr-0")


def test_prevalence_and_emerging_against_planted_rise(planted):
    # truth: months assigned so that "en-app" texts all fall in the last month, with the other
    # English subjects spread evenly; "en-app" must rise, the others must not
    texts, truth, model = planted
    truth = pd.Series(truth)
    month = pd.Series(pd.Period("2026-07", "M"), index=truth.index)
    others = truth.index[truth.isin(["en-delivery", "en-refund"])]
    month[others] = [pd.Period("2026-07", "M") + (i % 4) for i in range(len(others))]
    month[truth == "en-app"] = pd.Period("2026-10", "M")
    prev = model.prevalence(month)
    app_topic = model.dominant[truth == "en-app"].mode().iloc[0]
    row = prev[(prev["topic"] == app_topic) & (prev["period"] == pd.Period("2026-10", "M"))].iloc[0]
    # hand check against kpi_scores.proportion on the same counts
    est = kpi_scores.proportion(int(row["count"]), int(row["n"]))
    assert (row["share"], row["ci_low"], row["ci_high"]) == (est.estimate, est.ci_low, est.ci_high)
    shares = prev[prev["language"] == "en"].groupby("period")["share"].sum()
    np.testing.assert_allclose(shares, 1.0)
    rising = model.emerging(month)
    assert rising.attrs["period"] == pd.Period("2026-10", "M")
    flagged = set(rising.loc[rising["rising"], "topic"])
    assert flagged == {app_topic}
    with pytest.raises(AnalysisError, match="at least one period before"):
        model.emerging(pd.Series(pd.Period("2026-10", "M"), index=truth.index))


def test_pain_points_rank_planted_low_scores_first(planted):
    # truth: NPS planted low (0-4) for refund texts, high (9-10) for the rest
    texts, truth, model = planted
    truth = pd.Series(truth)
    rng = np.random.default_rng(1)
    nps = pd.Series(
        np.where(
            truth == "en-refund", rng.integers(0, 5, len(truth)), rng.integers(9, 11, len(truth))
        ),
        dtype="Int64",
    )
    nps[truth.isna()] = pd.NA
    table = model.pain_points(nps, metric="nps")
    refund = model.dominant[truth == "en-refund"].mode().iloc[0]
    assert table.iloc[0]["topic"] == refund and bool(table.iloc[0]["below_overall"])
    assert table.iloc[0]["estimate"] == -100.0
    # hand check: the estimate is kpi_scores.nps over the topic's scored texts
    mask = (model.dominant == refund).to_numpy()
    assert table.iloc[0]["n"] == kpi_scores.nps(nps[mask].dropna()).n
    assert table["volume"].sum() == model.usable.sum()
    with pytest.raises(AnalysisError, match="metric"):
        model.pain_points(nps, metric="ltv")


def test_stability_and_diversity_measures():
    a = [["late", "slow", "driver"], ["refund", "charge", "money"]]
    assert topic_stability([a, a[::-1], a]) == 1.0
    b = [["late", "slow", "cold"], ["refund", "charge", "money"]]
    assert topic_stability([a, b]) == pytest.approx((0.5 + 1.0) / 2)
    assert topic_diversity(a) == 1.0 and topic_diversity([["a", "b"], ["a", "c"]]) == 0.75


# --------------------------------------------------------------------------- bad input


def test_no_texts():
    with pytest.raises(FeedbackDataError, match="no texts"):
        fit_topics([])


def test_only_unusable_texts():
    # no text has a word left: the named NoWordsError (an AnalysisError), before any fitting
    with pytest.raises(AnalysisError, match="no words left in the 50 texts after cleaning"):
        fit_topics(["", "😀", "<p></p>", "the and of", None] * 10, num_topics=2)


def test_fewer_usable_texts_than_topics():
    texts, _ = planted_corpus(n_per_topic=4)
    with pytest.raises(AnalysisError, match="fewer topics"):
        fit_topics(texts, num_topics=10, language="en")


def test_language_absent_or_too_small_is_a_note_not_an_error():
    texts, truth = planted_corpus()
    english = [t for t, n in zip(texts, truth, strict=True) if n.startswith("en")]
    model = fit_topics(english + ["送餐很慢"] * 3, num_topics=3, seed=0)
    assert all(t.startswith("en-") for t in model.doc_topics.columns)
    assert model.notes and "Chinese texts were not modelled" in model.notes[0]
    np.testing.assert_allclose(model.doc_topics.sum(axis=1), 1.0)


def test_bad_arguments():
    with pytest.raises(AnalysisError, match="k_range"):
        fit_topics(["a b"], k_range=(5, 3))
    with pytest.raises(AnalysisError, match="language"):
        fit_topics(["a b"], language="fr")


# --------------------------------------------------------------------------- sample and real data


@pytest.fixture(scope="module")
def sample_model(sample):
    return fit_topics(sample.feedback["text"], seed=0)  # the default K range, 2 to 16


def sample_overlap(model, truth, language: str) -> dict[str, int]:
    """Planted topic -> best top-10 overlap (case-insensitive) with any fitted topic."""
    fitted = model.topics[model.topics["topic"].str.startswith(language)]
    tops = fitted.groupby("topic")["term"].apply(lambda s: {w.lower() for w in s})
    return {
        name: max(len({w.lower() for w in words[language]} & top) for top in tops)
        for name, words in truth["topics"].items()
    }


@pytest.mark.slow
def test_sample_planted_topics_and_k(sample, sample_model):
    # truth: the sample's planted topics (truth["topics"], 7 per language). Criterion: every
    # planted topic's word list shares at least 4 of its 10 words with the top-10 terms of some
    # fitted topic of that language, and the chosen K is 7.
    truth = sample.truth
    for lang in ("zh", "en"):
        overlap = sample_overlap(sample_model, truth, lang)
        assert min(overlap.values()) >= 4, (lang, overlap)
        chosen = sample_model.selection.query("language == @lang and chosen")["k"].item()
        assert chosen == len(truth["topic_names"]), (lang, chosen)
    assert sample_model.selection["stability"].between(0, 1).all()
    assert (sample_model.selection["reproduced"] <= sample_model.selection["k"]).all()


@pytest.mark.slow
def test_sample_dominant_topic_agrees_with_planted_topic(sample, sample_model):
    # truth: truth["topic"]; normalized mutual information between it and the dominant topic
    from sklearn.metrics import normalized_mutual_info_score

    frame = pd.DataFrame(
        {
            "truth": sample.truth["topic"],
            "fit": sample_model.dominant,
            "lang": sample.truth["language"],
        }
    ).dropna()
    for lang, part in frame.groupby("lang"):
        assert normalized_mutual_info_score(part["truth"], part["fit"]) > 0.5, lang


@pytest.mark.realdata
@pytest.mark.slow
def test_real_reviews_coherence_and_nmi(shared_data):
    # truth: source of each real review (food delivery vs hotel); a good model separates them
    from sklearn.metrics import normalized_mutual_info_score

    food = pd.read_csv(shared_data / "waimai_10k.csv").sample(1500, random_state=0)
    hotel = (
        pd.read_csv(shared_data / "ChnSentiCorp_htl_all.csv").dropna().sample(1500, random_state=0)
    )
    texts = pd.concat([food["review"], hotel["review"]], ignore_index=True)
    source = np.repeat([0, 1], 1500)
    model = fit_topics(texts, num_topics=6, seed=0)
    assert model.coherence > 0.5  # measured 0.6 here; tomotopy reaches 0.68 on all 19,000
    fit = model.dominant.to_numpy()
    keep = model.usable.to_numpy()
    # measured 0.28; a model blind to the source would give about 0
    assert normalized_mutual_info_score(source[keep], fit[keep]) > 0.2


def test_pain_points_by_satisfied_share(planted):
    # truth: refund texts are never satisfied (0), every other text is (1)
    texts, truth, model = planted
    truth = pd.Series(truth)
    satisfied = pd.Series(np.where(truth == "en-refund", 0, 1), dtype="Int64")
    table = model.pain_points(satisfied, metric="satisfied")
    refund = model.dominant[truth == "en-refund"].mode().iloc[0]
    assert table.iloc[0]["topic"] == refund and table.iloc[0]["estimate"] == 0.0
    mask = (model.dominant == refund).to_numpy()
    # hand check: the share satisfied with its Wilson interval from kpi_scores.satisfied
    expected = kpi_scores.satisfied(satisfied[mask].dropna())
    assert table.iloc[0]["ci_high"] == pytest.approx(expected.ci_high)
    from fbresearch.analyses.topics import format_pain_points

    assert "Satisfied (95% CI)" in format_pain_points(table).columns


def test_pain_points_name_the_metric_without_answers(planted):
    texts, truth, model = planted
    empty = pd.Series(pd.array([pd.NA] * len(texts), dtype="Int64"))
    with pytest.raises(AnalysisError, match="no usable text has a CES answer"):
        model.pain_points(empty, metric="ces")


@pytest.mark.parametrize(
    "texts", [[""] * 40, [None] * 40, ["the and of !!! ..."] * 40, ["😀😀 ?!"] * 40]
)
def test_all_texts_empty_after_cleaning_is_a_named_error(texts):
    from fbresearch.analyses.topics import NoWordsError

    with pytest.raises(NoWordsError) as err:
        fit_topics(texts)
    assert str(err.value).startswith(
        "no words left in the 40 texts after cleaning (all empty, or only stopwords/punctuation): "
        "the topics page needs comment texts; map your comment column"
    )
    assert isinstance(err.value, AnalysisError) and "vocabulary" not in str(err.value)


def test_topics_page_sections_with_empty_texts_and_no_channel():
    # every section of the page says why instead of raising (the tone section used to raise
    # sklearn's "empty vocabulary" ValueError when NPS labels were present)
    from fbresearch.analyses.topics import TopicsPage

    frame = pd.DataFrame(
        {
            "text": [""] * 60,
            "nps": pd.array([9, 3] * 30, dtype="Int64"),
            "submitted_at": pd.Timestamp("2026-10-05"),
        }
    )
    month = frame["submitted_at"].dt.to_period("M")
    page = TopicsPage.fit(frame, month, month.iloc[0], "October 2026", pain_metric="satisfied")
    shown = []
    for section in ("summary", "overview", "prevalence", "emerging", "pain_points", "tone"):
        getattr(page, section)(lambda item, **kw: shown.append(str(item)))
        page.selection(lambda item, **kw: shown.append(str(item)))
    assert page.no_words and page.findings() == []
    assert shown[0].startswith("Topics are not shown: no words left in the 60 texts")
    assert any(s.startswith("The tone of comments is not shown: no words left") for s in shown)


@pytest.mark.slow
def test_rising_or_falling_flags_on_shuffled_months_stay_within_the_family_rate():
    """Null calibration: months drawn at random, so no topic's share changes; a language's
    topics are flagged (rising or falling) in at most 5% of runs (Holm, family-wise), within
    a binomial band that a method at twice the rate fails (computed here)."""
    from scipy.stats import binom

    sample = fb.sample_data(n_responses=2000, seed=0)
    texts = sample.feedback["text"]
    model = fit_topics(texts, num_topics={"zh": 6, "en": 6}, seed=0)
    months = pd.period_range("2026-07", "2026-10", freq="M")
    rng = np.random.default_rng(7)
    reps = 300
    alarms = 0
    for _ in range(reps):
        month = pd.Series(months[rng.integers(0, 4, len(texts))], index=texts.index)
        table = model.emerging(month)
        alarms += int((table["rising"] | table["falling"]).groupby(table["language"]).any().sum())
    n = 2 * reps  # language-runs
    limit = int(binom.ppf(0.99, n, 0.05))  # above this: 1% chance at the nominal 5%
    assert binom.cdf(limit, n, 0.10) < 0.01  # a method at 10% would pass under 1% of the time
    assert alarms <= limit, (alarms, limit)
