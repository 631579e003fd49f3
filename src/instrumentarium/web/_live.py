"""Live view: start a (simulated) acquisition from the browser and watch it being processed.

``POST /api/live/runs`` starts an acquisition in a background thread of the server; its
documents go to disk first (``instrumentarium.live.run_acquisition``), then to a live
processor whose frames reach every connected viewer over the WebSocket
``/api/live/ws``. A slow viewer only misses intermediate frames (its queue keeps the newest);
it never slows the acquisition. When the run ends, the run as written to disk is processed
once (automatic recipe): that result is both the viewers' last frame and what goes into
the catalog (the live processor makes no final pass of its own). ``GET /live`` is the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from ..live import LiveFrame, LiveHub, LiveProcessor, RunResult, default_run_folder, run_acquisition
from ..live.processing import frame_of
from ..model import InstrumentariumError
from ..pipeline import process
from ..plugins import drivers

__all__ = ["LiveService", "make_live_router", "AcquireRequest"]

_VIEWER_QUEUE = 8


class AcquireRequest(BaseModel):
    """What to acquire: a driver and a few of its options (bounded, so a request stays cheap)."""

    driver: Literal["sim-nmr", "sim-xrd"] = "sim-nmr"
    scans: int = Field(16, ge=1, le=256, description="sim-nmr: number of scans")
    scan_time_s: float = Field(0.25, ge=0.0, le=5.0, description="sim-nmr: seconds per scan")
    chunk_time_s: float = Field(0.05, ge=0.0, le=2.0, description="sim-xrd: seconds per 100 steps")
    seed: int | None = Field(None, ge=0, le=2**31)


class LiveService:
    """The server's acquisitions, their latest frames and the viewers (thread-safe)."""

    def __init__(self, store: Any, max_running: int = 2) -> None:
        self.hub = LiveHub()
        self.store = store
        self.max_running = max_running
        self._lock = threading.Lock()
        self._runs: dict[str, dict[str, Any]] = {}
        self._threads: list[threading.Thread] = []

    def start(self, req: AcquireRequest) -> dict[str, Any]:
        """Start an acquisition in a background thread; returns its description."""
        with self._lock:
            running = sum(1 for r in self._runs.values() if r["status"] == "running")
            if running >= self.max_running:
                raise HTTPException(429, f"{running} acquisitions are running; wait for one to finish")
        cls = drivers()[req.driver]
        cls = cls if isinstance(cls, type) else type(cls)
        if req.driver == "sim-nmr":
            driver = cls(n_scans=req.scans, scan_time_s=req.scan_time_s, seed=req.seed)
        else:
            driver = cls(chunk_time_s=req.chunk_time_s, seed=req.seed)
        folder = default_run_folder(driver.name)
        started = threading.Event()
        state: dict[str, Any] = {"event_time": 0.0, "final": False}
        info: dict[str, Any] = {"driver": req.driver, "folder": str(folder), "status": "running",
                                "measurement_id": None, "uid": None}

        def on_frame(frame: LiveFrame, _m: Any) -> None:
            if state["final"]:  # a live frame running late never replaces the finished run's
                return
            if info["uid"] is None:
                info["uid"] = frame.run_uid
            self.hub.publish(frame)

        def follow(name: str, doc: dict[str, Any]) -> None:
            if name == "start":
                info["uid"] = doc["uid"]
                with self._lock:
                    self._runs[doc["uid"]] = info
                started.set()
            elif name == "event":  # the last frame's latency is counted from the last event
                state["event_time"] = float(doc.get("time", 0.0))

        def work() -> None:
            try:
                live = LiveProcessor(on_frame, min_interval_s=0.1, final_pass=False)
                result = run_acquisition(driver, folder=folder, consumers=[follow, live])
                info["status"] = result.exit_status
                info["events"] = result.n_events
                state["final"] = True
                if result.measurement is not None:
                    info["measurement_id"] = self._finish(result, Path(folder).name, state["event_time"])
            except Exception as exc:  # reported on the run, never kills the server
                info["status"] = "fail"
                info["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                started.set()

        t = threading.Thread(target=work, name=f"acquire-{req.driver}", daemon=True)
        t.start()
        self._threads.append(t)
        started.wait(10)
        return dict(info)

    def _finish(self, result: RunResult, filename: str, event_time: float) -> int:
        """Process the finished run once: its last frame for the viewers, then its catalog entry."""
        raw = result.measurement
        try:
            processed, error = process(raw), None
        except Exception as exc:  # the viewers get the raw data rather than nothing
            processed, error = raw, exc
        expected = raw.raw_parameters.get("live", {}).get("expected_events")
        self.hub.publish(frame_of(processed, run_uid=result.uid, n_events=result.n_events, expected=expected,
                                  status=result.exit_status, event_time=event_time))
        if error is None:
            return self.store.add(processed, filename=filename)
        if isinstance(error, InstrumentariumError):
            return self.store.add_failure(filename, str(error))
        raise error

    def runs(self) -> list[dict[str, Any]]:
        """Every run started by this server, newest first."""
        with self._lock:
            items = list(self._runs.values())
        out = []
        for r in reversed(items):
            frame = self.hub.latest(r["uid"]) if r["uid"] else None
            out.append({**r, "n_events": frame.n_events if frame else 0,
                        "expected_events": frame.expected_events if frame else None})
        return out

    def join(self, timeout: float = 30.0) -> None:
        """Wait for the acquisitions started so far (tests, shutdown)."""
        for t in list(self._threads):
            t.join(timeout)


def make_live_router(templates: Jinja2Templates) -> APIRouter:
    """The live page, its JSON API and the WebSocket."""
    router = APIRouter()

    def service(request: Request) -> LiveService:
        return request.app.state.live

    @router.get("/live", response_class=HTMLResponse, include_in_schema=False)
    def live_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "live.html", {"runs": service(request).runs()})

    @router.post("/api/live/runs", tags=["live"], status_code=202)
    def start_run(request: Request, body: AcquireRequest) -> dict[str, Any]:
        """Start a simulated acquisition; watch it on ``/live`` or the WebSocket ``/api/live/ws``."""
        return service(request).start(body)

    @router.get("/api/live/runs", tags=["live"])
    def list_runs(request: Request) -> list[dict[str, Any]]:
        """Acquisitions started by this server, with their progress and catalog id once ingested."""
        return service(request).runs()

    @router.get("/api/live/runs/{uid}", tags=["live"])
    def latest_frame(request: Request, uid: str) -> dict[str, Any]:
        """The newest processed frame of a run."""
        frame = service(request).hub.latest(uid)
        if frame is None:
            raise HTTPException(404, f"no live run {uid!r} on this server")
        return frame.to_dict()

    @router.websocket("/api/live/ws")
    async def live_ws(ws: WebSocket) -> None:
        await ws.accept()
        live: LiveService = ws.app.state.live
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_VIEWER_QUEUE)
        wanted = ws.query_params.get("run")

        def push(item: dict[str, Any]) -> None:
            if queue.full():  # a slow viewer skips intermediate frames, keeps the newest
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(item)

        def on_frame(frame: LiveFrame) -> None:
            if wanted is None or frame.run_uid == wanted:
                loop.call_soon_threadsafe(push, frame.to_dict())

        latest = live.hub.latest(wanted)
        if latest is not None:
            push(latest.to_dict())
        live.hub.subscribe(on_frame)
        try:
            while True:
                await ws.send_json(await queue.get())
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            live.hub.unsubscribe(on_frame)

    return router
