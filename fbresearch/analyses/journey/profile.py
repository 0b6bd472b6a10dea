"""What customers write about, and what drives their score, at each journey stage.

Reuses the page-level analyses on each stage's rows: the triage categorizer
(:func:`fbresearch.analyses.triage.categorize`: each category's share of the stage's texts with
a Wilson interval) and the driver regression (:func:`fbresearch.analyses.drivers.key_drivers`:
outcome points per rating point, HC3 errors, Benjamini-Hochberg over the drivers) where a stage
has enough complete answers. To stay fast on large files, at most ``max_texts`` texts per stage
are categorized (a seeded random sample; the shares are then estimates from that sample).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"touchpoint": ["delivery"] * 30 + ["support"] * 30,
...                       "text": ["the courier was late again"] * 30
...                               + ["refund still not here"] * 30})
>>> p = stage_profiles(frame, outcome=None)
>>> p.table.groupby("stage")["category"].first().to_dict()
{'delivery': 'delivery_logistics', 'support': 'refund_return'}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers import key_drivers
from fbresearch.analyses.journey.estimate import JOURNEY_COLUMN, stage_rows
from fbresearch.analyses.journey.results import StageProfiles
from fbresearch.analyses.journey.stages import stage_order
from fbresearch.analyses.triage import categorize
from fbresearch.errors import AnalysisError

__all__ = ["stage_profiles", "MIN_TEXTS"]

#: a stage's categories are shown from this many texts with words
MIN_TEXTS = 20


def _texts(rows: pd.DataFrame, max_texts: int | None, seed: int) -> pd.Series:
    if "text" not in rows.columns:
        return pd.Series([], dtype="string")
    texts = rows["text"].astype("string")
    texts = texts[texts.notna() & (texts.str.strip() != "")]
    if max_texts is not None and len(texts) > max_texts:
        keep = np.sort(np.random.default_rng(seed).choice(len(texts), max_texts, replace=False))
        texts = texts.iloc[keep]
    return texts


def _categories(
    stage: str, rows: pd.DataFrame, top: int, confidence: float, seed: int, **options: object
) -> tuple[pd.DataFrame, str]:
    texts = _texts(rows, options.get("max_texts"), seed)
    if len(texts) < MIN_TEXTS:
        return pd.DataFrame(), f"{len(texts)} texts (categories need {MIN_TEXTS})"
    found = categorize(texts.tolist(), options.get("taxonomy"), confidence=confidence).table
    found = found[(found["category"] != "uncategorized") & (found["n"] > 0)]
    found = found.sort_values(["n", "category"], ascending=[False, True], kind="stable").head(top)
    cols = ["category", "label", "n", "estimate", "ci_low", "ci_high"]
    return found[cols].assign(stage=stage, rank=np.arange(1, len(found) + 1)), ""


def _drivers(
    stage: str,
    rows: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    top: int,
    confidence: float,
) -> tuple[pd.DataFrame, str]:
    try:
        result = key_drivers(rows, outcome, drivers, confidence=confidence)
    except AnalysisError as err:
        return pd.DataFrame(), f"no driver regression ({err})"
    t = result.table[result.table["kind"] == "driver"]
    t = t.sort_values("coef", ascending=False, kind="stable").head(top)
    cols = ["term", "label", "coef", "ci_low", "ci_high", "q_value", "matters"]
    return t[cols].assign(stage=stage, rank=np.arange(1, len(t) + 1), n=result.n), ""


def stage_profiles(
    frame: pd.DataFrame,
    stages: Sequence[str] | None = None,
    outcome: str | None = "nps",
    drivers: str | Sequence[str] = "rating_*",
    *,
    column: str = JOURNEY_COLUMN,
    top: int = 3,
    max_texts: int | None = 2000,
    taxonomy: object = None,
    confidence: float = 0.95,
    seed: int = 0,
) -> StageProfiles:
    """The top categories of the texts and the top drivers of ``outcome`` at each stage.

    Parameters
    ----------
    frame : DataFrame
        Canonical feedback with ``touchpoint``, ``text`` and (for drivers) ratings.
    stages : sequence of str, optional
        The journey order.
    outcome : str or None, default "nps"
        The score whose drivers are shown; None: categories only.
    drivers : str or sequence of str, default "rating_*"
    column : str, default "touchpoint"
    top : int, default 3
        Categories and drivers shown per stage.
    max_texts : int or None, default 2000
        Texts categorized per stage at most (a seeded sample).
    taxonomy : path or dict, optional
        The triage taxonomy (None: the shipped default).
    confidence : float, default 0.95
    seed : int, default 0

    Returns
    -------
    StageProfiles
    """
    if column not in frame.columns or frame[column].notna().sum() == 0:
        raise AnalysisError(f"the journey page needs a {column!r} column with values.")
    order = stage_order(frame[column], stages)
    cats, drv, notes = [], [], {}
    for i, stage in enumerate(order):
        rows = stage_rows(frame, stage, column)
        found, note = _categories(
            stage, rows, top, confidence, seed + i, max_texts=max_texts, taxonomy=taxonomy
        )
        cats.append(found)
        why = [note] if note else []
        if outcome is not None and outcome in rows.columns and rows[outcome].notna().any():
            found, note = _drivers(stage, rows, outcome, drivers, top, confidence)
            drv.append(found)
            why += [note] if note else []
        if why:
            notes[stage] = "; ".join(why)
    return StageProfiles(
        table=_stack(
            cats, ["stage", "rank", "category", "label", "n", "estimate", "ci_low", "ci_high"]
        ),
        drivers=_stack(
            drv,
            [
                "stage",
                "rank",
                "term",
                "label",
                "coef",
                "ci_low",
                "ci_high",
                "q_value",
                "matters",
                "n",
            ],
        ),
        stages=tuple(order),
        outcome=outcome or "",
        confidence=confidence,
        notes=notes,
        top=top,
    )


def _stack(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
