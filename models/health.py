"""Models of health (being built)."""
