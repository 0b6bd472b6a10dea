"""``python -m fbresearch ...`` runs the same command line as ``fbresearch ...``."""

from fbresearch.report.cli import main

__all__ = ["main"]

raise SystemExit(main())
