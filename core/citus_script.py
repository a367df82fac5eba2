"""The SQL that converts a migrated PostgreSQL database to the Citus plan of models/distribution.py.

Read from the live catalog, so the script names the constraints the database really has. Its order:
1. save and drop every foreign key whose table is not a reference table (Citus would otherwise pull the
   linked tables into the coordinator while `account` is converted, and refuses a key to a table not yet
   converted);
2. reference tables, each after the reference tables its acting foreign keys (CASCADE, SET NULL …) point
   at (a NO ACTION key may point at a table not yet converted);
3. distributed tables, `usage_event` first and the rest co-located with it;
4. local tables, added to the coordinator's metadata;
5. the foreign keys of step 1 added back, under their names and with their definitions;
6. ANALYZE.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models import distribution

QUIET_ACTIONS = ("a", "r")  # pg_constraint codes of NO ACTION and RESTRICT

FOREIGN_KEYS_SQL = """
SELECT c.conname, s.relname, t.relname, pg_get_constraintdef(c.oid), c.confdeltype, c.confupdtype
FROM pg_constraint c
JOIN pg_class s ON s.oid = c.conrelid JOIN pg_namespace n ON n.oid = s.relnamespace
JOIN pg_class t ON t.oid = c.confrelid
WHERE c.contype = 'f' AND n.nspname = current_schema() AND NOT s.relispartition AND c.conparentid = 0
ORDER BY s.relname, c.conname
"""


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key as the catalog states it."""

    name: str
    table: str
    target: str
    definition: str  # pg_get_constraintdef: "FOREIGN KEY (…) REFERENCES …"
    acting: bool  # an ON DELETE / ON UPDATE other than NO ACTION or RESTRICT


def foreign_keys(connection: Connection) -> list[ForeignKey]:
    """Every foreign key of the current schema (on a partitioned table: the parent's only)."""
    return [ForeignKey(name, table, target, definition, not (on_delete in QUIET_ACTIONS and on_update in QUIET_ACTIONS))
            for name, table, target, definition, on_delete, on_update in connection.execute(text(FOREIGN_KEYS_SQL))]


def reference_order(keys: list[ForeignKey]) -> list[str]:
    """The reference tables, each after those its acting foreign keys point at (then after its quiet ones
    where that is possible, then by name)."""
    tables = list(distribution.REFERENCE)
    acting = {t: set() for t in tables}
    quiet = {t: set() for t in tables}
    for key in keys:
        if key.table in acting and key.target in acting and key.table != key.target:
            (acting if key.acting else quiet)[key.table].add(key.target)
    done: list[str] = []
    while len(done) < len(tables):
        ready = [t for t in tables if t not in done and acting[t] <= set(done)]
        if not ready:
            raise ValueError("the acting foreign keys among reference tables form a cycle: no order converts them")
        calm = [t for t in ready if quiet[t] <= set(done)]
        done.append(min(calm or ready))
    return done


def _quoted(table: str) -> str:
    return f'"{table}"' if table == "user" else table


def conversion_script(connection: Connection) -> str:
    """The whole conversion as SQL statements for psql, in the order of this module's docstring."""
    keys = foreign_keys(connection)
    moved = [key for key in keys if distribution.plan_of(key.table) != "reference"]
    first, *others = [distribution.COLOCATE_WITH] + [t for t in distribution.DISTRIBUTED if t != distribution.COLOCATE_WITH]
    lines = ["-- Converts this database to the Citus plan of models/distribution.py (run on a restored copy first).",
             "\\set ON_ERROR_STOP on", "",
             f"-- 1. Foreign keys of distributed and local tables, dropped now and added back in step 5 ({len(moved)})."]
    lines += [f"ALTER TABLE {_quoted(k.table)} DROP CONSTRAINT {k.name};" for k in moved]
    lines += ["", f"-- 2. Reference tables ({len(distribution.REFERENCE)}), referenced ones first."]
    lines += [f"SELECT create_reference_table('{_quoted(t)}');" for t in reference_order(keys)]
    lines += ["", f"-- 3. Distributed tables ({len(distribution.DISTRIBUTED)}) by {distribution.DISTRIBUTION_COLUMN}, "
                  f"co-located with {first} (its monthly partitions go with it)."]
    lines.append(f"SELECT create_distributed_table('{first}', '{distribution.DISTRIBUTION_COLUMN}');")
    lines += [f"SELECT create_distributed_table('{t}', '{distribution.DISTRIBUTION_COLUMN}', colocate_with => '{first}');"
              for t in others]
    lines += ["", f"-- 4. Local tables ({len(distribution.LOCAL)}) on the coordinator."]
    lines += [f"SELECT citus_add_local_table_to_metadata('{t}');" for t in distribution.LOCAL]
    lines += ["", "-- 5. The foreign keys of step 1, back under their names."]
    lines += [f"ALTER TABLE {_quoted(k.table)} ADD CONSTRAINT {k.name} {k.definition};" for k in moved]
    lines += ["", "-- 6. Statistics for the planner.", "ANALYZE;", ""]
    return "\n".join(lines)
