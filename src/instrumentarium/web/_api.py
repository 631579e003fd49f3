"""The JSON API under ``/api``: the twin of every page (OpenAPI at ``/api/openapi.json``)."""

from __future__ import annotations

import datetime as _dt
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..model import to_plain
from ._service import apply_correction, detail, export_csv, exporter_for, preview_phase, report_html
from ._store import Filters, Store
from ._summary import plot_data
from ._uploads import Limits, UploadError, clear, safe_unzip, save_upload

__all__ = ["router", "filters_from"]

router = APIRouter(prefix="/api", tags=["api"])

MeasurementId = Annotated[int, Field(ge=1, le=2**62)]
RunQuery = Annotated[int | None, Query(ge=1, le=10**9, description="Processing run (default: latest).")]
MaxPoints = Annotated[int, Query(ge=16, le=200_000, description="Decimate the curve to this many points.")]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]
Range = Annotated[list[Finite], Field(min_length=2, max_length=2)]


def _store(request: Request) -> Store:
    return request.app.state.store


def filters_from(
    q: str | None = None,
    technique: str | None = None,
    nucleus: str | None = None,
    solvent: str | None = None,
    instrument: str | None = None,
    phase: str | None = None,
    date_from: _dt.date | None = None,
    date_to: _dt.date | None = None,
    peak: float | None = None,
    peak_tolerance: float = 0.05,
    status: str | None = None,
) -> Filters:
    """Build catalog filters from query parameters (shared by the page and the API)."""
    import math

    if peak is not None and not math.isfinite(peak):
        peak = None
    if not math.isfinite(peak_tolerance) or peak_tolerance < 0:
        peak_tolerance = 0.05
    return Filters(q=q or None, technique=technique or None, nucleus=nucleus or None,
                   solvent=solvent or None, instrument=instrument or None, phase=phase or None,
                   date_from=date_from, date_to=date_to, peak=peak, peak_tolerance=peak_tolerance,
                   status=status or None)


@router.get("/home", summary="Home page data: instruments, recent measurements, failures")
def home(request: Request) -> dict[str, Any]:
    store = _store(request)
    recent, _ = store.search(Filters(status="ok"), limit=10)
    failures, n_failed = store.search(Filters(status="failed"), limit=10)
    return {"stats": store.stats(), "recent": recent, "failures": failures, "n_failed": n_failed}


