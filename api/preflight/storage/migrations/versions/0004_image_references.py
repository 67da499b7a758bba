"""Reference images: the registry that attached images are matched against.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "image_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("license_expires", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_image_references"),
        sa.UniqueConstraint("sha256", name="uq_image_references_sha256"),
        sa.CheckConstraint("status IN ('restricted', 'licensed')", name="ck_image_references_status"),
        # Ids are never reused: processes tell a new reference from a deleted one by its id.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_image_references_label", "image_references", ["label"])


def downgrade() -> None:
    op.drop_index("ix_image_references_label", table_name="image_references")
    op.drop_table("image_references")
