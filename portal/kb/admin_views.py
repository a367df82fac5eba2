"""Curation pages for admins: write and edit in Markdown, revisions, diff, restore, archive, analytics."""
from __future__ import annotations

import difflib

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from knowledge import analytics, charts, queries, services
from knowledge.rendering import render_markdown
from knowledge.search import similar
from core.validation import row_id
from models.db import Session
from models.knowledge import ARTICLE_STATUSES, Article, KbRevision
from models.usage import KeyFeature
from portal.access import admin_required
from portal.audit.web import audit_article_status
from portal.charts import chart_response, figure_json
from portal.kb.blueprint import bp
from portal.kb.forms import ArticleForm, ConfirmForm
from portal.services import ServiceError

CHARTS = ("views", "helpful", "failed", "unclicked")


def _article_or_404(article_id: int) -> Article:
    article = Session.get(Article, article_id)
    if article is None:
        abort(404, "No such article.")
    return article


def _form(article: Article | None = None) -> ArticleForm:
    if article is not None and request.method == "GET":
        form = ArticleForm(obj=article)
        form.category.data = article.category.name if article.category else ""
        form.tags.data = ", ".join(t.name for t in article.tags)
        form.features.data = services.linked_feature_ids(article)
        form.levels.data = [lvl.level for lvl in article.levels]
    else:
        form = ArticleForm()
    form.features.choices = [SelectChoice(f.id, f.name) for f in Session.scalars(select(KeyFeature).order_by(KeyFeature.name))]
    return form


def _input(form: ArticleForm) -> services.ArticleInput:
    return services.ArticleInput(title=form.title.data, body_markdown=form.body_markdown.data or "",
                                 status=form.status.data, category=form.category.data, tags=form.tag_list(),
                                 slug=form.slug.data or None)


def _editor(form: ArticleForm, article: Article | None):
    return render_template("kb/admin/edit.html", form=form, article=article, categories=queries.category_names(),
                           tags=queries.all_tags())


@bp.get("/admin/")
@admin_required
def admin_list():
    """Every article with its status, views and votes."""
    status = request.args.get("status")
    statement = select(Article).order_by(Article.updated_at.desc())
    if status in ARTICLE_STATUSES:
        statement = statement.where(Article.status == status)
    articles = list(Session.scalars(statement))
    counts = dict(Session.execute(select(Article.status, func.count()).group_by(Article.status)).all())
    return render_template("kb/admin/list.html", articles=articles, status=status, counts=counts,
                           stats=queries.vote_stats([a.id for a in articles]))


@bp.route("/admin/new", methods=["GET", "POST"])
@admin_required
def admin_new():
    """Write a new article."""
    form = _form()
    if form.validate_on_submit():
        try:
            article = services.create_article(_input(form), current_user)
            services.set_links(article, form.features.data or [], form.levels.data or [])
            audit_article_status(article, None)
        except ServiceError as error:
            Session.rollback()
            flash(str(error), "error")
            return _editor(form, None), 422
        Session.commit()
        flash(f"The article “{article.title}” was saved as {article.status}.", "success")
        return redirect(url_for("kb.admin_edit", article_id=article.id))
    return _editor(form, None), 422 if form.errors else 200


