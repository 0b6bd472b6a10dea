"""fbresearch.analyses.journey.profile and the journey chart: per-stage categories and drivers
against the sample's planted routing and driver weights."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import fbresearch as fb
from fbresearch.analyses.journey import journey_kpis, stage_profiles


def _window(seed=0):
    s = fb.sample_data(5000, seed=seed)
    frame = fb.load_feedback(s.feedback).frame
    return s, frame[frame["submitted_at"] >= "2026-08-01"]


def test_delivery_stage_is_about_deliveries_and_driven_by_the_delivery_rating():
    s, window = _window()
    p = stage_profiles(window, outcome="nps")
    weak = s.truth["journey"]["weak_stage"]
    top = p.table[(p.table["stage"] == weak) & (p.table["rank"] == 1)]
    # bad deliveries are routed to the delivery stage: its main category is the delivery topic's
    assert top["category"].item() == s.truth["category_of_topic"]["delivery"]
    assert top["ci_low"].item() > 0.3  # about half its texts (others' top share is under 0.4)
    others = p.table[(p.table["stage"] != weak) & (p.table["rank"] == 1)]
    assert (others["estimate"] < top["ci_low"].item()).all()
    # the planted weights: delivery 0.6 is the strongest driver of the NPS answer at every stage
    drv = p.drivers[p.drivers["stage"] == weak].set_index("term")
    assert drv["coef"].idxmax() == "rating_delivery"
    low, high = drv.loc["rating_delivery", ["ci_low", "ci_high"]]
    assert low <= s.truth["driver_weights"]["rating_delivery"] <= high
    table = p.display_table()
    assert "delivery" in p.summary() and len(table) == 12  # 3 categories and drivers a stage
    assert table.loc[table["Stage"] == weak, "Driver"].iloc[0] == "Delivery"


def test_small_stages_say_why_and_text_sampling_is_seeded():
    frame = pd.DataFrame(
        {"touchpoint": ["a"] * 5 + ["b"] * 50, "text": ["the app crashed on login"] * 55}
    )
    p = stage_profiles(frame, outcome=None, max_texts=30)
    assert "5 texts" in p.notes["a"] and p.table["stage"].unique().tolist() == ["b"]
    assert p.table["n"].iloc[0] == 30  # a sample of at most max_texts texts
    again = stage_profiles(frame, outcome=None, max_texts=30)
    pd.testing.assert_frame_equal(p.table, again.table)


def test_journey_chart_marks_the_largest_drop():
    frame = pd.DataFrame(
        {
            "touchpoint": np.repeat(["awareness", "purchase", "delivery", "support"], 80),
            "nps": np.r_[
                np.tile([10, 9, 8, 3], 20),
                np.tile([10, 10, 9, 3], 20),
                np.tile([2, 3, 9, 7], 20),
                np.tile([10, 8, 3, 9], 20),
            ],
        }
    )
    r = journey_kpis(frame, metrics=["nps"])
    ax = r.plot()
    marked = [line for line in ax.lines if line.get_label().startswith("largest drop")]
    assert len(marked) == 1 and list(marked[0].get_xdata()) == [1, 2]
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == [s.capitalize() for s in r.stages]
    assert "n = 80" in ax.get_xticklabels()[0].get_text()
    plt.close("all")
