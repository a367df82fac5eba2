"""`db citus-script`: the conversion to Citus, run against stand-ins of Citus's three functions on PostgreSQL.

Citus cannot be installed here, so its functions are replaced, inside a rolled-back transaction, by
PL/pgSQL functions of the same signatures that record each call. The script's own SQL (dropping and
adding back the foreign keys) runs for real on the schema.
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from core.citus_script import ForeignKey, conversion_script, foreign_keys, reference_order
from models import distribution

STAND_INS = """
CREATE TEMP TABLE citus_call (n serial, kind text, tbl text, colocate_with text);
CREATE FUNCTION pg_temp.record_call(kind text, tbl regclass, colocate text) RETURNS void LANGUAGE sql AS
  $$ INSERT INTO citus_call (kind, tbl, colocate_with) VALUES (kind, trim(both '"' from tbl::text), colocate) $$;
CREATE FUNCTION create_reference_table(table_name regclass) RETURNS void LANGUAGE sql AS
  $$ SELECT pg_temp.record_call('reference', table_name, NULL) $$;
CREATE FUNCTION create_distributed_table(table_name regclass, distribution_column text,
                                         colocate_with text DEFAULT 'default') RETURNS void LANGUAGE sql AS
  $$ SELECT pg_temp.record_call('distributed:' || distribution_column, table_name, colocate_with) $$;
CREATE FUNCTION citus_add_local_table_to_metadata(table_name regclass) RETURNS void LANGUAGE sql AS
  $$ SELECT pg_temp.record_call('local', table_name, NULL) $$;
"""


def _statements(script: str) -> list[str]:
    body = "\n".join(line for line in script.splitlines() if line and not line.startswith(("--", "\\")))
    return [statement.strip() for statement in body.split(";\n") if statement.strip().rstrip(";")]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_script_converts_every_table_once_in_an_order_citus_accepts(postgres):
    """Every table of the plan is converted once by its kind; a reference table after those its acting keys
    point at; usage_event first and the other distributed tables co-located with it; every foreign key is
    dropped before the first conversion and back, unchanged, after the last."""
    keys_before = foreign_keys(postgres)
    for statement in STAND_INS.split(";\n"):
        if statement.strip():
            postgres.execute(text(statement))
    script = conversion_script(postgres)
    statements = _statements(script)
    first_conversion = next(i for i, s in enumerate(statements) if s.startswith("SELECT"))
    assert all(s.startswith("ALTER TABLE") and "DROP CONSTRAINT" in s for s in statements[:first_conversion])

    for statement in statements:
        if statement == "ANALYZE":
            continue
        postgres.execute(text(statement))
        if statement == statements[first_conversion]:
            left = {(k.table, k.name) for k in foreign_keys(postgres)}
            assert all(distribution.plan_of(table) == "reference" for table, _ in left)

    calls = postgres.execute(text("SELECT kind, tbl, colocate_with FROM citus_call ORDER BY n")).all()
    assert sorted(t for kind, t, _ in calls if kind == "reference") == sorted(distribution.REFERENCE)
    assert sorted(t for kind, t, _ in calls if kind == "local") == sorted(distribution.LOCAL)
    distributed = [(t, colocate) for kind, t, colocate in calls if kind.startswith("distributed")]
    assert {kind for kind, _, _ in calls if kind.startswith("distributed")} == {"distributed:account_id"}
    assert distributed[0] == ("usage_event", "default")
    assert sorted(t for t, _ in distributed) == sorted(distribution.DISTRIBUTED)
    assert {colocate for _, colocate in distributed[1:]} == {"usage_event"}
    converted = [t for kind, t, _ in calls if kind == "reference"]
    for key in keys_before:
        if key.acting and key.table != key.target and distribution.plan_of(key.table) == "reference":
            assert converted.index(key.target) < converted.index(key.table), key.name
    assert sorted(foreign_keys(postgres), key=repr) == sorted(keys_before, key=repr)


def test_acting_keys_in_a_cycle_have_no_order():
    """Two reference tables that cascade into each other cannot be converted one after the other."""
    first, second = distribution.REFERENCE[:2]
    cycle = [ForeignKey("a", first, second, "", True), ForeignKey("b", second, first, "", True)]
    with pytest.raises(ValueError, match="cycle"):
        reference_order(cycle)
    quiet = [ForeignKey("a", first, second, "", True), ForeignKey("b", second, first, "", False)]
    order = reference_order(quiet)
    assert order.index(second) < order.index(first)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_command_prints_the_script(app, tmp_path):
    """`db citus-script` prints it, or writes it with --output."""
    result = app.test_cli_runner().invoke(args=["db", "citus-script"])
    assert result.exit_code == 0, result.output
    assert "SELECT create_reference_table('account');" in result.output
    assert "SELECT create_distributed_table('usage_event', 'account_id');" in result.output
    target = tmp_path / "citus.sql"
    result = app.test_cli_runner().invoke(args=["db", "citus-script", "--output", str(target)])
    assert result.exit_code == 0 and "ANALYZE;" in target.read_text()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_command_refuses_sqlite(app):
    """On SQLite it says why, on one line, and exits 1."""
    result = app.test_cli_runner().invoke(args=["db", "citus-script"])
    assert result.exit_code == 1
    assert "needs a PostgreSQL database" in result.output
