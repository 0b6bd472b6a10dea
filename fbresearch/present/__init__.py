"""Presentation: notebook display, the table renderer, findings and one plot module per analysis."""
