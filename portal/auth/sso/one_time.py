"""One-time sign-in tokens (an embed jti, a SAML assertion id): recorded when used, so a replay is refused."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from models.db import Session, utcnow
from models.sso import SignInToken


class AlreadyUsed(Exception):
    """This token was used before."""


def use_once(account_id: int, kind: str, token_id: str, expires_at: datetime) -> None:
    """Record the token as used (flush); AlreadyUsed when it was. Expired records of the account are dropped."""
    Session.execute(delete(SignInToken).where(SignInToken.account_id == account_id, SignInToken.kind == kind,
                                              SignInToken.expires_at < utcnow()))
    if Session.get(SignInToken, (account_id, kind, token_id)) is not None:
        raise AlreadyUsed(token_id)
    Session.add(SignInToken(account_id=account_id, kind=kind, token_id=token_id, expires_at=expires_at))
    Session.flush()  # a concurrent use of the same token fails here (primary key), the caller rolls back
