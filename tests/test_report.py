"""The report runner: params validation, period, lock, atomic writes, failure path, safety.

One small report (tiny notebooks made here, 1,500-response sample with planted markup and personal
data) is run once per module and shared; failure-path runs use a notebook that fails at once.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from fbresearch.errors import FeedbackDataError, ParamsError, ReportError, ReportLockedError
from fbresearch.report.index import headline_kpis
from fbresearch.report.lock import period_lock
from fbresearch.report.params import load_params, notebook_parameters
from fbresearch.report.runner import run_report

PROTOCOL = """period = None            # "YYYY-MM"
inputs_path = None       # the runner's inputs file
seed = 0
findings_path = None     # where write_findings writes
label = "plain"          # a notebook parameter of its own"""

XSS = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">']
PII = [
    "li.na@example.com",  # e-mail
    "13912345678",  # Chinese mobile
    "11010519491231002X",  # Chinese resident ID (valid checksum)
    "4111 1111 1111 1111",  # card number (Luhn-valid)
]

GOOD_CELLS = [
    ("md", "## Volume\n\nHow many customers answered."),
    (
        "code",
        "import fbresearch as fb\nimport pandas as pd\n"
        "from fbresearch.results import Estimate, Finding\n"
        "fb.set_theme()\n"
        "inputs = fb.load_inputs(inputs_path, period=period, seed=seed)\n"
        "fb.show(f'{len(inputs.current)} responses in {inputs.period}; label {label}')",
    ),
    ("md", "## Verbatims"),
    (
        "code",
        "texts = inputs.current['text'].dropna()\nplanted = texts[texts.str.contains('PLANTED')]\n"
        "print(list(planted))\nfb.show(planted.to_frame(), caption='Planted verbatims')\n"
        "for t in planted:\n    fb.show(t)\nplanted.to_frame()",
    ),
    ("md", "## Chart"),
    (
        "code",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
        "ax.bar(['东部 East', 'West'], [3, 5])\n"
        "ax.set_title('地区 by region')\nfb.show(ax, caption='Responses by region')\n"
        "fig2, ax2 = plt.subplots()\nax2.plot([1, 2])",
    ),
    (
        "code",
        "import warnings\nwarnings.warn('a warning no reader should see')\n"
        "import sys\nprint('stderr text no reader should see', file=sys.stderr)",
    ),
    (
        "code",
        "fb.write_findings(findings_path,\n"
        "    Finding('NPS was 42.0 (38.1 to 45.9) in the month.',\n"
        "            Estimate(42.0, 38.1, 45.9, n=500, name='NPS', unit='points'),\n"
        "            importance=0.9, kind='level'),\n"
        "    Finding('A customer wrote: ' + planted.iloc[0], importance=0.5))",
    ),
]
BAD_CELLS = [("md", "## Step"), ("code", "x = 1"), ("code", "raise ValueError('planted failure')")]


