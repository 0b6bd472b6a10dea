"""Presentation: display, reader tables, findings and one plot module per analysis."""
