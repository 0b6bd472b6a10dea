"""Build a report's executive summary in-process on the sample with or without real change.

The acceptance of issue 15: on data with no real change (the sample's ``submitted_at``
drawn at random over its span) the summary states no significant change; on the sample itself the
planted effects are still found. Each page runs in-process (``tests/zoo/harness.py``, trimmed
by its plan like the runner does) and the summary is chosen as the runner chooses it
(:func:`fbresearch.present.findings.top_findings` over every page's findings and tests).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fbresearch.io.sample import sample_data
from fbresearch.present.findings import read_findings, read_tests, summary_note, top_findings
from tests.zoo.harness import execute_page, prepare

PAGES = ("overview", "segmentation", "topics", "drivers", "improvement", "closed_loop")


def build_export(root: Path, seed: int, n: int = 1500, shuffle: bool = True) -> dict[str, Any]:
    """Write the sample (random dates when ``shuffle``) as files; return the report params.

    Random dates are drawn uniformly over the sample's span, so every month has the same
    expected volume and mix: nothing changes from month to month, volume included. (A
    permutation of the dates would keep each month's real volume, a change that is true.)
    """
    sd = sample_data(n_responses=n, seed=seed)
    feedback = sd.feedback.copy()
    if shuffle:
        rng = np.random.default_rng(10_000 + seed)
        dates = feedback["submitted_at"]
        start, end = dates.min().value, dates.max().value
        feedback["submitted_at"] = pd.to_datetime(rng.integers(start, end, len(feedback)))
    root.mkdir(parents=True, exist_ok=True)
    feedback.to_parquet(root / "feedback.parquet")
    sd.orders.to_csv(root / "orders.csv", index=False)
    sd.invitations.to_csv(root / "invitations.csv", index=False)
    imp = sd.truth["improvement"]
    improvement = {
        "name": imp["name"],
        "change_date": str(imp["change_date"])[:10],
        "metric": imp["metric"],
        "treated_regions": list(imp["treated_regions"]),
        "control_regions": sorted(set(feedback["region"]) - set(imp["treated_regions"])),
        "group_column": "region",
    }
    return {
        "data": str(root / "feedback.parquet"),
        "orders": str(root / "orders.csv"),
        "invitations": str(root / "invitations.csv"),
        "seed": seed,
        "notebooks": {
            "topics": {"num_topics": 4, "seeds": 2},
            "drivers": {"bootstrap": 50},
            "improvement": {"improvements": [improvement]},
        },
    }


def summary_of(params: dict[str, Any], work: Path, pages=PAGES) -> dict[str, Any]:
    """Run ``pages`` in-process and choose the summary like the runner: findings, note, tests."""
    prepared = prepare(params, work)
    findings, tests = [], []
    with pytest.MonkeyPatch.context() as mp:
        for name in pages:
            if prepared.plan[name].status == "skipped":
                continue
            execute_page(prepared, name, mp)
            path = work / f"{name}.findings.json"
            findings.extend(read_findings(path))
            tests.extend(read_tests(path))
    top = top_findings(findings, 8, tests, 0.95)
    return {
        "top": top,
        "changes": [f for f in top if f.kind == "change"],
        "note": summary_note(findings, tests, "this month", 0.95),
        "tests": tests,
        "findings": findings,
    }


def null_run(seed: int, n: int = 1500, pages=PAGES) -> dict[str, Any]:
    """One seed of the null: the sample with random dates."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        params = build_export(root / "export", seed, n)
        return summary_of(params, root / "work", pages)
