"""The demo vendor's brand: a name, a currency, an accent colour, a support address and an SVG logo."""
from __future__ import annotations

from core.branding import set_brand

DEMO_NAME = "Lumina Analytics"
DEMO_CURRENCY = "EUR"
DEMO_COLOR = "#1D5FA8"
DEMO_SUPPORT = "support@lumina-analytics.example"
DEMO_LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img">
<title>Lumina Analytics</title>
<rect width="64" height="64" rx="14" fill="#1D5FA8"/>
<rect x="14" y="34" width="8" height="16" rx="2" fill="#ffffff"/>
<rect x="28" y="24" width="8" height="26" rx="2" fill="#ffffff"/>
<rect x="42" y="14" width="8" height="36" rx="2" fill="#ffd166"/>
</svg>
"""


def seed_brand(ctx) -> None:
    """Give the demo vendor its brand (flushes)."""
    set_brand(name=DEMO_NAME, currency=DEMO_CURRENCY, color=DEMO_COLOR, support_email=DEMO_SUPPORT,
              logo=("lumina.svg", DEMO_LOGO))
