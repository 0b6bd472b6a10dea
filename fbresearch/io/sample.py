"""The built-in sample: realistic generated feedback, orders and customers with planted truth.

Every analysis in fbresearch is validated on this sample: the generator plants known effects
(topics, driver weights, customer groups, seasonality, an improvement, churn, triage cases, a
fake-review batch, personal data) and records them in ``SampleData.truth`` so tests and the
report's own checks can compare what an analysis finds with what is really there.

The business is an online food and grocery delivery service with Chinese- and English-speaking
customers in four regions. The calendar is fixed (independent of today): responses from
2025-05-01 to 2026-10-31, orders from 2024-11-01 to 2026-10-31. Generation is vectorized with one
``numpy.random.default_rng(seed)``: the same seed gives the same frames byte for byte.

The generator lives in helper modules: :mod:`fbresearch.io.sample_model` (calendar, planted
groups, the satisfaction model), :mod:`fbresearch.io.sample_text` (verbatims) and
:mod:`fbresearch.io.sample_orders` (orders, response times, invitations); this module
assembles the four tables and the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import ParamsError
from fbresearch.io.sample_journey import journey_stages, journey_truth
from fbresearch.io.sample_model import (
    _FAKE_SHARE,
    _GROUPS,
    _RATING_MISSING,
    CES_INTERCEPT,
    CES_NOISE_SD,
    CES_SLOPE,
    CHANGE_DATE,
    CHANNEL_SHARES,
    CHANNELS,
    CONTROL_REGIONS,
    CSAT_INTERCEPT,
    CSAT_NOISE_SD,
    CSAT_SLOPE,
    DRIVER_WEIGHTS,
    FAKE_DAY,
    GROUP_NAMES,
    IMPROVEMENT_SHIFT,
    LATENT_NOISE_SD,
    NEVER_CONTACTED_SHARE,
    NPS_INTERCEPT,
    NPS_NOISE_K,
    NPS_NOISE_THETA,
    RATINGS,
    REGION_SHARES,
    REGIONS,
    RESPONSE_LIMIT_HOURS,
    SCORED_CHANNELS,
    SLOW_CHANNEL,
    TREATED_REGIONS,
    _assign_customers,
    _customers,
    _ids,
    _phrases,
    _satisfaction,
    _submitted,
)
from fbresearch.io.sample_orders import _invitations, _orders, _response_times
from fbresearch.io.sample_text import _fake_reviews, _verbatims

__all__ = ["SampleData", "sample_data"]


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
    not yet answered or resolved at the end of the data), ``touchpoint`` (str: awareness,
    purchase, delivery, support; the journey stage the response was collected at).

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
    - ``value`` (dict: the planted defection after each customer's first scored answer, by NPS
      group, and the 12-month ``retention`` and ``spend`` (currency units) the value page
      estimates, had every customer of the cohort answered as a detractor, passive or promoter;
      see :mod:`fbresearch.io.sample_value`).
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
    - ``journey`` (dict: ``column`` "touchpoint", ``stages`` in journey order, ``weak_stage``
      "delivery" and the ``previous_stage`` whose satisfaction it drops from, ``rule``,
      ``bad_delivery`` (bool Series: the responses routed towards the delivery stage); see
      :mod:`fbresearch.io.sample_journey`).
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
    (500, 18)
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

    # --- ratings, latent satisfaction, the answers; then the texts and the fake batch ---
    sat = _satisfaction(rng, n_real, when, region, group, scored)
    verbatim = _verbatims(
        rng, phrases, topic_names, sat["latent"], sat["ratings"], language, n_real
    )
    fake_text, fake_when = _fake_reviews(rng, phrases, n_fake)

    # --- assemble feedback (real + fake), sorted by time ---
    real = {
        "when": when,
        "cust": cust,
        "region": region,
        "channel": channel,
        "language": language,
    }
    feedback, customers, rows = _assemble(
        rng, phrases, topic_names, customers, real, sat, verbatim, fake_text, fake_when
    )
    sev, never = _response_loop(rng, feedback, rows)
    # the planted value of satisfaction draws from its own stream (issue 19): the other draws
    # and the tables they make stay as they were
    value_rng = np.random.default_rng([seed, 19])
    orders, churn, value = _orders(rng, customers, cgroup, feedback, rows["is_fake"], value_rng)
    invitations = _invitations(rng, feedback)
    truth = _truth(
        phrases, topic_names, customers, feedback.index, rows, sat, verbatim, churn, sev, never
    )
    truth["value"] = value
    # the journey stages draw from their own stream too (issue 18); no score changes
    feedback["touchpoint"] = journey_stages(feedback, truth["topic"], seed)
    truth["journey"] = journey_truth(feedback, truth["topic"])
    return SampleData(
        feedback=feedback, orders=orders, customers=customers, invitations=invitations, truth=truth
    )


def _assemble(
    rng: np.random.Generator,
    phrases: dict[str, Any],
    topic_names: list[str],
    customers: pd.DataFrame,
    real: dict[str, np.ndarray],
    sat: dict[str, Any],
    verbatim: dict[str, Any],
    fake_text: list[str],
    fake_when: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray]]:
    """The feedback frame (real and fake rows, sorted by time), the renumbered customers, and
    the row arrays the response loop and the truth need (``is_fake``, ``topic_all``, ...)."""
    when, cust, region = real["when"], real["cust"], real["region"]
    channel, language = real["channel"], real["language"]
    nps, csat, ces, ratings = sat["nps"], sat["csat"], sat["ces"], sat["ratings"]
    topic, text = verbatim["topic"], verbatim["text"]
    complaint, urgent = verbatim["complaint"], verbatim["urgent"]
    fake = phrases["fake"]
    n_customers, n_real, n_fake = len(customers), len(when), len(fake_when)
    n = n_real + n_fake
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
    rows = {
        "is_fake": is_fake,
        "topic_all": topic_all,
        "lang_all": lang_all,
        "complaint_all": complaint_all,
        "urgent_all": urgent_all,
        "scored_all": scored_all,
        "channel_all": channel_all,
    }
    return feedback, customers, rows


def _response_loop(
    rng: np.random.Generator, feedback: pd.DataFrame, rows: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Severity and the response loop: sets ``responded_at`` and ``resolved_at`` on
    ``feedback``; returns ``(severity, never_contacted)``."""
    scored_all, complaint_all = rows["scored_all"], rows["complaint_all"]
    urgent_all, channel_all = rows["urgent_all"], rows["channel_all"]
    nps_all = feedback["nps"]
    detractor = (nps_all <= 6).fillna(False).to_numpy(dtype=bool)
    important = detractor | (~scored_all & complaint_all & ~rows["is_fake"])
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
    return sev, never


def _truth(
    phrases: dict[str, Any],
    topic_names: list[str],
    customers: pd.DataFrame,
    index: pd.Index,
    rows: dict[str, np.ndarray],
    sat: dict[str, Any],
    verbatim: dict[str, Any],
    churn: dict[str, Any],
    sev: np.ndarray,
    never: np.ndarray,
) -> dict[str, Any]:
    """What was planted (the keys are listed in :func:`sample_data`'s notes).

    Long on purpose: one dict literal, one entry per planted fact.
    """
    topic_all, lang_all, is_fake = rows["topic_all"], rows["lang_all"], rows["is_fake"]
    season, tp, pii = sat["season"], sat["tp"], verbatim["pii"]
    effect_csat, effect_nps, nps_clipped = sat["effect_csat"], sat["effect_nps"], sat["nps_clipped"]
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
    return truth
