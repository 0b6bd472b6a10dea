"""What satisfaction is worth: 12-month retention and spend by NPS group, like for like.

One row per customer: their first scored answer that leaves a full 12 months of orders before
the end of the report month (customers answer more than once; the first answer keeps one row
per customer, and every interval resamples customers). A logistic regression relates retention
(any purchase in the 365 days after the answer) and a log-linear Poisson quasi-likelihood GLM
relates net spend in those days (zeros included) to the answer group, adjusted for tenure and
segment (what the customer bought in the 12 months before: orders and spend, the F and M of RFM,
and attributes such as plan). Group levels are averaged over the whole cohort (g-computation):
"had every customer answered as a detractor". Customer-level bootstrap percentile intervals.

Examples
--------
>>> _group(pd.Series([3, 7, 10])).tolist()
['detractor', 'passive', 'promoter']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from fbresearch.analyses.value.results import GROUPS, ValueResult
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate

__all__ = ["customer_value", "value_frame"]

_DAY = pd.Timedelta(days=1)
MIN_CUSTOMERS = 60


def _group(nps: pd.Series) -> pd.Series:
    v = nps.astype(float)
    return pd.Series(
        np.where(v <= 6, "detractor", np.where(v <= 8, "passive", "promoter")), index=nps.index
    )


def _period_end(asof: object, feedback: pd.DataFrame) -> tuple[pd.Period, pd.Timestamp]:
    period = feedback["submitted_at"].max().to_period("M") if asof is None else pd.Period(asof, "M")
    return period, (period + 1).start_time


def _clean_orders(orders: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("customer_id", "order_date", "amount") if c not in orders.columns]
    if missing:
        raise AnalysisError(
            f"the orders file lacks {', '.join(missing)}. Fix: map them in params columns:."
        )
    out = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].astype("string"),
            "order_date": pd.to_datetime(orders["order_date"], errors="coerce"),
            "amount": pd.to_numeric(orders["amount"], errors="coerce"),
        }
    )
    return out.dropna()


def value_frame(
    answers: pd.DataFrame, orders: pd.DataFrame, window_days: int = 365
) -> pd.DataFrame:
    """Features and outcomes of each answer: tenure, prior orders and spend, retention, spend.

    ``answers`` has ``customer_id`` and ``submitted_at``; ``orders`` is cleaned. Prior: the
    ``window_days`` before the answer (answer day included); after: the ``window_days`` after.

    Examples
    --------
    >>> a = pd.DataFrame({"customer_id": ["C1"], "submitted_at": pd.to_datetime(["2026-01-10"])})
    >>> o = pd.DataFrame({"customer_id": ["C1", "C1", "C1"], "amount": [10.0, 20.0, 5.0],
    ...                   "order_date": pd.to_datetime(["2025-06-01", "2026-01-02", "2026-03-01"])})
    >>> value_frame(a, o)[["tenure_days", "prior_orders", "prior_spend", "retained", "spend"]]
       tenure_days  prior_orders  prior_spend  retained  spend
    0        223.0             2         30.0      True    5.0
    """
    a = answers[["customer_id", "submitted_at"]].reset_index(drop=True).copy()
    a["_row"] = np.arange(len(a))
    m = a.merge(orders, on="customer_id", how="inner")
    lag = (m["order_date"] - m["submitted_at"]) / _DAY
    buy = m["amount"] > 0
    before = (lag <= 0) & (lag > -window_days)
    after = (lag > 0) & (lag <= window_days)
    g = m.assign(
        _first=m["order_date"].where(lag <= 0),
        _pn=(before & buy).astype(int),
        _ps=m["amount"].where(before, 0.0),
        _an=(after & buy).astype(int),
        _as=m["amount"].where(after, 0.0),
    ).groupby("_row")
    agg = pd.DataFrame(
        {
            "first": g["_first"].min(),
            "prior_orders": g["_pn"].sum(),
            "prior_spend": g["_ps"].sum().clip(lower=0),
            "after_orders": g["_an"].sum(),
            "spend": g["_as"].sum().clip(lower=0),
        }
    ).reindex(a["_row"])
    out = a.drop(columns="_row")
    out["tenure_days"] = ((out["submitted_at"] - agg["first"].to_numpy()) / _DAY).fillna(0.0)
    out["prior_orders"] = agg["prior_orders"].fillna(0).astype(int).to_numpy()
    out["prior_spend"] = agg["prior_spend"].fillna(0.0).to_numpy()
    out["retained"] = agg["after_orders"].fillna(0).to_numpy() > 0
    out["spend"] = agg["spend"].fillna(0.0).to_numpy()
    return out


def _design(frame: pd.DataFrame, controls: Sequence[str], group: str | None = None) -> np.ndarray:
    g = frame["group"] if group is None else pd.Series(group, index=frame.index)
    cols = [
        np.ones(len(frame)),
        (g == "detractor").to_numpy(float),
        (g == "passive").to_numpy(float),
        np.log1p(frame["tenure_days"].to_numpy(float)),
        np.log1p(frame["prior_orders"].to_numpy(float)),
        np.log1p(frame["prior_spend"].to_numpy(float)),
    ]
    for c in controls:
        cols.append(frame[c].to_numpy(float))
    return np.column_stack(cols)


def _fit(cohort: pd.DataFrame, controls: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    x = _design(cohort, controls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keep = sm.GLM(cohort["retained"].to_numpy(float), x, family=sm.families.Binomial())
        buy = sm.GLM(cohort["spend"].to_numpy(float), x, family=sm.families.Poisson())
        return keep.fit().params, buy.fit().params


def _quantities(
    params: tuple[np.ndarray, np.ndarray],
    cohort: pd.DataFrame,
    current: pd.DataFrame,
    controls: Sequence[str],
) -> np.ndarray:
    """retention x3, spend x3, revenue at risk, value of one move (a flat vector)."""
    keep, buy = params
    out = []
    for g in GROUPS:
        out.append(np.mean(1 / (1 + np.exp(-_design(cohort, controls, g) @ keep))))
    for g in GROUPS:
        out.append(np.mean(np.exp(_design(cohort, controls, g) @ buy)))
    if len(current):
        spend = {g: np.exp(_design(current, controls, g) @ buy) for g in GROUPS}
        out.append(float(np.sum(spend["promoter"] - spend["detractor"])))
        out.append(float(np.mean(spend["passive"] - spend["detractor"])))
    else:
        out += [np.nan, np.nan]
    return np.array(out, dtype=float)


def _controls(cohort: pd.DataFrame, current: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """One-hot columns of the categorical controls present in both frames (rare levels pooled)."""
    made = []
    for name in names:
        if name not in cohort.columns:
            continue
        counts = cohort[name].astype("string").value_counts()
        levels = [v for v, k in counts.items() if k >= 20][1:]
        for level in levels:
            col = f"_{name}={level}"
            for f in (cohort, current):
                f[col] = (f[name].astype("string") == level).fillna(False).astype(float)
            made.append(col)
    return made


def customer_value(
    feedback: pd.DataFrame,
    orders: pd.DataFrame,
    asof: object = None,
    *,
    window_days: int = 365,
    controls: Sequence[str] = ("plan",),
    n_boot: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
    currency: str = "",
) -> ValueResult:
    """12-month retention and spend of promoters, passives and detractors, and what is at stake.

    Parameters
    ----------
    feedback : DataFrame
        Canonical feedback with ``customer_id``, ``submitted_at``, ``nps``.
    orders : DataFrame
        ``customer_id``, ``order_date``, ``amount`` (returns negative).
    asof : str or Period, optional
        The report month; the follow-up must end by its last day. None: the latest month.
    window_days : int, default 365
        The follow-up window.
    controls : sequence of str, default ("plan",)
        Categorical segment attributes adjusted for, where the data has them.
    n_boot : int, default 200
        Customer-level bootstrap resamples behind every interval.
    confidence : float, default 0.95
    seed : int, default 0
    currency : str, default ""
        The orders' currency as the page names it (``"EUR"``); ``""``: the sentences say "in
        the orders file's currency units".

    Returns
    -------
    ValueResult

    Examples
    --------
    >>> import fbresearch as fb
    >>> s = fb.sample_data(3000)
    >>> v = customer_value(s.feedback, s.orders, asof="2026-10", n_boot=20)
    >>> v.spend["detractor"].estimate < v.spend["promoter"].estimate
    True
    """
    for col in ("customer_id", "submitted_at", "nps"):
        if col not in feedback.columns:
            raise AnalysisError(f"the value page needs the {col!r} column in the feedback.")
    period, end = _period_end(asof, feedback)
    clean = _clean_orders(orders)
    scored = feedback.loc[
        feedback["nps"].notna() & feedback["customer_id"].notna() & (feedback["submitted_at"] < end)
    ]
    scored = scored[scored["customer_id"].astype("string").isin(set(clean["customer_id"]))]
    scored = scored.assign(customer_id=scored["customer_id"].astype("string"))
    first = scored.sort_values("submitted_at", kind="stable").drop_duplicates("customer_id")
    first = first[first["submitted_at"] + window_days * _DAY <= end]
    if len(first) < MIN_CUSTOMERS:
        raise AnalysisError(
            f"only {len(first)} customers answered at least {window_days} days before the end of "
            f"{period:%B %Y} and are in the orders file; the value page needs {MIN_CUSTOMERS}. "
            "It needs answers and orders covering more than a year."
        )
    now = scored[scored["submitted_at"].dt.to_period("M") == period]
    now = now.sort_values("submitted_at", kind="stable").drop_duplicates("customer_id", keep="last")
    now = now[_group(now["nps"]) == "detractor"]
    cohort = value_frame(first, clean, window_days).assign(group=_group(first["nps"]).to_numpy())
    current = value_frame(now, clean, window_days)
    extra = [c for c in controls if c in first.columns]
    for name in extra:
        cohort[name] = first[name].to_numpy()
        current[name] = now[name].to_numpy()
    dummies = _controls(cohort, current, extra)
    point = _quantities(_fit(cohort, dummies), cohort, current, dummies)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(int(n_boot)):
        boot = cohort.iloc[rng.integers(0, len(cohort), len(cohort))].reset_index(drop=True)
        if boot["group"].nunique() < 3:
            continue
        draws.append(_quantities(_fit(boot, dummies), boot, current, dummies))
    draws = np.array(draws)
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(draws, [alpha, 1 - alpha], axis=0)

    def est(i: int, name: str, unit: str, n: int) -> Estimate:
        return Estimate(
            float(point[i]),
            float(low[i]),
            float(high[i]),
            n=n,
            se=float(np.nanstd(draws[:, i])),
            confidence=confidence,
            name=name,
            unit=unit,
        )

    n = len(cohort)
    gaps = draws[:, 3:6] - draws[:, [3]]  # spend gaps against detractors
    return ValueResult(
        table=pd.DataFrame(),
        retention={g: est(i, f"retention_{g}", "share", n) for i, g in enumerate(GROUPS)},
        spend={g: est(3 + i, f"spend_{g}", "", n) for i, g in enumerate(GROUPS)},
        spend_gap=Estimate(
            float(point[5] - point[3]),
            *np.quantile(gaps[:, 2], [alpha, 1 - alpha]).tolist(),
            n=n,
            confidence=confidence,
            name="spend_gap",
            unit="",
        ),
        retention_gap=_gap(point, draws, 2, 0, alpha, n, confidence),
        revenue_at_risk=est(6, "revenue_at_risk", "", len(current)),
        move_value=est(7, "move_value", "", len(current)),
        n_customers=n,
        n_current=len(current),
        cohort_mix=cohort["group"].value_counts().reindex(GROUPS, fill_value=0).to_dict(),
        period=str(period),
        window_days=window_days,
        controls=tuple(extra),
        confidence=confidence,
        n_boot=len(draws),
        currency=str(currency or "").strip(),
    )


def _gap(
    point: np.ndarray, draws: np.ndarray, i: int, j: int, alpha: float, n: int, conf: float
) -> Estimate:
    """Retention of group ``i`` minus group ``j`` (a difference of shares)."""
    d = draws[:, i] - draws[:, j]
    lo, hi = np.quantile(d, [alpha, 1 - alpha])
    return Estimate(
        float(point[i] - point[j]),
        float(lo),
        float(hi),
        n=n,
        se=float(np.std(d)),
        confidence=conf,
        name="retention_gap",
        unit="share",
    )
