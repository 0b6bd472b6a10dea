"""fbresearch.present.plots.outlook: the whole history is drawn and the forecast joins it."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.outlook import kpi_outlook
from fbresearch.results import Result


class _Kpi(Result):
    pass


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def outlook():
    values = np.r_[10.0, 12, 9, 11, 10, 13, 12, 11, 14, 12, 13, 15]
    months = pd.period_range("2025-01", periods=len(values), freq="M")
    table = pd.DataFrame({"month": months, "metric": "nps", "estimate": values, "se": 3.0})
    return kpi_outlook(_Kpi(table=table), ["nps"])


def _line(ax, label):  # noqa: ANN001, ANN202
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    x = [mdates.num2date(v).strftime("%Y-%m") for v in mdates.date2num(line.get_xdata())]
    return x, np.asarray(line.get_ydata(), float)


def test_every_month_of_the_history_is_drawn(outlook):
    x, y = _line(outlook.plot(metric="nps"), "observed")
    assert x[0] == "2025-01" and x[-1] == "2025-12" and len(x) == 12
    assert y[0] == 10.0 and y[-1] == 15.0


def test_forecast_line_starts_at_the_last_observed_month(outlook):
    x, y = _line(outlook.plot(metric="nps"), "forecast")
    assert x == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert y[0] == 15.0
    np.testing.assert_allclose(y[1:], outlook.forecasts["forecast"])
