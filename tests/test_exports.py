"""Real exports: a company's own file without orders still gets a whole report.

The page-level truth: satisfaction by customer attribute recovers a planted regional gap and
calls nothing significant where nothing was planted; the end-to-end run is the README's own
path for own data (``fbresearch sample`` then ``fbresearch report --data``) with no orders file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.segments import profile_attributes, rfm_segments, segment_attributes
from fbresearch.results import Unavailable, attempt

PAGES = (
    "overview", "segmentation", "topics", "drivers", "improvement", "closed_loop", "value",
    "journey",
)  # fmt: skip


def _survey(n: int = 4000, gap: float = 0.25, seed: int = 1) -> pd.DataFrame:
    """Promoter share 0.45 + gap in region North, 0.45 elsewhere; detractors 0.25 everywhere."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["North", "South", "East", "West"], size=n, p=[0.2, 0.3, 0.3, 0.2])
    p_promoter = np.where(region == "North", 0.45 + gap, 0.45)
    u = rng.random(n)
    nps = np.where(u < p_promoter, 10, np.where(u < p_promoter + 0.25, 3, 8))
    return pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(n)],
            "nps": nps,
            "region": region,
            "age": rng.integers(18, 80, size=n),  # no effect planted
            "travel_type": rng.choice(["business", "personal"], size=n),  # none either
            "free_text_id": [f"x{i}" for i in range(n)],  # id-like: never a segment
        }
    )


def test_segment_attributes_keeps_descriptors_and_skips_ids_scores_and_flags():
    frame = _survey(200).assign(rating_seat=3, flag_duplicate=False, csat=4)
    assert segment_attributes(frame) == ["region", "age", "travel_type"]


def test_a_planted_regional_gap_is_found_and_nothing_else_is_called_different():
    res = profile_attributes(_survey(), metrics=("nps",))
    table = res.table.set_index("segment")
    north = table.loc["region: North"]
    # planted: North 70 - 25 = 45 points, the rest 45 - 25 = 20 points: a 25-point gap
    assert north["ci_low"] <= 45 <= north["ci_high"]
    assert north["diff_low"] <= 25 <= north["diff_high"] and north["significant"]
    others = table.drop(index=[s for s in table.index if s.startswith("region")])
    assert not others["significant"].any()
    assert sorted(set(table["attribute"])) == ["age", "region", "travel_type"]
    assert (table["attribute"] == "age").sum() == 4  # numeric: four bands


def test_holm_runs_over_every_group_of_every_attribute():
    res = profile_attributes(_survey(gap=0.0), metrics=("nps",))
    t = res.table
    raw = t["p_value"].to_numpy()
    order = np.argsort(raw)
    m = len(raw)
    by_hand = np.maximum.accumulate(np.minimum(1, (m - np.arange(m)) * raw[order]))
    assert np.allclose(t["p_holm"].to_numpy()[order], by_hand)


def test_a_missing_orders_file_is_named_and_propagates_without_a_crash():
    needs = "an orders file (customer_id, order_date, amount)"
    rfm = attempt(rfm_segments, None, what="RFM segmentation", needs=needs)
    assert isinstance(rfm, Unavailable)
    assert rfm.summary() == f"RFM segmentation is not shown: it needs {needs}."
    later = attempt(profile_attributes, rfm.assign(_survey(50)), what="Profile", needs=needs)
    assert later.summary() == f"Profile is not shown: it needs {needs}."
    # every optional method answers with the stand-in itself: a page needs no guards
    assert rfm.plot() is rfm and rfm.trend(3) is rfm and rfm.findings() == []


@pytest.mark.slow
def test_report_on_an_own_export_without_orders_writes_every_page(tmp_path):
    data = tmp_path / "export.csv"
    run = [sys.executable, "-m", "fbresearch"]
    made = subprocess.run(
        [*run, "sample", "--out", str(data), "--n", "1500"], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    out = tmp_path / "reports"
    done = subprocess.run(
        [*run, "report", "--data", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (period,) = [p for p in out.iterdir() if re.fullmatch(r"\d{4}-\d{2}", p.name)]
    manifest = json.loads((period / "manifest.json").read_text())
    status = {nb["name"]: nb["status"] for nb in manifest["notebooks"]}
    # every page is planned; the fictional improvement of the sample is not run on "own" data
    # no orders (segmentation) and no invitations (overview's response rate) in an own export
    partial = ("segmentation", "overview")
    # the value page needs orders: skipped, like the improvement page without improvements
    assert status == {p: "partial" if p in partial else "complete" for p in PAGES} | {
        "improvement": "skipped",
        "value": "skipped",
    }, status
    for page in PAGES:
        if status[page] == "skipped":
            assert not (period / f"{page}.html").exists()
            continue
        html = (period / f"{page}.html").read_text()
        assert "Traceback" not in html and "AttributeError" not in html, page
    seg = (period / "segmentation.html").read_text()
    assert "Left out of this page" in seg and "needs an orders file" in seg
    assert "NPS and CSAT by customer attribute" in seg
    # no caption for a chart or table the page does not have
    assert "Share of customers and share of revenue by RFM segment" not in seg
    assert "Odds ratios of lapsing" not in seg
