"""Models of knowledge (being built)."""
