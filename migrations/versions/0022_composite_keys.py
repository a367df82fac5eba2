"""composite keys: account_id joins every key of the distributed tables (blockers 1 and 2)

Citus distributes a table by account_id only if its primary key and unique constraints hold account_id,
and accepts a foreign key between two distributed tables only if it is composite on account_id. So:
- 21 primary keys `id` become (account_id, id), and assessment_round_level's (round_id, dimension_id)
  becomes (account_id, round_id, dimension_id);
- 8 unique constraints gain account_id (last, so their index still serves the lookups it served);
- the 10 foreign keys between distributed tables become (account_id, x_id) -> parent (account_id, id),
  same names, same ON DELETE (CASCADE or NO ACTION).
`id` keeps its sequence. On SQLite (which is not Citus) `id` stays the rowid key and each of the 21
tables gains UNIQUE (account_id, id), the target of the composite foreign keys (see models.db.account_key).

Revision ID: 0022_composite_keys
Revises: 0021_knowledge_citus
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_composite_keys"
down_revision = "0021_knowledge_citus"
branch_labels = None
depends_on = None

# Tables whose primary key `id` becomes (account_id, id); parents before children.
ID_KEYED = (
    "survey_response", "share_link", "playbook_episode", "plan_metric", "assessment_round", "assessment_response",
    "assessment_answer", "contact_request", "csm_task", "detractor_followup", "engagement_event", "health_score",
    "health_warning", "kb_search_log", "kb_view", "kb_vote", "plan_comment", "plan_reading", "playbook_send",
    "share_visit", "survey_invitation",
)
# (table, columns before): each unique constraint gains account_id as its last column.
UNIQUES = (
    ("assessment_answer", ("response_id", "question_id")),
    ("assessment_response", ("round_id", "user_id")),
    ("detractor_followup", ("response_id",)),
    ("kb_vote", ("article_id", "user_id")),
    ("plan_reading", ("metric_id", "day")),
    ("playbook_send", ("episode_id", "user_id")),
    ("share_link", ("token_hash",)),
    ("survey_invitation", ("token_hash",)),
)
# (table, column, parent, ON DELETE): the foreign keys between distributed tables.
FOREIGN_KEYS = (
    ("assessment_answer", "response_id", "assessment_response", "CASCADE"),
    ("assessment_response", "round_id", "assessment_round", "CASCADE"),
    ("assessment_round_level", "round_id", "assessment_round", "CASCADE"),
    ("csm_task", "episode_id", "playbook_episode", None),
    ("detractor_followup", "response_id", "survey_response", "CASCADE"),
    ("plan_comment", "metric_id", "plan_metric", "CASCADE"),
    ("plan_reading", "metric_id", "plan_metric", "CASCADE"),
    ("playbook_send", "episode_id", "playbook_episode", "CASCADE"),
    ("share_visit", "link_id", "share_link", "CASCADE"),
    ("survey_invitation", "response_id", "survey_response", None),
)
ROUND_LEVEL_KEY = (("round_id", "dimension_id"), ("account_id", "round_id", "dimension_id"))


def _uq(table: str, columns) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


def _fk(table: str, column: str, parent: str) -> str:
    return f"fk_{table}_{column}_{parent}"


def _check_data(bind) -> None:
    """Refuse, with the rows to fix, data the new keys cannot hold (nothing is changed then)."""
    problems = []
    for table, column, parent, _action in FOREIGN_KEYS:
        count = bind.execute(sa.text(
            f"SELECT count(*) FROM {table} c JOIN {parent} p ON p.id = c.{column} "
            "WHERE p.account_id <> c.account_id")).scalar()
        if count:
            problems.append(f"{count} rows of {table} belong to another account than their {parent} ({column})")
    if problems:
        raise RuntimeError("0022_composite_keys cannot upgrade: " + "; ".join(problems))


# ---- PostgreSQL: constraints are replaced in place; rows and sequences stay.

def _postgres(up: bool) -> None:
    for table, column, parent, _action in FOREIGN_KEYS:
        op.drop_constraint(_fk(table, column, parent), table, type_="foreignkey")
    for table in ID_KEYED:
        op.drop_constraint(f"pk_{table}", table, type_="primary")
        op.create_primary_key(f"pk_{table}", table, ["account_id", "id"] if up else ["id"])
    old, new = ROUND_LEVEL_KEY if up else ROUND_LEVEL_KEY[::-1]
    op.drop_constraint("pk_assessment_round_level", "assessment_round_level", type_="primary")
    op.create_primary_key("pk_assessment_round_level", "assessment_round_level", list(new))
    for table, columns in UNIQUES:
        before, after = (columns, (*columns, "account_id")) if up else ((*columns, "account_id"), columns)
        op.drop_constraint(_uq(table, before), table, type_="unique")
        op.create_unique_constraint(_uq(table, after), table, list(after))
    for table, column, parent, action in FOREIGN_KEYS:
        local, remote = (["account_id", column], ["account_id", "id"]) if up else ([column], ["id"])
        op.create_foreign_key(_fk(table, column, parent), table, parent, local, remote, ondelete=action)


# ---- SQLite: the keys are part of each table's CREATE statement, so the tables are rebuilt.

def _sqlite_edits(up: bool) -> dict[str, list[tuple[str, str]]]:
    """Per table, the (old, new) fragments of its CREATE statement for this direction."""
    edits: dict[str, list[tuple[str, str]]] = {table: [] for table in (*ID_KEYED, "assessment_round_level")}
    for table in ID_KEYED:
        edits[table].append((f"CONSTRAINT pk_{table} PRIMARY KEY (id)",
                             f"CONSTRAINT pk_{table} PRIMARY KEY (id), \n\t"
                             f"CONSTRAINT uq_{table}_account_id_id UNIQUE (account_id, id)"))
    old, new = ROUND_LEVEL_KEY
    edits["assessment_round_level"].append((f"PRIMARY KEY ({', '.join(old)})", f"PRIMARY KEY ({', '.join(new)})"))
    for table, columns in UNIQUES:
        after = (*columns, "account_id")
        edits[table].append((f"CONSTRAINT {_uq(table, columns)} UNIQUE ({', '.join(columns)})",
                             f"CONSTRAINT {_uq(table, after)} UNIQUE ({', '.join(after)})"))
    for table, column, parent, _action in FOREIGN_KEYS:
        edits[table].append((f"CONSTRAINT {_fk(table, column, parent)} FOREIGN KEY({column}) REFERENCES {parent} (id)",
                             f"CONSTRAINT {_fk(table, column, parent)} FOREIGN KEY(account_id, {column}) "
                             f"REFERENCES {parent} (account_id, id)"))
    if not up:
        edits = {table: [(new, old) for old, new in pairs] for table, pairs in edits.items()}
    return edits


def _sqlite(up: bool) -> None:
    # Dropping a table with foreign keys on (they cannot be switched off inside the migration's
    # transaction) deletes its rows first, and ON DELETE CASCADE would empty its children. So every
    # table is copied aside, the tables are dropped children first (every child of these tables is
    # one of them), created again from their edited CREATE statement parents first, and refilled.
    bind = op.get_bind()
    edits = _sqlite_edits(up)
    order = [*ID_KEYED[:6], "assessment_round_level", *ID_KEYED[6:]]  # parents before their children
    schema = {}
    for table in order:
        sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                           {"t": table}).scalar()
        for old, new in edits[table]:
            if sql.count(old) != 1:
                raise RuntimeError(f"{table}: expected '{old}' once in its schema")
            sql = sql.replace(old, new)
        indexes = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
                                       "AND sql IS NOT NULL"), {"t": table}).scalars().all()
        schema[table] = (sql, indexes)
        bind.exec_driver_sql(f"CREATE TEMP TABLE rebuild_{table} AS SELECT * FROM {table}")
    for table in reversed(order):
        bind.exec_driver_sql(f"DROP TABLE {table}")
    for table in order:
        sql, indexes = schema[table]
        bind.exec_driver_sql(sql)
        bind.exec_driver_sql(f"INSERT INTO {table} SELECT * FROM temp.rebuild_{table}")
        bind.exec_driver_sql(f"DROP TABLE temp.rebuild_{table}")
        for index in indexes:
            bind.exec_driver_sql(index)


def upgrade() -> None:
    """account_id into every primary key and unique constraint of the distributed tables; composite foreign keys."""
    bind = op.get_bind()
    _check_data(bind)
    if bind.dialect.name == "sqlite":
        _sqlite(up=True)
    else:
        _postgres(up=True)


def downgrade() -> None:
    """Back to keys on `id` and single-column foreign keys."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(up=False)
    else:
        _postgres(up=False)
