"""Workshop versions: change counters the open workshop pages follow (storage.live).

``version`` counts every change to a workshop (the facilitator's screen and the projector follow
it); ``shared_version`` only the changes every participant sees (their phones follow it, so one
person's hidden note in private mode does not redraw thirty phones).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("shared_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("shared_version")
        batch.drop_column("version")
