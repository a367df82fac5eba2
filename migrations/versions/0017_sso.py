"""Single sign-on: connections, e-mail domains, identities, used one-time sign-in tokens.

Revision ID: 0017_sso
Revises: 0016_brand_mail
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_sso"
down_revision = "0016_brand_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four single sign-on tables."""
    op.create_table(
        "sso_connection",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret", sa.String(length=500), nullable=False),
        sa.Column("idp_metadata_xml", sa.Text(), nullable=False),
        sa.Column("sso_required", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("protocol IN ('oidc', 'saml')", name=op.f("ck_sso_connection_protocol_known")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_sso_connection_account_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_sso_connection")),
    )
    op.create_table(
        "sso_domain",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["sso_connection.account_id"],
                                name=op.f("fk_sso_domain_account_id_sso_connection"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "domain", name=op.f("pk_sso_domain")),
    )
    op.create_index(op.f("ix_sso_domain_domain"), "sso_domain", ["domain"], unique=False)
    op.create_table(
        "sso_identity",
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_sso_identity_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("issuer", "subject", name=op.f("pk_sso_identity")),
    )
    op.create_index(op.f("ix_sso_identity_user_id"), "sso_identity", ["user_id"], unique=False)
    op.create_table(
        "sign_in_token",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("token_id", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('embed', 'saml', 'saml_request')", name=op.f("ck_sign_in_token_kind_known")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_sign_in_token_account_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "kind", "token_id", name=op.f("pk_sign_in_token")),
    )


def downgrade() -> None:
    """Drop the single sign-on tables."""
    op.drop_table("sign_in_token")
    op.drop_index(op.f("ix_sso_identity_user_id"), table_name="sso_identity")
    op.drop_table("sso_identity")
    op.drop_index(op.f("ix_sso_domain_domain"), table_name="sso_domain")
    op.drop_table("sso_domain")
    op.drop_table("sso_connection")
