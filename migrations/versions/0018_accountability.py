"""accountability: the append-only audit log, TOTP enrolments and recovery codes

Revision ID: 0018_accountability
Revises: 0017_sso
"""
import sqlalchemy as sa
from alembic import op

# The append-only guard, as models/audit.py builds it for create_all (copied: a migration stays as written).
SQLITE_GUARD_DDL = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
    for verb in ("UPDATE", "DELETE")
)
POSTGRES_GUARD_DDL = (
    "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()",
)
revision = "0018_accountability"
down_revision = "0017_sso"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create audit_entry (with its append-only guard), user_two_factor and user_recovery_code."""
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("account_external_id", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_account_at", "audit_entry", ["account_id", "at"])
    op.create_index("ix_audit_entry_actor_at", "audit_entry", ["actor_id", "at"])
    op.create_index("ix_audit_entry_action_at", "audit_entry", ["action", "at"])
    guard = POSTGRES_GUARD_DDL if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARD_DDL
    for statement in guard:
        op.execute(statement)
    op.create_table(
        "user_two_factor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_two_factor_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_two_factor")),
    )
    op.create_table(
        "user_recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_recovery_code_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_user_recovery_code_code_hash")),
    )
    op.create_index(op.f("ix_user_recovery_code_user_id"), "user_recovery_code", ["user_id"])


def downgrade() -> None:
    """Drop the three tables (the audit log with them)."""
    op.drop_table("user_recovery_code")
    op.drop_table("user_two_factor")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse_change()")
    else:
        op.drop_table("audit_entry")
