"""Demo data for this feature (being built)."""


def seed_health(ctx) -> None:
    """Add this feature's demo data (not built yet)."""
