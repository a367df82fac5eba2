"""Cohort charts (plain data in, Bokeh out): retention by cohort and age, medians by age, and the
Kaplan–Meier logo-retention curve per group with its 95% band."""
from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, NumeralTickFormatter, Range1d
from bokeh.plotting import figure

from analytics.cohorts.survival import Curve

COLOURS = {"all": "#0072B2", "top": "#E69F00", "leveraged": "#009E73", "scalable": "#CC79A7"}
LABELS = {"all": "All accounts", "top": "Top tier", "leveraged": "Leveraged tier", "scalable": "Scalable tier"}


def survival_chart(curves: dict[str, Curve]):
    """Share of accounts still customers by days since their start, with 95% bands; None when nothing to draw."""
    if not curves:
        return None
    chart = figure(title="Logo retention (Kaplan–Meier, 95% band)", height=320, sizing_mode="stretch_width",
                   x_axis_label="Days since becoming a customer", y_axis_label="Still a customer (% of accounts)",
                   tools="save", toolbar_location="above")
    chart.yaxis.formatter = NumeralTickFormatter(format="0%")
    chart.y_range = Range1d(0, 1.02)
    renderers = []
    for name, curve in curves.items():
        colour = COLOURS.get(name, "#000000")
        source = ColumnDataSource({"day": curve.days, "retained": curve.retained, "lower": curve.lower,
                                   "upper": curve.upper, "group": [LABELS.get(name, name)] * len(curve.days),
                                   "text": [f"{v:.0%} ({lo:.0%}–{hi:.0%})" for v, lo, hi in
                                            zip(curve.retained, curve.lower, curve.upper)]})
        label = f"{LABELS.get(name, name)} ({curve.accounts}, {curve.churned} churned)"
        chart.varea_step(x="day", y1="lower", y2="upper", source=source, step_mode="after", fill_color=colour,
                         fill_alpha=0.12 if name == "all" else 0.06, legend_label=label)
        renderers.append(chart.step(x="day", y="retained", source=source, mode="after", color=colour,
                                    line_width=3 if name == "all" else 2, legend_label=label))
    chart.add_tools(HoverTool(renderers=renderers, tooltips=[("Group", "@group"), ("Day", "@day{0}"),
                                                             ("Still a customer", "@text")]))
    chart.legend.location = "bottom_left"
    chart.legend.click_policy = "hide"
    return chart

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
DASHES = ("solid", "dashed", "dotted", "dotdash")


def _figure(title: str, y_label: str, percent: bool):
    chart = figure(title=title, x_axis_label="Age (months since the customer-since month)", y_axis_label=y_label,
                   height=320, sizing_mode="stretch_width", tools="save",
                   toolbar_location="above")
    if percent:
        chart.yaxis.formatter = NumeralTickFormatter(format="0%")
    chart.xaxis.ticker.desired_num_ticks = 12
    return chart


def retention_chart(series: dict[str, list[float | None]], what: str):
    """One line per cohort: retention (0..1) by age in months; None when there is nothing to draw."""
    drawn = {key: values for key, values in series.items() if any(v is not None for v in values)}
    if not drawn:
        return None
    chart = _figure(f"{what} retention by age, per start cohort", f"{what} retention (% of the cohort)", True)
    highest = max(v for values in drawn.values() for v in values if v is not None)
    chart.y_range = Range1d(0, max(1.05, highest * 1.05))  # revenue retention passes 100% with expansions
    for n, (key, values) in enumerate(sorted(drawn.items())):
        points = [(age, value) for age, value in enumerate(values) if value is not None]
        source = ColumnDataSource({"age": [p[0] for p in points], "value": [p[1] for p in points],
                                   "cohort": [key] * len(points),
                                   "text": [f"{p[1]:.0%}" for p in points]})
        colour = OKABE_ITO[n % len(OKABE_ITO)]
        dash = DASHES[(n // len(OKABE_ITO)) % len(DASHES)]
        chart.line("age", "value", source=source, color=colour, line_width=2, line_dash=dash, legend_label=key)
        chart.scatter("age", "value", source=source, color=colour, size=6)
    chart.add_tools(HoverTool(tooltips=[("Cohort", "@cohort"), ("Age", "@age months"), (what, "@text")]))
    legend = chart.legend[0]
    legend.click_policy = "hide"
    legend.title = "Cohort"
    chart.add_layout(legend, "right")  # beside the plot: many cohorts must not hide the lines
    return chart


def median_by_age_chart(points: list[tuple[int, float, int]], title: str, y_label: str, percent: bool):
    """A line of a median by age in months, with the number of accounts behind each point."""
    if not points:
        return None
    chart = _figure(title, y_label, percent)
    source = ColumnDataSource({"age": [p[0] for p in points], "value": [p[1] for p in points],
                               "accounts": [p[2] for p in points],
                               "text": [f"{p[1]:.0%}" if percent else f"{p[1]:.1f} points" for p in points]})
    chart.line("age", "value", source=source, color=OKABE_ITO[0], line_width=2)
    chart.scatter("age", "value", source=source, color=OKABE_ITO[0], size=6)
    chart.add_tools(HoverTool(tooltips=[("Age", "@age months"), ("Median", "@text"), ("Accounts", "@accounts")]))
    return chart
