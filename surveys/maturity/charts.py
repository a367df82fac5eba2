"""Charts of the maturity self-assessment, built from plain data (no database, no Flask)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Legend, LegendItem
from bokeh.plotting import figure

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def _level_axis_label(level_names: dict[int, str]) -> str:
    return "Level (" + ", ".join(f"{n} = {name}" for n, name in sorted(level_names.items())) + ")"


def comparison_figure(dimensions: list[str], latest: dict[str, int], previous: dict[str, int] | None,
                      level_names: dict[int, str], latest_label: str, previous_label: str | None):
    """Horizontal bars: each dimension's level in the latest assessment beside the previous one."""
    series = [(latest_label, latest, OKABE_ITO[0])]
    if previous:
        series.append((previous_label or "Previous", previous, OKABE_ITO[1]))
    factors = [(dimension, label) for dimension in reversed(dimensions) for label, _, _ in reversed(series)]
    rows = {"factor": [], "level": [], "level_name": [], "dimension": [], "assessment": [], "colour": []}
    for dimension, label in factors:
        values, colour = next((values, colour) for name, values, colour in series if name == label)
        level = values.get(dimension)
        if level is None:
            continue
        rows["factor"].append((dimension, label))
        rows["level"].append(level)
        rows["level_name"].append(level_names.get(level, str(level)))
        rows["dimension"].append(dimension)
        rows["assessment"].append(label)
        rows["colour"].append(colour)
    source = ColumnDataSource(rows)
    plot = figure(y_range=FactorRange(*factors), x_range=(0, max(level_names) + 0.2), height=80 + 60 * len(dimensions),
                  title="Level per dimension: latest assessment against the previous one",
                  sizing_mode="stretch_width", toolbar_location=None, tools="")
    renderer = plot.hbar(y="factor", right="level", height=0.8, source=source, fill_color="colour", line_color="colour")
    plot.add_tools(HoverTool(renderers=[renderer], tooltips=[
        ("Dimension", "@dimension"), ("Assessment", "@assessment"), ("Level", "@level (@level_name)")]))
    legend_items = [LegendItem(label=label, renderers=[renderer],
                               index=rows["assessment"].index(label)) for label, _, _ in series if label in rows["assessment"]]
    plot.add_layout(Legend(items=legend_items, location="bottom_right"))
    plot.xaxis.axis_label = _level_axis_label(level_names)
    plot.yaxis.axis_label = "Dimension"
    plot.xaxis.ticker = list(range(0, max(level_names) + 1))
    plot.ygrid.grid_line_color = None
    return plot


def history_figure(dates: list[date], levels: dict[str, list[int | None]], level_names: dict[int, str]):
    """One line per dimension: its level at each assessment over time."""
    plot = figure(x_axis_type="datetime", y_range=(0.5, max(level_names) + 0.5), height=340,
                  title="Level per dimension at each assessment", sizing_mode="stretch_width",
                  toolbar_location=None, tools="")
    items = []
    renderers = []
    for index, (dimension, values) in enumerate(levels.items()):
        points = [(day, value) for day, value in zip(dates, values) if value is not None]
        source = ColumnDataSource({
            # datetimes, not dates: a Bokeh datetime axis reads a date as text and draws nothing
            "date": [datetime.combine(day, time(), tzinfo=timezone.utc) for day, _ in points],
            "level": [value for _, value in points],
            "label": [day.isoformat() for day, _ in points], "dimension": [dimension] * len(points),
            "level_name": [level_names.get(value, str(value)) for _, value in points],
        })
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        line = plot.line("date", "level", source=source, line_color=colour, line_width=2)
        marker = plot.scatter("date", "level", source=source, size=8, fill_color=colour, line_color=colour,
                              marker=("circle", "square", "triangle", "diamond", "inverted_triangle")[index % 5])
        renderers.append(marker)
        items.append(LegendItem(label=dimension, renderers=[line, marker]))
    plot.add_tools(HoverTool(renderers=renderers, tooltips=[
        ("Dimension", "@dimension"), ("Assessed on", "@label"), ("Level", "@level (@level_name)")]))
    plot.add_layout(Legend(items=items, orientation="horizontal", ncols=3), "below")
    plot.xaxis.axis_label = "Assessment date (UTC)"
    plot.yaxis.axis_label = _level_axis_label(level_names)
    plot.yaxis.ticker = list(range(1, max(level_names) + 1))
    return plot


def benchmark_figure(dimensions: list[str], own: dict[str, int], quartiles: dict[str, tuple[float, float, float, int]],
                     level_names: dict[int, str], account_name: str, tier: str):
    """Per dimension: the peers' middle half (first to third quartile), their median, and the account's level."""
    names = [name for name in dimensions if name in quartiles and name in own]
    factors = list(reversed(names))
    peers = ColumnDataSource({
        "dimension": factors, "q1": [quartiles[n][0] for n in factors], "median": [quartiles[n][1] for n in factors],
        "q3": [quartiles[n][2] for n in factors], "accounts": [quartiles[n][3] for n in factors],
    })
    mine = ColumnDataSource({"dimension": factors, "level": [own[n] for n in factors],
                             "level_name": [level_names.get(own[n], str(own[n])) for n in factors]})
    plot = figure(y_range=factors, x_range=(0.5, max(level_names) + 0.5), height=80 + 55 * len(factors),
                  title=f"{account_name} against the other accounts of the {tier} tier", sizing_mode="stretch_width",
                  toolbar_location=None, tools="")
    band = plot.hbar(y="dimension", left="q1", right="q3", height=0.5, source=peers, fill_color=OKABE_ITO[4],
                     fill_alpha=0.5, line_color=OKABE_ITO[4], legend_label="Peers: first to third quartile")
    middle = plot.scatter(x="median", y="dimension", source=peers, marker="dash", size=26, angle=1.5708,
                          line_color=OKABE_ITO[7], line_width=3, legend_label="Peers: median")
    dot = plot.scatter(x="level", y="dimension", source=mine, size=13, marker="diamond", fill_color=OKABE_ITO[5],
                       line_color=OKABE_ITO[5], legend_label=account_name)
    plot.add_tools(HoverTool(renderers=[band, middle], tooltips=[
        ("Dimension", "@dimension"), ("Peers' first quartile", "@q1{0.0}"), ("Peers' median", "@median{0.0}"),
        ("Peers' third quartile", "@q3{0.0}"), ("Accounts compared", "@accounts")]))
    plot.add_tools(HoverTool(renderers=[dot], tooltips=[("Dimension", "@dimension"), ("Your level", "@level (@level_name)")]))
    plot.xaxis.axis_label = _level_axis_label(level_names)
    plot.yaxis.axis_label = "Dimension"
    plot.xaxis.ticker = list(range(1, max(level_names) + 1))
    plot.legend.location = "bottom_right"
    plot.ygrid.grid_line_color = None
    return plot
