"""Key-driver regression: which ratings go with a better score, holding the others equal.

OLS with HC3 standard errors (or an ordinal or logistic model), raw and standardized
coefficients with CIs, variance inflation factors and, on request, each driver's share of R².
Numbers only: the sentences are written by :mod:`fbresearch.analyses.drivers.narrative`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers.importance import compute_importance, percentile_ci
from fbresearch.analyses.drivers.prepare import (
    Prepared,
    check,
    labels_for,
    prepare,
    resolve_drivers,
)
from fbresearch.analyses.drivers.results import DriverResult
from fbresearch.errors import AnalysisError
from fbresearch.evidence import fdr_adjust, fdr_survivors

__all__ = ["key_drivers"]

_MODELS = ("ols", "ordinal", "logit")


def _design(
    frame: pd.DataFrame, data: Prepared, controls: Sequence[str]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Drivers, then controls (numeric as they are, others one-hot with the first level dropped).

    A control with one value in the complete responses cannot be estimated: it is left out and
    a warning says so (returned with the design). A control that is a copy or an exact
    combination of the drivers or other controls is an error (:func:`_check_design`).
    """
    design = pd.DataFrame(data.values[:, :-1], columns=list(data.drivers), index=data.index)
    left_out = []
    for c in controls:
        column = frame.loc[data.index, c]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        values = column.to_numpy(dtype=float) if numeric else column.astype("string")
        if pd.Series(values).nunique(dropna=False) < 2:
            left_out.append(
                f"Warning: the control {c!r} has one value ({column.iloc[0]}) in all "
                f"{data.n:,} complete responses, so it cannot be held constant and was left out "
                "of the model. Fix: drop it from the controls, or use a period in which it varies."
            )
        elif numeric:
            design[c] = values
        else:
            dummies = pd.get_dummies(values, prefix=c, prefix_sep="=", drop_first=True, dtype=float)
            design = pd.concat([design, dummies], axis=1)
    _check_design(design, data.drivers, controls)
    return design, tuple(left_out)


def _source(term: str, controls: Sequence[str]) -> str:
    """The column a design term comes from (``plan=plus`` -> ``plan``)."""
    return next((c for c in controls if term == c or term.startswith(f"{c}=")), term)


def _check_design(design: pd.DataFrame, drivers: Sequence[str], controls: Sequence[str]) -> None:
    """Refuse a control that a copy or exact combination of the columns before it.

    With such a control the fit would split one effect between the two columns arbitrarily
    and report tiny standard errors; the error names the control, what it duplicates and the fix.
    """
    x = design.to_numpy(dtype=float)
    x = x - x.mean(axis=0)
    for j in range(len(drivers), x.shape[1]):
        before, column = x[:, :j], x[:, j]
        beta = np.linalg.lstsq(before, column, rcond=None)[0]
        residual = column - before @ beta
        if residual @ residual > 1e-10 * (column @ column):
            continue
        weight = np.abs(beta) * before.std(axis=0)
        involved = [design.columns[k] for k in np.flatnonzero(weight > 1e-6 * weight.max())]
        control = _source(design.columns[j], controls)
        if len(involved) == 1:
            what = f"duplicates {'the driver' if involved[0] in drivers else 'the term'} "
            what += f"{involved[0]!r} (they are perfectly correlated)"
        else:
            what = f"is an exact combination of {involved}"
        raise AnalysisError(
            f"The control {control!r} {what}, so the model cannot tell their effects apart: it "
            "would split one effect between them arbitrarily. Fix: remove the control "
            f"{control!r} (or the column it repeats)."
        )


def _vif(design: pd.DataFrame) -> pd.Series:
    """Variance inflation factors: the diagonal of the inverse correlation matrix of the terms.

    This is the same number statsmodels' ``variance_inflation_factor`` gives (one auxiliary
    regression per term, with a constant), computed in one step.
    """
    if design.shape[1] < 2:
        return pd.Series(1.0, index=design.columns)
    corr = np.corrcoef(design.to_numpy(dtype=float), rowvar=False)
    try:
        inv = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        return pd.Series(np.inf, index=design.columns)
    return pd.Series(np.diag(inv), index=design.columns)


def _positive_values(y: np.ndarray, outcome: str, positive: Sequence[float] | None) -> tuple:
    if positive is not None:
        return tuple(positive)
    levels = set(np.unique(y).tolist())
    if levels <= {0.0, 1.0}:
        return (1.0,)
    if min(levels) >= 0 and max(levels) <= 10 and (outcome == "nps" or max(levels) > 7):
        return (9.0, 10.0)
    if min(levels) >= 1 and max(levels) <= 5:
        return (4.0, 5.0)
    raise AnalysisError(
        f"model='logit' needs to know which answers of {outcome!r} count as positive. Fix: pass "
        "positive=(9, 10) (promoters) or the values you mean."
    )


