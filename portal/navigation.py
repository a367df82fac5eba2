"""Navigation by role, offered to every template."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from models.accounts import Account
from models.db import Session


@dataclass
class NavItem:
    """One link of the main navigation."""

    label: str
    url: str
    active: bool


def url_for_optional(endpoint: str, **values) -> str | None:
    """url_for, or None when that page does not exist in this installation."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


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
    links = [(label, url) for label, endpoint, values in wanted if (url := url_for_optional(endpoint, **values))]
    # The current page's item is the one whose URL is the longest prefix of the path
    # (so /surveys/followups marks "Follow-ups", not "Surveys"; the dashboard only itself).
    matches = [url for _, url in links if request.path == url or (url.endswith("/") and request.path.startswith(url)
                                                                    and "/accounts/" not in url)]
    current = max(matches, key=len, default=None)
    return [NavItem(label, url, url == current) for label, url in links]


def init_app(app: Flask) -> None:
    """Expose the helpers to templates."""
    app.jinja_env.globals.update(nav_items=nav_items, url_for_optional=url_for_optional)
