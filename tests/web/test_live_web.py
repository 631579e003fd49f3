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
