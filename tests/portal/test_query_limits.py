"""Query-string values beyond what the database or the calendar can hold: the page answers, never a 500."""
from __future__ import annotations

import pytest

from core.validation import MAX_ROW_ID, row_id
from tests.conftest import sign_in

HUGE = "99999999999999999999"  # past a 64-bit integer


def test_row_id_takes_whole_numbers_the_database_can_compare():
    """1..2**63-1 pass; anything else raises ValueError, so request.args.get falls back to its default."""
    assert row_id("7") == 7 and row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    for text in ("0", "-3", "x", "1.5", str(MAX_ROW_ID + 1), HUGE):
        with pytest.raises(ValueError):
            row_id(text)


@pytest.mark.parametrize("path", [
    f"/csm/?csm={HUGE}",
    f"/csm/charts/distribution.json?csm={HUGE}",
    f"/csm/exports/portfolio.csv?csm={HUGE}",
    f"/csm/exports/warnings.csv?csm={HUGE}",
    f"/playbooks/cohorts?csm={HUGE}",
    f"/admin/accounts?page={HUGE}",
    f"/admin/users?page={HUGE}",
    f"/admin/accounts?page={MAX_ROW_ID}",
    "/surveys/?start=9999-12-31&end=9999-12-31",
    "/surveys/?start=0001-01-01&end=0001-01-01",
    "/accounts/ALPHA/nps/trend.json?start=9999-12-31&end=9999-12-31",
])
def test_out_of_range_query_values_answer_without_a_server_error(client, world, path):
    """An admin's odd but well-formed query values get the page (defaults applied), not a 500."""
    sign_in(client, world["admin"])
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/audit/?end=9999-12-31", "/audit/export.csv?end=9999-12-31"])
def test_audit_filters_refuse_a_date_at_the_end_of_the_calendar_with_a_sentence(client, world, path):
    """The audit filters answer 400 with their usual sentence, as for any unreadable date."""
    sign_in(client, world["admin"])
    response = client.get(path)
    assert response.status_code == 400 and "must be a date like 2026-01-31" in response.get_data(as_text=True)
