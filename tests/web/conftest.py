"""Fixtures of the web tests: a demo store, the app and a client on it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra (pip install 'instrumentarium[web]')")

from fastapi.testclient import TestClient

from instrumentarium.web import create_app
from instrumentarium.web._demo import fill_demo
from instrumentarium.web._queries import CatalogStore
from instrumentarium.web._store import FolderStore


@pytest.fixture(params=["folder", "catalog"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """The demo catalog (6 NMR, 4 XRD; a failure in the folder store) in each kind of store."""
    if request.param == "folder":
        s = FolderStore(tmp_path / "store")
    else:
        s = CatalogStore.open(tmp_path / "catalog.sqlite")
    fill_demo(s)
    yield s
    if request.param == "catalog":
        s.catalog.close()


@pytest.fixture
def client(store: FolderStore) -> TestClient:
    """A test client of the app on the demo store."""
    with TestClient(create_app(store=store)) as c:
        yield c
