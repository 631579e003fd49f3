"""The work on one dataset, run in a worker process: read, process, analyse, store.

Workers never touch the database (one writer, see :mod:`._ingest`): they write the
``.nxs`` into the store atomically (temporary file + rename, by
:func:`instrumentarium.save`) and return small picklable summaries that the writer turns
into rows. The ``.nxs`` path is a function of (dataset sha256, scan, recipe key), so a
rerun after a crash overwrites the same file instead of leaving a second one.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from ..formats import read_all, save
from ..model import Measurement, to_jsonable, to_plain
from ..pipeline import resolve_recipe
from ..plugins import techniques
from ._discover import RawFileInfo
from ._extract import instrument_fields, measurement_row, result_rows, sample_fields

__all__ = ["IngestTask", "ScanOutcome", "DatasetOutcome", "ingest_key", "processed_outcome", "run_task",
           "store_path"]


def ingest_key(recipe_request: str = "auto") -> str:
    """The recipe version of an ingest: sha256 of the recipe asked for and the package version."""
    canon = json.dumps({"recipe": recipe_request, "version": __version__}, sort_keys=True)
    return hashlib.sha256(canon.encode()).hexdigest()


def store_path(store: Path, dataset_sha256: str, scan_index: int, recipe_key: str) -> Path:
    """Where the processed ``.nxs`` of one scan lives in the store."""
    return store / dataset_sha256[:2] / dataset_sha256 / f"scan{scan_index:03d}-{recipe_key[:16]}.nxs"


@dataclass(frozen=True)
class IngestTask:
    """One dataset to ingest (picklable: it crosses to a worker process)."""

    path: str
    is_folder: bool
    reader: str
    technique: str
    sha256: str
    files: tuple[RawFileInfo, ...]
    store: str
    recipe_request: str = "auto"
    analyze: bool = True


@dataclass
class ScanOutcome:
    """What happened to one scan: rows to write, or the error."""

    scan_index: int
    status: str  # "ok", "failed", "analysis_failed"
    stage: str | None = None
    error: str | None = None
    measurement: dict[str, Any] | None = None
    instrument: dict[str, Any] | None = None
    sample: dict[str, Any] | None = None
    recipe: dict[str, Any] | None = None
    recipe_key: str | None = None
    provenance: list[Any] = field(default_factory=list)
    nxs_path: str | None = None
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra_files: list[RawFileInfo] = field(default_factory=list)
    duration_s: float | None = 0.0  # None: processed elsewhere, time unknown


@dataclass
class DatasetOutcome:
    """Everything the writer needs for one dataset."""

    task: IngestTask
    scans: list[ScanOutcome]
    work_s: float = 0.0  # read + process + analyse + store, in the worker


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    from ..model import InstrumentariumError

    if not isinstance(exc, InstrumentariumError | OSError):
        # an unexpected exception is a bug somewhere: keep where it happened
        tb = traceback.extract_tb(exc.__traceback__)
        if tb:
            last = tb[-1]
            text += f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    return text


def _analyze(m: Measurement) -> tuple[Measurement, str | None]:
    plugin = techniques().get(m.technique)
    if plugin is None or not hasattr(plugin, "analyze"):
        return m, None
    try:
        result = plugin.analyze(m)
    except NotImplementedError:
        return m, None
    if result is None:
        return m, None
    if isinstance(result, Measurement):
        return result, None
    try:
        to_jsonable(result)
    except TypeError as exc:
        return m, f"analysis result cannot be stored ({exc})"
    return m.with_results(analysis=result), None


def _extra_files(m: Measurement, task: IngestTask) -> list[RawFileInfo]:
    """Files the reader used that lie outside the discovered dataset (companion files)."""
    known = {f.path for f in task.files}
    out = []
    for path, digest in zip(m.source.paths, m.source.sha256):
        if path in known:
            continue
        try:
            st = Path(path).stat()
        except OSError:
            continue
        out.append(RawFileInfo(path, st.st_size, st.st_mtime_ns, digest))
    return out


def _one_scan(task: IngestTask, index: int, raw: Measurement) -> ScanOutcome:
    t0 = time.perf_counter()
    out = ScanOutcome(scan_index=index, status="ok")
    out.measurement = measurement_row(raw)
    out.instrument = instrument_fields(raw)
    out.sample = sample_fields(raw)
    out.extra_files = _extra_files(raw, task)
    try:
        recipe = resolve_recipe(raw, task.recipe_request)
        out.recipe = recipe.to_dict()
        out.recipe_key = recipe.fingerprint
        processed = recipe.run(raw)
    except Exception as exc:
        out.status, out.stage, out.error = "failed", "process", _error_text(exc)
        out.duration_s = time.perf_counter() - t0
        return out
    if task.analyze:
        try:
            processed, note = _analyze(processed)
            if note:
                out.status, out.stage, out.error = "analysis_failed", "analyze", note
        except Exception as exc:
            out.status, out.stage, out.error = "analysis_failed", "analyze", _error_text(exc)
    # the processed measurement's warnings include the reader's
    out.measurement["warnings"] = list(processed.warnings)
    out.provenance = to_plain(processed.provenance)
    out.results = result_rows(processed.results)
    target = store_path(Path(task.store), task.sha256, index, out.recipe_key or "none")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        save(processed, target, recipe=recipe)
        out.nxs_path = str(target)
    except Exception as exc:
        if "analysis" not in processed.results:
            out.status, out.stage, out.error = "failed", "store", _error_text(exc)
        else:  # keep the processed data even if its analysis cannot be written
            try:
                results = {k: v for k, v in processed.results.items() if k != "analysis"}
                save(processed.replace(results=results), target, recipe=recipe)
                out.nxs_path = str(target)
                out.status, out.stage = "analysis_failed", "store"
                out.error = f"the analysis could not be stored in the .nxs: {_error_text(exc)}"
            except Exception as exc2:
                out.status, out.stage, out.error = "failed", "store", _error_text(exc2)
    out.duration_s = time.perf_counter() - t0
    return out


def processed_outcome(m: Measurement, *, recipe: Any = None, nxs_path: str | None = None,
                      scan_index: int = 0) -> ScanOutcome:
    """The outcome of a measurement processed elsewhere (the web: a correction, a live run).

    ``m`` is both the raw and the processed measurement here: its own columns, instrument,
    sample, provenance and results become the rows; ``recipe`` (a :class:`~instrumentarium.pipeline.Recipe`)
    is recorded with its fingerprint when given. The duration is unknown (None).
    """
    return ScanOutcome(
        scan_index=scan_index, status="ok", measurement=measurement_row(m), instrument=instrument_fields(m),
        sample=sample_fields(m), recipe=recipe.to_dict() if recipe is not None else None,
        recipe_key=getattr(recipe, "fingerprint", None), provenance=to_plain(m.provenance), nxs_path=nxs_path,
        results=result_rows(m.results), duration_s=None,
    )


def run_task(task: IngestTask) -> DatasetOutcome:
    """Read, process, analyse and store one dataset; never raises for a bad dataset."""
    t0 = time.perf_counter()
    try:
        scans = read_all(task.path, reader=task.reader)
    except Exception as exc:
        failed = ScanOutcome(scan_index=0, status="failed", stage="read", error=_error_text(exc),
                             duration_s=time.perf_counter() - t0)
        return DatasetOutcome(task, [failed], time.perf_counter() - t0)
    outcomes = [_one_scan(task, i, m) for i, m in enumerate(scans)]
    return DatasetOutcome(task, outcomes, time.perf_counter() - t0)
