"""Reading, validating and sampling feedback data (layer above the base modules)."""

# a namespace package: its modules are imported by name
__all__: list[str] = []
