"""fbresearch.report.plan: page plans from hand-built data summaries, and trimmed notebooks."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from fbresearch.report.pages import PAGES
from fbresearch.report.params import DEFAULT_NOTEBOOKS_DIR, load_params
from fbresearch.report.plan import DataSummary, PagePlan, SectionPlan, plan_pages, trim_notebook

RATINGS = {f"rating_{a}": 500 for a in ("delivery", "quality", "price")}
FULL = {
    "nps": 500,
    "csat": 500,
    "ces": 400,
    "text": 450,
    "channel": 600,
    "customer_id": 600,
    "responded_at": 300,
    "touchpoint": 600,
    **RATINGS,
}


def summary(drop=(), files=("orders", "invitations"), months=12, improvements=1, **answers):
    counts = {k: v for k, v in {**FULL, **answers}.items() if k not in drop}
    return DataSummary(
        "2026-10",
        answers=counts,
        answers_in_period=counts,
        months=months,
        files=frozenset(files),
        improvements=improvements,
        attributes=("region", "age"),
    )


@pytest.fixture(scope="module")
def params():
    return load_params({"notebooks": {name: {} for name in PAGES}})


def sections(plan):
    return {s.key: s for s in plan.sections}


def test_everything_present_every_page_complete(params):
    plans = plan_pages(summary(), params)
    assert {n: p.status for n, p in plans.items()} == dict.fromkeys(PAGES, "complete")
    assert all(p.parameters == {} and p.notes == () for p in plans.values())


def test_no_orders_segmentation_partial_with_attributes(params):
    plan = plan_pages(summary(files=("invitations",)), params)["segmentation"]
    s = sections(plan)
    assert plan.status == "partial"
    assert {k for k, v in s.items() if not v.included} == {
        "rfm",
        "clusters",
        "rfm_satisfaction",
        "migration",
        "churn",
    }
    assert s["attributes"].included
    assert s["churn"].reason == "needs an orders file"
    assert s["churn"].fix == 'name your orders export in params: orders: "orders.csv"'
    assert [d["section"] for d in plan.left_out][:2] == ["rfm", "clusters"]


def test_no_orders_and_no_attributes_skips_segmentation(params):
    s = summary(files=())
    s = DataSummary(s.period, s.answers, s.answers_in_period, s.months, s.files, 1, ())
    plan = plan_pages(s, params)["segmentation"]
    assert plan.status == "skipped"
    assert sections(plan)["attributes"].reason.startswith("needs a customer attribute")


def test_no_text_skips_topics_and_trims_closed_loop(params):
    plans = plan_pages(summary(drop=("text",)), params)
    topics = plans["topics"]
    assert topics.status == "skipped" and not any(s.included for s in topics.sections)
    assert topics.sections[0].reason == "needs the customers' comments"
    assert topics.sections[0].fix == 'map your comment column in params: columns: {text: "Comment"}'
    closed = plans["closed_loop"]
    assert closed.status == "partial" and [d["section"] for d in closed.left_out] == [
        "suspicious",
        "categories",
    ]


def test_empty_text_column_says_it_is_empty(params):
    plan = plan_pages(summary(text=0), params)["topics"]
    assert plan.status == "skipped"
    assert plan.sections[0].reason == "needs the customers' comments: there are none up to 2026-10"


def test_no_nps_drivers_use_csat_and_say_it(params):
    plans = plan_pages(summary(drop=("nps",)), params)
    drivers = plans["drivers"]
    assert drivers.status == "complete"
    assert drivers.parameters == {"outcome": "csat"}
    assert drivers.notes == ("This page uses CSAT: the data has no NPS answers.",)
    assert plans["topics"].parameters == {"pain_metric": "csat"}
    assert plans["overview"].parameters == {"metrics": ["csat", "ces"]}


def test_only_satisfied_drivers_use_logit(params):
    plans = plan_pages(summary(drop=("nps", "csat", "ces"), satisfied=300), params)
    assert plans["drivers"].parameters == {"outcome": "satisfied", "model": "logit"}
    assert plans["overview"].parameters == {"metrics": ["satisfied"]}


def test_user_chosen_outcome_is_never_overridden():
    params = load_params({"notebooks": {"drivers": {"outcome": "ces", "model": "ols"}}})
    plan = plan_pages(summary(drop=("nps", "ces")), params)["drivers"]
    assert plan.parameters == {} and plan.notes == ()


def test_outcome_written_out_at_its_default_still_falls_back():
    # params/monthly.yaml writes every default out (outcome: nps); that is not a choice
    params = load_params({"notebooks": {"drivers": {"outcome": "nps", "model": "ols"}}})
    plan = plan_pages(summary(drop=("nps", "csat", "ces"), satisfied=90), params)["drivers"]
    assert plan.parameters == {"outcome": "satisfied", "model": "logit"}
    logit = load_params({"notebooks": {"drivers": {"model": "ordinal"}}})
    assert plan_pages(summary(drop=("nps",)), logit)["drivers"].parameters == {"outcome": "csat"}


def test_no_channel_overview_partial(params):
    plan = plan_pages(summary(drop=("channel",)), params)["overview"]
    assert plan.status == "partial"
    assert [d["section"] for d in plan.left_out] == ["channel", "response_rate"]
    assert (
        plan.left_out[0]["fix"]
        == 'map your channel column in params: columns: {channel: "Channel"}'
    )


def test_no_improvements_skips_improvement(params):
    plan = plan_pages(summary(improvements=0), params)["improvement"]
    assert plan.status == "skipped"
    assert plan.left_out[0]["reason"].startswith("needs the improvements made to be listed")


def test_one_month_and_one_rating(params):
    plans = plan_pages(summary(months=1, drop=("rating_price", "rating_quality")), params)
    assert plans["drivers"].status == "skipped"
    assert plans["drivers"].sections[0].reason == (
        "needs answers to at least 2 attribute ratings, such as delivery or price (found 1)"
    )
    topics = plans["topics"]
    assert topics.status == "partial"
    assert [d["section"] for d in topics.left_out] == ["prevalence", "emerging"]
    assert (
        topics.left_out[0]["reason"]
        == "needs responses in at least 2 months up to 2026-10 (found 1)"
    )


def test_data_summary_counts_up_to_and_in_period():
    frame = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(
                ["2026-08-01", "2026-09-03", "2026-10-02", "2026-10-05", "2026-11-01"]
            ),
            "nps": pd.array([None, 9, 3, None, 10], dtype="Int64"),
            "text": ["", "slow", None, "  ", "late"],
            "channel": ["app", "web", "app", "web", "app"],
            "age": [20, 30, 40, 50, 60],
        }
    )
    s = DataSummary.from_frame(frame, "2026-10", ["orders"], {"pages": []})
    assert s.answers["nps"] == 2 and s.answers_in_period["nps"] == 1  # November not counted
    assert s.answers["text"] == 1 and s.answers_in_period["text"] == 0
    assert s.months == 3 and s.files == frozenset({"orders"}) and s.improvements == 0
    assert s.attributes == ("age",)  # channel is canonical
    params = {"notebooks": {"improvement": {"improvements": [{"name": "a"}, {"name": "b"}]}}}
    assert DataSummary.from_frame(frame, "2026-10", [], params).improvements == 2
    none = {"notebooks": {"improvement": {"improvements": None}}}
    assert DataSummary.from_frame(frame, "2026-10", [], none).improvements == 0


def test_own_data_does_not_count_the_notebooks_sample_improvement(tmp_path):
    frame = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01"]), "nps": [9]})
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    sample = load_params({"notebooks": {"improvement": {}}})
    own = load_params({"notebooks": {"improvement": {}}, "data": str(data)})
    assert DataSummary.from_frame(frame, "2026-10", [], sample).improvements == 1
    assert DataSummary.from_frame(frame, "2026-10", [], own).improvements == 0


# --------------------------------------------------------------------------- trim_notebook


def tagged(nb):
    return [(c.metadata.get("tags") or [None])[0] for c in nb.cells]


def test_every_section_has_tagged_cells_and_tags_name_known_sections():
    for name, page in PAGES.items():
        nb = nbformat.read(DEFAULT_NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        tags = {t for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith("section:")}
        assert tags == {f"section:{s.key}" for s in page.sections}, name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert not any(
            t.startswith("section:") for c in code[:2] for t in c.metadata.get("tags", [])
        )
        assert not code[-1].metadata.get("tags")  # the findings cell


def test_trim_removes_exactly_the_tagged_cells_and_adds_one_note(params):
    nb = nbformat.read(DEFAULT_NOTEBOOKS_DIR / "segmentation.ipynb", as_version=4)
    plan = plan_pages(summary(files=()), params)["segmentation"]
    trimmed = trim_notebook(nb, plan)
    excluded = {f"section:{d['section']}" for d in plan.left_out}
    kept = [c for c in nb.cells if not set(c.metadata.get("tags", [])) & excluded]
    # the note, then every kept cell in order; stubs only where removed cells defined names
    body = [c for c in trimmed.cells if "plan-stub" not in c.metadata.get("tags", [])]
    assert body[0].source == nb.cells[0].source and "plan-note" in body[1].metadata["tags"]
    assert [c.source for c in body[2:]] == [c.source for c in kept[1:]]
    note = body[1].source
    assert "and Churn risk**: needs an orders file.\n" in note
    # the params line goes to the one "For analysts:" line, not into the reason
    assert note.endswith('*For analysts:* name your orders export in params: orders: "orders.csv".')
    assert note.count("needs an orders file") == 1 and "**RFM segments: size and revenue, " in note
    assert "## " not in note  # no heading of a section that is left out
    assert len(nb.cells) == 17  # the source is untouched
    stubs = [c.source for c in trimmed.cells if "plan-stub" in c.metadata.get("tags", [])]
    # `recent` (set in the RFM-satisfaction cell) is used by the attributes cell: re-run there;
    # results of left-out analyses become None for write_findings
    assert any("recent = inputs.recent(profile_months)" in s for s in stubs)
    assert any("rfm = None" in s for s in stubs) and any("churn = None" in s for s in stubs)


def test_trim_of_complete_page_without_notes_changes_nothing(params):
    nb = nbformat.read(DEFAULT_NOTEBOOKS_DIR / "drivers.ipynb", as_version=4)
    plan = plan_pages(summary(), params)["drivers"]
    assert trim_notebook(nb, plan).cells == nb.cells


def test_trim_note_names_the_fallback_outcome():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1")]
    plan = PagePlan(
        "d",
        "complete",
        (SectionPlan("a", "A", True),),
        {"outcome": "csat"},
        ("This page uses CSAT: the data has no NPS answers.",),
    )
    cells = trim_notebook(nb, plan).cells
    assert [c.source for c in cells] == [
        "# T",
        "This page uses CSAT: the data has no NPS answers.",
        "x = 1",
    ]


def test_no_orders_value_page_skipped_naming_the_orders_file(params):
    plan = plan_pages(summary(files=("invitations",)), params)["value"]
    assert plan.status == "skipped"
    assert "needs an orders file" in plan.summary()


def test_value_page_complete_with_orders(params):
    assert plan_pages(summary(), params)["value"].status == "complete"


def test_journey_page_is_skipped_without_touchpoint_and_says_which_column(params):
    plan = plan_pages(summary(drop=("touchpoint",)), params)["journey"]
    assert plan.status == "skipped"
    reasons = {s["reason"] for s in plan.left_out}
    assert reasons == {"needs the journey stage of each response"}
    assert any("columns: {touchpoint:" in s["fix"] for s in plan.left_out)
    # with the column it runs whole, even without texts or scores (volume per stage)
    plan = plan_pages(summary(drop=("text", "nps", "csat", "ces")), params)["journey"]
    assert plan.status == "complete"
