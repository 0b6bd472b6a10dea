"""Repeat customers (issue 15): false alarms of the KPI change and unit tests, clustered or not.

Prints, for null data with repeat customers (each answering 1-4 times in a month, a shared
customer effect), the share of month-on-month changes called significant at 5% by
``kpi_table`` clustered by customer (the default with a ``customer_id``) and with every answer
treated as independent (``cluster=None``), per KPI and customer-effect size; then the
family-wise false alarms of ``unit_vs_rest`` (eight lopsided units, Benjamini-Hochberg) both
ways. Targets: inside the 99% binomial band around 5% (clustered).
``python tests/benchmarks/bench_repeat_customers.py [REPS]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses" / "kpis"))

from test_clustered import _change_null, _rejections  # noqa: E402
from test_units import _null_rejections  # noqa: E402


def main(reps: int = 2000) -> None:
    band = stats.binom.ppf([0.005, 0.995], reps, 0.05) / reps
    print(f"month-on-month changes, {reps} null pairs; 99% band {band[0]:.1%} to {band[1]:.1%}")
    print(f"{'customer sd':>11} {'KPIs':>10} {'cells (customers)':>18}  clustered / independent")
    for sd in (0.0, 0.4, 0.7, 1.0):
        for metrics, sizes in ((["nps", "csat"], [8, 15, 40, 120]), (["ces"], [40, 120])):
            frame = _change_null(reps, seed=5, sizes=sizes, sd=sd)
            start = time.perf_counter()
            cl = _rejections(frame, metrics, "customer_id")
            naive = _rejections(frame, metrics, None)
            rates = ", ".join(f"{m} {cl[m] / reps:.1%} / {naive[m] / reps:.1%}" for m in metrics)
            print(
                f"{sd:>11.1f} {'+'.join(metrics):>10} {str(sizes):>18}  {rates}"
                f"  ({time.perf_counter() - start:.1f} s)"
            )
    units = 250
    top = stats.binom.ppf(0.995, units, 0.05)
    print(f"\nunit vs rest, {units} null months (family-wise, 99% band top {top:.0f})")
    for cluster in ("customer_id", None):
        start = time.perf_counter()
        alarms = _null_rejections(units, seed=7, customer_sd=0.5, cluster=cluster)
        print(
            f"  cluster={cluster!s:>11}: {alarms}/{units} = {alarms / units:.1%}"
            f"  ({time.perf_counter() - start:.0f} s)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
