"""Forms of the portfolio: warning actions and the health settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from analytics.health.scoring import COMPONENT_LABELS


class WarningActionForm(FlaskForm):
    """An empty form that carries the CSRF token of an acknowledge or resolve button."""


def _weight(component: str) -> DecimalField:
    """The weight of one health component, with sentences for a missing or malformed number."""
    label = COMPONENT_LABELS[component]
    return DecimalField(f"{label} weight", invalid_value_message=f"Enter the {label.lower()} weight as a number, e.g. 20.",
                        validators=[InputRequired(f"Enter the {label.lower()} weight, e.g. 20.")])


class HealthSettingsForm(FlaskForm):
    """Component weights and band thresholds."""

    weight_usage = _weight("usage")
    weight_adoption = _weight("adoption")
    weight_sentiment = _weight("sentiment")
    weight_engagement = _weight("engagement")
    weight_plan = _weight("plan")
    weight_maturity = _weight("maturity")
    red_below = DecimalField("Red below (points)", invalid_value_message="Enter the red threshold as a number of points, e.g. 40.",
                             validators=[InputRequired("Enter the score below which an account is red, e.g. 40."),
                                         NumberRange(0, 100, "Enter a threshold from 0 to 100 points.")])
    green_from = DecimalField("Green from (points)", invalid_value_message="Enter the green threshold as a number of points, e.g. 70.",
                              validators=[InputRequired("Enter the score from which an account is green, e.g. 70."),
                                          NumberRange(0, 100, "Enter a threshold from 0 to 100 points.")])
    gross_margin = DecimalField("Gross margin for LTV (0 to 1, e.g. 0.8 for 80%)",
                                invalid_value_message="Enter the gross margin as a share, e.g. 0.8 for 80%.",
                                validators=[InputRequired("Enter the gross margin as a share, e.g. 0.8 for 80%."),
                                            NumberRange(0.01, 1, "Enter a share between 0.01 and 1.")])
    preview = SubmitField("Preview")
    save = SubmitField("Save")

    def weights(self) -> dict:
        """The weights entered, by component name."""
        return {name: float(getattr(self, f"weight_{name}").data) for name in COMPONENT_LABELS}

    def bands(self) -> dict:
        """The thresholds entered."""
        return {"red_below": float(self.red_below.data), "green_from": float(self.green_from.data)}
