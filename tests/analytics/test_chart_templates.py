"""The dashboard's usage charts filled into their templates are the charts built from scratch (ids aside)."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from analytics.usage import charts
from portal.charts import FigureTemplate, figure_json
from portal.dashboard import charts_build


def _same_ids(payload: str) -> str:
    """The JSON with Bokeh's model ids renumbered in order of appearance (they differ between builds)."""
    ids: dict[str, str] = {}
    return re.sub(r'"p\d+"', lambda found: ids.setdefault(found.group(0), f'"id{len(ids)}"'), payload)


DAYS = [{"date": date(2026, 3, 1) + timedelta(days=n), "active_users": n % 7, "logins": n, "events": 3 * n,
         "reports_run": n % 3} for n in range(40)]
WEEKS = [{"week_start": date(2026, 2, 23) + timedelta(days=7 * n), "active_users": 10 + n, "complete": n < 5}
         for n in range(6)]
FEATURES = [{"name": "Dashboards", "users": 12, "events": 40}, {"name": "API \u00e0 \"quoted\"", "users": 0, "events": 0},
            {"name": "Exports", "users": 3, "events": 5}]


@pytest.mark.parametrize("seats", [0, 1200])
def test_the_active_users_template_gives_the_built_chart(seats):
    filled = charts_build.active_users_json(DAYS, WEEKS, seats)
    assert _same_ids(filled) == _same_ids(figure_json(charts.active_users_figure(DAYS, WEEKS, seats)))


def test_the_activity_template_gives_the_built_chart():
    filled = charts_build.TEMPLATES["activity"].fill(charts.activity_columns(DAYS))
    assert _same_ids(filled) == _same_ids(figure_json(charts.activity_figure(DAYS)))


@pytest.mark.parametrize("count", [1, 3])
def test_the_feature_template_gives_the_built_chart(count):
    features = FEATURES[:count]
    filled = charts_build.feature_adoption_json(features, 20)
    assert _same_ids(filled) == _same_ids(figure_json(charts.feature_adoption_figure(features, 20)))


def test_a_template_refuses_data_for_other_sources():
    template = FigureTemplate(charts.activity_figure(DAYS[:1]))
    with pytest.raises(ValueError):
        template.fill({"weekly": {"x": []}})


@pytest.mark.parametrize("red_below, green_from", [(40, 70), (35.5, 80.25)])
def test_the_health_template_gives_the_built_chart(red_below, green_from):
    from analytics.health import outcome_charts

    points = [(date(2026, 3, 1) + timedelta(days=n), 40.0 + n) for n in range(30)]
    filled = charts_build.health_history_json(points, red_below, green_from)
    assert f"At risk below {red_below:g}" in filled
    assert _same_ids(filled) == _same_ids(figure_json(outcome_charts.health_history_figure(points, red_below, green_from)))


def test_the_nps_template_gives_the_built_chart_with_gaps():
    from analytics.health import outcome_charts

    months = [{"month": date(2026, m, 1), "nps": None if m == 3 else 12.5 * m - 40, "margin": None if m == 3 else 9.5,
               "responses": 0 if m == 3 else m} for m in range(1, 8)]
    filled = charts_build.TEMPLATES["nps_trend"].fill(outcome_charts.nps_month_columns(months))
    assert _same_ids(filled) == _same_ids(figure_json(outcome_charts.nps_month_figure(months)))


def test_a_month_without_answers_has_no_likely_range_drawn_through_it():
    """Bokeh draws an area on across a blank value, so the 95% range of each month is a shape of its own."""
    from bokeh.models import GlyphRenderer, HArea, Patch, Patches, VArea

    from analytics.health import outcome_charts

    months = [{"month": date(2026, m, 1), "nps": None if m in (2, 3) else 10.0, "margin": None if m in (2, 3) else 20.0,
               "responses": 0 if m in (2, 3) else 5} for m in range(1, 6)]
    figure = outcome_charts.nps_month_figure(months)
    glyphs = [renderer.glyph for renderer in figure.select({"type": GlyphRenderer})]
    assert not [glyph for glyph in glyphs if isinstance(glyph, (VArea, HArea, Patch, Patches))]
    columns = outcome_charts.nps_month_columns(months)["months"]
    assert [low == low for low in columns["low"]] == [True, False, False, True, True]  # NaN: nothing drawn


def test_data_encoded_without_bokeh_equals_bokehs_own_encoding():
    from datetime import datetime, timezone

    from portal.charts import _bokeh_encoded, _encoded

    columns = {"x": [datetime(2026, 1, 5, 6, 30, tzinfo=timezone.utc), datetime(2026, 1, 6)],
               "day": [date(2026, 1, 5), date(2026, 1, 6)], "text": ["a \"b\" \u00e9", ""], "n": [0, 2 ** 40],
               "share": [float("nan"), 0.1], "edge": [float("inf"), float("-inf")], "flag": [True, None]}
    assert json.dumps(_encoded(columns)) == json.dumps(_bokeh_encoded(columns))
    odd = {"odd": (1, 2)}  # not a list: Bokeh encodes it
    assert json.dumps(_encoded(odd)) == json.dumps(_bokeh_encoded(odd))
