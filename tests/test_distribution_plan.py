"""The live PostgreSQL schema keeps to the Citus distribution plan of models/distribution.py.

The rules are Citus's own (create_distributed_table / create_reference_table refuse otherwise):
- every table is in exactly one list of the plan;
- a distributed table has account_id NOT NULL, in its primary key and in every unique constraint or index;
- a foreign key between two distributed tables is composite: account_id on both sides, same position;
- a foreign key of a distributed table that holds account_id (or must, being between distributed
  tables) has no ON DELETE SET NULL / SET DEFAULT and no ON UPDATE SET NULL / SET DEFAULT / CASCADE;
  a foreign key to a reference table on other columns (e.g. user_id -> user ON DELETE SET NULL) is accepted;
- no trigger (other than PostgreSQL's internal ones) on a distributed or a reference table;
- a reference table references only reference tables; a local table never a distributed one; a
  distributed table only distributed and reference tables;
- between reference tables Citus accepts every action, but while the tables are converted one by one a
  reference table may point at a not yet converted one only with NO ACTION or RESTRICT. Converting
  referenced tables first avoids that, so the rule is: the foreign keys among reference tables that are
  not NO ACTION/RESTRICT (on delete and on update) form no cycle (self-references aside).
Violations that exist today are listed in models.distribution.KNOWN_VIOLATIONS with their blocker.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Connection

import models
from models import distribution
from models.accounts import Account
from models.db import Session, utcnow
from models.surveys import SurveyCampaign, SurveyInvitation, SurveyResponse

QUIET_ACTIONS = ("a", "r")  # pg_constraint codes of NO ACTION and RESTRICT
Violation = tuple[str, str, str]

TABLES_SQL = """
SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND c.relname <> 'alembic_version'
"""
COLUMNS = "array(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY k(attnum, ord) " \
          "JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum ORDER BY k.ord)"
ACCOUNT_ID_SQL = "SELECT attrelid, attnotnull FROM pg_attribute WHERE attname = 'account_id' AND NOT attisdropped"
UNIQUE_SQL = f"SELECT i.indrelid, i.indisprimary, {COLUMNS.format(keys='i.indkey', rel='i.indrelid')} " \
             "FROM pg_index i WHERE i.indisunique"
FOREIGN_KEYS_SQL = (f"SELECT c.conrelid, c.confrelid, {COLUMNS.format(keys='c.conkey', rel='c.conrelid')}, "
                    f"{COLUMNS.format(keys='c.confkey', rel='c.confrelid')}, c.confdeltype, c.confupdtype "
                    "FROM pg_constraint c WHERE c.contype = 'f'")
TRIGGERS_SQL = "SELECT tgrelid, tgname FROM pg_trigger WHERE NOT tgisinternal"


def plan_violations(connection: Connection, plan_of: Callable[[str], str | None] = distribution.plan_of) -> set[Violation]:
    """Every (table, rule, columns) of the live schema that breaks the distribution plan."""
    names = {oid: name for oid, name in connection.execute(text(TABLES_SQL))}
    kind = {name: plan_of(name) for name in names.values()}
    found: set[Violation] = {(name, "classified", "") for name, k in kind.items() if k is None}
    distributed = {name for name, k in kind.items() if k == "distributed"}

    not_null = {names[oid]: flag for oid, flag in connection.execute(text(ACCOUNT_ID_SQL)) if oid in names}
    found |= {(t, "account_id_not_null", "account_id") for t in distributed if not not_null.get(t)}
    primary = {}
    for oid, is_primary, columns in connection.execute(text(UNIQUE_SQL)):
        table = names.get(oid)
        if table in distributed:
            primary[table] = primary.get(table) or is_primary
            if "account_id" not in columns:
                found.add((table, "primary_key" if is_primary else "unique", ",".join(columns)))
    found |= {(t, "primary_key", "") for t in distributed if not primary.get(t)}

    acting_reference_edges: dict[str, set[str]] = {}
    foreign_keys = []
    for source_oid, target_oid, columns, target_columns, on_delete, on_update in connection.execute(text(FOREIGN_KEYS_SQL)):
        source, target = names.get(source_oid), names.get(target_oid)
        if source is None or target is None:
            continue
        foreign_keys.append((source, target, ",".join(columns)))
        subject = ",".join(columns)
        if kind[source] == "distributed":
            if kind[target] not in ("distributed", "reference"):
                found.add((source, "fk_target", subject))
            both_sides = ("account_id" in columns and "account_id" in target_columns
                          and columns.index("account_id") == target_columns.index("account_id"))
            if kind[target] == "distributed" and not both_sides:
                found.add((source, "composite_fk", subject))
            if (kind[target] == "distributed" or "account_id" in columns) and (
                    on_delete in ("n", "d") or on_update in ("n", "d", "c")):
                found.add((source, "fk_action", subject))
        elif kind[source] == "reference":
            if kind[target] != "reference":
                found.add((source, "fk_target", subject))
            elif source != target and not (on_delete in QUIET_ACTIONS and on_update in QUIET_ACTIONS):
                acting_reference_edges.setdefault(source, set()).add(target)
        elif kind[source] == "local" and kind[target] == "distributed":
            found.add((source, "fk_target", subject))
    for source, target, subject in foreign_keys:
        if target in acting_reference_edges.get(source, ()) and _reaches(acting_reference_edges, target, source):
            found.add((source, "reference_fk_cycle", subject))

    for oid, trigger in connection.execute(text(TRIGGERS_SQL)):
        if kind.get(names.get(oid)) in ("distributed", "reference"):
            found.add((names[oid], "trigger", trigger))
    return found


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


def test_every_model_table_is_in_exactly_one_list():
    """The plan names each table of the models once, and nothing else."""
    planned = [*distribution.DISTRIBUTED, *distribution.REFERENCE, *distribution.LOCAL]
    assert len(planned) == len(set(planned))
    assert set(planned) == set(models.Base.metadata.tables)


def test_every_allowed_violation_names_an_open_blocker():
    """The allowlist points only at blockers the plan still calls open."""
    assert set(distribution.KNOWN_VIOLATIONS.values()) <= set(distribution.BLOCKERS)
    assert set(distribution.BLOCKERS) <= set(distribution.KNOWN_VIOLATIONS.values())


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_live_schema_breaks_the_plan_only_where_the_allowlist_says(postgres):
    """New violations fail (a table broke the plan); fixed ones must leave the allowlist."""
    found = plan_violations(postgres)
    allowed = set(distribution.KNOWN_VIOLATIONS)
    assert sorted(found - allowed) == [], "new violations of the distribution plan"
    assert sorted(allowed - found) == [], "fixed: remove them from KNOWN_VIOLATIONS"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_checker_catches_tables_that_break_the_plan(postgres):
    """Tables made to break each rule are caught, each by its rule (created and rolled back)."""
    for statement in (
        # A foreign key to a distributed table on id alone cannot even be made any more (no unique on id):
        # this one holds account_id, but not at the position it has in the referenced key.
        ("CREATE TABLE probe_rows (id serial PRIMARY KEY, account_id integer REFERENCES account (id), "
         "response_id integer, token text UNIQUE, FOREIGN KEY (response_id, account_id) "
         "REFERENCES survey_response (account_id, id) ON DELETE SET NULL)"),
        ("CREATE TRIGGER probe_trigger BEFORE INSERT ON probe_rows FOR EACH ROW "
         "EXECUTE FUNCTION suppress_redundant_updates_trigger()"),
        ("CREATE TABLE probe_shared (id integer PRIMARY KEY, account_id integer, link_id integer, "
         "FOREIGN KEY (account_id, link_id) REFERENCES share_link (account_id, id))"),
        "CREATE TABLE probe_unplanned (id integer PRIMARY KEY)",
        "ALTER TABLE setting ADD COLUMN probe_user_id integer REFERENCES \"user\" (id) ON DELETE CASCADE",
        "ALTER TABLE \"user\" ADD COLUMN probe_setting_key varchar(100) REFERENCES setting (key) ON DELETE SET NULL",
    ):
        postgres.execute(text(statement))
    probes = {"probe_rows": "distributed", "probe_shared": "reference"}

    found = plan_violations(postgres, lambda table: probes.get(table) or distribution.plan_of(table))

    assert found - set(distribution.KNOWN_VIOLATIONS) == {
        ("probe_rows", "account_id_not_null", "account_id"),
        ("probe_rows", "primary_key", "id"),
        ("probe_rows", "unique", "token"),
        ("probe_rows", "composite_fk", "response_id,account_id"),
        ("probe_rows", "fk_action", "response_id,account_id"),
        ("probe_rows", "trigger", "probe_trigger"),
        ("probe_shared", "fk_target", "account_id,link_id"),
        ("probe_unplanned", "classified", ""),
        ("setting", "reference_fk_cycle", "probe_user_id"),
        ("user", "reference_fk_cycle", "probe_setting_key"),
    }


def test_an_account_goes_with_its_answered_invitations(world):
    """survey_invitation.response_id is NO ACTION; both rows still go when their account is deleted."""
    account, person = world["account_a"], world["customer_a"]
    campaign = SurveyCampaign(name="Quarterly", question="How likely are you to recommend us?")
    response = SurveyResponse(account_id=account.id, client_id="inv:1", respondent=person.email, user_id=person.id,
                              score=9)
    Session.add_all([campaign, response])
    Session.flush()
    Session.add(SurveyInvitation(campaign_id=campaign.id, account_id=account.id, user_id=person.id, email=person.email,
                                 token_salt="salt", token_hash="h" * 64, expires_at=utcnow() + timedelta(days=14),
                                 answered_at=utcnow(), response_id=response.id))
    Session.commit()

    Session.execute(delete(Account).where(Account.id == account.id))
    Session.commit()

    assert Session.scalar(select(func.count()).select_from(SurveyInvitation)) == 0
    assert Session.scalar(select(func.count()).select_from(SurveyResponse)) == 0

