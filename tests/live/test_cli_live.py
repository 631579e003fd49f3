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
