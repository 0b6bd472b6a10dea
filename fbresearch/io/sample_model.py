"""The built-in sample's model: its calendar, planted groups and satisfaction model.

The constants here are the planted truth that :func:`fbresearch.io.sample.sample_data` records
in ``SampleData.truth``; the functions draw customers, submission times, ratings and the
latent satisfaction behind the NPS, CSAT and CES answers (see ``sample_data``'s notes). Every
function draws from the one generator it is given, in a fixed order.

Examples
--------
>>> import numpy as np
>>> _customers(np.random.default_rng(0), 60)["group"].nunique()
5
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from scipy import stats

__all__ = [
    "ASOF",
    "CHANGE_DATE",
    "CHANNELS",
    "CHANNEL_SHARES",
    "CONTROL_REGIONS",
    "DRIVER_WEIGHTS",
    "END",
    "FAKE_DAY",
    "GROUP_NAMES",
    "IMPROVEMENT_SHIFT",
    "LAPSE_PROBABILITY",
    "LAPSE_WINDOW_DAYS",
    "LATENT_NOISE_SD",
    "NEVER_CONTACTED_SHARE",
    "NPS_INTERCEPT",
    "ORDERS_START",
    "ORDER_REGULARITY",
    "PLANS",
    "RATINGS",
    "REGIONS",
    "REGION_SHARES",
    "RESPONSES_START",
    "RESPONSE_LIMIT_HOURS",
    "SCORED_CHANNELS",
    "SEASON_AMPLITUDE",
    "SLOW_CHANNEL",
    "TEXT_CHANNELS",
    "TREATED_REGIONS",
]

# --- the fixed calendar ---------------------------------------------------------------------
RESPONSES_START = pd.Timestamp("2025-05-01")
ORDERS_START = pd.Timestamp("2024-11-01")
END = pd.Timestamp("2026-11-01")  # exclusive: the data end on 2026-10-31
ASOF = END  # recency and tenure are measured at the end of the data
CHANGE_DATE = pd.Timestamp("2026-03-01")
FAKE_DAY = pd.Timestamp("2026-10-14")
LAPSE_WINDOW_DAYS = 90
ORDER_REGULARITY = 3.0  # shape of the Gamma gaps between a customer's orders

SCORED_CHANNELS = ("survey", "email", "web", "app", "call_center")
TEXT_CHANNELS = ("social", "review")
CHANNELS = SCORED_CHANNELS + TEXT_CHANNELS
CHANNEL_SHARES = (0.26, 0.18, 0.12, 0.18, 0.09, 0.09, 0.08)
REGIONS = ("East", "North", "South", "West")
REGION_SHARES = (0.30, 0.20, 0.25, 0.25)
TREATED_REGIONS = ("East", "South")
CONTROL_REGIONS = ("North", "West")
PLANS = ("basic", "plus", "premium")
RATINGS = ("rating_delivery", "rating_quality", "rating_price", "rating_service", "rating_app")

# --- planted customer groups ----------------------------------------------------------------
# share of customers, orders per year while active, median order amount, shift in latent
# satisfaction (NPS-answer points), relative propensity to answer, plan mix (basic, plus, premium)
_GROUPS: dict[str, dict[str, Any]] = {
    "champions": dict(
        share=0.12, rate=45.0, amount=140.0, sat=0.30, respond=2.0, plan=(0.25, 0.35, 0.40)
    ),
    "loyal": dict(
        share=0.23, rate=12.0, amount=50.0, sat=0.20, respond=1.5, plan=(0.45, 0.35, 0.20)
    ),
    "new": dict(share=0.15, rate=10.0, amount=45.0, sat=0.00, respond=1.5, plan=(0.70, 0.20, 0.10)),
    "at_risk": dict(
        share=0.20, rate=15.0, amount=60.0, sat=-0.50, respond=1.0, plan=(0.50, 0.30, 0.20)
    ),
    "occasional": dict(
        share=0.30, rate=3.0, amount=25.0, sat=-0.15, respond=0.6, plan=(0.75, 0.20, 0.05)
    ),
}
GROUP_NAMES = tuple(_GROUPS)

# --- the satisfaction model -----------------------------------------------------------------
# Driver weights: the planted OLS coefficients of the 0-10 NPS answer on the five ratings.
DRIVER_WEIGHTS = {
    "rating_delivery": 0.60,
    "rating_quality": 0.45,
    "rating_price": 0.20,
    "rating_service": 0.30,
    "rating_app": 0.10,
}
# Marginal distribution of each rating (1..5); a common factor correlates them mildly.
# Delivery, the strongest driver, is also rated lowest: the sample's "fix first" story.
_RATING_P = np.array(
    [
        [0.06, 0.16, 0.33, 0.28, 0.17],
        [0.04, 0.07, 0.18, 0.38, 0.33],
        [0.06, 0.10, 0.24, 0.35, 0.25],
        [0.05, 0.08, 0.20, 0.35, 0.32],
        [0.05, 0.08, 0.22, 0.37, 0.28],
    ]
)
_RATING_RHO = 0.3  # loading of the common factor (latent correlation between ratings)
_RATING_MEAN = (_RATING_P * np.arange(1, 6)).sum(axis=1)
NEVER_CONTACTED_SHARE = 0.2  # non-urgent detractors whose feedback is never answered
_STRAIGHT_LINE_SHARE = 0.02
_RATING_MISSING = 0.03

NPS_INTERCEPT = 7.2
# NPS noise: a centred, left-skewed gamma (upper tail bounded at K*THETA), so answers pile up
# at 8-10 without being clipped at 10 more than rarely, and angry outliers reach the bottom.
NPS_NOISE_K, NPS_NOISE_THETA = 1.0, 0.45
LATENT_NOISE_SD = 0.3
# a bad incident: about 5% of responses carry an extra negative shock (Gamma(2, 1), mean -2)
INCIDENT_SHARE, INCIDENT_K, INCIDENT_THETA = 0.05, 2.0, 1.0
CSAT_INTERCEPT, CSAT_SLOPE, CSAT_NOISE_SD = 4.0, 0.60, 0.55
CES_INTERCEPT, CES_SLOPE, CES_NOISE_SD = 5.3, 0.65, 0.8
IMPROVEMENT_SHIFT = 0.60  # latent shift (NPS points) for treated regions after the launch
SEASON_AMPLITUDE = 0.30  # latent shift peaks in July (+) and bottoms in January (-)

# --- churn, triage and text plants -----------------------------------------------------------
LAPSE_PROBABILITY = {"detractor": 0.35, "passive": 0.15, "promoter": 0.05}
_TOPIC_BASE = {
    "delivery": 0.21,
    "quality": 0.19,
    "price": 0.13,
    "service": 0.13,
    "app": 0.12,
    "refund": 0.10,
    "packaging": 0.12,
}
_EMPTY_SHARE = 0.05
_URGENT_SHARE = 0.03
_PII_SHARE = 0.01
_FAKE_SHARE = 0.01
RESPONSE_LIMIT_HOURS = {"urgent": 4, "important": 24, "general": 72}
_RESPONSE_MEDIAN_HOURS = {"urgent": 1.5, "important": 8.0, "general": 20.0}
_RESOLUTION_MEDIAN_HOURS = {"urgent": 12.0, "important": 48.0, "general": 72.0}
_CHANNEL_SPEED = {
    "survey": 1.0,
    "email": 1.3,
    "web": 1.0,
    "app": 0.8,
    "call_center": 0.4,
    "social": 4.0,
    "review": 1.6,
}
SLOW_CHANNEL = "social"
_STUCK = {"default": 0.07, SLOW_CHANNEL: 0.15}  # cases that stay open (fell through the cracks)
_INVITE_RATE = {"survey": 0.18, "email": 0.15, "web": 0.22, "app": 0.20, "call_center": 0.24}


@lru_cache(maxsize=1)
def _phrases() -> dict[str, Any]:
    text = (
        resources.files("fbresearch")
        .joinpath("resources", "sample_phrases.yaml")
        .read_text("utf-8")
    )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pd.Series:
    """``prefix`` + zero-padded numbers as a plain ``str`` Series (pyarrow: fast at 10^7 rows)."""
    digits = pc.utf8_lpad(pa.array(numbers, type=pa.int64()).cast(pa.string()), width, "0")
    joined = pc.binary_join_element_wise(prefix, digits, "")
    return pd.Series(joined.to_pandas(), dtype="str")


def _times(start: pd.Timestamp, seconds: np.ndarray) -> np.ndarray:
    """``start`` plus whole seconds, as datetime64[ns]."""
    base = np.datetime64(start.to_datetime64(), "ns")
    return base + (np.asarray(seconds, dtype=np.int64) * 10**9).astype("timedelta64[ns]")


def _days_between(a: pd.Timestamp, b: pd.Timestamp) -> float:
    return (b - a) / pd.Timedelta(days=1)


def _seasonality() -> dict[int, float]:
    months = np.arange(1, 13)
    shift = SEASON_AMPLITUDE * np.cos(2 * np.pi * (months - 7) / 12)
    return {int(m): round(float(s), 4) for m, s in zip(months, shift, strict=True)}


def _customers(rng: np.random.Generator, n_customers: int) -> pd.DataFrame:
    shares = np.array([g["share"] for g in _GROUPS.values()])
    counts = np.floor(shares * n_customers).astype(int)
    counts[-1] += n_customers - counts.sum()
    group = rng.permutation(np.repeat(np.arange(len(_GROUPS)), counts))
    is_new = group == GROUP_NAMES.index("new")
    # everyone but the new group signed up before the survey period started (2022-11 .. 2025-04)
    old_lo, old_hi = pd.Timestamp("2023-05-01"), pd.Timestamp("2025-04-30")
    old_days = rng.uniform(0, _days_between(old_lo, old_hi), n_customers)
    new_days = rng.uniform(20, 150, n_customers)
    signup = np.where(
        is_new,
        _times(END, -np.round(new_days * 86400)),
        _times(old_lo, np.round(old_days * 86400)),
    ).astype("datetime64[ns]")
    signup = signup.astype("datetime64[D]").astype("datetime64[ns]")  # a date
    plan_p = np.array([g["plan"] for g in _GROUPS.values()])
    plan = (rng.random(n_customers)[:, None] > np.cumsum(plan_p, axis=1)[group]).sum(axis=1)
    region = rng.choice(len(REGIONS), n_customers, p=REGION_SHARES)
    language = np.where(rng.random(n_customers) < 0.6, "zh", "en")
    width = max(6, len(str(n_customers)))
    return pd.DataFrame(
        {
            "customer_id": _ids("C", np.arange(1, n_customers + 1), width),
            "region": pd.Series(np.asarray(REGIONS, dtype=object)[region], dtype="str"),
            "plan": pd.Series(np.asarray(PLANS, dtype=object)[plan], dtype="str"),
            "language": pd.Series(language.astype(object), dtype="str"),
            "signup_date": signup,
            "group": pd.Series(np.asarray(GROUP_NAMES, dtype=object)[group], dtype="str"),
        }
    )


def _month_volumes(rng: np.random.Generator) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Relative response volume per month: growth, shopping festivals, Spring Festival, noise."""
    months = pd.date_range(RESPONSES_START, END - pd.Timedelta(days=1), freq="MS")
    growth = 1.012 ** np.arange(len(months))
    festival = {11: 1.30, 12: 1.12, 2: 0.82, 6: 1.10, 7: 1.05, 8: 1.05}
    seasonal = np.array([festival.get(m, 1.0) for m in months.month])
    noise = np.exp(rng.normal(0, 0.07, len(months)))
    days = months.days_in_month.to_numpy()
    weight = growth * seasonal * noise * days / 30.4
    return months, weight / weight.sum()


