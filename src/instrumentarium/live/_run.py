"""Run an acquisition: documents to disk first, then to consumers, never blocked by them."""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from event_model import compose_run

from .._home import home_path
from ..model import Measurement
from ._assemble import assemble
from ._bus import ConsumerStats, DocumentBus
from ._protocol import AbortRequested, Driver
from ._store import RunWriter, read_documents

__all__ = ["RunResult", "run_acquisition", "read_run", "default_run_folder"]


@dataclass
class RunResult:
    """What an acquisition produced."""

    uid: str
    folder: Path
    exit_status: str
    n_events: int
    duration_s: float  # the acquisition itself, not the consumers catching up
    consumers: list[ConsumerStats] = field(default_factory=list)
    measurement: Measurement | None = None
    reason: str = ""


def default_run_folder(driver_name: str) -> Path:
    """``$INSTRUMENTARIUM_HOME/runs/<UTC time>_<driver>``."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S_%f")
    return home_path("runs", f"{stamp}_{driver_name}", create_parent=True)


def read_run(folder: str | os.PathLike[str]) -> Measurement:
    """Read a run folder into a Measurement; an interrupted run is marked incomplete."""
    return assemble(read_documents(folder))


def run_acquisition(
    driver: Driver,
    *,
    folder: str | os.PathLike[str] | None = None,
    consumers: Iterable[Callable[[str, dict[str, Any]], Any]] = (),
    metadata: dict[str, Any] | None = None,
    consumer_timeout_s: float = 30.0,
) -> RunResult:
    """Acquire with ``driver``, writing every document to ``folder`` before any consumer sees it.

    Parameters
    ----------
    driver
        Implements :class:`~instrumentarium.live.Driver`; ``driver.start_metadata()`` gives the
        run's template metadata.
    folder
        Run folder (default: a new one under ``$INSTRUMENTARIUM_HOME/runs``).
    consumers
        Callables ``f(name, doc)``: live processing, catalog, viewers. Each runs in its own
        thread; a slow one loses intermediate events, a failing one is disabled; neither
        slows nor stops the acquisition.
    metadata
        Extra start-document metadata (sample name, operator...).

    Returns
    -------
    RunResult
        Exit status ``success``, ``abort`` (stopped on request or Ctrl-C) or ``fail``,
        and the measurement assembled from what was written to disk.
    """
    run_folder = Path(folder) if folder is not None else default_run_folder(driver.name)
    writer = RunWriter(run_folder)
    bus = DocumentBus()
    for c in consumers:
        bus.subscribe(c, name=getattr(c, "name", None))

    def emit(name: str, doc: dict[str, Any]) -> None:
        writer(name, doc)  # disk first: nothing acquired is ever lost to a consumer
        bus.emit(name, doc)

    start_meta = {**driver.start_metadata(), **(metadata or {})}
    bundle = compose_run(metadata=start_meta)
    t0 = time.perf_counter()
    emit("start", bundle.start_doc)
    desc = bundle.compose_descriptor(name="primary", data_keys=driver.describe())
    emit("descriptor", desc.descriptor_doc)
    n_events = 0

    def emit_event(data: dict[str, Any]) -> None:
        nonlocal n_events
        now = time.time()
        n_events += 1
        emit("event", desc.compose_event(data=data, timestamps={k: now for k in data}, validate=False))

    exit_status, reason = "success", ""
    interrupted: BaseException | None = None  # re-raised only for Ctrl-C
    driver.stage()
    try:
        driver.acquire(emit_event)
    except AbortRequested as exc:
        exit_status, reason = "abort", str(exc)
    except KeyboardInterrupt as exc:
        exit_status, reason, interrupted = "abort", "interrupted (Ctrl-C)", exc
    except Exception as exc:
        exit_status, reason, interrupted = "fail", f"{type(exc).__name__}: {exc}", exc
    finally:
        acquisition_s = time.perf_counter() - t0
        try:
            emit("stop", bundle.compose_stop(exit_status=exit_status, reason=reason))
        finally:
            writer.close()
            driver.unstage()
            consumer_stats = bus.close(timeout=consumer_timeout_s)
    if isinstance(interrupted, KeyboardInterrupt):
        raise interrupted  # after the stop document: the run on disk is closed and readable
    result = RunResult(
        uid=bundle.start_doc["uid"], folder=run_folder, exit_status=exit_status, n_events=n_events,
        duration_s=acquisition_s, consumers=consumer_stats, reason=reason,
    )
    if n_events:
        result.measurement = read_run(run_folder)
    return result
