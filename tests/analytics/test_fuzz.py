"""No JSON body sent to POST /api/v1/events yields a 500."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import sign_in  # noqa: F401  (keeps the fixtures module loaded)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
field_values = {
    "id": st.text(max_size=12) | scalars,
    "account": st.sampled_from(["ALPHA", "BETA", "NOPE", ""]) | scalars,
    "user": st.text(max_size=20) | st.emails() | scalars,
    "type": st.sampled_from(["login", "page_view", "feature_used", "report_run", "other"]) | scalars,
    "feature": st.text(max_size=12) | scalars,
    "ts": st.datetimes(timezones=st.timezones() | st.none()).map(lambda d: d.isoformat()) | st.text(max_size=30) | scalars,
}
events = st.fixed_dictionaries({}, optional=field_values) | json_values
bodies = st.fixed_dictionaries({"events": st.lists(events, max_size=5)}) | json_values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies)
def test_no_json_body_yields_a_500(api, world, body):
    response = api(world["admin"]).post("/api/v1/events", json=body)
    assert response.status_code in (200, 400, 413, 415, 422), response.get_data(as_text=True)[:300]
    assert "error" in response.get_json() or response.status_code == 200
