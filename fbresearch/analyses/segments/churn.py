"""Churn risk: a logistic model of lapsing after a response, odds ratios, held-out AUC.

Examples
--------
>>> round(_auc_estimate(0.8, 50, 50).ci_low, 3)
0.713
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.analyses.kpis import scores as kpi
from fbresearch.analyses.segments.common import _asof_timestamp, _clean_orders, _require
from fbresearch.analyses.segments.results import ChurnResult
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate

__all__ = ["churn_risk"]


def churn_risk(
    feedback: pd.DataFrame,
    orders: pd.DataFrame,
    asof: Any = None,
    window_days: int = 90,
    holdout_months: int = 3,
    customer: str = "customer_id",
    submitted: str = "submitted_at",
    date: str = "order_date",
    amount: str = "amount",
    high_value_share: float = 0.2,
    risk_threshold: float | None = None,
    confidence: float = 0.95,
) -> ChurnResult:
    """A logistic model of lapsing after a response, with odds ratios, held-out AUC and risk counts.

    Outcome: a response *lapses* when its customer places no purchase in the ``window_days``
    after it. Only responses whose window has closed by ``asof`` are labelled.
    Predictors (statsmodels ``Logit``, standard errors clustered by customer because one customer
    can answer many times): ``detractor`` (NPS 0-6) and ``passive`` (7-8) against promoters,
    ``csat`` (per point, 1-5), and behaviour before the response: ``log_orders`` (log1p of
    purchases in the previous 365 days) and ``log_recency`` (log1p of days since the last
    purchase; 365 when none that year). Responses without NPS or CSAT are left out.

    Odds ratios come from the fit on every labelled response. Discrimination: the model is
    refitted on all labelled months but the last ``holdout_months`` and its AUC measured on those
    later months (Hanley-McNeil interval). At-risk count: customers in the top ``high_value_share``
    by spend over the year before ``asof`` whose latest response falls in the last ``window_days``
    (window still open), with no purchase since it, and a predicted risk of at least
    ``risk_threshold`` (default: twice the observed lapse rate, at most 0.5). Intervals (odds
    ratios, AUC) are at ``confidence``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 600
    >>> ids = [f"c{i}" for i in range(n)]
    >>> t = pd.Timestamp("2025-05-01") + pd.to_timedelta(rng.integers(0, 540, n), "D")
    >>> nps = rng.integers(0, 11, n)
    >>> fbk = pd.DataFrame({"customer_id": ids, "submitted_at": t, "nps": nps,
    ...                     "csat": rng.integers(1, 6, n)})
    >>> again = rng.random(n) < np.where(nps <= 6, 0.35, 0.75)
    >>> orders = pd.DataFrame({
    ...     "customer_id": ids + [c for c, a in zip(ids, again) if a],
    ...     "order_date": list(t - pd.to_timedelta(rng.integers(1, 200, n), "D"))
    ...                   + list((t + pd.Timedelta(days=20))[again]),
    ...     "amount": 50.0})
    >>> res = churn_risk(fbk, orders, asof="2026-10")
    >>> res.odds_ratios["detractor"].estimate > 1
    True
    """
    import statsmodels.formula.api as smf

    data, excluded = _clean_orders(orders, customer, date, amount)
    asof_ts = _asof_timestamp(asof, data["date"])
    purchases = data.loc[(data["amount"] > 0) & (data["date"] <= asof_ts)].sort_values("date")
    _require(
        feedback,
        [customer, submitted, "nps", "csat"],
        "feedback",
        "churn risk needs customer ids, response dates, NPS and CSAT.",
    )
    fb = pd.DataFrame(
        {
            "customer": feedback[customer].astype("string"),
            "t": pd.to_datetime(feedback[submitted], errors="coerce"),
            "nps": pd.to_numeric(feedback["nps"], errors="coerce").astype(float),
            "csat": pd.to_numeric(feedback["csat"], errors="coerce").astype(float),
        }
    ).dropna()
    fb = fb.loc[fb["t"] <= asof_ts]
    buyers = set(purchases["customer"].unique())
    no_orders = int((~fb["customer"].isin(buyers)).sum())
    fb = fb.loc[fb["customer"].isin(buyers)].sort_values("t").reset_index(drop=True)
    if fb.empty:
        raise AnalysisError(
            "no response with NPS and CSAT comes from a customer with orders; churn risk needs both."
        )

    model_data, after = _model_data(fb, purchases, window_days, asof_ts)
    labelled = model_data.loc[model_data["closed"]]
    if len(labelled) < 50 or labelled["lapsed"].nunique() < 2:
        raise AnalysisError(
            f"only {len(labelled)} responses have a closed {window_days}-day window (or all had the same outcome);"
            " churn risk needs more history before the report date."
        )
    formula = "lapsed ~ detractor + passive + csat + log_orders + log_recency"
    groups = pd.factorize(labelled["customer"])[0]
    fit = smf.logit(formula, labelled).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    odds, rows = _odds_ratios(fit, confidence)

    auc, n_train, n_test, test_months, notes = _holdout_auc(
        labelled, formula, holdout_months, confidence
    )

    # at risk now: open windows, no purchase since the response, high value
    spend = (
        purchases.loc[purchases["date"] > asof_ts - pd.Timedelta(days=365)]
        .groupby("customer")["amount"]
        .sum()
    )
    cutoff = spend.quantile(1 - high_value_share) if len(spend) else math.inf
    open_ = model_data.loc[~model_data["closed"]]
    latest = open_.groupby("customer").tail(1)
    no_order_since = after.loc[latest.index, "next"].isna().to_numpy()
    latest = latest.loc[no_order_since]
    high = latest["customer"].map(spend).fillna(0).to_numpy() >= cutoff
    latest = latest.loc[high]
    lapses = int(labelled["lapsed"].sum())
    if risk_threshold is None:
        risk_threshold = min(0.5, 2 * lapses / len(labelled))
    risk = fit.predict(latest) if len(latest) else pd.Series(dtype=float)
    at_risk = pd.Series(np.asarray(risk), index=latest["customer"].to_numpy(), name="risk")
    at_risk = at_risk[at_risk >= risk_threshold].sort_values(ascending=False)
    if no_orders:
        notes.append(f"{no_orders:,} responses from customers with no orders were left out.")
    return ChurnResult(
        table=pd.DataFrame(rows),
        notes=tuple(notes),
        odds_ratios=odds,
        auc=auc,
        lapse_rate=kpi.proportion(lapses, len(labelled), name="lapse rate"),
        window_days=window_days,
        n_train=n_train,
        n_test=n_test,
        test_months=test_months,
        at_risk_count=len(at_risk),
        high_value_count=int(high.sum()),
        risk_threshold=risk_threshold,
        at_risk=at_risk,
        model=fit,
        confidence=confidence,
    )


def _model_data(
    fb: pd.DataFrame, purchases: pd.DataFrame, window_days: int, asof_ts: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per response: the lapse outcome, the predictors, whether its window has closed;
    and the next purchase after each response (``after["next"]``)."""
    # history at t: cumulative purchases per customer, looked up with merge_asof (vectorized)
    hist = purchases[["customer", "date", "amount"]].assign(
        cum=purchases.groupby("customer").cumcount() + 1
    )
    before = pd.merge_asof(
        fb,
        hist.rename(columns={"date": "last"}),
        left_on="t",
        right_on="last",
        by="customer",
        allow_exact_matches=True,
        direction="backward",
    )
    year_ago = pd.merge_asof(
        fb.assign(t0=fb["t"] - pd.Timedelta(days=365)),
        hist[["customer", "date", "cum"]].rename(columns={"date": "d0", "cum": "cum0"}),
        left_on="t0",
        right_on="d0",
        by="customer",
        direction="backward",
    )
    after = pd.merge_asof(
        fb,
        hist[["customer", "date"]].rename(columns={"date": "next"}),
        left_on="t",
        right_on="next",
        by="customer",
        allow_exact_matches=False,
        direction="forward",
    )
    recency = (fb["t"] - before["last"]).dt.days.clip(upper=365).fillna(365)
    prior = (before["cum"].fillna(0) - year_ago["cum0"].fillna(0)).clip(lower=0)
    closes = fb["t"] + pd.Timedelta(days=window_days)
    model_data = pd.DataFrame(
        {
            "customer": fb["customer"],
            "month": fb["t"].dt.to_period("M").astype(str),
            "lapsed": (after["next"].isna() | (after["next"] > closes)).astype(float),
            "detractor": (fb["nps"] <= 6).astype(float),
            "passive": fb["nps"].between(7, 8).astype(float),
            "csat": fb["csat"],
            "log_orders": np.log1p(prior),
            "log_recency": np.log1p(recency),
            "closed": closes <= asof_ts,
        }
    )
    return model_data, after


