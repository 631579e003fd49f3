"""Fixtures of the web tests: a demo store, the app and a client on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra (pip install 'instrumentarium[web]')")

from fastapi.testclient import TestClient

from instrumentarium.pipeline import Recipe
from instrumentarium.plugins import register, techniques, unregister
from instrumentarium.web import create_app
from instrumentarium.web._demo import fill_demo
from instrumentarium.web._queries import CatalogStore
from instrumentarium.web._store import FolderStore


@pytest.fixture(scope="session")
def _demo_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo catalog built once per session in each kind of store; tests get copies."""
    root = tmp_path_factory.mktemp("templates")
    fill_demo(FolderStore(root / "folder"))
    cat = CatalogStore.open(root / "catalog" / "catalog.sqlite")
    fill_demo(cat)
    cat.catalog.close()
    return {"folder": root / "folder", "catalog": root / "catalog"}


@pytest.fixture(params=["folder", "catalog"])
def store(request: pytest.FixtureRequest, tmp_path: Path, _demo_templates: dict[str, Path]):
    """The demo catalog (6 NMR, 4 XRD; a failure in the folder store) in each kind of store.

    A copy of a session template: the catalog copy's old runs point at the template's
    ``.nxs`` files (never modified), its new runs go to its own store.
    """
    target = tmp_path / request.param
    shutil.copytree(_demo_templates[request.param], target)
    if request.param == "folder":
        yield FolderStore(target)
        return
    s = CatalogStore.open(target / "catalog.sqlite")
    yield s
    s.catalog.close()


@pytest.fixture
def client(store: FolderStore) -> TestClient:
    """A test client of the app on the demo store."""
    with TestClient(create_app(store=store)) as c:
        yield c


class _PassThroughNMR:
    """An NMR technique whose recipe keeps an already processed measurement as it is."""

    name = "nmr"
    label = "NMR (test)"

    def auto_recipe(self, m):
        return Recipe((), name="auto", technique="nmr")

    vendor_recipe = auto_recipe

    def analyze(self, m, **options):
        return None

    def summary(self, m):
        return {"nucleus": m.acquisition.nucleus, "solvent": m.acquisition.solvent}


@pytest.fixture(scope="module")
def nmr_technique():
    """Where no NMR technique is installed, one that keeps processed data as it is.

    The catalog's ingest processes every upload with its technique's automatic recipe; the
    uploads in these tests are already processed ``.nxs`` files.
    """
    had = "nmr" in techniques()
    if not had:
        register("techniques", "nmr", _PassThroughNMR())
    yield
    if not had:
        unregister("techniques", "nmr")
