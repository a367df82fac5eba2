"""Accessibility checks in the browser: axe-core (a test asset, never served by the portal) run on a page."""
from __future__ import annotations

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parent / "assets" / "axe" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Minor rules that fail all the same: once reported from outside, they must not come back.
FAILING_RULES = ("empty-table-header",)
TARGETS_SHOWN = 3

# Bokeh's charts are scanned too (nothing inside them is flagged today); if a rule ever fires on
# Bokeh's own canvas internals, exclude that rule on `.bk-Figure` only, saying why.
_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def _load_axe(page) -> None:
    """Put axe on the page; evaluate is not subject to the portal's CSP (script-src 'self'), a script tag would be."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))


def violations(page) -> list[dict]:
    """The serious and critical violations (and those of FAILING_RULES) axe finds on the page as it is now."""
    _load_axe(page)
    found = page.evaluate(_RUN)
    return [v for v in found if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES]


def assert_accessible(page, name: str) -> None:
    """Fail listing every serious or critical axe violation (rule, help, first few targets) on the page."""
    found = violations(page)
    if found:
        lines = [f"{name} ({page.url}): {len(found)} serious/critical accessibility violation(s)"]
        for v in found:
            shown = ", ".join(v["targets"][:TARGETS_SHOWN])
            more = f" (+{len(v['targets']) - TARGETS_SHOWN} more)" if len(v["targets"]) > TARGETS_SHOWN else ""
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} — {shown}{more}")
        raise AssertionError("\n".join(lines))
