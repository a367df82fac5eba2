"""Small public endpoints: the health check, robots.txt."""
from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from models.db import Session

bp = Blueprint("misc", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers."""
    try:
        Session.execute(text("SELECT 1"))
        db_status = "ok"
    except Exception:  # any database failure is reported, not raised
        Session.rollback()
        db_status = "error"
    status = 200 if db_status == "ok" else 503
    return jsonify({"status": "ok" if status == 200 else "error", "db": db_status}), status


# Signed-in areas are closed to crawlers; the link pages stay crawlable so that their noindex is read.
ROBOTS_TXT = """User-agent: *
Allow: /login
Disallow: /accounts/
Disallow: /admin/
Disallow: /api/
Disallow: /csm/
Disallow: /kb/
Disallow: /playbooks/
Disallow: /surveys/
"""


@bp.get("/robots.txt")
def robots_txt():
    """What crawlers may fetch: nothing behind the sign-in."""
    response = Response(ROBOTS_TXT, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
