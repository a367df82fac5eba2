"""Charts of the knowledge-base analytics, from plain rows (no database, no Flask)."""
from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, NumeralTickFormatter
from bokeh.plotting import figure

# Okabe-Ito colours: distinguishable with the common forms of colour blindness.
BLUE, ORANGE, GREEN, VERMILION = "#0072B2", "#E69F00", "#009E73", "#D55E00"


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def horizontal_bars(labels: list[str], values: list[float], *, title: str, x_label: str, tooltip: str,
                    color: str = BLUE, percent: bool = False):
    """Bars from the top (largest first), one per label."""
    shown = [_short(label) for label in labels]
    # Duplicate labels after shortening would merge bars: make them unique.
    seen: dict[str, int] = {}
    for index, label in enumerate(shown):
        if label in seen:
            shown[index] = f"{label} ({index + 1})"
        seen[label] = index
    source = ColumnDataSource({"label": shown, "full": labels, "value": values})
    plot = figure(y_range=list(reversed(shown)), height=max(220, 36 * len(labels) + 90), sizing_mode="stretch_width",
                  title=title, toolbar_location=None, tools="")
    plot.hbar(y="label", right="value", height=0.7, source=source, color=color)
    plot.xaxis.axis_label = x_label
    plot.yaxis.axis_label = None
    plot.x_range.start = 0
    if percent:
        plot.x_range.end = 1
        plot.xaxis.formatter = NumeralTickFormatter(format="0%")
    value_format = "{0%}" if percent else "{0,0}"
    plot.add_tools(HoverTool(tooltips=[("", "@full"), (tooltip, f"@value{value_format}")]))
    plot.ygrid.grid_line_color = None
    return plot


def views_chart(rows: list[tuple[str, str, int]], days: int):
    """Most read articles: views by customers in the window."""
    return horizontal_bars([r[0] for r in rows], [r[2] for r in rows], title=f"Most read articles, last {days} days",
                           x_label="views by customer users (count)", tooltip="views")


def helpful_chart(rows: list[tuple[str, str, int, int]]):
    """Share of helpful votes of the most voted articles."""
    return horizontal_bars([f"{r[0]} ({r[2] + r[3]} votes)" for r in rows], [r[2] / (r[2] + r[3]) for r in rows],
                           title="Helpful share of the most voted articles, all time", x_label="helpful votes (% of votes)",
                           tooltip="helpful", color=GREEN, percent=True)


def failed_chart(rows: list[tuple[str, int]], days: int):
    """Searches that found nothing, by frequency."""
    return horizontal_bars([r[0] for r in rows], [r[1] for r in rows], title=f"Searches that found nothing, last {days} days",
                           x_label="searches (count)", tooltip="searches", color=VERMILION)


def unclicked_chart(rows: list[tuple[str, int, int]], days: int):
    """Searches with results that nobody opened."""
    return horizontal_bars([r[0] for r in rows], [r[1] for r in rows],
                           title=f"Searches with results but no article opened, last {days} days",
                           x_label="searches without a click (count)", tooltip="without a click", color=ORANGE)
