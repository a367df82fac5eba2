"""CLI group `health` (being built)."""
from flask.cli import AppGroup

health_cli = AppGroup("health", help="Health scores.")
