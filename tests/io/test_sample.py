"""Tests of the built-in sample: determinism, the data contract, and that every planted truth is
really in the data (each statistical test names the truth it checks)."""

from __future__ import annotations

import hashlib
import re

import jieba
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from fbresearch.errors import ParamsError
from fbresearch.io.sample import SampleData, sample_data
from fbresearch.io.sample_model import RATINGS, _phrases

FEEDBACK_COLUMNS = [
    "response_id",
    "customer_id",
    "submitted_at",
    "channel",
    "region",
    "plan",
    "nps",
    "csat",
    "ces",
    *RATINGS,
    "text",
    "responded_at",
    "resolved_at",
    "touchpoint",
]
SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), **{c: (1, 5) for c in RATINGS}}


@pytest.fixture(scope="module")
def large() -> SampleData:
    """20,000 responses: enough for tight checks of the planted effects."""
    return sample_data(20_000, seed=1)


def _digest(data: SampleData) -> list[str]:
    frames = (data.feedback, data.orders, data.customers, data.invitations)
    return [hashlib.sha256(f.to_csv().encode()).hexdigest() for f in frames]


def test_same_seed_gives_identical_frames_and_another_seed_differs():
    a, b, c = sample_data(800, seed=3), sample_data(800, seed=3), sample_data(800, seed=4)
    assert _digest(a) == _digest(b)
    assert a.truth["pii"] == b.truth["pii"]
    assert all(x != y for x, y in zip(_digest(a), _digest(c), strict=True))


def test_feedback_contract(sample):
    f = sample.feedback
    assert list(f.columns) == FEEDBACK_COLUMNS
    assert len(f) == 5000 and isinstance(f.index, pd.RangeIndex)
    assert f["response_id"].is_unique and f["response_id"].iloc[0] == "R0000001"
    assert re.fullmatch(r"C\d{6}", f["customer_id"].iloc[0])
    for col in ("response_id", "customer_id", "channel", "region", "plan", "text"):
        assert f[col].dtype == "str", col
    for col in ("submitted_at", "responded_at", "resolved_at"):
        assert f[col].dtype == "datetime64[ns]", col
    for col, (low, high) in SCORES.items():
        assert f[col].dtype == "Int64", col
        assert f[col].min() >= low and f[col].max() <= high, col
    assert f["submitted_at"].min() >= pd.Timestamp("2025-05-01")
    assert f["submitted_at"].max() < pd.Timestamp("2026-11-01")
    assert f["submitted_at"].is_monotonic_increasing
    assert set(f["channel"]) == {"survey", "email", "web", "app", "call_center", "social", "review"}
    assert set(f["region"]) == {"East", "North", "South", "West"}
    assert set(f["plan"]) == {"basic", "plus", "premium"}
    text_only = f["channel"].isin(["social", "review"])
    assert f.loc[text_only, list(SCORES)].isna().all().all()
    assert f.loc[~text_only, ["nps", "csat", "ces"]].notna().all().all()
    missing = f.loc[~text_only, list(RATINGS)].isna().mean()
    assert ((missing > 0.01) & (missing < 0.06)).all()  # "a few percent" missing
    # 18 months, volume that varies from month to month
    volume = f.groupby(f["submitted_at"].dt.to_period("M")).size()
    assert len(volume) == 18 and volume.std() / volume.mean() > 0.05


def test_other_tables_contract(sample):
    o, c, inv = sample.orders, sample.customers, sample.invitations
    assert list(o.columns) == ["order_id", "customer_id", "order_date", "amount"]
    assert o["order_id"].is_unique and o["order_date"].dtype == "datetime64[ns]"
    assert o["order_date"].min() >= pd.Timestamp("2024-11-01")
    assert o["order_date"].max() < pd.Timestamp("2026-11-01")
    returns = (o["amount"] < 0).mean()
    assert 0.003 < returns < 0.02
    assert list(c.columns) == ["customer_id", "region", "plan", "language", "signup_date", "group"]
    assert c["customer_id"].is_unique and set(c["customer_id"]) == set(o["customer_id"])
    assert 0.55 < (c["language"] == "zh").mean() < 0.65
    # feedback repeats the customer's region and plan; many customers answer twice or more
    real = sample.feedback[~sample.truth["fake"]]
    merged = real.merge(c, on="customer_id", suffixes=("", "_c"), validate="many_to_one")
    assert (merged["region"] == merged["region_c"]).all() and (
        merged["plan"] == merged["plan_c"]
    ).all()
    assert (real["customer_id"].value_counts() >= 2).sum() > 500
    assert (merged["submitted_at"] >= merged["signup_date"]).all()
    # invitations: the scored channels, 18 months, response rates of 15-25%
    assert list(inv.columns) == ["channel", "month", "invited"] and len(inv) == 5 * 18
    answered = sample.feedback.groupby(
        [sample.feedback["channel"], sample.feedback["submitted_at"].dt.strftime("%Y-%m")]
    ).size()
    rate = (
        answered.reindex(pd.MultiIndex.from_frame(inv[["channel", "month"]])).to_numpy()
        / inv["invited"]
    )
    assert rate.between(0.14, 0.26).all()


