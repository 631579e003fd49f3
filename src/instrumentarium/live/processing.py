"""Live processing: rebuild and process the measurement as events arrive, publish frames.

:class:`LiveProcessor` is a consumer of the document stream. It keeps the running
measurement (the scans summed so far, or the points measured so far), processes it with
the technique's automatic recipe at most every ``min_interval_s`` (and, unless told not
to, always at the stop document), and hands each result to ``on_result``. :class:`LiveHub`
keeps the latest frame of every run for viewers (the web's WebSocket) and notifies subscribers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Axis, Measurement, from_jsonable
from ..pipeline import process

__all__ = ["LiveProcessor", "LiveFrame", "LiveHub", "frame_of"]


@dataclass(frozen=True)
class LiveFrame:
    """What a viewer draws: one processed state of a running acquisition."""

    run_uid: str
    technique: str
    n_events: int
    expected_events: int | None
    status: str
    x: list[float]
    y: list[float]
    x_name: str
    x_unit: str
    event_time: float
    processed_time: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the WebSocket."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def frame_of(m: Measurement, *, run_uid: str, n_events: int, expected: int | None, status: str,
             event_time: float, max_points: int = 4000) -> LiveFrame:
    """Reduce a processed 1-D measurement to a frame (min/max decimated to ``max_points``)."""
    y = np.real(np.asarray(m.signal, dtype=complex if m.is_complex else float))
    x = m.axes[0].values
    if y.size > max_points:
        n = int(np.ceil(y.size / (max_points // 2)))
        pad = (-y.size) % n
        yy = np.pad(y, (0, pad), mode="edge").reshape(-1, n)
        xx = np.pad(x, (0, pad), mode="edge").reshape(-1, n)
        idx = np.stack([yy.argmin(1), yy.argmax(1)], 1)
        idx.sort(axis=1)
        rows = np.arange(yy.shape[0])[:, None]
        x, y = xx[rows, idx].ravel(), yy[rows, idx].ravel()
    return LiveFrame(
        run_uid=run_uid, technique=m.technique, n_events=n_events, expected_events=expected, status=status,
        x=[float(v) for v in x], y=[float(v) for v in y], x_name=m.axes[0].name, x_unit=m.axes[0].unit,
        event_time=event_time, processed_time=time.time(),
    )


class LiveProcessor:
    """Consumer that processes the running measurement and reports frames.

    Parameters
    ----------
    on_result
        ``f(frame, processed_measurement)``, called after each processing.
    min_interval_s
        Least time between two processings (the one at the stop document always runs).
    recipe
        Recipe for :func:`instrumentarium.process` (default: the automatic one).
    final_pass
        Process at the stop document (default). ``False`` where the caller processes the
        finished run itself, from the data on disk, and publishes that as the last frame
        (the web's live view): the finished run is then processed once, not twice.
    """

    name = "live-processing"

    def __init__(self, on_result: Callable[[LiveFrame, Measurement], Any], *, min_interval_s: float = 0.2,
                 recipe: Any = None, final_pass: bool = True) -> None:
        self.on_result = on_result
        self.final_pass = final_pass
        self.min_interval_s = min_interval_s
        self.recipe = recipe
        self._template: dict[str, Any] | None = None
        self._layout = "single"
        self._expected: int | None = None
        self._uid = ""
        self._acc: np.ndarray | None = None
        self._x: list[np.ndarray] = []
        self._y: list[np.ndarray] = []
        self._n = 0
        self._last = 0.0
        self._last_event_time = 0.0
        self.errors: list[str] = []

    def _current(self) -> Measurement | None:
        t = self._template
        if t is None or self._n == 0:
            return None
        if self._layout == "concatenate":
            x = np.concatenate(self._x)
            axes: tuple[Axis, ...] = (Axis(t["axes"][0]["name"], t["axes"][0]["unit"], x),)
            signal = np.concatenate(self._y)
        else:
            axes = tuple(Axis(a["name"], a["unit"], a["values"]) for a in t["axes"])
            signal = self._acc
        return Measurement(technique=t["technique"], signal=signal, axes=axes, signal_unit=t["signal_unit"],
                           acquisition=t["acquisition"], raw_parameters=t["raw_parameters"], source=t["source"],
                           sample=t["sample"], instrument=t["instrument"])

    def _process(self, status: str) -> None:
        m = self._current()
        if m is None:
            return
        try:
            out = process(m, self.recipe)
        except Exception as exc:  # show the raw data rather than nothing
            self.errors.append(f"{type(exc).__name__}: {exc}")
            out = m
        self._last = time.monotonic()
        frame = frame_of(out, run_uid=self._uid, n_events=self._n, expected=self._expected, status=status,
                         event_time=self._last_event_time)
        self.on_result(frame, out)

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        if name == "start":
            meta = doc.get("instrumentarium", {})
            self._template = from_jsonable(meta.get("template"))
            self._layout = meta.get("layout", "single")
            self._expected = meta.get("expected_events")
            self._uid = doc["uid"]
        elif name == "event":
            data = doc["data"]
            self._n += 1
            self._last_event_time = float(doc.get("time", time.time()))
            if self._layout == "concatenate":
                self._x.append(np.atleast_1d(np.asarray(data["axis"], dtype=float)))
                self._y.append(np.atleast_1d(np.asarray(data["signal"], dtype=float)))
            elif self._layout == "accumulate" and self._acc is not None:
                self._acc = self._acc + np.asarray(data["signal"])
            else:
                self._acc = np.asarray(data["signal"])
            if time.monotonic() - self._last >= self.min_interval_s:
                self._process("running")
        elif name == "stop" and self.final_pass:
            self._process(str(doc.get("exit_status", "success")))


class LiveHub:
    """The latest frame of every run, and the viewers that want them (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frames: dict[str, LiveFrame] = {}
        self._subscribers: list[Callable[[LiveFrame], Any]] = []

    def publish(self, frame: LiveFrame, _measurement: Measurement | None = None) -> None:
        """Store a frame and pass it to every subscriber (a failing one is dropped)."""
        with self._lock:
            self._frames[frame.run_uid] = frame
            subs = list(self._subscribers)
        for s in subs:
            try:
                s(frame)
            except Exception:
                self.unsubscribe(s)

    def subscribe(self, fn: Callable[[LiveFrame], Any]) -> None:
        """Call ``fn(frame)`` for every new frame."""
        with self._lock:
            self._subscribers.append(fn)

    def unsubscribe(self, fn: Callable[[LiveFrame], Any]) -> None:
        """Stop calling ``fn``."""
        with self._lock:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

    def latest(self, run_uid: str | None = None) -> LiveFrame | None:
        """The newest frame of a run (or of any run)."""
        with self._lock:
            if run_uid is not None:
                return self._frames.get(run_uid)
            return max(self._frames.values(), key=lambda f: f.processed_time, default=None)

    def runs(self) -> list[str]:
        """The runs seen so far."""
        with self._lock:
            return list(self._frames)
