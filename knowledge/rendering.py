"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only an allow-list.

No script, no event handlers, no style, no javascript:/data: URLs; external links get
rel="noopener nofollow"; headings get anchors and long articles a table of contents.
Pure functions: no Flask, no database.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

SEARCH_TEXT_LIMIT = 100_000  # characters of plain text kept for search and snippets
TOC_MIN_HEADINGS = 3  # a table of contents when the article has at least this many sections

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "sub", "sup", "kbd", "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "abbr", "mark", "small", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "code": {"class"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}
ANCHOR_PREFIX = "sec-"  # only heading ids we made survive; an author's own ids could clobber the page's DOM

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_A_TAG = re.compile(r'<a((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*>')
_HREF = re.compile(r'\shref="([^"]*)"')


@dataclass
class Rendered:
    """What an article shows: safe HTML, its plain text and its table of contents."""

    html: str
    text: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)  # (level, anchor id, heading text)


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens ('' when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:max_length].strip("-")
    return slug


def _attribute_filter(tag: str, attribute: str, value: str):
    if attribute == "id":
        return value if value.startswith(ANCHOR_PREFIX) else None
    if tag == "code" and attribute == "class":
        return value if re.fullmatch(r"language-[\w+-]{1,30}", value) else None
    return value


def _is_external(href: str) -> bool:
    return bool(re.match(r"(?i)^(https?:)?//", href.strip()))


def _mark_external_links(safe_html: str) -> str:
    def replace(match: re.Match) -> str:
        attributes = match.group(1)
        href = _HREF.search(attributes)
        if href and _is_external(html.unescape(href.group(1))):
            return f'<a{attributes} rel="noopener nofollow">'
        return match.group(0)

    return _A_TAG.sub(replace, safe_html)


def sanitize_html(unsafe_html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; mark external links."""
    cleaned = nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "noscript", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _mark_external_links(cleaned)


def _add_heading_anchors(tokens) -> list[tuple[int, str, str]]:
    """Give every heading an id (sec-<words>, unique) and return the outline."""
    outline: list[tuple[int, str, str]] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = "".join(child.content for child in (inline.children or []) if child.type in ("text", "code_inline")) or inline.content
        base = ANCHOR_PREFIX + (slugify(text, 60) or "section")
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        outline.append((int(token.tag[1]), anchor, text.strip()))
    return outline


def html_to_text(safe_html: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    spaced = re.sub(r"<(/?(p|h\d|li|td|th|tr|br|pre|blockquote|dd|dt)\b[^>]*)>", r" <\1> ", safe_html)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    text = text.replace("\ue000", "").replace("\ue001", "")  # reserved for search highlights
    return re.sub(r"\s+", " ", text).strip()


def render_markdown(source: str) -> Rendered:
    """Render Markdown to sanitised HTML with heading anchors, plain text and an outline."""
    tokens = _markdown.parse(source or "")
    outline = _add_heading_anchors(tokens)
    raw_html = _markdown.renderer.render(tokens, _markdown.options, {})
    safe_html = sanitize_html(raw_html)
    toc = [item for item in outline if item[0] in (2, 3)] if len([o for o in outline if o[0] in (2, 3)]) >= TOC_MIN_HEADINGS else []
    return Rendered(html=safe_html, text=html_to_text(safe_html)[:SEARCH_TEXT_LIMIT], toc=toc)
