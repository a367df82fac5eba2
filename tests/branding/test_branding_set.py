"""`branding set`: the brand is stored; every refusal is one sentence on stderr and changes nothing."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from core.branding import Brand, get_brand
from models.db import Session

SAFE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#123456"/></svg>'


@pytest.fixture
def runner(app):
    """Flask's CLI runner, with stderr apart from stdout."""
    return app.test_cli_runner()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#123456").save(buffer, format="PNG")
    return buffer.getvalue()


def _brand() -> Brand:
    Session.rollback()
    return get_brand()


def _fails_cleanly(result, fragment: str) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert lines[0].rstrip().endswith(".")
    assert "Traceback" not in result.output


def test_branding_set_stores_every_part(runner, tmp_path):
    """Name, currency, colour, support address and an SVG logo are stored together."""
    logo = tmp_path / "logo.svg"
    logo.write_bytes(SAFE_SVG)
    result = runner.invoke(args=["branding", "set", "--name", "Acme Analytics", "--currency", "eur", "--color", "#1d5fa8",
                                 "--logo", str(logo), "--support-email", "help@acme.example"])
    assert result.exit_code == 0, result.output
    brand = _brand()
    assert (brand.name, brand.currency, brand.color, brand.support_email, brand.logo_type, brand.logo) == (
        "Acme Analytics", "EUR", "#1D5FA8", "help@acme.example", "image/svg+xml", SAFE_SVG)


def test_branding_set_accepts_a_png_and_keeps_other_parts(runner, tmp_path):
    """Changing the logo alone leaves the name as it was."""
    assert runner.invoke(args=["branding", "set", "--name", "Acme Analytics"]).exit_code == 0
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    result = runner.invoke(args=["branding", "set", "--logo", str(logo)])
    assert result.exit_code == 0, result.output
    assert (_brand().name, _brand().logo_type) == ("Acme Analytics", "image/png")


BAD_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "external image": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                      b'<image xlink:href="https://evil.example/x.png"/></svg>',
    "external style": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
    "css url": b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/p)"/></svg>',
    "foreign object": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
    "not xml": b"<svg><rect></svg>",
}


@pytest.mark.parametrize("case", sorted(BAD_SVGS))
def test_branding_set_refuses_an_unsafe_svg(runner, tmp_path, case):
    """Scripts, event handlers and references to other files are refused; the brand stays as it was."""
    before = _brand()
    logo = tmp_path / "logo.svg"
    logo.write_bytes(BAD_SVGS[case])
    result = runner.invoke(args=["branding", "set", "--name", "Changed", "--logo", str(logo)])
    _fails_cleanly(result, "logo")
    assert _brand() == before


@pytest.mark.parametrize("args, fragment", [
    (["--currency", "XYZ"], "ISO 4217"),
    (["--currency", "euro"], "ISO 4217"),
    (["--color", "blue"], "#RRGGBB"),
    (["--color", "#12345"], "#RRGGBB"),
    (["--color", "#AAAAAA"], "4.5:1"),
    (["--color", "#FFFF00"], "4.5:1"),
    (["--name", "x" * 101], "at most 100"),
    (["--name", "   "], "empty"),
    (["--support-email", "not an address"], "e-mail address"),
], ids=["currency", "currency-word", "colour-word", "colour-short", "grey", "yellow", "long-name", "blank-name", "support"])
def test_branding_set_refuses_bad_values(runner, args, fragment):
    """One sentence on stderr, non-zero exit, and nothing changed, not even the valid parts given with it."""
    before = _brand()
    result = runner.invoke(args=["branding", "set", "--name", "Would Change", *args])
    _fails_cleanly(result, fragment)
    assert _brand() == before


def test_branding_set_refuses_other_files_and_large_logos(runner, tmp_path):
    """A GIF, a text file and a logo over 1 MB are refused."""
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a" + b"\0" * 20)
    _fails_cleanly(runner.invoke(args=["branding", "set", "--logo", str(gif)]), "PNG or SVG")
    big = tmp_path / "big.png"
    big.write_bytes(_png() + b"\0" * (1024 * 1024))
    _fails_cleanly(runner.invoke(args=["branding", "set", "--logo", str(big)]), "1 MB")
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage")
    _fails_cleanly(runner.invoke(args=["branding", "set", "--logo", str(fake)]), "PNG")
    _fails_cleanly(runner.invoke(args=["branding", "set", "--logo", str(tmp_path / "missing.svg")]), "does not exist")
    assert _brand() == Brand()
