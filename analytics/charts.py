"""Usage charts: plain data in, Bokeh figures out (no database, no Flask)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from bokeh.models import ColumnDataSource, HoverTool, Legend, NumeralTickFormatter
from bokeh.plotting import figure

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#999999")


def _ms(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _base(title: str, y_label: str, x_label: str = "Day (UTC)", height: int = 320, **kw):
    plot = figure(title=title, height=height, sizing_mode="stretch_width", toolbar_location="above",
                  tools="save", **kw)  # hover is added per chart; zoom tools cost ~30 ms a chart to serialise
    plot.xaxis.axis_label = x_label
    plot.yaxis.axis_label = y_label
    plot.y_range.start = 0
    plot.title.text_font_size = "1rem"
    return plot


def active_users_figure(days: list[dict], weeks: list[dict], seats: int, period_label: str):
    """Daily and weekly active users against the licensed seats.

    days: [{"date", "active_users"}]; weeks: [{"week_start", "active_users", "complete"}].
    """
    plot = _base(f"Active users per day and per week, {period_label}", "Active users (people)", x_axis_type="datetime")
    daily = ColumnDataSource({
        "x": [_ms(day["date"]) for day in days],
        "when": [day["date"].strftime("%a %d %b %Y") for day in days],
        "users": [day["active_users"] for day in days],
        "what": ["Daily active users"] * len(days),
    })
    weekly = ColumnDataSource({
        "x": [_ms(week["week_start"]) for week in weeks],
        "when": [f"week of {week['week_start'].strftime('%d %b %Y')}" + ("" if week["complete"] else " (so far)")
                 for week in weeks],
        "users": [week["active_users"] for week in weeks],
        "what": ["Weekly active users"] * len(weeks),
    })
    first = days[0]["date"] if days else date.today()
    last = days[-1]["date"] if days else date.today()
    seat_line = ColumnDataSource({
        "x": [_ms(first), _ms(last)], "when": [first.strftime("%d %b %Y"), last.strftime("%d %b %Y")],
        "users": [seats, seats], "what": ["Licensed seats"] * 2,
    })
    daily_renderer = plot.line("x", "users", source=daily, color=BLUE, line_width=2)
    weekly_renderer = plot.step("x", "users", source=weekly, color=ORANGE, line_width=2.5, mode="after")
    weekly_points = plot.scatter("x", "users", source=weekly, color=ORANGE, size=6, marker="square")
    seat_renderer = plot.line("x", "users", source=seat_line, color=GREY, line_width=2, line_dash="dashed")
    plot.add_layout(Legend(items=[("Daily active users", [daily_renderer]),
                                  ("Weekly active users", [weekly_renderer, weekly_points]),
                                  (f"Licensed seats ({seats})", [seat_renderer])],
                           location="top_left", click_policy="hide"), "below")
    plot.add_tools(HoverTool(renderers=[daily_renderer, weekly_points, seat_renderer],
                             tooltips=[("", "@what"), ("When", "@when"), ("People", "@users")], mode="mouse"))
    return plot


def activity_figure(days: list[dict], period_label: str):
    """Logins and reports run per day."""
    plot = _base(f"Logins and reports run per day, {period_label}", "Count per day (events)", x_axis_type="datetime")
    source = ColumnDataSource({
        "x": [_ms(day["date"]) for day in days],
        "when": [day["date"].strftime("%a %d %b %Y") for day in days],
        "logins": [day["logins"] for day in days],
        "reports": [day["reports_run"] for day in days],
    })
    logins = plot.line("x", "logins", source=source, color=GREEN, line_width=2)
    reports = plot.line("x", "reports", source=source, color=VERMILLION, line_width=2, line_dash="dotdash")
    plot.add_layout(Legend(items=[("Logins", [logins]), ("Reports run", [reports])],
                           location="top_left", click_policy="hide"), "below")
    plot.add_tools(HoverTool(renderers=[logins], tooltips=[("Day", "@when"), ("Logins", "@logins"),
                                                           ("Reports run", "@reports")], mode="vline"))
    return plot


def feature_adoption_figure(features: list[dict], active_users: int, period_label: str):
    """Key features by how many people used them in the period; unused ones show as zero.

    features: [{"name", "users", "events"}]; active_users: distinct active users in the period.
    """
    names = [feature["name"] for feature in reversed(features)]
    users = [feature["users"] for feature in reversed(features)]
    share = [(count / active_users) if active_users else 0.0 for count in users]
    source = ColumnDataSource({
        "name": names, "users": users, "events": [feature["events"] for feature in reversed(features)],
        "share": share, "colour": [BLUE if count else GREY for count in users],
        "status": ["used" if count else "not used yet" for count in users],
    })
    plot = figure(title=f"Key features: people who used each, {period_label}", y_range=names,
                  height=max(220, 60 + 42 * len(names)), sizing_mode="stretch_width",
                  toolbar_location=None, tools="")
    bars = plot.hbar(y="name", right="users", height=0.6, source=source, color="colour")
    plot.x_range.start = 0
    plot.xaxis.axis_label = "People who used the feature (users)"
    plot.yaxis.axis_label = "Key feature"
    plot.title.text_font_size = "1rem"
    plot.add_tools(HoverTool(renderers=[bars], tooltips=[
        ("Feature", "@name"), ("People", "@users"), ("Share of active users", "@share{0%}"),
        ("Uses (events)", "@events"), ("Status", "@status")]))
    plot.xaxis.formatter = NumeralTickFormatter(format="0")
    return plot
