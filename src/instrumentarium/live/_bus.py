"""Fan documents out to consumers without ever blocking or stopping the acquisition.

Each consumer runs in its own thread behind a bounded queue. When a consumer is slower
than the instrument its queue fills and the oldest pending *events* are dropped (and
counted); start, descriptor and stop documents are never dropped. A consumer that raises
is recorded and disabled; the acquisition goes on. This follows the lesson of Bluesky
(bluesky PR #45: callback exceptions must not kill the scan; ophyd PR #116: plotting in
the acquisition thread slows the scan).
"""

from __future__ import annotations

import collections
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DocumentBus", "ConsumerStats"]

log = logging.getLogger(__name__)
Consumer = Callable[[str, dict[str, Any]], Any]


@dataclass
class ConsumerStats:
    """What happened to one consumer during a run."""

    name: str
    delivered: int = 0
    dropped: int = 0
    failed: bool = False
    error: str | None = None
    errors: list[str] = field(default_factory=list)


class _Worker:
    def __init__(self, name: str, fn: Consumer, maxsize: int) -> None:
        self.fn = fn
        self.stats = ConsumerStats(name)
        self.maxsize = maxsize
        self.queue: collections.deque[tuple[str, dict[str, Any]]] = collections.deque()
        self.cond = threading.Condition()
        self.closed = False
        self.thread = threading.Thread(target=self._loop, name=f"consumer-{name}", daemon=True)
        self.thread.start()

    def put(self, name: str, doc: dict[str, Any]) -> None:
        with self.cond:
            if self.stats.failed:
                return
            if len(self.queue) >= self.maxsize:
                # drop the oldest event (never a start/descriptor/stop document)
                for i, (n, _) in enumerate(self.queue):
                    if n in ("event", "event_page"):
                        del self.queue[i]
                        self.stats.dropped += 1
                        break
            self.queue.append((name, doc))
            self.cond.notify()

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.queue and not self.closed:
                    self.cond.wait()
                if not self.queue and self.closed:
                    return
                name, doc = self.queue.popleft()
            try:
                self.fn(name, doc)
                self.stats.delivered += 1
            except Exception as exc:  # a consumer must never take the acquisition down
                self.stats.failed = True
                self.stats.error = f"{type(exc).__name__}: {exc}"
                self.stats.errors.append(traceback.format_exc())
                log.warning("live consumer %r failed and was disabled: %s", self.stats.name, exc)
                with self.cond:
                    self.queue.clear()

    def close(self, timeout: float) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify()
        self.thread.join(timeout)


class DocumentBus:
    """Deliver ``(name, doc)`` pairs to consumers, each in its own thread.

    Parameters
    ----------
    maxsize
        Pending documents kept per consumer before the oldest events are dropped.
    """

    def __init__(self, *, maxsize: int = 256) -> None:
        self._workers: list[_Worker] = []
        self._maxsize = maxsize

    def subscribe(self, fn: Consumer, *, name: str | None = None) -> ConsumerStats:
        """Add a consumer; returns its live statistics."""
        w = _Worker(name or getattr(fn, "__name__", type(fn).__name__), fn, self._maxsize)
        self._workers.append(w)
        return w.stats

    def emit(self, name: str, doc: dict[str, Any]) -> None:
        """Queue a document for every consumer; returns at once."""
        for w in self._workers:
            w.put(name, doc)

    __call__ = emit

    def close(self, *, timeout: float = 30.0) -> list[ConsumerStats]:
        """Let consumers finish what is queued (up to ``timeout`` each) and stop them."""
        for w in self._workers:
            w.close(timeout)
        return [w.stats for w in self._workers]