def _odds_ratios(fit: Any, confidence: float) -> tuple[dict[str, Estimate], list[dict]]:
    """Each term's odds ratio (an Estimate, unit ``"ratio"``) and the rows of the result table."""
    ci = fit.conf_int(alpha=1 - confidence)
    meaning = {
        "detractor": "NPS 0-6 vs promoters (9-10)",
        "passive": "NPS 7-8 vs promoters (9-10)",
        "csat": "per CSAT point (1-5)",
        "log_orders": "per unit of log(1 + orders in the past year)",
        "log_recency": "per unit of log(1 + days since last order)",
    }
    odds = {}
    rows = []
    for term in meaning:
        e = Estimate(
            float(np.exp(fit.params[term])),
            float(np.exp(ci.loc[term, 0])),
            float(np.exp(ci.loc[term, 1])),
            n=int(fit.nobs),
            se=float(fit.bse[term]),
            p_value=float(fit.pvalues[term]),
            confidence=confidence,
            name=f"odds ratio: {term}",
            unit="ratio",
        )
        odds[term] = e
        rows.append(
            dict(
                term=term,
                odds_ratio=e.estimate,
                ci_low=e.ci_low,
                ci_high=e.ci_high,
                p_value=e.p_value,
                meaning=meaning[term],
            )
        )
    return odds, rows


