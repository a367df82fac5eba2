"""SQLAlchemy models of the portal, one module per area; importing this registers them all."""
from models import accounts, health, knowledge, mail, maturity, plans, playbooks, sso, surveys, usage  # noqa: F401
from models.db import Base, Session

__all__ = ["Base", "Session"]
