"""Pages that render while the database cannot answer still get a brand: the defaults."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from core.branding import Brand
from portal.branding import jinja


def test_brand_falls_back_to_the_defaults_when_the_read_fails(app, monkeypatch):
    """An error page rendered after the database went away gets the default brand, not a second error."""
    def unreachable():
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(jinja, "get_brand", unreachable)
    with app.test_request_context("/"):
        assert jinja.current_brand() == Brand()
