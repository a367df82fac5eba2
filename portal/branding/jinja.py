"""The brand in templates: `brand` for every template (read once per request) and the `money` filter."""
from __future__ import annotations

from flask import g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from core.branding import DEFAULT_LOCALE, Brand, format_money, get_brand
from models.db import Session


def current_brand() -> Brand:
    """The brand, read once per request or app context (the defaults when the database cannot answer)."""
    if "portal_brand" not in g:
        try:
            g.portal_brand = get_brand()
        except SQLAlchemyError:  # e.g. an error page while the database is down: it must still render
            try:
                Session.rollback()
            except SQLAlchemyError:  # the connection is gone; the session is discarded at teardown
                pass
            g.portal_brand = Brand()
    return g.portal_brand


def forget_brand() -> None:
    """Drop the cached brand after it changed."""
    g.pop("portal_brand", None)


def viewer_locale() -> str:
    """The viewer's preferred language from Accept-Language (en_US outside a request, e.g. in mail)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    return request.accept_languages.best or DEFAULT_LOCALE


def money(amount, cents: bool = False) -> str:
    """Jinja filter: an amount in the brand's currency, written the viewer's way."""
    return format_money(amount, current_brand().currency, viewer_locale(), cents=cents)


def brand_context() -> dict:
    """Context processor: `brand` in every template."""
    return {"brand": current_brand()}
