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
    root = tmp_path / "lab"
    fakelab.write_fake(root / "nmr" / "aspirin.fake", kind="nmr", nucleus="1H", solvent="CDCl3",
                       peaks="7.26, 2.35, 11.0", title="aspirin in CDCl3", sample="aspirin")
    fakelab.write_fake(root / "nmr" / "menthol.fake", kind="nmr", nucleus="1H", solvent="DMSO-d6",
                       peaks="3.41, 0.93", title="menthol", day=2)
    fakelab.write_fake_folder(root / "nmr" / "carbon" / "10", kind="nmr", nucleus="13C", solvent="CDCl3",
                              peaks="77.16, 128.3", title="13C of something", day=3)
    fakelab.write_fake(root / "xrd" / "sand.fake", kind="xrd", peaks="26.64, 20.86",
                       phases="quartz:SiO2:1.0", title="beach sand", day=4)
    fakelab.write_fake(root / "xrd" / "mix.fake", kind="xrd", peaks="26.64, 29.41",
                       phases="Quartz low:SiO2:0.6, calcite:CaCO3:0.4", title="quartz calcite mix", day=5)
    fakelab.write_fake(root / "xrd" / "broken.fake", kind="xrd", fail="process", title="broken")
    (root / "junk").mkdir()
    (root / "junk" / "readme.txt").write_text("not data\n")
    (root / "junk" / ".hidden.fake").write_text("FAKELAB 1\nkind = nmr\n")
    return root


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests on SQLite (always) and PostgreSQL (when its URL is in the environment)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'catalog.sqlite'}"
    return _postgres_url(request)
