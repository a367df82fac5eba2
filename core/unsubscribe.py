"""One-click unsubscribe (RFC 8058): signed tokens naming a person and a kind of mail, and the opt-out itself.

Kinds: "surveys" (NPS invitations and reminders) and "playbook" (playbook mail). A token is
signed with the portal's secret, so it cannot be guessed or altered; unsubscribing twice is
harmless.
"""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from models.accounts import User
from models.db import Session
from models.playbooks import MailUnsubscribe
from models.surveys import SurveyOptOut

KINDS = ("surveys", "playbook")
_SALT = "one-click-unsubscribe"
ONE_CLICK_POST = "List-Unsubscribe=One-Click"


def make_token(secret: str, user_id: int, kind: str) -> str:
    """The token of one person's one-click unsubscribe address for one kind of mail."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    return URLSafeSerializer(secret, salt=_SALT).dumps([user_id, kind])


def read_token(secret: str, token: str) -> tuple[int, str] | None:
    """(user id, kind) of a valid token, else None."""
    try:
        user_id, kind = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or kind not in KINDS:
        return None
    return user_id, kind


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The RFC 8058 headers of a mail a person did not ask for."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK_POST}


def unsubscribe(user_id: int, kind: str) -> User | None:
    """Stop this kind of mail to the person (flushes); None when there is no such person."""
    user = Session.get(User, user_id)
    if user is None:
        return None
    if kind == "surveys":
        if Session.get(SurveyOptOut, user_id) is None:
            Session.add(SurveyOptOut(user_id=user_id))
    elif Session.get(MailUnsubscribe, (user_id, kind)) is None:
        Session.add(MailUnsubscribe(user_id=user_id, kind=kind))
    Session.flush()
    return user
