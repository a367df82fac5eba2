"""Write audit entries in the caller's transaction, and the names of the audited acts. No Flask here.

Callers pass who acted, what they did, to which account and from where; the entry is only added
(flushed with the act), so it is committed, or rolled back, together with what it records.
"""
from __future__ import annotations

from typing import Any, Optional

from models.audit import AuditEntry
from models.db import Session

# Every audited act, with the words the admin page shows for it.
ACTIONS: dict[str, str] = {
    "signin.success": "Signed in",
    "signin.failure": "Sign-in refused",
    "signin.2fa_success": "Second step passed",
    "signin.2fa_failure": "Second step refused",
    "signin.recovery_code": "Signed in with a recovery code",
    "2fa.enrolled": "Two-factor sign-in turned on",
    "2fa.disabled": "Two-factor sign-in turned off",
    "2fa.reset": "Two-factor sign-in reset by an admin",
    "user.created": "User created",
    "user.changed": "User changed",
    "user.role_changed": "Role changed",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "share.created": "Review link made",
    "share.viewed": "Review link viewed",
    "share.revoked": "Review link revoked",
    "export.audit": "Audit log exported",
    "settings.health": "Health weights changed",
    "settings.security": "Security settings changed",
    "article.published": "Article published",
    "article.archived": "Article archived",
    "view_as.start": "Started viewing as a customer",
    "view_as.end": "Stopped viewing as a customer",
}

COMMAND_LINE = "command line"


def record(action: str, *, actor: Any = None, account: Any = None, target: str = "", detail: str = "",
           address: str = "", user_agent: str = "", actor_email: Optional[str] = None) -> AuditEntry:
    """Add one audit entry to the current transaction (flushed, not committed)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_email=(actor_email if actor_email is not None else getattr(actor, "email", "")) or "",
        account_id=getattr(account, "id", None),
        account_external_id=getattr(account, "external_id", "") or "",
        target=target[:300],
        detail=detail,
        address=(address or "")[:64],
        user_agent=(user_agent or "")[:300],
    )
    Session.add(entry)
    Session.flush()
    return entry
