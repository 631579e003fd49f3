"""Engines and sessions: SQLite by default (WAL, one writer), PostgreSQL by URL.

The database URL is, in order: the ``url`` argument (``--db``), the
``INSTRUMENTARIUM_CATALOG_URL`` environment variable, or SQLite at
``instrumentarium.home()/catalog.sqlite``. A bare path is taken as a SQLite file.
Opening a catalog runs the Alembic migrations shipped in the package, so an old catalog
is upgraded in place and a new one is created.

SQLite lessons applied (QCoDeS, Datasette): WAL journal, a busy timeout instead of
"database is locked" failures, foreign keys on, and one writing process; never put the
file on a network share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .._home import home
from ..model import CatalogError

__all__ = ["URL_ENV_VAR", "default_url", "resolve_url", "make_engine", "migrate", "session_scope",
           "is_sqlite"]

URL_ENV_VAR = "INSTRUMENTARIUM_CATALOG_URL"
_MIGRATIONS = Path(__file__).with_name("migrations")


def default_url() -> str:
    """The SQLite catalog in the instrumentarium home."""
    return f"sqlite:///{home() / 'catalog.sqlite'}"


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """Return a SQLAlchemy URL from ``--db``, the environment, or the default.

    ``postgresql://`` is upgraded to ``postgresql+psycopg://`` (psycopg 3); a plain path
    (``lab.sqlite``) means a SQLite file.
    """
    if url is None:
        url = os.environ.get(URL_ENV_VAR) or default_url()
    text = os.fspath(url)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    if text.startswith("postgresql://") or text.startswith("postgres://"):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def is_sqlite(engine: Engine) -> bool:
    """True for a SQLite engine."""
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - exercised via engines
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str | os.PathLike[str] | None = None) -> Engine:
    """Create an engine for ``url`` (see :func:`resolve_url`), with SQLite tuned for WAL."""
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise CatalogError(f"invalid catalog URL {resolved!r}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:  # missing driver, bad options
        raise CatalogError(
            f"cannot use catalog URL {parsed.render_as_string(hide_password=True)}: {exc} "
            "(for PostgreSQL install the extra: pip install 'instrumentarium[postgres]')"
        ) from None


def _alembic_config():
    from alembic.config import Config

    # no URL in the config (a '%' in a password would break its interpolation): the
    # migrations run on the connection handed over in ``attributes``
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the catalog schema to ``revision`` with the package's Alembic migrations."""
    from alembic import command

    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except OperationalError as exc:
        raise CatalogError(
            f"cannot open the catalog at {engine.url.render_as_string(hide_password=True)}: {exc.orig}"
        ) from None


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the catalog is at (None for an empty database)."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed on success, rolled back (and released) on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
