"""Demo data for usage (being built)."""


def seed_usage(ctx) -> None:
    """Add usage demo data (not built yet)."""
