"""Tests of fbresearch.present.plots.drivers: the driver charts draw."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers import importance_performance, key_drivers


def ip_frame(n: int, seed: int) -> pd.DataFrame:
    """Three 1-5 ratings; the outcome follows a and b."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, 3)).astype(float)
    frame = pd.DataFrame(x, columns=["rating_a", "rating_b", "rating_c"])
    frame["nps"] = 1.5 * x[:, 0] + 1.5 * x[:, 1] + 0.3 * x[:, 2] + rng.normal(size=n)
    return frame


def test_plots_draw_without_error():
    import matplotlib.pyplot as plt

    frame = ip_frame(400, seed=18)
    result = importance_performance(frame, "nps", "rating_*", bootstrap=20)
    coefficients = key_drivers(frame, "nps", "rating_*")
    for ax in (result.plot(), result.plot_importance(), coefficients.plot()):
        assert ax.get_title()
        plt.close(ax.figure)


def test_trend_chart_draws_the_change():
    import matplotlib.pyplot as plt

    from fbresearch.analyses.drivers import driver_trend

    rng = np.random.default_rng(3)
    frame = ip_frame(600, seed=3)
    days = pd.to_timedelta(rng.integers(0, 120, len(frame)), unit="D")
    frame["submitted_at"] = pd.Timestamp("2026-07-01") + days
    trend = driver_trend(frame, "nps", "rating_*", period="2026-10")
    ax = trend.plot()
    assert "now and before" in ax.get_title()
    assert ax.get_xlabel().startswith("Points on the 0-10 likelihood-to-recommend answer")
    plt.close(ax.figure)
