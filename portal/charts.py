"""Chart plumbing shared by every page: BokehJS served by the portal, and JSON chart responses.

Pages hold `<div class="chart" data-chart-url="...">` placeholders; static/js/charts.js
fetches each URL and renders it with Bokeh.embed.embed_item, so no inline script is
needed and the Content-Security-Policy stays strict.
"""
from __future__ import annotations

import hashlib
import json
import math
import uuid
from datetime import date, datetime
from typing import Callable

import bokeh
import redis
from bokeh.embed import json_item
from bokeh.model import Model
from bokeh.models import ColumnDataSource, Plot
from bokeh.util.paths import bokehjs_path
from bokeh.util.serialization import convert_datetime_type
from flask import Blueprint, Response, abort, current_app, send_from_directory, url_for

from core.lru import LruCache
from portal.jobs import redis_connection

bp = Blueprint("bokehjs", __name__)

BOKEH_VERSION = bokeh.__version__
BOKEH_FILES = ("bokeh.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js", "bokeh-api.min.js")

# Building a Bokeh chart costs 50-100 ms; its JSON is kept per process under a key naming every input.
_chart_cache = LruCache(2048)
SHARED_CHART_PREFIX = "portal:chart:"
SHARED_CHART_SECONDS = 24 * 3600  # keys name the data they drew, so an entry is never stale, only unused


@bp.get(f"/static/bokeh/{BOKEH_VERSION}/<name>")
def bokeh_js(name: str):
    """BokehJS in the version that matches the installed bokeh, cached for a year (pages link the hashed copy)."""
    if name not in BOKEH_FILES:
        abort(404)
    response = send_from_directory(str(bokehjs_path() / "js"), name, max_age=31536000)
    return response


def bokeh_script_urls() -> list[str]:
    """URLs of the BokehJS files a page with charts loads (content-hashed, see portal/assets.py)."""
    return [url_for("static", filename=f"bokeh/{BOKEH_VERSION}/{name}") for name in ("bokeh.min.js",)]


def figure_json(figure) -> str:
    """Serialise a Bokeh model for embed_item (the costly step; callers cache the result); no chart shows the Bokeh logo."""
    for plot in figure.select({"type": Plot}):
        plot.toolbar.logo = None
    return json.dumps(json_item(figure))


class FigureTemplate:
    """A chart kind's Bokeh JSON serialised once; fill() gives a chart of the kind with other data and texts.

    Serialising a figure's models costs 25-80 ms, its data a few: built once, each answer only encodes its
    data. The figure's ColumnDataSources carry names (their data's place is kept under the name), and texts
    that vary (a legend label, the bars' factors) are built with markers that fill() replaces.
    """

    def __init__(self, figure: Model):
        for plot in figure.select({"type": Plot}):
            plot.toolbar.logo = None
        item = json_item(figure)
        sources = {source.id: source.name for source in figure.select({"type": ColumnDataSource})}
        self.sources = tuple(sorted(sources.values()))
        for found in _objects(item):
            if found.get("id") in sources and "attributes" in found:
                found["attributes"]["data"] = _data_marker(sources[found["id"]])
        self._json = json.dumps(item)

    def fill(self, data: dict[str, dict], texts: dict[str, str] | None = None) -> str:
        """The JSON with each named source's data, and each marker of `texts` replaced by its JSON text."""
        if set(data) != set(self.sources):
            raise ValueError(f"the template's sources are {self.sources}, not {tuple(sorted(data))}")
        payload = self._json
        for name, columns in data.items():
            payload = payload.replace(json.dumps(_data_marker(name)), json.dumps(_encoded(columns)), 1)
        for marker, value in (texts or {}).items():
            payload = payload.replace(marker, value)
        return payload


def _data_marker(name: str) -> str:
    return f"@@data:{name}@@"


def _objects(node):
    """Every dict in a JSON tree, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


_SPECIAL_FLOATS = {"nan": {"type": "number", "value": "nan"}, "inf": {"type": "number", "value": "+inf"},
                   "-inf": {"type": "number", "value": "-inf"}}


_AS_IS = frozenset((str, int, bool, type(None)))
_NUMBERS = frozenset((int, float))


def _encoded(columns: dict) -> dict:
    """The columns as Bokeh serialises a ColumnDataSource's data.

    Lists of plain values are encoded here the way Bokeh does it (dates and datetimes with Bokeh's own
    conversion to milliseconds, dates as ISO text), ten times faster than a Bokeh document; anything else goes
    through Bokeh itself.
    """
    entries = []
    for name, values in columns.items():
        if type(values) is not list:
            return _bokeh_encoded(columns)
        kinds = set(map(type, values))
        if kinds <= _AS_IS or (kinds <= _NUMBERS and all(map(math.isfinite, values))):
            entries.append([name, values])  # the common case, a column of counts or of finite numbers
            continue
        encoded = []
        for value in values:
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                encoded.append(value)
            elif kind is float:
                encoded.append(value if math.isfinite(value) else _SPECIAL_FLOATS[repr(value)])
            elif kind is datetime:
                encoded.append(convert_datetime_type(value))
            elif kind is date:
                encoded.append(value.isoformat())
            else:
                return _bokeh_encoded(columns)
        entries.append([name, encoded])
    return {"type": "map", "entries": entries}


def _bokeh_encoded(columns: dict) -> dict:
    """The columns serialised by Bokeh (a ColumnDataSource in a document of its own)."""
    item = json_item(ColumnDataSource(columns))
    return item["doc"]["roots"][0]["attributes"]["data"]


def chart_response(payload: str) -> Response:
    """A JSON chart answer; the payload is what figure_json returned."""
    return Response(payload, mimetype="application/json")


def cached_chart(key: tuple, build: Callable[[], str]) -> str:
    """The chart JSON cached under key, else build() kept under it; key must change whenever the data does.

    Kept in this process; with REDIS_URL also in Redis for a day, so one worker's build serves every worker.
    """
    # Each app (and so each database it serves) has its own part of the process cache.
    local_key = (current_app.extensions.setdefault("chart_cache_namespace", uuid.uuid4().hex), *key)
    return _chart_cache.get_or_build(local_key, lambda: _shared_chart(key, build))


def clear_process_chart_cache() -> None:
    """Forget every chart JSON this process keeps (benchmarks measure a cold build with it)."""
    _chart_cache.clear()


def _shared_chart(key: tuple, build: Callable[[], str]) -> str:
    """The chart from Redis when another worker built it, else build() and share it; Redis trouble only costs a build."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return build()
    # The database URL keeps two portals sharing one Redis apart; repr() of the key's dates, numbers and
    # strings reads the same in every process.
    digest = hashlib.sha256(repr((current_app.config["DATABASE_URL"], key)).encode()).hexdigest()
    shared_key = f"{SHARED_CHART_PREFIX}{digest}"
    try:
        connection = redis_connection(url)
        hit = connection.get(shared_key)
        if hit is not None:
            return hit.decode()
    except (redis.RedisError, ValueError):
        return build()
    payload = build()
    try:
        connection.set(shared_key, payload, ex=SHARED_CHART_SECONDS)
    except redis.RedisError:
        pass
    return payload
