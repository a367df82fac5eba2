"""Forms of the Segment source's admin page."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class MappingForm(FlaskForm):
    """A track event name and the key feature it counts as."""

    event_name = StringField("Event name", validators=[DataRequired("Enter the event name your tracking sends."), Length(max=200)],
                             description="Exactly as your tracking sends it, e.g. Report Exported.")
    feature = SelectField("Counts as the key feature", choices=[], validate_choice=True,
                          invalid_choice_message="Choose one of the key features in the list.")
