"""The built-in sample's planted value of satisfaction: defection after a customer's first answer.

A separate random stream (``numpy.random.default_rng([seed, 19])``) decides, for each customer's
first scored answer, whether they defect: every order (and return) after that answer is removed.
The chance depends on the answer (:data:`DEFECTION`). The other draws of the sample are
unchanged; only these customers' later orders go.

The truth (``truth["value"]``) is what the value page estimates: for the customers whose first
scored answer leaves at least 365 days of orders before the end of the data, the average
12-month retention (any purchase in the 365 days after the answer) and the average 12-month
spend had every one of them answered as a detractor, a passive or a promoter. It counts both
planted effects of that answer: the defection above and the 90-day lapse of
:data:`fbresearch.io.sample_model.LAPSE_PROBABILITY` (the lapses of the customer's later
answers stay as drawn). Returns (about 1% of purchases) are left out of the truth.

Examples
--------
>>> DEFECTION["detractor"] > DEFECTION["passive"] > DEFECTION["promoter"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DEFECTION", "VALUE_WINDOW_DAYS", "first_answers", "plant_defection", "value_truth"]

#: chance that a customer stops buying for good after their first scored answer, by NPS group
DEFECTION = {"detractor": 0.25, "passive": 0.10, "promoter": 0.04}
#: the follow-up window of retention and spend, in days
VALUE_WINDOW_DAYS = 365
_NAMES = ("detractor", "passive", "promoter")
_DAY = np.timedelta64(1, "D")


def first_answers(fb_cust: np.ndarray, fb_time: np.ndarray) -> np.ndarray:
    """Positions of each customer's first scored answer (ties: the first row).

    Examples
    --------
    >>> t = np.array(["2026-01-05", "2026-01-02", "2026-01-09"], dtype="datetime64[ns]")
    >>> first_answers(np.array([0, 0, 1]), t).tolist()
    [1, 2]
    """
    order = np.lexsort((np.arange(len(fb_cust)), fb_time, fb_cust))
    cust_sorted = fb_cust[order]
    start = np.r_[True, cust_sorted[1:] != cust_sorted[:-1]]
    return np.sort(order[start])


def plant_defection(
    rng: np.random.Generator,
    who: np.ndarray,
    when: np.ndarray,
    first: np.ndarray,
    fb_cust: np.ndarray,
    fb_time: np.ndarray,
    nps_group: np.ndarray,
) -> np.ndarray:
    """Mask of orders kept: False for every order after a defecting customer's first answer."""
    p = np.array([DEFECTION[k] for k in _NAMES])[nps_group[first]]
    defect = rng.random(len(first)) < p
    cutoff = np.full(int(max(who.max(initial=0), fb_cust.max(initial=0))) + 1, np.datetime64("NaT"))
    cutoff = cutoff.astype("datetime64[ns]")
    cutoff[fb_cust[first][defect]] = fb_time[first][defect]
    limit = cutoff[who]
    return np.isnat(limit) | (when.astype("datetime64[ns]") <= limit)


def value_truth(
    who: np.ndarray,
    when: np.ndarray,
    amount: np.ndarray,
    kept_by_other_lapses: np.ndarray,
    first: np.ndarray,
    fb_cust: np.ndarray,
    fb_time: np.ndarray,
    end: np.datetime64,
    lapse_probability: dict[str, float],
    lapse_days: int,
) -> dict[str, Any]:
    """The planted 12-month retention and spend of the value cohort under each answer.

    ``who``, ``when``, ``amount``: the purchases before any lapse; ``kept_by_other_lapses``: the
    mask left by every lapse except those of the first answers.
    """
    window = VALUE_WINDOW_DAYS * _DAY
    cohort = first[fb_time[first] + window <= end]
    ok = kept_by_other_lapses
    who_k, when_k, amount_k = who[ok], when[ok].astype("datetime64[ns]"), amount[ok]
    order = np.lexsort((when_k, who_k))
    who_k, when_k, amount_k = who_k[order], when_k[order], amount_k[order]
    spend_all, spend_late, any_all, any_late = [], [], [], []
    for i in cohort:
        c, t = fb_cust[i], fb_time[i]
        lo, hi = np.searchsorted(who_k, c, "left"), np.searchsorted(who_k, c, "right")
        w, a = when_k[lo:hi], amount_k[lo:hi]
        inside = (w > t) & (w <= t + window)
        late = inside & (w > t + lapse_days * _DAY)
        spend_all.append(a[inside].sum())
        spend_late.append(a[late].sum())
        any_all.append(inside.any())
        any_late.append(late.any())
    b, a_ = np.array(spend_all), np.array(spend_late)
    rb, ra = np.array(any_all, float), np.array(any_late, float)
    retention, spend = {}, {}
    for k in _NAMES:
        stay, lapse = 1 - DEFECTION[k], lapse_probability[k]
        retention[k] = float(np.mean(stay * (lapse * ra + (1 - lapse) * rb)))
        spend[k] = float(np.mean(stay * (lapse * a_ + (1 - lapse) * b)))
    return {
        "window_days": VALUE_WINDOW_DAYS,
        "defection": dict(DEFECTION),
        "cohort": "customers whose first scored answer was at least 365 days before the end",
        "n_customers": int(len(cohort)),
        "retention": retention,
        "spend": spend,
        "spend_gap_detractor_vs_passive": spend["passive"] - spend["detractor"],
        "spend_gap_detractor_vs_promoter": spend["promoter"] - spend["detractor"],
    }
