"""Tests for fbresearch.report.units: unit reports, their params, anonymity and determinism.

The comparison's statistics are tested in tests/analyses/kpis/test_units.py; here: the params,
the plan, folder names, the index's anonymity, and one small end-to-end run (a tiny region,
1 vs 2 workers byte-for-byte on every unit page's tables and findings).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from fbresearch.errors import ParamsError
from fbresearch.io.sample import sample_data
from fbresearch.report.params import load_params
from fbresearch.report.runner import run_report
from fbresearch.report.units import anonymous_kpis, folder_name, plan_units

ANONYMITY = "fewer than 10 responses: not shown to protect anonymity"


def test_params_defaults_and_checks():
    report = load_params({"pages": []}).report
    assert report["by"] is None and report["min_responses"] == 10
    assert report["unit_pages"] == ["overview", "closed_loop"]
    with pytest.raises(ParamsError, match="report.unit_pages.*Did you mean 'overview'"):
        load_params({"pages": [], "report": {"unit_pages": ["overveiw"]}})
    with pytest.raises(ParamsError, match="report.min_responses"):
        load_params({"pages": [], "report": {"min_responses": 0}})
    with pytest.raises(ParamsError, match="report.by"):
        load_params({"pages": [], "report": {"by": ["region"]}})


def test_unknown_unit_column_is_refused_before_anything_runs():
    frame = sample_data(300, 0).feedback
    with pytest.raises(ParamsError, match="'branch'.*not a column.*region"):
        plan_units(load_params({"pages": []}), frame, "2026-10", {}, by="branch")
    assert plan_units(load_params({"pages": []}), frame, "2026-10", {}) is None


def test_folder_names_are_safe_unique_and_redacted():
    used: set[str] = set()
    names = [folder_name(v, used) for v in ("../../etc", "A/B", "a b", "a-b", "x@example.com")]
    assert names == ["etc", "a-b", "a-b-2", "a-b-3", "email"]
    assert all(re.fullmatch(r"[\w-]+", n) for n in names)


def test_unit_kpis_drop_cells_below_the_threshold():
    kpis = [
        {"name": "NPS", "n": 12, "previous": {"n": 30}, "change": 2.0, "previous_period": "x"},
        {"name": "CSAT", "n": 9},
    ]
    assert anonymous_kpis(kpis, 10) == [kpis[0]]


def _quick_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        "period = None\ninputs_path = None\nseed = 0\nfindings_path = None"
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Quick KPIs"),
        params,
        nbformat.v4.new_code_cell(
            "import fbresearch as fb\n"
            "inputs = fb.load_inputs(inputs_path, period=period, seed=seed)\n"
            "kpi = fb.kpi_table(inputs.feedback, by='month', metrics=['nps', 'csat']).last(1)\n"
            "fb.show(kpi.display_table())\n"
            "fb.write_findings(findings_path, kpi, analysis='quick')"
        ),
    ]
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _strip(text: str) -> str:
    text = re.sub(r'<time class="fb-run-time">.*?</time>', "", text)
    return re.sub(r'<span class="fb-timing">.*?</span>', "", text)


@pytest.mark.slow
def test_unit_reports_end_to_end_tiny_region_and_workers(tmp_path):
    frame = sample_data(1200, 0).feedback.copy()
    october = frame.index[frame["submitted_at"].dt.to_period("M") == "2026-10"]
    frame.loc[october[:4], "region"] = "Tiny"  # 4 responses: below the threshold
    data = tmp_path / "data.parquet"
    frame.to_parquet(data)
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _quick_notebook(nbs / "quick.ipynb")
    params = {
        "data": str(data),
        "notebooks_dir": str(nbs),
        "pages": ["quick"],
        "report": {"by": "region", "unit_pages": ["quick"]},
    }
    runs = {w: run_report(params, out=tmp_path / f"w{w}", workers=w, progress=None) for w in (1, 2)}
    folder = tmp_path / "w1" / "2026-10"
    # Tiny alone hidden would be the organisation minus the others: the smallest region
    # (fewest October responses) is hidden too (complementary suppression)
    counts = frame.loc[frame["submitted_at"].dt.to_period("M") == "2026-10", "region"]
    smallest = counts[counts != "Tiny"].value_counts().sort_index().idxmin()
    regions = {"east", "north", "south", "west"} - {smallest.lower()}
    assert sorted(p.name for p in (folder / "units").iterdir()) == sorted(regions)
    block = runs[1].manifest["units"]
    tiny = next(u for u in block["units"] if u["name"] == "Tiny")
    assert tiny["suppressed"] and tiny["kpis"] == [] and tiny["href"] is None
    second = next(u for u in block["units"] if u["name"] == smallest)
    assert second["suppressed"] and second["href"] is None and "worked out" in second["verdict"]
    index = (folder / "index.html").read_text()
    row = re.search(r"<tr><td>Tiny</td>(.*?)</tr>", index).group(1)
    text = re.sub(r"<[^>]+>", "", row)  # the cell's text: no count, no KPI
    assert ANONYMITY in text and not re.search(r"\d", text.replace("10 responses", ""))
    east = (folder / "units" / "east" / "index.html").read_text()
    assert "East compared with the rest of the organisation" in east
    assert "../../index.html" in east and (folder / "units" / "east" / "quick.html").exists()
    # 1 and 2 workers: identical unit pages (tables, findings), run times aside
    files = sorted(p.relative_to(folder) for p in (folder / "units").rglob("*") if p.is_file())
    assert files and all(not str(p).endswith("run.log") for p in files)
    for rel in files:
        if rel.suffix == ".ipynb":
            continue  # execution timestamps
        first = _strip((folder / rel).read_text())
        second = _strip((tmp_path / "w2" / "2026-10" / rel).read_text())
        assert first == second, rel
    assert json.dumps(block) == json.dumps(runs[2].manifest["units"])


@pytest.mark.slow
def test_a_units_tiny_channel_shows_no_number_on_its_overview(tmp_path):
    # East in October: 3 call-centre responses among 40; its overview must not show them
    frame = sample_data(1200, 0).feedback.copy()
    october = frame["submitted_at"].dt.to_period("M") == "2026-10"
    frame.loc[october & (frame["region"] == "North"), "region"] = "East"
    east = frame.index[october & (frame["region"] == "East")]
    frame.loc[east, "channel"] = ["survey", "email"] * (len(east) // 2) + ["survey"] * (
        len(east) % 2
    )
    frame.loc[east[:3], "channel"] = "call_center"
    frame.loc[east[:3], ["nps", "csat", "ces"]] = [[2, 2, 3], [9, 5, 6], [10, 4, 7]]
    data = tmp_path / "data.parquet"
    frame.to_parquet(data)
    params = {
        "data": str(data),
        "notebooks_dir": str(Path(__file__).parents[2] / "notebooks"),
        "pages": ["overview"],
        "report": {"by": "region", "unit_pages": ["overview"]},
    }
    run_report(params, out=tmp_path / "out", workers=1, progress=None)
    page = (tmp_path / "out" / "2026-10" / "units" / "east" / "overview.html").read_text()
    rows = re.findall(r"<tr><td>Call center</td>(.*?)</tr>", page)
    assert rows, "the channel's rows say it is hidden"
    for row in rows:  # the 2026-10 rows: the notice, no digit besides the threshold's
        text = re.sub(r"<[^>]+>", " ", row)
        if "not shown to protect anonymity" in text:
            assert not re.search(r"\d", text.replace("10 answers", "").replace("10 responses", ""))
    assert "fewer than 10 answers: not shown to protect anonymity" in page
    # the cell's own figures (3 answers: NPS 33.3, CSAT 2 of 3) appear nowhere on the page
    for figure in ("33.3 (", "66.7% (", "5.3 ("):
        assert figure not in page, figure
    assert "Call center was" not in page and "for Call center" not in page
    # the organisation's own overview is not affected (no threshold on its cells)
    org = (tmp_path / "out" / "2026-10" / "overview.html").read_text()
    assert "not shown to protect anonymity" not in org
