"""The importance-performance matrix: what matters most and is rated worst, with CIs.

Numbers only (importance, performance, quadrants, priority order); the sentences are written by
:mod:`fbresearch.analyses.drivers.narrative`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers.importance import compute_importance, percentile_ci
from fbresearch.analyses.drivers.links import driver_links
from fbresearch.analyses.drivers.prepare import labels_for, numeric, prepare
from fbresearch.analyses.drivers.results import ImportancePerformanceResult
from fbresearch.analyses.kpis import scores as kpi
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate

__all__ = ["importance_performance", "QUADRANTS", "NEGATIVE_LINK", "NO_EVIDENCE"]

#: The importance-performance quadrants, in priority order.
QUADRANTS = ("fix first", "keep up", "low priority", "possible overkill")
#: Where a driver goes whose higher ratings go with a lower outcome (a negative coefficient):
#: never "keep up" or "fix first", since "rated well, matters a lot" would be read as a strength.
NEGATIVE_LINK = "negative link"
#: Where a driver goes whose coefficient is not clearly different from zero (after the false
#: discovery rate adjustment over the drivers): whatever its share of R², there is no evidence
#: that it matters, so it is neither a priority nor a strength.
NO_EVIDENCE = "no evidence it matters"
#: Every place a driver can land, in priority order.
PLACES = (*QUADRANTS, NEGATIVE_LINK, NO_EVIDENCE)


def _performance(
    frame: pd.DataFrame, driver: str, kind: str, top_box: Sequence[float], confidence: float
) -> Estimate:
    values = numeric(frame, driver, "driver rating").dropna()
    if kind == "mean":
        return kpi.mean(values, confidence=confidence, name=driver)
    if kind == "top_box":
        return kpi.proportion(
            int(values.isin(list(top_box)).sum()), int(values.size), confidence, name=driver
        )
    raise AnalysisError(f"performance={kind!r} is not known: use 'mean' or 'top_box'.")


def _thresholds(table: pd.DataFrame, thresholds: Mapping[str, float] | None) -> dict:
    """The thresholds used: the given ones, else the medians across drivers."""
    given = dict(thresholds or {})
    unknown = set(given) - {"importance", "performance"}
    if unknown:
        raise AnalysisError(
            f"thresholds keys must be 'importance' and/or 'performance', not {sorted(unknown)}."
        )
    return {
        "importance": float(given.get("importance", table["importance"].median())),
        "performance": float(given.get("performance", table["performance"].median())),
    }


def _ranked(table: pd.DataFrame, used: Mapping[str, float]) -> pd.DataFrame:
    """Place of each driver and the priority order: by place, most important first.

    A driver without evidence (``matters`` False) is :data:`NO_EVIDENCE`; one with a negative
    coefficient is :data:`NEGATIVE_LINK`; the rest go to the four quadrants.
    """
    high_imp = table["importance"] >= used["importance"]
    high_perf = table["performance"] >= used["performance"]
    negative = table["direction"] < 0
    table = table.assign(
        quadrant=np.select(
            [
                ~table["matters"],
                negative,
                high_imp & ~high_perf,
                high_imp & high_perf,
                ~high_imp & ~high_perf,
            ],
            [NO_EVIDENCE, NEGATIVE_LINK, *QUADRANTS[:3]],
            default=QUADRANTS[3],
        )
    )
    order = table["quadrant"].map({q: i for i, q in enumerate(PLACES)})
    table = (
        table.assign(_order=order, _imp=-table["importance"])
        .sort_values(["_order", "_imp"], kind="stable")
        .drop(columns=["_order", "_imp"])
        .reset_index(drop=True)
    )
    table.insert(0, "priority", np.arange(1, len(table) + 1))
    columns = ["priority", "driver", "label", "quadrant"] + [
        c for c in table.columns if c not in ("priority", "driver", "label", "quadrant")
    ]
    return table[columns]


def importance_performance(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    performance: str = "mean",
    thresholds: Mapping[str, float] | None = None,
    *,
    top_box: Sequence[float] = (4, 5),
    method: str = "lmg",
    bootstrap: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
    missing: str = "listwise",
    labels: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> ImportancePerformanceResult:
    """The importance-performance matrix: what matters most and is rated worst, with CIs.

    Importance is a driver's share of the explained variation of the outcome (its LMG share of
    R² divided by R², so the shares sum to 100%), with a bootstrap CI. Performance is the mean
    rating (:func:`fbresearch.analyses.kpis.mean`, t interval) or the top-box share
    (:func:`fbresearch.analyses.kpis.proportion`, Wilson interval) over every response that rated the
    driver. Quadrants: ``"fix first"`` (importance at or above its threshold, performance below
    its threshold), ``"keep up"`` (high, high), ``"low priority"`` (low, low) and
    ``"possible overkill"`` (low importance, high performance). The thresholds are the medians
    across drivers unless given.

    Whether a driver matters at all is not read from its share (a share is positive for any
    driver that correlates with the outcome, so its interval never reaches zero): it is the
    test of the driver's coefficient in the joint linear fit (HC3 standard errors), with the
    p-values of all drivers adjusted by Benjamini-Hochberg (false discovery rate
    ``1 - confidence``; :func:`fbresearch.analyses.drivers.links.driver_links`). A driver that
    does not pass is placed in :data:`NO_EVIDENCE` ("no evidence it matters"); one that passes
    with a negative coefficient (higher ratings go with a lower outcome; ``direction`` -1) in
    :data:`NEGATIVE_LINK` ("negative link"). Neither is ever "keep up" or "fix first"; both are
    listed after the four quadrants.

    Parameters
    ----------
    frame, outcome, drivers
        As for :func:`key_drivers`.
    performance : {"mean", "top_box"}
    thresholds : dict, optional
        ``{"importance": 0.2, "performance": 3.8}`` (either key may be left out: its median is
        used). Importance is a share (0-1); performance is on the rating scale (mean) or a share.
    top_box : sequence, default (4, 5)
        The ratings counted as top box.
    method : {"lmg", "johnson"}
    bootstrap : int, default 200
        Resamples for the importance CIs (0: no CIs).
    seed, confidence, missing, labels, workers
        As for :func:`key_drivers`.

    Returns
    -------
    ImportancePerformanceResult
        Its ``table`` is the ranked priority table: "fix first" drivers first, most important
        first, then "keep up", "low priority", "possible overkill", "negative link" and "no
        evidence it matters"; with the coefficient columns of
        :func:`~fbresearch.analyses.drivers.links.driver_links` and ``signed_importance``
        (the share with the coefficient's sign).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> x = rng.integers(1, 6, size=(300, 3)).astype(float)
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1], "rating_c": x[:, 2] ,
    ...                       "nps": 2 * x[:, 0] + x[:, 1] + rng.normal(size=300)})
    >>> result = importance_performance(frame, "nps", "rating_*", bootstrap=0)
    >>> result.table["driver"].iloc[0] in ("rating_a", "rating_b")
    True
    """
    data = prepare(frame, outcome, drivers, missing=missing)
    imp = compute_importance(data, method, bootstrap, seed, workers)
    share, share_draws = imp.normalized()
    low, high = percentile_ci(share_draws, confidence)
    labels_map = labels_for(data.drivers, labels)
    perf = [_performance(frame, d, performance, top_box, confidence) for d in data.drivers]
    table = pd.DataFrame(
        {
            "driver": list(data.drivers),
            "label": [labels_map[d] for d in data.drivers],
            "importance": share,
            "importance_ci_low": low,
            "importance_ci_high": high,
            "r2_share": imp.shares,
            "performance": [e.estimate for e in perf],
            "performance_ci_low": [e.ci_low for e in perf],
            "performance_ci_high": [e.ci_high for e in perf],
            "n_rated": [e.n for e in perf],
        }
    )
    links = driver_links(data, confidence).reset_index(drop=True)
    table = pd.concat([table, links], axis=1)
    table["signed_importance"] = table["direction"] * table["importance"]
    used = _thresholds(table, thresholds)
    return ImportancePerformanceResult(
        table=_ranked(table, used),
        outcome=outcome,
        performance=performance,
        thresholds=used,
        r_squared=imp.r2,
        n=data.n,
        n_dropped=data.n_dropped,
        bootstrap=int(bootstrap),
        confidence=confidence,
        method=method,
        median_performance="performance" not in (thresholds or {}),
    )
