"""SQLAlchemy models of the portal, one module per area; importing this registers them all."""
from models import accounts, audit, health, knowledge, mail, maturity, plans, playbooks, surveys, two_factor, usage  # noqa: F401
from models.db import Base, Session

__all__ = ["Base", "Session"]
