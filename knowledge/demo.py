"""Demo data of the knowledge base: articles, revisions, links, votes, views and searches.

Readers follow their account's story: healthy accounts read and rate steadily, declining
ones read less lately and find more articles unhelpful, new ones read the onboarding
articles heavily in their first weeks. Searches include some that find nothing.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import insert, select

from knowledge import services
from knowledge.demo_articles import ARCHIVED, ARTICLES, DRAFTS
from knowledge.search import normalize_query, search
from models.db import Session
from models.knowledge import KbCategory, KbSearchLog, KbView, KbVote
from models.usage import EngagementEvent, KeyFeature

CATEGORY_ORDER = ("Getting started", "Reporting", "Integrations", "Automation", "Administration", "Best practices")
FOUND_QUERIES = (
    "schedule report", "export csv", "invite users", "sso", "salesforce", "api token", "dashboard tips",
    "automation rules", "webhooks", "seat utilisation", "qbr", "success plan", "time zone", "getting started",
    "retention", "notifications", "roles", "sync stopped", "maturity", "excel",
)
FAILED_QUERIES = (  # what customers look for and the knowledge base does not answer yet
    ("gantt chart", 9), ("dark mode", 6), ("mobile app offline", 5), ("custom domain", 4), ("jira", 4),
    ("bulk import users", 3), ("invoice address", 2),
)
UNHELPFUL_COMMENTS = {  # by category, so the content-gap queue reads like real feedback
    "Getting started": ("Missing how to do this for several teams at once.", "Too long for a first week; give me a checklist."),
    "Reporting": ("How do I export with our own column names?", "The menu names in the steps do not match what I see."),
    "Integrations": ("It does not say what to do when the sync fails with a permission error.",
                     "Nothing about Microsoft Dynamics."),
    "Automation": ("An example with approvals would help.", "What happens when a rule fails at night?"),
    "Administration": ("Too general; I needed the exact steps for Microsoft Entra ID.", "Which role can see the audit log?"),
    "Best practices": ("Nice ideas but no concrete example from a team like ours.", "How does this work for a team of five?"),
}
HELPFUL_COMMENTS = ("Clear and short, thanks.", "Exactly what I needed.", "")
READS_BY_STORY = {"healthy": (30, 80), "recovering": (20, 50), "declining": (10, 30), "new": (25, 60)}


def _at(day, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59)), tzinfo=timezone.utc)


def _create_articles(ctx) -> list:
    features = {f.feature: f.id for f in Session.scalars(select(KeyFeature))}
    for position, name in enumerate(CATEGORY_ORDER):
        Session.add(KbCategory(name=name, position=position))
    Session.flush()
    published = []
    for entries, status in ((ARTICLES, "published"), (DRAFTS, "draft"), (ARCHIVED, "archived")):
        for slug, title, category, tags, feature_keys, levels, body in entries:
            article = services.create_article(services.ArticleInput(
                title=title, body_markdown=body.strip() + "\n", status=status, category=category, tags=tags, slug=slug,
            ), ctx.admin)
            services.set_links(article, [features[k] for k in feature_keys if k in features], levels)
            if status == "published":
                published.append(article)
    # A few articles were improved after readers asked: a second revision with a clearer opening.
    for article in published[:: 7]:
        services.update_article(article, services.ArticleInput(
            title=article.title, body_markdown=article.body_markdown + "\n*Updated after readers' feedback.*\n",
            status="published", category=article.category.name if article.category else None,
            tags=[t.name for t in article.tags],
        ), ctx.admin, note="clarified after feedback")
    # Spread publication over the demo period, oldest first, so "newest" means something.
    revised = {a.id for a in published[:: 7]}
    for index, article in enumerate(published):
        article.published_at = article.created_at = datetime.combine(
            ctx.start + timedelta(days=index * max(1, ctx.days // (len(published) + 1))), time(9), tzinfo=timezone.utc)
        article.updated_at = article.published_at + timedelta(days=30 if article.id in revised else 0)
    Session.flush()
    return published


def _reads_votes(ctx, published) -> tuple[list[dict], list[dict], list[dict]]:
    rng = ctx.rng
    onboarding = [a for a in published if a.category and a.category.name == "Getting started"]
    views, votes, engagement = [], [], []
    for account in ctx.accounts:
        story = ctx.stories[account.id]
        people = ctx.customers[account.id]
        low, high = READS_BY_STORY[story]
        first_day = max(ctx.start, account.customer_since)
        span = max(1, (ctx.today - first_day).days)
        voted: set[tuple[int, int]] = set()
        reads = rng.randint(low, high)
        if span < 180:  # young accounts have had less time to read
            reads = max(3, reads * span // 180)
        for _ in range(reads):
            if story == "declining":
                offset = int(span * rng.random() ** 0.5 * 0.8)  # reading faded in the last months
            elif story == "new":
                offset = min(span, int(rng.expovariate(1 / 14)))  # mostly in the first weeks
            else:
                offset = rng.randint(0, span)
            day = first_day + timedelta(days=offset)
            user = rng.choice(people)
            article = rng.choice(onboarding if story == "new" and rng.random() < 0.6 else published)
            ts = _at(day, rng)
            views.append({"article_id": article.id, "account_id": account.id, "user_id": user.id, "ts": ts})
            engagement.append({"account_id": account.id, "user_id": user.id, "kind": "article_view", "ts": ts})
            if rng.random() < 0.25 and (article.id, user.id) not in voted:
                voted.add((article.id, user.id))
                unhelpful_chance = 0.45 if story == "declining" else 0.15
                helpful = rng.random() >= unhelpful_chance
                category = article.category.name if article.category else "Best practices"
                comment = rng.choice(HELPFUL_COMMENTS) if helpful else rng.choice(UNHELPFUL_COMMENTS[category] + ("",))
                votes.append({"article_id": article.id, "user_id": user.id, "account_id": account.id, "helpful": helpful,
                              "comment": comment, "created_at": ts, "updated_at": ts})
                engagement.append({"account_id": account.id, "user_id": user.id, "kind": "article_vote", "ts": ts})
    return views, votes, engagement


def _searches(ctx) -> list[dict]:
    rng = ctx.rng
    results = {query: search(query).hits for query in FOUND_QUERIES}
    people = [(account.id, user.id) for account in ctx.accounts for user in ctx.customers[account.id][:3]]
    recent_start = max(ctx.start, ctx.today - timedelta(days=85))
    span = max(1, (ctx.today - recent_start).days)
    rows = []
    for query, hits in results.items():
        for _ in range(rng.randint(3, 12)):
            account_id, user_id = rng.choice(people)
            clicked = hits[0].id if hits and rng.random() < 0.7 else None
            rows.append({"query": query, "normalized": normalize_query(query), "result_count": len(hits),
                         "clicked_article_id": clicked, "user_id": user_id, "account_id": account_id, "source": "web",
                         "ts": _at(recent_start + timedelta(days=rng.randint(0, span)), rng)})
    for query, times in FAILED_QUERIES:
        for _ in range(times):
            account_id, user_id = rng.choice(people)
            rows.append({"query": query, "normalized": normalize_query(query), "result_count": 0, "clicked_article_id": None,
                         "user_id": user_id, "account_id": account_id, "source": "web",
                         "ts": _at(recent_start + timedelta(days=rng.randint(0, span)), rng)})
    return rows


def seed_knowledge(ctx) -> None:
    """Add the knowledge base's demo: 30+ articles, revisions, links, votes, views and searches."""
    published = _create_articles(ctx)
    views, votes, engagement = _reads_votes(ctx, published)
    if views:
        Session.execute(insert(KbView), views)
    if votes:
        Session.execute(insert(KbVote), votes)
    if engagement:
        Session.execute(insert(EngagementEvent), engagement)
    searches = _searches(ctx)
    if searches:
        Session.execute(insert(KbSearchLog), searches)
    Session.flush()