def test_truth_series_are_aligned_and_documented(sample):
    t = sample.truth
    required = {
        "topic",
        "topics",
        "language",
        "category",
        "topic_names",
        "driver_outcome",
        "driver_weights",
        "segment",
        "segment_names",
        "improvement",
        "seasonality",
        "churn",
        "fake",
        "severity",
        "slow_channel",
        "pii",
    }
    assert required <= set(t)
    for key in ("topic", "language", "category", "fake", "severity"):
        assert t[key].index.equals(sample.feedback.index), key
    empty = sample.feedback["text"] == ""
    assert t["topic"][empty].isna().all() and t["topic"][~empty].notna().all()
    assert 0.03 < empty.mean() < 0.07
    assert (t["category"][~empty] == t["topic"][~empty].map(t["category_of_topic"])).all()
    assert set(t["severity"]) == {"urgent", "important", "general"}
    assert t["segment"].index.equals(pd.Index(sample.customers["customer_id"]))
    assert set(t["segment"]) == set(t["segment_names"])
    assert sorted(t["seasonality"]) == list(range(1, 13))
    assert t["seasonality"][12] < 0 < t["seasonality"][7]  # a December dip and a summer high
    assert t["driver_outcome"] == "nps" and set(t["driver_weights"]) == set(RATINGS)
    assert t["improvement"]["change_date"] == "2026-03-01" and t["improvement"]["metric"] == "csat"


def test_phrase_banks_have_enough_natural_variety():
    topics = _phrases()["topics"]
    assert len(topics) >= 6
    for name, topic in topics.items():
        for lang in ("en", "zh"):
            phrases = topic[lang]["complaint"] + topic[lang]["praise"]
            assert len(set(phrases)) >= 30, (name, lang)


def test_topic_words_are_tokens_of_their_topic_and_distinctive():
    # truth["topics"] promises words as a tokenizer produces them: lower-case English words and
    # words jieba cuts from the Chinese phrasings; each must occur in its own topic's phrasings
    # far more often than in the others' (that is what makes the topics recoverable by LDA).
    topics = _phrases()["topics"]
    tokens: dict[tuple[str, str], list[str]] = {}
    for name, topic in topics.items():
        en = " ".join(topic["en"]["complaint"] + topic["en"]["praise"]).lower()
        tokens[name, "en"] = re.findall(r"[a-z]+", en)
        zh = topic["zh"]["complaint"] + topic["zh"]["praise"]
        tokens[name, "zh"] = [w.lower() for p in zh for w in jieba.lcut(p)]
    for name, topic in topics.items():
        for lang in ("en", "zh"):
            for word in topic["words"][lang]:
                own = tokens[name, lang].count(word)
                other = max(tokens[t, lang].count(word) for t in topics if t != name)
                assert own >= 2 and own > 2 * other, (name, lang, word, own, other)


def test_topics_follow_ratings_and_mark_pain_points(large):
    # planted: a low rating_delivery makes a delivery text likelier, and complaints lower the score
    f, topic = large.feedback, large.truth["topic"]
    low = f["rating_delivery"] <= 2
    high = f["rating_delivery"] >= 4
    assert (topic[low] == "delivery").mean() > 2 * (topic[high] == "delivery").mean()
    by_topic = f["nps"].astype(float).groupby(topic).mean()
    assert by_topic.idxmin() in {"delivery", "refund"}
    # texts are in the customer's language; some Chinese texts switch into English
    zh = large.truth["language"] == "zh"
    has_han = f["text"].str.contains(r"[\u4e00-\u9fff]")
    nonempty = f["text"] != ""
    assert has_han[zh & nonempty].all() and not has_han[~zh & nonempty].any()
    assert f.loc[zh, "text"].str.contains("APP|app|bug").sum() > 50


