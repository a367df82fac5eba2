"""SQLAlchemy models of the portal, one module per area; importing this registers them all."""
from models import (  # noqa: F401
    accounts,
    audit,
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
    two_factor,
    usage,
    webhooks,
)
from models.db import Base, Session

__all__ = ["Base", "Session"]
