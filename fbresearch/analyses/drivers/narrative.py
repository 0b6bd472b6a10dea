"""The words of the driver analyses: summaries, sentences, findings, reader tables, captions.

Every function takes a result of :mod:`fbresearch.analyses.drivers.results` and returns text
(or a table of text); numbers are written by :mod:`fbresearch.format` and
:meth:`fbresearch.results.Estimate.format`, the confidence level by
:func:`fbresearch.format.confidence_label` from the result's own ``confidence``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers.prepare import driver_label, outcome_name
from fbresearch.format import confidence_label, format_number, format_p, format_signed
from fbresearch.results import Estimate, Finding
from fbresearch.results import format_number as format_share

if TYPE_CHECKING:
    from fbresearch.analyses.drivers.results import (
        DriverResult,
        DriverTrendResult,
        ImportancePerformanceResult,
    )

__all__ = [
    "VIF_MODERATE",
    "VIF_SEVERE",
    "coefficient_table",
    "collinearity_warnings",
    "driver_findings",
    "driver_summary",
    "matrix_findings",
    "matrix_sentences",
    "matrix_summary",
    "matrix_table",
    "trend_findings",
    "trend_sentences",
    "trend_summary",
    "trend_table",
]

#: A VIF above this makes a coefficient's CI noticeably wider than it would be without overlap.
VIF_MODERATE = 5.0
#: A VIF above this makes a coefficient unreliable (sign and size can flip with a few rows).
VIF_SEVERE = 10.0


# --------------------------------------------------------------------------------------------
# Small formatters shared by the three analyses


def _fmt(value: float, low: float, high: float, unit: str = "", digits: int = 2) -> str:
    """``value (low to high)`` via :meth:`Estimate.format`; the value alone when there is no CI.

    Examples
    --------
    >>> _fmt(0.312, 0.26, 0.36, "share"), _fmt(1.234, np.nan, np.nan)
    ('31% (26% to 36%)', '1.23')
    """
    if not (np.isfinite(low) and np.isfinite(high)):
        return format_share(value, 0 if unit == "share" else digits, percent=unit == "share")
    return Estimate(value, low, high, n=0, unit=unit).format(0 if unit == "share" else digits)


def _pct(value: float) -> str:
    """A share as a whole percentage: ``0.312`` -> ``"31%"``."""
    return f"{format_number(value, 0, percent=True)}%"


def _ci_text(low: float, high: float) -> str:
    """`` (CI 26% to 36%)`` for a share's interval; empty when it is unknown."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f" (CI {_pct(low)} to {_pct(high)})"


def _window_text(window: str) -> str:
    return f", {window}" if window else ""


# --------------------------------------------------------------------------------------------
# Key-driver regression


def scale_text(result: DriverResult) -> str:
    """What one coefficient unit means: ``"points of NPS"`` or log-odds of an answer."""
    name = outcome_name(result.outcome)
    return {
        "ols": f"points of {name}",
        "ordinal": f"log-odds of a higher {name} answer",
        "logit": f"log-odds of a positive {name} answer",
    }[result.model]


def missing_text(missing_by_column: Mapping[str, int]) -> str:
    """Missing answers by question, e.g. ``"Delivery 12, Price 3"`` (``"none"`` when none).

    Examples
    --------
    >>> missing_text({"rating_delivery": 1200})
    'Delivery 1,200'
    """
    if not missing_by_column:
        return "none"
    return ", ".join(f"{driver_label(c)} {k:,}" for c, k in missing_by_column.items())


def collinearity_warnings(vif: pd.Series, labels: Mapping[str, str]) -> list[str]:
    """A warning for terms whose VIF is severe, a caution for moderate ones.

    Examples
    --------
    >>> collinearity_warnings(pd.Series({"rating_a": 12.0, "rating_b": 1.1}), {"rating_a": "A"})
    ... # doctest: +ELLIPSIS
    ['Warning: A overlap strongly with other terms (VIF above 10): ...']
    """
    severe = [labels.get(t, t) for t, v in vif.items() if v > VIF_SEVERE]
    moderate = [labels.get(t, t) for t, v in vif.items() if VIF_MODERATE < v <= VIF_SEVERE]
    out = []
    if severe:
        out.append(
            f"Warning: {', '.join(severe)} overlap strongly with other terms (VIF above "
            f"{VIF_SEVERE:g}): their separate coefficients are unreliable; read their combined "
            "importance (share of R²) instead."
        )
    if moderate:
        out.append(
            f"Caution: {', '.join(moderate)} overlap with other terms (VIF {VIF_MODERATE:g} to "
            f"{VIF_SEVERE:g}): their coefficients are less precise than they look."
        )
    return out


