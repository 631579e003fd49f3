"""The :class:`Catalog`: an engine, its migrations, its store, and the queries on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from .._home import home
from ..model import CatalogError
from ._engine import is_sqlite, make_engine, migrate, resolve_url, session_scope
from ._models import Base, MeasurementRow, ProcessingRun
from ._search import Query, describe, failures, search

__all__ = ["Catalog", "open_catalog"]


class Catalog:
    """A catalog database and its store of processed ``.nxs`` files.

    Parameters
    ----------
    url
        SQLAlchemy URL or SQLite path; default ``$INSTRUMENTARIUM_CATALOG_URL`` or
        ``home()/catalog.sqlite``. ``postgresql+psycopg://user@host/db`` for a facility.
    store
        Folder of the processed ``.nxs`` files; default ``store/`` beside a SQLite file,
        ``home()/store`` otherwise.

    Opening runs the schema migrations. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *,
                 store: str | os.PathLike[str] | None = None) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if store is not None:
            self.store = Path(store).expanduser().resolve()
        elif is_sqlite(self.engine) and self.engine.url.database not in (None, "", ":memory:"):
            self.store = Path(self.engine.url.database).resolve().parent / "store"
        else:
            self.store = home() / "store"

    # -- plumbing --------------------------------------------------------------------
    def session(self) -> Any:
        """A transaction (context manager): committed on success, rolled back on error."""
        return session_scope(self._sessions)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries (rolled back and closed afterwards)."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Catalog {self.engine.url.render_as_string(hide_password=True)}>"

    # -- queries ---------------------------------------------------------------------
    def search(self, query: Query | None = None, **criteria: Any) -> list[dict[str, Any]]:
        """Measurements matching ``query`` (or keyword criteria of :class:`Query`)."""
        if query is None:
            query = Query(**criteria)
        elif criteria:
            raise TypeError("give a Query or keyword criteria, not both")
        with self.reading() as s:
            return search(s, query)

    def failures(self) -> list[dict[str, Any]]:
        """Every failed ingest with its path, stage and error (``search --failed``)."""
        with self.reading() as s:
            return failures(s)

    def describe(self, measurement_id: int) -> dict[str, Any]:
        """Everything known about one measurement (see ``instrumentarium show``)."""
        with self.reading() as s:
            return describe(s, measurement_id)

    def nxs_path(self, measurement_id: int) -> Path:
        """The stored processed ``.nxs`` of a measurement (its latest successful run)."""
        with self.reading() as s:
            if s.get(MeasurementRow, measurement_id) is None:
                raise CatalogError(f"no measurement with id {measurement_id} in the catalog")
            path = s.scalars(
                select(ProcessingRun.nxs_path)
                .where(ProcessingRun.measurement_id == measurement_id, ProcessingRun.nxs_path.is_not(None))
                .order_by(ProcessingRun.id.desc())
            ).first()
        if path is None:
            raise CatalogError(f"measurement {measurement_id} has no processed file: its processing failed "
                               f"(see `instrumentarium show {measurement_id}`)")
        return Path(path)

    def counts(self) -> dict[str, int]:
        """Row count of every catalog table."""
        with self.reading() as s:
            return {name: s.scalar(select(func.count()).select_from(table)) or 0
                    for name, table in Base.metadata.tables.items()}

    def integrity_check(self) -> str:
        """``"ok"`` when the database file is sound (SQLite ``PRAGMA integrity_check``)."""
        if not is_sqlite(self.engine):
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        with self.engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        return "ok" if rows == ["ok"] else "; ".join(map(str, rows))


def open_catalog(url: str | os.PathLike[str] | None = None, **kwargs: Any) -> Catalog:
    """Open (creating or upgrading) the catalog at ``url``."""
    return Catalog(url, **kwargs)
