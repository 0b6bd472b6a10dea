"""Grade every response urgent, important or general by named rules, and count the grades.

:func:`load_severity_rules` reads and checks the rules (the shipped defaults, a YAML file, a dict
or a list); :func:`severity` applies them in order, recording the rule that graded each
response; :func:`severity_mix` counts responses by grade and by rule.

Examples
--------
>>> df = pd.DataFrame({"nps": [2, 9], "text": ["Late again", "I got food poisoning"]})
>>> severity(df)["severity"].tolist()
['important', 'urgent']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.kpis.scores import proportion
from fbresearch.analyses.triage.config import (
    DEFAULT_LIMITS_HOURS,
    OUTCOMES,
    SEVERITIES,
    UNHAPPY,
    _package_yaml,
    _read_yaml,
    _suggest,
)
from fbresearch.analyses.triage.results import SeverityMix
from fbresearch.errors import AnalysisError, FeedbackDataError, ParamsError
from fbresearch.text.language import _as_series
from fbresearch.text.sentiment import sentiment
from fbresearch.text.tokenize import tokenize

__all__ = ["SeverityRules", "load_severity_rules", "severity", "severity_mix"]

_RULE_KEYS = (
    "name",
    "severity",
    "words",
    "column",
    "at_most",
    "at_least",
    "equals",
    "in",
    "missing",
    "sentiment",
    "outcome",
    "description",
)
#: the outcomes a rule's ``outcome:`` condition falls back to, in order, when the page names none
_FALLBACK = ("nps", "csat", "satisfied")
_OUTCOME_TESTS = ("unhappy", "missing")
#: what an unhappy answer of each outcome is, in words (for the notes)
_UNHAPPY_WORDS = {
    "nps": "NPS 0-6",
    "csat": "CSAT 1-2",
    "satisfied": "not satisfied (satisfied 0)",
    "ces": "CES 1-3",
}
_RULES_KEYS = ("rules", "limits_hours", "description")


@dataclass(frozen=True)
class SeverityRules:
    """Checked severity rules (from :func:`load_severity_rules`): the rules in order, the hours
    allowed per grade and where they came from."""

    rules: tuple[dict[str, Any], ...]
    limits_hours: dict[str, float]
    source: str = "default severity rules"


def load_severity_rules(
    rules: str | Path | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> SeverityRules:
    """Read and check severity rules: the shipped defaults, a YAML file, a dict or a list.

    See ``fbresearch/resources/severity_rules.yaml`` for the format. A list of rules keeps the
    default time limits.

    Examples
    --------
    >>> r = load_severity_rules([{"name": "angry", "severity": "urgent", "column": "nps", "at_most": 1}])
    >>> r.rules[0]["name"], r.limits_hours["urgent"]
    ('angry', 4.0)
    >>> load_severity_rules([{"name": "x", "severity": "critical", "column": "nps", "at_most": 1}])
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: severity rules: rule 'x' has severity 'critical'; use one of urgent, important, general.
    """
    source = "default severity rules"
    if rules is None:
        raw: Any = _package_yaml("severity_rules.yaml")
    elif isinstance(rules, (str, Path)):
        raw, source = _read_yaml(rules, "severity rules"), Path(rules).name
    else:
        raw, source = rules, "severity rules"
    if isinstance(raw, Mapping):
        for key in raw:
            if key not in _RULES_KEYS:
                raise ParamsError(
                    f"{source}: unknown key {key!r}; allowed keys are "
                    f"{', '.join(_RULES_KEYS)}.{_suggest(key, _RULES_KEYS)}"
                )
        limits_raw = raw.get("limits_hours") or DEFAULT_LIMITS_HOURS
        raw_rules = raw.get("rules") or []
    else:
        limits_raw, raw_rules = DEFAULT_LIMITS_HOURS, list(raw or [])
    limits = {**DEFAULT_LIMITS_HOURS}
    for grade, hours in dict(limits_raw).items():
        if grade not in SEVERITIES:
            raise ParamsError(
                f"{source}: limits_hours has an unknown grade {grade!r}; use "
                f"{', '.join(SEVERITIES)}."
            )
        if not isinstance(hours, (int, float)) or not hours > 0:
            raise ParamsError(
                f"{source}: limits_hours {grade}: must be a positive number of hours, "
                f"not {hours!r}."
            )
        limits[grade] = float(hours)
    out = []
    for i, rule in enumerate(raw_rules, start=1):
        if not isinstance(rule, Mapping):
            raise ParamsError(
                f"{source}: rule {i} must be a mapping with name, severity and a condition."
            )
        name = str(rule.get("name") or f"rule_{i}")
        for key in rule:
            if key not in _RULE_KEYS:
                raise ParamsError(
                    f"{source}: rule {name!r} has an unknown key {key!r}; allowed keys "
                    f"are {', '.join(_RULE_KEYS)}.{_suggest(key, _RULE_KEYS)}"
                )
        if rule.get("severity") not in SEVERITIES:
            raise ParamsError(
                f"{source}: rule {name!r} has severity {rule.get('severity')!r}; use "
                f"one of {', '.join(SEVERITIES)}."
            )
        has_test = any(k in rule for k in ("at_most", "at_least", "equals", "in", "missing"))
        if "column" in rule and not has_test:
            raise ParamsError(
                f"{source}: rule {name!r} names column {rule['column']!r} but no test; "
                f"add at_most, at_least, equals, in or missing."
            )
        if has_test and "column" not in rule:
            raise ParamsError(f"{source}: rule {name!r} has a test but no column.")
        if not any(k in rule for k in ("words", "column", "sentiment", "outcome")):
            raise ParamsError(
                f"{source}: rule {name!r} has no condition; give words, column, outcome or "
                f"sentiment."
            )
        if rule.get("outcome", "unhappy") not in _OUTCOME_TESTS:
            raise ParamsError(
                f"{source}: rule {name!r}: outcome must be unhappy or missing, not "
                f"{rule['outcome']!r}."
            )
        if "words" in rule and not rule["words"]:
            raise ParamsError(f"{source}: rule {name!r} has an empty words list.")
        if rule.get("sentiment", "negative") not in ("negative", "positive", "neutral"):
            raise ParamsError(
                f"{source}: rule {name!r}: sentiment must be negative, positive or neutral."
            )
        out.append({**rule, "name": name})
    return SeverityRules(rules=tuple(out), limits_hours=limits, source=source)


def _rule_mask(
    rule: dict[str, Any], frame: pd.DataFrame, text: str, cache: dict[str, Any], notes: list[str]
) -> np.ndarray | None:
    """Rows meeting every condition of ``rule``; None when the rule cannot be evaluated."""
    n = len(frame)
    mask = np.ones(n, dtype=bool)
    if "column" in rule:
        col = rule["column"]
        if col not in frame.columns:
            notes.append(
                f"Rule {rule['name']!r} was skipped: the data has no column {col!r} "
                f"(map a column to {col!r} in params columns:, or remove the rule)."
            )
            return None
        values = frame[col]
        if "missing" in rule:
            mask &= values.isna().to_numpy(dtype=bool) == bool(rule["missing"])
        if "in" in rule:
            mask &= values.isin(list(rule["in"])).fillna(False).to_numpy(dtype=bool)
        if "equals" in rule:
            mask &= (values == rule["equals"]).fillna(False).to_numpy(dtype=bool)
        for key, op in (("at_most", np.less_equal), ("at_least", np.greater_equal)):
            if key in rule:
                num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                mask &= np.where(np.isnan(num), False, op(num, float(rule[key])))
    if "outcome" in rule:
        col = cache.get("outcome")
        if col is None and rule["outcome"] == "unhappy":
            notes.append(
                f"Rule {rule['name']!r} was skipped: the data has no answers of an outcome "
                f"({', '.join(_FALLBACK)})."
            )
            return None
        if col is None:  # no outcome at all: every response is unscored
            pass
        elif rule["outcome"] == "missing":
            mask &= frame[col].isna().to_numpy(dtype=bool)
        else:
            if col != "nps":
                notes.append(
                    f"Rule {rule['name']!r} grades {_UNHAPPY_WORDS[col]} answers (the outcome "
                    f"of this data)."
                )
            num = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            mask &= np.where(np.isnan(num), False, num <= UNHAPPY[col])
    if "words" in rule or "sentiment" in rule:
        if text not in frame.columns:
            notes.append(f"Rule {rule['name']!r} was skipped: the data has no {text!r} column.")
            return None
    if "words" in rule:
        mask &= _contains_words(cache, rule["words"])
    if "sentiment" in rule:
        if "sentiment" not in cache:
            cache["sentiment"] = (
                sentiment(cache["texts"], method="lexicon").table["sentiment"].to_numpy()
            )
        mask &= cache["sentiment"] == rule["sentiment"]
    return mask


def _outcome_column(frame: pd.DataFrame, outcome: str | None) -> str | None:
    """The outcome column ``outcome:`` rules read: ``outcome`` when the data has answers of it,
    else the first of :data:`_FALLBACK` with answers; None when there is none.

    Examples
    --------
    >>> _outcome_column(pd.DataFrame({"nps": [None], "satisfied": [1]}), None)
    'satisfied'
    """
    if outcome is not None and outcome not in OUTCOMES:
        raise ParamsError(f"outcome={outcome!r} is not known; choose one of {', '.join(OUTCOMES)}.")
    for col in ((outcome,) if outcome else ()) + _FALLBACK:
        if col in frame.columns and frame[col].notna().any():
            return col
    return None


def _contains_words(cache: dict[str, Any], words: Sequence[str]) -> np.ndarray:
    """Rows whose tokens contain one of ``words`` (each tokenized the same way)."""
    if "tokens" not in cache:
        cache["tokens"] = tokenize(cache["texts"], remove_stopwords=False, min_length=1)
    entry_tokens = tokenize([str(w) for w in words], remove_stopwords=False, min_length=1)
    keys = {"".join(t) for t in entry_tokens if t}
    longest = max((len(t) for t in entry_tokens), default=1)
    out = np.zeros(len(cache["tokens"]), dtype=bool)
    # tokenize gives equal texts one shared list: match each distinct list once
    done: dict[int, bool] = {}
    for i, toks in enumerate(cache["tokens"]):
        found = done.get(id(toks))
        if found is None:
            found = False
            n = len(toks)
            for start in range(n):
                key = ""
                for stop in range(start, min(n, start + longest)):
                    key += toks[stop]
                    if key in keys:
                        found = True
                        break
                if found:
                    break
            done[id(toks)] = found
        out[i] = found
    return out


def severity(
    frame: pd.DataFrame,
    rules: str | Path | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    *,
    text: str = "text",
    outcome: str | None = None,
) -> pd.DataFrame:
    """Grade every response urgent, important or general by named rules; record the rule.

    Rules are tried in order and the first whose conditions all hold grades the response;
    a response no rule matches is ``general`` (rule ``"default"``). The default rules
    (``fbresearch/resources/severity_rules.yaml``): urgent for safety or health words, legal or
    regulator threats and churn intent (cancel my account, 注销); important for unhappy answers
    of the outcome (rule ``detractor``: NPS 0-6, else CSAT 1-2, else ``satisfied`` 0) and for
    texts reading negative without an outcome answer; general otherwise.

    Parameters
    ----------
    frame : DataFrame
        Feedback with the columns the rules name (``text``, ``nps``, ``csat`` for the defaults).
    rules : path, dict, list or None
        See :func:`load_severity_rules`. A rule naming a column the data lacks is skipped and
        the returned frame's ``attrs["notes"]`` says so.
    text : str
        The verbatim column.
    outcome : {"nps", "csat", "satisfied", "ces"} or None
        The outcome an ``outcome:`` rule reads (a page's own outcome). Absent from the data or
        None: the first of ``nps``, ``csat``, ``satisfied`` with answers.

    Returns
    -------
    DataFrame
        One row per response (``frame``'s index): ``severity`` (ordered categorical: general <
        important < urgent) and ``rule``. ``attrs``: ``limits_hours`` and ``notes``.

    Examples
    --------
    >>> df = pd.DataFrame({"nps": [2, 9, 10],
    ...                    "text": ["Late again", "I got food poisoning", "Great, thanks"]})
    >>> severity(df).values.tolist()
    [['important', 'detractor'], ['urgent', 'safety_or_health'], ['general', 'default']]
    >>> reviews = pd.DataFrame({"satisfied": [0, 1], "text": ["Cold food", "Fine"]})
    >>> severity(reviews)["rule"].tolist()
    ['detractor', 'default']
    """
    parsed = load_severity_rules(rules)
    if not isinstance(frame, pd.DataFrame):
        raise FeedbackDataError(
            "severity needs a DataFrame of feedback",
            fix="pass the feedback table, e.g. inputs.feedback.",
        )
    cache: dict[str, Any] = {}
    if text in frame.columns:
        cache["texts"] = _as_series(frame[text])
    cache["outcome"] = _outcome_column(frame, outcome)
    grade = np.full(len(frame), "general", dtype=object)
    rule_of = np.full(len(frame), "default", dtype=object)
    open_ = np.ones(len(frame), dtype=bool)
    notes: list[str] = []
    for rule in parsed.rules:
        mask = _rule_mask(rule, frame, text, cache, notes)
        if mask is None:
            continue
        hit = open_ & mask
        grade[hit], rule_of[hit] = rule["severity"], rule["name"]
        open_ &= ~hit
    out = pd.DataFrame(
        {
            "severity": pd.Categorical(grade, categories=SEVERITIES[::-1], ordered=True),
            "rule": pd.Series(rule_of, dtype="str").to_numpy(),
        },
        index=frame.index,
    )
    out.attrs["limits_hours"] = dict(parsed.limits_hours)
    out.attrs["notes"] = list(notes)
    out.attrs["rule_order"] = [r["name"] for r in parsed.rules] + ["default"]
    out.attrs["rule_severity"] = {r["name"]: r["severity"] for r in parsed.rules}
    out.attrs["rule_severity"]["default"] = "general"
    out.attrs["outcome"] = cache["outcome"]
    return out


def severity_mix(graded: pd.DataFrame, confidence: float = 0.95) -> SeverityMix:
    """Counts by grade (share with Wilson CI) and by rule, from :func:`severity`'s output.

    Examples
    --------
    >>> g = severity(pd.DataFrame({"nps": [2, 3, 9, 10], "text": ["", "", "", ""]}))
    >>> severity_mix(g).grades[["severity", "n"]].values.tolist()
    [['urgent', 0], ['important', 2], ['general', 2]]
    """
    for col in ("severity", "rule"):
        if col not in graded.columns:
            raise AnalysisError(f"column {col!r} is missing; pass the output of severity().")
    n = len(graded)
    rows = []
    for grade in SEVERITIES:
        k = int((graded["severity"] == grade).sum())
        e = proportion(k, n, confidence)
        rows.append((grade, k, e.estimate, e.ci_low, e.ci_high))
    grades = pd.DataFrame(rows, columns=["severity", "n", "estimate", "ci_low", "ci_high"])
    grades["unit"] = "share"
    order = graded.attrs.get("rule_order") or sorted(graded["rule"].unique())
    by_rule = graded.groupby("rule", observed=True)["severity"].agg(["size", "first"])
    grade_of = graded.attrs.get("rule_severity") or {}
    table = pd.DataFrame(
        {
            "rule": order,
            "severity": [
                str(by_rule.loc[r, "first"]) if r in by_rule.index else grade_of.get(r, "")
                for r in order
            ],
            "responses": [int(by_rule.loc[r, "size"]) if r in by_rule.index else 0 for r in order],
        }
    )
    table["share"] = table["responses"] / max(n, 1)
    return SeverityMix(
        table=table,
        grades=grades,
        notes=tuple(graded.attrs.get("notes", ())),
        confidence=confidence,
    )
