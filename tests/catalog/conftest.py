"""Catalog fixtures: the fake lab plugin, synthetic lab folders, SQLite and PostgreSQL URLs."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import instrumentarium_fakelab as fakelab  # noqa: E402

from instrumentarium import plugins  # noqa: E402

PG_ENV = "INSTRUMENTARIUM_TEST_POSTGRES_URL"


def _plugin_dir(root: Path) -> Path:
    """A folder with a throw-away distribution declaring the fake lab as entry points."""
    info = root / "instrumentarium_fakelab-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: instrumentarium-fakelab\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(fakelab.ENTRY_POINTS)
    return root


@pytest.fixture
def fake_lab(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Register the fake reader and techniques here, and as entry points for child processes.

    Returns the environment a subprocess needs (``PYTHONPATH``) to find them.
    """
    reader = fakelab.FakeLabReader()
    technique = fakelab.FakeLabTechnique()
    plugins.register("readers", "fakelab", reader)
    plugins.register("techniques", "fakenmr", technique)
    plugins.register("techniques", "fakexrd", technique)
    pdir = _plugin_dir(tmp_path_factory.mktemp("plugins"))
    monkeypatch.syspath_prepend(str(pdir))  # spawned workers inherit sys.path
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(pdir), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    yield env
    plugins.unregister("readers", "fakelab")
    plugins.unregister("techniques", "fakenmr")
    plugins.unregister("techniques", "fakexrd")


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A small lab archive: NMR files and a vendor folder, XRD files, junk, a failing file."""
    return fakelab.make_lab(tmp_path / "lab")


def _postgres_url(request: pytest.FixtureRequest) -> str:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    from sqlalchemy import create_engine, text

    schema = f"catalog_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    request.addfinalizer(drop)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests on SQLite (always) and PostgreSQL (when its URL is in the environment)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'catalog.sqlite'}"
    return _postgres_url(request)


@pytest.fixture(params=BACKENDS)
def two_db_urls(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """Two empty catalogs on the same backend (two files, or two PostgreSQL schemas)."""
    if request.param == "sqlite":
        return tuple(f"sqlite:///{tmp_path / name / 'catalog.sqlite'}" for name in ("db1", "db2"))
    return _postgres_url(request), _postgres_url(request)


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """:func:`db_url` shared by a module's read-only tests (one ingest, many queries).

    Module fixtures are set up before the per-test private home, so this one sets its own
    ``$INSTRUMENTARIUM_HOME`` (where a PostgreSQL catalog keeps its store).
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INSTRUMENTARIUM_HOME", str(tmp_path_factory.mktemp("home")))
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'catalog.sqlite'}"
        else:
            yield _postgres_url(request)


@pytest.fixture(scope="module")
def registered_fake_lab():
    """The fake reader and techniques registered in this process for a whole module."""
    technique = fakelab.FakeLabTechnique()
    plugins.register("readers", "fakelab", fakelab.FakeLabReader())
    plugins.register("techniques", "fakenmr", technique)
    plugins.register("techniques", "fakexrd", technique)
    yield
    for kind, name in (("readers", "fakelab"), ("techniques", "fakenmr"), ("techniques", "fakexrd")):
        plugins.unregister(kind, name)
