"""Amounts in the vendor's currency: a plain formatting helper (ISO 4217 code, thousands separators)."""
from __future__ import annotations

from decimal import Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "CAD": "CA$", "AUD": "A$"}
DEFAULT_CURRENCY = "USD"


def format_money(amount: Decimal | float | int | None, currency: str = DEFAULT_CURRENCY, cents: bool = False) -> str:
    """'$1,234' (or '$1,234.50' with cents) in the currency's symbol, else '1,234 SEK'; '—' for None."""
    if amount is None:
        return "—"
    value = Decimal(str(amount))
    text = f"{abs(value):,.2f}" if cents else f"{abs(value):,.0f}"
    sign = "−" if value < 0 else ""
    code = (currency or DEFAULT_CURRENCY).upper()
    if code in SYMBOLS:
        return f"{sign}{SYMBOLS[code]}{text}"
    return f"{sign}{text} {code}"
