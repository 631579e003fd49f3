"""Watch a folder that vendor software writes into; take each dataset once it is complete.

A dataset is what a registered reader claims: a folder (a Bruker experiment directory) or
a file (``.xrdml``, ``.raw``, ``.ras``, ...). It is taken only when it is *stable*: its files'
total size and newest modification time have not changed for ``settle_s`` seconds (and,
for a Bruker experiment, its ``acqus`` and ``fid``/``ser`` exist). Each dataset is handled
exactly once per content: the watcher keeps a ledger (JSON lines) of the datasets done,
keyed by path and content fingerprint, so restarting it does not redo them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..catalog import discover
from ..formats import read_all
from ..model import InstrumentariumError, Measurement

__all__ = ["FolderWatcher", "DatasetState", "find_datasets"]

CLAIM = 0.5
_PARTIAL = (".tmp", ".part", ".partial")


def find_datasets(root: Path) -> Iterator[Path]:
    """Yield every dataset under ``root`` (the catalog's discovery: claimed folders are not
    descended into), leaving out files still being copied and our own ``.nxs`` output."""
    depth = len(Path(root).resolve().parts)
    for cand in discover([root], folder_confidence=CLAIM, file_confidence=CLAIM):
        path = Path(cand.path)
        inside_pdata = "pdata" in path.parts[depth:]  # TopSpin's processed data, not a new dataset
        if cand.reader == "nexus" or path.name.endswith(_PARTIAL) or inside_pdata:
            continue
        yield path


@dataclass
class DatasetState:
    """What the watcher last saw of a dataset."""

    signature: tuple[int, float, int]
    since: float


def _signature(path: Path) -> tuple[int, float, int]:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    size = mtime = 0.0
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        size += st.st_size
        mtime = max(mtime, st.st_mtime)
    return int(size), mtime, len(files)


def _bruker_ready(path: Path) -> bool:
    if not (path / "acqus").exists():
        return True
    return (path / "fid").exists() or (path / "ser").exists()


class FolderWatcher:
    """Poll ``folder`` and call ``on_dataset(path, measurements)`` once per complete dataset.

    Parameters
    ----------
    folder
        The folder vendor software writes into (watched recursively).
    on_dataset
        Called in the watcher's thread with the dataset path and what was read from it.
    ledger
        JSON-lines file of the datasets already handled (the CLI keeps it in the home), so a
        restarted watcher does not take them again.
    settle_s
        How long size and modification time must stay unchanged.
    on_error
        Called with ``(path, exception)`` when a stable dataset cannot be read.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        on_dataset: Callable[[Path, list[Measurement]], None],
        *,
        ledger: str | os.PathLike[str],
        settle_s: float = 2.0,
        poll_s: float = 0.5,
        on_error: Callable[[Path, Exception], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise NotADirectoryError(f"{self.folder}: not a folder to watch")
        self.on_dataset = on_dataset
        self.on_error = on_error
        self.settle_s = settle_s
        self.poll_s = poll_s
        self.clock = clock
        self.ledger = Path(ledger)
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        self._done: set[tuple[str, tuple]] = set()
        if self.ledger.exists():
            for line in self.ledger.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                    self._done.add((rec["path"], tuple(rec["signature"])))
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a line cut by a crash
        self._seen: dict[str, DatasetState] = {}
        self._stop = threading.Event()

    def _record(self, path: Path, sig: tuple[int, float, int], status: str) -> None:
        with open(self.ledger, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"path": str(path), "signature": list(sig), "status": status,
                                 "time": time.time()}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._done.add((str(path), tuple(sig)))

    def poll_once(self) -> list[Path]:
        """Look once; handle the datasets that became stable. Returns those handled."""
        now = self.clock()
        handled = []
        for path in find_datasets(self.folder):
            key = str(path)
            sig = _signature(path)
            if (key, sig) in self._done:
                continue
            state = self._seen.get(key)
            if state is None or state.signature != sig:
                self._seen[key] = DatasetState(sig, now)
                continue
            if now - state.since < self.settle_s or (path.is_dir() and not _bruker_ready(path)):
                continue
            try:
                items = read_all(path)
            except (InstrumentariumError, OSError) as exc:
                self._record(path, sig, f"error: {exc}")
                if self.on_error:
                    self.on_error(path, exc)
                continue
            try:
                self.on_dataset(path, items)
            except Exception as exc:  # one bad dataset must not stop the watcher
                self._record(path, sig, f"error: {type(exc).__name__}: {exc}")
                if self.on_error:
                    self.on_error(path, exc)
                continue
            self._record(path, sig, "done")
            handled.append(path)
        return handled

    def run(self, *, until: Callable[[], bool] | None = None) -> None:
        """Poll until :meth:`stop` is called (or ``until()`` is true)."""
        while not self._stop.is_set() and not (until and until()):
            self.poll_once()
            self._stop.wait(self.poll_s)

    def stop(self) -> None:
        """Make :meth:`run` return after the current poll."""
        self._stop.set()