def driver_warnings(result: DriverResult) -> tuple[str, ...]:
    """Collinearity warnings (from the table's VIFs), then the model's fitting warnings."""
    vif = result.table.set_index("term")["vif"] if len(result.table) else pd.Series(dtype=float)
    return tuple(collinearity_warnings(vif, result.labels)) + tuple(result.fit_warnings)


def coefficient_table(result: DriverResult) -> pd.DataFrame:
    """The coefficient table as a reader sees it: formatted estimates with CIs."""
    rows = result.table
    unit = {"ols": "points", "ordinal": "log-odds", "logit": "log-odds"}[result.model]
    shown = pd.DataFrame(
        {
            "Term": rows["label"],
            f"Per rating point ({unit})": [
                _fmt(r.coef, r.ci_low, r.ci_high) for r in rows.itertuples()
            ],
            "Per SD of the rating": [
                _fmt(r.std_coef, r.std_ci_low, r.std_ci_high) if r.kind == "driver" else "-"
                for r in rows.itertuples()
            ],
            "p-value": [format_p(p) for p in rows["p_value"]],
            "VIF": [f"{v:.1f}" for v in rows["vif"]],
        }
    )
    if "importance" in rows:
        shown["Share of explained variation"] = [
            _fmt(r.explained_share, np.nan, np.nan, "share") if r.kind == "driver" else "-"
            for r in rows.itertuples()
        ]
    return shown


def driver_summary(result: DriverResult) -> str:
    """How the model was fitted, what it explains, the three strongest drivers, warnings."""
    model = {
        "ols": f"a linear regression with {result.cov_type} robust standard errors",
        "ordinal": "an ordinal logistic regression",
        "logit": "a logistic regression",
    }[result.model]
    parts = [
        f"{result.n:,} complete responses were analysed with {model}"
        + (
            f"; {result.n_dropped:,} responses with a missing answer were left out "
            f"(missing answers by question: {missing_text(result.missing_by_column)})."
            if result.n_dropped
            else "; no response had a missing answer."
        ),
        f"The drivers{' and controls' if result.controls else ''} explain "
        f"{result.r_squared_kind} = {result.r_squared:.2f}.",
    ]
    drivers = result.table[result.table["kind"] == "driver"]
    top = drivers.reindex(drivers["std_coef"].abs().sort_values(ascending=False).index)
    for row in top.head(3).itertuples():
        parts.append(
            f"One point more on {row.label} goes with {format_signed(row.coef, 2)} "
            f"({format_signed(row.ci_low, 2)} to {format_signed(row.ci_high, 2)}) {scale_text(result)}, other ratings "
            "held equal."
        )
    parts.extend(result.warnings)
    return " ".join(parts)


def driver_findings(result: DriverResult) -> list[Finding]:
    """The driver with the largest standardized coefficient, as one finding."""
    drivers = result.table[result.table["kind"] == "driver"]
    if drivers.empty:
        return []
    row = drivers.loc[drivers["std_coef"].abs().idxmax()]
    est = result.coefficient(str(row["term"]))
    sentence = (
        f"{row['label']} moves {outcome_name(result.outcome)} most: one rating point more goes "
        f"with {est.format(2)} {scale_text(result)}."
    )
    return [Finding(sentence, est, importance=0.6, analysis="drivers")]


def coefficient_titles(result: DriverResult) -> tuple[str, str]:
    """Title and x-axis label of the coefficient chart."""
    name = outcome_name(result.outcome)
    xlabel = (
        f"SDs of {name} per SD of the rating (with CI)"
        if result.model == "ols"
        else "Log-odds per SD of the rating (with CI)"
    )
    return f"What goes with {name}: standardized coefficients", xlabel


def coefficient_table_caption(result: DriverResult, window: str = "") -> str:
    """Caption of the coefficient table: outcome, window and confidence level."""
    return (
        f"Regression of {driver_label(result.outcome)} on the attribute ratings"
        f"{_window_text(window)}, with {confidence_label(result.confidence)} confidence intervals."
    )


def coefficient_caption(result: DriverResult) -> str:
    """Caption of the coefficient chart."""
    return (
        f"Standardized effects with {confidence_label(result.confidence)} confidence intervals: "
        "further right means a stronger link with the overall score."
    )


# --------------------------------------------------------------------------------------------
# Importance-performance matrix