def _submitted(rng: np.random.Generator, n: int) -> np.ndarray:
    months, p = _month_volumes(rng)
    month = rng.choice(len(months), n, p=p)
    start = months.to_numpy()[month]
    day = np.floor(rng.random(n) * months.days_in_month.to_numpy()[month])
    hour_w = np.array(
        [
            1,
            0.5,
            0.3,
            0.2,
            0.2,
            0.3,
            0.8,
            1.5,
            2.5,
            3,
            3.2,
            3.5,
            4,
            3.5,
            3,
            3,
            3.2,
            3.5,
            4,
            4.5,
            4.5,
            4,
            3,
            2,
        ]
    )
    hour = rng.choice(24, n, p=hour_w / hour_w.sum())
    sec = rng.integers(0, 3600, n)
    offset = (day * 86400 + hour * 3600 + sec).astype(np.int64)
    return np.sort(start.astype("datetime64[ns]") + (offset * 10**9).astype("timedelta64[ns]"))


def _assign_customers(
    rng: np.random.Generator, customers: pd.DataFrame, group: np.ndarray, when: np.ndarray
) -> np.ndarray:
    """Customer position (row in ``customers``) of each response: only customers already signed
    up can answer, weighted by their group's propensity to answer."""
    signup = customers["signup_date"].to_numpy()
    order = np.argsort(signup, kind="stable")
    weight = np.array([g["respond"] for g in _GROUPS.values()])[group[order]]
    cumw = np.cumsum(weight)
    eligible = np.searchsorted(signup[order], when, side="right")
    eligible = np.maximum(eligible, 1)
    target = rng.random(len(when)) * cumw[eligible - 1]
    pick = np.minimum(np.searchsorted(cumw, target, side="right"), eligible - 1)
    return order[pick]


