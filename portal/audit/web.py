"""Record an audited act of the current request: who, from which address and browser."""
from __future__ import annotations

from typing import Any, Optional

from flask import g, has_request_context, request
from flask_login import current_user

from core.audit import record
from models.audit import AuditEntry


def acting_user() -> Any:
    """The person really acting: the staff member while they view the portal as a customer."""
    staff = g.get("view_as_staff") if has_request_context() else None
    if staff is not None:
        return staff
    return current_user if has_request_context() and current_user.is_authenticated else None


def audit(action: str, *, account: Any = None, target: str = "", detail: str = "", actor: Any = None,
          actor_email: Optional[str] = None) -> AuditEntry:
    """Add an audit entry for this request (flushed; the view's single commit stores it with the act)."""
    return record(
        action, actor=actor if actor is not None else acting_user(), account=account, target=target,
        detail=detail, address=request.remote_addr or "", user_agent=request.headers.get("User-Agent", ""),
        actor_email=actor_email,
    )


def audit_article_status(article: Any, before: Optional[str], actor: Any = None) -> None:
    """Audit an article that became published or archived by this request (other changes are revisions)."""
    if article.status == before or article.status not in ("published", "archived"):
        return
    audit(f"article.{article.status}", target=f"article {article.slug}", detail=article.title, actor=actor)
