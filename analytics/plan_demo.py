"""Demo data for success plans (being built)."""


def seed_plans(ctx) -> None:
    """Add success-plan demo data (not built yet)."""
