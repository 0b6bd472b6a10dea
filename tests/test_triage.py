"""Tests of fbresearch.analyses.triage (categories, severity, response times, follow-up and
screening), each against a stated truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from fbresearch.analyses.triage import (
    categorize,
    category_frame,
    close_the_loop,
    load_taxonomy,
    minhash_signatures,
    response_times,
    severity,
    severity_mix,
    shingle_hashes,
    suspicious_feedback,
)
from fbresearch.errors import AnalysisError, ParamsError


@pytest.fixture(scope="module")
def triaged(sample):
    fb = sample.feedback
    cats = categorize(fb["text"])
    graded = severity(fb)
    frame = fb.assign(severity=graded["severity"], category=cats.primary)
    return cats, graded, frame


# --------------------------------------------------------------------------- categories


def test_default_taxonomy_recovers_planted_categories(sample, triaged):
    # truth: sample.truth["category"], the planted category of each text's main topic
    cats, _, _ = triaged
    truth = sample.truth["category"]
    has = truth.notna()
    labels = sorted(truth[has].unique())
    assert set(labels) <= set(cats.labels.columns)
    pred = cats.primary.fillna("none")
    assert f1_score(truth[has], pred[has], average="macro", labels=labels) >= 0.9
    # texts without words (planted empty) are in no category
    assert not cats.labels[~has].any(axis=None)


def test_matching_is_on_tokens_not_substrings():
    r = categorize(["So happy with it", "The app is slow", "配送费太贵", "I want my money back"])
    assert not r.labels.loc[0].any()  # "app" inside "happy" does not count
    assert r.primary.tolist()[1:] == ["app_website", "price", "refund_return"]
    # a phrase given as already-cut tokens (配送 + 费) still matches 配送费
    r2 = categorize(
        ["配送费太贵"], {"price": ["配送费"], "speed": ["慢"]}, tokens=[["配送", "费", "太贵"]]
    )
    assert r2.labels["price"].tolist() == [True]
    assert any("never match" in n for n in r2.notes)  # 慢 is one character: it can never match


def test_uncategorized_share_and_candidates():
    # hand-worked: 2 of 4 texts (the blank one is no text) match nothing; "wifi" dominates them
    r = categorize(
        ["wifi is down", "wifi slow again", "late courier", "refund please", ""],
        {"delivery": ["courier"], "refund": ["refund"]},
    )
    assert r.uncategorized.n == 4 and r.uncategorized.estimate == 0.5
    assert r.candidates["term"].iloc[0] == "wifi"
    assert "wifi" in r.summary()


@pytest.mark.parametrize(
    ("taxonomy", "message"),
    [
        ({"categories": {"a": ["x"]}, "colour": 1}, "unknown key 'colour'"),
        ({"a": {"en": ["late"], "words": ["x"]}}, "category 'a' has an unknown key 'words'"),
        ({"a": {"en": []}, "b": ["x"]}, "category 'a' has no words"),
        ({"a": ["late"], "b": ["Late"]}, "'late' is listed in two categories, 'a' and 'b'"),
    ],
)
def test_bad_taxonomy_gives_clear_error(taxonomy, message):
    with pytest.raises(ParamsError, match=message):
        load_taxonomy(taxonomy)


def test_taxonomy_file(tmp_path):
    path = tmp_path / "tax.yaml"
    path.write_text(
        "categories:\n  delivery:\n    en: [late]\n    zh: [超时]\n    lable: x\n", "utf-8"
    )
    with pytest.raises(ParamsError, match="tax.yaml.*'lable'.*Did you mean 'label'"):
        load_taxonomy(path)


def test_supervised_model_learns_human_labels(sample):
    # truth: the planted categories, given as human labels on every other text
    fb, truth = sample.feedback, sample.truth["category"]
    labels = truth.where(np.arange(len(truth)) % 2 == 0)
    r = categorize(fb["text"], labels=labels)
    macro = r.model.set_index("category").loc["macro average"]
    assert macro["precision"] >= 0.85 and macro["recall"] >= 0.85
    unlabelled = labels.isna() & truth.notna()
    assert (r.predicted[unlabelled] == truth[unlabelled]).mean() >= 0.85
    with pytest.raises(AnalysisError, match="at least 40 labelled texts"):
        categorize(fb["text"].head(50), labels=truth.head(50).where(np.arange(50) < 10))


def test_category_frame_long_form():
    df = pd.DataFrame({"text": ["late courier, cold food", "nice", "refund"], "nps": [2, 9, 5]})
    long = category_frame(df, categorize(df["text"]))
    assert long["category"].astype(str).tolist() == [
        "delivery_logistics",
        "product_quality",
        "uncategorized",
        "refund_return",
    ]
    assert long["nps"].tolist() == [2, 2, 9, 5]


# --------------------------------------------------------------------------- severity


def test_severity_matches_planted_grades(sample, triaged):
    # truth: sample.truth["severity"] (urgent phrasings; detractors and text-only complaints)
    _, graded, _ = triaged
    truth = sample.truth["severity"].to_numpy()
    got = graded["severity"].astype(str).to_numpy()
    urgent_recall = (got[truth == "urgent"] == "urgent").mean()
    urgent_precision = (truth[got == "urgent"] == "urgent").mean()
    assert urgent_recall >= 0.9 and urgent_precision >= 0.9
    assert (got == truth).mean() >= 0.9
    detractor = (sample.feedback["nps"] <= 6).fillna(False).to_numpy()
    assert set(graded["rule"][detractor & (got == "important")]) == {"detractor"}


def test_severity_rule_with_missing_column_is_skipped_with_a_note():
    df = pd.DataFrame({"text": ["I will call my lawyer", "fine"], "nps": [9, 9]})
    rules = [
        {"name": "angry_ces", "severity": "important", "column": "ces", "at_least": 6},
        {"name": "legal", "severity": "urgent", "words": ["lawyer"]},
    ]
    out = severity(df, rules)
    assert out["severity"].astype(str).tolist() == ["urgent", "general"]
    assert out["rule"].tolist() == ["legal", "default"]
    assert "no column 'ces'" in out.attrs["notes"][0]
    mix = severity_mix(out)
    assert "no column 'ces'" in mix.summary()
    assert mix.table.set_index("rule").loc["legal", "responses"] == 1


def test_bad_severity_rules():
    with pytest.raises(ParamsError, match="unknown key 'colum'.*Did you mean 'column'"):
        severity(pd.DataFrame({"nps": [1]}), [{"name": "x", "severity": "urgent", "colum": "nps"}])
    with pytest.raises(ParamsError, match="names column 'nps' but no test"):
        severity(pd.DataFrame({"nps": [1]}), [{"name": "x", "severity": "urgent", "column": "nps"}])


# --------------------------------------------------------------------------- response times


def test_kaplan_meier_hand_worked_example():
    # Hand-worked: resolution times 1, 2, 4, 6 h; two cases open at 10:00, aged 3 h and 5 h.
    # KM: S(1) = 5/6, S(2) = 4/6, S(4) = 4/6 * 2/3 = 0.444 <= 0.5, so the median is 4 h.
    # Dropping the open cases gives the median of 1, 2, 4, 6 = 3 h.
    sub = pd.to_datetime(
        [
            "2026-10-01 00:00",
            "2026-10-01 00:00",
            "2026-10-01 07:00",
            "2026-10-01 00:00",
            "2026-10-01 05:00",
            "2026-10-01 00:00",
        ]
    )
    res = pd.to_datetime(
        ["2026-10-01 01:00", "2026-10-01 02:00", None, "2026-10-01 04:00", None, "2026-10-01 06:00"]
    )
    df = pd.DataFrame({"submitted_at": sub, "responded_at": sub, "resolved_at": res})
    r = response_times(df, asof="2026-10-01 10:00", window_days=None)
    assert r.resolution.estimate == 4.0
    assert r.naive_median_hours == 3.0
    curve = r.survival[r.survival["severity"] == "general"].set_index("hours")["resolved_share"]
    assert np.allclose(curve[4.0], 1 - 4 / 6 * 2 / 3)
    assert np.allclose(curve[6.0], 1.0)  # the last case at risk was resolved at 6 h


def test_resolution_before_the_answer_is_left_out_of_kaplan_meier():
    # Hand-worked: the six cases above (KM median 4 h) plus a seventh submitted at 00:00,
    # answered at 03:00 and "resolved" at 02:00, before its answer. Treated as open it would be
    # censored at its age of 10 h: times 1, 2, 3+, 4, 5+, 6, 10+ give S(4) = 5/7 * 3/4 = 0.536 and
    # S(6) = 0.268, a median of 6 h. Left out, the median is the six cases' 4 h (CI as for them).
    sub = pd.to_datetime(["2026-10-01 00:00"] * 2 + ["2026-10-01 07:00", "2026-10-01 00:00"]
                         + ["2026-10-01 05:00"] + ["2026-10-01 00:00"] * 2)  # fmt: skip
    res = pd.to_datetime(
        ["2026-10-01 01:00", "2026-10-01 02:00", None, "2026-10-01 04:00", None]
        + ["2026-10-01 06:00", "2026-10-01 02:00"]
    )
    answered = sub.to_series(index=range(7)).copy()
    answered.iloc[6] = pd.Timestamp("2026-10-01 03:00")
    df = pd.DataFrame(
        {"submitted_at": sub, "responded_at": answered.to_numpy(), "resolved_at": res}
    )
    r = response_times(df, asof="2026-10-01 10:00", window_days=None)
    six = response_times(df.iloc[:6], asof="2026-10-01 10:00", window_days=None)
    assert r.resolution.estimate == 4.0 and r.resolution.n == 6
    assert (r.resolution.ci_low, r.resolution.ci_high) == (
        six.resolution.ci_low,
        six.resolution.ci_high,
    )
    overall = r.table.iloc[0]
    assert overall["cases"] == 7 and overall["km_cases"] == 6 and overall["open"] == 2
    assert overall["resolution_left_out"] == 1
    # the quality table and the note say the same: one case, left out (not "ignored")
    q = r.quality.set_index("check")
    assert q.loc["resolution_before_response", "rows"] == 1
    assert "left out of the time to resolution" in q.loc["resolution_before_response", "meaning"]
    assert "1 case left out of the time to resolution" in r.summary()
    assert r.survival.equals(six.survival)
    # its first answer still counts: with a 4 h limit it is due (age 10 h) and answered in 3 h
    lim = {"general": 4}
    r4 = response_times(df, lim, asof="2026-10-01 10:00", window_days=None)
    six4 = response_times(df.iloc[:6], lim, asof="2026-10-01 10:00", window_days=None)
    assert (r4.within.n, six4.within.n) == (6, 5) and r4.within.estimate == 1.0


def test_kaplan_meier_recovers_planted_median():
    # truth: exponential resolution times with median 48 h; cases submitted uniformly over 30
    # days, observed at day 30, so recent cases are open (censored)
    rng = np.random.default_rng(3)
    n = 4000
    sub = pd.Timestamp("2026-10-01") + pd.to_timedelta(rng.uniform(0, 30 * 24, n), unit="h")
    dur = rng.exponential(48 / math.log(2), n)
    res = sub + pd.to_timedelta(dur, unit="h")
    df = pd.DataFrame({"submitted_at": sub, "responded_at": sub, "resolved_at": res})
    r = response_times(df, asof="2026-10-31", window_days=None)
    assert r.resolution.contains(48.0)
    assert r.naive_median_hours < r.resolution.ci_low  # dropping open cases is biased low


def test_sample_slow_channel_and_censoring(sample, triaged):
    # truth: sample.truth["slow_channel"] breaks its limits; ~9% of cases are open at the end
    _, _, frame = triaged
    r = response_times(frame, asof="2026-11-01")
    assert r.worst["channel"] == sample.truth["slow_channel"]
    assert sample.truth["slow_channel"].capitalize() in r.summary()  # its display label
    assert not r.resolution.contains(r.naive_median_hours)  # ignoring censoring: visibly different
    assert r.resolution.estimate > 1.05 * r.naive_median_hours
    # open urgent cases: counted, excerpts redacted (no planted personal data)
    open_urgent = frame["severity"].eq("urgent") & frame["resolved_at"].isna()
    assert len(r.open_urgent) == int(open_urgent.sum()) > 0
    text = " ".join(r.open_urgent["excerpt"])
    assert not any(p in text for p in sample.truth["pii"])


def test_timestamps_as_text_and_quality_flags():
    df = pd.DataFrame(
        {
            "submitted_at": [
                "2026-10-01 08:00",
                "2026/10/01 09:00",
                "2026-10-01T10:00:00+08:00",
                "2026-10-01 11:00",
                "2026-10-01 12:00",
            ],
            "responded_at": [
                "2026-10-01 09:00",
                "2026-10-01 08:00",
                "2026-10-01T03:00:00Z",
                "not a date",
                None,
            ],
            "resolved_at": [None, None, None, None, "2026-10-01 13:00"],
        }
    )
    r = response_times(df, asof="2026-10-05", window_days=None)
    q = r.quality.set_index("check")["rows"]
    # row 2: 10:00+08:00 = 02:00 UTC, answered 03:00 UTC (1 h): fine; row 1 answered before it
    # came in; row 3 unreadable; row 4 resolved with no answer; offsets mixed with naive times
    assert q["response_before_feedback"] == 1
    assert q["unreadable_responded_at"] == 1
    assert q["resolved_without_response"] == 1
    assert q["mixed_time_zones"] == 1
    assert r.within.n == 5 and r.within.estimate == pytest.approx(2 / 5)


def test_all_open_and_missing_columns():
    sub = pd.date_range("2026-10-01", periods=40, freq="h")
    df = pd.DataFrame({"submitted_at": sub, "responded_at": sub, "resolved_at": pd.NaT})
    r = response_times(df, asof="2026-10-10", window_days=None)
    assert math.isnan(r.resolution.estimate)
    assert "not reached" in r.summary()
    with pytest.raises(AnalysisError, match="'responded_at'.*'resolved_at'"):
        response_times(df[["submitted_at"]])
    only_resolved = response_times(df.drop(columns="responded_at"), asof="2026-10-10")
    assert only_resolved.within is None
    assert "does not say when each response was first answered" in only_resolved.summary()


# --------------------------------------------------------------------------- closing the loop


def test_close_the_loop_planted_difference():
    # truth: contacted detractors answer 10 later, not-contacted ones 0: a 200-point difference
    n = 40
    first = pd.Timestamp("2026-01-01")
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)] * 2,
            "nps": [3] * n + [10] * (n // 2) + [0] * (n // 2),
            "submitted_at": [first] * n + [first + pd.Timedelta(days=30)] * n,
            "responded_at": [first + pd.Timedelta(hours=2)] * (n // 2)
            + [pd.NaT] * (n // 2)
            + [pd.NaT] * n,
        }
    )
    r = close_the_loop(df, asof="2026-03-01")
    # detractor answers: the 40 first ones and the 20 later zeros; 20 of them were contacted
    assert r.contacted.n == 60 and r.contacted.estimate == pytest.approx(1 / 3)
    assert r.difference.estimate == 200.0
    assert "observational" in r.summary()


def test_close_the_loop_counts_a_contact_only_before_the_next_answer():
    # Hand-built: a (NPS 3) is called on 20 Jan and answers 9 on 1 Feb: contacted before the
    # next answer. b (NPS 3) answers again on 10 Jan with a 2 and is called only on 15 Jan: that
    # call cannot have changed the 2, so b's first answer is "not contacted" for the comparison.
    # c (NPS 4) is never called and answers 5. Contacted: later [9] -> NPS +100; not contacted:
    # later [2, 5] -> NPS -100; difference +200 (counting b's late call as before: 0 - (-100)).
    day = pd.Timestamp
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c"],
            "nps": [3, 9, 3, 2, 4, 5],
            "submitted_at": [day("2026-01-01"), day("2026-02-01"), day("2026-01-01"),
                             day("2026-01-10"), day("2026-01-01"), day("2026-02-01")],
            "responded_at": [day("2026-01-20"), pd.NaT, day("2026-01-15"),
                             pd.NaT, pd.NaT, pd.NaT],
        }
    )  # fmt: skip
    r = close_the_loop(df, asof="2026-03-01", min_n=1)
    # the follow-up rate counts every call by asof: a and b's first answers, of 5 detractor answers
    assert r.contacted.n == 5 and r.contacted.estimate == pytest.approx(2 / 5)
    t = r.table.set_index("group")
    assert t.loc["contacted", ["detractors", "answered_again", "later_nps"]].tolist() == [1, 1, 100]
    assert t.loc["not contacted", ["detractors", "answered_again"]].tolist() == [4, 2]
    assert t.loc["not contacted", "later_nps"] == -100
    assert r.difference.estimate == 200.0
    assert "1 contact came only after the customer's next answer" in " ".join(r.notes)


def _loop_frame(column: str, unhappy: int, later_good: int, later_bad: int) -> pd.DataFrame:
    """40 customers answer ``unhappy`` in January; the 20 contacted ones answer ``later_good``
    a month later, the 20 others ``later_bad``."""
    n = 40
    first = pd.Timestamp("2026-01-01")
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)] * 2,
            column: [unhappy] * n + [later_good] * (n // 2) + [later_bad] * (n // 2),
            "submitted_at": [first] * n + [first + pd.Timedelta(days=30)] * n,
            "responded_at": [first + pd.Timedelta(hours=2)] * (n // 2)
            + [pd.NaT] * (n // 2)
            + [pd.NaT] * n,
        }
    )


@pytest.mark.parametrize(
    "outcome, unhappy, good, bad, later_column, difference, who",
    [
        # CSAT: unhappy 1-2; later 5 (top box) vs 1: shares 1.0 vs 0.0 -> +1.0
        ("csat", 2, 5, 1, "later_csat", 1.0, "unhappy customers (CSAT 1-2)"),
        # satisfied: unhappy 0; later 1 vs 0 -> share 1.0 vs 0.0
        ("satisfied", 0, 1, 0, "later_satisfied", 1.0, "dissatisfied customers"),
        # CES: unhappy 1-3; later 7 vs 2 -> means 7 vs 2 -> +5 points
        ("ces", 3, 7, 2, "later_ces", 5.0, "customers who found it hard (CES 1-3)"),
    ],
)
def test_close_the_loop_by_another_outcome(
    outcome, unhappy, good, bad, later_column, difference, who
):
    r = close_the_loop(_loop_frame(outcome, unhappy, good, bad), asof="2026-03-01", outcome=outcome)
    # unhappy answers: the 40 first ones and the 20 later "bad" ones; 20 of them contacted
    assert r.contacted.n == 60 and r.contacted.estimate == pytest.approx(1 / 3)
    assert r.difference.estimate == pytest.approx(difference)
    assert r.table.columns.tolist() == [
        "group", "unhappy", "answered_again", later_column, "ci_low", "ci_high"
    ]  # fmt: skip
    assert r.outcome == outcome and who in r.summary()
    assert "detractors" not in r.summary() and "NPS" not in r.summary()


def test_close_the_loop_by_csat_counts_1_and_2_only():
    # truth: CSAT 1, 2 unhappy; 3 is not. Two of the three unhappy were answered.
    df = pd.DataFrame(
        {
            "csat": [1, 2, 3, 2, 5],
            "submitted_at": pd.to_datetime([f"2026-01-0{d}" for d in range(1, 6)]),
            "responded_at": pd.to_datetime(["2026-01-02", "2026-01-03", None, None, None]),
        }
    )
    r = close_the_loop(df, asof="2026-02-01", outcome="csat")
    assert r.contacted.n == 3 and r.contacted.estimate == pytest.approx(2 / 3)


def test_close_the_loop_without_the_outcome_names_what_the_data_has():
    df = _loop_frame("csat", 2, 5, 1)
    with pytest.raises(AnalysisError) as err:
        close_the_loop(df, asof="2026-03-01")
    assert str(err.value) == (
        "column 'nps' is not in the data; following up unhappy customers needs answers of the "
        "outcome (NPS) with their dates. Fix: set the page's outcome parameter to one the data "
        "has: csat."
    )
    empty = df.assign(nps=pd.array([pd.NA] * len(df), dtype="Int64"))
    with pytest.raises(AnalysisError, match="column 'nps' has no answers"):
        close_the_loop(empty, asof="2026-03-01")
    with pytest.raises(AnalysisError, match="outcome='loyalty' is not known"):
        close_the_loop(df, outcome="loyalty")


def test_category_kpis_use_the_outcome_the_data_has():
    # reviews-only: text and a satisfied label, no nps or csat: the satisfaction column is
    # the share satisfied; the trend of an outcome without answers says so instead of raising
    from fbresearch.analyses.triage import category_kpis

    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-02"] * 4),
            "text": ["late courier", "late courier", "cold food", "cold food"],
            "satisfied": pd.array([0, 0, 1, 1], dtype="Int64"),
        }
    )
    cats = categorize(df["text"])
    t = category_kpis(df, cats, period="2026-10")
    assert set(t.table["metric"]) == {"volume", "satisfied"}
    share = t.table[t.table["metric"] == "satisfied"].set_index("category")["estimate"]
    assert share["delivery_logistics"] == 0.0 and share["product_quality"] == 1.0
    trend = category_kpis(df, cats, period="2026-10", metrics=["volume", "nps"], trend=True)
    chart = trend.plot(metric="nps")
    assert chart.summary().startswith("The NPS chart is not shown: the data has no NPS answers")


# --------------------------------------------------------------------------- suspicious feedback


def test_planted_fake_batch_is_flagged(sample):
    # truth: sample.truth["fake"], one template lightly varied, many new accounts, one day
    r = suspicious_feedback(sample.feedback)
    fake = sample.truth["fake"].to_numpy()
    flagged = r.flags["suspicious"].to_numpy()
    assert flagged[fake].mean() >= 0.95
    assert fake[flagged].mean() >= 0.9
    assert set(r.flags.loc[fake & flagged, "reason"]) == {"copied_text_burst"}
    assert r.kept(sample.feedback) is sample.feedback  # default: flag and show, do not exclude
    excl = suspicious_feedback(sample.feedback, exclude=True)
    assert len(excl.kept(sample.feedback)) == len(sample.feedback) - int(flagged.sum())


def test_minhash_matches_datasketch():
    # truth: datasketch's MinHash with the same seed and the same 32-bit shingle hashes
    from datasketch import MinHash

    units = pd.Series([["送", "餐", "太", "慢"], ["the", "app", "crashed", "again", "today"]])
    doc, hashes = shingle_hashes(units, 2)
    sig = minhash_signatures(doc, hashes, 2, num_perm=64, seed=1)
    for i in range(2):
        m = MinHash(
            num_perm=64, seed=1, scheme="legacy", hashfunc=lambda b: int.from_bytes(b, "little")
        )
        for h in hashes[doc == i]:
            m.update(int(h).to_bytes(8, "little"))
        assert np.array_equal(m.hashvalues, sig[i])


def test_gibberish_template_and_customer_burst():
    t0 = pd.Timestamp("2026-10-01 09:00")
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e", "e", "e", "e"],
            "submitted_at": [t0 + pd.Timedelta(days=i) for i in range(4)]
            + [t0 + pd.Timedelta(minutes=5 * i) for i in range(4)],
            "text": [
                "!!!!!!",
                "系统默认好评",
                "qwrtzp sdfghk",
                "Delivery was late",
                "slow",
                "slow again",
                "still slow",
                "cancel",
            ],
        }
    )
    flags = suspicious_feedback(df).flags
    assert (
        flags["reason"].tolist()
        == ["gibberish", "template_only", "gibberish", ""] + ["customer_burst"] * 4
    )
    no_ids = suspicious_feedback(df.drop(columns="customer_id"))
    assert "every response is treated as a different customer" in no_ids.summary()
    with pytest.raises(AnalysisError, match="'text'"):
        suspicious_feedback(df.drop(columns="text"))


# --------------------------------------------------------------------------- real reviews


def test_real_reviews_categorized_and_screened(shared_data):
    # no truth labels for categories: checks that the default taxonomy covers most real
    # food-delivery reviews and that the screen does not flag genuine reviews wholesale
    reviews = pd.read_csv(shared_data / "waimai_10k.csv")["review"].head(3000)
    cats = categorize(reviews)
    assert 1 - cats.uncategorized.estimate >= 0.6
    r = suspicious_feedback(pd.DataFrame({"text": reviews}))
    assert r.flagged.estimate < 0.1


def test_stock_phrase_written_every_day_is_not_a_batch_but_a_burst_is():
    # truth: a short phrase that 10 different customers write every day for 60 days is normal
    # traffic (a fixed ">= 5 customers in 24 h" rule would flag all 600 of them); 8 copies of a
    # long template from 8 new customers within one hour are a coordinated batch
    days = pd.date_range("2026-08-01", periods=60, freq="D")
    stock = pd.DataFrame(
        {
            "customer_id": [f"s{d}-{i}" for d in range(60) for i in range(10)],
            "submitted_at": [day + pd.Timedelta(hours=i) for day in days for i in range(10)],
            "text": ["送餐很快，好评"] * 600,
        }
    )
    batch = pd.DataFrame(
        {
            "customer_id": [f"new{i}" for i in range(8)],
            "submitted_at": pd.Timestamp("2026-09-10 12:00")
            + pd.to_timedelta(range(8), unit="min"),
            "text": [
                f"这家店真的太棒了，强烈推荐给大家，第{i}次购买，物流超快，包装精美！"
                for i in range(8)
            ],
        }
    )
    frame = pd.concat([stock, batch], ignore_index=True)
    reasons = suspicious_feedback(frame).flags["reason"]
    copied = reasons.str.contains("copied_text_burst")
    assert not copied.iloc[:600].any()
    assert copied.iloc[600:].all()


def test_survey_waves_have_no_times_so_no_bursts_are_claimed():
    import pandas as pd

    from fbresearch.analyses.triage import suspicious_feedback

    frame = pd.DataFrame(
        {
            "submitted_at": pd.Timestamp("2026-10-01"),
            "wave": "2026-10",
            "text": ["送餐很快，味道不错"] * 30 + [f"第{i}次点这家，很满意" for i in range(30)],
        }
    )
    screen = suspicious_feedback(frame)
    table = screen.table.set_index("reason")
    assert table.loc["copied_text_burst", "responses"] == 0
    assert any("survey waves" in note for note in screen.notes)
