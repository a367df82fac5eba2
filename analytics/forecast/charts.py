"""The reliability chart of the forecast's backtest, from plain decile rows (no database, no Flask)."""
from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.plotting import figure

BLUE, GREY = "#0072B2", "#999999"


def reliability_chart(deciles: list[dict], title: str = "Reliability of the churn forecast (backtest)"):
    """Mean predicted risk against the observed churn share, per tenth of the forecasts; the diagonal is perfect."""
    top = max([0.05] + [max(d["predicted"], d["observed"]) for d in deciles]) * 1.1
    top = min(1.0, top) * 100
    fig = figure(title=title, sizing_mode="stretch_width", height=320, toolbar_location=None,
                 x_axis_label="Predicted risk of churn within 90 days (%)",
                 y_axis_label="Observed churn within 90 days (%)")
    fig.line(x=[0, top], y=[0, top], color=GREY, line_dash="dashed", legend_label="Perfect calibration")
    source = ColumnDataSource({
        "predicted": [d["predicted"] * 100 for d in deciles], "observed": [d["observed"] * 100 for d in deciles],
        "n": [d["n"] for d in deciles], "group": [f"{i + 1} of {len(deciles)}" for i in range(len(deciles))],
    })
    line = fig.line(x="predicted", y="observed", source=source, color=BLUE, line_width=2, legend_label="Forecast")
    fig.scatter(x="predicted", y="observed", source=source, color=BLUE, size=7)
    fig.add_tools(HoverTool(renderers=[line], tooltips=[("Tenth", "@group"), ("Predicted", "@predicted{0.0}%"),
                                                         ("Observed", "@observed{0.0}%"), ("Forecasts", "@n")]))
    fig.x_range, fig.y_range = Range1d(0, top), Range1d(0, top)
    fig.legend.location = "top_left"
    return fig