@dataclass(frozen=True)
class _Fit:
    """A fitted model and what the table needs from it."""

    fit: Any
    r2: float
    r2_kind: str
    scale_y: float  # SD of the outcome for standardized OLS coefficients; 1 for log-odds
    importance_y: pd.Series  # the outcome whose R² the importance decomposes
    warnings: tuple[str, ...] = ()


def _fit_ols(y: pd.Series, design: pd.DataFrame, cov_type: str) -> _Fit:
    import statsmodels.api as sm

    fit = sm.OLS(y, sm.add_constant(design, has_constant="add")).fit(cov_type=cov_type)
    return _Fit(fit, float(fit.rsquared), "R²", float(y.std(ddof=1)), y)


def _fit_logit(
    y: pd.Series, design: pd.DataFrame, outcome: str, positive: Sequence[float] | None
) -> _Fit:
    import statsmodels.api as sm

    yes = _positive_values(y.to_numpy(), outcome, positive)
    yb = y.isin(yes).astype(float)
    if yb.nunique() < 2:
        raise AnalysisError(
            f"Every complete response of {outcome!r} is "
            f"{'positive' if yb.iloc[0] else 'not positive'} (positive = {list(yes)}), so a "
            "logit cannot be fitted. Fix: choose other "
            "positive values or a longer period."
        )
    fit = sm.Logit(yb, sm.add_constant(design, has_constant="add")).fit(disp=0, maxiter=200)
    warnings = ()
    if not fit.mle_retvals.get("converged", True):
        warnings = ("Warning: the logistic regression did not converge.",)
    return _Fit(fit, float(fit.prsquared), "McFadden pseudo R²", 1.0, yb, warnings)


def _fit_ordinal(y: pd.Series, design: pd.DataFrame, outcome: str) -> _Fit:
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.unique(y)
    if len(levels) < 3:
        raise AnalysisError(
            f"model='ordinal' needs at least three answer levels of {outcome!r}; found "
            f"{levels.tolist()}. Fix: use model='logit'."
        )
    ordered = pd.Series(
        pd.Categorical(y, categories=levels, ordered=True), index=y.index, name=outcome
    )
    fit = OrderedModel(ordered, design, distr="logit").fit(method="bfgs", disp=False, maxiter=500)
    warnings = ()
    if not fit.mle_retvals.get("converged", True):
        warnings = ("Warning: the ordinal regression did not converge.",)
    return _Fit(fit, float(fit.prsquared), "McFadden pseudo R²", 1.0, y, warnings)


def _coefficients(
    fitted: _Fit,
    design: pd.DataFrame,
    drivers: Sequence[str],
    labels: Mapping[str, str],
    confidence: float,
) -> pd.DataFrame:
    """One row per term: raw and standardized coefficients with CIs, SE, p-value and VIF."""
    fit = fitted.fit
    ci = fit.conf_int(1 - confidence)
    terms = list(design.columns)
    table = pd.DataFrame(
        {
            "term": terms,
            "label": [labels.get(t, t) for t in terms],
            "kind": ["driver" if t in drivers else "control" for t in terms],
            "coef": fit.params[terms].to_numpy(dtype=float),
            "ci_low": ci.loc[terms].iloc[:, 0].to_numpy(dtype=float),
            "ci_high": ci.loc[terms].iloc[:, 1].to_numpy(dtype=float),
            "se": fit.bse[terms].to_numpy(dtype=float),
            "p_value": fit.pvalues[terms].to_numpy(dtype=float),
        }
    )
    sd = design.std(ddof=1)
    factor = np.where(table["kind"] == "driver", sd[terms].to_numpy() / fitted.scale_y, np.nan)
    for src, dst in (("coef", "std_coef"), ("ci_low", "std_ci_low"), ("ci_high", "std_ci_high")):
        table[dst] = table[src] * factor
    table["vif"] = _vif(design)[terms].to_numpy()
    is_driver = (table["kind"] == "driver").to_numpy()
    table["q_value"] = np.nan
    table.loc[is_driver, "q_value"] = fdr_adjust(table.loc[is_driver, "p_value"])
    table["matters"] = False
    table.loc[is_driver, "matters"] = fdr_survivors(table.loc[is_driver, "p_value"], confidence)
    table["direction"] = np.sign(table["coef"]).astype(int)
    return table


