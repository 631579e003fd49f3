"""An ingest killed with SIGKILL part way, then rerun: complete, no duplicates, files sound."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import instrumentarium_fakelab as fakelab
import pytest
from sqlalchemy import create_engine, text

from instrumentarium import load
from instrumentarium.catalog import Catalog, ingest

N_DATASETS = 10


def _count_runs(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM processing_runs")).scalar() or 0)
    except Exception:  # not created yet
        return 0
    finally:
        engine.dispose()


def _ingest_cmd(folder: Path, url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "instrumentarium", "ingest", str(folder), "--db", url, "--json", *extra]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_then_rerun_finishes_without_duplicates(fake_lab, tmp_path, db_url, workers):
    lab = tmp_path / "slow-lab"
    for i in range(N_DATASETS):
        fakelab.write_fake(lab / f"s{i:02d}.fake", kind="nmr", peaks=f"{1 + i * 0.5:.2f}", sleep_s=0.12,
                           title=f"sample {i}")
    log = tmp_path / "killed.log"
    with open(log, "wb") as out:  # a file, not a pipe: orphaned workers must not block us
        proc = subprocess.Popen(_ingest_cmd(lab, db_url, "--workers", workers), env=fake_lab,
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    try:
        while _count_runs(db_url) < 3:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the ingest made no progress"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    killed_at = _count_runs(db_url)
    assert 3 <= killed_at < N_DATASETS, "the kill should land part way"

    rerun = subprocess.run(_ingest_cmd(lab, db_url, "--workers", workers), env=fake_lab,
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["new"] + summary["unchanged"] == N_DATASETS
    assert summary["unchanged"] >= killed_at
    assert summary["failed"] == 0

    with Catalog(db_url) as cat:
        counts = cat.counts()
        assert counts["datasets"] == counts["measurements"] == counts["processing_runs"] == N_DATASETS
        assert cat.integrity_check() == "ok"
        hits = cat.search()
        assert sorted(h["title"] for h in hits) == [f"sample {i}" for i in range(N_DATASETS)]
        for h in hits:
            m = load(h["nxs_path"])
            assert m.results["analysis"].peaks[0].ppm == pytest.approx(1 + int(h["title"].split()[1]) * 0.5)
        stored = sorted(cat.store.rglob("*.nxs"))
        assert len(stored) == N_DATASETS
        assert not list(cat.store.rglob("*.tmp"))

        assert ingest([lab], catalog=cat).unchanged == N_DATASETS
