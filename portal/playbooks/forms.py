"""Forms of the segment and playbook pages (values are validated again by the services)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

RULES_HELP = ('JSON: {"rules": [...]}; every rule must hold. Example: '
              '{"rules": [{"kind": "tier", "in": ["scalable"]}, {"kind": "feature_unused", "feature": "reports", "days": 30}]}')


class SegmentForm(FlaskForm):
    """A segment: a name and its rules."""

    name = StringField("Name", validators=[DataRequired("Give it a name."), Length(max=200)])
    rules = TextAreaField("Rules", validators=[DataRequired("Write at least one rule."), Length(max=10000)], render_kw={"rows": 10, "spellcheck": "false"})


class PlaybookForm(FlaskForm):
    """A playbook: its segment and actions."""

    name = StringField("Name", validators=[DataRequired("Give it a name."), Length(max=200)])
    segment = SelectField("Segment", coerce=int, choices=[], validate_choice=True,
                          invalid_value_message="Choose a segment from the list.",
                          invalid_choice_message="Choose a segment from the list; define one first if there is none.")
    email_subject = StringField("E-mail subject", validators=[Optional(), Length(max=200)],
                                description="Leave empty to send no e-mail.")
    email_body = TextAreaField("E-mail body (Markdown)", validators=[Optional(), Length(max=20000)], render_kw={"rows": 10})
    task_text = TextAreaField("Task for the CSM", validators=[Optional(), Length(max=2000)], render_kw={"rows": 2},
                              description="Leave empty for no task.")
    message_text = TextAreaField("Message on the customer's dashboard", validators=[Optional(), Length(max=2000)],
                                 render_kw={"rows": 2}, description="Leave empty for no message.")
    promoted_feature = StringField("Promoted feature (key)", validators=[Optional(), Length(max=200)],
                                   description="Results count the accounts that start using it.")
    confirm_all = BooleanField("I confirm: mail every account of the segment even if it matches all my accounts")


class ButtonForm(FlaskForm):
    """An empty form: a POST button carrying only the CSRF token."""


class HoldoutForm(FlaskForm):
    """The share of each segment's accounts held out of every playbook, to measure it."""

    percent = IntegerField("Hold-out share (% of accounts)", invalid_value_message="Give the share as a whole number of percent, e.g. 10.", validators=[
        InputRequired(message="Give the share as a whole number of percent."),
        NumberRange(min=0, max=50, message="The hold-out share must be between 0%% and 50%%.")])


class DeleteForm(FlaskForm):
    """Delete a segment or a playbook once the person ticked the confirmation."""

    confirm = BooleanField("Yes, delete it", validators=[DataRequired("Tick the box to confirm; this cannot be undone.")])
