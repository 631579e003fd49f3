"""Ingest: datasets found once, idempotent reruns, failures recorded, raw files untouched."""

from __future__ import annotations

import os
from pathlib import Path

import instrumentarium_fakelab as fakelab
import pytest

from instrumentarium import load
from instrumentarium.catalog import Catalog, ingest


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_ingest_catalogues_every_dataset_once_and_rerun_adds_nothing(fake_lab, lab, db_url):
    before = _snapshot(lab)
    with Catalog(db_url) as cat:
        first = ingest([lab], catalog=cat)
        counts = cat.counts()
        second = ingest([lab], catalog=cat)
        assert cat.counts() == counts
    # 5 good datasets (one a vendor folder) and one whose processing fails; junk ignored
    assert (first.new, first.failed, first.unchanged) == (5, 1, 0)
    assert (second.new, second.failed, second.unchanged) == (0, 0, 6)
    assert counts["datasets"] == 6
    assert counts["measurements"] == 6
    assert counts["processing_runs"] == 6
    assert first.by_technique["fakexrd"]["failed"] == 1
    assert first.by_technique["fakenmr"]["new"] == 3
    assert _snapshot(lab) == before, "raw files must never be written"


def test_vendor_folder_is_one_dataset_with_all_its_files(fake_lab, lab, db_url):
    with Catalog(db_url) as cat:
        ingest([lab], catalog=cat)
        hits = cat.search(nucleus="13C")
    assert len(hits) == 1
    src = hits[0]["source"]
    assert src["path"].endswith(os.path.join("carbon", "10"))
    assert sorted(Path(p).name for p in src["paths"]) == ["data.bin", "fake.par", "notes.txt"]
    assert all(len(s) == 64 for s in src["sha256"])


def test_failure_is_recorded_with_its_error_and_ingest_goes_on(fake_lab, lab, db_url):
    with Catalog(db_url) as cat:
        summary = ingest([lab], catalog=cat)
        broken = cat.search(text="broken")
        assert len(broken) == 1
        detail = cat.describe(broken[0]["id"])
    assert [f["stage"] for f in summary.failures] == ["process"]
    assert "told to fail" in summary.failures[0]["error"]
    assert detail["runs"][0]["status"] == "failed"
    assert "ProcessingError" in detail["runs"][0]["error"]
    assert detail["runs"][0]["nxs_path"] is None


def test_unreadable_dataset_is_a_failed_read(fake_lab, tmp_path, db_url):
    root = tmp_path / "lab"
    root.mkdir()
    (root / "bad.fake").write_text("FAKELAB 1\nthis line has no equals sign\n")
    with Catalog(db_url) as cat:
        summary = ingest([root], catalog=cat)
        counts = cat.counts()
    assert summary.failed == 1
    assert summary.failures[0]["stage"] == "read"
    assert "FormatError" in summary.failures[0]["error"]
    assert counts["measurements"] == 0 and counts["processing_runs"] == 1


def test_stored_nxs_files_open_and_keep_the_analysis(fake_lab, lab, db_url):
    with Catalog(db_url) as cat:
        ingest([lab], catalog=cat)
        hits = [h for h in cat.search() if h["status"] == "ok"]
        assert len(hits) == 5
        for h in hits:
            path = Path(h["nxs_path"])
            assert path.is_relative_to(cat.store)
            m = load(path)
            assert m.technique == h["technique"]
            assert "analysis" in m.results
            assert [p.step for p in m.provenance] == ["fakelab.normalise"]


def test_changed_file_is_ingested_again_as_a_new_dataset(fake_lab, lab, db_url):
    with Catalog(db_url) as cat:
        ingest([lab], catalog=cat)
        fakelab.write_fake(lab / "nmr" / "menthol.fake", kind="nmr", nucleus="1H", solvent="DMSO-d6",
                           peaks="3.41, 0.93, 1.10", title="menthol, reshimmed")
        again = ingest([lab], catalog=cat)
        assert (again.new, again.unchanged) == (1, 5)
        assert len(cat.search(text="reshimmed")) == 1


def test_moved_dataset_is_recognised_by_its_content(fake_lab, lab, db_url):
    with Catalog(db_url) as cat:
        ingest([lab], catalog=cat)
        (lab / "nmr" / "aspirin.fake").rename(lab / "nmr" / "aspirin-moved.fake")
        again = ingest([lab], catalog=cat)
        assert (again.new, again.unchanged) == (0, 6)
        [hit] = cat.search(text="aspirin")
        assert hit["source"]["path"].endswith("aspirin-moved.fake")


def test_two_workers_give_the_same_catalog(fake_lab, lab, tmp_path):
    import shutil

    # a byte-identical copy is one dataset, even when both are processed at the same time
    shutil.copy(lab / "nmr" / "aspirin.fake", lab / "nmr" / "aspirin-copy.fake")
    with Catalog(tmp_path / "serial.sqlite") as serial:
        ingest([lab], catalog=serial)
        expected = serial.counts()
    with Catalog(tmp_path / "parallel.sqlite") as par:
        summary = ingest([lab], catalog=par, workers=2)
        assert summary.workers == 2
        assert (summary.new, summary.unchanged, summary.failed) == (5, 1, 1)
        assert par.counts() == expected
        assert expected["datasets"] == 6
        [hit] = par.search(text="aspirin")
        assert len(hit["source"]["paths"]) == 2  # both places are known


def test_stale_temporary_files_in_the_store_are_removed(fake_lab, lab, tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat:
        stale = cat.store / "ab" / ".scan000.nxs.x1y2.tmp"
        stale.parent.mkdir(parents=True)
        stale.write_bytes(b"half")
        ingest([lab], catalog=cat)
    assert not stale.exists()


def test_missing_folder_is_an_error(tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat, pytest.raises(FileNotFoundError, match="no such"):
        ingest([tmp_path / "nope"], catalog=cat)


def test_retry_failed_replaces_the_failed_run(fake_lab, lab, db_url, monkeypatch):
    with Catalog(db_url) as cat:
        ingest([lab], catalog=cat)
        assert ingest([lab], catalog=cat).unchanged == 6  # failures are not retried by default
        # "fix" the technique: the recipe no longer fails
        monkeypatch.setattr(fakelab.FakeLabTechnique, "auto_recipe",
                            lambda self, m: fakelab.Recipe.of("fakelab.normalise", name="auto",
                                                              technique=m.technique))
        again = ingest([lab], catalog=cat, retry_failed=True)
        assert (again.new, again.unchanged, again.failed) == (1, 5, 0)
        counts = cat.counts()
        assert counts["processing_runs"] == 6 and counts["measurements"] == 6
        [broken] = cat.search(text="broken")
        assert broken["status"] == "ok"



def test_touched_but_unchanged_file_is_unchanged_and_not_hashed_again(fake_lab, lab, tmp_path, monkeypatch):
    from instrumentarium.catalog import _ingest

    path = lab / "nmr" / "aspirin.fake"
    with Catalog(tmp_path / "c.sqlite") as cat:
        ingest([lab], catalog=cat)
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
        assert ingest([lab], catalog=cat).unchanged == 6
        hashed = []
        real = _ingest.hash_dataset
        monkeypatch.setattr(_ingest, "hash_dataset", lambda p, f: hashed.append(p) or real(p, f))
        assert ingest([lab], catalog=cat).unchanged == 6
        assert hashed == []
