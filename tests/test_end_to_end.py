"""End to end: the CLI on the built-in sample with the real overview notebook, to a temp folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from fbresearch.report.params import DEFAULT_NOTEBOOKS_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def e2e(tmp_path_factory):
    if not (DEFAULT_NOTEBOOKS_DIR / "overview.ipynb").exists():
        pytest.skip("notebooks/overview.ipynb not written yet")
    root = tmp_path_factory.mktemp("e2e")
    params = root / "params.yaml"
    params.write_text(f"notebooks_dir: {DEFAULT_NOTEBOOKS_DIR}\npages: [overview]\n")
    out = root / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "fbresearch", "report", "--params", str(params), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    return done, out


def test_cli_report_succeeds_with_progress_line(e2e):
    done, out = e2e
    assert done.returncode == 0, done.stderr
    assert re.search(r"\[1/1\] overview \.\.\. (complete|partial) \d+\.\d s", done.stdout)
    assert (out / "index.html").exists() and (out / "2026-10" / "overview.html").exists()


def test_html_holds_headline_numbers_and_no_code(e2e, sample):
    from fbresearch.analyses.kpis import nps

    done, out = e2e
    # truth: NPS of the sample's October 2026 computed here with metrics.nps (1 decimal)
    frame = sample.feedback
    october = frame[frame["submitted_at"].dt.to_period("M") == "2026-10"]
    expected = f"{nps(october['nps'].dropna()).estimate:.1f}"
    index = (out / "2026-10" / "index.html").read_text()
    assert expected in index
    top = (out / "index.html").read_text()
    assert expected in top
    for page in out.rglob("*.html"):
        html = page.read_text()
        assert (
            "fb.load_inputs" not in html
            and "import fbresearch" not in html
            and "<script" not in html
        )


def test_manifest_complete(e2e):
    done, out = e2e
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["notebooks"][0]["status"] == "complete"
    assert manifest["data"]["source"].startswith("built-in sample")
    assert all(
        re.fullmatch(r"[0-9a-f]{64}", v["sha256"]) for v in manifest["data"]["canonical"].values()
    )
    assert manifest["data"]["rows"]["feedback"] > 4000
    assert {"pandas", "papermill", "python"} <= set(manifest["packages"])
