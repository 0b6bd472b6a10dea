"""Stable topic identities across report periods: save the model, align next month's to it.

Each period's report keeps its fitted topics in ``topics.model.json`` beside its findings: per
topic its id, label, share and word distribution (the ``TERMS`` most probable words with their
probabilities), and the next free id per language. Next month, each new topic is matched to
last month's by its word distribution: the Jensen-Shannon distance (base 2, 0 = the same
words with the same weights, 1 = no word in common) between every new and every old topic of a
language, paired by the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``, the
pairing of least total distance). A pair closer than ``MATCH`` keeps the old id and label; a
new topic without a partner gets a fresh id (ids are never reused) and is marked *new*; an old
topic without a partner is marked *vanished*. ``refit=True`` starts the identities afresh.

Examples
--------
>>> from fbresearch.analyses.topics import fit_topics
>>> texts = ["late courier slow driver"] * 30 + ["refund charge invoice billing"] * 30
>>> old = model_record(fit_topics(texts, num_topics=2, language="en"), "2026-09")
>>> new = fit_topics(texts[::-1], num_topics=2, language="en", seed=3)
>>> aligned, status = align(new, old)
>>> status["status"].tolist(), sorted(aligned.labels) == sorted(t["topic"] for t in old["topics"])
(['kept', 'kept'], True)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fbresearch.errors import AnalysisError
from fbresearch.privacy import redact

if TYPE_CHECKING:
    from fbresearch.analyses.topics.results import TopicModel

__all__ = [
    "model_record",
    "save_record",
    "load_history",
    "record_path",
    "topic_counts",
    "align",
    "lineage_table",
    "RECORD_NAME",
    "MATCH",
    "TERMS",
]

RECORD_NAME = "topics.model.json"
#: topics whose Jensen-Shannon distance is below this are the same topic. On the sample, a
#: planted topic refitted a month later is at 0.1-0.3 from itself and 0.8-1.0 from the others
MATCH = 0.7
#: words per topic kept in the record (the distribution's head: the tail carries little weight)
TERMS = 300
_VERSION = 1
_PERIOD = re.compile(r"^\d{4}-\d{2}$")


def _distributions(model: TopicModel, language: str, terms: int = TERMS) -> list[dict[str, float]]:
    """Each topic's ``terms`` most probable words and probabilities, in the model's order;
    words that redaction would change (a number, an address) are left out."""
    lda = model.models[language]
    matrix = lda.get_topics()
    out = []
    for row in matrix:
        top = np.argsort(row)[::-1][:terms]
        words = {lda.id2word[int(i)]: float(row[i]) for i in top}
        out.append({w: p for w, p in words.items() if redact(w) == w})
    return out


def model_record(
    model: TopicModel, period: Any, status: pd.DataFrame | None = None, refit: bool = False
) -> dict[str, Any]:
    """The JSON-ready record of a fitted (and aligned) model for ``period``.

    ``status`` (from :func:`align`) adds each topic's status and the next free ids; without it
    ids continue after the largest one used.
    """
    table = model.table.set_index("topic")
    topics, next_id = [], {}
    for lang in table["language"].unique():
        ids = model._topics_of(lang)
        for tid, words in zip(ids, _distributions(model, lang), strict=True):
            state = "new" if status is None else _status_of(status, tid)
            topics.append(
                {
                    "topic": tid,
                    "language": lang,
                    "label": model.labels[tid],
                    "share": float(table.loc[tid, "share"]),
                    "status": state,
                    "terms": [[w, round(p, 6)] for w, p in words.items()],
                }
            )
        free = max(int(t.split("-")[1]) for t in ids) + 1
        next_id[lang] = max(free, (status.attrs if status is not None else {}).get(
            "next_id", {}).get(lang, 0))  # fmt: skip
    vanished = [] if status is None else status[status["status"] == "vanished"]
    return {
        "version": _VERSION,
        "period": str(period),
        "refit": bool(refit),
        "next_id": next_id,
        "topics": topics,
        "vanished": [] if len(vanished) == 0 else vanished["topic"].tolist(),
    }


def _status_of(status: pd.DataFrame, topic: str) -> str:
    match = status.loc[status["topic"] == topic, "status"]
    return str(match.iloc[0]) if len(match) else "new"


def record_path(findings_path: str | Path | None) -> Path | None:
    """Where this period's record goes: beside the findings file (None without one)."""
    return None if findings_path is None else Path(findings_path).with_name(RECORD_NAME)


def save_record(record: dict[str, Any], path: str | Path | None) -> Path | None:
    """Write ``record`` as JSON to ``path`` (nothing when ``path`` is None)."""
    if path is None:
        return None
    path = Path(path)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_history(findings_path: str | Path | None, period: Any) -> list[dict[str, Any]]:
    """The records of the published periods before ``period``, oldest first.

    The runner writes a period's pages in a staging folder inside the reports folder, so the
    earlier periods are the reports folder's ``YYYY-MM`` sub-folders; from the latest refit on.
    """
    if findings_path is None:
        return []
    reports = Path(findings_path).resolve().parent.parent
    records = []
    for folder in sorted(reports.iterdir()) if reports.is_dir() else []:
        file = folder / RECORD_NAME
        if _PERIOD.match(folder.name) and folder.name < str(period) and file.is_file():
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a damaged record: the period is left out of the lineage
            if record.get("version") == _VERSION:
                records.append(record)
    starts = [i for i, r in enumerate(records) if r.get("refit")]
    return records[starts[-1] :] if starts else records


