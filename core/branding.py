"""The vendor's brand: name, currency, accent colour, logo and support address, stored as one setting.

Every check runs before anything is written, so a refused change leaves the brand as it was.
Amounts are formatted with Babel in the brand's currency for a given locale.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from dataclasses import dataclass, replace

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, list_currencies
from email_validator import EmailNotValidError, validate_email

from core.brand_logo import LogoError, check_logo
from models.accounts import Setting
from models.db import Session

SETTING_KEY = "branding"
MAX_NAME = 100
MIN_CONTRAST = 4.5
DEFAULT_LOCALE = "en_US"
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class BrandError(ValueError):
    """A brand change that cannot be accepted; the message is one sentence for the user."""


@dataclass(frozen=True)
class Brand:
    """What the portal shows of the vendor."""

    name: str = "Success Portal"  # the vendor's name, shown in pages, mails and the NPS question
    currency: str = "USD"  # ISO 4217 code of every amount
    color: str = "#0B5CAD"  # accent colour (links, buttons), at least 4.5:1 on white
    support_email: str = ""  # where customers write for help; empty when unset
    logo_type: str = ""  # image/png or image/svg+xml; empty when there is no logo
    logo_b64: str = ""  # the logo file, base64

    @property
    def logo(self) -> bytes:
        """The logo file's bytes (empty without a logo)."""
        return base64.b64decode(self.logo_b64) if self.logo_b64 else b""

    @property
    def logo_version(self) -> str:
        """A short hash of the logo, to make its address change with it."""
        return hashlib.sha256(self.logo_b64.encode()).hexdigest()[:12] if self.logo_b64 else ""


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a #RRGGBB colour against white."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def check_name(name: str) -> str:
    """The vendor name, trimmed; BrandError when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise BrandError("The vendor name is empty; give the name your customers know you by.")
    if len(name) > MAX_NAME:
        raise BrandError(f"The vendor name has {len(name)} characters; use at most {MAX_NAME}.")
    return name


def check_currency(code: str) -> str:
    """The ISO 4217 code in capitals; BrandError when unknown."""
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise BrandError(f"{code or 'An empty code'} is not an ISO 4217 currency code; use one such as EUR, USD or GBP.")
    return code


def check_color(colour: str) -> str:
    """The #RRGGBB colour in capitals; BrandError when malformed or below 4.5:1 contrast on white."""
    colour = (colour or "").strip()
    if not _COLOUR.fullmatch(colour):
        raise BrandError(f"The colour {colour or '(empty)'} is not written #RRGGBB; use six hexadecimal digits, e.g. #0B5CAD.")
    ratio = contrast_on_white(colour)
    if ratio < MIN_CONTRAST:
        raise BrandError(f"The colour {colour} has a contrast of {ratio:.2f}:1 on white, below the 4.5:1 that text "
                         "needs to be readable; choose a darker colour.")
    return colour.upper()


def check_support_email(address: str) -> str:
    """The support address, normalised; empty clears it; BrandError when malformed."""
    address = (address or "").strip()
    if not address:
        return ""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        raise BrandError(f"{address} is not an e-mail address; give the address customers should write to.") from None


def get_brand() -> Brand:
    """The stored brand, else the defaults."""
    row = Session.get(Setting, SETTING_KEY)
    if row is None:
        return Brand()
    stored = json.loads(row.value_json)
    known = {key: value for key, value in stored.items() if key in Brand.__dataclass_fields__ and isinstance(value, str)}
    return Brand(**known)


def set_brand(*, name: str | None = None, currency: str | None = None, color: str | None = None,
              support_email: str | None = None, logo: tuple[str, bytes] | None = None,
              remove_logo: bool = False) -> Brand:
    """Check every given part, then store them together (flushes; the caller commits); BrandError changes nothing."""
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = check_name(name)
    if currency is not None:
        changes["currency"] = check_currency(currency)
    if color is not None:
        changes["color"] = check_color(color)
    if support_email is not None:
        changes["support_email"] = check_support_email(support_email)
    if logo is not None:
        filename, data = logo
        try:
            changes["logo_type"] = check_logo(filename, data)
        except LogoError as exc:
            raise BrandError(str(exc)) from None
        changes["logo_b64"] = base64.b64encode(data).decode()
    elif remove_logo:
        changes.update(logo_type="", logo_b64="")
    brand = replace(get_brand(), **changes)
    value = json.dumps({key: getattr(brand, key) for key in Brand.__dataclass_fields__})
    row = Session.get(Setting, SETTING_KEY)
    if row is None:
        Session.add(Setting(key=SETTING_KEY, value_json=value))
    else:
        row.value_json = value
    Session.flush()
    return brand


def _locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or DEFAULT_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE)


def format_money(amount, currency: str, locale: str | None = None, cents: bool = False) -> str:
    """An amount with its currency, as the locale writes it (whole units unless cents=True)."""
    if amount is None:
        return ""
    where = _locale(locale)
    pattern = where.currency_formats["standard"]
    if not cents:
        pattern = copy.copy(pattern)
        pattern.frac_prec = (0, 0)
    return format_currency(amount, currency, format=pattern, locale=where, currency_digits=False)


def brand_question(question: str, brand: Brand) -> str:
    """The NPS question with the vendor's name where it says {vendor} or the generic "us"."""
    text = (question or "").replace("{vendor}", brand.name)
    return re.sub(r"\brecommend us\b", f"recommend {brand.name}", text)
