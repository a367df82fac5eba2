"""Small public endpoints: the health check."""
from flask import Blueprint, jsonify
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
