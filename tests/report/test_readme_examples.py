"""The README's own-data examples run: its survey-only and reviews-only params, on exports with
exactly those headers (the data zoo's shapes), plan a report with the expected page statuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from zoo.shapes import build_reviews_only, build_survey_only

from fbresearch.report.runner import run_report

README = Path(__file__).resolve().parents[2] / "README.md"


def _example(name: str) -> dict:
    text = README.read_text(encoding="utf-8")
    block = re.search(rf"```yaml\n# params/{re.escape(name)}:.*?\n(.*?)```", text, re.S)
    assert block, f"README has no params/{name} example"
    return yaml.safe_load(block.group(1))


@pytest.mark.parametrize(
    ("name", "build", "expected"),
    [
        (
            "passenger-survey.yaml",
            build_survey_only,
            {"overview": "partial", "segmentation": "partial", "topics": "skipped",
             "drivers": "partial", "improvement": "skipped", "closed_loop": "partial",
             "value": "skipped", "journey": "skipped"},
        ),
        (
            "reviews.yaml",
            build_reviews_only,
            {"overview": "partial", "segmentation": "skipped", "topics": "complete",
             "drivers": "skipped", "improvement": "skipped", "closed_loop": "partial",
             "value": "skipped", "journey": "skipped"},
        ),
    ],
)  # fmt: skip
def test_readme_examples_plan_a_report(tmp_path, name, build, expected):
    _, files = build(tmp_path)
    params = {**_example(name), "data": str(files["feedback"])}
    run = run_report(params, out=tmp_path / "reports", dry_run=True, progress=None)
    assert {page: plan.status for page, plan in run.plan.items()} == expected


def test_the_samples_fictional_improvement_never_runs_on_a_users_data(tmp_path):
    # issue 14: `improvement: {}` ran "Faster delivery" (East/South) on the user's own data
    _, files = build_reviews_only(tmp_path)
    params = {**_example("reviews.yaml"), "data": str(files["feedback"])}
    params["notebooks"] = {"improvement": {}}
    run = run_report(params, out=tmp_path / "reports", dry_run=True, progress=None)
    plan = run.plan["improvement"]
    assert plan.status == "skipped"
    assert plan.left_out[0]["reason"].startswith("needs the improvements made to be listed")
