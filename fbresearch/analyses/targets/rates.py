"""The monthly response rate a ``response_rate`` target is judged on.

A response rate needs invitation counts (params ``invitations:``, a file of ``channel``,
``month`` and ``invited``): :func:`rate_months` counts the responses of the invited groups
(:func:`fbresearch.analyses.kpis.response_rate`, by channel when both tables have one, so
responses of channels nobody was invited on, such as social media, are not counted against
invitations), adds them up per month and gives each month's share with its Wilson interval and
standard error, as a monthly :class:`~fbresearch.analyses.kpis.KpiTable` with the metric
``response_rate``: the same table shape the other targets are projected from.

Examples
--------
>>> import pandas as pd
>>> inv = pd.DataFrame({"channel": ["email", "app"], "month": ["2026-10"] * 2,
...                     "invited": [100, 300]})
>>> fb = pd.DataFrame({"channel": ["email"] * 30 + ["app"] * 50 + ["social"] * 9,
...                    "submitted_at": pd.Timestamp("2026-10-05")})
>>> rate_months(inv, fb).table[["month", "metric", "n", "responses", "estimate"]]
     month         metric    n  responses  estimate
0  2026-10  response_rate  400         80       0.2
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fbresearch.analyses.kpis import response_rate
from fbresearch.analyses.kpis.results import KpiTable
from fbresearch.analyses.kpis.scores import proportion

__all__ = ["RATE", "NEEDS_INVITATIONS", "NEEDS_MONTHS", "rate_months"]

#: the metric of a response-rate target
RATE = "response_rate"
#: what a response-rate target needs where the run has no invitation counts
NEEDS_INVITATIONS = (
    "an invitations file (params invitations: a file of channel, month and invited, the number "
    "of customers asked to answer)"
)
#: ... and where its invitation counts cover none of the months up to the report month
NEEDS_MONTHS = "invitation counts for the months up to the report month"


def rate_months(
    invitations: pd.DataFrame,
    feedback: pd.DataFrame,
    *,
    through: Any = None,
    confidence: float = 0.95,
) -> KpiTable:
    """Each month's response rate (responses of the invited groups / invited), Wilson CI and se.

    Parameters
    ----------
    invitations : DataFrame
        ``month`` and ``invited``, with ``channel`` when the counts are by channel.
    feedback : DataFrame
        Canonical feedback (``submitted_at``, and ``channel`` when the invitations have one).
    through : str or Period, optional
        The report month: later months are left out (their responses may not be in yet).
    confidence : float

    Returns
    -------
    KpiTable
        By ``month``: ``metric`` (``response_rate``), ``n`` (invited), ``responses``,
        ``estimate``, ``ci_low``, ``ci_high``, ``se``.
    """
    by = "channel" if {"channel"} <= set(invitations.columns) & set(feedback.columns) else None
    rates = response_rate(
        invitations, feedback, by=by, through=through, confidence=confidence
    ).table
    months = rates.groupby("month", sort=True)[["invited", "responses"]].sum()
    rows = []
    for month, r in months.iterrows():
        e = proportion(int(r["responses"]), int(r["invited"]), confidence)
        rows.append(
            {
                "month": month,
                "metric": RATE,
                "n": int(r["invited"]),
                "responses": int(r["responses"]),
                "estimate": e.estimate,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "se": e.se,
            }
        )
    columns = ["month", "metric", "n", "responses", "estimate", "ci_low", "ci_high", "se"]
    table = pd.DataFrame(rows, columns=columns)
    return KpiTable(
        table=table, by=("month",), time="month", metrics=(RATE,), confidence=confidence
    )