def test_driver_weights_are_the_ols_coefficients(large):
    # truth: driver_weights are the planted OLS coefficients of the NPS answer on the ratings;
    # each must lie inside its 99% HC3 interval at n=20,000 (99%, not 95%: five intervals at
    # 95% would all cover only ~77% of the time even for an unbiased generator)
    cols = ["nps", *RATINGS]
    frame = large.feedback[cols].dropna().astype(float)
    fit = smf.ols("nps ~ " + " + ".join(RATINGS), frame).fit(cov_type="HC3")
    ci = fit.conf_int(alpha=0.01)
    for col, weight in large.truth["driver_weights"].items():
        assert ci.loc[col, 0] < weight < ci.loc[col, 1], (col, weight, ci.loc[col].tolist())
    ranking = fit.params[list(RATINGS)].sort_values(ascending=False).index.tolist()
    planted = sorted(
        large.truth["driver_weights"], key=large.truth["driver_weights"].get, reverse=True
    )
    assert ranking == planted
    assert large.truth["latent"]["nps_clipped_share"] < 0.01


def test_scores_are_realistic_and_straight_lining_is_planted(large):
    f = large.feedback.dropna(subset=["nps"])
    nps = f["nps"].astype(int)
    promoters, detractors = (nps >= 9).mean(), (nps <= 6).mean()
    assert 0.2 < promoters < 0.5 and 0.1 < detractors < 0.35
    assert 3.8 < f["csat"].mean() < 4.3
    assert stats.spearmanr(f["csat"], f["nps"]).statistic > 0.5
    rated = f[list(RATINGS)].dropna()
    straight = rated.nunique(axis=1) == 1
    assert 0.02 < straight.mean() < 0.06  # 2% planted, plus chance agreement
    corr = rated.astype(float).corr().to_numpy()[np.triu_indices(5, 1)]
    assert (corr > 0.05).all() and (corr < 0.5).all()  # mildly correlated


def test_improvement_effect_recovered_by_difference_in_differences(large):
    # truth: improvement["effect"], the exact mean CSAT effect on treated responses after launch;
    # an independent DiD of means must land within 3 standard errors of it
    imp = large.truth["improvement"]
    f = large.feedback.dropna(subset=["csat"]).assign(
        csat=lambda d: d["csat"].astype(float),
        treated=lambda d: d["region"].isin(imp["treated_regions"]).astype(int),
        post=lambda d: (d["submitted_at"] >= imp["change_date"]).astype(int),
    )
    fit = smf.ols("csat ~ treated * post", f).fit(cov_type="HC1")
    est, se = fit.params["treated:post"], fit.bse["treated:post"]
    assert abs(est - imp["effect"]) < 3 * se, (est, se, imp["effect"])
    assert 0.2 < imp["effect"] < 0.35 and imp["effect_nps"] > imp["effect"]
    nps = f.dropna(subset=["nps"]).assign(nps=lambda d: d["nps"].astype(float))
    fit_nps = smf.ols("nps ~ treated * post", nps).fit(cov_type="HC1")
    assert abs(fit_nps.params["treated:post"] - imp["effect_nps"]) < 3 * fit_nps.bse["treated:post"]


def test_seasonality_is_in_the_csat_series(large):
    # truth: seasonality (latent shift by month); July's mean CSAT beats December's/January's
    f = large.feedback.dropna(subset=["csat"])
    control = f[f["region"].isin(large.truth["improvement"]["control_regions"])]
    by_month = control["csat"].astype(float).groupby(control["submitted_at"].dt.month).mean()
    assert by_month[7] - by_month[[12, 1]].mean() > 0.15


def _rfm_features(data: SampleData) -> pd.DataFrame:
    """The documented segment features: log1p(purchase count), log1p(net spend), recency and
    tenure in days at 2026-11-01."""
    asof = pd.Timestamp("2026-11-01")
    o = data.orders
    purchases = o[o["amount"] > 0].groupby("customer_id")
    signup = data.customers.set_index("customer_id")["signup_date"]
    features = pd.DataFrame(
        {
            "log_count": np.log1p(purchases.size()),
            "log_spend": np.log1p(o.groupby("customer_id")["amount"].sum().clip(lower=0)),
            "recency": (asof - purchases["order_date"].max()).dt.days,
        }
    )
    features["tenure"] = (asof - signup.reindex(features.index)).dt.days
    return features


def test_kmeans_recovers_planted_customer_groups(sample):
    # truth: segment; k-means (k=5) on the standardized features must reach ARI >= 0.8
    features = _rfm_features(sample)
    labels = KMeans(5, n_init=10, random_state=0).fit_predict(
        StandardScaler().fit_transform(features)
    )
    ari = adjusted_rand_score(sample.truth["segment"].reindex(features.index), labels)
    assert ari >= 0.8, ari
    # groups differ in ordering behaviour and in satisfaction, as documented
    groups = sample.truth["segment"].reindex(features.index)
    means = features.groupby(groups).mean()
    assert means["recency"].idxmax() == "at_risk" and means["tenure"].idxmin() == "new"
    assert means["log_spend"].idxmax() == "champions"
    real = sample.feedback.dropna(subset=["nps"])
    nps_by_group = (
        real["nps"].astype(float).groupby(real["customer_id"].map(sample.truth["segment"])).mean()
    )
    assert nps_by_group["champions"] - nps_by_group["at_risk"] > 0.4


