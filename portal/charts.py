"""Chart plumbing shared by every page: BokehJS served by the portal, and JSON chart responses.

Pages hold `<div class="chart" data-chart-url="...">` placeholders; static/js/charts.js
fetches each URL and renders it with Bokeh.embed.embed_item, so no inline script is
needed and the Content-Security-Policy stays strict.
"""
from __future__ import annotations

import json
import uuid
from typing import Callable

import bokeh
from bokeh.embed import json_item
from bokeh.util.paths import bokehjs_path
from flask import Blueprint, Response, send_from_directory

from analytics.lru import LruCache

bp = Blueprint("bokehjs", __name__)

BOKEH_VERSION = bokeh.__version__
BOKEH_FILES = ("bokeh.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js", "bokeh-api.min.js")

# Building a Bokeh chart costs 50-100 ms; its JSON is kept per process under a key naming every input.
_chart_cache = LruCache(2048)


@bp.get(f"/static/bokeh/{BOKEH_VERSION}/<name>")
def bokeh_js(name: str):
    """BokehJS in the version that matches the installed bokeh, cached for a year."""
    if name not in BOKEH_FILES:
        from flask import abort

        abort(404)
    response = send_from_directory(str(bokehjs_path() / "js"), name, max_age=31536000)
    return response


def bokeh_script_urls() -> list[str]:
    """URLs of the BokehJS files a page with charts loads."""
    from flask import url_for

    return [url_for("bokehjs.bokeh_js", name=name) for name in ("bokeh.min.js",)]


def figure_json(figure) -> str:
    """Serialise a Bokeh model for embed_item (the costly step; callers cache the result)."""
    return json.dumps(json_item(figure))


def chart_response(payload: str) -> Response:
    """A JSON chart answer; the payload is what figure_json returned."""
    return Response(payload, mimetype="application/json")


def cached_chart(key: tuple, build: Callable[[], str]) -> str:
    """The chart JSON cached under key, else build() kept under it; key must change whenever the data does."""
    from flask import current_app

    # Each app (and so each database it serves) has its own part of the cache.
    key = (current_app.extensions.setdefault("chart_cache_namespace", uuid.uuid4().hex), *key)
    return _chart_cache.get_or_build(key, build)
