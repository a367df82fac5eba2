"""Every form speaks in sentences that say what to do: no generic WTForms message can reach a person."""
from __future__ import annotations

import re

import pytest
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FloatField, IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired

from portal import create_app

CHOICE_FIELDS = (SelectField, RadioField, SelectMultipleField)
VALUE_FIELDS = (DateField, IntegerField, DecimalField, FloatField, SelectField, RadioField, SelectMultipleField)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _generic_messages(form_class) -> list[str]:
    """Fields of a form class that would answer bad input with a WTForms default message."""
    found = []
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField) or not unbound.field_class.__module__.startswith("wtforms"):
            continue  # the portal's own field classes (DayField, ScoreField) word their messages themselves
        where = f"{form_class.__module__}.{form_class.__name__}.{name}"
        kwargs = unbound.kwargs
        coerced = "coerce" in kwargs or not issubclass(unbound.field_class, CHOICE_FIELDS)
        if issubclass(unbound.field_class, VALUE_FIELDS) and coerced and not kwargs.get("invalid_value_message"):
            found.append(f"{where}: no invalid_value_message")
        if issubclass(unbound.field_class, CHOICE_FIELDS) and kwargs.get("validate_choice", True) \
                and not kwargs.get("invalid_choice_message"):
            found.append(f"{where}: no invalid_choice_message")
        for validator in kwargs.get("validators") or []:
            if isinstance(validator, (DataRequired, InputRequired)) and not validator.message:
                found.append(f"{where}: {type(validator).__name__} without a sentence")
    return found


@pytest.fixture(scope="module")
def form_classes(tmp_path_factory):
    """Every FlaskForm of the portal (the app imports every blueprint and so every form module)."""
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('forms') / 'forms.db'}", "TESTING": True})
    return [cls for cls in _subclasses(FlaskForm) if not cls.__module__.startswith(("flask_wtf", "tests"))]


def test_no_form_field_answers_with_a_generic_message(form_classes):
    """Choices, dates and numbers have their own sentence; required fields say what to enter."""
    assert len(form_classes) > 20
    problems = [problem for form_class in form_classes for problem in _generic_messages(form_class)]
    assert problems == []


def test_the_check_finds_a_generic_message():
    """A form with a bare SelectField, DateField and DataRequired is reported three times."""
    class Careless(FlaskForm):
        colour = SelectField("Colour", choices=["red"])
        day = DateField("Day", validators=[DataRequired()])

    problems = _generic_messages(Careless)
    assert len(problems) == 3  # the colour's choice, the day's format, the day's requirement
    assert any(re.search(r"day: DataRequired", p) for p in problems)


def test_bad_values_get_sentences_on_the_page(client, login, world):
    """A malformed date and an unknown choice on the share form and the dashboard period answer in sentences."""
    login(world["csm_a"])
    page = client.post("/accounts/ALPHA/share", data={"start": "31/01/2026", "end": "soon", "expires_in_days": "x"})
    html = page.get_data(as_text=True)
    assert "Enter the first day as a date" in html and "Enter the last day as a date" in html
    assert "whole number" in html
    period = client.get("/accounts/ALPHA/?range=forever&start=yesterday").get_data(as_text=True)
    assert "Not a valid" not in html + period
