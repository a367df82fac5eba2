"""The portfolio's health distribution chart from plain data (no DB, no Flask); an account's health over time
is drawn by analytics/outcome_charts.py."""
from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.plotting import figure

# Okabe-Ito colours, safe for colour-blind readers.
BLUE, GREY = "#0072B2", "#999999"


def distribution_chart(now_bins: list[int], before_bins: list[int], title: str = "Health distribution: now and 90 days ago"):
    """Accounts per score band of 10 points, now against 90 days ago."""
    labels = [f"{10 * i}–{10 * i + 9 if i < 9 else 100}" for i in range(len(now_bins))]
    centres = [10 * i + 5 for i in range(len(now_bins))]
    fig = figure(title=title, sizing_mode="stretch_width", height=300, toolbar_location=None,
                 x_axis_label="Health score (points, 0–100)", y_axis_label="Accounts (count)")
    before = ColumnDataSource({"x": [c - 2 for c in centres], "n": before_bins, "range": labels,
                               "when": ["90 days ago"] * len(labels)})
    now = ColumnDataSource({"x": [c + 2 for c in centres], "n": now_bins, "range": labels, "when": ["now"] * len(labels)})
    fig.vbar(x="x", top="n", width=3.8, source=before, color=GREY, legend_label="90 days ago")
    fig.vbar(x="x", top="n", width=3.8, source=now, color=BLUE, legend_label="now")
    fig.add_tools(HoverTool(tooltips=[("When", "@when"), ("Score", "@range"), ("Accounts", "@n")]))
    fig.x_range = Range1d(0, 100)
    fig.y_range.start = 0
    fig.legend.location = "top_left"
    return fig


def empty(message: str) -> dict:
    """The answer of a chart route when there is nothing to draw."""
    return {"empty": True, "message": message}
