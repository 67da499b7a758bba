"""Approvals: the approve scope, approval requests and decisions, the crisis team, the webhook delivery log.

checks.approval_required remembers that a check's profile asked for an approval, so that an
editor's override of that check is refused.

An approval request keeps the exact text of the post: approving needs it, and so does binding the
approval to what is published. It is deleted with the audit trail (`preflight audit prune`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite cannot alter a constraint: batch mode copies the table with the new one. The naming convention
    # turns this name into the one 0001 created (ck_api_keys_ck_api_keys_scope) on every database.
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("ck_api_keys_scope", type_="check")
        batch.create_check_constraint("ck_api_keys_scope", "scope IN ('check', 'approve', 'admin')")
    with op.batch_alter_table("crisis") as batch:
        batch.add_column(sa.Column("team", sa.JSON(), nullable=True))
    with op.batch_alter_table("checks") as batch:
        batch.add_column(sa.Column("approval_required", sa.Boolean(), nullable=True))
    op.create_table(
        "approvals",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("platform", sa.String(32), nullable=True),
        sa.Column("profile", sa.String(200), nullable=True),
        sa.Column("context", sa.String(16), nullable=False),
        sa.Column("image_hashes", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approvers_needed", sa.Integer(), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approvals"),
        sa.CheckConstraint("state IN ('pending', 'approved', 'rejected', 'expired')", name="ck_approvals_state"),
    )
    op.create_index("ix_approvals_state", "approvals", ["state"])
    op.create_index("ix_approvals_requested_by", "approvals", ["requested_by"])
    op.create_index("ix_approvals_requested_at", "approvals", ["requested_at"])
    op.create_table(
        "approval_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approval_id", sa.String(40), nullable=False),
        sa.Column("key_name", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approval_decisions"),
        sa.ForeignKeyConstraint(["approval_id"], ["approvals.id"], name="fk_approval_decisions_approval_id_approvals",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("approval_id", "key_name", name="uq_approval_decisions_approver"),
        sa.CheckConstraint("decision IN ('approve', 'reject')", name="ck_approval_decisions_decision"),
    )
    op.create_index("ix_approval_decisions_approval_id", "approval_decisions", ["approval_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("approval_id", sa.String(40), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    op.create_index("ix_webhook_deliveries_approval_id", "webhook_deliveries", ["approval_id"])
    op.create_index("ix_webhook_deliveries_created_at", "webhook_deliveries", ["created_at"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("approval_decisions")
    op.drop_table("approvals")
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("approval_required")
    with op.batch_alter_table("crisis") as batch:
        batch.drop_column("team")
    op.execute("DELETE FROM api_keys WHERE scope = 'approve'")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("ck_api_keys_scope", type_="check")
        batch.create_check_constraint("ck_api_keys_scope", "scope IN ('check', 'admin')")
