"""The Kaplan–Meier logo-retention chart: one step curve per group with its 95% band (plain data in, Bokeh out)."""
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
