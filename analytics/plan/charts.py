"""Success-plan chart: a metric's readings against the straight target line (plain data in, Bokeh out)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from bokeh.models import ColumnDataSource, HoverTool
from bokeh.plotting import figure

from analytics.plan.progress import format_day, format_value

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
READINGS_COLOUR = "#0072B2"  # blue
TARGET_COLOUR = "#E69F00"  # orange
BASELINE_COLOUR = "#999999"  # grey

EMPTY_MESSAGE = "No readings of this metric yet; the chart appears with the first one."


def _ts(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def metric_chart(
    *, name: str, unit: str, points: list[tuple[date, float]], baseline: float, baseline_date: date,
    target: float, target_date: date,
):
    """A line of the readings, the dashed straight line from baseline to target and the baseline level.

    Returns None when there is no reading to draw (the caller answers the empty state).
    """
    if not points:
        return None
    y_label = f"{name} ({unit})" if unit else name
    chart = figure(
        title=f"{name}: readings against the target line",
        x_axis_type="datetime",
        x_axis_label="Date (UTC)",
        y_axis_label=y_label,
        height=300,
        sizing_mode="stretch_width",
        tools="save",
        toolbar_location="above",
    )
    readings = ColumnDataSource({
        "x": [_ts(day) for day, _ in points],
        "value": [value for _, value in points],
        "day_text": [format_day(day) for day, _ in points],
        "value_text": [format_value(value, unit) for _, value in points],
        "series": ["Reading"] * len(points),
    })
    line = ColumnDataSource({
        "x": [_ts(baseline_date), _ts(target_date)],
        "value": [baseline, target],
        "day_text": [format_day(baseline_date), format_day(target_date)],
        "value_text": [format_value(baseline, unit), format_value(target, unit)],
        "series": ["Baseline", "Target"],
    })
    chart.line("x", "value", source=line, color=TARGET_COLOUR, line_width=2, line_dash="dashed",
               legend_label="Target line")
    target_marks = chart.scatter("x", "value", source=line, color=TARGET_COLOUR, size=9, marker="diamond")
    chart.line("x", "value", source=readings, color=READINGS_COLOUR, line_width=2, legend_label="Readings")
    reading_marks = chart.scatter("x", "value", source=readings, color=READINGS_COLOUR, size=7)
    end = max(target_date, points[-1][0])
    chart.line([_ts(min(baseline_date, points[0][0])), _ts(end)], [baseline, baseline], color=BASELINE_COLOUR,
               line_dash="dotted", line_width=2, legend_label="Baseline")
    chart.add_tools(HoverTool(
        renderers=[reading_marks, target_marks],
        tooltips=[("", "@series"), ("Date", "@day_text"), ("Value", "@value_text")],
    ))
    chart.legend.location = "top_left"
    chart.legend.background_fill_alpha = 0.7
    chart.yaxis.axis_label_text_font_style = "normal"
    chart.xaxis.axis_label_text_font_style = "normal"
    return chart
