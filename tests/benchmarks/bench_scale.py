"""Issue 20: the whole report on 1,000,000 and 10,000,000 responses in partitioned Parquet.

Targets (issue 20): 10,000,000 responses, DuckDB and 1 worker, the whole report in under
20 minutes and under 6 GiB peak on 2 cores; 1,000,000 responses in under 3 minutes.

The data is generated once and cached outside the repository, in
``~/.cache/fbresearch-bench/scale_<n>/`` (``FBRESEARCH_BENCH_CACHE`` moves it): the built-in
sample in chunks of 1,000,000 responses (chunk ``k`` made with seed ``k``, its response and
customer ids prefixed with ``k`` so they stay unique), written as hive-partitioned Parquet
(``feedback/month=YYYY-MM/part-<k>.parquet``), with the chunks' orders beside it and their
invitations summed per channel and month. The report then runs as a scheduler runs it,
``fbresearch report --engine duckdb --data <cache>/feedback/ --params <cache>/params.yaml``
with 1 worker, in a subprocess; wall seconds and the peak resident set of the whole process
tree (runner and kernels, psutil, every 0.2 s) are printed beside the targets, and each page's
seconds and kernel peak from the manifest (``bench_report.run_cli``). Figures are printed,
never asserted.

On the largest size (unless ``--no-dask``), the same report then runs with ``--engine dask`` on
a LocalCluster of 1 and of 2 workers (the engine's reads and the pages both on the cluster), and
the speed-up from 1 to 2 workers is printed.

Run: ``python tests/benchmarks/bench_scale.py [--sizes 1000000 10000000] [--max-rows N]
[--no-dask]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import REPO, measure  # noqa: E402
from bench_report import run_cli  # noqa: E402

PY = sys.executable
CACHE = Path(os.environ.get("FBRESEARCH_BENCH_CACHE", Path.home() / ".cache" / "fbresearch-bench"))
CHUNK = 1_000_000
TARGETS = {1_000_000: ("3 min, 6 GiB", 180.0), 10_000_000: ("20 min, 6 GiB", 1200.0)}

_GENERATE = r"""
import sys
from pathlib import Path
from fbresearch.io.orders import load_orders
from fbresearch.io.sample import sample_data

k, n, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
data = sample_data(n_responses=n, seed=k)
feedback = data.feedback
for column in ("response_id", "customer_id"):
    feedback[column] = f"{k}-" + feedback[column].astype(str)
month = feedback["submitted_at"].dt.strftime("%Y-%m")
for value, part in feedback.groupby(month, sort=True):
    target = folder / "feedback" / f"month={value}"
    target.mkdir(parents=True, exist_ok=True)
    part.to_parquet(target / f"part-{k}.parquet", index=False)
orders = data.orders.copy()
orders["customer_id"] = f"{k}-" + orders["customer_id"].astype(str)
load_orders(orders).to_parquet(folder / f"orders-{k}.parquet", index=False)
data.invitations.to_parquet(folder / f"invitations-{k}.parquet", index=False)
print(f"chunk {k}: {len(feedback):,} responses", flush=True)
"""


def inputs(n: int) -> Path:
    """The cached partitioned export of ``n`` responses (generated once, chunk by chunk)."""
    import pandas as pd

    folder = CACHE / f"scale_{n}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    chunks = max(1, n // CHUNK)
    with measure(f"generate {n:,} responses as partitioned Parquet (once; cached in {folder})"):
        for k in range(chunks):
            size = CHUNK if n >= CHUNK else n
            subprocess.run([PY, "-c", _GENERATE, str(k), str(size), str(folder)], check=True)
        orders = pd.concat(
            [pd.read_parquet(p) for p in sorted(folder.glob("orders-*.parquet"))],
            ignore_index=True,
        )
        orders.to_parquet(folder / "orders.parquet", index=False)
        invitations = pd.concat(
            [pd.read_parquet(p) for p in sorted(folder.glob("invitations-*.parquet"))]
        )
        invitations = invitations.groupby(["channel", "month"], as_index=False, observed=True)[
            "invited"
        ].sum()
        invitations.to_parquet(folder / "invitations.parquet", index=False)
        for p in [*folder.glob("orders-*.parquet"), *folder.glob("invitations-*.parquet")]:
            p.unlink()
    (folder / ".complete").touch()
    return folder


def params_file(folder: Path, max_rows: int | None) -> Path:
    """params.yaml beside the data: the default params with orders, invitations, DuckDB."""
    import yaml

    raw = yaml.safe_load((REPO / "params" / "monthly.yaml").read_text(encoding="utf-8"))
    raw.update(data=None, orders="orders.parquet", invitations="invitations.parquet", period=None)
    raw["report"] = {**(raw.get("report") or {}), "engine": "duckdb", "workers": 1}
    if max_rows is not None:
        raw["report"]["max_rows"] = int(max_rows)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--max-rows", type=int, default=None, help="report.max_rows")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster runs")
    args = parser.parse_args(argv)
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores", flush=True)
    for n in args.sizes:
        folder = inputs(n)
        params = params_file(folder, args.max_rows)
        target, seconds = TARGETS.get(n, ("", None))
        with tempfile.TemporaryDirectory(prefix="fbresearch-scale-") as out:
            figures = run_cli(
                f"whole report, {n:,} responses, DuckDB, 1 worker",
                ["--params", str(params), "--data", str(folder / "feedback"), "--workers", "1"],
                Path(out),
                target=target,
            )
        if not args.no_dask and n == max(args.sizes):
            dask_seconds = {}
            for workers in (1, 2):
                with tempfile.TemporaryDirectory(prefix="fbresearch-scale-") as out:
                    dask_seconds[workers] = run_cli(
                        f"whole report, {n:,} responses, Dask LocalCluster, {workers} worker(s)",
                        ["--params", str(params), "--data", str(folder / "feedback"),
                         "--engine", "dask", "--scheduler", "local", "--workers", str(workers)],
                        Path(out),
                    )["seconds"]  # fmt: skip
            print(f"  Dask speed-up from 1 to 2 workers: {dask_seconds[1] / dask_seconds[2]:.2f}x "
                  f"({dask_seconds[1]:.0f} s -> {dask_seconds[2]:.0f} s)", flush=True)
        peak_gib = figures["peak"] / 2**30
        print(
            f"  {n:,}: {figures['seconds'] / 60:.1f} min (target {seconds / 60:.0f} min), "
            f"peak {peak_gib:.2f} GiB (target 6 GiB), load now {os.getloadavg()[0]:.2f}"
            if seconds
            else "",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
