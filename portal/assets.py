"""Static files, lean: content-hashed names, pre-compressed (Brotli and gzip), served by WhiteNoise.

At start-up the portal's `static/` folder and BokehJS (from the installed bokeh) are copied into
`instance/static-build/` under names that carry a hash of their content (`css/portal.3f2a9c1b7d40.css`),
each with its `.br` and `.gz` twin. A file's build is skipped when its hashed copy exists, so only a
changed file is compressed again. `url_for('static', filename=...)` gives the hashed URL, which
WhiteNoise serves with a one-year immutable cache; the plain name still answers, cached for an hour.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from pathlib import Path

import brotli
from bokeh.util.paths import bokehjs_path
from flask import Flask
from whitenoise import WhiteNoise

from portal.charts import BOKEH_VERSION

COMPRESSIBLE = (".css", ".js", ".map", ".svg", ".txt", ".json", ".html")
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
PLAIN_MAX_AGE = 3600  # an unhashed name may change content at the next deploy
BUILD_FOLDER = "static-build"
_built: dict[tuple, dict[str, str]] = {}  # manifests built by this process, by their sources' state


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a worker never serves half a file another is writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def _publish(data: bytes, targets: list[Path]) -> None:
    """Write the file under each missing target name, with Brotli and gzip twins for text."""
    missing = [target for target in targets if not target.exists()]
    if not missing:
        return
    twins = {}
    if missing[0].suffix in COMPRESSIBLE:
        twins = {".br": brotli.compress(data, quality=11), ".gz": gzip.compress(data, compresslevel=9, mtime=0)}
    for target in missing:
        for suffix, compressed in twins.items():
            _write_atomically(target.with_name(target.name + suffix), compressed)
        _write_atomically(target, data)  # last: its presence says the twins are there


def _sources(static_folder: Path) -> dict[str, Path]:
    """{logical name: file} of every static file, BokehJS's main file under bokeh/<version>/."""
    found = {path.relative_to(static_folder).as_posix(): path
             for path in static_folder.rglob("*") if path.is_file()}
    found[f"bokeh/{BOKEH_VERSION}/bokeh.min.js"] = bokehjs_path() / "js" / "bokeh.min.js"
    return found


def hashed_name(name: str, data: bytes) -> str:
    """css/portal.css -> css/portal.<first 12 hex digits of its SHA-256>.css"""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def build(static_folder: Path, build_folder: Path) -> dict[str, str]:
    """Publish every static file under its plain and its hashed name; returns {plain: hashed}."""
    sources = _sources(static_folder)
    state = (str(build_folder), tuple((name, path.stat().st_mtime_ns, path.stat().st_size)
                                      for name, path in sorted(sources.items())))
    if state in _built:  # another app of this process (tests make many) already built the same files
        return _built[state]
    manifest = {}
    for name, source in sorted(sources.items()):
        data = source.read_bytes()
        manifest[name] = hashed_name(name, data)
        plain = build_folder / name
        if plain.exists() and plain.read_bytes() != data:  # changed since the last build: publish anew
            for stale in (plain, plain.with_name(plain.name + ".br"), plain.with_name(plain.name + ".gz")):
                stale.unlink(missing_ok=True)
        _publish(data, [build_folder / manifest[name], plain])
    _built[state] = manifest
    return manifest


def _nosniff(headers, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    """Build the static files, serve them through WhiteNoise and make url_for('static') give hashed URLs."""
    manifest = build(Path(app.static_folder), Path(app.instance_path) / BUILD_FOLDER)
    app.extensions["static_manifest"] = manifest
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(Path(app.instance_path) / BUILD_FOLDER),
                              prefix=app.static_url_path, max_age=PLAIN_MAX_AGE, allow_all_origins=False,
                              immutable_file_test=lambda _path, url: bool(HASHED.search(url)),
                              add_headers_function=_nosniff)

    @app.url_defaults
    def _hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]
