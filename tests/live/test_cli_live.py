import json
import os
import signal
import subprocess
import sys
import time

import instrumentarium as ins
from instrumentarium.live import read_documents, read_run


def test_killing_an_acquisition_keeps_what_was_acquired(tmp_path):
    folder = tmp_path / "run"
    env = {**os.environ, "INSTRUMENTARIUM_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "instrumentarium", "acquire", "--driver", "sim-nmr", "--scans", "400",
         "--scan-time", "0.05", "--points", "2048", "--folder", str(folder)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            arrays = folder / "arrays"
            if arrays.is_dir() and len([p for p in arrays.iterdir() if p.suffix == ".npy"]) >= 5:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the acquisition never wrote 5 events")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    docs = read_documents(folder)
    assert docs.stop is None and docs.exit_status == "interrupted"
    m = read_run(folder)
    assert m.raw_parameters["live"]["complete"] is False
    assert 5 <= m.raw_parameters["live"]["n_events"] < 400
    assert m.signal.shape == (2048,) and m.warnings[0].startswith("incomplete acquisition (interrupted)")


def test_acquire_cli_writes_the_run_and_a_processed_file(tmp_path):
    env = {**os.environ, "INSTRUMENTARIUM_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-m", "instrumentarium", "acquire", "--driver", "sim-xrd", "--chunk-time", "0",
         "--json"], env=env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["exit_status"] == "success" and summary["events"] == 41
    m = ins.load(summary["processed"])
    assert m.technique == "xrd" and m.signal.size == 4001
    assert summary["folder"].startswith(str(tmp_path / "home" / "runs"))
    listed = subprocess.run([sys.executable, "-m", "instrumentarium", "search", "--technique", "xrd", "--json"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert [row["id"] for row in json.loads(listed.stdout)] == [summary["catalog_id"]]


def test_acquire_processes_the_finished_run_once(tmp_path, monkeypatch):
    """The finished run is processed once: the catalog's ingest makes the stored .nxs and
    processed.nxs is that file; only the live frames are processed besides."""
    from click.testing import CliRunner

    from instrumentarium.cli import main
    from instrumentarium.live import processing as live_processing
    from instrumentarium.pipeline import Recipe

    monkeypatch.setenv("INSTRUMENTARIUM_HOME", str(tmp_path / "home"))
    calls = {"all": 0, "live": 0}
    run, live_process = Recipe.run, live_processing.process

    def counting_run(self, m, *args, **kwargs):
        calls["all"] += 1
        return run(self, m, *args, **kwargs)

    def counting_live(*args, **kwargs):
        calls["live"] += 1
        return live_process(*args, **kwargs)

    monkeypatch.setattr(Recipe, "run", counting_run)
    monkeypatch.setattr(live_processing, "process", counting_live)
    res = CliRunner().invoke(main, ["acquire", "--driver", "sim-xrd", "--chunk-time", "0", "--seed", "3", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert calls["live"] >= 1
    assert calls["all"] - calls["live"] == 1  # was 2: once for processed.nxs, again in the ingest
    processed = ins.load(summary["processed"])
    with ins.catalog.Catalog() as cat:
        stored = cat.nxs_path(summary["catalog_id"])
    assert processed == ins.load(stored)
    assert [p.step for p in processed.provenance][:1] == ["xrd.background"]
    assert "analysis" in processed.results  # the ingest's analysis comes with it
    # the run folder the catalog hashed is unchanged: ingesting it again does nothing
    again = CliRunner().invoke(main, ["ingest", summary["folder"], "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["unchanged"] == 1


def test_acquire_without_catalog_processes_once(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from instrumentarium.cli import main

    monkeypatch.setenv("INSTRUMENTARIUM_HOME", str(tmp_path / "home"))
    out = tmp_path / "result.nxs"
    res = CliRunner().invoke(main, ["acquire", "--driver", "sim-xrd", "--chunk-time", "0", "--no-catalog",
                                    "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["catalog_id"] is None and summary["processed"] == str(out)
    assert not out.is_symlink() and ins.load(out).technique == "xrd"


def test_acquire_makes_no_live_pass_at_the_stop_document(tmp_path, monkeypatch):
    """The finished run is processed by the ingest; the live processor only shows running frames."""
    from click.testing import CliRunner

    from instrumentarium.cli import main
    from instrumentarium.live.processing import LiveProcessor

    monkeypatch.setenv("INSTRUMENTARIUM_HOME", str(tmp_path / "home"))
    statuses: list[str] = []
    real = LiveProcessor._process

    def spy(self, status, *args, **kwargs):
        statuses.append(status)
        return real(self, status, *args, **kwargs)

    monkeypatch.setattr(LiveProcessor, "_process", spy)
    res = CliRunner().invoke(main, ["acquire", "--driver", "sim-nmr", "--scans", "4", "--scan-time", "0",
                                    "--seed", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert statuses and set(statuses) == {"running"}
    assert json.loads(res.stdout)["exit_status"] == "success"
