"""Remembered segment links: the founder's confirmed links, suggested again on the next upload.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rememberedlink",
        sa.Column("canvas_id", sa.String(length=32), sa.ForeignKey("canvas.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("value_key", sa.String(length=255), primary_key=True),
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rememberedlink")