@router.get("/measurements", summary="Search the catalog (filters, paginated)")
def measurements(
    request: Request,
    q: Annotated[str | None,
                 Query(max_length=200, description="Text in title, sample, file, instrument.")] = None,
    technique: Annotated[str | None, Query(max_length=40)] = None,
    nucleus: Annotated[str | None, Query(max_length=20)] = None,
    solvent: Annotated[str | None, Query(max_length=80)] = None,
    instrument: Annotated[str | None, Query(max_length=200)] = None,
    phase: Annotated[str | None, Query(max_length=200, description="A phase name (substring).")] = None,
    date_from: _dt.date | None = None,
    date_to: _dt.date | None = None,
    peak: Annotated[float | None, Query(description="A peak position (ppm or deg 2θ).")] = None,
    peak_tolerance: Annotated[float, Query(ge=0, le=1000)] = 0.05,
    status: Literal["ok", "failed"] | None = None,
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    f = filters_from(q, technique, nucleus, solvent, instrument, phase, date_from, date_to,
                     peak, peak_tolerance, status)
    items, total = _store(request).search(f, offset=(page - 1) * per_page, limit=per_page)
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


@router.get("/measurements/{mid}", summary="One measurement: parameters, results, provenance, runs")
def measurement(request: Request, mid: MeasurementId, run: RunQuery = None) -> dict[str, Any]:
    return detail(_store(request), mid, run)


MaxCells = Annotated[int, Query(ge=64, le=4_194_304,
                                 description="2-D data: reduce the matrix to at most this many cells.")]


@router.get("/measurements/{mid}/plot",
            summary="The curve to plot, with peaks, integrals, sticks; 2-D data as contours or stacked rows")
def plot(request: Request, mid: MeasurementId, run: RunQuery = None,
         max_points: MaxPoints = 8000, max_cells: MaxCells = 131_072) -> dict[str, Any]:
    return plot_data(_store(request).load(mid, run), max_points=max_points, max_cells=max_cells)


@router.get("/measurements/{mid}/preview/phase", summary="NMR phase preview (nothing saved)")
def phase_preview(
    request: Request, mid: MeasurementId,
    p0_deg: Annotated[float, Query(ge=-3600, le=3600)] = 0.0,
    p1_deg: Annotated[float, Query(ge=-36000, le=36000)] = 0.0,
    pivot_ppm: Annotated[float | None, Query(ge=-1e5, le=1e5)] = None,
    run: RunQuery = None, max_points: MaxPoints = 8000,
) -> dict[str, Any]:
    m = _store(request).load(mid, run)
    return preview_phase(m, p0_deg=p0_deg, p1_deg=p1_deg, pivot_ppm=pivot_ppm, max_points=max_points)


class _Correction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    run: Annotated[int | None, Field(ge=1, le=10**9)] = None


class PhaseCorrection(_Correction):
    """Zero- and first-order phase, degrees, relative to the run's spectrum."""

    p0_deg: Annotated[float, Field(allow_inf_nan=False, ge=-3600, le=3600)]
    p1_deg: Annotated[float, Field(allow_inf_nan=False, ge=-36000, le=36000)] = 0.0
    pivot_ppm: Annotated[float | None, Field(allow_inf_nan=False, ge=-1e5, le=1e5)] = None


class BaselineCorrection(_Correction):
    """Signal-free regions (ppm) for a polynomial baseline."""

    regions_ppm: Annotated[list[Range], Field(min_length=1, max_length=100)]
    order: Annotated[int, Field(ge=0, le=6)] = 3


class IntegralRanges(_Correction):
    """Integral ranges (ppm); the first is the reference for relative values."""

    ranges_ppm: Annotated[list[Range], Field(min_length=1, max_length=200)]


PhaseRef = Annotated[int, Field(ge=1, le=2**62)] | Annotated[str, Field(min_length=1, max_length=200)]


class PhaseDecisions(_Correction):
    """Candidate phases accepted and rejected, by reference id (search-match results) or by name.

    Where the run holds a search-match result, the phases kept are fitted again and their
    weight fractions recomputed (renormalised to 100 %) in the new run.
    """

    accepted: Annotated[list[PhaseRef], Field(max_length=200)] = []
    rejected: Annotated[list[PhaseRef], Field(max_length=200)] = []


def _correct(request: Request, mid: int, kind: str, body: _Correction) -> JSONResponse:
    params = body.model_dump(exclude={"run"})
    out = apply_correction(_store(request), mid, kind, params, run=body.run)
    return JSONResponse(out, status_code=201)


@router.post("/measurements/{mid}/corrections/phase", status_code=201,
             summary="NMR: phase by hand, reanalyse, save as a new run")
def correct_phase(request: Request, mid: MeasurementId, body: PhaseCorrection) -> JSONResponse:
    return _correct(request, mid, "phase", body)


@router.post("/measurements/{mid}/corrections/baseline", status_code=201,
             summary="NMR: polynomial baseline through chosen regions, saved as a new run")
def correct_baseline(request: Request, mid: MeasurementId, body: BaselineCorrection) -> JSONResponse:
    return _correct(request, mid, "baseline", body)


@router.post("/measurements/{mid}/corrections/integrals", status_code=201,
             summary="NMR: integrate chosen ranges, saved as a new run")
def correct_integrals(request: Request, mid: MeasurementId, body: IntegralRanges) -> JSONResponse:
    return _correct(request, mid, "integrals", body)


@router.post("/measurements/{mid}/corrections/phases", status_code=201,
             summary="XRD: accept or reject candidate phases, refit the weight fractions, save as a new run")
def correct_phases(request: Request, mid: MeasurementId, body: PhaseDecisions) -> JSONResponse:
    return _correct(request, mid, "phases", body)


@router.get("/measurements/{mid}/download/{fmt}",
            summary="Download a run as .nxs, CSV, JSON, JCAMP-DX (with an exporter) or an HTML report")
def download(request: Request, mid: MeasurementId, fmt: Literal["nxs", "csv", "json", "jdx", "report"],
             run: RunQuery = None) -> Response:
    store = _store(request)
    stem = f"measurement-{mid}"
    if fmt == "nxs":
        return FileResponse(store.run_path(mid, run), media_type="application/x-hdf5", filename=f"{stem}.nxs")
    m = store.load(mid, run)
    if fmt == "csv":
        return Response(export_csv(m), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
    if fmt == "json":
        body = {"detail": detail(store, mid, run), "plot": plot_data(m, max_points=10**9)}
        return Response(json.dumps(to_plain(body)), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.json"'})
    if fmt == "report":
        return Response(report_html(m), media_type="text/html",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.html"'})
    exp = exporter_for(m, ".jdx")
    if exp is None:
        return JSONResponse({"detail": f"no JCAMP-DX exporter is installed for {m.technique} data"},
                            status_code=404)
    with tempfile.TemporaryDirectory() as tmp:
        path = exp.export(m, Path(tmp) / f"{stem}.jdx")
        data = Path(path).read_bytes()
    return Response(data, media_type="chemical/x-jcamp-dx",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.jdx"'})


@router.post("/uploads", status_code=201,
             summary="Upload a file, a folder as zip, or a Bruker experiment as zip")
def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="A data file, or a .zip of files/folders.")],
    recipe: Annotated[Literal["auto", "vendor"], Form()] = "auto",
) -> JSONResponse:
    limits: Limits = request.app.state.limits
    # the raw files stay: a catalogued measurement references them by path and sha256
    work = Path(tempfile.mkdtemp(prefix="upload-", dir=request.app.state.upload_dir))
    try:
        raw_name = Path(file.filename or "upload").name or "upload"
        safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in raw_name)[:120] or "upload"
        target = work / safe_name
        save_upload(file.file, target, limits)
        if target.stat().st_size == 0:
            raise UploadError(f"{raw_name}: the upload is empty", status=400)
        store = _store(request)
        if safe_name.lower().endswith(".zip"):
            root = work / safe_name.removesuffix(".zip").removesuffix(".ZIP")
            root.mkdir()
            safe_unzip(target, root, limits)
            target.unlink()
            out = store.ingest(root, recipe=recipe, display_root=work)
        else:
            out = store.ingest(target, recipe=recipe, display_root=work)
        if not out["ids"] and not out["failures"]:
            raise UploadError(
                f"no measurement found in {raw_name}: no reader recognises any file in it "
                "(run `instrumentarium formats` for the formats that can be read)", status=422)
    except BaseException:
        clear(work)
        raise
    return JSONResponse(out, status_code=201)
