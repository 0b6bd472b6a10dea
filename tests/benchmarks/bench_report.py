"""Benchmarks of the monthly report (`make bench`): fixed cost per notebook, the whole report on
100,000 and 1,000,000 responses, and 1 versus 2 workers.

Targets (issue 8): 100,000 responses in under 2 minutes on 2 cores; 1,000,000 responses in under
15 minutes with peak memory under 6 GiB; identical results with 1 and 2 workers.

Inputs are generated once into ``.bench-cache/report_<n>/`` (git-ignored): the built-in sample of
``n`` responses with text, written the way ``fbresearch sample --out`` writes it (feedback as CSV
and Parquet; orders and invitations beside it, read back through ``load_orders`` /
``load_invitations`` so the files are canonical), plus a ``params.yaml`` naming orders and
invitations. The report then runs as a scheduler runs it: ``fbresearch report --params
<cache>/params.yaml --data <cache>/feedback.parquet`` in a subprocess. Wall seconds and the peak
resident set size of the whole process tree (runner, workers, kernels; psutil, sampled every
0.2 s) are printed per run; per-notebook seconds and kernel peak RSS come from the run's
``manifest.json``; each notebook's seconds are split into its fixed cost (kernel start,
parameters, imports, loading its inputs, rendering) and its own work (the cells after the load
cell), from papermill's cell timings in the executed notebooks (``_cells.py``). Figures are
printed, never asserted.

Run: ``python tests/benchmarks/bench_report.py [--sizes 100000 1000000] [--skip-fixed]
[--skip-workers]``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

sys.path.insert(0, str(Path(__file__).parent))
from _cells import split_report  # noqa: E402
from _measure import CACHE, REPO, measure  # noqa: E402

PY = sys.executable
FBRESEARCH = str(Path(sys.executable).with_name("fbresearch"))
PROTOCOL = "period = None\ndata_path = None\nfindings_path = None\nsample_size = 5000\nseed = 0"
SIZES = (100_000, 1_000_000)
TARGETS = {100_000: ("2 min", 120.0, None), 1_000_000: ("15 min, 6 GiB", 900.0, 6 * 2**30)}


# --------------------------------------------------------------------------- inputs (cached)

_GENERATE = r"""
import sys
from pathlib import Path
from fbresearch.io.orders import load_invitations, load_orders
from fbresearch.io.sample import sample_data

n, folder = int(sys.argv[1]), Path(sys.argv[2])
data = sample_data(n_responses=n, seed=0)
# feedback exactly as `fbresearch sample --out` writes it
data.feedback.to_parquet(folder / "feedback.parquet", index=False)
data.feedback.to_csv(folder / "feedback.csv", index=False, encoding="utf-8")
orders = load_orders(data.orders)
orders.to_parquet(folder / "orders.parquet", index=False)
orders.to_csv(folder / "orders.csv", index=False, encoding="utf-8")
invitations = load_invitations(data.invitations)
invitations.to_parquet(folder / "invitations.parquet", index=False)
invitations.to_csv(folder / "invitations.csv", index=False, encoding="utf-8")
print(f"{len(data.feedback):,} responses, {len(orders):,} orders, {len(invitations):,} "
      "invitation rows", flush=True)
