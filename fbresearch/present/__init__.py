"""The presentation layer: what reaches a page.

:mod:`~fbresearch.present.display` shows results, tables and figures in notebooks (numbered,
captioned, escaped); :mod:`~fbresearch.present.tables` is the one table renderer;
:mod:`~fbresearch.present.findings` carries headline findings from notebooks to the runner;
:mod:`~fbresearch.present.plots` holds the figures, one module per analysis, sharing the theme
of :mod:`~fbresearch.present.plots.base`.
"""

# a namespace package: its modules are imported by name
__all__: list[str] = []
