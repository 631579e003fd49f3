"""The driver protocol: what an acquisition source (real or simulated) implements.

Modelled on the Bluesky device protocols (``describe``, ``stage``/``unstage``) with one verb
for file-producing instruments: ``acquire(emit_event)`` runs the acquisition and calls
``emit_event(data)`` for every event; the runner composes the event-model documents
(start, descriptor, event, stop) around them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

__all__ = ["Driver", "Emit", "EmitEvent", "AbortRequested", "DriverBase"]

Emit = Callable[[str, dict[str, Any]], None]
EmitEvent = Callable[[dict[str, Any]], None]


class AbortRequested(Exception):
    """Raised inside ``acquire`` when ``stop``/``abort`` was asked for."""


@runtime_checkable
class Driver(Protocol):
    """An acquisition driver (entry-point group ``instrumentarium.drivers``)."""

    name: str
    technique: str

    def describe(self) -> dict[str, Any]:
        """Return the event-model ``data_keys`` of the primary stream."""
        ...

    def start_metadata(self) -> dict[str, Any]:
        """Return the start-document metadata (see ``live.template_metadata``)."""
        ...

    def stage(self) -> None:
        """Prepare the instrument (allocate, configure)."""
        ...

    def acquire(self, emit_event: EmitEvent) -> None:
        """Run the acquisition, calling ``emit_event(data)`` for each event's data."""
        ...

    def stop(self) -> None:
        """Ask a running acquisition to finish early, keeping what was measured."""
        ...

    def unstage(self) -> None:
        """Release the instrument."""
        ...


class DriverBase:
    """Shared plumbing: a stop flag checked between events."""

    name = ""
    technique = ""

    def __init__(self) -> None:
        self._stop = threading.Event()

    def stage(self) -> None:
        self._stop.clear()

    def stop(self) -> None:
        self._stop.set()

    abort = stop

    def unstage(self) -> None:
        pass

    def check_stop(self) -> None:
        """Raise AbortRequested when a stop was asked for."""
        if self._stop.is_set():
            raise AbortRequested("stopped on request")

    def check_stop_or_sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (the instrument's pace), returning early to raise on a stop request."""
        if seconds > 0 and self._stop.wait(seconds):
            raise AbortRequested("stopped on request")
        self.check_stop()
