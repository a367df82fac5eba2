"""Headers that get mail delivered and answered right: one-click unsubscribe, Auto-Submitted, Reply-To."""
from __future__ import annotations

from core.unsubscribe import make_token, unsubscribe_headers

# RFC 3834: written by the portal, not by a person; auto-responders must not answer it.
NOTIFICATION_HEADERS = {"Auto-Submitted": "auto-generated"}


def one_click_url(base_url: str, secret: str, user_id: int, kind: str) -> str:
    """The one-click unsubscribe address (on PORTAL_BASE_URL) of one person for one kind of mail."""
    return f"{base_url.rstrip('/')}/mail/unsubscribe/{make_token(secret, user_id, kind)}"


def unsolicited_headers(base_url: str, secret: str, user_id: int, kind: str) -> dict[str, str]:
    """List-Unsubscribe and List-Unsubscribe-Post for a mail the person did not ask for."""
    return unsubscribe_headers(one_click_url(base_url, secret, user_id, kind))


def signed_headers(reply_to: str) -> dict[str, str]:
    """Reply-To the person who signs the mail, so an answer reaches them and not the portal."""
    return {"Reply-To": reply_to}
