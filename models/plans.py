"""Models of plans (being built)."""
