"""The web's store on the SQL catalog: writing through the catalog's own writer."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra (pip install 'instrumentarium[web]')")

from instrumentarium.web._demo import demo_measurements
from instrumentarium.web._queries import CatalogStore


def test_the_same_measurement_added_again_becomes_a_second_run(tmp_path):
    """Same data, same dataset: one entry with two runs (it was a unique-constraint error)."""
    m = next(demo_measurements())
    store = CatalogStore.open(tmp_path / "catalog.sqlite")
    try:
        first = store.add(m, filename="a.nxs", run_label="demo")
        again = store.add(m, filename="a.nxs", run_label="again")
        rec = store.get(first)
        assert again == first
        assert [r["label"] for r in rec["runs"]] == ["demo", "again"]
        assert store.stats()["total"] == 1
        assert store.load(first, rec["runs"][0]["run"]) == store.load(first)
    finally:
        store.catalog.close()
