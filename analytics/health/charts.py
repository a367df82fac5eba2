"""Health charts from plain data (no DB, no Flask): distribution, history, daily active users."""
from __future__ import annotations

from datetime import date

from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.plotting import figure

# Okabe-Ito colours, safe for colour-blind readers.
BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999"


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


def history_chart(days: list[date], scores: list[float], red_below: float, green_from: float,
                  title: str = "Health score over time"):
    """An account's daily health score with the band thresholds."""
    fig = figure(title=title, sizing_mode="stretch_width", height=260, x_axis_type="datetime", toolbar_location=None,
                 x_axis_label="Day (UTC)", y_axis_label="Health score (points, 0–100)")
    source = ColumnDataSource({"day": days, "score": scores, "label": [d.isoformat() for d in days]})
    fig.line(x="day", y="score", source=source, color=BLUE, line_width=2, legend_label="Health score")
    fig.scatter(x="day", y="score", source=source, color=BLUE, size=3)
    fig.line(x=[days[0], days[-1]], y=[red_below, red_below], color=VERMILION, line_dash="dashed", legend_label="Red below")
    fig.line(x=[days[0], days[-1]], y=[green_from, green_from], color=GREEN, line_dash="dotted", legend_label="Green from")
    fig.add_tools(HoverTool(tooltips=[("Day", "@label"), ("Score", "@score{0.0} points")], renderers=[fig.renderers[0]]))
    fig.y_range = Range1d(0, 100)
    fig.legend.location = "bottom_left"
    return fig


def active_users_chart(days: list[date], current: list[int], previous: list[int],
                       title: str = "Daily active users: this period and the one before"):
    """Daily active users of a period against the period before, day by day."""
    index = list(range(1, len(days) + 1))
    fig = figure(title=title, sizing_mode="stretch_width", height=280, toolbar_location=None,
                 x_axis_label="Day of the period (1 = first day)", y_axis_label="Active users (people per day)")
    now = ColumnDataSource({"i": index, "users": current, "label": [d.isoformat() for d in days]})
    before = ColumnDataSource({"i": index[: len(previous)], "users": previous, "label": ["previous period"] * len(previous)})
    fig.line(x="i", y="users", source=before, color=ORANGE, line_width=2, line_dash="dashed", legend_label="Period before")
    fig.line(x="i", y="users", source=now, color=BLUE, line_width=2, legend_label="This period")
    fig.add_tools(HoverTool(tooltips=[("Day", "@label"), ("Active users", "@users people")]))
    fig.y_range.start = 0
    fig.legend.location = "top_left"
    return fig


def empty(message: str) -> dict:
    """The answer of a chart route when there is nothing to draw."""
    return {"empty": True, "message": message}
