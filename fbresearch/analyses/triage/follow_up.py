"""Follow-up of unhappy customers: were they contacted, and did those who answered again score
differently? Unhappy is read from the outcome the data has (:data:`UNHAPPY`): detractors by NPS,
CSAT 1-2, not satisfied, or a hard time by CES.

Examples
--------
>>> df = pd.DataFrame({"nps": [3, 9], "submitted_at": pd.to_datetime(["2026-01-01", "2026-01-02"]),
...                    "responded_at": pd.to_datetime(["2026-01-02", None])})
>>> close_the_loop(df, asof="2026-02-01").contacted.n   # one detractor
1
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.analyses.kpis import scores as kpi
from fbresearch.analyses.kpis.scores import proportion
from fbresearch.analyses.triage.config import OUTCOMES, UNHAPPY
from fbresearch.analyses.triage.response_times import _parse_times
from fbresearch.analyses.triage.results import LoopResult
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate
from fbresearch.schema import metric_spec

__all__ = ["close_the_loop", "UNHAPPY", "OUTCOMES"]

#: the estimate of the later answers of each outcome, and its unit
_LATER = {
    "nps": (kpi.nps, "points"),
    "csat": (kpi.csat, "share"),
    "satisfied": (kpi.satisfied, "share"),
    "ces": (kpi.ces, "points"),
}


def _columns(outcome: str) -> list[str]:
    """The table's columns: ``detractors``/``later_nps`` for NPS, ``unhappy``/``later_<outcome>``
    otherwise."""
    unhappy = "detractors" if outcome == "nps" else "unhappy"
    return ["group", unhappy, "answered_again", f"later_{outcome}", "ci_low", "ci_high"]


def _outcome_column(frame: pd.DataFrame, outcome: str, column: str) -> pd.Series:
    """The outcome's answers as numbers; a named error when the column is absent or empty."""
    if outcome not in UNHAPPY:
        raise AnalysisError(
            f"outcome={outcome!r} is not known; choose one of {', '.join(OUTCOMES)}."
        )
    score = (
        pd.to_numeric(frame[column], errors="coerce")
        if column in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    if score.notna().any():
        return score
    has = [
        m
        for m in OUTCOMES
        if m in frame.columns and pd.to_numeric(frame[m], errors="coerce").notna().any()
    ]
    state = "is not in the data" if column not in frame.columns else "has no answers"
    fix = (
        f"set the page's outcome parameter to one the data has: {', '.join(has)}"
        if has
        else "map a score column (nps, csat, satisfied or ces) in params: columns:"
    )
    raise AnalysisError(
        f"column {column!r} {state}; following up unhappy customers needs answers of the "
        f"outcome ({metric_spec(outcome).label}) with their dates. Fix: {fix}."
    )


def close_the_loop(
    frame: pd.DataFrame,
    *,
    asof: str | pd.Timestamp | None = None,
    outcome: str = "nps",
    nps: str = "nps",
    customer: str = "customer_id",
    submitted: str = "submitted_at",
    responded: str = "responded_at",
    resolved: str = "resolved_at",
    confidence: float = 0.95,
    min_n: int = 10,
) -> LoopResult:
    """The share of unhappy customers contacted, and their later score against those not contacted.

    Unhappy by ``outcome`` (:data:`UNHAPPY`): a detractor (NPS 0-6), CSAT 1-2, not satisfied
    (``satisfied`` 0) or CES 1-3. An unhappy answer counts as contacted when the response was
    answered or its case resolved by ``asof``. Where the same customer answered again later,
    the outcome of that next answer (NPS, CSAT top-box share, share satisfied, mean CES) is
    compared between contacted and not-contacted customers (difference of two estimates,
    variances added). Observational: not a causal effect.

    Parameters
    ----------
    outcome : {"nps", "csat", "satisfied", "ces"}
        Which answers count as unhappy. Its column is ``nps`` (the argument) for NPS, else
        the outcome's own name. Absent or without answers: an :class:`AnalysisError` naming
        the outcomes the data has.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "b"], "nps": [3, 9, 2, 4],
    ...     "submitted_at": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-01-05", "2026-02-01"]),
    ...     "responded_at": pd.to_datetime(["2026-01-02", None, None, None])})
    >>> r = close_the_loop(df, asof="2026-04-01")
    >>> r.contacted.n, round(r.contacted.estimate, 2)   # 3 detractor answers, 1 contacted
    (3, 0.33)
    """
    column = nps if outcome == "nps" else outcome
    score = _outcome_column(frame, outcome, column)
    if submitted not in frame.columns:
        raise AnalysisError(
            f"column {submitted!r} is not in the data; closing the loop needs answers "
            f"with their dates."
        )
    if responded not in frame.columns and resolved not in frame.columns:
        raise AnalysisError(
            "it needs the time each response was first answered or the time its case was "
            "resolved to know who was contacted, and the data has neither. Fix: map one of "
            f"them in params (columns: {{{responded}: <your column>}} or {resolved})."
        )
    flags: dict[str, np.ndarray] = {}
    t0 = _parse_times(frame[submitted], submitted, flags)
    asof_ts = pd.Timestamp(asof) if asof is not None else t0.max()
    # when each answer was first followed up (answered or resolved) by asof; NaT: not by then
    contact_t = pd.concat(
        [
            t.where(t <= asof_ts)
            for t in (
                _parse_times(frame[col], col, flags)
                for col in (responded, resolved)
                if col in frame.columns
            )
        ],
        axis=1,
    ).min(axis=1)
    contacted = contact_t.notna().to_numpy()
    scored = (score.notna() & t0.notna() & (t0 <= asof_ts)).to_numpy()
    detractor = scored & (score <= UNHAPPY[outcome]).fillna(False).to_numpy(dtype=bool)
    est = proportion(
        int((detractor & contacted).sum()),
        int(detractor.sum()),
        confidence,
        name="detractors contacted" if outcome == "nps" else "unhappy customers contacted",
    )
    notes: list[str] = []
    if customer in frame.columns:
        rows, difference = _later_nps(
            frame[customer],
            t0,
            score,
            scored,
            detractor,
            contact_t,
            confidence,
            min_n,
            notes,
            outcome,
        )
    else:
        rows, difference = [], None
        notes.append(
            "Without a customer identifier, later answers of the same customer cannot be found."
        )
    table = pd.DataFrame(rows, columns=_columns(outcome))
    return LoopResult(
        table=table,
        contacted=est,
        difference=difference,
        notes=tuple(notes),
        confidence=confidence,
        outcome=outcome,
    )


def _later_nps(
    customer: pd.Series,
    t0: pd.Series,
    score: pd.Series,
    scored: np.ndarray,
    detractor: np.ndarray,
    contact_t: pd.Series,
    confidence: float,
    min_n: int,
    notes: list[str],
    outcome: str = "nps",
) -> tuple[list[dict[str, object]], Estimate | None]:
    """Rows of the later-score table and the contacted-minus-not difference (None: too few).

    An unhappy answer followed by another from the same customer counts as contacted only when
    the contact came before that next answer: a later contact cannot have changed it.
    """
    work = pd.DataFrame(
        {
            "c": customer.astype("object").to_numpy(),
            "t": t0.to_numpy(),
            "s": score.to_numpy(dtype=float, na_value=np.nan),
        },
        index=customer.index,
    )[scored]
    work = work.sort_values(["c", "t"], kind="stable")
    nxt_group = work.groupby("c", sort=False)
    nxt = pd.Series(np.nan, index=customer.index)
    nxt[work.index] = nxt_group["s"].shift(-1).to_numpy()
    nxt_t = pd.Series(pd.NaT, index=customer.index, dtype="datetime64[ns]")
    nxt_t[work.index] = nxt_group["t"].shift(-1).to_numpy()
    later = nxt.notna().to_numpy()
    contacted = contact_t.notna().to_numpy()
    too_late = detractor & later & contacted & (contact_t >= nxt_t).to_numpy()
    contacted = contacted & ~too_late
    if too_late.any():
        k = int(too_late.sum())
        came, they = ("contact came", "it counts") if k == 1 else ("contacts came", "they count")
        notes.append(
            f"{k:,} {came} only after the customer's next answer; in the comparison of later "
            f"answers {they} as not contacted."
        )
    rows, ests = [], {}
    estimate, unit = _LATER[outcome]
    columns = _columns(outcome)
    for name, m in (
        ("contacted", detractor & contacted),
        ("not contacted", detractor & ~contacted),
    ):
        vals = nxt[m & later].to_numpy()
        e = estimate(vals, confidence=confidence) if len(vals) else None
        ests[name] = e
        values = [name, int(m.sum()), int(len(vals))]
        values += [e.estimate, e.ci_low, e.ci_high] if e else [math.nan] * 3
        rows.append(dict(zip(columns, values, strict=True)))
    a, b = ests["contacted"], ests["not contacted"]
    label = metric_spec(outcome).label
    who = "detractors" if outcome == "nps" else "unhappy customers"
    if a is None or b is None or a.n < min_n or b.n < min_n:
        notes.append(
            f"Too few {who} answered again later (fewer than {min_n} in a group) to "
            f"compare their later {label}."
        )
        return rows, None
    diff = a.estimate - b.estimate
    se = math.sqrt((a.se or 0) ** 2 + (b.se or 0) ** 2)
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = 2 * stats.norm.sf(abs(diff) / se) if se > 0 else math.nan
    return rows, Estimate(
        diff,
        diff - z * se,
        diff + z * se,
        n=a.n + b.n,
        se=se,
        p_value=p,
        confidence=confidence,
        name=f"later {label}, contacted minus not",
        unit=unit,
    )
