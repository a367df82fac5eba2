"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): ranking, snippets, prefix, stemming, safety."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from knowledge import services
from knowledge.search import search, similar
from models.db import Session


@pytest.fixture
def library(make_article):
    """A few articles about different tasks."""
    return {
        "schedule": make_article("Schedule a weekly report", "Reports can be sent by e-mail every Monday.\n\nPick the recipients and the time."),
        "export": make_article("Export data to CSV", "Exporting your dashboards lets you share figures in spreadsheets."),
        "mention": make_article("Invite your team", "Invite colleagues so they can see the report you scheduled last week."),
        "integrations": make_article("Connect your CRM with integrations", "The Salesforce and HubSpot integrations sync contacts nightly."),
        "draft": make_article("Secret roadmap for reports", "Not ready yet.", status="draft"),
    }


def _slugs(outcome):
    return [hit.slug for hit in outcome.hits]


def test_title_matches_rank_above_body_mentions(library):
    """An article about the words comes before one that only mentions them."""
    slugs = _slugs(search("schedule report"))
    assert slugs[0] == library["schedule"].slug
    assert library["mention"].slug in slugs


def test_snippets_highlight_the_matched_words(library):
    """The snippet shows where the words occur, marked up with <mark>."""
    hit = search("recipients").hits[0]
    assert hit.slug == library["schedule"].slug
    assert "<mark>recipients</mark>" in str(hit.snippet)


def test_snippets_escape_markup_from_the_article_text(make_article):
    """Text that looks like HTML in an article is escaped in the snippet."""
    make_article("Angle brackets", "Type a &lt;b&gt; tag: `<script>alert(1)</script>` searching brackets")
    snippet = str(search("brackets").hits[0].snippet)
    assert "<script" not in snippet
    assert "<mark>brackets</mark>" in snippet


def test_prefix_matches_while_typing(library):
    """The last word matches as a prefix: 'sched' finds 'Schedule'."""
    assert _slugs(search("sched"))[0] == library["schedule"].slug
    assert library["integrations"].slug in _slugs(search("integr"))


def test_stemming_finds_other_forms_of_a_word(library):
    """'exported' finds 'Export' and 'exporting'."""
    assert library["export"].slug in _slugs(search("exported", prefix=False))


def test_drafts_are_not_found(library):
    """Published articles only, for readers."""
    assert library["draft"].slug not in _slugs(search("roadmap"))
    assert search("roadmap").hits == []


HOSTILE_QUERIES = [
    '"', '"""', "'", "AND", "OR NOT", "NOT", "NEAR(report csv)", "report*", "*", "(", ")", "title:report",
    "report AND OR", "!!!", "???", "-report", "+report", "a & b | !c", ":*", "report:*", "\\", "%_", "^report",
    "{report}", "csv\" OR \"1=1", "'; DROP TABLE kb_article; --", "\x00", "   ", "😀", "报告",
]


def test_operators_quotes_and_punctuation_never_raise(library):
    """FTS syntax in the user's text is plain text: the search answers, with results or none."""
    for query in HOSTILE_QUERIES:
        outcome = search(query)
        assert isinstance(outcome.hits, list), query
    assert search("report*").hits and search('"report').hits


def test_operator_words_are_searched_as_words(library):
    """'csv OR' behaves like 'csv': operators typed by a user are words, not syntax."""
    assert _slugs(search("export OR"))[0] == library["export"].slug


def test_any_word_is_the_fallback_when_all_words_find_nothing(library):
    """When no article holds every word, articles with some of them are shown."""
    assert library["export"].slug in _slugs(search("export unicorns"))


def test_typo_falls_back_to_the_corrected_word(library):
    """'integratoins' finds the integrations article and says what it searched for."""
    outcome = search("integratoins")
    assert _slugs(outcome) == [library["integrations"].slug]
    assert outcome.corrected == "integrations"


def test_index_follows_edits_and_archiving(library):
    """A changed title is found by its new words; an archived article is no longer found."""
    article = library["export"]
    services.update_article(article, services.ArticleInput("Download spreadsheets", article.body_markdown, "published"), None)
    Session.commit()
    assert article.slug in _slugs(search("spreadsheets"))
    assert article.slug not in _slugs(search("csv", prefix=False))
    services.set_status(article, "archived", None)
    Session.commit()
    assert article.slug not in _slugs(search("spreadsheets"))


def test_similar_titles_include_drafts_and_skip_common_words(library):
    """While writing 'How to schedule reports', the existing articles about it are shown."""
    titles = [hit.title for hit in similar("How to schedule reports")]
    assert titles[0] == "Schedule a weekly report"
    assert "Secret roadmap for reports" in titles


# The trigger's computation before the vectors became generated columns (migration 0021), for comparison.
TRIGGER_TITLE_VECTOR = ("setweight(to_tsvector('english', replace(coalesce(title, ''), '<', '< ')), 'A') || "
                        "setweight(to_tsvector('english', replace(coalesce(tags_text, ''), '<', '< ')), 'B')")
TRIGGER_SEARCH_VECTOR = (f"{TRIGGER_TITLE_VECTOR} || "
                         "setweight(to_tsvector('english', replace(coalesce(body_text, ''), '<', '< ')), 'C')")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_an_edited_title_is_found_right_after_the_edit_on_postgresql(library):
    """The generated vectors change in the UPDATE itself: the new title is found before the commit, the old
    words no longer, and both vectors are what the former trigger computed (weights A, B, C)."""
    article = library["export"]
    services.update_article(article, services.ArticleInput("Download spreadsheets", article.body_markdown, "published",
                                                           tags=["finance"]), None)
    assert _slugs(search("download", prefix=False)) == [article.slug]
    assert _slugs(search("finance", prefix=False)) == [article.slug]
    assert article.slug not in _slugs(search("csv", prefix=False))
    same = Session.execute(text(
        f"SELECT bool_and(title_vector = {TRIGGER_TITLE_VECTOR}), bool_and(search_vector = {TRIGGER_SEARCH_VECTOR}), "
        "count(*) FROM kb_article")).one()
    assert tuple(same) == (True, True, 5)
    Session.rollback()
    assert _slugs(search("download", prefix=False)) == []