def _ratings(rng: np.random.Generator, n: int) -> np.ndarray:
    common = rng.standard_normal(n)
    latent = np.sqrt(_RATING_RHO) * common[:, None] + np.sqrt(
        1 - _RATING_RHO
    ) * rng.standard_normal((n, len(RATINGS)))
    cuts = stats.norm.ppf(np.cumsum(_RATING_P, axis=1)[:, :-1])
    ratings = np.empty((n, len(RATINGS)), dtype=np.int64)
    for j in range(len(RATINGS)):
        ratings[:, j] = 1 + np.searchsorted(cuts[j], latent[:, j])
    straight = rng.random(n) < _STRAIGHT_LINE_SHARE
    value = rng.choice([5, 4, 3, 1], n, p=[0.35, 0.35, 0.15, 0.15])
    ratings[straight] = value[straight, None]
    return ratings


def _expected_ordinal(mean: np.ndarray, cuts: np.ndarray, cdf) -> np.ndarray:
    """E[clip(round(mean + noise))] = lowest + sum over cut points c of P(mean + noise > c)."""
    return cuts[0] - 0.5 + cdf(mean[:, None] - cuts[None, :]).sum(axis=1)


def _nps_exceed(x: np.ndarray) -> np.ndarray:
    """P(noise > -x) for the NPS noise ``K*THETA - Gamma(K, THETA)``."""
    return stats.gamma.cdf(x + NPS_NOISE_K * NPS_NOISE_THETA, NPS_NOISE_K, scale=NPS_NOISE_THETA)


