"""Follow-up of detractors: were they contacted, and did those who answered again score differently?

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

from fbresearch.analyses.kpis.scores import nps as nps_estimate
from fbresearch.analyses.kpis.scores import proportion
from fbresearch.analyses.triage.response_times import _parse_times
from fbresearch.analyses.triage.results import LoopResult
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate

__all__ = ["close_the_loop"]

_COLUMNS = ["group", "detractors", "answered_again", "later_nps", "ci_low", "ci_high"]


def close_the_loop(
    frame: pd.DataFrame,
    *,
    asof: str | pd.Timestamp | None = None,
    nps: str = "nps",
    customer: str = "customer_id",
    submitted: str = "submitted_at",
    responded: str = "responded_at",
    resolved: str = "resolved_at",
    confidence: float = 0.95,
    min_n: int = 10,
) -> LoopResult:
    """The share of detractors contacted, and their later NPS against those not contacted.

    A detractor (NPS 0-6) counts as contacted when their response was answered or their case
    resolved by ``asof``. Where the same customer answered again later, the NPS of that next
    answer is compared between contacted and not-contacted detractors (difference of two NPS
    estimates, variances added). Observational: not a causal effect.

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
    for col in (nps, submitted):
        if col not in frame.columns:
            raise AnalysisError(
                f"column {col!r} is not in the data; closing the loop needs NPS answers "
                f"with their dates."
            )
    if responded not in frame.columns and resolved not in frame.columns:
        raise AnalysisError(
            f"closing the loop needs {responded!r} or {resolved!r} to know who was "
            f"contacted; the data has neither."
        )
    flags: dict[str, np.ndarray] = {}
    t0 = _parse_times(frame[submitted], submitted, flags)
    asof_ts = pd.Timestamp(asof) if asof is not None else t0.max()
    score = pd.to_numeric(frame[nps], errors="coerce")
    contacted = np.zeros(len(frame), dtype=bool)
    for col in (responded, resolved):
        if col in frame.columns:
            t = _parse_times(frame[col], col, flags)
            contacted |= (t.notna() & (t <= asof_ts)).to_numpy()
    scored = (score.notna() & t0.notna() & (t0 <= asof_ts)).to_numpy()
    detractor = scored & (score <= 6).fillna(False).to_numpy(dtype=bool)
    est = proportion(
        int((detractor & contacted).sum()),
        int(detractor.sum()),
        confidence,
        name="detractors contacted",
    )
    notes: list[str] = []
    if customer in frame.columns:
        rows, difference = _later_nps(
            frame[customer], t0, score, scored, detractor, contacted, confidence, min_n, notes
        )
    else:
        rows, difference = [], None
        notes.append(
            f"Without a {customer!r} column, later answers of the same customer cannot be found."
        )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    return LoopResult(
        table=table,
        contacted=est,
        difference=difference,
        notes=tuple(notes),
        confidence=confidence,
    )


def _later_nps(
    customer: pd.Series,
    t0: pd.Series,
    score: pd.Series,
    scored: np.ndarray,
    detractor: np.ndarray,
    contacted: np.ndarray,
    confidence: float,
    min_n: int,
    notes: list[str],
) -> tuple[list[dict[str, object]], Estimate | None]:
    """Rows of the later-NPS table and the contacted-minus-not difference (None: too few)."""
    work = pd.DataFrame(
        {
            "c": customer.astype("object").to_numpy(),
            "t": t0.to_numpy(),
            "s": score.to_numpy(dtype=float, na_value=np.nan),
        },
        index=customer.index,
    )[scored]
    work = work.sort_values(["c", "t"], kind="stable")
    work["next_s"] = work.groupby("c", sort=False)["s"].shift(-1)
    nxt = pd.Series(np.nan, index=customer.index)
    nxt[work.index] = work["next_s"].to_numpy()
    later = nxt.notna().to_numpy()
    rows, ests = [], {}
    for name, m in (
        ("contacted", detractor & contacted),
        ("not contacted", detractor & ~contacted),
    ):
        vals = nxt[m & later].to_numpy()
        e = nps_estimate(vals, confidence) if len(vals) else None
        ests[name] = e
        rows.append(
            {
                "group": name,
                "detractors": int(m.sum()),
                "answered_again": int(len(vals)),
                "later_nps": e.estimate if e else math.nan,
                "ci_low": e.ci_low if e else math.nan,
                "ci_high": e.ci_high if e else math.nan,
            }
        )
    a, b = ests["contacted"], ests["not contacted"]
    if a is None or b is None or a.n < min_n or b.n < min_n:
        notes.append(
            f"Too few detractors answered again later (fewer than {min_n} in a group) to "
            f"compare their later NPS."
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
        name="later NPS, contacted minus not",
        unit="points",
    )
