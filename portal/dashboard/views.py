"""The value dashboard of an account: the same view for its customers, its CSM and admins."""
from flask import Blueprint, render_template
from flask_login import login_required

from portal.access import account_or_404

bp = Blueprint("dashboard", __name__, url_prefix="/accounts")


@bp.get("/<ext>/")
@login_required
def overview(ext: str):
    """The account's value dashboard."""
    account = account_or_404(ext)
    return render_template("dashboard/overview.html", account=account)
