"""Admins mark key features; nobody else may."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.db import Session
from models.usage import KeyFeature
from tests.conftest import sign_in


def test_admin_creates_lists_and_edits_a_key_feature(app, client, world):
    sign_in(client, world["admin"])
    response = client.post("/admin/key-features/new", data={
        "feature": "scheduled_reports", "name": "Scheduled reports", "description": "Reports arrive by themselves.",
        "maturity_level": "3", "article_slug": "schedule-a-report"})
    assert response.status_code == 302
    page = client.get("/admin/key-features/").get_data(as_text=True)
    assert "Scheduled reports" in page and "scheduled_reports" in page
    with app.app_context():
        feature = Session.scalar(select(KeyFeature))
        assert (feature.maturity_level, feature.article_slug) == (3, "schedule-a-report")
        feature_id = feature.id
    form = client.get(f"/admin/key-features/{feature_id}/edit").get_data(as_text=True)
    assert '<option selected value="3">' in form
    response = client.post(f"/admin/key-features/{feature_id}/edit", data={
        "feature": "scheduled_reports", "name": "Report schedules", "maturity_level": "", "article_slug": ""})
    assert response.status_code == 302
    with app.app_context():
        feature = Session.get(KeyFeature, feature_id)
        assert (feature.name, feature.maturity_level, feature.article_slug) == ("Report schedules", None, None)


@pytest.mark.parametrize("data, message", [
    ({"feature": "", "name": "X"}, "Enter the feature key"),
    ({"feature": "has space", "name": "X"}, "Use letters, digits"),
    ({"feature": "ok", "name": ""}, "Give the feature a name"),
    ({"feature": "ok", "name": "X", "maturity_level": "6"}, "Choose a maturity level from the list"),
    ({"feature": "ok", "name": "X", "article_slug": "Not A Slug"}, "slug"),
    ({"feature": "DASHBOARDS", "name": "X"}, "already a key feature"),
])
def test_invalid_key_feature_input_is_explained_and_nothing_saved(app, client, world, data, message):
    with app.app_context():
        Session.add(KeyFeature(feature="dashboards", name="Dashboards"))
        Session.commit()
    sign_in(client, world["admin"])
    response = client.post("/admin/key-features/new", data={"maturity_level": "", **data})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert len(Session.scalars(select(KeyFeature)).all()) == 1


def test_editing_an_unknown_key_feature_is_404(client, world):
    sign_in(client, world["admin"])
    assert client.get("/admin/key-features/999/edit").status_code == 404


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_only_admins_manage_key_features(app, client, world, role):
    sign_in(client, world[role])
    assert client.get("/admin/key-features/").status_code == 403
    assert client.post("/admin/key-features/new", data={"feature": "x", "name": "X"}).status_code == 403
    with app.app_context():
        assert Session.scalars(select(KeyFeature)).all() == []


def test_a_key_feature_post_without_the_csrf_token_is_refused(app, client, world):
    sign_in(client, world["admin"])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/admin/key-features/new", data={"feature": "x", "name": "X"})
    assert response.status_code == 400
    with app.app_context():
        assert Session.scalars(select(KeyFeature)).all() == []