def _holdout_auc(
    labelled: pd.DataFrame, formula: str, holdout_months: int, confidence: float
) -> tuple[Estimate, int, int, tuple[str, ...], list[str]]:
    """Refit on all labelled months but the last ``holdout_months``; AUC on those months.

    Returns the AUC, the train and test sizes, the test months and notes for the reader.
    """
    import statsmodels.formula.api as smf
    from sklearn.metrics import roc_auc_score

    months = sorted(labelled["month"].unique())
    notes = []
    auc = Estimate(math.nan, math.nan, math.nan, n=0, confidence=confidence, name="AUC")
    n_train = n_test = 0
    test_months: tuple[str, ...] = ()
    if len(months) > holdout_months:
        test_months = tuple(months[-holdout_months:])
        train = labelled.loc[~labelled["month"].isin(test_months)]
        test = labelled.loc[labelled["month"].isin(test_months)]
        n_train, n_test = len(train), len(test)
        if train["lapsed"].nunique() == 2 and test["lapsed"].nunique() == 2:
            held = smf.logit(formula, train).fit(disp=0)
            score = roc_auc_score(test["lapsed"], held.predict(test))
            auc = _auc_estimate(
                score,
                int(test["lapsed"].sum()),
                int((1 - test["lapsed"]).sum()),
                confidence,
            )
    else:
        notes.append(
            f"Too few months ({len(months)}) with a closed window to hold any out; AUC not measured."
        )
    return auc, n_train, n_test, test_months, notes


def _auc_estimate(auc: float, n_pos: int, n_neg: int, confidence: float = 0.95) -> Estimate:
    """AUC with the Hanley & McNeil (1982) standard error.

    Written out because neither scikit-learn nor statsmodels gives an AUC standard error; the
    formula is three lines.
    """
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (
        n_pos * n_neg
    )
    se = math.sqrt(max(var, 0.0))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return Estimate(
        float(auc),
        max(auc - z * se, 0.0),
        min(auc + z * se, 1.0),
        n=n_pos + n_neg,
        se=se,
        confidence=confidence,
        name="AUC",
    )
