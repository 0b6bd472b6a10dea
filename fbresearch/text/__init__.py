"""Text processing: language detection, tokenizing and sentiment."""
