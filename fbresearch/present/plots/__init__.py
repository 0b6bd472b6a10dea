"""Figures, one module per analysis (tidy tables in, matplotlib Axes or Figures out)."""
