"""Presentation: display, tables, findings and one plots module per analysis."""
