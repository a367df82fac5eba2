"""SQLAlchemy models of the portal, one module per area; importing this registers them all."""
from models import (  # noqa: F401
    accounts,
    health,
    knowledge,
    mail,
    maturity,
    plans,
    playbooks,
    revenue,
    segment,
    sso,
    surveys,
    usage,
    webhooks,
)
from models.db import Base, Session

__all__ = ["Base", "Session"]
