"""Write a run's documents to disk as they come, and read a run back (complete or not).

A run folder holds::

    documents.jsonl        every document, one JSON line each, flushed as written
    arrays/NNNNNN_<key>.npy  the array data of event NNNNNN, written atomically (tmp + rename)

Array values in events are replaced in the JSON lines by ``{"@npy": "arrays/..."}``. A run
killed part way keeps every event written before the kill: the last JSON line may be cut
short and is ignored, an array file is either complete or absent. A run without a stop
document is *incomplete*, and the measurement read from it says so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..model import FormatError

__all__ = ["RunWriter", "read_documents", "RunDocuments"]


class RunWriter:
    """Append documents to a run folder; call it as ``writer(name, doc)``.

    Parameters
    ----------
    folder
        Created if needed; must not already hold a run.
    fsync
        Force each line to the disk (slower, survives a power cut, not only a kill).
    """

    def __init__(self, folder: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "arrays").mkdir(exist_ok=True)
        target = self.folder / "documents.jsonl"
        if target.exists() and target.stat().st_size:
            raise FileExistsError(f"{self.folder} already holds a run")
        self._fh = open(target, "a", encoding="utf-8")
        self._fsync = fsync
        self._n_events = 0

    def _array_ref(self, seq: int, key: str, value: np.ndarray) -> dict[str, str]:
        rel = f"arrays/{seq:06d}_{key}.npy"
        tmp = self.folder / (rel + ".tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, value, allow_pickle=False)
        os.replace(tmp, self.folder / rel)
        return {"@npy": rel}

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        if name == "event":
            self._n_events += 1
            seq = int(doc.get("seq_num", self._n_events))
            data = {
                k: self._array_ref(seq, k, v) if isinstance(v, np.ndarray) and v.ndim > 0 else _scalar(v)
                for k, v in doc["data"].items()
            }
            doc = {**doc, "data": data}
        self._fh.write(json.dumps([name, doc], default=_scalar) + "\n")
        self._fh.flush()
        if self._fsync:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the documents file."""
        self._fh.close()


def _scalar(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


class RunDocuments:
    """The documents of one run as read back from its folder."""

    def __init__(self, start: dict[str, Any], descriptors: list[dict[str, Any]],
                 events: list[dict[str, Any]], stop: dict[str, Any] | None, folder: Path) -> None:
        self.start = start
        self.descriptors = descriptors
        self.events = events
        self.stop = stop
        self.folder = folder

    @property
    def complete(self) -> bool:
        """True when the run ended with a stop document saying ``success``."""
        return self.stop is not None and self.stop.get("exit_status") == "success"

    @property
    def exit_status(self) -> str:
        """``success``, ``abort``, ``fail``, or ``interrupted`` when no stop document exists."""
        return "interrupted" if self.stop is None else str(self.stop.get("exit_status"))


def read_documents(folder: str | os.PathLike[str]) -> RunDocuments:
    """Read a run folder's documents, loading event arrays; tolerate a cut-off last line."""
    folder = Path(folder)
    path = folder / "documents.jsonl"
    if not path.is_file():
        raise FormatError("not a run folder: documents.jsonl is missing", path=folder)
    start = None
    descriptors: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    stop = None
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        try:
            name, doc = json.loads(line)
        except (json.JSONDecodeError, ValueError):
            if i == len(lines) - 1:
                break  # the write in progress when the run was killed
            raise FormatError(f"documents.jsonl line {i + 1} is not a document", path=folder) from None
        if name == "start":
            start = doc
        elif name == "descriptor":
            descriptors.append(doc)
        elif name == "event":
            data = {}
            try:
                for k, v in doc["data"].items():
                    data[k] = np.load(folder / v["@npy"], allow_pickle=False) if isinstance(v, dict) else v
            except (OSError, ValueError):
                break  # an event whose array was not written before the kill ends the run
            events.append({**doc, "data": data})
        elif name == "stop":
            stop = doc
    if start is None:
        raise FormatError("run folder has no start document", path=folder)
    return RunDocuments(start, descriptors, events, stop, folder)
