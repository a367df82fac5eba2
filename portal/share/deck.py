"""The review as a PowerPoint deck: native, editable charts drawn from a review snapshot (no Flask, no database).

Every chart's data comes straight from the snapshot that the share page shows, so the deck and the
page cannot disagree. Slides: title, value summary, usage, adoption, health, NPS, maturity, next steps.
"""
from __future__ import annotations

import io
from datetime import date, timedelta

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from analytics.health.scoring import COMPONENT_LABELS
from portal.share.snapshot import METRICS

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
CHART_BOX = (Inches(0.6), Inches(1.5), Inches(7.6), Inches(5.3))
TEXT_BOX = (Inches(8.5), Inches(1.5), Inches(4.3), Inches(5.3))


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#")[:6].upper())


class _Deck:
    """A presentation being built, with the brand's name and accent colour on every slide."""

    def __init__(self, vendor_name: str, accent: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.vendor_name = vendor_name
        self.accent = _rgb(accent)

    def slide(self, title: str):
        """A title-only slide with the vendor's name in its footer."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        slide.shapes.title.text = title
        slide.shapes.title.text_frame.paragraphs[0].font.color.rgb = self.accent
        footer = slide.shapes.add_textbox(Inches(0.6), Inches(6.9), Inches(12), Inches(0.4)).text_frame
        footer.text = self.vendor_name
        footer.paragraphs[0].font.size = Pt(11)
        return slide

    def chart(self, slide, kind, title: str, categories: list, series: dict[str, list], box=CHART_BOX):
        """A native chart (editable in PowerPoint: its data is an embedded workbook)."""
        data = CategoryChartData()
        data.categories = categories
        for name, values in series.items():
            data.add_series(name, values)
        chart = slide.shapes.add_chart(kind, *box, data).chart
        chart.has_title = True
        chart.chart_title.text_frame.text = title
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        first = chart.plots[0].series[0]
        if kind in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS):
            first.format.line.color.rgb = self.accent
        else:
            first.format.fill.solid()
            first.format.fill.fore_color.rgb = self.accent
        return chart

    @staticmethod
    def text(slide, lines: list[str], box=TEXT_BOX, size: int = 16) -> None:
        """A text box of one paragraph per line."""
        frame = slide.shapes.add_textbox(*box).text_frame
        frame.word_wrap = True
        for index, line in enumerate(lines or [""]):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(size)
            paragraph.space_after = Pt(6)

    def save(self) -> bytes:
        """The .pptx file as bytes."""
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "no data"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text} {unit}".strip()


def _period_text(span: dict) -> str:
    return f"{span['start']} to {span['end']}"


def _figures(snapshot: dict) -> dict:
    """The dashboard figures frozen in the snapshot (named "dashboard" in links made before version 2)."""
    return snapshot.get("figures") or snapshot.get("dashboard") or {}


def _title(deck: _Deck, snapshot: dict) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    slide.shapes.title.text = f"{snapshot['account']['name']}: business review"
    slide.shapes.title.text_frame.paragraphs[0].font.color.rgb = deck.accent
    slide.placeholders[1].text = (f"{_period_text(snapshot['period'])} (UTC days), compared with "
                                  f"{_period_text(snapshot['previous'])}\nPrepared by {deck.vendor_name}")


def _value_summary(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("Value summary: success plan goals")
    goals = snapshot.get("plan") or []
    if not goals:
        deck.text(slide, ["No success plan goals had been set by the end of this review's period."],
                  box=(Inches(0.6), Inches(1.5), Inches(12), Inches(2)))
        return
    deck.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, f"Progress toward target on {snapshot['period']['end']} (%)",
               [g["name"] for g in goals], {"Progress (%)": [g["progress_percent"] for g in goals]})
    deck.text(slide, [f"{g['name']}: {_fmt(g['current'], g['unit'])} against a target of {_fmt(g['target'], g['unit'])} "
                      f"by {g['target_date']} ({'on track' if g['on_track'] else 'off track'})." for g in goals], size=13)


def _usage(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("Usage")
    current, previous = snapshot["daily_active_users"], snapshot["previous_daily_active_users"]
    start = date.fromisoformat(snapshot["period"]["start"])
    days = [(start + timedelta(days=k)).isoformat() for k in range(len(current))]
    deck.chart(slide, XL_CHART_TYPE.LINE, "Daily active users (people per day)", days,
               {"This period": current, "Previous period (same day of the period)": previous[:len(current)]})
    now, before = snapshot["current_figures"], snapshot["previous_figures"]
    deck.text(slide, [f"{label}: {_fmt(now.get(key), unit)} (previous period: {_fmt(before.get(key), unit)})"
                      for key, label, unit, _ in METRICS if key not in ("health_score", "nps")], size=13)


def _adoption(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("Adoption of key features")
    adoption = _figures(snapshot).get("adoption") or []
    if not adoption:
        deck.text(slide, [f"Key features used in the period: {_fmt(snapshot['current_figures']['key_features_used'])}."],
                  box=(Inches(0.6), Inches(1.5), Inches(12), Inches(2)))
        return
    deck.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, "People who used each key feature in the period",
               [row["name"] for row in adoption], {"People": [row["users"] for row in adoption]})
    active = _figures(snapshot).get("active_users_in_period", 0)
    unused = [row["name"] for row in adoption if not row["users"]]
    lines = [f"{_figures(snapshot).get('adopted_count', 0)} of {len(adoption)} key features were used by "
             f"{active} active people in the period."]
    if unused:
        lines.append("Not used yet: " + ", ".join(unused) + ".")
    deck.text(slide, lines)


def _health(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("Health")
    figures = snapshot["current_figures"]
    components = figures.get("health_components") or []
    history = snapshot.get("health_history") or []
    if history:
        deck.chart(slide, XL_CHART_TYPE.LINE, "Health score over the period (0 to 100)",
                   [day for day, _ in history], {"Health score": [score for _, score in history]},
                   box=(Inches(0.6), Inches(1.5), Inches(6.2), Inches(5.3)))
    if components:
        deck.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, "Components at the period's end (0 to 100)",
                   [COMPONENT_LABELS.get(c["name"], c["name"]) for c in components], {"Score": [c["score"] for c in components]},
                   box=(Inches(7.0), Inches(1.5), Inches(5.8), Inches(5.3)))
    if not history and not components:
        deck.text(slide, ["No health score was stored by the end of this review's period."],
                  box=(Inches(0.6), Inches(1.5), Inches(12), Inches(2)))


def _nps(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("NPS")
    now, before = snapshot["current_figures"], snapshot["previous_figures"]
    deck.chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, "NPS (points, -100 to 100)",
               [f"Previous period ({_period_text(snapshot['previous'])})", f"This period ({_period_text(snapshot['period'])})"],
               {"NPS": [before.get("nps"), now.get("nps")]})
    deck.text(slide, [f"This period: NPS {_fmt(now.get('nps'), 'points')} from {now.get('nps_responses', 0)} people.",
                      f"Previous period: NPS {_fmt(before.get('nps'), 'points')} from {before.get('nps_responses', 0)} people.",
                      "Each person's latest answer in a period counts once."])


def _maturity(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("Maturity")
    maturity = snapshot.get("maturity") or {"levels": 0, "rounds": []}
    rounds = maturity["rounds"]
    if not rounds:
        deck.text(slide, ["No maturity self-assessment had been completed by the end of this review's period."],
                  box=(Inches(0.6), Inches(1.5), Inches(12), Inches(2)))
        return
    deck.chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, f"Overall maturity level (1 to {maturity['levels']})",
               [r["taken_on"] for r in rounds], {"Level": [r["level"] for r in rounds]})
    latest = rounds[-1]
    deck.text(slide, [f"Latest self-assessment on {latest['taken_on']}: level {latest['level']} "
                      f"({latest['level_name']}) of {maturity['levels']}."])


def next_steps(snapshot: dict) -> list[str]:
    """Sentences on what to work on next, from the snapshot's weakest figures."""
    steps = [f"Bring “{g['name']}” back on track: {_fmt(g['current'], g['unit'])} now, "
             f"{_fmt(g['target'], g['unit'])} wanted by {g['target_date']}."
             for g in snapshot.get("plan") or [] if not g["on_track"]]
    unused = [row["name"] for row in _figures(snapshot).get("adoption") or [] if not row["users"]]
    if unused:
        steps.append("Introduce the key features not used yet: " + ", ".join(unused[:5]) + ".")
    components = sorted(snapshot["current_figures"].get("health_components") or [], key=lambda c: c["score"])
    if components and components[0]["score"] < 70:
        label = COMPONENT_LABELS.get(components[0]["name"], components[0]["name"])
        steps.append(f"Improve {label[0].lower()}{label[1:]}: {components[0]['explanation']}")
    utilisation = snapshot["current_figures"].get("seat_utilisation_percent")
    if utilisation is not None and utilisation < 50:
        steps.append(f"Only {_fmt(utilisation)}% of licensed seats were used in the period: invite the people who have not started.")
    return steps or ["Keep the current course: no goal is off track and every key feature is in use."]


def _next_steps(deck: _Deck, snapshot: dict) -> None:
    slide = deck.slide("Next steps")
    deck.text(slide, next_steps(snapshot), box=(Inches(0.6), Inches(1.5), Inches(12), Inches(5.2)), size=18)


def build_deck(snapshot: dict, vendor_name: str, accent: str = "#0B5CAD") -> bytes:
    """The review snapshot as a .pptx file: eight slides with native charts, in the vendor's name and colour."""
    deck = _Deck(vendor_name, accent)
    for add in (_title, _value_summary, _usage, _adoption, _health, _nps, _maturity, _next_steps):
        add(deck, snapshot)
    return deck.save()
