"""Forms of the success plan: add, change or delete a metric, enter a reading, comment."""
from __future__ import annotations

import math

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from analytics.plan.progress import MEASURES
from models.db import utcnow


def parse_number(text: str | None) -> float | None:
    """A number typed by a person ("1,250", " 3.5 ", "12%"), or None when it is not one."""
    cleaned = (text or "").replace(",", "").replace(" ", "").removesuffix("%")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def number(form, field) -> None:
    """Validator: the field holds a number."""
    if field.data and parse_number(field.data) is None:
        raise ValidationError("Enter a number, e.g. 42 or 3.5.")


class DayField(DateField):
    """A date input (the browser's calendar) with an error message that says how to write it."""

    def process_formdata(self, valuelist):
        """Parse the date, or explain the expected format."""
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the date written YYYY-MM-DD, e.g. 2027-03-31, or pick it from the calendar.") from None


class MetricForm(FlaskForm):
    """A new success-plan metric."""

    name = StringField("Metric", validators=[DataRequired("Name the metric."), Length(max=200)])
    source = SelectField(
        "Where the value comes from",
        choices={"reported": "Reported: we enter it in the portal", "usage": "Measured from usage automatically"},
        default="reported", invalid_choice_message="Choose where the value comes from: reported or measured.",
    )
    usage_measure = SelectField(
        "Usage measure (for measured metrics)",
        choices={"": "Not measured from usage", **{key: label for key, (label, _u, _d) in MEASURES.items()}},
        default="", invalid_choice_message="Choose a usage measure from the list.",
    )
    unit = StringField("Unit (for reported metrics)", validators=[Optional(), Length(max=40)])
    direction = SelectField("Better is", choices={"higher": "Higher values", "lower": "Lower values"},
                            invalid_choice_message="Choose whether higher or lower values are better.")
    baseline = StringField("Baseline: today's value (for reported metrics)", validators=[Optional(), number])
    target = StringField("Target value", validators=[DataRequired("Enter the value to reach."), number])
    target_date = DayField("Target date", validators=[InputRequired("Enter the date to reach the target by.")])

    def validate_baseline(self, field) -> None:
        """A reported metric needs its baseline typed in."""
        if self.source.data == "reported" and not (field.data or "").strip():
            raise ValidationError("Enter the value the metric has today (the baseline).")

    def validate_usage_measure(self, field) -> None:
        """A measured metric needs its measure."""
        if self.source.data == "usage" and not field.data:
            raise ValidationError("Choose the usage measure this metric reads.")


class ReadingForm(FlaskForm):
    """A value of a reported metric on a day."""

    value = StringField("Value", validators=[DataRequired("Enter the value."), number])
    day = DayField("Date", validators=[InputRequired("Enter the date the value holds for.")], default=lambda: utcnow().date())
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=500)])


class CommentForm(FlaskForm):
    """A comment on a metric."""

    body = TextAreaField("Comment", validators=[DataRequired("Write a comment before sending it."), Length(max=2000)])


class MetricEditForm(FlaskForm):
    """What may change on a metric after day one: its name, unit, target and target date."""

    name = StringField("Metric", validators=[DataRequired("Name the metric."), Length(max=200)])
    unit = StringField("Unit", validators=[Optional(), Length(max=40)])
    target = StringField("Target value", validators=[DataRequired("Enter the value to reach."), number])
    target_date = DayField("Target date", validators=[InputRequired("Enter the date to reach the target by.")])


class DeleteMetricForm(FlaskForm):
    """Delete a metric, once the person confirmed that its history goes with it."""

    confirm = BooleanField("Yes, delete this metric with its readings and comments",
                           validators=[DataRequired("Tick the box to confirm; the readings and comments cannot be restored.")])
