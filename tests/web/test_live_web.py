"""The live view: an acquisition started over the API streams processed frames to viewers."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra (pip install 'instrumentarium[web]')")

from fastapi.testclient import TestClient

from instrumentarium.web import create_app
from instrumentarium.web._store import FolderStore


def test_two_viewers_see_the_nmr_spectrum_grow_and_the_run_is_catalogued(tmp_path):
    app = create_app(store=FolderStore(tmp_path / "store"))
    with TestClient(app) as client, client.websocket_connect("/api/live/ws") as v1, \
            client.websocket_connect("/api/live/ws") as v2:
        r = client.post("/api/live/runs", json={"driver": "sim-nmr", "scans": 6, "scan_time_s": 0.05, "seed": 1})
        assert r.status_code == 202, r.text
        uid = r.json()["uid"]
        frames = []
        while True:
            f = v1.receive_json()
            assert f["run_uid"] == uid
            frames.append(f)
            if f["status"] != "running":
                break
        assert frames[-1]["status"] == "success" and frames[-1]["n_events"] == 6
        assert frames[-1]["x_name"] == "chemical_shift" and len(frames[-1]["x"]) == len(frames[-1]["y"])
        last2 = v2.receive_json()
        while last2["status"] == "running":
            last2 = v2.receive_json()
        assert last2["n_events"] == 6, "a second viewer gets the same stream"
        app.state.live.join(60)
        (run,) = client.get("/api/live/runs").json()
        assert run["status"] == "success" and run["measurement_id"] is not None
        m = client.get(f"/api/measurements/{run['measurement_id']}")
        assert m.status_code == 200 and m.json()["technique"] == "nmr"
        assert client.get(f"/api/live/runs/{uid}").json()["n_events"] == 6
        page = client.get("/live")
        assert page.status_code == 200 and "live-plot" in page.text


def test_bad_acquisition_requests_are_4xx(tmp_path):
    app = create_app(store=FolderStore(tmp_path / "store"))
    with TestClient(app) as client:
        assert client.post("/api/live/runs", json={"driver": "laser"}).status_code == 422
        assert client.post("/api/live/runs", json={"scans": 100000}).status_code == 422
        assert client.get("/api/live/runs/nope").status_code == 404
        t0 = time.monotonic()
        assert client.get("/api/live/runs").json() == []
        assert time.monotonic() - t0 < 5


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count every processing (``Recipe.run``), those made by the live processor, and its final passes."""
    from instrumentarium.live import LiveProcessor
    from instrumentarium.live import processing as live_processing
    from instrumentarium.pipeline import Recipe

    calls = {"all": 0, "live": 0, "live_final": 0}
    run, live_process, live_pass = Recipe.run, live_processing.process, LiveProcessor._process

    def counting_run(self, m, *args, **kwargs):
        calls["all"] += 1
        return run(self, m, *args, **kwargs)

    def counting_live(*args, **kwargs):
        calls["live"] += 1
        return live_process(*args, **kwargs)

    def counting_pass(self, status):
        before = calls["live"]
        live_pass(self, status)
        if status != "running":
            calls["live_final"] += calls["live"] - before

    monkeypatch.setattr(Recipe, "run", counting_run)
    monkeypatch.setattr(live_processing, "process", counting_live)
    monkeypatch.setattr(LiveProcessor, "_process", counting_pass)
    return calls


@pytest.mark.parametrize(("driver", "kind"), [("sim-nmr", "folder"), ("sim-xrd", "catalog")])
def test_a_finished_live_run_is_processed_once(tmp_path, monkeypatch, driver, kind):
    """The run on disk is processed once: that result is the viewers' last frame and the catalog entry;
    the live processor makes no final pass of its own (it made one, then the web processed again)."""
    import numpy as np

    from instrumentarium import process
    from instrumentarium.live import read_run
    from instrumentarium.live.processing import frame_of
    from instrumentarium.web._live import AcquireRequest, LiveService
    from instrumentarium.web._queries import CatalogStore

    calls = _counting(monkeypatch)
    store = FolderStore(tmp_path / "store") if kind == "folder" else CatalogStore.open(tmp_path / "c.sqlite")
    live = LiveService(store)
    live.start(AcquireRequest(driver=driver, scans=4, scan_time_s=0.02, chunk_time_s=0.0, seed=2))
    live.join(60)
    (run,) = live.runs()
    assert run["status"] == "success" and run["measurement_id"] is not None, run
    assert calls["live_final"] == 0
    assert calls["all"] - calls["live"] == 1  # was 2: the live processor's final pass, then the web's
    stored = store.load(run["measurement_id"])
    frame = live.hub.latest(run["uid"])
    assert (frame.status, frame.n_events) == ("success", run["events"])
    assert frame.y == frame_of(stored, run_uid=run["uid"], n_events=0, expected=None, status="",
                               event_time=0.0).y
    assert frame.event_time > 0.0
    # the same processing as the run read back from disk (the catalog entry is unchanged)
    again = process(read_run(run["folder"]))
    assert [p.step for p in stored.provenance] == [p.step for p in again.provenance]
    assert np.allclose(stored.signal, again.signal)
    if kind == "catalog":
        store.catalog.close()


def test_a_live_run_that_cannot_be_processed_shows_the_raw_data_and_is_recorded(tmp_path, monkeypatch):
    from instrumentarium.model import ProcessingError
    from instrumentarium.web import _live
    from instrumentarium.web._live import AcquireRequest, LiveService

    def failing(m, *args, **kwargs):
        raise ProcessingError("told to fail")

    monkeypatch.setattr(_live, "process", failing)
    store = FolderStore(tmp_path / "store")
    live = LiveService(store)
    live.start(AcquireRequest(driver="sim-xrd", chunk_time_s=0.0, seed=2))
    live.join(60)
    (run,) = live.runs()
    assert run["status"] == "success"
    rec = store.get(run["measurement_id"])
    assert rec["status"] == "failed" and "told to fail" in rec["error"]
    frame = live.hub.latest(run["uid"])
    assert frame.status == "success" and frame.n_events == run["events"] and len(frame.y) > 0
