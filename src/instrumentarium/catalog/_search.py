"""Search the catalog: by technique, nucleus, solvent, phase, peak position and text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ..model import CatalogError, to_plain
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
    SampleRow,
)

__all__ = ["Query", "parse_tolerance", "search", "describe", "failures", "DEFAULT_PPM_TOLERANCE",
           "DEFAULT_DEG_TOLERANCE"]

DEFAULT_PPM_TOLERANCE = 0.02
DEFAULT_DEG_TOLERANCE = 0.05
_TOL = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*(?:(?:±|\+-|\+/-)\s*(\d+(?:\.\d*)?|\.\d+))?\s*$")


def parse_tolerance(text: str, *, default_tolerance: float) -> tuple[float, float]:
    """Parse ``"7.26±0.02"`` (or ``7.26+-0.02``, ``7.26+/-0.02``, ``7.26``) to (centre, tolerance)."""
    match = _TOL.match(text)
    if match is None:
        raise CatalogError(
            f"cannot read the position {text!r}: write it as CENTRE±TOLERANCE, e.g. 7.26±0.02 or 7.26+-0.02"
        )
    centre = float(match.group(1))
    tol = float(match.group(2)) if match.group(2) is not None else default_tolerance
    return centre, tol


@dataclass(frozen=True)
class Query:
    """Search criteria; every given one must hold (AND). Text matches are case-insensitive.

    ``peak_ppm`` and ``peak_two_theta_deg`` are (centre, tolerance): a measurement matches
    when one of its peaks lies within the tolerance. ``phase`` matches a phase name or
    formula containing it. ``text`` searches titles, paths, sample names, solvents,
    pulse programs and instrument names.
    """

    technique: str | None = None
    nucleus: str | None = None
    solvent: str | None = None
    phase: str | None = None
    peak_ppm: tuple[float, float] | None = None
    peak_two_theta_deg: tuple[float, float] | None = None
    text: str | None = None
    limit: int | None = None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _peak_near(unit: str, centre: float, tol: float):
    return exists().where(
        PeakRow.measurement_id == MeasurementRow.id,
        PeakRow.unit == unit,
        PeakRow.position >= centre - tol,
        PeakRow.position <= centre + tol,
    )


def _statement(q: Query) -> Select:
    stmt = select(MeasurementRow).order_by(MeasurementRow.id)
    conds = []
    if q.technique:
        conds.append(func.lower(MeasurementRow.technique) == q.technique.lower())
    if q.nucleus:
        conds.append(func.lower(MeasurementRow.nucleus) == q.nucleus.lower())
    if q.solvent:
        conds.append(func.lower(MeasurementRow.solvent) == q.solvent.lower())
    if q.phase:
        pattern = _like(q.phase)
        conds.append(exists().where(
            PhaseRow.measurement_id == MeasurementRow.id,
            or_(func.lower(PhaseRow.name).like(pattern, escape="\\"),
                func.lower(PhaseRow.formula).like(pattern, escape="\\")),
        ))
    if q.peak_ppm is not None:
        conds.append(_peak_near("ppm", *q.peak_ppm))
    if q.peak_two_theta_deg is not None:
        conds.append(_peak_near("deg", *q.peak_two_theta_deg))
    if q.text:
        pattern = _like(q.text)
        cols = [MeasurementRow.title, MeasurementRow.solvent, MeasurementRow.pulse_program,
                MeasurementRow.nucleus, MeasurementRow.technique]
        text_conds = [func.lower(c).like(pattern, escape="\\") for c in cols]
        text_conds.append(exists().where(Dataset.id == MeasurementRow.dataset_id,
                                         func.lower(Dataset.path).like(pattern, escape="\\")))
        text_conds.append(exists().where(SampleRow.id == MeasurementRow.sample_id,
                                         or_(func.lower(SampleRow.name).like(pattern, escape="\\"),
                                             func.lower(SampleRow.formula).like(pattern, escape="\\"))))
        text_conds.append(exists().where(InstrumentRow.id == MeasurementRow.instrument_id,
                                         or_(func.lower(InstrumentRow.name).like(pattern, escape="\\"),
                                             func.lower(InstrumentRow.model).like(pattern, escape="\\"))))
        conds.append(or_(*text_conds))
    if conds:
        stmt = stmt.where(and_(*conds))
    if q.limit:
        stmt = stmt.limit(q.limit)
    return stmt


def _latest_runs(session: Session, ids: Sequence[int]) -> dict[int, ProcessingRun]:
    out: dict[int, ProcessingRun] = {}
    if not ids:
        return out
    for run in session.scalars(select(ProcessingRun).where(ProcessingRun.measurement_id.in_(ids))
                               .order_by(ProcessingRun.id)):
        out[run.measurement_id] = run  # the last one wins
    return out


def _files(session: Session, dataset_ids: Sequence[int]) -> dict[int, list[RawFile]]:
    out: dict[int, list[RawFile]] = {}
    if dataset_ids:
        for rf in session.scalars(select(RawFile).where(RawFile.dataset_id.in_(dataset_ids))
                                  .order_by(RawFile.path)):
            out.setdefault(rf.dataset_id, []).append(rf)
    return out


def _summary(m: MeasurementRow, ds: Dataset, files: list[RawFile],
             run: ProcessingRun | None) -> dict[str, Any]:
    return {
        "id": m.id,
        "technique": m.technique,
        "title": m.title,
        "acquired_at": m.acquired_at.isoformat() if m.acquired_at else None,
        "nucleus": m.nucleus,
        "solvent": m.solvent,
        "frequency_mhz": m.frequency_mhz,
        "wavelength_angstrom": m.wavelength_angstrom,
        "scan_index": m.scan_index,
        "source": {
            "path": ds.path,
            "dataset_sha256": ds.sha256,
            "reader": m.reader,
            "paths": [f.path for f in files],
            "sha256": [f.sha256 for f in files],
        },
        "status": run.status if run else None,
        "nxs_path": run.nxs_path if run else None,
    }


def search(session: Session, query: Query | None = None) -> list[dict[str, Any]]:
    """Return one plain dict per matching measurement (all of them with no criteria)."""
    q = query or Query()
    rows = list(session.scalars(_statement(q)))
    datasets = {d.id: d for d in session.scalars(
        select(Dataset).where(Dataset.id.in_({r.dataset_id for r in rows})))} if rows else {}
    files = _files(session, list(datasets))
    runs = _latest_runs(session, [r.id for r in rows])
    return [_summary(r, datasets[r.dataset_id], files.get(r.dataset_id, []), runs.get(r.id)) for r in rows]


def _columns(row: Any, names: Sequence[str]) -> dict[str, Any]:
    return {n: to_plain(getattr(row, n)) for n in names}


def describe(session: Session, measurement_id: int) -> dict[str, Any]:
    """Everything the catalog knows about one measurement, as plain JSON."""
    m = session.get(MeasurementRow, measurement_id)
    if m is None:
        raise CatalogError(f"no measurement with id {measurement_id} in the catalog; "
                           "run `instrumentarium search` to list the ids")
    ds = session.get(Dataset, m.dataset_id)
    files = _files(session, [ds.id]).get(ds.id, [])
    runs = list(session.scalars(select(ProcessingRun).where(ProcessingRun.measurement_id == m.id)
                                .order_by(ProcessingRun.id)))
    out = _summary(m, ds, files, runs[-1] if runs else None)
    out["source"]["files"] = [_columns(f, ("path", "size_bytes", "sha256")) for f in files]
    out["acquisition"] = m.acquisition
    out["warnings"] = m.warnings
    out["shape"] = m.shape
    out["instrument"] = _columns(m.instrument, ("vendor", "model", "serial", "name", "software")) \
        if m.instrument else None
    out["sample"] = _columns(m.sample, ("name", "description", "formula")) if m.sample else None
    out["runs"] = [
        _columns(r, ("id", "status", "stage", "error", "recipe_request", "recipe_key", "package_version",
                     "nxs_path", "duration_s", "finished_at", "recipe", "provenance"))
        for r in runs
    ]
    last = runs[-1].id if runs else -1
    out["peaks"] = [_columns(p, ("position", "unit", "intensity", "width", "label", "result"))
                    for p in session.scalars(select(PeakRow).where(PeakRow.run_id == last)
                                             .order_by(PeakRow.unit, PeakRow.position))]
    out["multiplets"] = [_columns(p, ("center_ppm", "multiplicity", "j_hz", "n_h", "result"))
                         for p in session.scalars(select(MultipletRow).where(MultipletRow.run_id == last)
                                                  .order_by(MultipletRow.center_ppm.desc()))]
    out["phases"] = [_columns(p, ("name", "formula", "weight_fraction", "result"))
                     for p in session.scalars(select(PhaseRow).where(PhaseRow.run_id == last)
                                              .order_by(PhaseRow.id))]
    out["metrics"] = [_columns(p, ("name", "value", "text"))
                      for p in session.scalars(select(MetricRow).where(MetricRow.run_id == last)
                                               .order_by(MetricRow.name))]
    return out


def failures(session: Session) -> list[dict[str, Any]]:
    """Every failed ingest (read, process or store), newest first, with its error."""
    stmt = (select(ProcessingRun, Dataset).join(Dataset, Dataset.id == ProcessingRun.dataset_id)
            .where(ProcessingRun.status == "failed").order_by(ProcessingRun.id.desc()))
    out = []
    for run, ds in session.execute(stmt):
        out.append({
            "path": ds.path, "dataset_sha256": ds.sha256, "reader": ds.reader, "scan_index": run.scan_index,
            "measurement_id": run.measurement_id, "stage": run.stage, "error": run.error,
            "package_version": run.package_version, "finished_at": to_plain(run.finished_at),
        })
    return out
