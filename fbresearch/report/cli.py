"""The ``fbresearch`` command: a thin layer that parses arguments and calls the package.

Exit codes (also in ``fbresearch --help`` and reports/README.md):

0 report written (pages may be partial or skipped, listed in the closing line and index.html);
1 a notebook failed (the failed run is kept in ``<out>/<period>.failed/``);
2 bad input: params, data or arguments; 3 another run holds the period's lock;
4 an unexpected error (see the period's run.log); 130 interrupted; 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["main", "build_parser", "EXIT_CODES"]

EXIT_CODES = {
    0: "report written; pages may be partial or skipped, listed in the closing line and index.html",
    1: "a notebook failed; the message names it and the cell "
    "(the failed run is kept in <out>/<period>.failed/)",
    2: "bad input: params, data file or arguments "
    "(the message names the key, file, column or rows)",
    3: "another run is writing the same period (lock file <out>/.<period>.lock)",
    4: "unexpected error (details in the period's run.log; set FBRESEARCH_DEBUG=1 for a traceback)",
    130: "interrupted",
    143: "terminated (SIGTERM): the half-built period is kept as <out>/<period>.failed/, "
    "the lock released, workers ended, raw data removed",
}

_EPILOG = "exit codes:\n" + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fbresearch`` command.

    Examples
    --------
    >>> build_parser().parse_args(["report", "--dry-run"]).dry_run
    True
    """
    parser = argparse.ArgumentParser(
        prog="fbresearch",
        description="Customer-feedback research: monthly HTML reports from notebooks.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    rep = sub.add_parser(
        "report",
        help="run the notebooks and write reports/<YYYY-MM>/",
        description="Run every notebook listed in params and write the period's HTML report.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument("--params", metavar="FILE", help="params YAML (default: params/monthly.yaml)")
    rep.add_argument(
        "--period",
        metavar="YYYY-MM",
        help="report month (default: latest complete month in the data)",
    )
    rep.add_argument(
        "--data", metavar="PATH", help="feedback file (CSV, Parquet, Excel) overriding params' data"
    )
    rep.add_argument(
        "--out", metavar="DIR", default="reports", help="reports folder (default: reports)"
    )
    rep.add_argument(
        "--workers",
        metavar="N",
        type=int,
        help="notebooks run in parallel (default: params report.workers)",
    )
    rep.add_argument(
        "-p",
        "--parameters",
        metavar="NOTEBOOK.KEY=VALUE",
        action="append",
        default=[],
        help="set one notebook parameter over params (repeatable; the value is read as YAML), "
        "e.g. -p topics.num_topics=6 -p drivers.bootstrap=100",
    )
    rep.add_argument(
        "--notebooks",
        metavar="A,B",
        help="run these pages instead of params' pages, e.g. --notebooks overview,topics",
    )
    rep.add_argument(
        "--by",
        metavar="COLUMN",
        help="also write one report per value of this column (e.g. region) under "
        "<period>/units/ (default: params report.by)",
    )
    rep.add_argument(
        "--engine",
        choices=("pandas", "duckdb", "dask"),  # engines.ENGINE_NAMES (no pandas import here)
        help="what scans the data: pandas (default, in memory), duckdb (large Parquet, "
        "a glob or a month=YYYY-MM/ folder) or dask (the same on a Dask cluster); "
        'pip install "fbresearch[engines]"',
    )
    rep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask cluster of --engine dask: local (default: one on this machine) or a "
        "scheduler address such as tcp://10.0.0.5:8786 (params report.scheduler)",
    )
    rep.add_argument(
        "--dry-run",
        action="store_true",
        help="validate params and data and list what would run; run nothing",
    )

    smp = sub.add_parser(
        "sample",
        help="write the built-in sample data to a file",
        description="Write the built-in sample feedback (canonical columns) to CSV or Parquet.",
    )
    smp.add_argument("--out", metavar="FILE", required=True, help="output file: .csv or .parquet")
    smp.add_argument(
        "--n", metavar="N", type=int, default=5000, help="number of responses (default 5000)"
    )
    smp.add_argument("--seed", metavar="S", type=int, default=0, help="random seed (default 0)")

    val = sub.add_parser(
        "validate",
        help="check a feedback file and print its data-quality summary",
        description="Load and validate a feedback file; print what was dropped or flagged.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    val.add_argument("file", metavar="FILE", help="feedback file (CSV, Parquet, Excel)")
    val.add_argument(
        "--params", metavar="FILE", help="params YAML whose columns/ratings mapping to use"
    )
    return parser


def _report(args: argparse.Namespace) -> int:
    from fbresearch.report.data import with_overrides
    from fbresearch.report.overrides import parse_overrides, parse_pages
    from fbresearch.report.params import load_params
    from fbresearch.report.runner import run_report

    overrides, pages = parse_overrides(args.parameters), parse_pages(args.notebooks)
    params = load_params(args.params, overrides=overrides, pages=pages)
    run_report(
        with_overrides(params, scheduler=args.scheduler),
        period=args.period,
        out=args.out,
        data=args.data,
        dry_run=args.dry_run,
        workers=args.workers,
        by=args.by,
        engine=args.engine,
    )
    return 0


def _sample(args: argparse.Namespace) -> int:
    from fbresearch.errors import ParamsError
    from fbresearch.io.sample import sample_data

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise ParamsError(f"--out {out}: use a .csv or .parquet file name.")
    if args.n < 1:
        raise ParamsError(f"--n must be at least 1, not {args.n}.")
    frame = sample_data(n_responses=args.n, seed=args.seed).feedback
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        frame.to_csv(out, index=False, encoding="utf-8")
    else:
        frame.to_parquet(out, index=False)
    print(f"Wrote {len(frame):,} sample responses (seed {args.seed}) to {out}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from fbresearch.io.load import load_feedback
    from fbresearch.privacy import redact
    from fbresearch.report.data import loader_options
    from fbresearch.report.params import load_params

    options: dict = {}
    if args.params:  # the loader's options exactly as `report` uses them (wave, codes, maps, ...)
        options = loader_options(load_params({**_yaml_keys(args.params), "pages": []}))
    feedback = load_feedback(args.file, **options)
    print(redact(feedback.summary()))
    if len(feedback.quality):
        for row in feedback.quality.to_dict("records"):
            column = f" [{row['column']}]" if row.get("column") else ""
            # quality messages may quote cell values: redacted, like error messages
            print(
                redact(
                    f"  - {row['check']}{column}: {int(row['rows']):,} row(s) {row['action']}: "
                    f"{row['message']}"
                )
            )
    return 0


def _yaml_keys(path: str) -> dict:
    """The params file's keys with paths resolved (notebooks are not needed to validate data)."""
    from fbresearch.report.params import _read_yaml

    given = _read_yaml(Path(path))
    given.pop("notebooks", None)
    base = Path(path).resolve().parent
    for key in ("data", "orders", "invitations", "notebooks_dir"):
        if given.get(key):
            given[key] = str(base / given[key])
    return given


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (errors are one message, no traceback).

    Examples
    --------
    >>> main(["report", "--workers", "0", "--dry-run"])  # doctest: +SKIP
    2
    """
    from fbresearch.errors import FbResearchError
    from fbresearch.privacy import redact  # stderr goes to cron logs: no message quotes data

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = {"report": _report, "sample": _sample, "validate": _validate}[args.command]
    previous = signal.signal(signal.SIGTERM, _terminate)
    shown = warnings.showwarning
    warnings.showwarning = _redacting_showwarning(shown, redact)
    try:
        return handler(args)
    except Terminated:
        print("fbresearch: terminated (SIGTERM); nothing was published", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("fbresearch: interrupted", file=sys.stderr)
        return 130
    except (FbResearchError, FileNotFoundError, PermissionError) as exc:
        from fbresearch.report.runner import exit_code

        code = exit_code(exc)
        print(f"fbresearch {args.command}: error: {redact(str(exc))}", file=sys.stderr)
        return code
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            print(f"fbresearch {args.command}: error: {exc.strerror}", file=sys.stderr)
            return 4
        if os.environ.get("FBRESEARCH_DEBUG"):
            raise
        print(
            f"fbresearch {args.command}: unexpected error: {type(exc).__name__}: "
            f"{redact(str(exc))}\n"
            "Set FBRESEARCH_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return 4
    finally:
        signal.signal(signal.SIGTERM, previous)
        warnings.showwarning = shown


def _redacting_showwarning(show: Callable[..., None], redact: Callable[[str], str]) -> Callable:
    """``warnings.showwarning`` with the message redacted: a library's warning may quote data
    (a column value, a verbatim) and the run's stderr goes to cron logs."""

    def showwarning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001, ANN202
        show(redact(str(message)), category, filename, lineno, file, "")  # no source line

    return showwarning


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler stopping the run): unwinds like Ctrl-C, so the half-built period
    moves aside, the lock is released, worker kernels are ended and the raw data removed."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
