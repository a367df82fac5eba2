"""Demo data for playbooks (being built)."""


def seed_playbooks(ctx) -> None:
    """Add playbook demo data (not built yet)."""