def test_churn_detractors_lapse_more_than_promoters(sample):
    # truth: churn; observed 90-day lapse rates follow the planted ordering by a wide margin
    churn = sample.truth["churn"]
    observed = churn["observed_lapse_rate"]
    assert observed["detractor"] > observed["passive"] > observed["promoter"]
    assert observed["detractor"] - observed["promoter"] > 0.15
    # recompute one rate independently from the tables
    f = sample.feedback.dropna(subset=["nps"])
    f = f[f["submitted_at"] <= pd.Timestamp("2026-11-01") - pd.Timedelta(days=90)]
    purchases = sample.orders[sample.orders["amount"] > 0]
    merged = f[["response_id", "customer_id", "submitted_at", "nps"]].merge(
        purchases, on="customer_id"
    )
    window = (merged["order_date"] > merged["submitted_at"]) & (
        merged["order_date"] <= merged["submitted_at"] + pd.Timedelta(days=90)
    )
    bought = merged[window].groupby("response_id").size()
    lapsed = ~f["response_id"].isin(bought.index)
    assert lapsed[f["nps"] <= 6].mean() == pytest.approx(observed["detractor"])


def test_triage_plants(sample):
    f, t = sample.feedback, sample.truth
    severity = t["severity"]
    assert 0.02 < (severity == "urgent").mean() < 0.045
    detractor = (f["nps"] <= 6).fillna(False)
    assert (severity[detractor & (severity != "urgent")] == "important").all()
    # response times: the slow channel breaks its limits most; about 10% of cases still open
    hours = (f["responded_at"] - f["submitted_at"]).dt.total_seconds() / 3600
    assert (hours.dropna() > 0).all()
    assert (f["resolved_at"].dropna() >= f.loc[f["resolved_at"].notna(), "responded_at"]).all()
    limit = severity.map(t["response_limits_hours"])
    late = (hours > limit).groupby(f["channel"]).mean()
    assert late.idxmax() == t["slow_channel"]
    assert late[t["slow_channel"]] > 2 * late.drop(t["slow_channel"]).max()
    assert 0.06 < f["resolved_at"].isna().mean() < 0.14
    last_month = f["submitted_at"] >= "2026-10-01"
    assert (
        f.loc[last_month, "resolved_at"].isna().mean()
        > 2 * f.loc[~last_month, "resolved_at"].isna().mean()
    )


def test_fake_review_batch(sample):
    f, fake = sample.feedback, sample.truth["fake"]
    batch = f[fake]
    assert 0.008 < fake.mean() < 0.012
    assert (batch["channel"] == "review").all()
    assert batch["submitted_at"].dt.normalize().nunique() == 1
    assert batch["customer_id"].is_unique
    assert not batch["customer_id"].isin(sample.orders["customer_id"]).any()
    assert batch["text"].nunique() > 5  # lightly varied ...
    common = set.intersection(*(set(jieba.lcut(x)) for x in batch["text"]))
    assert {"好吃", "新鲜", "大家"} <= common  # ... one template
    same_day = f["submitted_at"].dt.normalize() == batch["submitted_at"].iloc[0].normalize()
    assert (f.loc[same_day & ~fake, "channel"] == "review").sum() < len(batch) / 3


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()][::-1]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return total % 10 == 0


def test_pii_plants_are_in_the_texts_and_valid(sample):
    pii = sample.truth["pii"]
    texts = sample.feedback["text"]
    assert 0.005 < len(pii) / len(texts) < 0.02
    joined = "\n".join(texts)
    assert all(p in joined for p in pii)
    kinds = {
        "email": r"[\w.]+@[\w.]+",
        "phone": r"1[3-9]\d{9}",
        "id": r"\d{17}[\dX]",
        "card": r"\d{4} ?\d{4} ?\d{4} ?\d{4}",
        "url": r"https://\S+\?\S+",
    }
    found = {k: [p for p in pii if re.fullmatch(rx, p)] for k, rx in kinds.items()}
    assert all(found.values()), {k: len(v) for k, v in found.items()}
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for number in found["id"]:
        total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
        assert "10X98765432"[total % 11] == number[-1]
    assert all(_luhn_ok(c) for c in found["card"])


def test_bad_arguments_raise_a_clear_error():
    with pytest.raises(ParamsError, match="n_responses"):
        sample_data(10)
    with pytest.raises(ParamsError, match="n_responses"):
        sample_data("5000")
