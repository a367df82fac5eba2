"""Forms of the portfolio: warning actions and the health settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from analytics.health.scoring import COMPONENT_LABELS


class WarningActionForm(FlaskForm):
    """An empty form that carries the CSRF token of an acknowledge or resolve button."""


class HealthSettingsForm(FlaskForm):
    """Component weights and band thresholds."""

    weight_usage = DecimalField(f"{COMPONENT_LABELS['usage']} weight", validators=[InputRequired()])
    weight_adoption = DecimalField(f"{COMPONENT_LABELS['adoption']} weight", validators=[InputRequired()])
    weight_sentiment = DecimalField(f"{COMPONENT_LABELS['sentiment']} weight", validators=[InputRequired()])
    weight_engagement = DecimalField(f"{COMPONENT_LABELS['engagement']} weight", validators=[InputRequired()])
    weight_plan = DecimalField(f"{COMPONENT_LABELS['plan']} weight", validators=[InputRequired()])
    weight_maturity = DecimalField(f"{COMPONENT_LABELS['maturity']} weight", validators=[InputRequired()])
    red_below = DecimalField("Red below (points)", validators=[InputRequired(), NumberRange(0, 100)])
    green_from = DecimalField("Green from (points)", validators=[InputRequired(), NumberRange(0, 100)])
    gross_margin = DecimalField("Gross margin for LTV (0 to 1, e.g. 0.8 for 80%)",
                                validators=[InputRequired(), NumberRange(0.01, 1, "Enter a share between 0.01 and 1.")])
    preview = SubmitField("Preview")
    save = SubmitField("Save")

    def weights(self) -> dict:
        """The weights entered, by component name."""
        return {name: float(getattr(self, f"weight_{name}").data) for name in COMPONENT_LABELS}

    def bands(self) -> dict:
        """The thresholds entered."""
        return {"red_below": float(self.red_below.data), "green_from": float(self.green_from.data)}
