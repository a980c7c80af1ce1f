"""Alembic environment: runs on the connection the app hands over, or on CANVAS_DATABASE_URL."""

from alembic import context
from sqlalchemy import create_engine

from canvas.domain import models, workshop_models  # noqa: F401  (registers the tables on the metadata)
from canvas.storage import database_url, metadata

config = context.config
target_metadata = metadata()


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    run_migrations(connection)
else:
    with create_engine(database_url()).connect() as fresh:
        run_migrations(fresh)
        fresh.commit()
