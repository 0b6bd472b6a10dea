"""Reading, validating and sampling feedback data (layer above the base modules)."""
