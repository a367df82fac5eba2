"""Factories of the knowledge-base tests."""
from __future__ import annotations

import pytest

from knowledge import services
from models.db import Session


@pytest.fixture
def make_article(app):
    """make_article(title, body="", status="published", author=None, **fields) -> Article (committed)."""

    def factory(title: str, body: str = "Some text.", status: str = "published", author=None, **fields):
        article = services.create_article(services.ArticleInput(title=title, body_markdown=body, status=status, **fields), author)
        Session.commit()
        return article

    return factory
