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
