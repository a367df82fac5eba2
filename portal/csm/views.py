"""The CSM portfolio."""
from flask import Blueprint, render_template
from flask_login import current_user

from models.db import Session
from portal.access import staff_required, visible_accounts

bp = Blueprint("csm", __name__, url_prefix="/csm")


@bp.get("/")
@staff_required
def portfolio():
    """The accounts this CSM looks after (all, for an admin)."""
    accounts = Session.scalars(visible_accounts(current_user).order_by("name")).all()
    return render_template("csm/portfolio.html", accounts=accounts)
