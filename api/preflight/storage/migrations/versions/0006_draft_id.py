"""Drafts: checks.draft_id groups the checks of one composer session.

The extension checks a post again at every pause in typing. Reports count a rule once per draft,
so that a rule overridden once on a post checked three times reads 100 % overridden, not 33 %.
Checks without a draft (the API called directly, checks stored before this revision) count alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checks") as batch:
        batch.add_column(sa.Column("draft_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("draft_id")
