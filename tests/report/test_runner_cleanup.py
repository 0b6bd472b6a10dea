"""The runner's temporary files: owner-only while they exist, gone after a run killed with -9.

The permission test runs a one-notebook report whose notebook prints the modes of what the run
made for it (the folder of raw canonical data, its files, the staging folder) and writes a
personal string to its stderr, which is the run's log (redacted when published). The SIGKILL test
kills a command-line run's whole process group while a notebook runs, as the kernel's OOM killer
or ``kill -9`` would, then starts the next run, and checks that nothing of the killed run is
left: no raw data, no lock, no half-built folder, no process, and the earlier period unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from fbresearch.report.runner import run_report

PROTOCOL = "period = None\ninputs_path = None\nseed = 0\nfindings_path = None"
MODES = """import json
from pathlib import Path
work = Path(inputs_path).parent
staging = Path(findings_path).parent
modes = {p.name: oct(p.stat().st_mode & 0o777) for p in sorted(work.iterdir())}
modes["<work>"] = oct(work.stat().st_mode & 0o777)
modes["<staging>"] = oct(staging.stat().st_mode & 0o777)
print("MODES " + json.dumps(modes))
import os
os.write(2, b"a library logs a value: li.na@example.com\\n")  # fd 2: the run's run.log"""


def _modes_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(PROTOCOL)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Modes"), params, nbformat.v4.new_code_cell(MODES)]
    folder.mkdir()
    nbformat.write(nb, folder / "modes.ipynb")
    return folder


def test_raw_data_and_the_staging_folder_are_owner_only_until_published(tmp_path):
    notebooks = _modes_notebook(tmp_path / "notebooks")
    params = {"notebooks_dir": str(notebooks), "pages": ["modes"], "sample_size": 300}
    run = run_report(params, out=tmp_path / "reports", workers=1, progress=None)
    executed = nbformat.read(run.folder / "modes.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    modes = json.loads(printed.split("MODES ", 1)[1])
    assert modes.pop("<work>") == "0o700" and modes.pop("<staging>") == "0o700"
    assert "feedback.parquet" in modes and "inputs.json" in modes
    assert set(modes.values()) == {"0o600"}, modes  # every raw data file: owner only
    # what reached the run's log from the kernel's stderr is redacted when it is published
    log = (run.folder / "run.log").read_text(encoding="utf-8")
    assert "a library logs a value: [email]" in log and "li.na@" not in log
    # published: readable from a file share; the raw data folder is gone
    assert oct(run.folder.stat().st_mode & 0o777) == "0o755"
    assert not list(Path(tempfile.gettempdir()).glob(f"fbresearch-data-{os.getpid()}-*"))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _report(params: Path, out: Path, period: str, env: dict[str, str], **kwargs):
    command = [sys.executable, "-m", "fbresearch", "report", "--params", str(params),
               "--out", str(out), "--period", period]  # fmt: skip
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kwargs
    )


def _wait_for_kernel(pid: int, timeout: float = 120) -> list[psutil.Process]:
    """The run's processes once a notebook kernel (ipykernel) is among them."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            tree = psutil.Process(pid).children(recursive=True)
        except psutil.NoSuchProcess:
            break
        if any("ipykernel" in " ".join(p.cmdline()) for p in tree if p.is_running()):
            return tree
        time.sleep(0.2)
    pytest.fail("no notebook kernel started")


@pytest.mark.slow
def test_sigkill_during_a_notebook_leaves_nothing_after_the_next_run(tmp_path):
    tmp = tmp_path / "tmp"  # the runs' temporary folder, so leftovers are counted exactly
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    out = tmp_path / "reports"
    quick = tmp_path / "quick.yaml"
    quick.write_text("sample_size: 600\npages: [overview]\n", encoding="utf-8")
    slow = tmp_path / "slow.yaml"
    slow.write_text("sample_size: 600\npages: [topics, overview]\n", encoding="utf-8")
    earlier = _report(quick, out, "2026-09", env)
    assert earlier.wait(timeout=300) == 0, earlier.stderr.read()
    before = _tree_digest(out / "2026-09")

    killed = _report(slow, out, "2026-10", env, start_new_session=True)
    tree = _wait_for_kernel(killed.pid)
    time.sleep(2)  # the kernel is executing a notebook
    assert list(tmp.glob(f"fbresearch-data-{killed.pid}-*/feedback.parquet"))
    assert list(out.glob(".2026-10.building-*")) and (out / ".2026-10.lock").exists()
    os.killpg(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL

    following = _report(quick, out, "2026-10", env)
    _, err = following.communicate(timeout=300)
    assert following.returncode == 0, err
    # no raw data, half-built folder or lock of either run; no process of the killed run
    assert not list(tmp.rglob("*.parquet")) and not list(tmp.glob("fbresearch-data-*"))
    assert not list(out.glob(".*.building-*")) and not list(out.glob(".*.lock"))
    assert not list(out.rglob("*.parquet"))
    gone, alive = psutil.wait_procs(tree, timeout=15)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], alive
    # the earlier period is byte-identical; the killed period was built by the next run
    assert _tree_digest(out / "2026-09") == before
    assert (out / "2026-10" / "overview.html").exists()
