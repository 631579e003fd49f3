"""HTML pages (Jinja2). Each renders what its ``/api`` twin returns; the plots load their JSON."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .._version import __version__
from ._api import filters_from, home
from ._errors import RequestError
from ._service import detail

__all__ = ["make_router"]


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items())
    return str(value)


def _parse(text: str | None, convert: Callable[[str], Any], what: str) -> Any:
    if text is None or not text.strip():
        return None
    try:
        return convert(text.strip())
    except ValueError:
        raise RequestError(f"the {what} filter {text!r} is not valid", status=422) from None


def make_router(template_dir: Path) -> tuple[APIRouter, Jinja2Templates]:
    """The page router and its templates."""
    templates = Jinja2Templates(directory=str(template_dir))
    templates.env.filters["fmt"] = _fmt
    templates.env.globals["version"] = __version__
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def home_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "home.html", home(request))

    @router.get("/catalog", response_class=HTMLResponse)
    def catalog_page(
        request: Request,
        q: str | None = None, technique: str | None = None, nucleus: str | None = None,
        solvent: str | None = None, instrument: str | None = None, phase: str | None = None,
        date_from: str | None = None, date_to: str | None = None,
        peak: str | None = None, peak_tolerance: str | None = None,
        page: Annotated[int, Query(ge=1, le=10**6)] = 1,
        per_page: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> HTMLResponse:
        # an HTML form sends empty fields: they mean "no filter", not an error
        f = filters_from(q, technique, nucleus, solvent, instrument, phase,
                         _parse(date_from, _dt.date.fromisoformat, "date from"),
                         _parse(date_to, _dt.date.fromisoformat, "date to"),
                         _parse(peak, float, "peak"), _parse(peak_tolerance, float, "peak tolerance") or 0.05,
                         None)
        items, total = request.app.state.store.search(f, offset=(page - 1) * per_page, limit=per_page)
        params = {k: v for k, v in request.query_params.items() if k != "page" and v}
        pages = max(1, -(-total // per_page))
        techniques = sorted({"nmr", "xrd", *request.app.state.store.stats()["by_technique"]})
        return templates.TemplateResponse(request, "catalog.html", {
            "items": items, "total": total, "page": page, "pages": pages, "f": f, "techniques": techniques,
            "prev_url": f"/catalog?{urlencode({**params, 'page': page - 1})}" if page > 1 else None,
            "next_url": f"/catalog?{urlencode({**params, 'page': page + 1})}" if page < pages else None,
            "api_url": f"/api/measurements?{urlencode(dict(request.query_params))}",
        })

    @router.get("/measurements/{mid}", response_class=HTMLResponse)
    def measurement_page(
        request: Request, mid: Annotated[int, PathParam(ge=1, le=2**62)],
        run: Annotated[int | None, Query(ge=1, le=10**9)] = None,
    ) -> HTMLResponse:
        d = detail(request.app.state.store, mid, run)
        return templates.TemplateResponse(request, "measurement.html", {"d": d, "rec": d["record"]})

    @router.get("/upload", response_class=HTMLResponse)
    def upload_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "upload.html", {})

    return router, templates
