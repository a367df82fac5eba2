"""Every explanation sentence of the demo reads as a sentence: no None, no empty name, no double space."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from models.accounts import Account
from models.db import Session
from models.health import HealthScore, HealthWarning
from portal.demo import seed_demo
from surveys.maturity import queries
from surveys.maturity.scoring import Inference, difference_sentence

NAMES = {1: "Initial", 2: "Developing", 3: "Defined", 4: "Managed", 5: "Optimising"}
BROKEN = re.compile(r"\bNone\b|  |\s[,.:;]|:\s*(in|which)\b|\bnobody used in\b|\bwhich relies\b")


def _problems(sentences: list[str]) -> list[str]:
    return [s for s in sentences if not s or BROKEN.search(s) or not s.rstrip().endswith((".", "!", "?"))]


def test_usage_above_every_tied_level_gives_a_whole_sentence():
    """Every tied feature used, but no feature tied to the level claimed: the sentence names what was used."""
    inference = Inference(level=2, missing_level=None, missing_features=(), used_features=("Alerts", "Reports"))
    sentence = difference_sentence("Measurement", 4, inference, NAMES)
    assert _problems([sentence]) == [], sentence
    assert "Alerts and Reports" in sentence and "Developing" in sentence


def test_every_explanation_sentence_of_the_demo_is_whole(app):
    """Usage-versus-view sentences of every round, health components and warnings of every account."""
    with app.app_context():
        seed_demo(n_accounts=8, days=150, seed=3)
        Session.commit()
        sentences: list[str] = []
        for account in Session.scalars(select(Account)):
            rounds = queries.rounds_with_results(account.id)
            for assessment_round in rounds:
                sentences += [view.sentence for view in queries.usage_inference(assessment_round) if view.sentence]
        for components_json in Session.scalars(select(HealthScore.components_json)):
            sentences += [c["explanation"] for c in json.loads(components_json)]
        sentences += list(Session.scalars(select(HealthWarning.message)))
    inference_sentences = [s for s in sentences if "your usage suggests" in s]
    assert inference_sentences, "the demo should show at least one usage-versus-view sentence"
    assert _problems(sentences) == []


def test_a_feature_without_a_display_name_is_called_by_its_key():
    """An empty name never leaves a gap in the sentence."""
    inference = Inference(level=1, missing_level=2, missing_features=("reports",), used_features=())
    assert "nobody used reports in the last 90 days, which Developing relies on." in difference_sentence(
        "Measurement", 3, inference, NAMES)
