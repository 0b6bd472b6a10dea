"""Sentences, tables and findings of the journey page; "significant" is decided by evidence.py.

Examples
--------
>>> step_label("purchase", "post_purchase")
'Purchase → Post purchase'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fbresearch.analyses.kpis.narrative import p_text
from fbresearch.analyses.kpis.scores import row_estimate
from fbresearch.format import confidence_label, format_amount, format_interval, format_p
from fbresearch.results import Finding
from fbresearch.schema import display_label, metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.journey.results import JourneyResult, StageProfiles

__all__ = [
    "step_label",
    "journey_summary",
    "journey_findings",
    "journey_display_table",
    "steps_display_table",
    "journey_caption",
    "profiles_summary",
    "profiles_display_table",
    "profiles_caption",
]


def step_label(previous: str, stage: str) -> str:
    """One step of the journey, the stages by their display labels."""
    return f"{display_label(previous)} → {display_label(stage)}"


def _stage(stage: str) -> str:
    """A stage as sentences name it (its display label: "Post purchase", not post_purchase)."""
    return str(display_label(stage))


def _level_text(result: JourneyResult, metric: str, stage: str) -> str:
    spec = metric_spec(metric)
    return result.level(metric, stage).format(digits=spec.digits)


def _window(result: JourneyResult) -> str:
    return f" ({result.window})" if result.window else ""


def _drop_sentence(result: JourneyResult, metric: str) -> str:
    spec = metric_spec(metric)
    stage = result.weakest.get(metric)
    if stage is None:
        return f"{spec.label} does not fall from any stage to the next."
    e = result.step(metric, stage)
    row = result.steps[(result.steps["metric"] == metric) & (result.steps["stage"] == stage)]
    previous, q = str(row["previous_stage"].iloc[0]), float(row["q_value"].iloc[0])
    interval = format_interval(e.ci_low, e.ci_high, spec.digits, percent=spec.unit == "percent")
    head = (
        f"The largest drop in {spec.label} is from {_stage(previous)} to {_stage(stage)}: "
        f"{format_amount(e.estimate, spec)} lower ({confidence_label(e.confidence)} CI of the "
        f"change {interval}; {p_text(e.p_value)}, adjusted {p_text(q)})"
    )
    if result.drop_is_significant(metric):
        if metric == next(m for m in result.metrics if result.drop_is_significant(m)):
            return (
                f"{head}: a significant drop, so {_stage(stage)} is the weak stage of the journey."
            )
        return f"{head}: a significant drop."
    return f"{head}: not a significant drop; it may be chance."


def journey_summary(result: JourneyResult) -> str:
    """Volumes, the best and worst stage of the first outcome, and each outcome's largest drop."""
    parts = [
        f"{result.n:,} responses had a journey stage{_window(result)}, across "
        f"{len(result.stages)} stages: {', '.join(map(_stage, result.stages))}."
    ]
    if not result.metrics:
        return " ".join([*parts, "None of them has a score to compare the stages on."])
    first = result.metrics[0]
    rows = result.table[result.table["metric"] == first]
    if len(rows):
        best = rows.loc[rows["estimate"].idxmax(), "stage"]
        worst = rows.loc[rows["estimate"].idxmin(), "stage"]
        label = metric_spec(first).label
        parts.append(
            f"{label} is highest at {_stage(best)} ({_level_text(result, first, best)}) and "
            f"lowest at {_stage(worst)} ({_level_text(result, first, worst)})."
        )
    parts += [_drop_sentence(result, m) for m in result.metrics]
    return " ".join(parts)


def journey_findings(result: JourneyResult) -> list[Finding]:
    """The largest drop of each outcome (a difference between stages), with its test."""
    found = []
    for i, metric in enumerate(result.metrics):
        stage = result.weakest.get(metric)
        if stage is None:
            continue
        row = result.steps[(result.steps["metric"] == metric) & (result.steps["stage"] == stage)]
        significant = result.drop_is_significant(metric)
        found.append(
            Finding(
                _drop_sentence(result, metric),
                result.step(metric, stage),
                importance=(0.75 if significant else 0.3) - 0.05 * i,
                analysis="journey",
                kind="difference",
                p_value=float(row["p_value"].iloc[0]),
                q_value=float(row["q_value"].iloc[0]),
                survives_fdr=significant,
            )
        )
    return found


def journey_display_table(result: JourneyResult) -> pd.DataFrame:
    """One row per stage: responses and each outcome with its CI."""
    out = pd.DataFrame({"Stage": list(result.stages)})
    volume = result.table[result.table["metric"] == "volume"].set_index("stage")["n"]
    out["Responses"] = [f"{int(volume.get(s, 0)):,}" for s in result.stages]
    for metric in result.metrics:
        spec = metric_spec(metric)
        rows = result.table[result.table["metric"] == metric].set_index("stage")
        out[f"{spec.label} ({confidence_label(result.confidence)} CI)"] = [
            row_estimate(rows.loc[s], metric, result.confidence).format(digits=spec.digits)
            if s in rows.index
            else "–"
            for s in result.stages
        ]
    return out