@bp.route("/admin/<int:article_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_edit(article_id: int):
    """Edit an article; every save is a new revision."""
    article = _article_or_404(article_id)
    form = _form(article)
    if form.validate_on_submit():
        before = article.status
        try:
            services.update_article(article, _input(form), current_user)
            audit_article_status(article, before)
            services.set_links(article, form.features.data or [], form.levels.data or [])
        except ServiceError as error:
            Session.rollback()
            flash(str(error), "error")
            return _editor(form, article), 422
        Session.commit()
        flash("Saved as a new revision.", "success")
        return redirect(url_for("kb.admin_edit", article_id=article.id))
    return _editor(form, article), 422 if form.errors else 200


@bp.post("/admin/preview")
@admin_required
def admin_preview():
    """The sanitised HTML of Markdown being written (JSON in, JSON out; CSRF in the X-CSRFToken header)."""
    data = request.get_json(silent=True)
    body = data.get("body_markdown") if isinstance(data, dict) else None
    if not isinstance(body, str):
        return jsonify({"error": "Send {\"body_markdown\": \"...\"} as JSON."}), 422
    if len(body.encode("utf-8")) > services.MAX_BODY_BYTES:
        return jsonify({"error": "The body is over 1 MB; split it into several articles."}), 413
    rendered = render_markdown(body)
    return jsonify({"html": rendered.html, "toc": rendered.toc})


@bp.get("/admin/similar")
@admin_required
def admin_similar():
    """Existing articles most like a title being typed, so the same answer is not written twice."""
    title = (request.args.get("title") or "")[:200]
    exclude = request.args.get("exclude", type=row_id)
    hits = similar(title, limit=5, exclude_id=exclude)
    return jsonify({"articles": [
        {"title": h.title, "slug": h.slug, "status": h.status, "url": url_for("kb.article", slug=h.slug)} for h in hits
    ]})


@bp.get("/admin/<int:article_id>/revisions")
@admin_required
def admin_revisions(article_id: int):
    """Every saved version of an article, newest first."""
    article = _article_or_404(article_id)
    revisions = list(Session.scalars(
        select(KbRevision).where(KbRevision.article_id == article.id).order_by(KbRevision.number.desc())
    ))
    return render_template("kb/admin/revisions.html", article=article, revisions=revisions, confirm=ConfirmForm())


def _revision_or_404(article: Article, number: int) -> KbRevision:
    revision = Session.scalar(select(KbRevision).where(KbRevision.article_id == article.id, KbRevision.number == number))
    if revision is None:
        abort(404, "No such revision of this article.")
    return revision


def diff_lines(old: KbRevision, new: KbRevision) -> list[tuple[str, str]]:
    """(kind, line) of a unified diff between two revisions: add, remove, hunk or same."""
    old_text = [f"# {old.title}", ""] + old.body_markdown.splitlines()
    new_text = [f"# {new.title}", ""] + new.body_markdown.splitlines()
    lines = []
    for line in difflib.unified_diff(old_text, new_text, f"revision {old.number}", f"revision {new.number}", lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


@bp.get("/admin/<int:article_id>/diff")
@admin_required
def admin_diff(article_id: int):
    """What changed between two revisions (default: the last two)."""
    article = _article_or_404(article_id)
    latest = Session.scalar(select(func.max(KbRevision.number)).where(KbRevision.article_id == article.id)) or 1
    new_number = request.args.get("to", default=latest, type=row_id)
    old_number = request.args.get("from", default=max(1, new_number - 1), type=row_id)
    old, new = _revision_or_404(article, old_number), _revision_or_404(article, new_number)
    return render_template("kb/admin/diff.html", article=article, old=old, new=new, lines=diff_lines(old, new),
                           confirm=ConfirmForm())


@bp.post("/admin/<int:article_id>/revisions/<int:number>/restore")
@admin_required
def admin_restore(article_id: int, number: int):
    """Make an old revision current again (as a new revision)."""
    article = _article_or_404(article_id)
    revision = _revision_or_404(article, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    before = article.status
    services.restore_revision(article, revision, current_user)
    audit_article_status(article, before)
    Session.commit()
    flash(f"Revision {number} is the current text again.", "success")
    return redirect(url_for("kb.admin_edit", article_id=article.id))


@bp.post("/admin/<int:article_id>/archive")
@admin_required
def admin_archive(article_id: int):
    """Archive an article: readers no longer see it; the history stays."""
    article = _article_or_404(article_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    before = article.status
    services.set_status(article, "archived", current_user)
    audit_article_status(article, before)
    Session.commit()
    flash(f"“{article.title}” is archived; readers no longer see it.", "success")
    return redirect(url_for("kb.admin_list"))


@bp.get("/admin/analytics")
@admin_required
def admin_analytics():
    """Views, helpfulness, failed searches and searches without a click."""
    return render_template(
        "kb/admin/analytics.html", days=analytics.WINDOW_DAYS, totals=analytics.totals(),
        failed=analytics.failed_searches(), unclicked=analytics.unclicked_searches(), charts=CHARTS,
    )


@bp.get("/admin/analytics/<name>.json")
@admin_required
def admin_chart(name: str):
    """One analytics chart as Bokeh JSON, or an empty state."""
    days = analytics.WINDOW_DAYS
    if name == "views":
        rows, build, empty = analytics.views_by_article(days), lambda r: charts.views_chart(r, days), "No customer has read an article in the last 90 days."
    elif name == "helpful":
        rows, build, empty = analytics.helpfulness(), charts.helpful_chart, "No article has been voted on yet."
    elif name == "failed":
        rows, build, empty = analytics.failed_searches(days, 15), lambda r: charts.failed_chart(r, days), "Every search in the last 90 days found something."
    elif name == "unclicked":
        rows, build, empty = analytics.unclicked_searches(days, 15), lambda r: charts.unclicked_chart(r, days), "Every search with results led to an article being opened."
    else:
        abort(404, "No such chart.")
    if not rows:
        return jsonify({"empty": True, "message": empty})
    return chart_response(figure_json(build(rows)))


@bp.get("/admin/comments")
@admin_required
def admin_comments():
    """Every comment readers left with their vote, helpful or not."""
    return render_template("kb/admin/comments.html", comments=analytics.reader_comments(), days=analytics.WINDOW_DAYS)


@bp.get("/admin/gaps")
@admin_required
def admin_gaps():
    """The content-gap queue: what to write or fix next."""
    return render_template("kb/admin/gaps.html", gaps=analytics.content_gaps(), days=analytics.WINDOW_DAYS)
