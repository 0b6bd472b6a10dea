"""The words of the driver analyses: summaries, sentences, findings, reader tables, captions.

Every function takes a result of :mod:`fbresearch.analyses.drivers.results` and returns text
(or a table of text); numbers are written by :mod:`fbresearch.format` and
:meth:`fbresearch.results.Estimate.format`, the confidence level by
:func:`fbresearch.format.confidence_label` from the result's own ``confidence``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers.prepare import driver_label, outcome_name
from fbresearch.format import confidence_label, format_number, format_p, format_signed
from fbresearch.results import Estimate, Finding
from fbresearch.results import format_number as format_share
from fbresearch.schema import METRICS, SCORES

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


def answer_text(outcome: str) -> str:
    """The answer scale a raw coefficient is measured on, from :data:`fbresearch.schema.SCORES`.

    Examples
    --------
    >>> answer_text("nps"), answer_text("ces")
    ('the 0-10 likelihood-to-recommend answer', 'the 1-7 customer-effort answer')
    >>> answer_text("satisfied"), answer_text("loyalty")
    ('the 0-1 satisfied-or-not answer', 'loyalty')
    """
    spec = SCORES.get(outcome)
    if spec is None:
        return outcome_name(outcome)
    inner = re.findall(r"\(([^)]*[a-z][^)]*)\)", spec.label)
    name = inner[0] if inner else re.sub(r"\s*\([^)]*\)", "", spec.label)
    return f"the {spec.low}-{spec.high} {'-'.join(name.split())} answer"


def scale_text(result: DriverResult | DriverTrendResult) -> str:
    """What one coefficient unit means, e.g. ``"points on the 0-10 likelihood-to-recommend
    answer"`` (raw answer points, not the headline NPS points) or log-odds of an answer."""
    name = outcome_name(result.outcome)
    return {
        "ols": f"points on {answer_text(result.outcome)}",
        "ordinal": f"log-odds of a higher {name} answer",
        "logit": f"log-odds of a positive {name} answer",
    }[getattr(result, "model", "ols")]


def unit_note(outcome: str) -> str:
    """Why the answer points are not the headline's units (from METRICS), or ``""``.

    Examples
    --------
    >>> unit_note("nps")  # doctest: +NORMALIZE_WHITESPACE
    'Coefficients are in points on the 0-10 likelihood-to-recommend answer, not NPS points
    (-100 to 100).'
    >>> unit_note("ces")
    ''
    """
    spec, answer = METRICS.get(outcome), SCORES.get(outcome)
    if spec is None or answer is None or tuple(spec.scale) == (answer.low, answer.high):
        return ""
    low, high = (format_number(v, 0) for v in spec.scale)
    return (
        f"Coefficients are in points on {answer_text(outcome)}, not {spec.label} {spec.unit} "
        f"({low} to {high})."
    )


def fdr_text(n_tests: int, confidence: float) -> str:
    """How the drivers' tests are adjusted, e.g. ``"adjusted for 5 drivers tested, false
    discovery rate 5%"``."""
    rate = format_number(100 * (1 - confidence), 1).removesuffix(".0")
    return f"adjusted for {n_tests} drivers tested, false discovery rate {rate}%"


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


def evidence_text(matters: bool, q_value: float) -> str:
    """A driver's verdict for a table: ``"matters (adjusted p <0.001)"`` or ``"no evidence
    this matters (adjusted p 0.410)"``."""
    verdict = "matters" if matters else "no evidence this matters"
    return f"{verdict} (adjusted p {format_p(q_value)})" if np.isfinite(q_value) else verdict


def coefficient_table(result: DriverResult) -> pd.DataFrame:
    """The coefficient table as a reader sees it: formatted estimates with CIs and verdicts."""
    rows = result.table
    unit = {"ols": "points", "ordinal": "log-odds", "logit": "log-odds"}[result.model]
    if result.model == "ols" and result.outcome in SCORES:
        spec = SCORES[result.outcome]
        unit = f"points on the {spec.low}-{spec.high} answer"
    is_driver = rows["kind"] == "driver"
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
            "Evidence": [
                evidence_text(bool(r.matters), r.q_value) if d else "-"
                for r, d in zip(rows.itertuples(), is_driver, strict=True)
            ],
            "VIF": [f"{v:.1f}" for v in rows["vif"]],
        }
    )
    if "importance" in rows:
        shown["Share of explained variation"] = [
            _fmt(r.explained_share, np.nan, np.nan, "share") if r.kind == "driver" else "-"
            for r in rows.itertuples()
        ]
    return shown


