"""Charts, one module per analysis (``kpis``, ...), in the report theme of ``fbresearch.present.plots.base``."""
