"""Checking a vendor's logo: a PNG or an SVG of at most 1 MB; an SVG that could run or fetch anything is refused."""
from __future__ import annotations

import io
import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_TYPE = "image/svg+xml"
PNG_TYPE = "image/png"
# Elements that run code, embed other documents or pull in other files.
_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
_LINK_ATTRIBUTES = {"href", "src"}
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class LogoError(ValueError):
    """A logo that cannot be accepted; the message is one sentence for the user."""


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _check_svg(data: bytes) -> None:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise LogoError("The logo is not a well-formed SVG file; export it again as a plain SVG.") from None
    if _local_name(root.tag) != "svg":
        raise LogoError("The logo is not an SVG image: its outer element is not <svg>.")
    for element in root.iter():
        tag = _local_name(str(element.tag))
        if tag in _FORBIDDEN_ELEMENTS:
            raise LogoError(f"The SVG logo carries a <{tag}> element, which could run code; remove it and upload again.")
        if tag == "style" and ("@import" in (element.text or "") or _EXTERNAL_URL.search(element.text or "")):
            raise LogoError("The SVG logo's style sheet refers to another file; remove the reference and upload again.")
        for name, value in element.attrib.items():
            attribute = _local_name(name)
            if attribute.startswith("on"):
                raise LogoError(f"The SVG logo carries an event handler ({attribute}); remove it and upload again.")
            if attribute in _LINK_ATTRIBUTES and not value.strip().startswith("#"):
                raise LogoError("The SVG logo refers to another file or address; embed everything in the SVG and upload again.")
            if _EXTERNAL_URL.search(value) or "@import" in value:
                raise LogoError("The SVG logo refers to another file or address; embed everything in the SVG and upload again.")


def _check_png(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise LogoError("The logo is not a readable PNG image; export it again as PNG or SVG.") from None


def check_logo(filename: str, data: bytes) -> str:
    """The logo's media type when it is an acceptable PNG or SVG; LogoError otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(f"The logo is {len(data):,} bytes; a logo may be at most 1 MB (1,048,576 bytes).")
    if not data:
        raise LogoError("The logo file is empty; choose a PNG or SVG file.")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(PNG_SIGNATURE):
        if suffix not in ("", "png"):
            raise LogoError(f"The logo is a PNG image named .{suffix}; name it .png or upload an SVG.")
        _check_png(data)
        return PNG_TYPE
    if suffix == "svg" or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>") or b"<svg" in data[:1024]:
        _check_svg(data)
        return SVG_TYPE
    raise LogoError("The logo must be a PNG or SVG image.")
