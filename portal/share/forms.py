"""Form to create a review share link."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.share.services import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS


class ShareLinkForm(FlaskForm):
    """Period, note and expiry of a new link."""

    start = DateField("First day of the period", validators=[InputRequired("Enter the first day, like 2026-01-01.")],
                      invalid_value_message="Enter the first day as a date, e.g. 2026-01-01, or pick it from the calendar.")
    end = DateField("Last day of the period", validators=[InputRequired("Enter the last day, like 2026-03-31.")],
                    invalid_value_message="Enter the last day as a date, e.g. 2026-03-31, or pick it from the calendar.")
    note = TextAreaField("Note for the review (optional)", validators=[Length(max=2000)])
    expires_in_days = IntegerField(
        "Valid for (days)", default=DEFAULT_EXPIRY_DAYS,
        invalid_value_message=f"Give the number of days as a whole number, 1 to {MAX_EXPIRY_DAYS}.",
        validators=[InputRequired(f"Give the number of days the link stays valid, 1 to {MAX_EXPIRY_DAYS}."), NumberRange(1, MAX_EXPIRY_DAYS, f"Choose 1 to {MAX_EXPIRY_DAYS} days.")])


class RevokeForm(FlaskForm):
    """An empty form that carries the CSRF token of a revoke button."""