_ENDINGS = {
    "fix first": "the first priority",
    "keep up": "keep it up",
    "low priority": "a low priority",
    "possible overkill": "possibly more effort than it needs",
    "negative link": "yet higher ratings go with lower {name}, so it is not a strength to "
    "keep up: check how the question is coded before acting on it",
}


def performance_label(result: ImportancePerformanceResult) -> str:
    """Name of the performance axis: ``"Mean rating"`` or ``"Top-box share"``."""
    return "Mean rating" if result.performance == "mean" else "Top-box share"


def performance_text(result: ImportancePerformanceResult, row: pd.Series) -> str:
    """How a driver is rated against the threshold, e.g. ``is rated below average (...)``."""
    low, high = row["performance_ci_low"], row["performance_ci_high"]
    if result.performance == "mean":
        value = f"mean rating {row['performance']:.2f}"
        if np.isfinite(low) and np.isfinite(high):
            value += f", CI {low:.2f} to {high:.2f}"
    else:
        value = f"{_pct(row['performance'])} top-box ratings"
        if np.isfinite(low) and np.isfinite(high):
            value += (
                f", CI {format_number(low, 0, percent=True)}-"
                f"{format_number(high, 0, percent=True)}%"
            )
    where = "average" if result.median_performance else "the threshold"
    threshold = result.thresholds["performance"]
    if row["performance"] == threshold and result.median_performance:
        return f"is rated about average ({value})"
    level = "below" if row["performance"] < threshold else "above"
    return f"is rated {level} {where} ({value})"


def matrix_table(result: ImportancePerformanceResult) -> pd.DataFrame:
    """The ranked priority table as a reader sees it: formatted estimates with CIs."""
    table = result.table
    perf_unit = "" if result.performance == "mean" else "share"
    return pd.DataFrame(
        {
            "Priority": table["priority"],
            "Attribute": table["label"],
            "Quadrant": table["quadrant"],
            "Share of explained variation": [
                _fmt(r.importance, r.importance_ci_low, r.importance_ci_high, "share")
                for r in table.itertuples()
            ],
            performance_label(result): [
                _fmt(r.performance, r.performance_ci_low, r.performance_ci_high, perf_unit)
                for r in table.itertuples()
            ],
            "Ratings": table["n_rated"],
        }
    )


def matrix_sentences(result: ImportancePerformanceResult) -> list[str]:
    """One plain sentence per driver, in priority order."""
    name = outcome_name(result.outcome)
    out = []
    fix_rank = 0
    for _, row in result.table.iterrows():
        end = _ENDINGS[row["quadrant"]].format(name=name)
        if row["quadrant"] == "fix first":
            fix_rank += 1
            if fix_rank > 1:
                end = f"priority {fix_rank}"
        out.append(
            f"{row['label']} explains {_pct(row['importance'])}"
            f"{_ci_text(row['importance_ci_low'], row['importance_ci_high'])} of the explained "
            f"variation in {name} and {performance_text(result, row)}: {end}."
        )
    return out


def matrix_summary(result: ImportancePerformanceResult) -> str:
    """What the ratings explain together, then one sentence per driver."""
    name = outcome_name(result.outcome)
    head = (
        f"The ratings together explain {_pct(result.r_squared)} of the variation in {name} "
        f"(R² from {result.n:,} complete responses"
        + (
            f"; {result.n_dropped:,} with a missing answer were left out"
            if result.n_dropped
            else ""
        )
        + ")."
    )
    return " ".join([head] + matrix_sentences(result))


def matrix_findings(result: ImportancePerformanceResult) -> list[Finding]:
    """Every "fix first" driver; when there is none, the most important driver."""
    out: list[Finding] = []
    pairs = list(zip(result.table.iterrows(), matrix_sentences(result), strict=True))
    if not any(row["quadrant"] == "fix first" for (_, row), _ in pairs):
        pairs = sorted(pairs, key=lambda pair: -pair[0][1]["importance"])[:1]
    for (_, row), sentence in pairs:
        if row["quadrant"] != "fix first" and out:
            continue
        est = Estimate(
            float(row["importance"]),
            float(row["importance_ci_low"]),
            float(row["importance_ci_high"]),
            n=result.n,
            confidence=result.confidence,
            name=f"{row['label']}: share of explained variation in {outcome_name(result.outcome)}",
            unit="share",
        )
        out.append(Finding(sentence, est, importance=0.8 - 0.05 * len(out), analysis="drivers"))
    return out


def matrix_title(result: ImportancePerformanceResult) -> str:
    """Title of the importance-performance chart."""
    return f"What to fix first for {outcome_name(result.outcome)}"


