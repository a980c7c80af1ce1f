"""Snapshots: named points of a canvas's history (the canvas version they name, who, when).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("canvas_id", sa.String(length=32), sa.ForeignKey("canvas.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=True),
        sa.Column("author_name", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("canvas_id", "name"),
    )
    op.create_index("ix_snapshot_canvas_id", "snapshot", ["canvas_id"])


def downgrade() -> None:
    op.drop_index("ix_snapshot_canvas_id", table_name="snapshot")
    op.drop_table("snapshot")
