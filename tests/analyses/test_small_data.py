"""Every analysis of every page on awkward small data: a result or an Unavailable, never a crash.

The cases (issue 14): (a) only 3 responses in the report month, (b) every NPS answer missing,
(c) no ``customer_id`` column, (d) a single month of data. Each page's analyses are called as
its notebook calls them (through :func:`fbresearch.attempt`, which turns fbresearch's own
errors into an ``Unavailable`` with the reason), and every result is read as the page reads
it (summary, tables, charts, captions). A raw ``AttributeError``, ``KeyError`` or
``ValueError`` fails the test; so does an ``Unavailable`` without a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import fbresearch as fb
from fbresearch.analyses.topics import TopicsPage
from fbresearch.analyses.triage import category_kpis
from fbresearch.present.triage import category_table
from fbresearch.results import Unavailable


@dataclass
class Data:
    feedback: pd.DataFrame
    orders: pd.DataFrame | None
    invitations: pd.DataFrame | None
    period: pd.Period

    def recent(self, months: int) -> pd.DataFrame:
        month = self.feedback["submitted_at"].dt.to_period("M")
        return self.feedback[(month > self.period - months) & (month <= self.period)]


@pytest.fixture(scope="module")
def base() -> Any:
    return fb.sample_data(1500, seed=3)


def _case(base: Any, name: str) -> Data:
    feedback, orders = base.feedback.copy(), base.orders.copy()
    month = feedback["submitted_at"].dt.to_period("M")
    period = month.max()
    if name == "three_in_month":  # (a) only 3 responses in the report month
        last = feedback.index[month == period]
        feedback = feedback.drop(last[3:])
    elif name == "no_nps":  # (b) every NPS answer missing
        feedback["nps"] = pd.array([pd.NA] * len(feedback), dtype="Int64")
    elif name == "no_customer_id":  # (c) no customer ids (so no orders can be joined)
        feedback = feedback.drop(columns="customer_id")
    elif name == "one_month":  # (d) a single month of data
        feedback = feedback[month == period]
        orders = orders[orders["order_date"].dt.to_period("M") <= period]
    return Data(feedback.reset_index(drop=True), orders, base.invitations, period)


CASES = ["three_in_month", "no_nps", "no_customer_id", "one_month"]


def _read(result: Any, *captions: str, plot: bool = True) -> None:
    """Read a result as a page does; an Unavailable must say why."""
    if isinstance(result, Unavailable):
        assert result.summary().strip(), "an Unavailable without a reason"
        return
    result.summary()
    for caption in captions:
        getattr(result, caption)()
    if hasattr(result, "findings"):
        result.findings()
    if plot:
        result.plot()
        plt.close("all")


def _overview(d: Data) -> None:
    metrics = ["nps", "csat", "ces"]
    kpi = fb.attempt(fb.kpi_table, d.feedback, by="month", metrics=[*metrics, "volume"])
    if isinstance(kpi, Unavailable):
        _read(kpi)
        return
    kpi.last(1).summary()
    kpi.last(2).display_table()
    trend = kpi.last(12)
    for metric in metrics:
        trend.plot(metric=metric)
        trend.caption(metric)
    plt.close("all")
    current = d.recent(1)
    by_channel = fb.attempt(fb.kpi_table, current, by="channel", metrics=metrics)
    _read(by_channel)
    changes = fb.attempt(fb.kpi_table, d.feedback, by=["month", "channel"], metrics=metrics)
    if not isinstance(changes, Unavailable):
        changes.last(1).summary()
    rates = fb.attempt(fb.response_rate, d.invitations, d.feedback, by="channel", through=d.period)
    _read(rates)
    _read(fb.attempt(fb.acknowledged_within, current, hours=24, by="channel"))


def _segmentation(d: Data) -> None:
    rfm = fb.attempt(fb.rfm_segments, d.orders, asof=d.period)
    _read(rfm)
    features = fb.attempt(fb.customer_features, d.orders, d.feedback, asof=d.period)
    clusters = fb.attempt(
        fb.cluster_segments, features, ["recency_days", "orders", "spend", "tenure_days"]
    )
    _read(clusters)
    recent = d.recent(3)
    profile = fb.attempt(fb.profile_segments, rfm.assign(recent), "segment")
    _read(profile, "caption", "plot_caption")
    _read(fb.attempt(fb.profile_attributes, recent), "caption")
    _read(fb.attempt(fb.segment_migration, d.orders, d.period - 1, d.period))
    _read(fb.attempt(fb.churn_risk, d.feedback, d.orders, asof=d.period))


def _topics(d: Data) -> None:
    recent = d.recent(12).reset_index(drop=True)
    month = recent["submitted_at"].dt.to_period("M")
    page = TopicsPage.fit(recent, month, d.period, "the window", num_topics=2, seeds=2)
    shown: list[str] = []

    def show(item: Any, **kwargs: Any) -> None:
        shown.append(str(item))

    for section in ("summary", "overview", "prevalence", "emerging", "pain_points", "tone"):
        getattr(page, section)(show)
    page.selection(show)
    page.findings()
    plt.close("all")
    assert shown


def _drivers(d: Data) -> None:
    recent = d.recent(3)
    for outcome, model in (("nps", "ols"), ("csat", "ordinal")):
        matrix = fb.attempt(fb.importance_performance, recent, outcome, "rating_*", bootstrap=20)
        _read(matrix)
        regression = fb.attempt(fb.key_drivers, recent, outcome, "rating_*", model=model)
        _read(regression)
        trend = fb.attempt(fb.driver_trend, d.feedback, outcome, "rating_*", period=d.period)
        _read(trend)


def _improvement(d: Data) -> None:
    improvements = [
        {
            "name": "Faster delivery",
            "change_date": "2026-03-01",
            "metric": "csat",
            "treated_regions": ["East", "South"],
            "control_regions": ["North", "West"],
            "group_column": "region",
        }
    ]
    results = fb.attempt(fb.evaluate_improvements, d.feedback, improvements)
    for result in results if isinstance(results, list) else [results]:
        assert result.summary().strip()


def _closed_loop(d: Data) -> None:
    screen = fb.attempt(fb.suspicious_feedback, d.feedback)
    _read(screen)
    feedback = fb.add_triage_columns(d.feedback, screen=screen)
    month = feedback[feedback["submitted_at"].dt.to_period("M") == d.period]
    _read(fb.attempt(fb.categorize, month.get("text")))
    cats = fb.attempt(fb.categorize, feedback.get("text"))
    kpis = fb.attempt(category_kpis, feedback, cats, period=d.period)
    kpis.summary()
    kpis.display_table()
    if not isinstance(kpis, Unavailable):  # the page's table: one row per category
        assert len(category_table(kpis, cats)) == kpis.table["category"].nunique()
    for outcome in ("nps", "csat"):
        trend = fb.attempt(
            category_kpis,
            feedback,
            cats,
            period=d.period,
            months=12,
            metrics=["volume", outcome],
            trend=True,
        )
        trend.plot(metric=outcome)
        trend.caption(outcome)
        plt.close("all")
        loop = fb.attempt(fb.close_the_loop, feedback, asof=d.period.end_time, outcome=outcome)
        _read(loop, "caption", plot=False)
    graded = fb.attempt(fb.severity, feedback, None)
    mix = fb.attempt(fb.severity_mix, graded)
    _read(mix)
    cases = fb.add_triage_columns(feedback, cats, graded)
    times = fb.attempt(fb.response_times, cases, asof=d.period.end_time, window_days=93)
    _read(times)
    times.plot_survival()
    plt.close("all")


PAGES = {
    "overview": _overview,
    "segmentation": _segmentation,
    "topics": _topics,
    "drivers": _drivers,
    "improvement": _improvement,
    "closed_loop": _closed_loop,
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_analysis_gives_a_result_or_a_reason(base, page, case):
    PAGES[page](_case(base, case))


# ---------------------------------------------------------------------------------------------
# The reasons a reader gets in those cases


def test_no_customer_id_says_segments_need_it(base):
    d = _case(base, "no_customer_id")
    rfm = fb.rfm_segments(d.orders, asof=d.period)
    profile = fb.attempt(fb.profile_segments, rfm.assign(d.recent(3)), "segment")
    assert isinstance(profile, Unavailable)
    assert profile.summary() == (
        "Satisfaction by RFM segment is not shown: it needs a customer identifier on each "
        "response to match responses to customers' segments. Fix: map the customer column to "
        "'customer_id' (params columns:)."
    )
    loop = fb.close_the_loop(d.feedback, asof=d.period.end_time)
    assert "Without a customer identifier" in loop.summary()


def test_all_nps_missing_names_the_outcomes_the_data_has(base):
    d = _case(base, "no_nps")
    loop = fb.attempt(fb.close_the_loop, d.feedback, asof=d.period.end_time)
    assert isinstance(loop, Unavailable)
    assert "column 'nps' has no answers" in loop.summary()
    assert "set the page's outcome parameter to one the data has: csat, ces" in loop.summary()
    attributes = fb.profile_attributes(d.recent(3), metrics=["nps", "csat"])
    assert set(attributes.table["metric"]) == {"CSAT"}
    assert "NPS is left out: the data has no nps answers." in attributes.summary()
    regression = fb.attempt(fb.key_drivers, d.recent(3), "nps", "rating_*")
    assert isinstance(regression, Unavailable) and "no answers" in regression.summary()


def test_three_responses_in_the_month_are_never_called_different(base):
    d = _case(base, "three_in_month")
    current = d.recent(1)
    assert len(current) == 3
    res = fb.profile_attributes(current, metrics=["nps"])
    assert res.table["small_sample"].all() and not res.table["significant"].any()
    assert "too few to say" in res.summary()
