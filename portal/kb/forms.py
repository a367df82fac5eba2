"""Forms of the knowledge base (CSRF comes with FlaskForm)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models.knowledge import ARTICLE_STATUSES

LEVEL_CHOICES = [SelectChoice(n, f"Level {n}") for n in range(1, 6)]


class ArticleForm(FlaskForm):
    """Write or edit an article in Markdown."""

    title = StringField("Title", validators=[DataRequired("Write a short headline."), Length(max=200)])
    slug = StringField("Address (/kb/…)", validators=[Optional(), Length(max=120)])
    category = StringField("Category", validators=[Optional(), Length(max=100)], render_kw={"list": "kb-categories"})
    tags = StringField("Tags, separated by commas", validators=[Optional(), Length(max=1100)])
    status = SelectField("Status", choices=[SelectChoice(s, s.title()) for s in ARTICLE_STATUSES], default="draft",
                         invalid_choice_message="Choose the status: draft, published or archived.")
    body_markdown = TextAreaField("Body (Markdown)", render_kw={"rows": 18, "spellcheck": "true"})
    features = SelectMultipleField("Helps with these key features", coerce=int, choices=[],
                                   invalid_value_message="Choose key features from the list.",
                                   invalid_choice_message="Choose key features from the list; one of them no longer exists.")
    levels = SelectMultipleField("Helps to reach these maturity levels", coerce=int, choices=LEVEL_CHOICES, render_kw={"size": 5},
                                 invalid_value_message="Choose maturity levels from the list.",
                                 invalid_choice_message="Choose maturity levels from the list (1 to 5).")

    def tag_list(self) -> list[str]:
        """The tags as a list."""
        return [t.strip() for t in (self.tags.data or "").split(",") if t.strip()]


class VoteForm(FlaskForm):
    """Was this article helpful? yes or no, and an optional comment."""

    helpful = RadioField("Was this article helpful?", choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
                         validators=[DataRequired("Choose yes or no.")], invalid_choice_message="Choose yes or no.")
    comment = TextAreaField("What was missing or unclear? (optional)", validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 3})


class ConfirmForm(FlaskForm):
    """An empty form: a POST button carrying the CSRF token."""
