"""The web shell: the application factory."""
from __future__ import annotations

import os

from flask import Flask

from portal.config import load_config

# Blueprints of every feature, as "module:attribute"; imported inside the factory.
BLUEPRINTS = (
    "portal.auth.views:bp",
    "portal.misc:bp",
    "portal.charts:bp",
    "portal.admin.views:bp",
    "portal.dashboard.views:bp",
    "portal.dashboard.plan_views:bp",
    "analytics.key_features_views:bp",
    "portal.csm.views:bp",
    "portal.share.views:bp",
    "portal.api.meta:bp",
    "portal.api.events:bp",
    "portal.api.usage:bp",
    "portal.api.surveys:bp",
    "portal.api.kb:bp",
    "portal.api.health:bp",
    "surveys.views:bp",
    "surveys.maturity_views:bp",
    "knowledge.views:bp",
    "portal.playbooks.views:bp",
    "portal.auth.two_factor_views:bp",
    "portal.audit.views:bp",
    "portal.view_as:bp",
)


def _import(target: str):
    module_name, attribute = target.split(":")
    module = __import__(module_name, fromlist=[attribute])
    return getattr(module, attribute)


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

    from models.db import Session, init_engine
    from portal import errors, navigation, security
    from portal.cli import register_cli
    from portal.extensions import csrf, limiter, login_manager, mail

    app.extensions["db_engine"] = init_engine(app.config["DATABASE_URL"])
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    from portal.charts import bokeh_script_urls

    app.jinja_env.globals.update(bokeh_script_urls=bokeh_script_urls)

    @app.teardown_appcontext
    def _remove_session(_exc=None):
        Session.remove()

    for target in BLUEPRINTS:
        app.register_blueprint(_import(target))
    register_cli(app)
    return app
