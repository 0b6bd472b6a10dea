"""Text processing: language detection, tokenizing and sentiment."""

# a namespace package: its modules are imported by name
__all__: list[str] = []
