"""The dashboard's usage charts filled into their templates are the charts built from scratch (ids aside)."""
from __future__ import annotations

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
