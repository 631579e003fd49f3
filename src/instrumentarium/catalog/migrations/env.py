"""Alembic environment: run the catalog migrations on the connection the catalog gives.

Used programmatically by :func:`instrumentarium.catalog.migrate` (no ``alembic.ini``);
``alembic`` on the command line works too with ``-x url=...`` for developers.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from instrumentarium.catalog._models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - developer use
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
