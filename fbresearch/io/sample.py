"""The built-in sample: realistic generated feedback, orders and customers with planted truth.

Every analysis in fbresearch is validated on this sample: the generator plants known effects
(topics, driver weights, customer groups, seasonality, an improvement, churn, triage cases, a
fake-review batch, personal data) and records them in ``SampleData.truth`` so tests and the
report's own checks can compare what an analysis finds with what is really there.

The business is an online food and grocery delivery service with Chinese- and English-speaking
customers in four regions. The calendar is fixed (independent of today): responses from
2025-05-01 to 2026-10-31, orders from 2024-11-01 to 2026-10-31. Generation is vectorized with one
``numpy.random.default_rng(seed)``: the same seed gives the same frames byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from scipy import stats

from fbresearch.errors import ParamsError

__all__ = ["SampleData", "sample_data"]

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


@dataclass(frozen=True, eq=False)
class SampleData:
    """The built-in sample: four tables and the truth planted in them.

    Attributes
    ----------
    feedback : pandas.DataFrame
        One row per response, canonical columns (see :func:`sample_data`).
    orders : pandas.DataFrame
        ``order_id``, ``customer_id``, ``order_date``, ``amount`` (returns are negative).
    customers : pandas.DataFrame
        ``customer_id``, ``region``, ``plan``, ``language``, ``signup_date``, ``group``.
    invitations : pandas.DataFrame
        ``channel``, ``month`` ("YYYY-MM"), ``invited`` for the scored channels.
    truth : dict
        What was planted (see :func:`sample_data`).
    """

    feedback: pd.DataFrame
    orders: pd.DataFrame
    customers: pd.DataFrame
    invitations: pd.DataFrame
    truth: dict[str, Any] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"SampleData(feedback={len(self.feedback):,} rows, orders={len(self.orders):,} rows, "
            f"customers={len(self.customers):,} rows, invitations={len(self.invitations)} rows)"
        )


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


def _pii_strings(rng: np.random.Generator, kinds: np.ndarray) -> list[str]:
    names = [
        "zhang.wei",
        "li.na",
        "wang.fang",
        "liu.yang",
        "chen.jing",
        "john.smith",
        "emily.chen",
        "mike.wong",
        "sarah.lee",
        "david.zhao",
    ]
    domains = ["example.com", "qq.com", "163.com", "gmail.com", "outlook.com"]
    areas = ["110101", "310104", "440305", "330106", "510107", "420102"]
    out = []
    for kind in kinds:
        if kind == "email":
            out.append(f"{rng.choice(names)}{rng.integers(1, 999)}@{rng.choice(domains)}")
        elif kind == "phone":
            prefix = rng.choice(["138", "139", "158", "186", "135", "177", "150"])
            out.append(prefix + "".join(map(str, rng.integers(0, 10, 8))))
        elif kind == "id_card":
            birth = pd.Timestamp("1960-01-01") + pd.Timedelta(days=int(rng.integers(0, 16000)))
            body = f"{rng.choice(areas)}{birth:%Y%m%d}{rng.integers(0, 1000):03d}"
            out.append(body + _id_check(body))
        elif kind == "card":
            head = rng.choice(["62", "4"])
            body = head + "".join(map(str, rng.integers(0, 10, 15 - len(head))))
            number = body + _luhn_check(body)
            if rng.random() < 0.3:
                number = " ".join(number[i : i + 4] for i in range(0, 16, 4))
            out.append(number)
        else:
            token = "".join(rng.choice(list("abcdef0123456789"), 12))
            out.append(
                f"https://www.shop-example.com/order/track?order_id={rng.integers(10**7, 10**8)}"
                f"&token={token}"
            )
    return out


def _id_check(body17: str) -> str:
    """Check character of an 18-digit Chinese resident ID (GB 11643-1999)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return "10X98765432"[total % 11]


def _luhn_check(body: str) -> str:
    """Luhn check digit for ``body`` (the number without its last digit)."""
    total = 0
    for i, d in enumerate(reversed(body)):
        v = int(d) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def _pick(
    rng: np.random.Generator,
    bank: np.ndarray,
    offset: np.ndarray,
    size: np.ndarray,
    cell: np.ndarray,
) -> np.ndarray:
    """One phrase per row from the bank cell ``cell`` (offset/size index the flat bank)."""
    return bank[offset[cell] + np.floor(rng.random(len(cell)) * size[cell]).astype(np.int64)]


