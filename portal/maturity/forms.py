"""Forms of the maturity self-assessment and of the model editor."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from models.maturity import MaturityQuestion


class PageForm(FlaskForm):
    """One dimension's questions; the fields are added per page by page_form()."""

    previous = SubmitField("Save and go back")
    next = SubmitField("Save and continue")


def field_name(question: MaturityQuestion) -> str:
    """The form field of a question."""
    return f"q{question.id}"


def page_form(questions: list[MaturityQuestion], answers: dict[int, int], **kwargs) -> PageForm:
    """A form with one radio group per question, pre-filled with the draft's answers."""

    class _Page(PageForm):
        pass

    for question in questions:
        setattr(_Page, field_name(question), RadioField(
            question.text, choices=[SelectChoice(option.id, option.text) for option in question.options], coerce=int,
            validators=[Optional()], default=answers.get(question.id),
            invalid_value_message="Choose one of the answers listed.",
            invalid_choice_message="Choose one of the answers listed; the question may have changed, so reload the page."))
    return _Page(**kwargs)


def page_answers(form: PageForm, questions: list[MaturityQuestion]) -> dict[int, int]:
    """{question id: option id} for the questions answered on the page."""
    chosen = {}
    for question in questions:
        value = form[field_name(question)].data
        if value is not None:
            chosen[question.id] = value
    return chosen


class SubmitAssessmentForm(FlaskForm):
    """Submit the draft (a button only)."""

    submit = SubmitField("Submit my answers")


class ModelDocumentForm(FlaskForm):
    """The whole model as a text document."""

    document = TextAreaField("Model document", validators=[DataRequired(message="Write the model; it cannot be empty."),
                                                            Length(max=100_000)], render_kw={"rows": 30, "spellcheck": "true"})
    save = SubmitField("Save the model")
