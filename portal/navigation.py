"""Navigation by role, offered to every template."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user
from sqlalchemy import select

from models.accounts import Account, User
from models.db import Session


@dataclass
class NavItem:
    """One link of the main navigation."""

    label: str
    url: str
    active: bool


def landing_url(user: User) -> str:
    """Where a user lands: a customer on their account, staff on the portfolio."""
    if user.role == "customer":
        external_id = Session.scalar(select(Account.external_id).where(Account.id == user.account_id))
        return url_for("dashboard.overview", ext=external_id)
    return url_for("csm.portfolio")


def nav_items() -> list[NavItem]:
    """The links the signed-in user's role may follow."""
    if not current_user.is_authenticated:
        return []
    wanted: list[tuple[str, str, dict]] = []
    if current_user.role == "customer":
        ext = Session.scalar(select(Account.external_id).where(Account.id == current_user.account_id))
        wanted += [
            ("Dashboard", "dashboard.overview", {"ext": ext}),
            ("Success plan", "plan.plan", {"ext": ext}),
            ("Maturity", "assessment.assessment", {"ext": ext}),
        ]
    else:
        wanted += [
            ("Portfolio", "csm.portfolio", {}),
            ("Surveys", "surveys.analytics", {}),
            ("Follow-ups", "surveys.followups", {}),
            ("Playbooks", "playbooks.index", {}),
            ("Audit log", "audit.entries", {}),
        ]
    wanted.append(("Knowledge base", "kb.index", {}))
    if current_user.role == "admin":
        wanted.append(("Admin", "admin.index", {}))
    links = [(label, url_for(endpoint, **values)) for label, endpoint, values in wanted]
    # The current page's item is the one whose URL is the longest prefix of the path
    # (so /surveys/followups marks "Follow-ups", not "Surveys"; the dashboard only itself).
    matches = [url for _, url in links if request.path == url or (url.endswith("/") and request.path.startswith(url)
                                                                    and "/accounts/" not in url)]
    current = max(matches, key=len, default=None)
    return [NavItem(label, url, url == current) for label, url in links]


def init_app(app: Flask) -> None:
    """Expose the helpers to templates."""
    app.jinja_env.globals.update(nav_items=nav_items)
