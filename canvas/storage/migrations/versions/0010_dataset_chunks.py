"""Datasets in the database: a dataset's Parquet bytes as chunks (``dataset_chunk``), so every app
server on one database reads them, and ``dataset.store`` saying where each dataset's bytes are
("files": under the data folder, as before; "database": in the chunks).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dataset") as batch:
        batch.add_column(sa.Column("store", sa.String(length=10), nullable=False, server_default="files"))
    op.create_table(
        "datasetchunk",
        sa.Column("dataset_id", sa.String(length=32), sa.ForeignKey("dataset.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("datasetchunk")
    with op.batch_alter_table("dataset") as batch:
        batch.drop_column("store")
