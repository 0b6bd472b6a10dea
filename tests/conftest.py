"""Shared fixtures: the built-in sample (built once) and the optional real data in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FBRESEARCH_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def sample():
    """The default built-in sample (5,000 responses, seed 0)."""
    from fbresearch.io.sample import sample_data

    return sample_data()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public review data; the test is skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real review data not found at {SHARED_DATA} (optional)")
    return SHARED_DATA


# Benchmarks are run by `make bench`, not collected as tests or doctests.
collect_ignore = ["benchmarks"]


#: Seconds the slowest files take in `make test` (2 workers, --dist loadfile, measured). Files are
#: handed to the workers whole, in collection order (the Makefile's --no-loadscope-reorder); this
#: hook puts these first, longest first, so that no long file starts near the end while the other
#: worker runs dry (longest-processing-time order). Only the order of the files changes, never
#: what runs: a file missing here keeps its place after them, a stale figure only costs time.
SLOW_FILES = {
    "tests/report/test_zoo.py": 255,
    "tests/report/test_units.py": 68,
    "tests/test_confidence_level.py": 60,  # makes the shared monthly report (shared_runs.py)
    "tests/analyses/segments/test_clusters.py": 51,
    "tests/analyses/test_small_data.py": 49,
    "tests/analyses/kpis/test_units.py": 49,
    "tests/report/test_cluster.py": 46,
    "tests/report/test_null_summary.py": 40,
    "tests/test_exports.py": 39,
    "tests/report/test_runner_cleanup.py": 34,
    "tests/report/test_redaction_run.py": 32,
    "tests/report/test_report_exports.py": 31,
    "tests/test_report.py": 30,
    "tests/test_impact.py": 26,
    "tests/analyses/journey/test_estimate.py": 25,
    "tests/analyses/outlook/test_forecast.py": 23,
    "tests/report/test_runner.py": 23,
    "tests/analyses/impact/test_its.py": 23,
    "tests/test_end_to_end.py": 19,
    "tests/analyses/impact/test_did.py": 19,
    "notebooks/topics.ipynb": 17,
    "tests/report/test_real_reviews.py": 16,
    "tests/analyses/segments/test_churn.py": 13,
    "tests/test_browser.py": 13,  # reads the shared monthly report, made long before
    "tests/test_triage.py": 13,
    "tests/analyses/kpis/test_table.py": 12,
    "tests/analyses/drivers/test_links.py": 12,
    "notebooks/closed_loop.ipynb": 11,
    "tests/engines/test_engines_agree.py": 11,
    "tests/engines/test_large.py": 11,
    "tests/test_topics.py": 11,
    "tests/analyses/drivers/test_trend.py": 11,
}


def pytest_collection_modifyitems(config, items):
    """The slow files first, longest first; the others after them in their own order."""
    where = {id(item): i for i, item in enumerate(items)}

    def key(item):
        path = item.nodeid.split("::", 1)[0]
        return (-SLOW_FILES.get(path, 0), where[id(item)])

    items.sort(key=key)
