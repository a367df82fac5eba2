"""CLI groups of analytics: events import, health recompute, playbooks run (being built)."""
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Usage events.")
health_cli = AppGroup("health", help="Health scores.")
playbooks_cli = AppGroup("playbooks", help="Playbooks.")
