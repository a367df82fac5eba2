"""Demo data for this feature (being built)."""


def seed_surveys(ctx) -> None:
    """Add this feature's demo data (not built yet)."""
