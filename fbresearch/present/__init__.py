"""Presentation: display, the one table renderer, findings and one plot module per analysis."""
