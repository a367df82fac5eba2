"""Pages of the knowledge base for every signed-in user: index, search, article, vote.

Customers and CSMs see published articles only; admins also see drafts and archived
ones. The curation pages (admin only) live in knowledge/admin_views.py on the same blueprint.
"""
from __future__ import annotations

import json

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from knowledge import queries, services
from knowledge.search import normalize_query, search
from core.validation import row_id
from models.db import Session
from portal.access import roles_required
from portal.kb import admin_views  # noqa: F401  (registers the curation pages on the blueprint)
from portal.kb.blueprint import bp
from portal.kb.forms import VoteForm

MAX_QUERY = 200

__all__ = ["bp"]


def _visible_article_or_404(slug: str):
    """The article this user may read; an old slug redirects to the current one."""
    article, moved_to = queries.article_for_slug(slug, current_user)
    if moved_to:
        return None, redirect(url_for("kb.article", slug=moved_to, s=request.args.get("s", type=row_id)), code=301)
    if article is None:
        abort(404, "No such article. Try the search of the knowledge base.")
    return article, None


@bp.get("/")
@login_required
def index():
    """Articles by category, the most helpful and the newest."""
    return render_template(
        "kb/index.html", sections=queries.published_by_category(), helpful=queries.most_helpful(),
        newest=queries.newest(),
    )


@bp.get("/search")
@login_required
def search_page():
    """Full-text search; every search is logged for the content-gap report."""
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    statuses = ("published",)
    outcome = search(query, statuses=statuses) if query else None
    search_id = None
    if query:
        log = services.log_search(query, normalize_query(query), len(outcome.hits), current_user)
        search_id = log.id
        Session.commit()
    return render_template("kb/search.html", query=query, outcome=outcome, search_id=search_id)


@bp.get("/suggest")
@login_required
def suggest():
    """Titles matching what is being typed in the search box (JSON; not logged: only searches are)."""
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    hits = search(query, statuses=("published",), limit=6).hits if len(query) >= 2 else []
    return jsonify({"articles": [{"title": h.title, "url": url_for("kb.article", slug=h.slug)} for h in hits]})


@bp.get("/<slug>")
@login_required
def article(slug: str):
    """One article: its body, table of contents, feedback form and related articles."""
    found, response = _visible_article_or_404(slug)
    if response is not None:
        return response
    search_id = request.args.get("s", type=row_id)
    if search_id:
        services.record_click(search_id, current_user, found)
    services.record_view(found, current_user)
    Session.commit()
    my_vote = queries.vote_of(current_user, found)
    form = VoteForm(helpful="yes" if my_vote and my_vote.helpful else ("no" if my_vote else None),
                    comment=my_vote.comment if my_vote else "")
    return render_template(
        "kb/article.html", article=found, toc=json.loads(found.toc_json or "[]"), form=form, my_vote=my_vote,
        may_vote=services.may_vote(current_user),
        stats=queries.vote_stats([found.id]).get(found.id, queries.VoteStats()), related=queries.related(found),
    )


@bp.post("/<slug>/vote")
@roles_required("customer", message=services.ONLY_CUSTOMERS_VOTE)
def vote(slug: str):
    """Record or change a customer's "was this helpful?" answer; staff are refused with 403 (they see no form)."""
    found, response = _visible_article_or_404(slug)
    if response is not None:
        return response
    form = VoteForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Choose yes or no.", "error")
        return redirect(url_for("kb.article", slug=found.slug) + "#feedback")
    services.vote(found, current_user, form.helpful.data == "yes", form.comment.data or "")
    Session.commit()
    flash("Thank you: your feedback helps us improve this article.", "success")
    return redirect(url_for("kb.article", slug=found.slug) + "#feedback")