def steps_display_table(result: JourneyResult) -> pd.DataFrame:
    """One row per outcome and step: the change with its CI, p and q, and the verdict."""
    rows = []
    for _, r in result.steps.iterrows():
        spec = metric_spec(r["metric"])
        percent = spec.unit == "percent"
        unit = format_amount(r["change"], spec, signed=True)
        interval = format_interval(r["ci_low"], r["ci_high"], spec.digits, percent=percent)
        rows.append(
            {
                "Step": step_label(r["previous_stage"], r["stage"]),
                "Measure": spec.label,
                "Change": f"{unit} ({interval})",
                "p_value": float(r["p_value"]),
                "Adjusted p": format_p(r["q_value"]),
                "Significant": "yes" if bool(r["significant"]) else "no",
            }
        )
    return pd.DataFrame(
        rows, columns=["Step", "Measure", "Change", "p_value", "Adjusted p", "Significant"]
    )


def journey_caption(result: JourneyResult, metric: str | None = None) -> str:
    """Caption of the journey chart of ``metric`` (default the first outcome); ``"table"``:
    of the table of every stage."""
    if metric == "table":
        return (
            f"Responses and each outcome at each journey stage{_window(result)}, with "
            f"{confidence_label(result.confidence)} confidence intervals."
        )
    metric = metric or result.headline_metric
    level = confidence_label(result.confidence)
    what = metric_spec(metric).label if metric else "Responses"
    return (
        f"{what} at each journey stage{_window(result)}, with {level} confidence intervals; "
        "responses per stage under each name; the largest drop from one stage to the next is "
        "marked."
    )


# --- StageProfiles ---------------------------------------------------------------------


#: the answer scale a driver coefficient is in (points of the answer, not of the KPI)
_ANSWER = {"nps": "nps_answer", "csat": "csat_mean"}


def _share(row: pd.Series) -> str:
    est = format_interval(row["ci_low"], row["ci_high"], 0, percent=True)
    return f"{row['label']} {100 * row['estimate']:.0f}% ({est})"


def profiles_summary(result: StageProfiles) -> str:
    """The main category and the strongest driver of each stage."""
    parts = []
    for stage in result.stages:
        cats = result.table[result.table["stage"] == stage]
        drv = result.drivers[result.drivers["stage"] == stage]
        bits = []
        if len(cats):
            bits.append(f"customers mostly write about {cats.iloc[0]['label'].lower()}")
        strong = drv[drv["matters"].astype(bool)] if len(drv) else drv
        if len(strong):
            d = strong.iloc[0]
            spec = metric_spec(_ANSWER.get(result.outcome, result.outcome))
            bits.append(
                f"the {d['label'].lower()} rating matters most for {spec.label} "
                f"({format_amount(d['coef'], spec)} per rating point)"
            )
        if bits:
            parts.append(f"At {_stage(stage)}, " + " and ".join(bits) + ".")
    parts += [f"At {_stage(stage)}: {note}." for stage, note in result.notes.items()]
    return " ".join(parts) or "No stage has enough texts or answers to profile."


def profiles_display_table(result: StageProfiles) -> pd.DataFrame:
    """One row per stage and rank: its top categories (share of its texts) and top drivers."""
    level = confidence_label(result.confidence)
    share_col, coef_col = f"Share of texts ({level} CI)", f"Points per rating point ({level} CI)"
    rows = []
    for stage in result.stages:
        cats = result.table[result.table["stage"] == stage].reset_index(drop=True)
        drv = result.drivers[result.drivers["stage"] == stage].reset_index(drop=True)
        for i in range(max(len(cats), len(drv), 1)):
            row = {"Stage": stage, "Rank": i + 1, "Category": "–", share_col: "–",
                   "Driver": "–", coef_col: "–"}  # fmt: skip
            if i < len(cats):
                c = cats.iloc[i]
                interval = format_interval(c["ci_low"], c["ci_high"], 0, percent=True)
                row.update({"Category": c["label"], share_col: f"{100 * c['estimate']:.0f}% "
                            f"({interval}%)"})  # fmt: skip
            if i < len(drv):
                d = drv.iloc[i]
                interval = format_interval(d["ci_low"], d["ci_high"], 2)
                row.update({"Driver": d["label"], coef_col: f"{d['coef']:+.2f} ({interval})"
                            + ("" if bool(d["matters"]) else " n.s.")})  # fmt: skip
            rows.append(row)
    return pd.DataFrame(rows)


def profiles_caption(result: StageProfiles) -> str:
    spec = metric_spec(_ANSWER.get(result.outcome, result.outcome)) if result.outcome else None
    outcome = spec.long_label if spec else "score"
    return (
        f"What customers write about at each stage (triage categories; a text may be in "
        f"several) and which ratings go with a better {outcome} (driver regression on the "
        f"stage's answers, {confidence_label(result.confidence)} CI; n.s.: not significant "
        "after the false-discovery-rate check over the drivers)."
    )
