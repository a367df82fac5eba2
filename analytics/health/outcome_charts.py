"""Charts of health, sentiment and the period against the one before: plain data in, Bokeh out (no DB, no Flask)."""
from __future__ import annotations

from datetime import date

from bokeh.models import ColumnDataSource, HoverTool, Legend, Range1d, Span
from bokeh.plotting import figure

from analytics.usage.charts import BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION, _ms, finish


def _plot(title: str, y_label: str, x_label: str, height: int = 300, **kw):
    plot = figure(title=title, height=height, sizing_mode="stretch_width", toolbar_location="above", tools="save", **kw)
    plot.xaxis.axis_label = x_label
    plot.yaxis.axis_label = y_label
    return plot


def health_history_columns(points: list[tuple[date, float]], red_below: float, green_from: float) -> dict[str, dict]:
    """The data of the health chart, by source name (see health_history_figure)."""
    ends = [_ms(points[0][0]), _ms(points[-1][0])]
    return {"scores": {"x": [_ms(day) for day, _ in points], "score": [score for _, score in points],
                       "when": [day.strftime("%-d %b %Y") for day, _ in points]},
            "red": {"x": ends, "y": [red_below, red_below]},
            "green": {"x": ends, "y": [green_from, green_from]}}


def health_history_labels(red_below: float, green_from: float) -> tuple[str, str]:
    """The legend's words for the two thresholds."""
    return f"At risk below {red_below:g}", f"Healthy from {green_from:g}"


def health_history_figure(points: list[tuple[date, float]], red_below: float, green_from: float):
    """An account's daily health score over the period, with the band thresholds as lines."""
    plot = _plot("Health score", "Health score (0–100)", "Day (UTC)", x_axis_type="datetime")
    columns = health_history_columns(points, red_below, green_from)
    source, red_source, green_source = (ColumnDataSource(columns[name], name=name) for name in ("scores", "red", "green"))
    line = plot.line("x", "score", source=source, color=BLUE, line_width=2)
    red = plot.line("x", "y", source=red_source, color=VERMILLION, line_dash="dashed", line_width=1.5)
    green = plot.line("x", "y", source=green_source, color=GREEN, line_dash="dotted", line_width=1.5)
    plot.y_range = Range1d(0, 100)
    plot.add_tools(HoverTool(renderers=[line], tooltips=[("Day", "@when"), ("Score", "@score{0} of 100")], mode="vline"))
    red_label, green_label = health_history_labels(red_below, green_from)
    return finish(plot, Legend(items=[("Health score", [line]), (red_label, [red]), (green_label, [green])]))


RANGE_BAR_WIDTH_MS = 16 * 86_400_000  # about half a month: the bars of neighbouring months stay apart


def nps_month_columns(months: list[dict]) -> dict[str, dict]:
    """The data of the NPS chart, by source name (see nps_month_figure)."""
    nan = float("nan")
    return {"months": {
        "x": [_ms(row["month"]) for row in months],
        "nps": [nan if row["nps"] is None else row["nps"] for row in months],
        "low": [nan if row["nps"] is None else max(-100.0, row["nps"] - row["margin"]) for row in months],
        "high": [nan if row["nps"] is None else min(100.0, row["nps"] + row["margin"]) for row in months],
        "n": [row["responses"] for row in months],
        "when": [row["month"].strftime("%B %Y") for row in months],
    }}


def nps_month_figure(months: list[dict]):
    """NPS per calendar month with its 95% margin; months without answers are gaps, not joined neighbours.

    months: [{"month": date (1st), "nps": float | None, "margin": float | None, "responses": int}].
    """
    plot = _plot("NPS per month", "NPS (−100 to +100)", "Month (UTC)", x_axis_type="datetime")
    source = ColumnDataSource(nps_month_columns(months)["months"], name="months")
    # One bar of likely range per month: an area would be drawn on across the months without answers.
    band = plot.vbar(x="x", bottom="low", top="high", width=RANGE_BAR_WIDTH_MS, source=source, fill_color=SKY,
                     fill_alpha=0.45, line_color=None)
    line = plot.line("x", "nps", source=source, color=BLUE, line_width=2)
    dots = plot.scatter("x", "nps", source=source, color=BLUE, size=8)
    plot.add_layout(Span(location=0, dimension="width", line_color=GREY, line_dash="dashed"))
    plot.y_range = Range1d(-100, 100)
    plot.add_tools(HoverTool(renderers=[dots], tooltips=[("Month", "@when"), ("NPS", "@nps{+0}"), ("Answers", "@n")]))
    return finish(plot, Legend(items=[("NPS", [line, dots]), ("Likely range (95%)", [band])]))


def period_compare_figure(days: list[date], current: list[int], previous: list[int]):
    """Active users per day of the period against the same day of the comparison period."""
    plot = _plot("Active users per day", "Active users (people)", "Day of the period")
    index = list(range(1, len(days) + 1))
    now = ColumnDataSource({"i": index, "users": current, "when": [day.strftime("%-d %b %Y") for day in days]})
    before = ColumnDataSource({"i": index[: len(previous)], "users": previous[: len(index)]})
    before_line = plot.line("i", "users", source=before, color=ORANGE, line_width=2, line_dash="dashed")
    now_line = plot.line("i", "users", source=now, color=BLUE, line_width=2)
    plot.y_range.start = 0
    plot.add_tools(HoverTool(renderers=[now_line], tooltips=[("Day", "@when"), ("Active users", "@users")], mode="vline"))
    return finish(plot, Legend(items=[("This period", [now_line]), ("Comparison period", [before_line])]))
