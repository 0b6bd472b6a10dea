"""Presentation layer: display, tables, findings and plots of the analyses' results."""
