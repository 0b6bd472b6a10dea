"""Volume and satisfaction at each stage of the customer journey, and the step that drops most.

Each stage's level of every outcome is :func:`fbresearch.analyses.kpis.kpi_table`'s (NPS in
points with its multinomial interval, CSAT a Wilson share, CES a t interval, volume an exact
Poisson count). The step from one stage to the next is tested with the very tests kpi_table
uses for a change from one month to the next (adjusted-Wald NPS difference, Newcombe / two-
proportion z for shares, Welch for means, exact or permutation tests at small n): the stages are
coded as consecutive periods, so "the previous period" is the previous stage. The steps of all
outcomes are one family: "significant" only after Benjamini-Hochberg among them. Responses at
different stages are treated as independent samples (a customer answering at two stages is rare
in a month's window and makes the intervals slightly too narrow).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"touchpoint": ["purchase"] * 60 + ["delivery"] * 60,
...                       "nps": [10] * 45 + [3] * 15 + [10] * 20 + [3] * 40})
>>> r = journey_kpis(frame, metrics=["nps"])
>>> r.stages, r.weakest["nps"]
(('purchase', 'delivery'), 'delivery')
>>> round(r.step("nps", "delivery").estimate, 1)
-83.3
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.journey.results import JourneyResult
from fbresearch.analyses.journey.stages import stage_order
from fbresearch.analyses.kpis.table import SOURCE_COLUMNS, kpi_table
from fbresearch.errors import AnalysisError
from fbresearch.schema import metric_spec

__all__ = ["journey_kpis", "JOURNEY_COLUMN", "stage_rows"]

#: the canonical column of the journey stage
JOURNEY_COLUMN = "touchpoint"
_FIRST_STEP = pd.Period("2000-01", freq="M")


def _check(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in frame.columns:
        raise AnalysisError(
            f"the journey page needs a {column!r} column (the journey stage each response was "
            f"collected at). Fix: map your stage column in params, e.g. columns: {{{column}: "
            f"'Journey stage'}}."
        )
    rows = frame[frame[column].notna()]
    if rows.empty:
        raise AnalysisError(f"the {column!r} column has no values in these responses.")
    return rows


def _outcomes(frame: pd.DataFrame, metrics: Sequence[str]) -> list[str]:
    unknown = [m for m in metrics if m not in SOURCE_COLUMNS or m == "volume"]
    if unknown:
        raise AnalysisError(
            f"unknown outcome(s) {unknown!r}. Fix: choose from nps, csat, csat_mean, ces, satisfied."
        )
    return [
        m
        for m in metrics
        if SOURCE_COLUMNS[m] in frame.columns and frame[SOURCE_COLUMNS[m]].notna().any()
    ]


def stage_rows(frame: pd.DataFrame, stage: str, column: str = JOURNEY_COLUMN) -> pd.DataFrame:
    """The responses of one stage.

    Examples
    --------
    >>> len(stage_rows(pd.DataFrame({"touchpoint": ["a", "b", "a"]}), "a"))
    2
    """
    return frame[frame[column].astype("string") == stage]


def journey_kpis(
    frame: pd.DataFrame,
    stages: Sequence[str] | None = None,
    metrics: str | Sequence[str] = ("nps", "csat"),
    *,
    column: str = JOURNEY_COLUMN,
    confidence: float = 0.95,
    window: str = "",
) -> JourneyResult:
    """Volume and each outcome per journey stage with CIs, and the step that drops most.

    Parameters
    ----------
    frame : DataFrame
        Canonical feedback with ``touchpoint`` and the outcomes.
    stages : sequence of str, optional
        The journey order (see :func:`fbresearch.analyses.journey.stages.stage_order`).
    metrics : str or sequence of str, default ("nps", "csat")
        Outcomes to compare; those without answers are left out.
    column : str, default "touchpoint"
    confidence : float, default 0.95
    window : str, optional
        The months behind the numbers, as a reader names them (for captions).

    Returns
    -------
    JourneyResult
    """
    rows = _check(frame, column)
    order = stage_order(rows[column], stages)
    if len(order) < 2:
        raise AnalysisError(
            f"the {column!r} column has a single stage ({order[0]!r}); a journey needs two or more."
        )
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    outcomes = _outcomes(rows, wanted)
    stage = rows[column].astype("string")
    scores = rows[[SOURCE_COLUMNS[m] for m in dict.fromkeys(outcomes)]]
    levels = kpi_table(
        scores.assign(stage=stage), by="stage", metrics=[*outcomes, "volume"], confidence=confidence
    )
    table = levels.table
    position = {s: i for i, s in enumerate(order)}
    table = table.assign(position=table["stage"].map(position).astype(int))
    table = table.sort_values(["metric", "position"], kind="stable", key=_metric_key(outcomes))
    steps = _steps(scores, stage, order, outcomes, confidence)
    weakest = {}
    for m in outcomes:
        part = steps[(steps["metric"] == m) & (steps["drop"] > 0)]
        if len(part):
            weakest[m] = str(part.loc[part["drop"].idxmax(), "stage"])
    return JourneyResult(
        table=table.reset_index(drop=True),
        steps=steps,
        stages=tuple(order),
        metrics=tuple(outcomes),
        column=column,
        confidence=confidence,
        weakest=weakest,
        window=window,
        n=len(rows),
    )


def _metric_key(outcomes: list[str]):  # noqa: ANN202
    rank = {m: i for i, m in enumerate([*outcomes, "volume"])}

    def key(col: pd.Series) -> pd.Series:
        return col.map(rank) if col.name == "metric" else col

    return key


def _steps(
    scores: pd.DataFrame,
    stage: pd.Series,
    order: list[str],
    outcomes: list[str],
    confidence: float,
) -> pd.DataFrame:
    """One row per outcome and stage after the first: the change from the stage before."""
    columns = [
        "metric",
        "stage",
        "previous_stage",
        "change",
        "ci_low",
        "ci_high",
        "p_value",
        "q_value",
        "drop",
        "significant",
    ]
    if not outcomes:
        return pd.DataFrame(columns=columns)
    codes = stage.map({s: i for i, s in enumerate(order)}).astype(int).to_numpy()
    steps_key = pd.Series(
        pd.PeriodIndex([_FIRST_STEP + int(c) for c in codes], freq="M"), index=scores.index
    )
    changed = kpi_table(
        scores.assign(step=steps_key), by="step", metrics=outcomes, confidence=confidence
    ).table
    changed = changed[changed["change"].notna()]
    position = ((changed["step"] - _FIRST_STEP).map(lambda d: d.n)).astype(int).to_numpy()
    direction = changed["metric"].map(lambda m: metric_spec(m).direction).to_numpy(float)
    out = pd.DataFrame(
        {
            "metric": changed["metric"].to_numpy(),
            "stage": [order[i] for i in position],
            "previous_stage": [order[i - 1] for i in position],
            "change": changed["change"].to_numpy(float),
            "ci_low": changed["change_ci_low"].to_numpy(float),
            "ci_high": changed["change_ci_high"].to_numpy(float),
            "p_value": changed["change_p_value"].to_numpy(float),
        }
    )
    out["q_value"] = evidence.fdr_adjust(out["p_value"])
    out["drop"] = -direction * out["change"]
    out["significant"] = (
        evidence.fdr_survivors(out["p_value"], confidence)
        & ((out["ci_low"] > 0) | (out["ci_high"] < 0)).to_numpy()
    )
    return out[columns].reset_index(drop=True)
