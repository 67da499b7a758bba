"""Keyed text hashes: checks.text_sha256 holds HMAC-SHA256 with a per-deployment secret.

A plain SHA-256 of a post let anyone holding the database confirm a guessed draft. From this
revision the column holds HMAC-SHA256 of the text under a secret kept in `deployment_secrets`
(or given as PREFLIGHT_HASH_SECRET). The plain hashes of earlier checks are removed: they are
the leak, and a keyed hash cannot be computed for them without their text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deployment_secrets",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_deployment_secrets"),
    )
    with op.batch_alter_table("checks") as batch:
        batch.alter_column("text_sha256", existing_type=sa.String(64), nullable=True)
    op.execute("UPDATE checks SET text_sha256 = NULL")


def downgrade() -> None:
    op.execute("UPDATE checks SET text_sha256 = '' WHERE text_sha256 IS NULL")
    with op.batch_alter_table("checks") as batch:
        batch.alter_column("text_sha256", existing_type=sa.String(64), nullable=False)
    op.drop_table("deployment_secrets")
