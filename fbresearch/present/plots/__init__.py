"""Charts, one module per analysis (each draws its results' standard charts)."""