def importance_title(result: ImportancePerformanceResult) -> str:
    """Title of the importance bar chart."""
    return f"Share of the explained variation in {outcome_name(result.outcome)}"


def matrix_caption(result: ImportancePerformanceResult, window: str = "") -> str:
    """Caption of the importance-performance chart."""
    return (
        f"Importance against performance{_window_text(window)}; whiskers are "
        f"{confidence_label(result.confidence)} confidence intervals."
    )


def matrix_table_caption(result: ImportancePerformanceResult, window: str = "") -> str:
    """Caption of the priority table."""
    return (
        f"Priority table{_window_text(window)}: share of the explained variation in "
        f"{driver_label(result.outcome)} and performance, with "
        f"{confidence_label(result.confidence)} confidence intervals."
    )


def importance_caption(result: ImportancePerformanceResult) -> str:
    """Caption of the importance bar chart."""
    return (
        "Each attribute's share of the explained variation, with its "
        f"{confidence_label(result.confidence)} confidence interval."
    )


# --------------------------------------------------------------------------------------------
# Driver change over time


def trend_table(result: DriverTrendResult) -> pd.DataFrame:
    """Importance before and now, and the change, as a reader sees them."""
    t = result.table
    return pd.DataFrame(
        {
            "Attribute": t["label"],
            result.previous_periods: [
                _fmt(r.previous, r.previous_ci_low, r.previous_ci_high, "share")
                for r in t.itertuples()
            ],
            result.current_period: [
                _fmt(r.current, r.current_ci_low, r.current_ci_high, "share")
                for r in t.itertuples()
            ],
            "Change (percentage points)": [
                _fmt(100 * r.change, 100 * r.change_ci_low, 100 * r.change_ci_high, digits=0)
                for r in t.itertuples()
            ],
            "Verdict": t["direction"],
        }
    )


def trend_sentences(result: DriverTrendResult) -> list[str]:
    """One sentence per driver whose importance clearly changed."""
    name = outcome_name(result.outcome)
    out = []
    for row in result.table.itertuples():
        if row.direction == "no clear change":
            continue
        out.append(
            f"{row.label} became {row.direction.split()[0]} important for {name}: it explains "
            f"{_pct(row.current)}{_ci_text(row.current_ci_low, row.current_ci_high)} of the "
            f"explained variation in {result.current_period}, against {_pct(row.previous)}"
            f"{_ci_text(row.previous_ci_low, row.previous_ci_high)} in "
            f"{result.previous_periods} (change {format_signed(100 * row.change, 0)} points"
            + (
                f", CI {format_signed(100 * row.change_ci_low, 0)} to {format_signed(100 * row.change_ci_high, 0)}"
                if np.isfinite(row.change_ci_low)
                else ""
            )
            + ")."
        )
    return out


def trend_summary(result: DriverTrendResult) -> str:
    """The two windows compared, then the clear changes (or that there is none)."""
    name = outcome_name(result.outcome)
    head = (
        f"Importance in {result.current_period} ({result.n_current:,} complete responses) is "
        f"compared with {result.previous_periods} ({result.n_previous:,})."
    )
    changed = trend_sentences(result)
    if not changed:
        changed = [
            f"No driver became clearly more or less important for {name}: every change's "
            f"{confidence_label(result.confidence)} CI includes zero."
        ]
    return " ".join([head] + changed)


def trend_findings(result: DriverTrendResult) -> list[Finding]:
    """One finding per driver whose importance clearly changed."""
    out = []
    rows = result.table[result.table["direction"] != "no clear change"]
    for (_, row), sentence in zip(rows.iterrows(), trend_sentences(result), strict=True):
        est = Estimate(
            float(row["change"]),
            float(row["change_ci_low"]),
            float(row["change_ci_high"]),
            n=result.n_current,
            confidence=result.confidence,
            name=f"{row['label']}: change in share of explained variation",
            unit="share",
        )
        out.append(Finding(sentence, est, importance=0.5, analysis="drivers"))
    return out


def trend_title(result: DriverTrendResult) -> str:
    """Title of the before-and-now chart."""
    return f"Importance for {outcome_name(result.outcome)}: now against before"


def trend_table_caption(result: DriverTrendResult) -> str:
    """Caption of the before-and-now table."""
    return (
        f"Share of the explained variation in {result.current_period} against "
        f"{result.previous_periods}, with {confidence_label(result.confidence)} confidence "
        "intervals."
    )


def trend_caption(result: DriverTrendResult) -> str:  # noqa: ARG001
    """Caption of the before-and-now chart."""
    return "Importance before and now; ▲▼ mark clear changes."
