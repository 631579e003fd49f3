"""Fixtures of the web tests: a demo store, the app and a client on it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra (pip install 'instrumentarium[web]')")

from fastapi.testclient import TestClient

from instrumentarium.web import create_app
from instrumentarium.web._demo import fill_demo
from instrumentarium.web._store import FolderStore


@pytest.fixture
def store(tmp_path: Path) -> FolderStore:
    """A folder store holding the demo catalog (6 NMR, 4 XRD, 1 failure)."""
    s = FolderStore(tmp_path / "store")
    fill_demo(s)
    return s


@pytest.fixture
def client(store: FolderStore) -> TestClient:
    """A test client of the app on the demo store."""
    with TestClient(create_app(store=store)) as c:
        yield c
