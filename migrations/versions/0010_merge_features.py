"""Merge the feature branches of the schema into one head.

Revision ID: 0010
Revises: 0002, 0003, 0004, 0005, 0006, 0007, 0009
"""

revision = "0010"
down_revision = ("0002", "0003", "0004", "0005", "0006", "0007", "0009")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches only meet here."""


def downgrade() -> None:
    """Nothing to change."""