def topic_counts(record: dict[str, Any]) -> dict[str, int]:
    """Topics per language in a saved record (the K its period chose).

    Examples
    --------
    >>> topic_counts({"topics": [{"language": "zh"}, {"language": "zh"}, {"language": "en"}]})
    {'zh': 2, 'en': 1}
    """
    counts: dict[str, int] = {}
    for t in record["topics"]:
        counts[t["language"]] = counts.get(t["language"], 0) + 1
    return counts


def _js_distances(new: list[dict[str, float]], old: list[dict[str, float]]) -> np.ndarray:
    """Jensen-Shannon distance (base 2) between every new and old topic over their words."""
    from scipy.spatial.distance import jensenshannon

    out = np.ones((len(new), len(old)))
    for i, p in enumerate(new):
        for j, q in enumerate(old):
            vocab = sorted(set(p) | set(q))
            a = np.array([p.get(w, 0.0) for w in vocab])
            b = np.array([q.get(w, 0.0) for w in vocab])
            out[i, j] = float(jensenshannon(a / a.sum(), b / b.sum(), base=2))
    return out


def _first_free(old: list[dict[str, Any]], previous: dict[str, Any], lang: str) -> int:
    """The next unused id number of ``lang`` (ids of vanished topics are never reused)."""
    known = [int(t["topic"].split("-")[1]) for t in old]
    return int(previous.get("next_id", {}).get(lang, max(known, default=-1) + 1))


def _align_language(
    model: TopicModel, lang: str, previous: dict[str, Any], threshold: float, out: dict
) -> None:
    """Match one language's topics to last period's; fill ``out``'s mapping, labels, rows."""
    from scipy.optimize import linear_sum_assignment

    ids = model._topics_of(lang)
    old = [t for t in previous["topics"] if t["language"] == lang]
    counter = _first_free(old, previous, lang)
    pairs: dict[int, int] = {}
    dist = np.ones((len(ids), 0))
    if old:
        dist = _js_distances(_distributions(model, lang), [dict(t["terms"]) for t in old])
        pairs = {int(i): int(j) for i, j in zip(*linear_sum_assignment(dist), strict=True)}
    matched = set()
    for i, tid in enumerate(ids):
        j = pairs.get(i)
        if j is not None and dist[i, j] < threshold:
            t = old[j]
            out["mapping"][tid], out["labels"][tid] = t["topic"], t["label"]
            matched.add(j)
            out["rows"].append([t["topic"], t["label"], lang, "kept", t["topic"], dist[i, j]])
        else:
            out["mapping"][tid] = f"{lang}-{counter}"
            counter += 1
            best = float(dist[i].min()) if old else np.nan
            out["rows"].append([out["mapping"][tid], model.labels[tid], lang, "new", None, best])
    out["next_id"][lang] = counter
    out["rows"] += [
        [t["topic"], t["label"], lang, "vanished", t["topic"], np.nan]
        for j, t in enumerate(old)
        if j not in matched
    ]


def align(
    model: TopicModel, previous: dict[str, Any] | None, threshold: float = MATCH
) -> tuple[TopicModel, pd.DataFrame]:
    """``model`` with last period's ids (and labels) on the topics that match, and each topic's
    status.

    Returns
    -------
    (TopicModel, DataFrame)
        The renamed model, and one row per topic of either period: ``topic`` (its id now, or
        the vanished one's), ``label``, ``language``, ``status`` (``kept``, ``new`` or
        ``vanished``; ``new`` for all without ``previous``), ``previous`` (last period's id) and
        ``distance`` (Jensen-Shannon distance to it; for a new topic, to the closest old one).
        ``attrs["next_id"]``: the next free id number per language.
    """
    if not 0 < threshold <= 1:
        raise AnalysisError(f"threshold must be in (0, 1]; got {threshold!r}.")
    columns = ["topic", "label", "language", "status", "previous", "distance"]
    if previous is None:
        status = pd.DataFrame(
            [[t, model.labels[t], lang, "new", None, np.nan]
             for t, lang in zip(model.table["topic"], model.table["language"], strict=True)],
            columns=columns,
        )  # fmt: skip
        status.attrs["next_id"] = {
            lang: len(model._topics_of(lang)) for lang in model.table["language"].unique()
        }
        return model, status
    out: dict[str, Any] = {"mapping": {}, "labels": {}, "rows": [], "next_id": {}}
    for lang in model.table["language"].unique():
        _align_language(model, lang, previous, threshold, out)
    status = pd.DataFrame(out["rows"], columns=columns)
    status["distance"] = status["distance"].astype(float)
    status.attrs["next_id"] = out["next_id"]
    return model.renamed(out["mapping"], out["labels"]), status


def lineage_table(history: list[dict[str, Any]], current: dict[str, Any]) -> pd.DataFrame:
    """Each topic's share in each period it existed, for the lineage chart.

    Returns
    -------
    DataFrame
        ``period``, ``topic``, ``label`` (its latest), ``language``, ``share``, ``status``
        (``kept`` or ``new`` that period, ``vanished`` after its last).
    """
    rows = []
    for record in [*history, current]:
        for t in record["topics"]:
            rows.append([record["period"], t["topic"], t["language"], t["share"], t["status"]])
    table = pd.DataFrame(rows, columns=["period", "topic", "language", "share", "status"])
    latest = {t["topic"]: t["label"] for r in [*history, current] for t in r["topics"]}
    table.insert(2, "label", table["topic"].map(latest))
    return table.sort_values(["language", "topic", "period"], kind="stable").reset_index(drop=True)
