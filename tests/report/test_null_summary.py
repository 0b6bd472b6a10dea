"""Issue 15 acceptance, in make test: on data with no real change the executive summary says
so; a real change and the sample's planted differences are still found.

The 40-seed figure is printed by tests/benchmarks/bench_null_summary.py. Here, 4 seeds of the
null (the sample's ``submitted_at`` drawn at random, 1,500 responses) on the pages that
test changes (overview, topics, improvement), allowing at most one seed with a kept change:
a correct rule (at most 5% of seeds) fails this with probability P(Bin(4, 0.05) >= 2) = 1.4%,
while the unadjusted rule of before (any of about 28 change tests at p < 5%: about 75% of
seeds) passes it with probability P(Bin(4, 0.75) <= 1) = 5%. (4 seeds keep the test near a
minute on the shared machine; the benchmark's 40 seeds give the figure.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.null_summary import build_export, summary_of

CHANGE_PAGES = ("overview", "topics", "improvement")


@pytest.mark.slow
def test_no_real_change_means_no_significant_change_in_the_summary(tmp_path):
    kept = []
    for seed in range(4):
        params = build_export(tmp_path / f"e{seed}", seed)
        run = summary_of(params, tmp_path / f"w{seed}", CHANGE_PAGES)
        assert sum(t["kind"] == "change" for t in run["tests"]) >= 10  # the family is there
        if run["changes"]:
            kept.append((seed, [f.sentence for f in run["changes"]]))
        else:
            assert run["note"].startswith("No significant change this month")
    assert len(kept) <= 1, kept


@pytest.mark.slow
def test_a_real_change_and_the_planted_differences_are_still_found(tmp_path):
    # a planted fall: in the report month (October 2026) 70% of NPS answers become 0
    params = build_export(tmp_path / "e", 0)
    frame = pd.read_parquet(params["data"])
    october = frame["submitted_at"].dt.to_period("M") == pd.Period("2026-10", "M")
    rng = np.random.default_rng(5)
    hit = october & frame["nps"].notna() & (rng.random(len(frame)) < 0.7)
    frame.loc[hit, "nps"] = 0
    frame.to_parquet(params["data"])
    run = summary_of(params, tmp_path / "w", CHANGE_PAGES)
    assert any(f.analysis == "overview" and "NPS" in f.sentence and "significant fall"
               in f.sentence for f in run["changes"]), run["note"]  # fmt: skip
    assert not run["note"].startswith("No significant change")
    # the sample's planted region differences and detractors' churn (dates as planted)
    sample = build_export(tmp_path / "s", 0, shuffle=False)
    run = summary_of(sample, tmp_path / "ws", ("segmentation",))
    found = [f.sentence for f in run["top"] if f.kind == "difference"]
    assert any("region" in s for s in found) and any("Detractors" in s for s in found), found
