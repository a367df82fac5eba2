"""Words after a literal <script> or <style> in an article's visible text stay searchable (both backends)."""
from __future__ import annotations

import pytest

from knowledge.search import search


@pytest.mark.parametrize("literal", ["`<script>`", "`<style>`", "`<script src=x>`"])
def test_words_after_a_literal_tag_are_found(make_article, literal):
    """PostgreSQL's parser reads <script> as a tag; the index must still hold the words after it."""
    article = make_article("Install the tracker",
                           f"Paste the {literal} snippet into your page, then reload the zebrafinch dashboard.")
    outcome = search("zebrafinch")
    assert [hit.slug for hit in outcome.hits] == [article.slug]
    assert "zebrafinch" in str(outcome.hits[0].snippet)


def test_words_after_a_literal_tag_in_the_title_are_found(make_article):
    """The title is indexed the same way."""
    article = make_article("The <style> element and the quokkaline theme", "Colours of charts.")
    assert [hit.slug for hit in search("quokkaline").hits] == [article.slug]
