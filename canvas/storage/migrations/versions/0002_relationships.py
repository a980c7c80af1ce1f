"""Customer Relationships: one design per segment, and dismissed coach findings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relationship",
        sa.Column("segment_id", sa.String(length=32), sa.ForeignKey("segment.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("canvas_id", sa.String(), sa.ForeignKey("canvas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("primary_type", sa.String(length=40), nullable=True),
        sa.Column("focus_acquisition", sa.Integer(), nullable=False),
        sa.Column("focus_retention", sa.Integer(), nullable=False),
        sa.Column("focus_upselling", sa.Integer(), nullable=False),
        sa.Column("cost_per_customer_month", sa.Float(), nullable=False),
        sa.Column("cost_fixed_month", sa.Float(), nullable=False),
        sa.Column("channel_note_ids", sa.JSON(), nullable=False),
        sa.Column("lifecycle", sa.JSON(), nullable=False),
        sa.Column("competitors", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
    )
    op.create_index("ix_relationship_canvas_id", "relationship", ["canvas_id"])
    op.create_table(
        "dismissedfinding",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("canvas_id", sa.String(), sa.ForeignKey("canvas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dismissedfinding_canvas_id", "dismissedfinding", ["canvas_id"])


def downgrade() -> None:
    op.drop_table("dismissedfinding")
    op.drop_table("relationship")
