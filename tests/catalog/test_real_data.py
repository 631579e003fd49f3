"""The issue's acceptance test on the real shared data, with whatever readers are installed."""

from __future__ import annotations

import pytest

from instrumentarium.catalog import Catalog, discover, ingest


@pytest.mark.slow
def test_ingest_shared_data_lists_every_dataset_once_and_rerun_adds_nothing(shared_data, tmp_path):
    roots = [p for p in (shared_data / "nmr", shared_data / "xrd" / "measured") if p.is_dir()]
    found = list(discover(roots))
    if not found:
        pytest.skip("no installed reader claims any file under ../shared/data yet (nmr, xrd/measured)")
    with Catalog(tmp_path / "real.sqlite") as cat:
        first = ingest(roots, catalog=cat, workers=2)
        assert first.total == len(found)
        counts = cat.counts()
        # byte-identical copies of a dataset are one dataset (counted unchanged the first time)
        assert counts["datasets"] == len(found) - first.unchanged
        second = ingest(roots, catalog=cat)
        assert (second.new, second.failed, second.unchanged) == (0, 0, len(found))
        assert cat.counts() == counts
        assert cat.integrity_check() == "ok"
        paths = [h["source"]["path"] for h in cat.search()]
        assert len(paths) == counts["measurements"]

