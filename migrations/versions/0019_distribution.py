"""distribution: three foreign keys lose ON DELETE SET NULL, as Citus requires (blockers 4 and 5)

account.csm_id -> user closed an acting cycle with user.account_id, so neither table could become a
reference table first; survey_invitation.response_id and csm_task.episode_id would null account_id
too once their keys are composite. All three become NO ACTION; the application clears them itself.

Revision ID: 0019_distribution
Revises: 0018_accountability
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_distribution"
down_revision = "0018_accountability"
branch_labels = None
depends_on = None

# (table, constraint, column, referred table): each was ON DELETE SET NULL before this revision.
_FOREIGN_KEYS = (
    ("account", "fk_account_csm_id_user", "csm_id", "user"),
    ("survey_invitation", "fk_survey_invitation_response_id_survey_response", "response_id", "survey_response"),
    ("csm_task", "fk_csm_task_episode_id_playbook_episode", "episode_id", "playbook_episode"),
)


def _sqlite_set_action(old: str, new: str) -> None:
    # Rebuilding `account` would drop it, and with foreign keys on (they cannot be switched off inside
    # the migration's transaction) SQLite runs every ON DELETE CASCADE of the tables that point at it.
    # A foreign key action is not part of the stored rows, so SQLite's documented procedure for such
    # changes applies: edit the table's CREATE statement in the schema and bump the schema version.
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    for table, _name, column, target in _FOREIGN_KEYS:
        clause = f"FOREIGN KEY({column}) REFERENCES {target} (id)"
        sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                           {"t": table}).scalar()
        if clause + old not in sql:
            raise RuntimeError(f"{table}: expected '{clause}{old}' in its schema")
        bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                     {"sql": sql.replace(clause + old, clause + new), "t": table})
    bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def upgrade() -> None:
    """account.csm_id, survey_invitation.response_id and csm_task.episode_id: SET NULL -> NO ACTION."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_set_action(" ON DELETE SET NULL", "")
        return
    for table, name, column, target in _FOREIGN_KEYS:
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, target, [column], ["id"])


def downgrade() -> None:
    """Back to ON DELETE SET NULL on the three foreign keys."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_set_action("", " ON DELETE SET NULL")
        return
    for table, name, column, target in _FOREIGN_KEYS:
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, target, [column], ["id"], ondelete="SET NULL")
