"""What the KPI results say: sentences, findings, captions and reader tables.

Every number is written by :mod:`fbresearch.format` (or ``Estimate.format``), every label and
unit comes from :data:`fbresearch.schema.METRICS`, and every confidence level is read from the
result (:func:`fbresearch.format.confidence_label`), never written in.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis.scores import change_estimate, row_estimate
from fbresearch.analyses.kpis.suppress import hidden_note
from fbresearch.format import confidence_label, format_amount, format_number, format_p
from fbresearch.privacy import anonymity_note
from fbresearch.results import Estimate, Finding
from fbresearch.schema import display_label, metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.kpis.results import (
        AcknowledgedResult,
        KpiTable,
        ResponseRateResult,
    )

__all__ = [
    "kpi_summary",
    "kpi_findings",
    "kpi_tests",
    "kpi_display_table",
    "kpi_caption",
    "headline_caption",
    "rate_plot_caption",
    "acknowledged_plot_caption",
    "rate_summary",
    "rate_findings",
    "rate_display_table",
    "acknowledged_summary",
    "acknowledged_findings",
    "acknowledged_display_table",
    "period_label",
    "benchmark_text",
    "p_text",
]

#: importance of a metric's headline finding (before the adjustments in :func:`kpi_findings`)
_WEIGHT = {
    "nps": 0.9,
    "csat": 0.85,
    "satisfied": 0.85,
    "ces": 0.75,
    "csat_mean": 0.7,
    "volume": 0.6,
}


# --- wording helpers -----------------------------------------------------------------------


def period_label(period: pd.Period, short: bool = False) -> str:
    """A period as a reader names it: "October 2026" (``short``: "Oct 2026").

    Examples
    --------
    >>> period_label(pd.Period("2026-10", freq="M")), period_label(pd.Period("2026-10", "M"), True)
    ('October 2026', 'Oct 2026')
    """
    if period.freqstr.startswith("M"):
        return period.strftime("%b %Y" if short else "%B %Y")
    return str(period)


def _previous_label(period: pd.Period, previous: pd.Period) -> str:
    if period.freqstr.startswith("M") and period.year == previous.year:
        return previous.strftime("%B")
    return period_label(previous)


def p_text(p: float) -> str:
    """A p-value for a sentence: ``"p < 0.001"``, ``"p = 0.043"``, two decimals from 0.1.

    The digits are :func:`fbresearch.format.format_p`'s; at 0.1 and above the report has always
    shown two decimals (``"p = 0.65"``), kept so that the report says the same.

    Examples
    --------
    >>> p_text(0.0004), p_text(0.0432), p_text(0.6512)
    ('p < 0.001', 'p = 0.043', 'p = 0.65')
    """
    text = format_p(p)
    if text.startswith("<"):
        return "p < " + text[1:]
    return "p = " + (text if p < 0.1 else format_number(p, 2))


def _format_level(metric: str, est: Estimate) -> str:
    """A level with its interval, and the scale of a mean answer: "5.60 (5.20 to 6.00) on 1-7"."""
    spec = metric_spec(metric)
    text = est.format(digits=spec.digits)
    if spec.unit == "score":
        low, high = spec.scale
        text += f" on the {low:g}-{high:g} scale"
    return text


def _format_amount(metric: str, value: float) -> str:
    """The size of a change with its unit: "7.1 percentage points", "2.9 points", "50 responses"."""
    return format_amount(value, metric_spec(metric))


def _group_text(row: pd.Series, others: list[str]) -> str:
    """" for Call center": the row's groups by their display labels (never the data's codes).

    Examples
    --------
    >>> _group_text(pd.Series({"channel": "call_center", "n": 3}), ["channel"])
    ' for Call center'
    """
    return " for " + ", ".join(str(display_label(row[k])) for k in others) if others else ""


def _named(est: Estimate, row: pd.Series, result: KpiTable) -> Estimate:
    """``est`` named with its group ("NPS for Call center"), as the executive summary names it."""
    return dataclasses.replace(est, name=f"{est.name}{_group_text(row, result._others)}")


def benchmark_text(benchmark: tuple[float, float]) -> str:
    """A benchmark range of shares as a reader reads it.

    Examples
    --------
    >>> benchmark_text((0.15, 0.25))
    '15-25%'
    """
    low, high = benchmark
    return f"{100 * low:.0f}-{100 * high:.0f}%"


def _format_ci(estimate: float, low: float, high: float, **options: object) -> str:
    # The reader-table style ("42.0 (38.1–45.9)") lives in the display module of the present
    # layer; imported here, not at the top, so this analyses module imports nothing above it.
    from fbresearch.present.tables import format_ci

    return format_ci(estimate, low, high, **options)


# --- KpiTable ------------------------------------------------------------------------------


def kpi_sentence(result: KpiTable, row: pd.Series, metric: str) -> str:
    """One sentence on one row of a :class:`KpiTable`: level, change, and whether significant."""
    spec = metric_spec(metric)
    level = row_estimate(row, metric, result.confidence)
    group = _group_text(row, result._others)
    if metric == "volume":
        head = f"There were {row['n']:,} responses{group}"
    else:
        head = f"{spec.label}{group} was {_format_level(metric, level)}"
    if result.time is None:
        return f"{head}, from {row['n']:,} answers." if metric != "volume" else f"{head}."
    period = row[result.time]
    text = f"{head} in {period_label(period)}"
    prev_label = _previous_label(period, period - 1)
    if pd.isna(row["change"]):
        return f"{text}; there is no {prev_label} figure to compare with."
    change = float(row["change"])
    p = float(row["change_p_value"])
    if change == 0:
        return f"{text}, unchanged from {prev_label}."
    direction = "up" if change > 0 else "down"
    moved = f"{text}, {direction} {_format_amount(metric, change)} from {prev_label}"
    if math.isnan(p):
        return f"{moved}: too few answers to tell whether it changed."
    clear = evidence.is_significant(change_estimate(row, metric, result.confidence))
    if clear and _survives(result, p):
        verdict = f"a significant {'rise' if change > 0 else 'fall'}"
    else:
        why = evidence.correction_text(p, len(kpi_tests(result)), result.confidence, clear)
        verdict = f"not a significant change{' ' + why if why else ''}"
    return f"{moved} ({p_text(p)}): {verdict}."


def kpi_tests(result: KpiTable) -> np.ndarray:
    """The table's family of tests: the p-values of every change its latest period reports.

    Every metric and group of the latest period is one comparison with the period before; a
    change is called significant only when it survives Benjamini-Hochberg among them
    (:func:`fbresearch.evidence.significant_in_family`). Empty without a time column.
    """
    if result.time is None or result.table.empty or "change_p_value" not in result.table:
        return np.array([], dtype=float)
    p = result._latest_rows()["change_p_value"].to_numpy(dtype=float)
    return p[~np.isnan(p)]


def _survives(result: KpiTable, p: float) -> bool:
    return evidence.significant_in_family(p, kpi_tests(result), result.confidence)


def _q_value(result: KpiTable, p: float) -> float | None:
    family = kpi_tests(result)
    if np.isnan(p) or not np.any(family == p):
        return None
    return float(evidence.fdr_adjust(family)[family == p].min())


def _plural(noun: str) -> str:
    """``"channels"``, ``"categories"``: the plural of a group column's name.

    Examples
    --------
    >>> _plural("category"), _plural("channel"), _plural("day")
    ('categories', 'channels', 'days')
    """
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def _groups_summary(result: KpiTable, rows: pd.DataFrame, metric: str, max_groups: int) -> list:
    """Sentences for one metric over many groups: the significant changes, then the rest."""
    others = result._others
    survived = [_survives(result, float(p)) for p in rows["change_p_value"]]
    moved = rows[np.array(survived, dtype=bool)].sort_values("change_p_value")
    sentences = [kpi_sentence(result, r, metric) for _, r in moved.head(max_groups).iterrows()]
    label = metric_spec(metric).label
    plural = _plural(others[0]) if len(others) == 1 else "groups"
    if len(moved) > max_groups:
        sentences.append(
            f"{label} also changed significantly for "
            f"{len(moved) - max_groups} more {plural} (see the table)."
        )
    elif len(moved) == 0:
        sentences.append(
            f"{label} did not change significantly from the previous "
            f"{result.time} for any of the {len(rows)} {plural}."
        )
    elif len(rows) > len(moved):
        sentences.append(
            f"{label} did not change significantly for the other {len(rows) - len(moved)} {plural}."
        )
    return sentences


def kpi_summary(result: KpiTable, max_groups: int = 6) -> str:
    """Plain sentences: each metric's latest level, its change and whether it is significant.

    Examples
    --------
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> df = pd.DataFrame({"nps": [10, 9, 3, 10]})
    >>> kpi_summary(kpi_table(df, metrics="nps"))
    'NPS was 50.0 (-33.6 to 90.7), from 4 answers.'
    """
    if result.table.empty:
        return hidden_sentence(result) or "There were no answers to compute the KPIs from."
    latest = result._latest_rows()
    sentences: list[str] = []
    others = result._others
    for metric in result.metrics:
        rows = latest[latest["metric"] == metric]
        if rows.empty:
            continue
        if result.time is None and others:
            best = rows.loc[rows["estimate"].idxmax()]
            worst = rows.loc[rows["estimate"].idxmin()]
            if best.name != worst.name:
                b, w = (
                    _format_level(metric, row_estimate(r, metric, result.confidence))
                    for r in (best, worst)
                )
                sentences.append(
                    f"{metric_spec(metric).label} was highest{_group_text(best, others)} at {b} "
                    f"and lowest{_group_text(worst, others)} at {w}."
                )
                continue
            # one group, or every group alike (e.g. a handful of answers): no changes to test
            sentences.extend(
                kpi_sentence(result, r, metric) for _, r in rows.head(max_groups).iterrows()
            )
            continue
        if len(rows) <= 1 or not others:
            sentences.extend(kpi_sentence(result, r, metric) for _, r in rows.iterrows())
            continue
        sentences.extend(_groups_summary(result, rows, metric, max_groups))
    return " ".join(s for s in (*sentences, hidden_sentence(result)) if s)


def hidden_sentence(result: KpiTable) -> str:
    """The sentence on the latest period's cells left out for anonymity ("" when none is).

    Examples
    --------
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> df = pd.DataFrame({"channel": ["web"] * 30 + ["app"] * 12 + ["call"] * 3, "nps": 9})
    >>> hidden_sentence(kpi_table(df, by="channel", metrics="nps", min_responses=10))
    'NPS of 2 channels: fewer than 10 answers (or needed to keep one from being worked out): not shown to protect anonymity.'
    """
    hidden = result.hidden
    if hidden is None or hidden.empty:
        return ""
    if result.time is not None:
        hidden = hidden[hidden[result.time] == hidden[result.time].max()]
    others = result._others
    parts = []
    for metric in dict.fromkeys(hidden["metric"]):
        count = int((hidden["metric"] == metric).sum())
        label = metric_spec(metric).label
        if others:
            noun = others[0] if len(others) == 1 else "group"
            label += f" of {count} {noun if count == 1 else _plural(noun)}"
        parts.append(label)
    what = "answers (or needed to keep one from being worked out)" if others else "answers"
    return f"{', '.join(parts)}: {anonymity_note(result.min_responses, what)}."


def kpi_findings(result: KpiTable) -> list[Finding]:
    """Headline findings: each metric's latest level and change (importance 0.4-0.9).

    A finding whose change survives the table's false-discovery-rate check is a ``"change"``
    (with its p- and q-value); otherwise it states a level (``"level"``), and a group's row that
    did not change significantly is not a finding at all.
    """
    out: list[Finding] = []
    latest = result._latest_rows()
    timed = result.time is not None and "change_p_value" in latest
    for metric in result.metrics:
        rows = latest[latest["metric"] == metric]
        if result._others:
            if not timed:
                continue
            keep = [_survives(result, float(p)) for p in rows["change_p_value"]]
            rows = rows[np.array(keep, dtype=bool)].sort_values("change_p_value").head(3)
        for _, row in rows.iterrows():
            p = float(row["change_p_value"]) if timed else float("nan")
            significant = timed and _survives(result, p)
            importance = _WEIGHT[metric] - (0 if significant or result.time is None else 0.2)
            if result._others:  # one of many group comparisons: less weight
                importance -= 0.3
            out.append(
                Finding(
                    kpi_sentence(result, row, metric),
                    _named(row_estimate(row, metric, result.confidence), row, result),
                    importance=round(importance, 2),
                    analysis="overview",
                    kind="change" if significant else "level",
                    p_value=None if np.isnan(p) else p,
                    q_value=_q_value(result, p) if timed else None,
                    survives_fdr=bool(significant) if timed else None,
                )
            )
    return out


def kpi_display_table(result: KpiTable) -> pd.DataFrame:
    """The table as a reader sees it: periods as "Oct 2026", estimates with their CIs.

    Share changes are in percentage points; the CI column names the result's own level. The
    response count of a period is shown without an interval (it is counted, not estimated);
    its change from the previous period keeps one.
    """
    level = f"Estimate ({confidence_label(result.confidence)} CI)"
    rows = []
    for _, row in _with_hidden(result).iterrows():
        metric = row["metric"]
        spec = metric_spec(metric)
        out = {}
        for key in result.by:
            value = row[key]
            out[key.replace("_", " ").capitalize()] = (
                period_label(value, short=True) if isinstance(value, pd.Period) else value
            )
        out["Metric"] = spec.label
        if bool(row.get("_hidden", False)):  # left out for anonymity: no number at all
            out["n"] = hidden_note(result.min_responses, row["reason"])
            out[level] = ""
            if result.time is not None:
                out["Change vs previous"] = out["p-value"] = ""
            rows.append(out)
            continue
        out["n"] = f"{row['n']:,}"
        percent = spec.unit == "percent"
        out[level] = (
            f"{int(row['estimate']):,}"  # a count of the responses received is not an estimate
            if metric == "volume"
            else _format_ci(
                row["estimate"], row["ci_low"], row["ci_high"], percent=percent, digits=spec.digits
            )
        )
        if result.time is not None:
            if pd.isna(row["change"]):
                out["Change vs previous"] = "–"
                out["p-value"] = "–"
            else:
                scale = 100 if percent else 1  # shares: percentage points
                out["Change vs previous"] = _format_ci(
                    scale * row["change"],
                    scale * row["change_ci_low"],
                    scale * row["change_ci_high"],
                    digits=spec.digits,
                )
                out["p-value"] = format_p(float(row["change_p_value"]))  # the tables' one style
        rows.append(out)
    return pd.DataFrame(rows)


def _with_hidden(result: KpiTable) -> pd.DataFrame:
    """The table with a row (``_hidden`` True, no numbers) per cell left out, in table order."""
    if result.hidden is None or result.hidden.empty:
        return result.table
    both = pd.concat(
        [result.table.assign(_hidden=False), result.hidden.assign(_hidden=True)],
        ignore_index=True,
    )
    rank = both["metric"].map({m: i for i, m in enumerate(result.metrics)})
    order = both.assign(_rank=rank).sort_values(["_rank", *result.by], kind="stable").index
    return both.loc[order].reset_index(drop=True)


def kpi_caption(result: KpiTable, metric: str | None = None) -> str:
    """A figure caption for ``KpiTable.plot``: the metric, the periods and the CI level.

    Examples
    --------
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> kpi_caption(kpi_table(pd.DataFrame({"nps": [10, 3]}), metrics="nps", confidence=0.9))
    'NPS: estimates with 90% confidence intervals.'
    """
    metric = metric or result.metrics[0]
    label = metric_spec(metric).label
    level = confidence_label(result.confidence)
    hue = result._others[0] if result._others else None
    if result.time is None:
        by = f" by {result.by[0]}" if result.by else ""
        return f"{label}{by}: estimates with {level} confidence intervals."
    periods = result.table[result.time]
    if periods.empty and result.hidden is not None:  # every cell hidden for anonymity
        periods = result.hidden[result.time]
    span = f"{period_label(periods.min())} to {period_label(periods.max())}"
    if metric == "volume":
        return f"Responses by {result.time}{f' and {hue}' if hue else ''}, {span}."
    return (
        f"{label} by {result.time}{f' and {hue}' if hue else ''}, {span}; the shaded band is "
        f"the {level} confidence interval."
    )


# --- ResponseRateResult --------------------------------------------------------------------


def _rate_estimate(row: pd.Series, confidence: float, name: str = "") -> Estimate:
    return Estimate(
        row["estimate"],
        row["ci_low"],
        row["ci_high"],
        n=int(row["invited"]),
        unit="share",
        name=name,
        confidence=confidence,
    )


def rate_sentence(result: ResponseRateResult, row: pd.Series) -> str:
    """One sentence on one group-month of a :class:`ResponseRateResult`."""
    est = _rate_estimate(row, result.confidence)
    group = _group_text(row, list(result.by))
    clear = "clearly " if row["clear"] and row["status"] != "within" else ""
    hedge = (
        ""
        if row["clear"] or row["status"] == "within"
        else ", though its confidence interval reaches into the range"
    )
    shown = est.format()
    edge = _at_edge(est.estimate, row["status"], result.benchmark)
    return (
        f"The response rate{group} was {shown}{edge} in {period_label(row['month'])} "
        f"({row['responses']:,} of {row['invited']:,} invited), {clear}{row['status']} the "
        f"{benchmark_text(result.benchmark)} benchmark{hedge}."
    )


def _at_edge(rate: float, status: str, benchmark: tuple[float, float]) -> str:
    """", just under 15%," when a rate below (above) the range rounds to its bound, so that
    "15.0%, below the 15-25% benchmark" does not read as a contradiction.

    Examples
    --------
    >>> _at_edge(49 / 327, "below", (0.15, 0.25)), _at_edge(0.12, "below", (0.15, 0.25))
    (', just under 15%,', '')
    """
    if status not in ("below", "above"):
        return ""
    bound = benchmark[0] if status == "below" else benchmark[1]
    if round(100 * rate, 1) != round(100 * bound, 1):
        return ""
    return f", just {'under' if status == 'below' else 'over'} {100 * bound:.0f}%,"


def rate_summary(result: ResponseRateResult) -> str:
    """One sentence per group for the latest month."""
    if result.table.empty:
        return "No invitations to compute response rates from."
    return " ".join(rate_sentence(result, r) for _, r in result._latest().iterrows())


def rate_findings(result: ResponseRateResult) -> list[Finding]:
    """Groups clearly outside the benchmark in the latest month."""
    rows = result._latest()
    rows = rows[rows["clear"] & (rows["status"] != "within")]
    return [
        Finding(
            rate_sentence(result, r),
            _rate_estimate(r, result.confidence, name="response rate"),
            importance=0.55 if r["status"] == "below" else 0.4,
            analysis="overview",
            kind="level",
        )
        for _, r in rows.iterrows()
    ]


def rate_display_table(result: ResponseRateResult) -> pd.DataFrame:
    """Readable table: "Oct 2026", "1,234", "18.2% (16.1%–20.5%)", "below benchmark"."""
    table = result.table
    out = pd.DataFrame({k.replace("_", " ").capitalize(): table[k] for k in result.by})
    out["Month"] = [period_label(p, short=True) for p in table["month"]]
    out["Invited"] = [f"{v:,}" for v in table["invited"]]
    out["Responses"] = [f"{v:,}" for v in table["responses"]]
    out[f"Response rate ({confidence_label(result.confidence)} CI)"] = [
        _format_ci(r.estimate, r.ci_low, r.ci_high, percent=True) for r in table.itertuples()
    ]
    out[f"vs {benchmark_text(result.benchmark)} benchmark"] = [
        ("clearly " if c and s != "within" else "") + s
        for s, c in zip(table["status"], table["clear"], strict=True)
    ]
    return out


# --- AcknowledgedResult --------------------------------------------------------------------


def _share_estimate(r: pd.Series, n: int, confidence: float, name: str = "") -> Estimate:
    return Estimate(
        r["estimate"],
        r["ci_low"],
        r["ci_high"],
        n=n,
        unit="share",
        name=name,
        confidence=confidence,
    )


def acknowledged_summary(result: AcknowledgedResult) -> str:
    """The overall share and, by group, the slowest and fastest groups."""
    overall = result.overall
    if overall is None or overall.n == 0:
        return "No responses to measure acknowledgement times on."
    never = int(result.table["never"].sum()) if result.never is None else result.never
    text = (
        f"{overall.format()} of {overall.n:,} responses were acknowledged within "
        f"{result.hours:g} hours ({never:,} never acknowledged, counted as not within)."
    )
    if result.by and len(result.table) > 1:
        worst = result.table.loc[result.table["estimate"].idxmin()]
        best = result.table.loc[result.table["estimate"].idxmax()]
        w, b = (_share_estimate(r, 1, result.confidence).format() for r in (worst, best))
        text += (
            f" The lowest share was{_group_text(worst, list(result.by))}, {w}; the highest"
            f"{_group_text(best, list(result.by))}, {b}."
        )
    if result.hidden is not None and len(result.hidden):
        count, noun = len(result.hidden), result.by[0] if len(result.by) == 1 else "group"
        text += (
            f" {count} {noun if count == 1 else _plural(noun)}: fewer than {result.min_responses} "
            "responses (or needed so that one cannot be worked out): not shown to protect "
            "anonymity."
        )
    return text


def acknowledged_findings(result: AcknowledgedResult) -> list[Finding]:
    """The overall share (importance 0.6) and groups clearly below it (0.65)."""
    overall = result.overall
    if overall is None or overall.n == 0:
        return []
    hours = f"{result.hours:g} hours"
    out = [
        Finding(
            f"{overall.format()} of responses were acknowledged within {hours}.",
            overall,
            importance=0.6,
            analysis="overview",
            kind="level",
        )
    ]
    if not result.by:
        return out
    whole = f"{format_number(overall.estimate, percent=True)}%"
    slow = result.table[result.table["ci_high"] < overall.estimate]
    for _, r in slow.iterrows():
        est = _share_estimate(r, int(r["n"]), result.confidence, name="acknowledged within limit")
        out.append(
            Finding(
                f"Only {est.format()} of responses{_group_text(r, list(result.by))} were "
                f"acknowledged within {hours}, clearly below the overall {whole}.",
                est,
                importance=0.65,
                analysis="overview",
                kind="level",
            )
        )
    return out


def acknowledged_display_table(result: AcknowledgedResult) -> pd.DataFrame:
    """Readable table of the shares with CIs."""
    table = result.table
    out = pd.DataFrame({k.replace("_", " ").capitalize(): table[k] for k in result.by})
    out["Responses"] = [f"{v:,}" for v in table["n"]]
    out[f"Within {result.hours:g} h ({confidence_label(result.confidence)} CI)"] = [
        _format_ci(r.estimate, r.ci_low, r.ci_high, percent=True) for r in table.itertuples()
    ]
    out["Never acknowledged"] = [f"{v:,}" for v in table["never"]]
    out["Median hours (acknowledged)"] = [format_number(v) for v in table["median_hours"]]
    return out


def headline_caption(result: KpiTable) -> str:
    """Caption of the headline table (the latest month and the one before, by month).

    Examples
    --------
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-03", "2026-10-02"]),
    ...                    "nps": [10, 3]})
    >>> headline_caption(kpi_table(df, by="month", metrics="nps", confidence=0.9))[:62]
    'Headline KPIs for October 2026 and the month before, with 90% '
    """
    shares = [
        metric_spec(m).label
        for m in result.metrics
        if m != "volume" and metric_spec(m).change_unit == "percentage points"
    ]
    unit = ""
    if shares:  # only the shares the table holds (no "CSAT" on data without it)
        names = shares[0] if len(shares) == 1 else ", ".join(shares[:-1]) + " and " + shares[-1]
        unit = f" Changes in {names} are in percentage points."
    return (
        f"Headline KPIs for {result.latest_period:%B %Y} and the month before, with "
        f"{confidence_label(result.confidence)} confidence intervals.{unit}"
    )


def _by(result: ResponseRateResult | AcknowledgedResult) -> str:
    return f" by {result.by[0]}" if result.by else ""


def rate_plot_caption(result: ResponseRateResult, month: str) -> str:
    """Caption of the response-rate chart for ``month`` (e.g. "October 2026")."""
    return (
        f"Response rate{_by(result)}, {month}, with {confidence_label(result.confidence)} "
        "confidence intervals; the shaded band is the benchmark range."
    )


def acknowledged_plot_caption(result: AcknowledgedResult, month: str) -> str:
    """Caption of the acknowledged-in-time chart for ``month`` (e.g. "October 2026")."""
    return (
        f"Share of responses acknowledged within {result.hours:g} hours{_by(result)}, {month}, "
        f"with {confidence_label(result.confidence)} confidence intervals."
    )
