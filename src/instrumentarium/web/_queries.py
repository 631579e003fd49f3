"""The web's store on the SQL catalog (``instrumentarium.catalog``): queries it lacks, written here.

The catalog package ingests raw folders and searches them; the workstation also needs a
paginated, counted search with instrument and date filters, the runs of a measurement,
and to save a manually corrected measurement as a new processing run. The queries are
written here on top of the catalog's SQLAlchemy models; the rows are written by the
catalog's own writer (``write_measurement``, ``write_run``), the one the ingest uses.

A manual run is a :class:`ProcessingRun` row of the same dataset and scan with its own
``ingest_key`` (random, so re-ingesting the raw data never collides with it), its recipe
(replayable: ``Recipe.from_provenance``), its provenance and its result rows; it becomes
the measurement's latest run, which is what the catalog's search and ``show`` report.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..catalog import Catalog, ingest
from ..catalog._models import (
    Dataset,
    InstrumentRow,
    MeasurementRow,
    PeakRow,
    PhaseRow,
    ProcessingRun,
    ResultRow,
    SampleRow,
)
from ..catalog._work import ScanOutcome, processed_outcome
from ..catalog._write import write_measurement, write_run
from ..formats import save
from ..model import CatalogError, Measurement, to_plain
from ._store import Filters, NotFound, load_cached

__all__ = ["CatalogStore"]

def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _latest_run_ids():
    return (select(ProcessingRun.measurement_id, func.max(ProcessingRun.id).label("run_id"))
            .where(ProcessingRun.measurement_id.is_not(None))
            .group_by(ProcessingRun.measurement_id).subquery())


def _conditions(f: Filters, latest) -> list[Any]:
    conds: list[Any] = []
    if f.technique:
        conds.append(func.lower(MeasurementRow.technique) == f.technique.lower())
    if f.nucleus:
        conds.append(func.lower(MeasurementRow.nucleus) == f.nucleus.lower())
    if f.solvent:
        conds.append(func.lower(MeasurementRow.solvent).like(_like(f.solvent), escape="\\"))
    if f.instrument:
        # the same text the pages show: "vendor model name"
        full = func.trim(func.coalesce(InstrumentRow.vendor, "") + " " + func.coalesce(InstrumentRow.model, "")
                         + " " + func.coalesce(InstrumentRow.name, ""))
        conds.append(MeasurementRow.instrument_id.in_(select(InstrumentRow.id).where(
            func.lower(full).like(_like(f.instrument), escape="\\"))))
    if f.phase:
        pat = _like(f.phase)
        conds.append(MeasurementRow.id.in_(select(PhaseRow.measurement_id).where(
            PhaseRow.run_id == latest.c.run_id,
            or_(func.lower(PhaseRow.name).like(pat, escape="\\"),
                func.lower(PhaseRow.formula).like(pat, escape="\\")))))
    if f.peak is not None:
        conds.append(MeasurementRow.id.in_(select(PeakRow.measurement_id).where(
            PeakRow.run_id == latest.c.run_id,
            PeakRow.position >= f.peak - f.peak_tolerance, PeakRow.position <= f.peak + f.peak_tolerance)))
    if f.date_from:
        conds.append(MeasurementRow.acquired_at >= _dt.datetime.combine(f.date_from, _dt.time.min, _dt.UTC))
    if f.date_to:
        conds.append(MeasurementRow.acquired_at <= _dt.datetime.combine(f.date_to, _dt.time.max, _dt.UTC))
    if f.q:
        pat = _like(f.q)
        conds.append(or_(
            func.lower(MeasurementRow.title).like(pat, escape="\\"),
            func.lower(MeasurementRow.technique).like(pat, escape="\\"),
            MeasurementRow.dataset_id.in_(
                select(Dataset.id).where(func.lower(Dataset.path).like(pat, escape="\\"))),
            MeasurementRow.sample_id.in_(
                select(SampleRow.id).where(func.lower(SampleRow.name).like(pat, escape="\\"))),
        ))
    return conds


def _rejected_phases(m: Measurement) -> set[str]:
    """Names of the phases the scientist rejected (``phase_decisions``): not searchable as present."""
    return {str(d.get("name")) for d in to_plain(m.results.get("phase_decisions", ()))
            if isinstance(d, dict) and not d.get("accepted")}


def _instrument_text(inst: InstrumentRow | None) -> str | None:
    if inst is None:
        return None
    return " ".join(x for x in (inst.vendor, inst.model, inst.name) if x) or None


class CatalogStore:
    """The :class:`~instrumentarium.web._store.Store` of the web app on a :class:`Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.root = Path(catalog.store)
        # uploads are kept beside the store, not in it: the catalog's ingest skips its store
        self.upload_dir = self.root.parent / "uploads"

    @classmethod
    def open(cls, url: str | os.PathLike[str] | None = None) -> CatalogStore:
        """Open (creating or upgrading) the catalog at ``url``."""
        return cls(Catalog(url))

    # -- reading ---------------------------------------------------------------------
    def _records(self, s: Session, rows: list[MeasurementRow], *, full: bool) -> list[dict[str, Any]]:
        ids = [r.id for r in rows]
        if not ids:
            return []
        runs: dict[int, list[ProcessingRun]] = {}
        for run in s.scalars(select(ProcessingRun).where(ProcessingRun.measurement_id.in_(ids))
                             .order_by(ProcessingRun.id)):
            runs.setdefault(run.measurement_id, []).append(run)
        latest = {mid: rs[-1].id for mid, rs in runs.items()}
        phases: dict[int, list[str]] = {}
        for p in s.scalars(select(PhaseRow).where(PhaseRow.run_id.in_(latest.values()))
                           .order_by(PhaseRow.id)):
            if p.result != "phase_decisions":
                phases.setdefault(p.measurement_id, []).append(p.name or p.formula or "?")
        rejected = self._rejected(s, list(latest.values()))
        peaks: dict[int, list[float]] = {}
        if full:
            for p in s.scalars(select(PeakRow).where(PeakRow.run_id.in_(latest.values()))
                               .order_by(PeakRow.position)):
                peaks.setdefault(p.measurement_id, []).append(p.position)
        insts = {i.id: i for i in s.scalars(select(InstrumentRow).where(
            InstrumentRow.id.in_({r.instrument_id for r in rows if r.instrument_id})))}
        samples = {x.id: x for x in s.scalars(select(SampleRow).where(
            SampleRow.id.in_({r.sample_id for r in rows if r.sample_id})))}
        paths = dict(s.execute(select(Dataset.id, Dataset.path).where(
            Dataset.id.in_({r.dataset_id for r in rows}))).all())
        out = []
        for r in rows:
            rs = runs.get(r.id, [])
            last = rs[-1] if rs else None
            ok = last is not None and last.nxs_path is not None
            sample = samples.get(r.sample_id)
            out.append({
                "id": r.id, "status": "ok" if ok else "failed",
                "error": None if last is None else last.error,
                "created_at": r.created_at.isoformat() if r.created_at else "",
                "filename": Path(paths.get(r.dataset_id, "")).name or None,
                "technique": r.technique, "title": r.title, "sample": sample.name if sample else None,
                "nucleus": r.nucleus, "solvent": r.solvent,
                "instrument": _instrument_text(insts.get(r.instrument_id)),
                "acquired_at": r.acquired_at.isoformat() if r.acquired_at else None,
                "phases": [n for n in dict.fromkeys(phases.get(r.id, []))
                           if n not in rejected.get(r.id, set())],
                "peaks": peaks.get(r.id, []), "warnings": list(r.warnings or []),
                "runs": [{"run": x.id, "label": x.recipe_request, "created_at": x.finished_at.isoformat(),
                          "manual": any(p.get("manual") for p in (x.provenance or []) if isinstance(p, dict)),
                          "steps": [p.get("step") for p in (x.provenance or []) if isinstance(p, dict)],
                          "status": x.status, "error": x.error} for x in rs if x.nxs_path],
            })
        return out

    @staticmethod
    def _rejected(s: Session, run_ids: list[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for row in s.scalars(select(ResultRow).where(ResultRow.run_id.in_(run_ids),
                                                     ResultRow.result == "phase_decisions")):
            for d in row.data if isinstance(row.data, list) else []:
                if isinstance(d, dict) and not d.get("accepted"):
                    out.setdefault(row.measurement_id, set()).add(str(d.get("name")))
        return out

    def search(
        self, filters: Filters, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[dict[str, Any]], int]:
        """Measurements matching ``filters``, newest first, one page, and the total count."""
        if filters.status == "failed":
            return self._failures(offset, limit)
        latest = _latest_run_ids()
        conds = _conditions(filters, latest)
        base = select(MeasurementRow.id).join(latest, latest.c.measurement_id == MeasurementRow.id)
        if conds:
            base = base.where(and_(*conds))
        with self.catalog.reading() as s:
            total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            ids = list(s.scalars(base.order_by(MeasurementRow.id.desc()).offset(offset).limit(limit)))
            rows = {r.id: r for r in s.scalars(select(MeasurementRow).where(MeasurementRow.id.in_(ids)))}
            recs = self._records(s, [rows[i] for i in ids], full=False)
        return recs, total

    def _failures(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        cond = or_(ProcessingRun.nxs_path.is_(None), ProcessingRun.status != "ok")
        with self.catalog.reading() as s:
            total = s.scalar(select(func.count()).select_from(ProcessingRun).where(cond)) or 0
            rows = s.execute(select(ProcessingRun, Dataset.path)
                             .join(Dataset, Dataset.id == ProcessingRun.dataset_id)
                             .where(cond).order_by(ProcessingRun.id.desc()).offset(offset).limit(limit)).all()
            recs = [{"id": run.measurement_id, "run": run.id, "status": "failed", "error": run.error,
                     "filename": Path(path).name, "title": Path(path).name, "technique": None,
                     "created_at": run.finished_at.isoformat(), "phases": [], "peaks": [], "runs": []}
                    for run, path in rows]
        return recs, total

    def get(self, mid: int) -> dict[str, Any]:
        """The record of measurement ``mid`` with its runs (raises :class:`NotFound`)."""
        with self.catalog.reading() as s:
            row = s.get(MeasurementRow, int(mid)) if 0 < int(mid) < 2**62 else None
            if row is None:
                raise NotFound(f"no measurement with id {mid}")
            return self._records(s, [row], full=True)[0]

    def run_path(self, mid: int, run: int | None = None) -> Path:
        """The ``.nxs`` of a run of ``mid`` (default: the latest successful one)."""
        stmt = select(ProcessingRun.id, ProcessingRun.nxs_path).where(
            ProcessingRun.measurement_id == int(mid), ProcessingRun.nxs_path.is_not(None))
        with self.catalog.reading() as s:
            if run is not None:
                found = s.execute(stmt.where(ProcessingRun.id == int(run))).first()
            else:
                found = s.execute(stmt.order_by(ProcessingRun.id.desc()).limit(1)).first()
        if found is None:
            rec = self.get(mid)  # raises NotFound for an unknown measurement
            runs = [r["run"] for r in rec["runs"]]
            if not runs:
                raise NotFound(f"measurement {mid} has no processed run (its processing failed)")
            raise NotFound(f"measurement {mid} has no run {run}; runs are {runs}")
        return Path(found[1])

    def load(self, mid: int, run: int | None = None) -> Measurement:
        """The measurement of a run (default: the latest)."""
        return load_cached(self.run_path(mid, run))

    def stats(self) -> dict[str, Any]:
        """Counts for the home page."""
        with self.catalog.reading() as s:
            by_tech = dict(s.execute(select(MeasurementRow.technique, func.count())
                                     .group_by(MeasurementRow.technique)).all())
            inst = s.execute(select(InstrumentRow, func.count(MeasurementRow.id))
                             .join(MeasurementRow, MeasurementRow.instrument_id == InstrumentRow.id)
                             .group_by(InstrumentRow.id)).all()
            failed = s.scalar(select(func.count()).select_from(ProcessingRun).where(
                or_(ProcessingRun.nxs_path.is_(None), ProcessingRun.status != "ok"))) or 0
            instruments = {(_instrument_text(i) or "unknown instrument"): n for i, n in inst}
        return {"total": sum(by_tech.values()), "by_technique": by_tech, "failed": failed,
                "instruments": instruments}

    # -- writing ---------------------------------------------------------------------
    # the rows are written by the catalog's own writer (``catalog._write``), as an ingest writes them
    def _write_run(self, s: Session, ds: Dataset, row: MeasurementRow, m: Measurement, recipe: Any,
                   label: str, outcome: ScanOutcome | None = None) -> int:
        key = uuid.uuid4().hex
        slug = "".join(c if c.isalnum() else "_" for c in label[:12])
        target = self.root / ds.sha256[:2] / ds.sha256 / f"scan{row.scan_index:03d}-{slug}-{key[:12]}.nxs"
        target.parent.mkdir(parents=True, exist_ok=True)
        save(m, target, recipe=recipe)
        outcome = outcome or processed_outcome(m, recipe=recipe)
        outcome = dataclasses.replace(outcome, scan_index=row.scan_index, nxs_path=str(target))
        return write_run(s, ds, outcome, measurement_id=row.id, ingest_key=hashlib.sha256(key.encode()).hexdigest(),
                         recipe_request=label[:64], reject_phases=_rejected_phases(m))

    def add_run(self, mid: int, m: Measurement, *, recipe: Any = None, label: str = "manual") -> int:
        """Save ``m`` (a corrected measurement) as a new processing run of ``mid``; return its id."""
        with self.catalog.session() as s:
            row = s.get(MeasurementRow, int(mid))
            if row is None:
                raise NotFound(f"no measurement with id {mid}")
            return self._write_run(s, s.get(Dataset, row.dataset_id), row, m, recipe, label)

    def add(self, m: Measurement, *, recipe: Any = None, filename: str | None = None,
            run_label: str = "auto") -> int:
        """Catalogue an already processed measurement (demo data, a ``.nxs``) without raw files."""
        digest = m.source.fingerprint if m.source.sha256 else hashlib.sha256(
            m.signal.tobytes() + repr(to_plain(m.acquisition)).encode()).hexdigest()
        outcome = processed_outcome(m, recipe=recipe)
        with self.catalog.session() as s:
            ds = s.scalars(select(Dataset).where(Dataset.sha256 == digest)).first()
            if ds is None:
                path = filename or (m.source.paths[0] if m.source.paths else "memory")
                ds = Dataset(sha256=digest, path=path,
                             is_folder=False, reader=m.source.reader, n_files=len(m.source.paths))
                s.add(ds)
                s.flush()
            row = write_measurement(s, ds, outcome)
            self._write_run(s, ds, row, m, recipe, run_label, outcome)
            return row.id

    def add_failure(self, filename: str, error: str) -> int:
        """Failures are recorded by the catalog's ingest itself; nothing to add by hand."""
        raise CatalogError(f"{filename}: {error}")

    def ingest(self, root: Path, *, recipe: str = "auto", display_root: Path | None = None) -> dict[str, Any]:
        """Ingest an uploaded folder with the catalog's ingest; return new ids and failures."""
        before = self._max_run()
        summary = ingest([root], catalog=self.catalog, recipe=recipe)
        base = display_root or root

        def shown(p: str) -> str:
            return str(Path(p).relative_to(base)) if Path(p).is_relative_to(base) else Path(p).name

        with self.catalog.reading() as s:
            runs = s.execute(select(ProcessingRun.measurement_id, ProcessingRun.nxs_path, ProcessingRun.error,
                                    Dataset.path)
                             .join(Dataset, Dataset.id == ProcessingRun.dataset_id)
                             .where(ProcessingRun.id > before).order_by(ProcessingRun.id)).all()
        ids = [mid for mid, nxs, _, _ in runs if mid is not None and nxs]
        failures = [{"file": shown(path), "error": err, "id": mid} for mid, nxs, err, path in runs if not nxs]
        return {"ids": list(dict.fromkeys(ids)), "failures": failures, "skipped": [],
                "summary": to_plain(summary.to_dict())}

    def _max_run(self) -> int:
        with self.catalog.reading() as s:
            return s.scalar(select(func.max(ProcessingRun.id))) or 0
