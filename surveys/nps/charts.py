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


def trend_columns(points: list[TrendPoint], period: str = "month") -> dict[str, list]:
    """The trend's data, one row per period asked for; a period without answers has NaN for its NPS and margin,
    which Bokeh draws as a gap."""
    nan = float("nan")
    nps, margin, low, high = [], [], [], []
    for point in points:
        result = point.result
        if result.responses:
            nps.append(result.nps)
            margin.append(result.margin_of_error)
            low.append(max(-100.0, result.nps - result.margin_of_error))
            high.append(min(100.0, result.nps + result.margin_of_error))
        else:
            for column in (nps, margin, low, high):
                column.append(nan)
    return {
        "label": [p.label for p in points],
        "when": [p.label if period == "quarter" else p.start.strftime("%B %Y") for p in points],
        "nps": nps, "low": low, "high": high, "margin": margin,
        "n": [p.result.responses for p in points],
        "sample": [f"(small sample, under {SMALL_SAMPLE})" if p.result.small_sample else "" for p in points],
        "fill": ["white" if p.result.small_sample else BLUE for p in points],
    }


def _answered_runs(answers: list[int]) -> list[slice]:
    """Runs of neighbouring periods with answers: a band joins its corners even over NaN, so it is drawn per run."""
    runs, first = [], None
    for index, count in enumerate([*answers, 0]):
        if count and first is None:
            first = index
        elif not count and first is not None:
            runs.append(slice(first, index))
            first = None
    return runs


def trend_figure(points: list[TrendPoint], title: str, period: str = "month"):
    """NPS per period with the 95% margin drawn as a band; every period asked for is on the axis, one without
    answers left blank (no marker, no line or band through it); None when no period has an answer."""
    if not any(p.result.responses for p in points):
        return None
    columns = trend_columns(points, period)
    labels = columns["label"]
    source = ColumnDataSource(columns, name="periods")
    unit = "quarter" if period == "quarter" else "month"
    fig = figure(x_range=labels, y_range=Range1d(-100, 100), height=320, sizing_mode="stretch_width",
                 title=title, x_axis_label=f"Calendar {unit} (UTC)", y_axis_label="NPS (points, −100 to +100)",
                 toolbar_location=None, tools="")
    for run in _answered_runs(columns["n"]):
        band = {name: columns[name][run] for name in ("label", "low", "high")}
        fig.varea(x="label", y1="low", y2="high", source=ColumnDataSource(band, name="band"), fill_color=SKY,
                  fill_alpha=0.3, legend_label="95% margin of error")
    fig.segment(x0="label", y0="low", x1="label", y1="high", source=source, line_color=BLUE, line_width=2)
    fig.line(x="label", y="nps", source=source, line_color=BLUE, line_width=2, legend_label="NPS")
    markers = fig.scatter(x="label", y="nps", source=source, size=10, line_color=BLUE, line_width=2,
                          fill_color="fill", legend_label="NPS (hollow: fewer than 30 answers)")
    fig.add_layout(Span(location=0, dimension="width", line_color="#999999", line_dash="dashed"))
    fig.add_tools(HoverTool(renderers=[markers], tooltips=[
        (unit.capitalize(), "@when"), ("NPS", "@nps{+0}"), ("95% margin", "±@margin{0}"), ("Answers", "@n @sample"),
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
