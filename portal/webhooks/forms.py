"""Forms of the webhooks admin page."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from models.webhooks import WEBHOOK_EVENT_TYPES

EVENT_LABELS = {
    "nps.response": "nps.response: every NPS answer",
    "nps.detractor": "nps.detractor: an answer from 0 to 6",
    "health.band_changed": "health.band_changed: an account's health band went up or down",
    "warning.raised": "warning.raised: an early warning for a CSM",
    "assessment.submitted": "assessment.submitted: a maturity self-assessment was submitted",
    "share.viewed": "share.viewed: someone opened a shared review",
}


class EndpointForm(FlaskForm):
    """A new endpoint: its URL and the event types it hears about."""

    url = StringField("Endpoint URL", validators=[DataRequired("Enter the address of the endpoint, starting with https://."), Length(max=2000)],
                      description="An http:// or https:// address of your other tool; every message is signed.",
                      render_kw={"inputmode": "url", "autocomplete": "off"})
    events = SelectMultipleField("Event types", choices=[SelectChoice(name, EVENT_LABELS[name]) for name in WEBHOOK_EVENT_TYPES],
                                 option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                 invalid_choice_message="Choose event types from the list.",
                                 description="None ticked: every event type.")
