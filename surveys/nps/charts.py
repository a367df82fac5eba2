"""NPS charts from plain data (no database, no Flask): the trend with its margin, the 0..10 distribution.

Colours are Okabe-Ito (colour-blind safe): detractors vermillion, passives orange,
promoters bluish green, the NPS line blue; small samples are drawn as hollow markers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bokeh.models import ColumnDataSource, HoverTool, Range1d, Span
from bokeh.plotting import figure

from surveys.nps.score import SMALL_SAMPLE, NpsResult

BLUE = "#0072B2"
SKY = "#56B4E9"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
GREEN = "#009E73"


@dataclass(frozen=True)
class TrendPoint:
    """NPS of one month or quarter."""

    label: str  # e.g. "Mar 2026" or "Q1 2026"
    start: date
    end: date
    result: NpsResult


def period_label(start: date, period: str) -> str:
    """'Mar 2026' for a month, 'Q1 2026' for a quarter."""
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%b %Y")


def trend_figure(points: list[TrendPoint], title: str, period: str = "month"):
    """NPS per period with the 95% margin drawn as a band; None when no period has an answer."""
    points = [p for p in points if p.result.responses > 0]
    if not points:
        return None
    labels = [p.label for p in points]
    nps = [p.result.nps for p in points]
    low = [max(-100.0, p.result.nps - p.result.margin_of_error) for p in points]
    high = [min(100.0, p.result.nps + p.result.margin_of_error) for p in points]
    source = ColumnDataSource({
        "label": labels, "nps": nps, "low": low, "high": high,
        "n": [p.result.responses for p in points],
        "margin": [p.result.margin_of_error for p in points],
        "sample": [f"small sample (under {SMALL_SAMPLE})" if p.result.small_sample else "" for p in points],
        "fill": ["white" if p.result.small_sample else BLUE for p in points],
        "span": [f"{p.start.isoformat()} – {p.end.isoformat()}" for p in points],
    })
    unit = "quarter" if period == "quarter" else "month"
    fig = figure(x_range=labels, y_range=Range1d(-100, 100), height=320, sizing_mode="stretch_width",
                 title=title, x_axis_label=f"Calendar {unit} (UTC)", y_axis_label="NPS (points, −100 to +100)",
                 toolbar_location=None, tools="")
    fig.varea(x="label", y1="low", y2="high", source=source, fill_color=SKY, fill_alpha=0.3,
              legend_label="95% margin of error")
    fig.segment(x0="label", y0="low", x1="label", y1="high", source=source, line_color=BLUE, line_width=2)
    fig.line(x="label", y="nps", source=source, line_color=BLUE, line_width=2, legend_label="NPS")
    markers = fig.scatter(x="label", y="nps", source=source, size=10, line_color=BLUE, line_width=2,
                          fill_color="fill", legend_label="NPS (hollow: fewer than 30 answers)")
    fig.add_layout(Span(location=0, dimension="width", line_color="#999999", line_dash="dashed"))
    fig.add_tools(HoverTool(renderers=[markers], tooltips=[
        ("Period", "@span"), ("NPS", "@nps{+0.0} points"), ("95% margin", "±@margin{0.0} points"),
        ("Answers", "@n @sample"),
    ]))
    fig.legend.location = "bottom_left"
    fig.legend.label_text_font_size = "9pt"
    fig.xaxis.major_label_orientation = 0.8 if len(labels) > 8 else 0
    return fig


def distribution_figure(counts: list[int], title: str):
    """Answers per score 0..10 coloured by class; None when there are no answers."""
    total = sum(counts)
    if total == 0:
        return None
    scores = [str(s) for s in range(11)]
    classes = ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    colours = {"detractor": VERMILLION, "passive": ORANGE, "promoter": GREEN}
    source = ColumnDataSource({
        "score": scores, "answers": counts, "class": classes,
        "colour": [colours[c] for c in classes],
        "share": [c * 100 / total for c in counts],
    })
    fig = figure(x_range=scores, height=280, sizing_mode="stretch_width", title=f"{title} (n = {total})",
                 x_axis_label="Score (0 = not at all likely, 10 = extremely likely)",
                 y_axis_label="Answers (people)", toolbar_location=None, tools="")
    bars = fig.vbar(x="score", top="answers", width=0.8, source=source, fill_color="colour", line_color="colour",
                    legend_field="class")
    fig.add_tools(HoverTool(renderers=[bars], tooltips=[
        ("Score", "@score (@class)"), ("Answers", "@answers people"), ("Share", "@share{0.0}% of answers"),
    ]))
    fig.y_range.start = 0
    fig.legend.location = "top_left"
    return fig
