"""Workshops: the workshop (join code, facilitator token hash, agenda), participants, notes, votes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _id(name: str = "id") -> sa.Column:
    return sa.Column(name, sa.String(length=32), primary_key=True)


def _ref(name: str, target: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=32), sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "workshop",
        _id(),
        _ref("canvas_id", "canvas.id"),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("facilitator_token_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("vote_allowance", sa.Integer(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("current_block", sa.String(length=32), nullable=True),
        sa.Column("block_phase", sa.String(length=16), nullable=False),
        sa.Column("block_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("block_seconds", sa.Integer(), nullable=False),
        sa.Column("block_extra_seconds", sa.Integer(), nullable=False),
        sa.Column("vote_state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_workshop_canvas_id", "workshop", ["canvas_id"])
    op.create_index("ix_workshop_code", "workshop", ["code"], unique=True)
    op.create_table(
        "workshopparticipant",
        _id(),
        _ref("workshop_id", "workshop.id"),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workshop_id", "name_key"),
    )
    op.create_index("ix_workshopparticipant_workshop_id", "workshopparticipant", ["workshop_id"])
    op.create_index("ix_workshopparticipant_token_hash", "workshopparticipant", ["token_hash"], unique=True)
    op.create_table(
        "workshopnote",
        _id(),
        _ref("workshop_id", "workshop.id"),
        sa.Column("block", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        _ref("participant_id", "workshopparticipant.id"),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        _ref("merged_into_id", "workshopnote.id", nullable=True),
        sa.Column("promoted_note_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workshopnote_workshop_id", "workshopnote", ["workshop_id"])
    op.create_table(
        "workshopvote",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _ref("workshop_id", "workshop.id"),
        _ref("participant_id", "workshopparticipant.id"),
        _ref("note_id", "workshopnote.id"),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("workshop_id", "participant_id", "note_id"):
        op.create_index(f"ix_workshopvote_{column}", "workshopvote", [column])


def downgrade() -> None:
    op.drop_table("workshopvote")
    op.drop_table("workshopnote")
    op.drop_table("workshopparticipant")
    op.drop_table("workshop")
