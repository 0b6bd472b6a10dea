"""Charts, one module per analysis (``kpis``, ...), in the report theme of ``fbresearch.present.plots.base``."""

# a namespace package: its modules are imported by name
__all__: list[str] = []
