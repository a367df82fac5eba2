"""Usage charts: plain data in, Bokeh figures out (no database, no Flask)."""
from __future__ import annotations

from datetime import date

from bokeh.models import ColumnDataSource, HoverTool, Legend, NumeralTickFormatter
from bokeh.plotting import figure

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#999999")


MIN_HEIGHT = 260  # px: below this a chart stops being readable on a phone


_UNIX_EPOCH = date(1970, 1, 1).toordinal()


def _ms(day: date) -> float:
    """A UTC day as milliseconds since 1970, what a Bokeh datetime axis reads (a date would reach it as text).

    The same float Bokeh makes of the day's midnight as a UTC datetime, without a datetime per point.
    """
    return (day.toordinal() - _UNIX_EPOCH) * 86_400_000.0


def finish(plot, legend=None):
    """The house look of every chart: no logo, readable height, the legend below the data, horizontal."""
    plot.toolbar.logo = None
    plot.min_height = MIN_HEIGHT
    plot.title.text_font_size = "1rem"
    if legend is not None:
        legend.orientation = "horizontal"
        legend.click_policy = "hide"
        legend.label_text_font_size = "9pt"
        legend.spacing = 12
        plot.add_layout(legend, "below")
    return plot


def _base(title: str, y_label: str, x_label: str = "Day (UTC)", height: int = 320, **kw):
    plot = figure(title=title, height=height, sizing_mode="stretch_width", toolbar_location="above",
                  tools="save", **kw)  # hover is added per chart; zoom tools cost ~30 ms a chart to serialise
    plot.xaxis.axis_label = x_label
    plot.yaxis.axis_label = y_label
    plot.y_range.start = 0
    return finish(plot)


# Days reach the browser as numbers only; their tooltips write them out there (the "datetime" formatter reads
# them as UTC), so an answer carries no text per day: a year of labels cost more than the rest of the chart.
DAY_TOOLTIP = "@x{%a %d %b %Y}"
DAY_FORMATTERS = {"@x": "datetime"}


def active_users_columns(days: list[dict], weeks: list[dict], seats) -> dict[str, dict]:
    """The data of the active-users chart, by source name (see active_users_figure)."""
    first = days[0]["date"] if days else date.today()
    last = days[-1]["date"] if days else date.today()
    return {
        "daily": {"x": [_ms(day["date"]) for day in days], "users": [day["active_users"] for day in days]},
        "weekly": {"x": [_ms(week["week_start"]) for week in weeks],
                   "when": [f"week of {week['week_start'].strftime('%d %b %Y')}" + ("" if week["complete"] else " (so far)")
                            for week in weeks],
                   "users": [week["active_users"] for week in weeks]},
        "seats": {"x": [_ms(first), _ms(last)], "users": [seats, seats]},
    }


def active_users_figure(days: list[dict], weeks: list[dict], seats):
    """Daily and weekly active users against the licensed seats.

    days: [{"date", "active_users"}]; weeks: [{"week_start", "active_users", "complete"}].
    """
    plot = _base("Active users", "Active users (people)", x_axis_type="datetime")
    columns = active_users_columns(days, weeks, seats)
    daily, weekly, seat_line = (ColumnDataSource(columns[name], name=name) for name in ("daily", "weekly", "seats"))
    daily_renderer = plot.line("x", "users", source=daily, color=BLUE, line_width=2)
    weekly_renderer = plot.step("x", "users", source=weekly, color=ORANGE, line_width=2.5, mode="after")
    weekly_points = plot.scatter("x", "users", source=weekly, color=ORANGE, size=6, marker="square")
    seat_renderer = plot.line("x", "users", source=seat_line, color=GREY, line_width=2, line_dash="dashed")
    finish(plot, Legend(items=[("Per day", [daily_renderer]), ("Per week", [weekly_renderer, weekly_points]),
                               (f"Licensed seats ({seats})", [seat_renderer])]))
    plot.add_tools(
        HoverTool(renderers=[daily_renderer], mode="mouse", formatters=DAY_FORMATTERS,
                  tooltips=[("", "Daily active users"), ("When", DAY_TOOLTIP), ("People", "@users")]),
        HoverTool(renderers=[weekly_points], mode="mouse",
                  tooltips=[("", "Weekly active users"), ("When", "@when"), ("People", "@users")]),
        HoverTool(renderers=[seat_renderer], mode="mouse", formatters=DAY_FORMATTERS,
                  tooltips=[("", "Licensed seats"), ("When", DAY_TOOLTIP), ("People", "@users")]))
    return plot


def activity_columns(days: list[dict]) -> dict[str, dict]:
    """The data of the activity chart, by source name (see activity_figure)."""
    return {"daily": {"x": [_ms(day["date"]) for day in days],
                      "logins": [day["logins"] for day in days],
                      "reports": [day["reports_run"] for day in days]}}


def activity_figure(days: list[dict]):
    """Logins and reports run per day."""
    plot = _base("Logins and reports run", "Count per day (events)", x_axis_type="datetime")
    source = ColumnDataSource(activity_columns(days)["daily"], name="daily")
    logins = plot.line("x", "logins", source=source, color=GREEN, line_width=2)
    reports = plot.line("x", "reports", source=source, color=VERMILLION, line_width=2, line_dash="dotdash")
    finish(plot, Legend(items=[("Logins", [logins]), ("Reports run", [reports])]))
    plot.add_tools(HoverTool(renderers=[logins], tooltips=[("Day", DAY_TOOLTIP), ("Logins", "@logins"),
                                                           ("Reports run", "@reports")],
                             formatters=DAY_FORMATTERS, mode="vline"))
    return plot


def feature_adoption_columns(features: list[dict], active_users: int) -> dict[str, dict]:
    """The data of the key-feature chart, by source name (see feature_adoption_figure)."""
    users = [feature["users"] for feature in reversed(features)]
    return {"bars": {
        "name": [feature["name"] for feature in reversed(features)], "users": users,
        "events": [feature["events"] for feature in reversed(features)],
        "share": [(count / active_users) if active_users else 0.0 for count in users],
        "colour": [BLUE if count else GREY for count in users],
        "status": ["used" if count else "not used yet" for count in users],
    }}


def feature_adoption_height(count: int) -> int:
    """Pixels for `count` bars."""
    return max(220, 60 + 42 * count)


def feature_adoption_figure(features: list[dict], active_users: int):
    """Key features by how many people used them in the period; unused ones show as zero.

    features: [{"name", "users", "events"}]; active_users: distinct active users in the period.
    """
    columns = feature_adoption_columns(features, active_users)
    names = columns["bars"]["name"]
    source = ColumnDataSource(columns["bars"], name="bars")
    plot = figure(title="People per key feature", y_range=names,
                  height=feature_adoption_height(len(names)), sizing_mode="stretch_width",
                  toolbar_location=None, tools="")
    bars = plot.hbar(y="name", right="users", height=0.6, source=source, color="colour")
    plot.x_range.start = 0
    plot.xaxis.axis_label = "People who used the feature (users)"
    plot.yaxis.axis_label = "Key feature"
    plot.yaxis.major_label_text_font_size = "9pt"
    finish(plot)
    plot.add_tools(HoverTool(renderers=[bars], tooltips=[
        ("Feature", "@name"), ("People", "@users"), ("Share of active users", "@share{0%}"),
        ("Uses (events)", "@events"), ("Status", "@status")]))
    plot.xaxis.formatter = NumeralTickFormatter(format="0")
    return plot
