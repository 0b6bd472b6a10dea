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

from fbresearch.analyses.kpis.narrative import period_label
from fbresearch.analyses.kpis.suppress import hidden_note
from fbresearch.analyses.triage import category_kpis
from fbresearch.analyses.triage.config import (
    NO_TEXT,
    UNCATEGORIZED,
    UNSORTED_LABELS,
    UNSORTED_MEANING,
)
from fbresearch.analyses.triage.narrative import loop_task
from fbresearch.format import confidence_label
from fbresearch.present.display import show
from fbresearch.present.plots.kpis import axis_label
from fbresearch.present.plots.triage import category_trends
from fbresearch.present.tables import format_ci
from fbresearch.privacy import anonymity_note, redact
from fbresearch.results import attempt
from fbresearch.schema import metric_spec

__all__ = [
    "TOP_CATEGORIES",
    "TREND_CATEGORIES",
    "category_caption",
    "category_table",
    "category_trend",
    "loop_task",
    "show_categories",
]

#: rows of the page's category table; the export holds every category
TOP_CATEGORIES = 10
#: panels of the category trend chart: the categories with most responses over its months
TREND_CATEGORIES = 4


def _labels(categories: Any) -> dict[str, str]:
    """Category code -> the reader's label (the taxonomy's name; codes where it has none)."""
    table = getattr(categories, "table", None)
    names = dict(UNSORTED_LABELS)
    if isinstance(table, pd.DataFrame) and {"category", "label"} <= set(table.columns):
        names.update(zip(table["category"].astype(str), table["label"].astype(str), strict=True))
    return names


def category_table(kpis: Any, categories: Any, top: int | None = None) -> pd.DataFrame:
    """One row per category: its responses, then each score with its interval, largest first.

    Texts in no category come last whatever their number, then responses without a text (one
    definition with :func:`~fbresearch.analyses.triage.categorize`: a response with a non-blank
    text in none of the categories is "No category", whether or not words are left once it is
    tokenized). The count is the count (no interval:
    the export keeps the Poisson interval of the volume); each score's header names the result's
    own confidence level and the score's label and unit come from the METRICS registry.
    A cell left out for anonymity (``kpis.hidden``) says so instead of its number.
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
    hidden = getattr(kpis, "hidden", None)
    for _, row in (hidden if hidden is not None else pd.DataFrame()).iterrows():
        code = str(row["category"])
        out = rows.setdefault(code, {"Category": redact(names.get(code, code))})
        spec = metric_spec(row["metric"])
        key = spec.label if row["metric"] == "volume" else f"{spec.label} ({level} CI)"
        note = hidden_note(kpis.min_responses, row["reason"])
        out[key] = None if row["metric"] == "volume" else note
    wide = pd.DataFrame(list(rows.values()), index=list(rows))
    if "Responses" in wide.columns:
        wide = wide.sort_values("Responses", ascending=False, kind="stable", na_position="last")
        gone = wide["Responses"].isna()
        if gone.any():
            wide["Responses"] = wide["Responses"].astype("object")
            wide.loc[gone, "Responses"] = anonymity_note(kpis.min_responses)
    last = [UNCATEGORIZED, NO_TEXT]
    wide = pd.concat(
        [wide.drop(index=last, errors="ignore")] + [wide.loc[wide.index == c] for c in last]
    )
    wide = wide.reset_index(drop=True).fillna("–")
    return wide if top is None else wide.head(top)


def category_caption(wide: pd.DataFrame, window: str, top: int = TOP_CATEGORIES) -> str:
    """Caption of the category table: its month, how many rows it shows, and what its
    "No category" and "No text" rows mean (the same definition as the table of texts by category).

    Examples
    --------
    >>> wide = pd.DataFrame({"Category": ["Packaging", "No category", "No text"]})
    >>> category_caption(wide, "October 2026")  # doctest: +NORMALIZE_WHITESPACE
    "Volume and satisfaction by category, October 2026. No category: texts with none of the
    taxonomy's words, however short; No text: responses without a text."
    """
    caption = f"Volume and satisfaction by category, {window}"
    if len(wide) > top:
        caption += f": the {top} largest of {len(wide)} categories"
        caption += " (every category, with its intervals, in the report's tables.xlsx)"
    shown = set(wide.head(top)["Category"]) if "Category" in wide.columns else set()
    meant = [UNSORTED_MEANING[c] for c in (UNCATEGORIZED, NO_TEXT) if UNSORTED_LABELS[c] in shown]
    return caption + (f". {'; '.join(meant)}." if meant else "")


def category_trend(
    trend: Any, categories: Any, outcome: str, top: int = TREND_CATEGORIES
) -> tuple[Any, str]:
    """The category trend as small multiples of the ``top`` categories with most responses over
    the months (responses without a text left out), and its caption; with fewer than two months
    of data, no chart (None) and a sentence saying why.

    Examples
    --------
    >>> from fbresearch.analyses.triage import categorize, category_kpis
    >>> df = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-02"), "nps": [2, 9],
    ...                    "text": ["late courier", "cold food"]})
    >>> cats = categorize(df["text"])
    >>> t = category_kpis(df, cats, period="2026-10", metrics=["volume", "nps"], trend=True)
    >>> category_trend(t, cats, "nps")
    (None, 'The data cover a single month (October 2026), so there is no trend by category to show.')
    """
    table, time = trend.table, trend.time
    months = table[time].dropna().unique()
    if len(months) < 2:
        when = f" ({period_label(months[0])})" if len(months) else ""
        return None, (
            f"The data cover a single month{when}, so there is no trend by category to show."
        )
    names = _labels(categories)
    volume = table[(table["metric"] == "volume") & (table["category"].astype(str) != NO_TEXT)]
    sizes = volume.groupby(volume["category"].astype(str))["n"].sum()
    chosen = sizes.sort_values(ascending=False, kind="stable").index[:top].tolist()
    data = table[table["metric"] == outcome].copy()
    data["category"] = data["category"].astype(str)
    data = data[data["category"].isin(chosen)]
    if metric_spec(outcome).unit == "percent":
        data[["estimate", "ci_low", "ci_high"]] *= 100
    data["label"] = pd.Categorical(
        [redact(names.get(c, c)) for c in data["category"]],
        categories=[redact(names.get(c, c)) for c in chosen],
    )
    data = data.sort_values(["label", time])
    figure = category_trends(data, time, axis_label(outcome))
    span = f"{period_label(min(months))} to {period_label(max(months))}"
    caption = (
        f"{metric_spec(outcome).label} by month, {span}, in the {len(chosen)} categories with most "
        f"responses (of {len(sizes)}); the shaded band is the "
        f"{confidence_label(trend.confidence)} confidence interval."
    )
    return figure, caption


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
        show(wide.head(top), caption=category_caption(wide, window, top), full=wide)
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
    if getattr(trend, "is_unavailable", False):
        show(trend)
        return
    figure, caption = category_trend(trend, categories, outcome)
    show(caption) if figure is None else show(figure, caption=caption)
