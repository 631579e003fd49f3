"""URLs, migrations, SQLite settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from instrumentarium.catalog import Catalog, resolve_url
from instrumentarium.catalog._engine import current_revision
from instrumentarium.model import CatalogError


def test_default_catalog_lives_in_the_home(_private_home: Path, monkeypatch):
    monkeypatch.delenv("INSTRUMENTARIUM_CATALOG_URL", raising=False)
    with Catalog() as cat:
        assert Path(cat.engine.url.database) == _private_home / "catalog.sqlite"
        assert cat.store == _private_home / "store"


def test_environment_url_and_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTRUMENTARIUM_CATALOG_URL", str(tmp_path / "env.sqlite"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_uses_wal_and_foreign_keys(tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat, cat.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_create_every_table_and_are_idempotent(db_url):
    with Catalog(db_url) as cat:
        tables = set(inspect(cat.engine).get_table_names())
        assert {"datasets", "raw_files", "instruments", "samples", "measurements", "processing_runs",
                "peaks", "multiplets", "phases", "metrics", "results", "alembic_version"} <= tables
        assert current_revision(cat.engine) == "0001"
    with Catalog(db_url) as again:  # opening an up-to-date catalog changes nothing
        assert current_revision(again.engine) == "0001"
        assert again.counts()["measurements"] == 0


def test_bad_url_is_a_catalog_error():
    with pytest.raises(CatalogError, match="catalog URL"):
        Catalog("nosuchdialect://x/y")
