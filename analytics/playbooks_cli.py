"""CLI group `playbooks` (being built)."""
from flask.cli import AppGroup

playbooks_cli = AppGroup("playbooks", help="Playbooks.")
