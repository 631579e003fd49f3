"""The single writer: one dataset's outcome becomes rows in one transaction.

Order of durability: the worker has already written the ``.nxs`` (atomically); the rows
that point at it are inserted here in one transaction, so a crash leaves either all the
rows of a dataset or none, and a rerun finishes the job. Unique constraints
(dataset sha256; dataset + scan; dataset + scan + ingest key) make duplicates impossible
even if two ingests were started by mistake.

The web store writes through the same functions (:func:`write_measurement`,
:func:`write_run`) when it catalogues a processed measurement or a manual correction, so
a run has the same rows whichever front end made it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .._version import __version__
from ._discover import RawFileInfo
from ._models import (
    Dataset,
    InstrumentRow,
    MeasurementRow,
    MetricRow,
    MultipletRow,
    PeakRow,
    PhaseRow,
    ProcessingRun,
    RawFile,
    ResultRow,
    SampleRow,
)
from ._work import DatasetOutcome, ScanOutcome

__all__ = ["write_outcome", "write_measurement", "write_run", "completed_key_exists", "relocate"]

_RESULT_TABLES = {"peaks": PeakRow, "multiplets": MultipletRow, "phases": PhaseRow, "metrics": MetricRow,
                  "results": ResultRow}
_MEASUREMENT_COLUMNS = ("technique", "reader", "format", "title", "acquired_at", "nucleus", "solvent",
                        "frequency_mhz", "pulse_program", "temperature_k", "wavelength_angstrom", "anode",
                        "shape", "acquisition", "source", "warnings")


def _key(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _get_or_create(session: Session, cls: type, fields: dict[str, Any] | None) -> Any:
    if not fields:
        return None
    known = {k: v for k, v in fields.items() if hasattr(cls, k) and k != "key"}
    key = _key(known)
    row = session.scalars(select(cls).where(cls.key == key)).first()
    if row is None:
        row = cls(key=key, **{k: (None if v is None else str(v)) for k, v in known.items()})
        session.add(row)
        session.flush()
    return row


def completed_key_exists(session: Session, dataset_sha256: str, ingest_key: str, *,
                         retry_failed: bool = False) -> bool:
    """True when this dataset was already ingested with this recipe version.

    A failed ingest counts as done (the failure is recorded) unless ``retry_failed``.
    """
    stmt = (
        select(ProcessingRun.status)
        .join(Dataset, Dataset.id == ProcessingRun.dataset_id)
        .where(Dataset.sha256 == dataset_sha256, ProcessingRun.ingest_key == ingest_key)
    )
    statuses = list(session.scalars(stmt))
    if not statuses:
        return False
    return not (retry_failed and "failed" in statuses)


def relocate(session: Session, dataset_sha256: str, path: str, files: list[RawFileInfo]) -> None:
    """Remember that a known dataset now lives at ``path`` (moved or copied)."""
    ds = session.scalars(select(Dataset).where(Dataset.sha256 == dataset_sha256)).first()
    if ds is None:
        return
    ds.path = path
    existing = {rf.path: rf for rf in session.scalars(select(RawFile).where(RawFile.dataset_id == ds.id))}
    for f in files:
        rf = existing.get(f.path)
        if rf is None:
            session.add(RawFile(dataset_id=ds.id, path=f.path, size_bytes=f.size_bytes, sha256=f.sha256 or "",
                                mtime_ns=f.mtime_ns))
        else:  # touched but unchanged: remember the new time, so the next run needs no hashing
            rf.size_bytes, rf.mtime_ns = f.size_bytes, f.mtime_ns
    for rf in existing.values():
        if not Path(rf.path).exists():
            session.delete(rf)


def _dataset(session: Session, outcome: DatasetOutcome) -> Dataset:
    task = outcome.task
    ds = session.scalars(select(Dataset).where(Dataset.sha256 == task.sha256)).first()
    if ds is None:
        ds = Dataset(sha256=task.sha256, path=task.path, is_folder=task.is_folder, reader=task.reader,
                     n_files=len(task.files), size_bytes=sum(f.size_bytes for f in task.files))
        session.add(ds)
        session.flush()
    else:
        ds.path = task.path  # moved or copied: remember where it is now
    files: dict[str, RawFileInfo] = {f.path: f for f in task.files}
    for scan in outcome.scans:
        for f in scan.extra_files:
            files.setdefault(f.path, f)
    existing = {rf.path: rf for rf in session.scalars(select(RawFile).where(RawFile.dataset_id == ds.id))}
    for f in files.values():
        rf = existing.get(f.path)
        if rf is None:
            session.add(RawFile(dataset_id=ds.id, path=f.path, size_bytes=f.size_bytes,
                                sha256=f.sha256 or "", mtime_ns=f.mtime_ns))
        else:
            rf.size_bytes, rf.mtime_ns, rf.sha256 = f.size_bytes, f.mtime_ns, f.sha256 or rf.sha256
    return ds


def write_measurement(session: Session, ds: Dataset, scan: ScanOutcome) -> MeasurementRow | None:
    """The measurement row of one scan of ``ds``, created or brought up to date (None if unread).

    Its instrument and sample rows are found by their canonical key (or created), so the
    same instrument is one row whoever catalogues its measurements.
    """
    if scan.measurement is None:
        return None
    row = session.scalars(
        select(MeasurementRow).where(MeasurementRow.dataset_id == ds.id,
                                     MeasurementRow.scan_index == scan.scan_index)
    ).first()
    if row is None:
        row = MeasurementRow(dataset_id=ds.id, scan_index=scan.scan_index)
        session.add(row)
    for col in _MEASUREMENT_COLUMNS:
        setattr(row, col, scan.measurement.get(col))
    inst = _get_or_create(session, InstrumentRow, scan.instrument)
    sample = _get_or_create(session, SampleRow, scan.sample)
    row.instrument_id = inst.id if inst is not None else None
    row.sample_id = sample.id if sample is not None else None
    session.flush()
    return row


def write_run(session: Session, ds: Dataset, scan: ScanOutcome, *, measurement_id: int | None, ingest_key: str,
              recipe_request: str, reject_phases: Collection[str] = ()) -> int:
    """Insert one processing run of a scan of ``ds`` and its result rows (caller commits); its id.

    Parameters
    ----------
    measurement_id
        The scan's measurement row (None when the scan could not be read: the run records the failure).
    ingest_key
        The recipe version (:func:`~instrumentarium.catalog.ingest_key`), or any key unique
        for the dataset and scan (a manual run).
    recipe_request
        What was asked for: ``"auto"``, ``"vendor"``, or a label such as ``"manual phase"``.
    reject_phases
        Names or formulas of phases not to index as present (phases a scientist rejected);
        their records stay in the run's whole results (``results`` table).
    """
    run = ProcessingRun(
        dataset_id=ds.id,
        scan_index=scan.scan_index,
        measurement_id=measurement_id,
        ingest_key=ingest_key,
        recipe_request=recipe_request,
        recipe_key=scan.recipe_key,
        recipe=scan.recipe,
        package_version=__version__,
        provenance=scan.provenance,
        status=scan.status,
        stage=scan.stage,
        error=scan.error,
        nxs_path=scan.nxs_path,
        duration_s=scan.duration_s,
        finished_at=_dt.datetime.now(_dt.UTC),
    )
    session.add(run)
    session.flush()
    if measurement_id is None:
        return run.id
    rejected = set(reject_phases)
    for kind, cls in _RESULT_TABLES.items():
        for row in scan.results.get(kind, ()):
            if kind == "phases" and rejected and (row.get("name") in rejected or row.get("formula") in rejected):
                continue
            session.add(cls(run_id=run.id, measurement_id=measurement_id, **row))
    return run.id


def write_outcome(session: Session, outcome: DatasetOutcome, ingest_key: str) -> list[int]:
    """Insert one dataset's rows (caller commits); return the new processing-run ids."""
    ds = _dataset(session, outcome)
    # a retried dataset replaces its earlier (failed) runs with this key; results cascade
    session.execute(delete(ProcessingRun).where(ProcessingRun.dataset_id == ds.id,
                                                ProcessingRun.ingest_key == ingest_key))
    run_ids = []
    for scan in outcome.scans:
        m = write_measurement(session, ds, scan)
        run_ids.append(write_run(session, ds, scan, measurement_id=m.id if m is not None else None,
                                 ingest_key=ingest_key, recipe_request=outcome.task.recipe_request))
    session.flush()
    return run_ids
