"""Executive summary on data with no real change (issue 15 acceptance): 40 seeds.

For each seed the sample (1,500 responses) has random ``submitted_at`` dates (uniform over its span), every
page runs in-process and the summary is chosen as the runner chooses it. Prints the share of
seeds whose summary states no significant change (target: at least 95%), beside the share an
unadjusted rule would give (any change test with p < 5%), and then the changes the summary
keeps on the unshuffled sample (the planted effects).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.null_summary import build_export, null_run, summary_of  # noqa: E402


def main(seeds: int = 40) -> None:
    start = time.perf_counter()
    clean = unadjusted = 0
    for seed in range(seeds):
        run = null_run(seed)
        ok = not run["changes"]
        clean += ok
        raw = [t["p_value"] for t in run["tests"] if t["kind"] == "change"]
        unadjusted += not any(p < 0.05 for p in raw)
        kept = "; ".join(f.sentence[:90] for f in run["changes"])
        print(f"seed {seed:2d}: {len(raw)} changes tested, "
              f"{'no significant change' if ok else 'KEPT: ' + kept}", flush=True)  # fmt: skip
    print(f"\nNo significant change stated in {clean}/{seeds} = {clean / seeds:.0%} of seeds "
          f"(target >= 95%); an unadjusted 5% rule: {unadjusted}/{seeds} = "
          f"{unadjusted / seeds:.0%}.  {time.perf_counter() - start:.0f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = summary_of(build_export(root / "e", 0, shuffle=False), root / "w")
    print(f"\nSample (seed 0, 1,500 responses, dates as planted): {run['note']}")
    for f in run["top"]:
        print(f"  [{f.kind}] {f.analysis}: {f.sentence[:150]}")


if __name__ == "__main__":
    main()
