"""Forms of the NPS pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from surveys.nps.services import MAX_COMMENT

SCORE_CHOICES = [SelectChoice(n, str(n)) for n in range(11)]


class ScoreField(RadioField):
    """0..10 radio buttons that answer every bad value with one clear sentence."""

    def pre_validate(self, form):
        if self.data not in range(11):
            raise ValidationError("Choose a score from 0 (not at all likely) to 10 (extremely likely).")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class AnswerForm(FlaskForm):
    """The NPS question and the reason for the score."""

    score = ScoreField("Score", choices=SCORE_CHOICES, coerce=int,
                       validators=[InputRequired("Choose a score from 0 (not at all likely) to 10 (extremely likely).")])
    comment = TextAreaField("What is the main reason for your score? (optional)", validators=[
        Length(max=MAX_COMMENT, message=f"Please keep the comment under {MAX_COMMENT:,} characters; "
                                        "shorten it and send again.")])


class UnsubscribeForm(FlaskForm):
    """Confirm stopping survey e-mails (a POST, so mail scanners that open links change nothing)."""


class FollowupForm(FlaskForm):
    """The CSM closes the loop on a detractor's answer."""

    note = TextAreaField("What did you do? (internal note)", validators=[Length(max=MAX_COMMENT)])
    reply = TextAreaField("“You said, we did” reply to the respondent (optional)", validators=[Length(max=MAX_COMMENT)])
    publish_reply = BooleanField("Show this reply to the respondent in the portal")
    close = BooleanField("The loop is closed")


class CampaignForm(FlaskForm):
    """A new NPS campaign."""

    name = StringField("Name", validators=[InputRequired("Give the campaign a name."), Length(max=200)])
    question = TextAreaField("Question", validators=[Optional(), Length(max=500)])
    audience = SelectField("Who is asked", choices=[SelectChoice("all", "All accounts"), SelectChoice("tier", "One tier"),
                                                    SelectChoice("accounts", "Chosen accounts")],
                           invalid_choice_message="Choose who is asked: all accounts, one tier or chosen accounts.")
    tier = SelectField("Tier (when asking one tier)", choices=[SelectChoice("top", "Top"), SelectChoice("leveraged", "Leveraged"),
                                                               SelectChoice("scalable", "Scalable")], default="top",
                       invalid_choice_message="Choose the tier: top, leveraged or scalable.")
    accounts = SelectMultipleField("Accounts (when asking chosen accounts)", coerce=int, validate_choice=True,
                                   invalid_value_message="Choose accounts from the list.",
                                   invalid_choice_message="Choose accounts from the list; one of them no longer exists.")
    every_days = IntegerField("Repeat every N days (empty: send once)",
                              invalid_value_message="Repeat every 1 to 3,650 days (a whole number), or leave it empty.", validators=[
        Optional(), NumberRange(min=1, max=3650, message="Repeat every 1 to 3,650 days, or leave it empty.")])


class CampaignScheduleForm(FlaskForm):
    """Stop a campaign's further runs, or resume a stopped one."""

    action = SelectField("Action", choices=[SelectChoice("stop", "Stop"), SelectChoice("resume", "Resume")],
                         invalid_choice_message="Choose stop or resume.")
