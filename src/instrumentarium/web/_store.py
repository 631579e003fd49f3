"""Where the workstation keeps measurements and their processing runs.

The app talks to a :class:`Store`. :class:`FolderStore` keeps every run as a ``.nxs`` file
(``instrumentarium.save``) under ``<root>/m<id>/run<k>.nxs`` with a JSON index of the
searchable fields, so it works with the package alone and is what ``demo`` and the
tests use. A catalog-backed store replaces it when the SQL catalog is available.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..formats import load, save
from ..model import CatalogError, Measurement
from ._summary import index_fields

__all__ = ["Filters", "FolderStore", "NotFound", "Store", "load_cached"]


@functools.lru_cache(maxsize=64)
def _load(path: str, mtime_ns: int, size: int) -> Measurement:
    return load(path)


def load_cached(path: Path) -> Measurement:
    """``instrumentarium.load`` with a small cache: a run's ``.nxs`` is written once, never changed.

    Keyed by path, modification time and size, so a replaced file is read again; the
    Measurement is immutable, so sharing it between requests is safe.
    """
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        raise NotFound(f"the processed file {path} is missing from the store") from None
    return _load(str(path), st.st_mtime_ns, st.st_size)


class NotFound(CatalogError, KeyError):
    """No measurement (or run) with that id."""

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0]) if self.args else "not found"


@dataclass(frozen=True)
class Filters:
    """Catalog search: every given field must match (text fields case-insensitively, by substring)."""

    q: str | None = None
    technique: str | None = None
    nucleus: str | None = None
    solvent: str | None = None
    instrument: str | None = None
    phase: str | None = None
    date_from: _dt.date | None = None
    date_to: _dt.date | None = None
    peak: float | None = None
    peak_tolerance: float = 0.05
    status: str | None = None

    def matches(self, rec: dict[str, Any]) -> bool:
        """True when the index record ``rec`` passes every filter."""
        def has(value: Any, wanted: str | None) -> bool:
            return wanted is None or wanted == "" or (
                value is not None and wanted.lower() in str(value).lower()
            )

        if self.technique and rec.get("technique") != self.technique:
            return False
        if self.status and rec.get("status") != self.status:
            return False
        if self.nucleus and (rec.get("nucleus") or "").lower() != self.nucleus.lower():
            return False
        if not (has(rec.get("solvent"), self.solvent) and has(rec.get("instrument"), self.instrument)):
            return False
        if self.phase and not any(self.phase.lower() in p.lower() for p in rec.get("phases", [])):
            return False
        if self.q and not any(
            has(rec.get(k), self.q) for k in ("title", "sample", "filename", "instrument", "technique")
        ):
            return False
        day = (rec.get("acquired_at") or rec.get("created_at") or "")[:10]
        if self.date_from and (not day or day < self.date_from.isoformat()):
            return False
        if self.date_to and (not day or day > self.date_to.isoformat()):
            return False
        if self.peak is not None and not any(
            abs(p - self.peak) <= self.peak_tolerance for p in rec.get("peaks", [])
        ):
            return False
        return True


class Store(Protocol):
    """What the web app needs from a catalog."""

    def search(
        self, filters: Filters, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[dict[str, Any]], int]: ...

    def get(self, mid: int) -> dict[str, Any]: ...

    def load(self, mid: int, run: int | None = None) -> Measurement: ...

    def run_path(self, mid: int, run: int | None = None) -> Path: ...

    def add(self, m: Measurement, *, recipe: Any = None, filename: str | None = None,
            run_label: str = "auto") -> int: ...

    def add_run(self, mid: int, m: Measurement, *, recipe: Any = None, label: str = "manual") -> int: ...

    def add_failure(self, filename: str, error: str) -> int: ...

    def ingest(
        self, root: Path, *, recipe: str = "auto", display_root: Path | None = None
    ) -> dict[str, Any]: ...

    def stats(self) -> dict[str, Any]: ...


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass
class FolderStore:
    """Measurements as ``.nxs`` runs in a folder, with a JSON index (one writer, thread-safe).

    Parameters
    ----------
    root
        The folder; created if missing. ``index.json`` in it lists every measurement.
    """

    root: Path
    _index: dict[int, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)
    _batch: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "index.json"
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise CatalogError(
                    f"{path}: the index is unreadable ({exc}); move it away to rebuild") from None
            self._index = {int(r["id"]): r for r in data.get("measurements", [])}

    # -- writing ---------------------------------------------------------------------
    def _flush(self) -> None:
        if self._batch:
            return
        fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"format": "instrumentarium.web.folderstore/1",
                       "measurements": list(self._index.values())}, fh)
        os.replace(tmp, self.root / "index.json")

    def batch(self) -> _Batch:
        """Context manager: write the index once at the end of many ``add`` calls."""
        return _Batch(self)

    def _next_id(self) -> int:
        return max(self._index, default=0) + 1

    def add(self, m: Measurement, *, recipe: Any = None, filename: str | None = None,
            run_label: str = "auto") -> int:
        """Catalogue a processed measurement as a new entry with its first run; return its id."""
        with self._lock:
            mid = self._next_id()
            folder = self.root / f"m{mid}"
            folder.mkdir(exist_ok=True)
            save(m, folder / "run1.nxs", recipe=recipe)
            rec = {"id": mid, "status": "ok", "error": None, "created_at": _now(),
                   "filename": filename or (Path(m.source.paths[0]).name if m.source.paths else None),
                   **index_fields(m),
                   "runs": [{"run": 1, "label": run_label, "created_at": _now(),
                             "manual": any(p.manual for p in m.provenance),
                             "steps": [p.step for p in m.provenance]}]}
            self._index[mid] = rec
            self._flush()
            return mid

    def add_run(self, mid: int, m: Measurement, *, recipe: Any = None, label: str = "manual") -> int:
        """Save ``m`` as a new processing run of entry ``mid``; return the run number."""
        with self._lock:
            rec = self.get(mid)
            run = max((r["run"] for r in rec["runs"]), default=0) + 1
            save(m, self.root / f"m{mid}" / f"run{run}.nxs", recipe=recipe)
            rec["runs"].append({"run": run, "label": label, "created_at": _now(),
                                "manual": any(p.manual for p in m.provenance),
                                "steps": [p.step for p in m.provenance]})
            fields = index_fields(m)
            rec.update({k: fields[k] for k in ("phases", "peaks", "warnings")})
            self._flush()
            return run

    def add_failure(self, filename: str, error: str) -> int:
        """Record a file that could not be read or processed (shown on the home page)."""
        with self._lock:
            mid = self._next_id()
            self._index[mid] = {"id": mid, "status": "failed", "error": error, "created_at": _now(),
                                "filename": filename, "technique": None, "title": filename,
                                "phases": [], "peaks": [], "runs": []}
            self._flush()
            return mid

    def ingest(self, root: Path, *, recipe: str = "auto", display_root: Path | None = None) -> dict[str, Any]:
        """Read, process and catalogue everything under ``root`` (an upload)."""
        from ._uploads import ingest_path

        return ingest_path(root, self.add, self.add_failure, recipe=recipe, display_root=display_root)

    # -- reading ---------------------------------------------------------------------
    def search(
        self, filters: Filters, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[dict[str, Any]], int]:
        """Entries matching ``filters``, newest first: one page and the total count."""
        with self._lock:
            hits = [r for r in reversed(self._index.values()) if filters.matches(r)]
        return [dict(r) for r in hits[offset:offset + limit]], len(hits)

    def get(self, mid: int) -> dict[str, Any]:
        """The index record of entry ``mid`` (raises :class:`NotFound`)."""
        try:
            return self._index[int(mid)]
        except KeyError:
            raise NotFound(f"no measurement with id {mid}") from None

    def run_path(self, mid: int, run: int | None = None) -> Path:
        """The ``.nxs`` file of a run (default: the latest)."""
        rec = self.get(mid)
        runs = [r["run"] for r in rec["runs"]]
        if not runs:
            raise NotFound(f"measurement {mid} has no processing run ({rec.get('error') or 'failed'})")
        k = runs[-1] if run is None else int(run)
        if k not in runs:
            raise NotFound(f"measurement {mid} has no run {k}; runs are {runs}")
        return self.root / f"m{mid}" / f"run{k}.nxs"

    def load(self, mid: int, run: int | None = None) -> Measurement:
        """The measurement of a run (default: the latest)."""
        return load_cached(self.run_path(mid, run))

    def stats(self) -> dict[str, Any]:
        """Counts for the home page: by technique, by instrument, failures."""
        with self._lock:
            recs = list(self._index.values())
        by_tech: dict[str, int] = {}
        by_inst: dict[str, int] = {}
        for r in recs:
            if r["status"] == "ok":
                by_tech[r["technique"]] = by_tech.get(r["technique"], 0) + 1
                key = r.get("instrument") or "unknown instrument"
                by_inst[key] = by_inst.get(key, 0) + 1
        return {"total": len(recs), "by_technique": by_tech, "instruments": by_inst,
                "failed": sum(r["status"] == "failed" for r in recs)}

    def ids(self) -> Iterable[int]:
        """Every entry id."""
        return list(self._index)


class _Batch:
    def __init__(self, store: FolderStore) -> None:
        self.store = store

    def __enter__(self) -> FolderStore:
        self.store._lock.acquire()
        self.store._batch += 1
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store._batch -= 1
        try:
            self.store._flush()
        finally:
            self.store._lock.release()
