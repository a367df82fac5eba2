"""CLI group of the mail outbox (being built)."""
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Outgoing mail.")
