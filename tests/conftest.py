"""Shared fixtures: where the real data lives, a private instrumentarium home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """``../shared/data`` beside the checkout, or ``$INSTRUMENTARIUM_SHARED_DATA``."""
    env = os.environ.get("INSTRUMENTARIUM_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    for c in candidates:
        if c.is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real vendor files (skips the test, with the reason, when they are absent)."""
    d = shared_data_dir()
    if d is None:
        pytest.skip("real data not found: ../shared/data beside the checkout (or set INSTRUMENTARIUM_SHARED_DATA)")
    return d


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own $INSTRUMENTARIUM_HOME, so nothing touches the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INSTRUMENTARIUM_HOME", str(home))
    return home
