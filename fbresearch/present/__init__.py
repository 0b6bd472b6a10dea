"""Presentation: display, tables, findings and one plot module per analysis."""