def _flat_bank(cells: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = np.array([len(c) for c in cells], dtype=np.int64)
    offset = np.concatenate([[0], np.cumsum(size)[:-1]])
    bank = np.array([p for c in cells for p in c] + [""], dtype=object)
    return bank, offset, size


def sample_data(n_responses: int = 5000, seed: int = 0) -> SampleData:
    """Generate the built-in sample with planted, recorded truth.

    Parameters
    ----------
    n_responses : int, default 5000
        Number of feedback rows. About ``n_responses / 2`` customers are made, so many customers
        answer twice or more. 1,000,000 rows take well under a minute.
    seed : int, default 0
        Seed of ``numpy.random.default_rng``; the same seed gives identical frames.

    Returns
    -------
    SampleData
        ``feedback``, ``orders``, ``customers``, ``invitations`` and ``truth``.

    Notes
    -----
    **feedback** (RangeIndex, sorted by ``submitted_at``):
    ``response_id`` (str, ``R0000001``...), ``customer_id`` (str), ``submitted_at``
    (datetime64[ns], 2025-05-01 to 2026-10-31), ``channel`` (survey, email, web, app,
    call_center are scored; social and review carry text only, their scores are missing),
    ``region`` (East, North, South, West), ``plan`` (basic, plus, premium), ``nps`` (Int64 0-10),
    ``csat`` (Int64 1-5), ``ces`` (Int64 1-7, 7 = very easy), ``rating_delivery``,
    ``rating_quality``, ``rating_price``, ``rating_service``, ``rating_app`` (Int64 1-5, about 3%
    missing each on scored rows; about 2% of respondents straight-line all five), ``text`` (str:
    1-3 sentences in the customer's language, about 5% empty, about 3% with an urgent phrasing,
    about 1% with personal data), ``responded_at`` and ``resolved_at`` (datetime64[ns], NaT while
    not yet answered or resolved at the end of the data).

    **orders**: ``order_id`` (str), ``customer_id`` (str), ``order_date`` (datetime64[ns],
    2024-11-01 to 2026-10-31), ``amount`` (float, currency units; about 1% are returns with a
    negative amount). Every customer has at least one purchase.

    **customers**: ``customer_id``, ``region``, ``plan``, ``language`` ("zh" about 60%, "en"),
    ``signup_date`` (datetime64[ns]), ``group`` (the planted group). The fake-review accounts are
    in neither ``customers`` nor ``orders``.

    **invitations**: ``channel`` (scored channels), ``month`` ("YYYY-MM"), ``invited`` (int);
    response rates are 15-25%.

    **The satisfaction model.** Ratings are drawn first (a common factor correlates them),
    independently of everything else. Latent satisfaction in NPS points is
    ``s = sum_i w_i (rating_i - mean_i) + group shift + seasonality + improvement + u - incident``
    with ``u ~ N(0, 0.3)`` and, for about 5% of responses, a bad incident (Gamma(2, 1)). The NPS
    answer is ``clip(round(7.2 + s + e), 0, 10)`` with ``e = 0.45 - Exponential(0.45)`` (left
    skewed, bounded above): the OLS coefficients of ``nps`` on the five ratings are
    ``truth["driver_weights"]`` (delivery 0.6, quality 0.45, service 0.3, price 0.2, app 0.1;
    clipping about 0.4%). CSAT is ``clip(round(4.0 + 0.6 s + N(0, 0.55)), 1, 5)``, CES
    ``clip(round(5.3 + 0.65 s + N(0, 0.8)), 1, 7)``.

    **Planted customer groups** (``customers["group"]``, ``truth["segment"]``): champions (12%:
    45 orders a year, median order 140, latent +0.3), loyal (23%: 12 a year, 50, +0.2), new (15%:
    signed up 20-150 days before the end, 10 a year, 45, 0), at_risk (20%: 15 a year until they
    stopped 180-330 days before the end, 60, -0.5), occasional (30%: 3 a year, 25, -0.15); the
    others signed up 2023-05 to 2025-04. Orders follow a renewal process (Gamma(3) gaps around
    the customer's own rate). The groups separate on the standardized features
    ``log1p(purchase count)``, ``log1p(net spend)``, recency (days from the last purchase to
    2026-11-01) and tenure (days from ``signup_date`` to 2026-11-01): k-means with k=5 recovers
    them (adjusted Rand index about 0.95).

    **truth** keys (Series aligned to ``feedback``'s index unless stated):

    - ``topic`` (Series: delivery, quality, price, service, app, refund, packaging; None where
      the text is empty), ``topic_names`` (list), ``topics`` (topic -> {"en": words, "zh":
      words}: characteristic tokens, lower-case English, Chinese as jieba cuts them),
      ``language`` (Series "zh"/"en"). A response's topic depends on its ratings (the lower
      ``rating_<topic>``, the likelier; refund on low latent satisfaction), and its tone
      (complaint or praise) on the same rating.
    - ``category`` (Series: the triage category of the topic: delivery -> delivery_logistics,
      quality -> product_quality, price -> price, service -> service_attitude, app ->
      app_website, refund -> refund_return, packaging -> packaging; None where text is empty).
    - ``driver_outcome`` ("nps"), ``driver_weights`` (rating column -> planted coefficient).
    - ``segment`` (Series indexed by customer_id -> planted group), ``segment_names`` (list),
      ``segment_features`` (list of the four features above).
    - ``improvement`` (dict: ``name`` "Faster delivery", ``change_date`` "2026-03-01",
      ``metric`` "csat", ``treated_regions``, ``control_regions``, ``effect`` (exact mean effect
      on the CSAT answer of treated scored responses after the change: the average of
      E[csat | shift] - E[csat | no shift] over the CSAT noise), ``effect_nps`` (same for the NPS
      answer), ``latent_shift`` (0.6 NPS points), ``n_treated_post``). Level change only: no
      slope change and no other region-specific trend.
    - ``seasonality`` (dict month 1-12 -> shift of latent satisfaction in NPS points; CSAT moves
      0.6 times as much; peak in July, trough in January, December -0.26).
    - ``churn`` (dict: ``window_days`` 90, ``lapse_probability`` by NPS group (the planted chance
      that a customer places no order in the 90 days after a scored response, on top of natural
      gaps), ``observed_lapse_rate`` by NPS group in this sample, ``applies_to``).
    - ``category_of_topic`` (the topic -> category mapping above).
    - ``fake`` (bool Series: the fake-review batch: about 1% of rows, channel review, one
      Chinese template lightly varied, new accounts, all on 2026-10-14), ``fake_day``.
    - ``severity`` (Series: urgent where an urgent phrasing was planted, important for
      detractors (nps <= 6) and for complaints on text-only channels, general otherwise).
    - ``slow_channel`` ("social": its response times break the limits most),
    - ``never_contacted`` (bool Series: non-urgent detractors, about a fifth, whose feedback is
      never answered: ``responded_at`` and ``resolved_at`` stay NaT),
      ``response_limits_hours`` (urgent 4, important 24, general 72: the limits the planted
      times were built around).
    - ``pii`` (list of the planted personal-data strings: e-mails, Chinese mobiles, 18-digit ID
      numbers with a valid check character, Luhn-valid card numbers, URLs with a query string).
    - ``group_satisfaction`` (group -> latent shift), ``latent`` (dict of the model constants and
      ``nps_clipped_share``, the share of NPS answers clipped at 0 or 10).

    Response times: first response median 1.5 h (urgent), 8 h (important), 20 h (general) times a
    channel factor (call_center 0.4, app 0.8, survey and web 1, email 1.3, review 1.6, social 4);
    resolution a further 12 h / 48 h / 72 h median; 7% of cases (15% on social) are never
    resolved, and cases not answered or resolved by 2026-11-01 are NaT (about 9% open in all,
    a quarter of October's).

    Examples
    --------
    >>> s = sample_data(500)
    >>> s.feedback.shape
    (500, 17)
    >>> sorted(s.truth["driver_weights"])[:2]
    ['rating_app', 'rating_delivery']
    >>> s.truth["improvement"]["change_date"]
    '2026-03-01'
    """
    if (
        not isinstance(n_responses, (int, np.integer))
        or isinstance(n_responses, bool)
        or n_responses < 100
    ):
        raise ParamsError(
            f"sample_data: n_responses must be a whole number of at least 100, got {n_responses!r}."
        )
    n = int(n_responses)
    rng = np.random.default_rng(seed)
    phrases = _phrases()
    topic_names = list(phrases["topics"])

    # --- customers and who answers when ---
    n_customers = max(50, round(n / 2))
    customers = _customers(rng, n_customers)
    cgroup = pd.Categorical(customers["group"], categories=GROUP_NAMES).codes.astype(np.int64)
    n_fake = max(1, round(n * _FAKE_SHARE))
    n_real = n - n_fake
    when = _submitted(rng, n_real)
    cust = _assign_customers(rng, customers, cgroup, when)
    group = cgroup[cust]
    region = pd.Categorical(customers["region"], categories=REGIONS).codes[cust]
    language = customers["language"].to_numpy(dtype=object)[cust]
    channel = rng.choice(len(CHANNELS), n_real, p=CHANNEL_SHARES)
    scored = channel < len(SCORED_CHANNELS)

    # --- ratings and latent satisfaction ---
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

    # --- topics, tone and text ---
    tone_sd = np.std(latent) if n_real > 1 else 1.0
    z = (latent - latent.mean()) / tone_sd
    base = np.array([_TOPIC_BASE[t] for t in topic_names])
    rating_of = [phrases["topics"][t].get("rating") for t in topic_names]
    logw = np.tile(np.log(base), (n_real, 1))
    topic_rating = np.full((n_real, len(topic_names)), np.nan)
    for j, col in enumerate(rating_of):
        if col:
            r = ratings[:, RATINGS.index(col)]
            logw[:, j] += 0.9 * (3.5 - r)
            topic_rating[:, j] = r
    logw[:, topic_names.index("refund")] += -0.8 * z
    topic = np.argmax(logw + rng.gumbel(size=logw.shape), axis=1)  # Gumbel-max: categorical draw
    # complaint probability: from the topic's own rating, or from latent satisfaction
    tr = topic_rating[np.arange(n_real), topic]
    logit = np.where(
        np.isnan(tr),
        -1.3 * z + np.where(topic == topic_names.index("refund"), 1.5, 0),
        1.5 * (3 - np.nan_to_num(tr)),
    )
    complaint = rng.random(n_real) < 1 / (1 + np.exp(-logit))
    is_en = language == "en"
    lang_i = (~is_en).astype(np.int64)  # 0 en, 1 zh

    tcells = [
        phrases["topics"][t][lang][tone]
        for t in topic_names
        for lang in ("en", "zh")
        for tone in ("praise", "complaint")
    ]
    bank, off, size = _flat_bank(tcells)
    cell = (topic * 2 + lang_i) * 2 + complaint
    first_idx = off[cell] + np.floor(rng.random(n_real) * size[cell]).astype(np.int64)
    s1 = bank[first_idx]
    sep = np.where(is_en, " ", "").astype(object)
    # 1-3 distinct sentences from the main topic (30/50/20%); in 10% of texts the last
    # sentence is about another topic; a generic filler closes a fifth of the shorter texts
    n_main = 1 + (rng.random(n_real) < 0.7) + (rng.random(n_real) < 2 / 7)
    pos1 = first_idx - off[cell]
    d2 = 1 + np.floor(rng.random(n_real) * (size[cell] - 1)).astype(np.int64)
    d3 = 1 + np.floor(rng.random(n_real) * (size[cell] - 2)).astype(np.int64)
    d3 = d3 + (d3 >= d2)
    s2 = np.where(n_main >= 2, bank[off[cell] + (pos1 + d2) % size[cell]], "")
    s3 = np.where(n_main == 3, bank[off[cell] + (pos1 + d3) % size[cell]], "")
    other_topic = (topic + 1 + rng.integers(0, len(topic_names) - 1, n_real)) % len(topic_names)
    otr = topic_rating[np.arange(n_real), other_topic]
    o_complaint = np.where(
        np.isnan(otr),
        complaint,
        rng.random(n_real) < 1 / (1 + np.exp(-1.5 * (3 - np.nan_to_num(otr)))),
    )
    secondary = _pick(rng, bank, off, size, (other_topic * 2 + lang_i) * 2 + o_complaint)
    sec = (rng.random(n_real) < 0.10) & (n_main >= 2)
    s2 = np.where(sec & (n_main == 2), secondary, s2)
    s3 = np.where(sec & (n_main == 3), secondary, s3)
    fcells = [
        phrases["filler"][lang][tone] for lang in ("en", "zh") for tone in ("praise", "complaint")
    ]
    fbank, foff, fsize = _flat_bank(fcells)
    use_filler = (rng.random(n_real) < 0.2) & (n_main <= 2)
    filler = np.where(use_filler, _pick(rng, fbank, foff, fsize, lang_i * 2 + complaint), "")

    empty = rng.random(n_real) < _EMPTY_SHARE
    # urgent phrasings, mostly in complaints (about 3% of all texts)
    p_urgent = _URGENT_SHARE / max(complaint[~empty].mean(), 1e-9)
    urgent = (~empty) & complaint & (rng.random(n_real) < p_urgent)
    q = topic_names.index("quality")
    ucells = [phrases["urgent"][lang][kind] for lang in ("en", "zh") for kind in ("any", "safety")]
    ubank, uoff, usize = _flat_bank(ucells)
    safety = (topic == q) & (rng.random(n_real) < 0.5)
    urgent_text = np.where(urgent, _pick(rng, ubank, uoff, usize, lang_i * 2 + safety), "")
    filler = np.where(urgent, "", filler)

    def join(parts: list[np.ndarray]) -> np.ndarray:
        out = parts[0].copy()
        for p in parts[1:]:
            out = np.where(p != "", out + sep + p, out)
        return out

    text = join([s1, s2, s3, filler, urgent_text])
    # personal data in about 1% of texts
    pii_rows = np.flatnonzero((~empty) & (rng.random(n_real) < _PII_SHARE))
    kinds = np.array(["email", "phone", "id_card", "card", "url"])[
        rng.integers(0, 5, len(pii_rows))
    ]
    pii = _pii_strings(rng, kinds)
    for row, kind, value in zip(pii_rows, kinds, pii, strict=True):
        templates = phrases["pii"][language[row]][kind]
        sentence = templates[int(rng.integers(0, len(templates)))].format(pii=value)
        text[row] = text[row] + sep[row] + sentence
    text = np.where(empty, "", text)

    # --- the fake-review batch: one template, many new accounts, one day ---
    fake = phrases["fake"]
    slots = {k: np.array(v, dtype=object) for k, v in fake["slots"].items()}
    fake_text = [
        fake["template"].format(**{k: v[rng.integers(0, len(v))] for k, v in slots.items()})
        for _ in range(n_fake)
    ]
    fake_when = np.sort(_times(FAKE_DAY, rng.integers(9 * 3600, 15 * 3600, n_fake)))

    # --- assemble feedback (real + fake), sorted by time ---
    all_when = np.concatenate([when, fake_when])
    order = np.argsort(all_when, kind="stable")
    is_fake = np.concatenate([np.zeros(n_real, bool), np.ones(n_fake, bool)])[order]

    def cat(real: np.ndarray, fake_values: np.ndarray) -> np.ndarray:
        return np.concatenate([real, fake_values])[order]

    # one id width for customers and the fake accounts (numbered after the real customers)
    cwidth = max(6, len(str(n_customers + n_fake)))
    customers = customers.assign(customer_id=_ids("C", np.arange(1, n_customers + 1), cwidth))
    customer_number = cat(cust + 1, np.arange(n_customers + 1, n_customers + n_fake + 1))
    fake_region = rng.choice(len(REGIONS), n_fake, p=REGION_SHARES)

    region_all = cat(region, fake_region)
    plan_all = cat(
        customers["plan"].to_numpy(dtype=object)[cust], np.full(n_fake, "basic", dtype=object)
    )
    channel_all = cat(channel, np.full(n_fake, CHANNELS.index("review")))
    scored_all = channel_all < len(SCORED_CHANNELS)
    lang_all = cat(language, np.full(n_fake, fake["language"], dtype=object))
    topic_all = cat(
        np.asarray(topic_names, dtype=object)[topic], np.full(n_fake, fake["topic"], dtype=object)
    )
    text_all = cat(text, np.array(fake_text, dtype=object))
    topic_all = np.where(text_all == "", None, topic_all)
    complaint_all = cat(complaint, np.zeros(n_fake, bool))
    urgent_all = cat(urgent, np.zeros(n_fake, bool))

    def score(values: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
        arr = pd.array(cat(values, np.zeros(n_fake, np.int64)), dtype="Int64")
        mask = ~scored_all if missing is None else (~scored_all | missing)
        arr[mask] = pd.NA
        return pd.Series(arr)

    width = max(7, len(str(n)))
    feedback = pd.DataFrame(
        {
            "response_id": _ids("R", np.arange(1, n + 1), width),
            "customer_id": _ids("C", customer_number, cwidth),
            "submitted_at": all_when[order],
            "channel": pd.Series(np.asarray(CHANNELS, dtype=object)[channel_all], dtype="str"),
            "region": pd.Series(np.asarray(REGIONS, dtype=object)[region_all], dtype="str"),
            "plan": pd.Series(plan_all, dtype="str"),
            "nps": score(nps),
            "csat": score(csat),
            "ces": score(ces),
        }
    )
    for j, col in enumerate(RATINGS):
        feedback[col] = score(ratings[:, j], missing=rng.random(n) < _RATING_MISSING)
    feedback["text"] = pd.Series(text_all, dtype="str")

    # --- severity and the response loop ---
    nps_all = feedback["nps"]
    detractor = (nps_all <= 6).fillna(False).to_numpy(dtype=bool)
    important = detractor | (
        ~scored_all & complaint_all & ~cat(np.zeros(n_real, bool), np.ones(n_fake, bool))
    )
    sev = np.where(urgent_all, "urgent", np.where(important, "important", "general")).astype(object)
    responded, resolved = _response_times(
        rng,
        feedback["submitted_at"].to_numpy(),
        sev,
        np.asarray(CHANNELS, dtype=object)[channel_all],
    )
    # About a fifth of non-urgent detractors are never contacted: the closed-loop page compares
    # them with the contacted ones. A child generator keeps every other draw unchanged.
    loop_rng = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    never = detractor & (sev != "urgent") & (loop_rng.random(len(sev)) < NEVER_CONTACTED_SHARE)
    feedback["responded_at"] = np.where(never, np.datetime64("NaT", "ns"), responded)
    feedback["resolved_at"] = np.where(never, np.datetime64("NaT", "ns"), resolved)

    orders, churn = _orders(rng, customers, cgroup, feedback, is_fake)
    invitations = _invitations(rng, feedback)

    index = feedback.index
    category_of = {t: phrases["topics"][t]["category"] for t in topic_names}
    group_series = pd.Series(
        customers["group"].to_numpy(),
        index=pd.Index(customers["customer_id"], name="customer_id"),
        name="segment",
        dtype="str",
    )
    truth: dict[str, Any] = {
        "topic": pd.Series(topic_all, index=index, name="topic", dtype=object),
        "topic_names": topic_names,
        "topics": {
            t: {lang: list(phrases["topics"][t]["words"][lang]) for lang in ("en", "zh")}
            for t in topic_names
        },
        "language": pd.Series(lang_all, index=index, name="language", dtype="str"),
        "category": pd.Series(
            [category_of.get(t) if t else None for t in topic_all],
            index=index,
            name="category",
            dtype=object,
        ),
        "category_of_topic": category_of,
        "driver_outcome": "nps",
        "driver_weights": dict(DRIVER_WEIGHTS),
        "segment": group_series,
        "segment_names": list(GROUP_NAMES),
        "segment_features": [
            "log1p(purchase count)",
            "log1p(net spend)",
            "recency days",
            "tenure days",
        ],
        "group_satisfaction": {k: g["sat"] for k, g in _GROUPS.items()},
        "improvement": {
            "name": "Faster delivery",
            "change_date": CHANGE_DATE.strftime("%Y-%m-%d"),
            "metric": "csat",
            "treated_regions": list(TREATED_REGIONS),
            "control_regions": list(CONTROL_REGIONS),
            "effect": effect_csat,
            "effect_nps": effect_nps,
            "latent_shift": IMPROVEMENT_SHIFT,
            "n_treated_post": int(tp.sum()),
        },
        "seasonality": season,
        "churn": churn,
        "fake": pd.Series(is_fake, index=index, name="fake"),
        "fake_day": FAKE_DAY.strftime("%Y-%m-%d"),
        "severity": pd.Series(sev, index=index, name="severity", dtype="str"),
        "slow_channel": SLOW_CHANNEL,
        "never_contacted": pd.Series(never, index=index, name="never_contacted"),
        "response_limits_hours": dict(RESPONSE_LIMIT_HOURS),
        "pii": pii,
        "latent": {
            "nps_intercept": NPS_INTERCEPT,
            "nps_noise": f"{NPS_NOISE_K * NPS_NOISE_THETA:g} - "
            f"Gamma(k={NPS_NOISE_K:g}, theta={NPS_NOISE_THETA:g})",
            "csat": {"intercept": CSAT_INTERCEPT, "slope": CSAT_SLOPE, "noise_sd": CSAT_NOISE_SD},
            "ces": {"intercept": CES_INTERCEPT, "slope": CES_SLOPE, "noise_sd": CES_NOISE_SD},
            "latent_noise_sd": LATENT_NOISE_SD,
            "nps_clipped_share": nps_clipped,
        },
    }
    return SampleData(
        feedback=feedback, orders=orders, customers=customers, invitations=invitations, truth=truth
    )


def _response_times(
    rng: np.random.Generator, submitted: np.ndarray, sev: np.ndarray, channel: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(submitted)
    speed = pd.Series(channel).map(_CHANNEL_SPEED).to_numpy(dtype=float)
    first_med = pd.Series(sev).map(_RESPONSE_MEDIAN_HOURS).to_numpy(dtype=float)
    fix_med = pd.Series(sev).map(_RESOLUTION_MEDIAN_HOURS).to_numpy(dtype=float)
    first_h = first_med * speed * np.exp(rng.normal(0, 0.7, n))
    fix_h = fix_med * np.sqrt(speed) * np.exp(rng.normal(0, 0.9, n))
    stuck = rng.random(n) < np.where(
        channel == SLOW_CHANNEL, _STUCK[SLOW_CHANNEL], _STUCK["default"]
    )
    to_ns = lambda h: (np.round(h * 3600) * 10**9).astype(np.int64).astype("timedelta64[ns]")  # noqa: E731
    responded = submitted + to_ns(first_h)
    resolved = responded + to_ns(fix_h)
    end = np.datetime64(END.to_datetime64(), "ns")
    nat = np.datetime64("NaT", "ns")
    resolved = np.where(stuck | (resolved >= end), nat, resolved)
    responded = np.where(responded >= end, nat, responded)
    resolved = np.where(np.isnat(responded), nat, resolved)
    return responded.astype("datetime64[ns]"), resolved.astype("datetime64[ns]")


def _orders(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    group: np.ndarray,
    feedback: pd.DataFrame,
    is_fake: np.ndarray,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Orders per customer (Poisson in time per group), returns, and the planted churn lapses."""
    nc = len(customers)
    signup = customers["signup_date"].to_numpy()
    start = np.maximum(signup, np.datetime64(ORDERS_START.to_datetime64(), "ns"))
    end = np.full(nc, np.datetime64(END.to_datetime64(), "ns"))
    at_risk = group == GROUP_NAMES.index("at_risk")
    stop_days = rng.uniform(180, 330, nc)
    end = np.where(at_risk, end - (stop_days * 86400 * 10**9).astype("timedelta64[ns]"), end)
    span_days = (end - start) / np.timedelta64(1, "D")
    rate = np.array([g["rate"] for g in _GROUPS.values()])[group] * np.exp(rng.normal(0, 0.25, nc))
    # a renewal process: gaps between orders are Gamma(k, mean/k), more regular than Poisson
    # (habits), so a rare buyer's recency is not spread over the whole calendar
    mean_gap = 365.25 / rate
    expected = span_days / mean_gap
    slots = np.ceil(1.3 * expected + 4 * np.sqrt(expected) + 3).astype(np.int64)
    who = np.repeat(np.arange(nc), slots)
    first = np.r_[0, np.cumsum(slots)[:-1]]
    gaps = rng.gamma(ORDER_REGULARITY, 1 / ORDER_REGULARITY, len(who)) * mean_gap[who]
    is_new = group == GROUP_NAMES.index("new")
    # the process is already running when the calendar opens; a new customer orders at signup
    gaps[first] = np.where(is_new, rng.random(nc) * 0.5, gaps[first] * rng.random(nc))
    offset = np.cumsum(gaps)
    offset -= np.repeat(offset[first] - gaps[first], slots)
    offset[first] = np.minimum(offset[first], span_days * rng.random(nc))
    inside = offset < span_days[who]
    inside[first] = True  # every customer has at least one purchase
    who, offset = who[inside], offset[inside]
    first = np.r_[0, np.cumsum(np.bincount(who, minlength=nc))[:-1]]
    when = start[who] + (offset * 86400).astype(np.int64).astype("timedelta64[s]")
    median = np.array([g["amount"] for g in _GROUPS.values()])[group] * np.exp(
        rng.normal(0, 0.3, nc)
    )
    amount = np.round(median[who] * np.exp(rng.normal(0, 0.4, len(who))), 2)

    # churn: after a scored response, a lapse (no order for 90 days) by NPS group
    fb = feedback.loc[~is_fake & feedback["nps"].notna(), ["customer_id", "submitted_at", "nps"]]
    fb_cust = pd.Index(customers["customer_id"]).get_indexer(fb["customer_id"]).astype(np.int64)
    fb_time = fb["submitted_at"].to_numpy()
    fb_nps = fb["nps"].to_numpy(dtype=np.int64)
    nps_group = np.where(fb_nps <= 6, 0, np.where(fb_nps <= 8, 1, 2))
    p = np.array([LAPSE_PROBABILITY[k] for k in ("detractor", "passive", "promoter")])[nps_group]
    window = np.timedelta64(LAPSE_WINDOW_DAYS, "D")
    last_eligible = np.datetime64(END.to_datetime64(), "ns") - window
    eligible = fb_time <= last_eligible
    lapse = eligible & (rng.random(len(fb_time)) < p)
    keep = _outside_lapses(who, when, fb_cust[lapse], fb_time[lapse], window)
    keep[first] = True  # every customer keeps their first purchase
    who, when, amount = who[keep], when[keep], amount[keep]

    # returns: about 1% of purchases come back a few days later (negative amount)
    ret = rng.random(len(who)) < 0.01
    ret_when = when[ret] + (rng.uniform(1, 10, ret.sum()) * 86400).astype(np.int64).astype(
        "timedelta64[s]"
    )
    inside = ret_when < np.datetime64(END.to_datetime64(), "s")
    all_who = np.concatenate([who, who[ret][inside]])
    all_when = np.concatenate([when, ret_when[inside]]).astype("datetime64[ns]")
    all_amount = np.concatenate([amount, -amount[ret][inside]])
    order = np.argsort(all_when, kind="stable")
    n_orders = len(order)
    orders = pd.DataFrame(
        {
            "order_id": _ids("O", np.arange(1, n_orders + 1), max(8, len(str(n_orders)))),
            "customer_id": _ids("C", all_who[order] + 1, len(customers["customer_id"].iloc[0]) - 1),
            "order_date": all_when[order],
            "amount": all_amount[order],
        }
    )

    # observed lapse rate: no purchase within 90 days after each eligible scored response
    purchase = all_amount[order] > 0
    observed = _lapsed(
        all_who[order][purchase],
        all_when[order][purchase],
        fb_cust[eligible],
        fb_time[eligible],
        window,
    )
    names = ("detractor", "passive", "promoter")
    churn = {
        "window_days": LAPSE_WINDOW_DAYS,
        "outcome": "no purchase order in the 90 days after a scored response",
        "lapse_probability": dict(LAPSE_PROBABILITY),
        "observed_lapse_rate": {
            k: float(observed[nps_group[eligible] == i].mean())
            if (nps_group[eligible] == i).any()
            else float("nan")
            for i, k in enumerate(names)
        },
        "applies_to": "scored responses submitted on or before "
        f"{pd.Timestamp(last_eligible):%Y-%m-%d}",
        "nps_groups": {"detractor": "0-6", "passive": "7-8", "promoter": "9-10"},
    }
    return orders, churn


def _keys(who: np.ndarray, when: np.ndarray) -> np.ndarray:
    """One sortable int64 per (customer, time): customer * 2**32 + seconds since 2020-01-01."""
    seconds = (when.astype("datetime64[s]") - np.datetime64("2020-01-01", "s")).astype(np.int64)
    return who.astype(np.int64) * 2**32 + seconds


def _outside_lapses(
    who: np.ndarray, when: np.ndarray, l_who: np.ndarray, l_time: np.ndarray, window: np.timedelta64
) -> np.ndarray:
    """True for orders not inside (lapse time, lapse time + window] of their customer's lapses."""
    if len(l_who) == 0:
        return np.ones(len(who), bool)
    key_o = _keys(who, when)
    key_l = np.sort(_keys(l_who, l_time))
    pos = np.searchsorted(key_l, key_o, side="left") - 1  # the last lapse strictly before
    prev = key_l[np.maximum(pos, 0)]
    same = (pos >= 0) & (prev >> 32 == who)
    return ~(same & (key_o - prev <= window.astype("timedelta64[s]").astype(np.int64)))


def _lapsed(
    who: np.ndarray, when: np.ndarray, r_who: np.ndarray, r_time: np.ndarray, window: np.timedelta64
) -> np.ndarray:
    """For each response, True when its customer has no order in (time, time + window]."""
    key_o = np.sort(_keys(who, when))
    key_r = _keys(r_who, r_time)
    pos = np.searchsorted(key_o, key_r, side="right")  # the first order strictly after
    nxt = key_o[np.minimum(pos, len(key_o) - 1)]
    same = (pos < len(key_o)) & (nxt >> 32 == r_who)
    return ~(same & (nxt - key_r <= window.astype("timedelta64[s]").astype(np.int64)))


def _invitations(rng: np.random.Generator, feedback: pd.DataFrame) -> pd.DataFrame:
    """Invitations per scored channel and month, so response rates are about 15-25%."""
    months = pd.period_range(RESPONSES_START, END - pd.Timedelta(days=1), freq="M")
    scored = feedback[feedback["channel"].isin(SCORED_CHANNELS)]
    counts = (
        scored.groupby([scored["channel"], scored["submitted_at"].dt.to_period("M")])
        .size()
        .reindex(pd.MultiIndex.from_product([list(SCORED_CHANNELS), months]), fill_value=0)
    )
    rate = np.array([_INVITE_RATE[c] for c, _ in counts.index]) * np.exp(
        rng.normal(0, 0.08, len(counts))
    )
    rate = np.clip(rate, 0.15, 0.25)
    invited = np.maximum(np.round(counts.to_numpy() / rate), counts.to_numpy()).astype(np.int64)
    return pd.DataFrame(
        {
            "channel": pd.Series([c for c, _ in counts.index], dtype="str"),
            "month": pd.Series([str(m) for _, m in counts.index], dtype="str"),
            "invited": invited,
        }
    )