def _drivers(result: DriverResult) -> pd.DataFrame:
    """The driver rows, strongest standardized effect first."""
    drivers = result.table[result.table["kind"] == "driver"]
    return drivers.reindex(drivers["std_coef"].abs().sort_values(ascending=False).index)


def _names(labels: list[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def no_evidence_sentence(labels: list[str], outcome: str, n_tests: int, confidence: float) -> str:
    """The plain sentence for drivers whose coefficient is not clearly different from zero."""
    which = "its coefficient is" if len(labels) == 1 else "their coefficients are"
    return (
        f"No evidence that {_names(labels)} {'matters' if len(labels) == 1 else 'matter'} for "
        f"{outcome_name(outcome)}: {which} not clearly different from zero "
        f"({fdr_text(n_tests, confidence)})."
    )


def driver_summary(result: DriverResult) -> str:
    """How the model was fitted, what it explains, the strongest drivers that matter, the
    drivers without evidence, the unit and the warnings."""
    model = {
        "ols": (
            f"a linear regression with robust standard errors ({result.cov_type}: intervals "
            "that do not assume every answer is equally noisy)"
        ),
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
    drivers = _drivers(result)
    for row in drivers[drivers["matters"]].head(3).itertuples():
        link = " (a negative link)" if row.direction < 0 else ""
        parts.append(
            f"One point more on {row.label} goes with {format_signed(row.coef, 2)} "
            f"({format_signed(row.ci_low, 2)} to {format_signed(row.ci_high, 2)}) "
            f"{scale_text(result)}, other ratings held equal{link}."
        )
    unclear = list(drivers.loc[~drivers["matters"], "label"])
    if unclear:
        parts.append(no_evidence_sentence(unclear, result.outcome, len(drivers), result.confidence))
    if result.model == "ols" and unit_note(result.outcome):
        parts.append(unit_note(result.outcome))
    parts.extend(result.warnings)
    return " ".join(parts)


def driver_tests(result: DriverResult) -> list[float]:
    """The page's family of driver tests: each driver coefficient's p-value (Benjamini-Hochberg
    over them decides which drivers matter)."""
    return [float(p) for p in _drivers(result)["p_value"]]


def driver_findings(result: DriverResult) -> list[Finding]:
    """The driver that matters with the largest standardized coefficient, as one finding
    (none when no driver passes the false discovery rate)."""
    drivers = _drivers(result)
    drivers = drivers[drivers["matters"]]
    if drivers.empty:
        return []
    row = drivers.iloc[0]
    est = result.coefficient(str(row["term"]))
    name = outcome_name(result.outcome)
    if row["direction"] < 0:
        head = f"Higher {row['label']} ratings go with lower {name} (a negative link)"
    else:
        head = f"{row['label']} moves {name} most"
    sentence = f"{head}: one rating point more goes with {est.format(2)} {scale_text(result)}."
    return [
        Finding(
            sentence,
            est,
            importance=0.6,
            analysis="drivers",
            kind="difference",
            p_value=float(row["p_value"]),
            q_value=float(row["q_value"]),
            survives_fdr=True,
        )
    ]


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
}


def performance_label(result: ImportancePerformanceResult) -> str:
    """Name of the performance axis: ``"Mean rating"`` or ``"Top-box share"``."""
    return "Mean rating" if result.performance == "mean" else "Top-box share"


def performance_text(result: ImportancePerformanceResult, row: pd.Series) -> str:
    """How a driver is rated against the threshold, e.g. ``is rated below average (...)``.

    A driver at the median itself is counted with the better-rated half (``"keep up"`` or
    ``"possible overkill"``), and its sentence says so.
    """
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
        # the quadrants put the median with the better-rated half: say so, as its label does
        return (
            f"is rated at the median of the attributes ({value}), counted with the "
            "better-rated half"
        )
    level = "below" if row["performance"] < threshold else "above"
    return f"is rated {level} {where} ({value})"


def link_text(row: pd.Series | tuple, outcome: str) -> str:
    """A driver's link with the outcome for a table: positive, negative or no evidence."""
    name = outcome_name(outcome)
    if not row.matters:
        return "no evidence this matters"
    if row.direction < 0:
        return f"negative: higher rating, lower {name}"
    return f"positive: higher rating, higher {name}"


def matrix_table(result: ImportancePerformanceResult) -> pd.DataFrame:
    """The ranked priority table as a reader sees it: formatted estimates with CIs.

    The share of a driver without evidence is shown without an interval (an interval of a
    share never reaches zero, so it would look like evidence); its link says so instead.
    """
    table = result.table
    perf_unit = "" if result.performance == "mean" else "share"
    return pd.DataFrame(
        {
            "Priority": table["priority"],
            "Attribute": table["label"],
            "Quadrant": table["quadrant"],
            f"Link with {outcome_name(result.outcome)}": [
                link_text(r, result.outcome) for r in table.itertuples()
            ],
            "Share of explained variation": [
                _fmt(r.importance, r.importance_ci_low, r.importance_ci_high, "share")
                if r.matters
                else _fmt(r.importance, np.nan, np.nan, "share")
                for r in table.itertuples()
            ],
            "Adjusted p": [format_p(q) for q in table["q_value"]],
            performance_label(result): [
                _fmt(r.performance, r.performance_ci_low, r.performance_ci_high, perf_unit)
                for r in table.itertuples()
            ],
            "Ratings": table["n_rated"],
        }
    )


def _coef_text(row: pd.Series, outcome: str) -> str:
    """``-0.40 (-0.60 to -0.20) points on the 0-10 likelihood-to-recommend answer``."""
    value = _fmt(row["coef"], row["coef_ci_low"], row["coef_ci_high"])
    return f"{value} points on {answer_text(outcome)}"


def matrix_sentence(result: ImportancePerformanceResult, row: pd.Series, end: str) -> str:
    """One driver's sentence: its share and quadrant, its negative link, or no evidence."""
    name = outcome_name(result.outcome)
    rated = performance_text(result, row)
    if not row["matters"]:
        return (
            f"There is no evidence that {row['label']} matters for {name}: one rating point "
            f"more goes with {_coef_text(row, result.outcome)}, not clearly different from zero "
            f"(adjusted p {format_p(row['q_value'])}); its {_pct(row['importance'])} share of "
            f"the explained variation is descriptive only. It {rated}."
        )
    if row["direction"] < 0:
        return (
            f"{row['label']} has a negative link with {name}: one rating point more goes with "
            f"{_coef_text(row, result.outcome)}, other ratings held equal, so it is not a "
            "strength to keep up: check how the question is coded before acting on it. "
            f"It {rated}."
        )
    return (
        f"{row['label']} explains {_pct(row['importance'])}"
        f"{_ci_text(row['importance_ci_low'], row['importance_ci_high'])} of the explained "
        f"variation in {name} and {rated}: {end}."
    )


def matrix_sentences(result: ImportancePerformanceResult) -> list[str]:
    """One plain sentence per driver, in priority order."""
    out = []
    fix_rank = 0
    for _, row in result.table.iterrows():
        end = _ENDINGS.get(row["quadrant"], "")
        if row["quadrant"] == "fix first":
            fix_rank += 1
            if fix_rank > 1:
                end = f"priority {fix_rank}"
        out.append(matrix_sentence(result, row, end))
    return out


def matrix_summary(result: ImportancePerformanceResult) -> str:
    """What the ratings explain together, how "matters" is judged, one sentence per driver."""
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
    rule = (
        "Whether an attribute matters is judged by its coefficient in the joint regression, "
        f"{fdr_text(len(result.table), result.confidence)}; the shares describe how the "
        "explained variation divides."
    )
    return " ".join([head, rule] + matrix_sentences(result))


def matrix_findings(result: ImportancePerformanceResult) -> list[Finding]:
    """Every "fix first" driver; when there is none, the most important driver that matters
    with a positive link; none when no driver does."""
    rows = list(zip(result.table.iterrows(), matrix_sentences(result), strict=True))
    chosen = [pair for pair in rows if pair[0][1]["quadrant"] == "fix first"]
    if not chosen:
        positive = [p for p in rows if p[0][1]["matters"] and p[0][1]["direction"] > 0]
        chosen = sorted(positive, key=lambda pair: -pair[0][1]["importance"])[:1]
    out: list[Finding] = []
    for (_, row), sentence in chosen:
        est = Estimate(
            float(row["importance"]),
            float(row["importance_ci_low"]),
            float(row["importance_ci_high"]),
            n=result.n,
            confidence=result.confidence,
            name=f"{row['label']}: share of explained variation in {outcome_name(result.outcome)}",
            unit="share",
        )
        # a level: the driver's place in the matrix (whether it matters is the coefficient
        # family's test, counted once under the regression's findings)
        importance = 0.8 - 0.05 * len(out)
        out.append(Finding(sentence, est, importance=importance, analysis="drivers", kind="level"))
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
        f"{confidence_label(result.confidence)} confidence intervals. An attribute marked "
        "'no evidence' has a coefficient not clearly different from zero; 'negative link': "
        f"higher ratings go with lower {outcome_name(result.outcome)}."
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
        f"{confidence_label(result.confidence)} confidence interval; bars to the left are "
        f"negative links (higher ratings, lower {outcome_name(result.outcome)}), grey bars "
        "without an interval have no evidence that they matter."
    )
