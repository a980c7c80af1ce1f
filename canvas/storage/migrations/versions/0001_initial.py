"""Canvases, customer segments, sticky notes and the undo history.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canvas",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_canvas_deleted_at", "canvas", ["deleted_at"])
    op.create_table(
        "segment",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("canvas_id", sa.String(), sa.ForeignKey("canvas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("estimated_size", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_segment_canvas_id", "segment", ["canvas_id"])
    op.create_table(
        "note",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("canvas_id", sa.String(), sa.ForeignKey("canvas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("block", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("segment_id", sa.String(), sa.ForeignKey("segment.id", ondelete="SET NULL"), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_note_canvas_id", "note", ["canvas_id"])
    op.create_table(
        "canvassnapshot",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("canvas_id", sa.String(), sa.ForeignKey("canvas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_canvassnapshot_canvas_id", "canvassnapshot", ["canvas_id"])


def downgrade() -> None:
    op.drop_table("canvassnapshot")
    op.drop_table("note")
    op.drop_table("segment")
    op.drop_table("canvas")