def _importance_columns(
    data: Prepared,
    importance_y: pd.Series,
    method: str,
    bootstrap: int,
    seed: int,
    confidence: float,
    workers: int | None,
) -> pd.DataFrame:
    """Each driver's share of R² (with CIs) and of the explained variation, by driver."""
    imp_frame = pd.DataFrame(data.values[:, :-1], columns=list(data.drivers), index=data.index)
    imp_frame[data.outcome] = importance_y.to_numpy()
    imp_data = prepare(imp_frame, data.outcome, list(data.drivers))
    imp = compute_importance(imp_data, method, bootstrap, seed, workers)
    low, high = percentile_ci(imp.draws, confidence)
    share, _ = imp.normalized()
    return pd.DataFrame(
        {
            "importance": imp.shares,
            "importance_ci_low": low,
            "importance_ci_high": high,
            "explained_share": share,
        },
        index=list(data.drivers),
    )


def key_drivers(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    controls: Sequence[str] = (),
    model: str = "ols",
    *,
    confidence: float = 0.95,
    missing: str = "listwise",
    cov_type: str = "HC3",
    positive: Sequence[float] | None = None,
    importance: str | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    labels: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> DriverResult:
    """Regress the outcome on the attribute ratings: which ratings go with a better score.

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    outcome : str
        The outcome column (``"nps"``, ``"csat"``, ...).
    drivers : list of str or str
        Rating columns, or a glob pattern such as ``"rating_*"``.
    controls : sequence of str
        Columns held constant (e.g. ``["plan", "region"]``); text and category columns are
        one-hot encoded with their first level as the reference.
    model : {"ols", "ordinal", "logit"}
        ``"ols"``: linear regression (statsmodels OLS) with ``cov_type`` standard errors;
        ``"ordinal"``: statsmodels ``OrderedModel`` (logit link) for a 1-5 CSAT answer;
        ``"logit"``: statsmodels ``Logit`` for a positive answer (``positive``) versus not.
    confidence : float, default 0.95
    missing : {"listwise", "raise"}
        Listwise deletion of responses with any missing answer (counted in the result), or an
        error naming the column.
    cov_type : str, default "HC3"
        Covariance of the OLS coefficients (any statsmodels ``cov_type``, e.g. ``"nonrobust"``).
        The ordinal and logit models use the maximum-likelihood covariance.
    positive : sequence of numbers, optional
        For ``model="logit"``: the answers that count as positive. Default: 9-10 (promoters) on
        a 0-10 scale, 4-5 on a 1-5 scale, 1 for a 0/1 outcome.
    importance : {"lmg", "johnson"}, optional
        Add each driver's share of R² (of the linear regression of the outcome, or of the 0/1
        positive answer for ``"logit"``, on the drivers alone) to the table.
    bootstrap : int, default 0
        Resamples for the importance CIs.
    seed : int, default 0
    labels : dict, optional
        Column -> reader's name (default: ``rating_delivery`` -> ``Delivery``).
    workers : int, optional
        Threads for the bootstrap.

    Returns
    -------
    DriverResult
        Raw coefficients (outcome points per rating point, or log-odds for ordinal and logit)
        and standardized ones (OLS: SDs of the outcome per SD of the driver; ordinal and logit:
        log-odds per SD of the driver), with CIs, VIFs and warnings.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(1, 6, size=(400, 2)).astype(float)
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": 1.5 * x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=400)})
    >>> result = key_drivers(frame, "nps", ["rating_a", "rating_b"])
    >>> result.coefficient("rating_a").contains(1.5)
    True
    """
    if model not in _MODELS:
        raise AnalysisError(f"model={model!r} is not known: use one of {list(_MODELS)}.")
    controls = (controls,) if isinstance(controls, str) else tuple(dict.fromkeys(controls))
    names = resolve_drivers(frame, drivers)
    data = prepare(frame, outcome, names, extra=controls, missing=missing)
    design, left_out = _design(frame, data, controls)
    check(data, design.shape[1])
    labels_map = labels_for(list(data.drivers) + list(design.columns) + [outcome], labels)
    y = pd.Series(data.values[:, -1], index=data.index, name=outcome)
    if model == "ols":
        fitted = _fit_ols(y, design, cov_type)
    elif model == "logit":
        fitted = _fit_logit(y, design, outcome, positive)
    else:
        fitted = _fit_ordinal(y, design, outcome)
    table = _coefficients(fitted, design, data.drivers, labels_map, confidence)
    if importance is not None:
        by_driver = _importance_columns(
            data, fitted.importance_y, importance, bootstrap, seed, confidence, workers
        )
        table = table.join(by_driver, on="term")
    return DriverResult(
        table=table,
        outcome=outcome,
        model=model,
        drivers=data.drivers,
        controls=controls,
        n=data.n,
        n_dropped=data.n_dropped,
        missing_by_column=dict(data.missing_by_column),
        r_squared=fitted.r2,
        r_squared_kind=fitted.r2_kind,
        confidence=confidence,
        cov_type=cov_type if model == "ols" else "maximum likelihood",
        fit_warnings=left_out + fitted.warnings,
        labels=labels_map,
        fit=fitted.fit,
    )
