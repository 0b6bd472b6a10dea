# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.report.cli` (the ``fbresearch`` console script's new home)."""

from fbresearch.report.cli import EXIT_CODES, build_parser, main  # noqa: F401

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
