"""Run every benchmark (`make bench`): each bench_*.py in its own process, figures printed.

Usage: ``python tests/benchmarks/run_all.py [name ...]`` (names like ``topics`` pick
``bench_topics.py``). Exits non-zero when a benchmark crashed; slow figures are reported, not
failed: the targets are printed beside each figure for the reader to judge.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parents[1])
        print(f"--- {script.stem}: {time.perf_counter() - start:.1f} s, exit {code}", flush=True)
        if code:
            failed.append(script.stem)
    if failed:
        print(f"\nbenchmarks that crashed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
