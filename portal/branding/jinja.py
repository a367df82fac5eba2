"""The brand in templates: `brand` for every template (read once per request) and the `money` filter."""
from __future__ import annotations

from flask import g, has_request_context, request

from core.branding import DEFAULT_LOCALE, Brand, format_money, get_brand


def current_brand() -> Brand:
    """The brand, read once per request or app context."""
    if "portal_brand" not in g:
        g.portal_brand = get_brand()
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
