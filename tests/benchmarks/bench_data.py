"""Loading speed and memory: load_feedback (CSV, Parquet) and load_inputs on large data.

Target context: the whole monthly report on 1,000,000 responses in 15 minutes and 6 GiB, so
loading should take seconds. Inputs are generated once into ``.bench-cache/`` (the built-in
sample at that size, or a synthetic frame when ``fbresearch.io.sample`` is absent). Each step runs
in a fresh Python process so its peak RSS is its own.

Run: ``python tests/benchmarks/bench_data.py [--sizes 100000 1000000]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import CACHE, measure  # noqa: E402

SIZES = (100_000, 1_000_000)


def _synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-05-01T00:00:00")
    seconds = rng.integers(0, 548 * 86_400, n)
    words = np.array(
        [
            "delivery",
            "slow",
            "great",
            "price",
            "app",
            "crash",
            "送货",
            "很快",
            "客服",
            "太贵",
            "包装",
            "满意",
        ]
    )
    frame = pd.DataFrame(
        {
            "response_id": [f"R{i:08d}" for i in range(n)],
            "customer_id": [f"C{i:07d}" for i in rng.integers(0, n // 5 + 1, n)],
            "submitted_at": np.sort(start + seconds.astype("timedelta64[s]")),
            "channel": rng.choice(["survey", "email", "web", "app", "call_center"], n),
            "region": rng.choice(["East", "North", "South", "West"], n),
            "nps": rng.integers(0, 11, n),
            "csat": rng.integers(1, 6, n),
            "ces": rng.integers(1, 8, n),
            "text": [" ".join(rng.choice(words, 8)) for _ in range(n)],
        }
    )
    for name in ("delivery", "quality", "price", "service", "app"):
        frame[f"rating_{name}"] = rng.integers(1, 6, n)
    return frame


def inputs(n: int) -> dict[str, Path]:
    """CSV and Parquet feedback files of ``n`` responses, generated once."""
    CACHE.mkdir(exist_ok=True)
    paths = {
        "csv": CACHE / f"bench_data_feedback_{n}.csv",
        "parquet": CACHE / f"bench_data_feedback_{n}.parquet",
    }
    if not all(p.exists() for p in paths.values()):
        if importlib.util.find_spec("fbresearch.io.sample") is not None:
            from fbresearch.io.sample import sample_data

            frame = sample_data(n, 0).feedback
        else:
            frame = _synthetic(n)
        frame.to_csv(paths["csv"], index=False)
        frame.to_parquet(paths["parquet"], index=False)
    return paths


def canonical(n: int) -> Path:
    """The runner's canonical feedback.parquet for ``n`` responses, written once."""
    from fbresearch.io.canonical import write_canonical
    from fbresearch.io.load import load_feedback

    folder = CACHE / f"bench_data_canonical_{n}"
    if not (folder / "feedback.parquet").exists():
        write_canonical(load_feedback(inputs(n)["parquet"]), folder)
    return folder / "feedback.parquet"


def step(name: str, n: int) -> None:
    """Run one measured step (in its own process)."""
    from fbresearch.io.inputs import load_inputs
    from fbresearch.io.load import load_feedback

    if name in ("csv", "parquet"):
        path = inputs(n)[name]
        size = path.stat().st_size / 2**20
        with measure(f"load_feedback {n:,} rows {name} ({size:,.0f} MiB)", "seconds") as m:
            fb = load_feedback(path)
            m["kept"] = f"{len(fb.frame):,}"
    else:
        path = canonical(n)
        import pyarrow.parquet as pq

        columns = None
        label = "all columns"
        if name == "inputs_no_text":
            columns = [
                c for c in pq.read_schema(path).names if c != "text" and not c.startswith("__")
            ]
            label = "without text"
        with measure(f"load_inputs {n:,} rows canonical Parquet, {label}", "seconds") as m:
            got = load_inputs(path, columns=columns)
            m["current"] = f"{len(got.current):,}"


def main(sizes: tuple[int, ...] = SIZES) -> None:
    print("bench_data (2 shared cores: figures inflated by contention)", flush=True)
    for n in sizes:
        inputs(n)
        canonical(n)
        for name in ("csv", "parquet", "inputs_all", "inputs_no_text"):
            subprocess.run([sys.executable, __file__, "--step", name, str(n)], check=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", nargs=2, metavar=("NAME", "N"))
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    args = parser.parse_args()
    if args.step:
        step(args.step[0], int(args.step[1]))
    else:
        main(tuple(args.sizes))
