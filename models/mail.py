"""Models of mail (being built)."""