"""


def inputs(n: int) -> Path:
    """The cached inputs of ``n`` responses (generated once, in a separate process)."""
    folder = CACHE / f"report_{n}"
    done = folder / ".complete"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with measure(f"generate sample of {n:,} responses (once; cached in {folder.name}/)"):
            subprocess.run([PY, "-c", _GENERATE, str(n), str(folder)], check=True, cwd=REPO)
        done.touch()
    return folder


def params_file(folder: Path, fmt: str = "parquet") -> Path:
    """params.yaml in the cache folder: the default params plus orders and invitations."""
    import yaml

    raw = yaml.safe_load((REPO / "params" / "monthly.yaml").read_text(encoding="utf-8"))
    raw.update(data=None, orders=f"orders.{fmt}", invitations=f"invitations.{fmt}", period=None)
    path = folder / f"params_{fmt}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- measuring a run


class _TreeRSS:
    """Peak resident set size of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self.root_late = 0  # the runner's own RSS once the first notebook has started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            if len(procs) > 3:  # runner, pool workers and at least one kernel
                try:
                    self.root_late = max(self.root_late, self.root.memory_info().rss)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_cli(label: str, args: list[str], out: Path, target: str = "") -> dict:
    """Run ``fbresearch report`` in a subprocess; print wall seconds and peak tree RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [FBRESEARCH, "report", "--out", str(out), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tree = _TreeRSS(proc.pid)
    output, _ = proc.communicate()
    tree.stop()
    seconds = time.perf_counter() - start
    note = f" (target {target})" if target else ""
    print(
        f"{label}: {seconds:.1f} s, peak RSS of runner + workers + kernels "
        f"{tree.peak / 2**30:.2f} GiB (runner alone while notebooks run: "
        f"{tree.root_late / 2**20:,.0f} MiB), exit {proc.returncode}{note}",
        flush=True,
    )
    manifests = sorted(out.glob("*/manifest.json"))
    manifest = json.loads(manifests[-1].read_text(encoding="utf-8")) if manifests else {}
    if proc.returncode:
        print("  runner output:\n    " + "\n    ".join(output.strip().splitlines()[-15:]))
    splits = split_report(manifests[-1].parent, manifest.get("notebooks", [])) if manifests else {}
    for nb in manifest.get("notebooks", []):
        peak = nb.get("peak_rss_mib")
        split = splits.get(nb["name"])
        print(
            f"  {nb['name']:<13} {nb['seconds']:7.1f} s"
            + (
                f" = fixed {split['fixed']:6.1f} s (kernel, imports, load"
                + (f" {split['load']:.1f} s" if split["load"] is not None else "")
                + f", render) + own work {split['own']:6.1f} s"
                if split
                else ""
            )
            + (f", kernel peak RSS {peak:,.0f} MiB" if peak else "")
            + (
                ""
                if nb["status"] in ("complete", "partial", "skipped")
                else f"  [{nb['status']}: {nb.get('error')}]"
            ),
            flush=True,
        )
    return {"seconds": seconds, "peak": tree.peak, "code": proc.returncode, "manifest": manifest}


# --------------------------------------------------------------------------- fixed cost


def _trivial(folder: Path, name: str, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    cell = nbformat.v4.new_code_cell(PROTOCOL)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), cell, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, folder / f"{name}.ipynb")


def fixed_cost(root: Path) -> None:
    """Seconds per notebook for an empty notebook, and for one that imports fbresearch."""
    from fbresearch.report import run_report

    nbs = root / "nbs"
    nbs.mkdir()
    _trivial(nbs, "empty", "x = 1")
    _trivial(nbs, "imports", "import fbresearch as fb\nfb.set_theme()")
    _trivial(
        nbs,
        "loads",
        "import fbresearch as fb\nfb.set_theme()\ninputs = fb.load_inputs(data_path, "
        "period=period, sample_size=sample_size, seed=seed)",
    )
    base = {"notebooks_dir": str(nbs), "sample_size": 5000}
    run = run_report(
        {**base, "pages": ["empty", "imports", "loads"]},
        out=root / "fixed",
        progress=None,
    )
    for nb in run.notebooks:
        what = {
            "empty": "kernel start + render",
            "imports": "+ import fbresearch, set_theme",
            "loads": "+ load_inputs of the 5,000 sample",
        }[nb.name]
        print(f"fixed cost per notebook ({nb.name}: {what}): {nb.seconds:.2f} s", flush=True)
    code = (
        "import time; t = time.perf_counter(); import fbresearch as fb; fb.set_theme(); "
        "print(f'{time.perf_counter() - t:.2f}')"
    )
    seconds = subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=REPO)
    print(f"import fbresearch + set_theme in a fresh process: {seconds.stdout.strip()} s")


# --------------------------------------------------------------------------- 1 vs 2 workers

_STAMPS = [
    re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?( ?UTC|[+-]\d{2}:\d{2}|Z)?"),
    re.compile(r"\b\d+(\.\d+)? s\b"),  # run and notebook durations shown on the pages
]


def _normalise_html(text: str) -> str:
    for pattern in _STAMPS:
        text = pattern.sub("<removed>", text)
    return text


def compare_runs(a: Path, b: Path) -> list[str]:
    """Differences between two report folders: findings JSON and HTML (timestamps removed)."""
    diffs = []
    period_a = sorted(p for p in a.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}-\d{2}", p.name))
    period_b = sorted(p for p in b.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}-\d{2}", p.name))
    if [p.name for p in period_a] != [p.name for p in period_b] or not period_a:
        return [f"periods differ: {period_a} vs {period_b}"]
    fa, fb_ = period_a[-1], period_b[-1]
    ma = json.loads((fa / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((fb_ / "manifest.json").read_text(encoding="utf-8"))
    for key in ("headline", "findings"):
        if ma.get(key) != mb.get(key):
            diffs.append(f"manifest {key}")
    for path in sorted(fa.glob("*.html")):
        other = fb_ / path.name
        if not other.exists():
            diffs.append(f"{path.name} missing")
            continue
        if _normalise_html(path.read_text(encoding="utf-8")) != _normalise_html(
            other.read_text(encoding="utf-8")
        ):
            diffs.append(path.name)
    return diffs


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--skip-fixed", action="store_true", help="no fixed-cost figures")
    parser.add_argument("--skip-workers", action="store_true", help="no 1-vs-2-workers check")
    parser.add_argument("--workers", type=int, default=2, help="workers of the timed runs")
    parser.add_argument("--csv", action="store_true", help="also time the report from CSV")
    args = parser.parse_args(argv)

    cores = psutil.cpu_count(logical=True)
    print(f"machine: {cores} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB", flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        if not args.skip_fixed:
            fixed_cost(root)
        for n in args.sizes:
            folder = inputs(n)
            label, seconds_target, _ = TARGETS.get(n, ("", None, None))
            formats = ["parquet", "csv"] if args.csv else ["parquet"]
            for fmt in formats:
                params = params_file(folder, fmt)
                out = root / f"run_{n}_{fmt}_w{args.workers}"
                run = run_cli(
                    f"whole report, {n:,} responses ({fmt}), {args.workers} worker(s)",
                    [
                        "--params",
                        str(params),
                        "--data",
                        str(folder / f"feedback.{fmt}"),
                        "--workers",
                        str(args.workers),
                    ],
                    out,
                    target=label,
                )
                if n == 100_000 and fmt == "parquet" and not args.skip_workers:
                    other = 1 if args.workers != 1 else 2
                    out_other = root / f"run_{n}_{fmt}_w{other}"
                    run_cli(
                        f"whole report, {n:,} responses ({fmt}), {other} worker(s)",
                        [
                            "--params",
                            str(params),
                            "--data",
                            str(folder / f"feedback.{fmt}"),
                            "--workers",
                            str(other),
                        ],
                        out_other,
                    )
                    diffs = compare_runs(out, out_other)
                    verdict = "IDENTICAL" if not diffs else "DIFFERENT: " + ", ".join(diffs)
                    print(
                        f"results with 1 and 2 workers on {n:,} responses (findings, headline, "
                        f"HTML without timestamps): {verdict}",
                        flush=True,
                    )
                del run
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
