"""Seaborn figures, one module per analysis, in the report theme of :mod:`fbresearch.plots`."""
