"""Factories of the maturity tests: the default model and respondents who answer it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.db import Session
from models.maturity import AssessmentRound, MaturityModel
from surveys.maturity import services


@pytest.fixture
def maturity_model(app):
    """The default model, saved as version 1."""
    with app.app_context():
        model, _ = services.save_model(services.document.default_document(), None, drop_unknown_features=True)
        Session.commit()
        return model.id


def levels_for(model: MaturityModel, level_by_dimension: dict[str, int] | int) -> dict[int, int]:
    """{question id: option id} answering every question at the given level (per dimension name or for all)."""
    answers = {}
    for dimension in model.dimensions:
        level = level_by_dimension if isinstance(level_by_dimension, int) else level_by_dimension[dimension.name]
        for question in dimension.questions:
            answers[question.id] = next(o.id for o in question.options if o.level == level)
    return answers


@pytest.fixture
def answer(app):
    """answer(account, user, levels, submit=True) answers every question through the services and commits."""

    def do(account, user, levels, submit=True):
        with app.app_context():
            response = services.start_response(account, user)
            model = Session.get(AssessmentRound, response.round_id).model
            services.save_answers(response, user, levels_for(model, levels))
            if submit:
                services.submit_response(response, user)
            Session.commit()
            return response.round_id

    return do


@pytest.fixture
def age_rounds(app):
    """age_rounds(account, days) moves the account's rounds that many days into the past (closing open ones)."""

    def do(account, days):
        with app.app_context():
            for assessment_round in Session.scalars(select(AssessmentRound).where(AssessmentRound.account_id == account.id)):
                assessment_round.opened_at = assessment_round.opened_at - timedelta(days=days)
                if assessment_round.taken_on:
                    assessment_round.taken_on = assessment_round.taken_on - timedelta(days=days)
            Session.commit()

    return do
