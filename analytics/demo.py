"""Demo data for this feature (being built)."""


def seed_usage(ctx) -> None:
    """Add this feature's demo data (not built yet)."""


def seed_plans(ctx) -> None:
    """Add this feature's demo data (not built yet)."""