def _satisfaction(
    rng: np.random.Generator,
    n_real: int,
    when: np.ndarray,
    region: np.ndarray,
    group: np.ndarray,
    scored: np.ndarray,
) -> dict[str, Any]:
    """Ratings, latent satisfaction, the three answers and the exact improvement effect.

    Returns a dict: ``ratings``, ``latent``, ``nps``, ``csat``, ``ces``, ``nps_clipped``,
    ``effect_csat``, ``effect_nps``, ``tp`` (treated, post-change, scored rows), ``season``.
    """
    ratings = _ratings(rng, n_real)
    rating_part = (ratings - _RATING_MEAN) @ np.array([DRIVER_WEIGHTS[c] for c in RATINGS])
    season = _seasonality()
    month = pd.DatetimeIndex(when).month.to_numpy()
    season_shift = np.array([season[m] for m in range(1, 13)])[month - 1]
    treated = np.isin(region, [REGIONS.index(r) for r in TREATED_REGIONS])
    post = when >= CHANGE_DATE.to_datetime64()
    improvement = IMPROVEMENT_SHIFT * (treated & post)
    group_shift = np.array([g["sat"] for g in _GROUPS.values()])[group]
    incident = (rng.random(n_real) < INCIDENT_SHARE) * rng.gamma(INCIDENT_K, INCIDENT_THETA, n_real)
    other = group_shift + season_shift + rng.normal(0, LATENT_NOISE_SD, n_real) - incident
    latent = rating_part + other + improvement

    nps_noise = NPS_NOISE_K * NPS_NOISE_THETA - rng.gamma(NPS_NOISE_K, NPS_NOISE_THETA, n_real)
    nps_star = NPS_INTERCEPT + latent + nps_noise
    nps_round = np.round(nps_star)
    nps_clipped = float(np.mean((nps_round < 0) | (nps_round > 10)))
    nps = np.clip(nps_round, 0, 10).astype(np.int64)
    csat_mean = CSAT_INTERCEPT + CSAT_SLOPE * latent
    csat = np.clip(np.round(csat_mean + rng.normal(0, CSAT_NOISE_SD, n_real)), 1, 5).astype(
        np.int64
    )
    ces = np.clip(
        np.round(CES_INTERCEPT + CES_SLOPE * latent + rng.normal(0, CES_NOISE_SD, n_real)), 1, 7
    ).astype(np.int64)

    # exact effect of the improvement (the true ATT a correct DiD estimates)
    tp = treated & post & scored
    csat_cuts = np.arange(1.5, 5.0)
    normal_cdf = lambda x: stats.norm.cdf(x / CSAT_NOISE_SD)  # noqa: E731
    effect_csat = (
        float(
            np.mean(
                _expected_ordinal(csat_mean[tp], csat_cuts, normal_cdf)
                - _expected_ordinal(
                    csat_mean[tp] - CSAT_SLOPE * IMPROVEMENT_SHIFT, csat_cuts, normal_cdf
                )
            )
        )
        if tp.any()
        else float("nan")
    )
    nps_mean = NPS_INTERCEPT + latent
    nps_cuts = np.arange(0.5, 10.0)
    effect_nps = (
        float(
            np.mean(
                _expected_ordinal(nps_mean[tp], nps_cuts, _nps_exceed)
                - _expected_ordinal(nps_mean[tp] - IMPROVEMENT_SHIFT, nps_cuts, _nps_exceed)
            )
        )
        if tp.any()
        else float("nan")
    )
    return {
        "ratings": ratings,
        "latent": latent,
        "nps": nps,
        "csat": csat,
        "ces": ces,
        "nps_clipped": nps_clipped,
        "effect_csat": effect_csat,
        "effect_nps": effect_nps,
        "tp": tp,
        "season": season,
    }
