"""Models of maturity (being built)."""
