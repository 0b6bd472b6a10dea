"""Benchmark: the whole report with its pages fanned out to a Dask LocalCluster, 1 then 2 workers.

Runs ``fbresearch report --engine dask --workers N`` (the default params: the built-in sample,
every page) in a subprocess as a scheduler would, for N = 1 and then 2, and prints each run's
wall seconds, its peak resident memory (runner, cluster workers, page processes and kernels),
the per-page seconds from its manifest, the 1-worker run's time outside the pages (the fixed
overhead: runner, cluster start, handing each page to its process) and the speed-up from 1 to 2
workers. With ``--pool`` the local process pool (``--engine pandas --workers 2``) runs too, as
the reference the cluster is compared with: its wall time, and whether every page's HTML is the
same as the cluster's apart from the generation time. Figures are printed, never asserted.

Run: ``python tests/benchmarks/bench_cluster.py [--pool] [--sample-size 5000]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _measure import REPO  # noqa: E402
from bench_report import run_cli  # noqa: E402


def _params(folder: Path, sample_size: int) -> Path:
    """The default params with the built-in sample of ``sample_size`` responses."""
    raw = yaml.safe_load((REPO / "params" / "monthly.yaml").read_text(encoding="utf-8"))
    raw.update(data=None, sample_size=sample_size, notebooks_dir=str(REPO / "notebooks"))
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _pages(out: Path) -> dict[str, str]:
    """Every page's HTML of the one period in ``out``, the generation time blanked."""
    (period,) = [p for p in out.iterdir() if p.is_dir()]
    return {
        p.name: re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", p.read_text(encoding="utf-8"))
        for p in sorted(period.glob("*.html"))
        if p.name != "index.html"
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pool", action="store_true", help="also run the local process pool")
    parser.add_argument("--sample-size", type=int, default=5000)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        params = _params(root, args.sample_size)
        runs = {}
        for workers in (1, 2):
            out = root / f"dask-{workers}"
            runs[workers] = run_cli(
                f"report on a Dask LocalCluster, {workers} worker(s), {args.sample_size:,} "
                "sample responses",
                ["--params", str(params), "--engine", "dask", "--workers", str(workers)],
                out,
            )
        one, two = runs[1]["seconds"], runs[2]["seconds"]
        pages = runs[1]["manifest"].get("notebooks", [])
        if pages:  # one worker runs the pages one after another: the rest is fixed overhead
            outside = one - sum(nb["seconds"] for nb in pages)
            print(
                f"1 worker: {outside:.1f} s of the wall time outside the pages' own seconds "
                f"(runner, cluster start, each page's hand-over to its process), "
                f"{outside / len(pages):.2f} s per page"
            )
        print(f"speed-up from 1 to 2 workers: {one / two:.2f}x ({one:.1f} s -> {two:.1f} s)")
        if args.pool:
            out = root / "pool-2"
            pool = run_cli(
                "reference: local process pool, 2 workers",
                ["--params", str(params), "--engine", "pandas", "--workers", "2"],
                out,
            )
            print(f"cluster (2 workers) / pool (2 workers) wall time: {two / pool['seconds']:.2f}")
            dask_pages, pool_pages = _pages(root / "dask-2"), _pages(out)
            same = [n for n in pool_pages if dask_pages.get(n) == pool_pages[n]]
            print(
                f"pages identical to the pool's apart from the generation time: "
                f"{len(same)} of {len(pool_pages)}"
                + ("" if len(same) == len(pool_pages) else f" (differ: "
                   f"{sorted(set(pool_pages) - set(same))})")  # fmt: skip
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
