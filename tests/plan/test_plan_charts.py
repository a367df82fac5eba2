"""The metric chart, built from plain data: labelled, explorable, colour-blind safe, with an empty state."""
from __future__ import annotations

from datetime import date

from bokeh.models import HoverTool

from analytics.plan.charts import BASELINE_COLOUR, READINGS_COLOUR, TARGET_COLOUR, metric_chart

LINE = dict(baseline=10.0, baseline_date=date(2026, 1, 1), target=4.0, target_date=date(2026, 7, 1))


def test_no_readings_gives_no_chart_so_the_page_shows_the_empty_state():
    """Nothing to draw: the route answers {"empty": true} instead of an empty plot."""
    assert metric_chart(name="Handling time", unit="days", points=[], **LINE) is None


def test_chart_has_title_axis_labels_with_units_tooltips_and_safe_colours():
    """What a reader needs to read the chart without help."""
    chart = metric_chart(name="Handling time", unit="days",
                         points=[(date(2026, 1, 1), 10.0), (date(2026, 2, 1), 8.5)], **LINE)
    assert chart.title.text == "Handling time: readings against the target line"
    assert chart.yaxis[0].axis_label == "Handling time (days)"
    assert chart.xaxis[0].axis_label == "Date (UTC)"
    assert chart.sizing_mode == "stretch_width"
    hover = [tool for tool in chart.tools if isinstance(tool, HoverTool)]
    assert hover and ("Value", "@value_text") in hover[0].tooltips
    colours = {renderer.glyph.line_color for renderer in chart.renderers if hasattr(renderer.glyph, "line_color")}
    assert {READINGS_COLOUR, TARGET_COLOUR, BASELINE_COLOUR} <= colours
    drawn = [r.data_source.data for r in chart.renderers if "value_text" in r.data_source.data]
    assert ["10 days", "8.5 days"] in [d["value_text"] for d in drawn]
    assert ["10 days", "4 days"] in [d["value_text"] for d in drawn]
