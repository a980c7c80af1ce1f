"""Share links: per canvas, view and edit links (only each token's SHA-256 is stored).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharelink",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("canvas_id", sa.String(length=32), sa.ForeignKey("canvas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_sharelink_canvas_id", "sharelink", ["canvas_id"])


def downgrade() -> None:
    op.drop_index("ix_sharelink_canvas_id", table_name="sharelink")
    op.drop_table("sharelink")