def make_notebook(
    path: Path, cells, title: str = "Tiny analysis", parameters: str = PROTOCOL
) -> Path:
    """Write a notebook that follows the protocol: title, parameters cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    param = nbformat.v4.new_code_cell(parameters)
    param.metadata["tags"] = ["parameters"]
    body = [nbformat.v4.new_markdown_cell(f"# {title}\n\nWhat this page shows.")]
    body.append(param)
    for kind, source in cells:
        body.append(
            nbformat.v4.new_markdown_cell(source)
            if kind == "md"
            else nbformat.v4.new_code_cell(source)
        )
    nb.cells = body
    nbformat.write(nb, path)
    return path


def planted_data(folder: Path) -> Path:
    """The 1,500-response sample with planted markup and personal data in October 2026 texts."""
    from fbresearch.io.sample import sample_data

    frame = sample_data(n_responses=1500, seed=0).feedback.copy()
    october = frame.index[
        (frame["submitted_at"].dt.to_period("M") == "2026-10") & frame["nps"].notna()
    ][:6]
    texts = [f"PLANTED {x} bad delivery" for x in XSS] + [
        f"PLANTED call me {p} about my order" for p in PII
    ]
    frame.loc[october, "text"] = texts
    path = folder / "planted.csv"
    frame.to_csv(path, index=False)
    return path


def strip_run_times(html: str) -> str:
    html = re.sub(r'<time class="fb-run-time">.*?</time>', "", html)
    return re.sub(r'<span class="fb-timing">.*?</span>', "", html)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    nbs = root / "notebooks"
    nbs.mkdir()
    make_notebook(nbs / "good.ipynb", GOOD_CELLS)
    make_notebook(nbs / "bad.ipynb", BAD_CELLS, title="Broken analysis")
    make_notebook(
        nbs / "second.ipynb",
        [("code", "import fbresearch as fb\nfb.show('second page')")],
        title="Second",
    )
    params = {
        "data": str(planted_data(root)),
        "notebooks_dir": str(nbs),
        "notebooks": {"good": {"label": XSS[1]}, "second": {}},
        "pages": ["good", "second"],
        "report": {"title": "Report " + XSS[0]},
    }
    return root, params


@pytest.fixture(scope="module")
def report(setup):
    root, params = setup
    out = root / "reports"
    run = run_report(params, out=out, workers=1, progress=None)
    return out, run


def all_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- params


def test_unknown_key_names_key_file_and_allowed(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("sampel_size: 100\n")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    text = str(err.value)
    assert (
        "sampel_size" in text
        and str(path) in text
        and "sample_size" in text
        and "Allowed keys" in text
    )


def test_unknown_report_key_and_bad_types(tmp_path):
    with pytest.raises(ParamsError, match="'worker'.*Did you mean 'workers'"):
        load_params({"report": {"worker": 2}, "pages": []})
    with pytest.raises(ParamsError, match="report.workers"):
        load_params({"report": {"workers": 0}, "pages": []})
    with pytest.raises(ParamsError, match="YYYY-MM"):
        load_params({"period": "2026-13", "pages": []})


def test_notebook_parameters_are_checked_against_parameters_cell(setup):
    _, params = setup
    assert notebook_parameters(Path(params["notebooks_dir"]) / "good.ipynb")[-1] == "label"
    with pytest.raises(ParamsError, match=r"'lable'.*Did you mean 'label'"):
        load_params({**params, "notebooks": {"good": {"lable": "x"}}})
    with pytest.raises(ParamsError, match="set by the runner"):
        load_params({**params, "notebooks": {"good": {"period": "2026-01"}}})
    with pytest.raises(ParamsError, match="notebook 'god' not found.*Did you mean 'good'"):
        load_params({**params, "notebooks": {"god": {}}})


def test_paths_resolve_relative_to_params_file(tmp_path, setup):
    _, params = setup
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "p.yaml"
    path.write_text(f"data: ../x.csv\nnotebooks_dir: {params['notebooks_dir']}\nnotebooks: {{}}\n")
    assert load_params(path).data == tmp_path / "sub" / ".." / "x.csv"


def test_default_params_file_is_valid():
    # the repository's params/monthly.yaml (every notebook listed must exist and accept its block)
    import yaml

    from fbresearch.report.params import DEFAULT_NOTEBOOKS_DIR, DEFAULT_PARAMS_FILE

    listed = yaml.safe_load(DEFAULT_PARAMS_FILE.read_text())["notebooks"] or {}
    missing = [n for n in listed if not (DEFAULT_NOTEBOOKS_DIR / f"{n}.ipynb").exists()]
    if missing:
        pytest.skip(
            f"notebooks listed in params/monthly.yaml not written yet: {', '.join(missing)}"
        )
    loaded = load_params(None)
    assert list(loaded.notebooks) == list(listed)
    assert loaded.seed == 0 and loaded.report["workers"] == "auto"


# --------------------------------------------------------------------------- period, KPIs


def test_period_default_is_latest_complete_month_and_bad_period_is_clear(setup, tmp_path):
    _, params = setup
    run = run_report(params, out=tmp_path / "r", dry_run=True, progress=None)
    assert run.period == "2026-10"  # the sample ends 2026-10-31: the latest complete month
    with pytest.raises(FeedbackDataError, match="2031-01.*covers 2025-05 to 2026-10"):
        run_report(params, period="2031-01", out=tmp_path / "r", dry_run=True, progress=None)
    with pytest.raises(ParamsError, match="YYYY-MM"):
        run_report(params, period="Oct 2026", out=tmp_path / "r", dry_run=True, progress=None)


def test_headline_kpis_match_hand_computation():
    # hand-worked: October has 3 promoters, 1 passive, 1 detractor of 5 -> NPS 40;
    # September 1 promoter, 1 detractor of 2 -> 0; change +40
    frame = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-01"] * 5 + ["2026-09-03"] * 2),
            "nps": pd.array([10, 9, 9, 7, 3, 10, 0], dtype="Int64"),
        }
    )
    (kpi,) = headline_kpis(frame, "2026-10")
    assert kpi["name"] == "NPS" and kpi["estimate"] == pytest.approx(40.0) and kpi["n"] == 5
    assert kpi["change"] == pytest.approx(40.0) and kpi["previous_period"] == "2026-09"


# --------------------------------------------------------------------------- lock


def test_lock_held_refuses_and_a_dead_holders_lock_is_free(tmp_path):
    with period_lock(tmp_path, "2026-10") as path:
        assert json.loads(path.read_text())["pid"] == os.getpid()
        with pytest.raises(ReportLockedError, match="2026-10.*Wait for it to finish"):
            with period_lock(tmp_path, "2026-10"):
                pass
    assert not (tmp_path / ".2026-10.lock").exists()
    # a lock file left by a process that has exited holds nothing
    (tmp_path / ".2026-10.lock").write_text(json.dumps({"pid": 999999, "host": "x"}))
    with period_lock(tmp_path, "2026-10") as path:
        assert json.loads(path.read_text())["pid"] == os.getpid()


def test_lock_of_a_killed_run_is_released_by_the_kernel(tmp_path):
    import signal

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from fbresearch.report.lock import period_lock\n"
            f"with period_lock(Path({str(tmp_path)!r}), '2026-10'):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ReportLockedError, match=f"process {holder.pid}"):
            with period_lock(tmp_path, "2026-10"):
                pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        # the lock file is still there (kill -9 runs no cleanup) but nothing holds it
        assert (tmp_path / ".2026-10.lock").exists()
        with period_lock(tmp_path, "2026-10"):
            pass
    finally:
        holder.kill()


def test_run_refuses_when_period_locked(setup, tmp_path):
    _, params = setup
    out = tmp_path / "reports"
    with period_lock(out, "2026-10"):
        with pytest.raises(ReportLockedError):
            run_report(params, out=out, progress=None)
    assert not (out / "2026-10").exists()


# --------------------------------------------------------------------------- dry run


def test_dry_run_runs_nothing_and_writes_nothing(setup, tmp_path, monkeypatch, capsys):
    import fbresearch.report.runner as runner_module

    def boom(*args, **kwargs):
        raise AssertionError("a dry run must not run notebooks")

    monkeypatch.setattr(runner_module, "run_pages", boom)
    _, params = setup
    out = tmp_path / "reports"
    run = run_report(params, out=out, dry_run=True)
    assert run.status == "dry-run" and [n.status for n in run.notebooks] == ["planned"] * 2
    assert not out.exists()
    printed = capsys.readouterr().out
    assert "good: complete; would run" in printed and "2026-10" in printed


# --------------------------------------------------------------------------- the shared report


def test_report_layout_and_progress(report):
    out, run = report
    folder = out / "2026-10"
    assert run.status == "ok" and run.folder == folder
    names = {p.name for p in folder.iterdir()}
    assert {"index.html", "manifest.json", "run.log", "good.ipynb", "good.html"} <= names
    assert (out / "index.html").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging or lock left
    assert "good" in (folder / "run.log").read_text()


def test_manifest_is_complete(report):
    out, run = report
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text())
    data = manifest["data"]
    assert re.fullmatch(r"[0-9a-f]{64}", data["files"]["feedback"]["sha256"])
    assert re.fullmatch(r"[0-9a-f]{64}", data["canonical"]["feedback"]["sha256"])
    # hashes, never data: no verbatim outside the findings the notebook chose to write
    assert "PLANTED" not in json.dumps({k: v for k, v in manifest.items() if k != "findings"})
    assert data["rows"]["feedback"] > 1000 and data["rows"]["period"] > 50
    for package in ("pandas", "numpy", "papermill", "nbconvert", "python"):
        assert manifest["packages"][package]
    assert manifest["started_at"] <= manifest["finished_at"]
    nb, second = manifest["notebooks"]
    assert second["name"] == "second" and second["findings"] == 0
    assert (
        nb["name"] == "good"
        and nb["status"] == "complete"
        and nb["seconds"] > 0
        and nb["findings"] == 2
    )
    # the kernel's peak memory is recorded: a Python kernel that imported pandas holds > 50 MiB
    assert nb["peak_rss_mib"] > 50 and second["peak_rss_mib"] > 50
    assert manifest["status"] == "ok" and manifest["period"] == "2026-10"
    assert {k["name"] for k in manifest["headline"]} == {"NPS", "CSAT", "CES"}
    assert manifest["git"] is None or re.fullmatch(r"[0-9a-f]{40}", manifest["git"]["commit"])


def test_pages_have_no_code_stderr_or_external_loads(report):
    out, _ = report
    for page in out.rglob("*.html"):
        html = page.read_text()
        for forbidden in (
            'class="jp-InputArea',
            "input_area",
            "<script",
            "http://",
            "https://",
            "<Figure size",
            "a warning no reader should see",
            "stderr text no reader",
            "fb.show(",
            "import fbresearch",
            "<link",
            "@import",
        ):
            assert forbidden not in html, (page.name, forbidden)


def test_page_content_toc_figures_tables_footer(report):
    out, _ = report
    html = (out / "2026-10" / "good.html").read_text()
    assert 'class="fb-toc"' in html and 'href="#Volume"' in html
    assert "Figure 1. Responses by region" in html and "data:image/png;base64," in html
    assert "Table 1. Planted verbatims" in html
    assert "Data: planted.csv" in html and "responses in total" in html
    assert "Key findings" in html
    index = (out / "2026-10" / "index.html").read_text()
    assert "NPS was 42.0 (38.1 to 45.9) in the month." in index  # the top finding
    assert 'href="good.html"' in index and "fb-status-complete" in index
    top = (out / "index.html").read_text()
    assert 'href="2026-10/index.html"' in top and "October 2026" in top


def test_planted_markup_is_escaped_on_every_page(report):
    out, _ = report
    pages = list(out.rglob("*.html"))
    assert len(pages) == 4
    for page in pages:
        html = page.read_text()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all("script")
        assert not [
            t for t in soup.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)
        ]
    good = (out / "2026-10" / "good.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in good  # shown as text
    assert "&lt;img src=x onerror=" in good
    for page in (out / "index.html", out / "2026-10" / "index.html"):
        assert "Report &lt;script&gt;alert(1)&lt;/script&gt;" in page.read_text()  # the title


def test_planted_personal_data_reaches_no_file(report):
    out, _ = report
    files = all_files(out)
    assert len(files) >= 7
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret in PII:
            assert secret not in text, (path.name, secret)
    good = (out / "2026-10" / "good.html").read_text()
    assert "[email]" in good and "[phone]" in good and "[id]" in good and "[card]" in good


def test_findings_files_are_read_for_the_summary(report):
    from fbresearch.present.findings import read_findings

    out, run = report
    found = read_findings(out / "2026-10" / "good.findings.json")
    assert [f.analysis for f in found] == ["", ""] or all(f.analysis in ("", "good") for f in found)
    assert run.manifest["findings"][0]["sentence"].startswith("NPS was 42.0")
    assert run.manifest["findings"][0]["analysis"] == "good"


@pytest.mark.slow
def test_same_html_when_run_again_with_more_workers(report, setup, tmp_path):
    # determinism and worker-independence in one run: 1 worker (the shared report) vs 2 workers
    out, first_run = report
    _, params = setup
    again = tmp_path / "again"
    second_run = run_report(params, out=again, workers=2, progress=None)
    assert first_run.manifest["workers"] == 1 and second_run.manifest["workers"] == 2
    for page in ("index.html", "2026-10/index.html", "2026-10/good.html", "2026-10/second.html"):
        first = strip_run_times((out / page).read_text())
        second = strip_run_times((again / page).read_text())
        assert first == second, page


def test_failed_notebook_keeps_earlier_report_intact(report, setup, capsys):
    out, _ = report
    _, params = setup
    before = {p: p.read_bytes() for p in all_files(out)}
    with pytest.raises(ReportError) as err:
        run_report({**params, "notebooks": {"bad": {}}, "pages": ["bad"]}, out=out)
    error = err.value
    assert (
        error.notebook == "bad" and error.ename == "ValueError" and error.cell_index == 4
    )  # 0-based: title, parameters, heading, x = 1, raise
    assert (
        "'bad' failed in cell 5" in str(error)
        and "raise ValueError" in str(error)
        and "planted failure" in str(error)
    )
    assert "[1/1] bad ... FAILED at cell 5" in capsys.readouterr().out
    # the published period and the index are byte-identical
    for path, content in before.items():
        assert path.read_bytes() == content, path
    failed = out / "2026-10.failed"
    executed = nbformat.read(failed / "bad.ipynb", as_version=4)
    assert any(
        o.get("output_type") == "display_data" and "planted failure" in str(o)
        for c in executed.cells
        for o in c.get("outputs", [])
    )
    page = (failed / "bad.html").read_text()
    assert "did not complete" in page and "cell 5" in page and "Traceback" not in page
    assert json.loads((failed / "manifest.json").read_text())["notebooks"][0]["status"] == "failed"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_out_that_is_a_file_or_read_only_is_refused_before_loading(tmp_path):
    from fbresearch.errors import ParamsError

    afile = tmp_path / "reports.txt"
    afile.write_text("x")
    with pytest.raises(ParamsError, match="is a file, not a folder"):
        run_report({"pages": []}, out=afile, progress=None)
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(ParamsError, match="cannot be written by this user"):
            run_report({"pages": []}, out=locked / "reports", progress=None)
    finally:
        locked.chmod(0o700)


def test_disk_full_is_named_and_earlier_reports_stay(tmp_path, monkeypatch):
    import errno

    import fbresearch.report.runner as runner_module

    out = tmp_path / "reports"
    earlier = out / "2026-09"
    earlier.mkdir(parents=True)
    (earlier / "index.html").write_text("september")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner_module.fbdata, "write_canonical", full)
    with pytest.raises(OSError, match="no space left on the device writing .*earlier reports"):
        run_report({"pages": [], "sample_size": 300}, out=out, progress=None)
    assert (earlier / "index.html").read_text() == "september"
    assert not list(out.glob(".*.building-*"))


def test_a_stray_folder_in_the_reports_folder_is_ignored(tmp_path):
    from fbresearch.report.index import update_reports_index

    for name in ("2026-13", "notes", "2026-10.failed"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
    assert update_reports_index(tmp_path, "R").exists()


def test_sigterm_during_a_notebook_leaves_no_data_lock_or_process(tmp_path):
    import signal
    import tempfile
    import time

    import psutil

    params = tmp_path / "p.yaml"
    params.write_text("sample_size: 400\npages: [topics, overview]\n", encoding="utf-8")
    out = tmp_path / "reports"
    run = subprocess.Popen(
        [sys.executable, "-m", "fbresearch", "report", "--params", str(params), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not psutil.Process(run.pid).children(recursive=True):
        time.sleep(0.2)
    time.sleep(4)  # a kernel is running a notebook
    children = psutil.Process(run.pid).children(recursive=True)
    assert children, "the run should have started its workers"
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143, err
    assert "terminated" in err
    psutil.wait_procs(children, timeout=10)
    assert not [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not list(out.glob(".*.lock")) and not list(out.glob(".*.building-*"))
    assert not list(Path(tempfile.gettempdir()).glob(f"fbresearch-data-{run.pid}-*"))
    assert not (out / "2026-10").exists()
