"""The web shell: the application factory."""
from __future__ import annotations

import gc
import os

from flask import Flask

from portal.config import load_config


def create_app(overrides: dict | None = None) -> Flask:
    """Create and configure the portal application."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if overrides:
        app.config.update(overrides)

    # Imported here, not at the top: the factory's parts load when an app is made (Flask's tutorial does so).
    from models.db import Session, init_engine
    from portal import assets, charts, errors, misc, navigation, security
    from portal.cli import register_cli
    from portal.extensions import compress, csrf, limiter, login_manager, mail

    app.extensions["db_engine"] = init_engine(app.config["DATABASE_URL"])
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    assets.init_app(app)
    compress.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    app.jinja_env.globals.update(bokeh_script_urls=charts.bokeh_script_urls)

    @app.teardown_appcontext
    def _remove_session(_exc=None):
        Session.remove()

    # The factory imports the blueprints (flaskr's pattern): each feature's pages, then the API.
    from portal import jobs  # noqa: F401  (listens for commits that hold mail or webhook messages)
    from portal import view_as as view_as_pages
    from portal.admin import key_features as key_features_pages
    from portal.admin import views as admin_pages
    from portal.api import events as api_events
    from portal.api import forecast as api_forecast
    from portal.api import health as api_health
    from portal.api import kb as api_kb
    from portal.api import meta as api_meta
    from portal.api import revenue as api_revenue
    from portal.api import segment as api_segment
    from portal.api import surveys as api_surveys
    from portal.api import usage as api_usage
    from portal.audit import views as audit_pages
    from portal.auth import two_factor_views as two_factor_pages
    from portal.auth import views as auth_pages
    from portal.auth.sso import views as sso_pages
    from portal.branding import views as branding_pages
    from portal.csm import views as csm_pages
    from portal.dashboard import views as dashboard_pages
    from portal.embed import views as embed_pages
    from portal.exports import views as export_pages
    from portal.imports import views as import_pages
    from portal.kb import views as kb_pages
    from portal.mail import unsubscribe as unsubscribe_pages
    from portal.maturity import views as maturity_pages
    from portal.nps import views as nps_pages
    from portal.plan import views as plan_pages
    from portal.playbooks import views as playbook_pages
    from portal.segment import views as segment_pages
    from portal.share import views as share_pages
    from portal.webhooks import views as webhook_pages

    # Order matters for the request hooks: two-factor's before view-as's (view-as swaps the user).
    for blueprint in (
        auth_pages.bp, two_factor_pages.bp, view_as_pages.bp, sso_pages.bp, embed_pages.bp, misc.bp, charts.bp,
        branding_pages.bp, unsubscribe_pages.bp, admin_pages.bp, key_features_pages.bp, audit_pages.bp,
        dashboard_pages.bp, plan_pages.bp, nps_pages.bp, maturity_pages.bp, kb_pages.bp, playbook_pages.bp,
        csm_pages.bp, share_pages.bp, export_pages.bp, import_pages.bp, segment_pages.bp, webhook_pages.bp,
        api_meta.bp, api_events.bp, api_usage.bp, api_surveys.bp, api_kb.bp, api_health.bp, api_revenue.bp,
        api_forecast.bp, api_segment.bp,
    ):
        app.register_blueprint(blueprint)
    register_cli(app)
    return app


def settle_worker() -> None:
    """Once a worker has built its app: collect, then freeze what is left out of the cyclic collector.

    Imports, Bokeh's chart templates and the mappers are about a million objects that live as long as the
    process; every full collection walked all of them (100-300 ms on a shared machine) and fell on whichever
    request happened to allocate next, usually one of the first. Frozen, they are never walked again.
    """
    gc.collect()
    gc.freeze()
