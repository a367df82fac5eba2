"""CLI group of surveys (being built)."""
from flask.cli import AppGroup

surveys_cli = AppGroup("surveys", help="NPS surveys.")
