"""The built-in sample's orders, response times and invitation counts.

Orders follow a renewal process per customer with the planted churn lapses after scored
responses; response and resolution times follow severity and channel; invitation counts make
response rates of 15-25% (see :func:`fbresearch.io.sample.sample_data`).

Examples
--------
>>> import numpy as np
>>> _keys(np.array([1]), np.array(["2020-01-01T00:00:01"], dtype="datetime64[s]")).tolist()
[4294967297]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fbresearch.io.sample_model import (
    _CHANNEL_SPEED,
    _GROUPS,
    _INVITE_RATE,
    _RESOLUTION_MEDIAN_HOURS,
    _RESPONSE_MEDIAN_HOURS,
    _STUCK,
    END,
    GROUP_NAMES,
    LAPSE_PROBABILITY,
    LAPSE_WINDOW_DAYS,
    ORDER_REGULARITY,
    ORDERS_START,
    RESPONSES_START,
    SCORED_CHANNELS,
    SLOW_CHANNEL,
    _ids,
)
from fbresearch.io.sample_value import first_answers, plant_defection, value_truth

# helpers of the loader / the sample only (their names start with _)
__all__: list[str] = []


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
    value_rng: np.random.Generator | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """Orders per customer (a renewal process per group), returns, the planted churn lapses and
    the planted defections (:mod:`fbresearch.io.sample_value`, drawn from ``value_rng``);
    returns ``(orders, churn truth, value truth)``.

    Long on purpose: the draws must stay in this order for a seed to keep giving the same
    sample byte for byte, and the lapses and returns act on the orders drawn just before.
    """
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
    # the value truth: each customer's first answer, judged against the lapses of the others
    first_answer = first_answers(fb_cust, fb_time)
    other = lapse.copy()
    other[first_answer] = False
    kept_other = _outside_lapses(who, when, fb_cust[other], fb_time[other], window)
    kept_other[first] = True
    value = value_truth(
        who,
        when,
        amount,
        kept_other,
        first_answer,
        fb_cust,
        fb_time,
        np.datetime64(END.to_datetime64(), "ns"),
        LAPSE_PROBABILITY,
        LAPSE_WINDOW_DAYS,
    )
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
    # defection after the first answer (its own stream: every draw above stays as it was)
    if value_rng is not None:
        alive = plant_defection(
            value_rng, all_who, all_when, first_answer, fb_cust, fb_time, nps_group
        )
        alive[: len(who)] |= np.r_[True, who[1:] != who[:-1]]  # first purchases stay
        all_who, all_when, all_amount = all_who[alive], all_when[alive], all_amount[alive]
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
    return orders, churn, value


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
