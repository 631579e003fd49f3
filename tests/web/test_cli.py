"""``instrumentarium demo`` and ``serve`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from instrumentarium.cli import main
from instrumentarium.web._queries import CatalogStore


def test_demo_fills_a_catalog_once(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--no-serve", "--db", str(db)])
    assert first.exit_code == 0, first.output
    ids = json.loads(first.output)["measurements"]
    assert len(ids) == 10
    again = runner.invoke(main, ["demo", "--no-serve", "--db", str(db)])
    assert json.loads(again.output)["measurements"] == ids  # not filled twice
    store = CatalogStore.open(db)
    try:
        assert store.stats()["by_technique"] == {"nmr": 6, "xrd": 4}
    finally:
        store.catalog.close()


def test_serve_refuses_a_bad_catalog_url_with_one_line() -> None:
    result = CliRunner().invoke(main, ["serve", "--db", "nosuchdriver://x/y", "--port", "8765"])
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output


def test_serve_help_says_loopback() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output
