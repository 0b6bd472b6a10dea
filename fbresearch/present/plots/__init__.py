"""Figures, one module per analysis; each function takes tidy data, accepts ``ax=`` and returns the Axes."""
