"""Figures, one module per analysis; :mod:`~fbresearch.present.plots.base` has the shared theme."""
