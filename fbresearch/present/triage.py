"""The closed-loop page's category section: a short volume-and-satisfaction table and its trend.

A category's KPIs come from :func:`fbresearch.analyses.triage.category_kpis` in long form (one
row per category and metric, 24 rows for 8 categories), which is an export, not a page: the page
shows one row per category (its responses, then each score with its interval), the largest
:data:`TOP_CATEGORIES` first, and writes every row with its intervals to a CSV beside the page.

Examples
--------
>>> import pandas as pd
>>> from fbresearch.analyses.triage import categorize, category_kpis
>>> df = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-02"), "nps": [2, 9, 10],
...                    "text": ["late courier", "cold food", "late again"]})
>>> cats = categorize(df["text"])
>>> wide = category_table(category_kpis(df, cats, period="2026-10", metrics=["volume", "nps"]),
...                       cats)
>>> wide.columns.tolist()
['Category', 'Responses', 'NPS (95% CI)']
>>> wide["Category"].tolist()
['Delivery and logistics', 'Product quality']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fbresearch.analyses.triage import category_kpis
from fbresearch.analyses.triage.config import UNCATEGORIZED
from fbresearch.format import confidence_label
from fbresearch.present.display import show
from fbresearch.present.tables import format_ci
from fbresearch.privacy import redact
from fbresearch.results import attempt
from fbresearch.schema import metric_spec

__all__ = ["TOP_CATEGORIES", "category_table", "category_export", "show_categories"]

#: rows of the page's category table; the export holds every category
TOP_CATEGORIES = 10


def _labels(categories: Any) -> dict[str, str]:
    """Category code -> the reader's label (the taxonomy's name; codes where it has none)."""
    table = getattr(categories, "table", None)
    if isinstance(table, pd.DataFrame) and {"category", "label"} <= set(table.columns):
        return dict(zip(table["category"].astype(str), table["label"].astype(str), strict=True))
    return {UNCATEGORIZED: "No category"}


def category_table(kpis: Any, categories: Any, top: int | None = None) -> pd.DataFrame:
    """One row per category: its responses, then each score with its interval, largest first.

    Texts in no category come last whatever their number. The count is the count (no interval:
    the export keeps the Poisson interval of the volume); each score's header names the result's
    own confidence level and the score's label and unit come from the METRICS registry.
    """
    long = kpis.table
    names = _labels(categories)
    level = confidence_label(kpis.confidence)
    rows: dict[str, dict[str, Any]] = {}
    for _, row in long.iterrows():
        code = str(row["category"])
        out = rows.setdefault(code, {"Category": redact(names.get(code, code))})
        spec = metric_spec(row["metric"])
        if row["metric"] == "volume":
            out[spec.label] = int(row["n"])
            continue
        out[f"{spec.label} ({level} CI)"] = format_ci(
            row["estimate"],
            row["ci_low"],
            row["ci_high"],
            percent=spec.unit == "percent",
            digits=spec.digits,
        )
    wide = pd.DataFrame(list(rows.values()), index=list(rows))
    if "Responses" in wide.columns:
        wide = wide.sort_values("Responses", ascending=False, kind="stable")
    wide = pd.concat(
        [wide.drop(index=UNCATEGORIZED, errors="ignore"), wide.loc[wide.index == UNCATEGORIZED]]
    )
    wide = wide.reset_index(drop=True).fillna("–")
    return wide if top is None else wide.head(top)


def category_export(kpis: Any, categories: Any) -> pd.DataFrame:
    """The long table for the export: every category and metric with its interval and level."""
    names = _labels(categories)
    table = kpis.table
    return pd.DataFrame(
        {
            "category": [redact(names.get(str(c), str(c))) for c in table["category"]],
            "metric": [metric_spec(m).label for m in table["metric"]],
            "n": table["n"].astype(int),
            "estimate": table["estimate"],
            "ci_low": table["ci_low"],
            "ci_high": table["ci_high"],
            "confidence": kpis.confidence,
        }
    )


def show_categories(
    feedback: pd.DataFrame,
    categories: Any,
    period: Any,
    window: str,
    *,
    months: int = 12,
    outcome: str = "nps",
    confidence: float = 0.95,
    top: int = TOP_CATEGORIES,
) -> None:
    """Show the category table of the report month and the ``outcome`` trend by category.

    Parameters
    ----------
    feedback, categories
        The page's responses and :func:`~fbresearch.analyses.triage.categorize` of their texts.
    period, window
        The report month and its name in words (for the caption).
    months, outcome, confidence
        Months of the trend chart, the score it follows, the level of every interval.
    top
        Rows shown on the page; every category and metric, with its interval, goes to the
        period's export (``tables.xlsx`` and ``tables/``) through ``show(..., full=...)``.
    """
    kpis = attempt(category_kpis, feedback, categories, period=period, confidence=confidence)
    if getattr(kpis, "is_unavailable", False):
        show(kpis)
    else:
        wide = category_table(kpis, categories)
        caption = f"Volume and satisfaction by category, {window}"
        if len(wide) > top:
            caption += f": the {top} largest of {len(wide)} categories"
            caption += " (every category, with its intervals, in the report's tables.xlsx)"
        show(wide.head(top), caption=caption, full=category_export(kpis, categories))
    trend = attempt(
        category_kpis,
        feedback,
        categories,
        period=period,
        months=months,
        metrics=["volume", outcome],
        trend=True,
        confidence=confidence,
    )
    show(trend.plot(metric=outcome), caption=trend.caption(outcome))
