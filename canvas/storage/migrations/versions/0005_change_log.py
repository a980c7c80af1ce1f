"""The change log: item versions, the note's author, and one ``change`` row per change (no snapshots).

Every note, segment and relationship design gets its own version, so edits of different items no
longer conflict; the ``change`` table replaces the whole-canvas undo snapshots of 0001.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERSIONED = ("note", "segment", "relationship")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, not a batch copy: on SQLite a copy drops and recreates the
    # table, and with foreign keys on, dropping ``segment`` would cascade to the designs.
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("note", sa.Column("author_name", sa.String(length=40), nullable=True))
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("canvas_id", sa.String(length=32), sa.ForeignKey("canvas.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("author_id", sa.String(length=64), nullable=True),
        sa.Column("author_name", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("canvas_id", "seq"),
    )
    op.create_index("ix_change_canvas_id", "change", ["canvas_id"])
    op.create_index("ix_change_item_id", "change", ["item_id"])
    op.create_index("ix_change_author_id", "change", ["author_id"])
    op.drop_index("ix_canvassnapshot_canvas_id", table_name="canvassnapshot")
    op.drop_table("canvassnapshot")


def downgrade() -> None:
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
    op.drop_table("change")
    op.drop_column("note", "author_name")
    for table in VERSIONED:
        op.drop_column(table, "version")
