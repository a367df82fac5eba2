"""CLI group `events` (being built)."""
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Usage events.")
