"""A warning's figures as short sentences for the CSM's tables (never raw keys or ISO timestamps)."""
from __future__ import annotations

from datetime import date, datetime

# key -> how it reads; "{}" is the formatted value
PHRASES = {
    "active_user_days_last_4_weeks": "{} active user-days in the last 4 weeks",
    "active_user_days_previous_4_weeks": "{} active user-days in the 4 weeks before",
    "change_percent": "a change of {}%",
    "users_28d": "{} people active in the last 28 days",
    "seats": "{} licensed seats",
    "utilisation_percent": "{}% of seats used",
    "last_login_day": "last login on {}",
    "days_without_login": "{} days without a login",
    "from": "band was {}",
    "to": "band is now {}",
    "score": "health score {}",
    "previous_level": "maturity level was {}",
    "latest_level": "maturity level is now {}",
    "detractor_answers_30d": "{} detractor answers in 30 days",
    "latest_respondent": "latest from {}",
    "latest_score": "who gave {} of 10",
    "latest_answered_at": "answered on {}",
}


def _value(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:+,.1f}".rstrip("0").rstrip(".") if value < 0 else f"{value:,.1f}".rstrip("0").rstrip(".")
    text = str(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:
        return date.fromisoformat(text).strftime("%-d %b %Y")
    return moment.strftime("%-d %b %Y, %H:%M UTC")


def describe(figures: dict) -> str:
    """'57 active user-days in the last 4 weeks; a change of -56.5%.' from a warning's figures."""
    parts = []
    for key, value in figures.items():
        phrase = PHRASES.get(key, key.replace("_", " ") + ": {}")
        parts.append(phrase.format(_value(value)))
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
