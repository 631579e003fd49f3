"""The app factory: routers, error handling, static files and the bundled plotly.js."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .._home import home
from .._version import __version__
from ..model import (
    CatalogError,
    InstrumentariumError,
    ProcessingError,
    RecipeError,
    UnknownFormatError,
    UnknownTechniqueError,
)
from ._api import router as api_router
from ._errors import RequestError
from ._live import LiveService, make_live_router
from ._pages import make_router
from ._store import FolderStore, NotFound, Store
from ._uploads import Limits

__all__ = ["create_app", "open_store", "plotly_js_path"]

_HERE = Path(__file__).parent


def plotly_js_path() -> Path:
    """plotly.min.js as shipped in the ``plotly`` package's ``package_data`` (served offline)."""
    try:
        ref = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError:
        raise InstrumentariumError(
            "the web workstation needs the plotly package for its plots: pip install 'instrumentarium[web]'"
        ) from None
    path = Path(str(ref))
    if not path.is_file():
        raise InstrumentariumError(
            f"plotly.min.js is missing from the plotly package ({path}); reinstall plotly")
    return path


def open_store(db_url: str | os.PathLike[str] | None = None) -> Store:
    """The store behind ``db_url``.

    ``None``, an SQLAlchemy URL or a ``.sqlite``/``.db`` path: the SQL catalog
    (``instrumentarium.catalog``; default ``$INSTRUMENTARIUM_HOME/catalog.sqlite``, the
    one ``instrumentarium ingest`` fills). An existing folder holding a web ``index.json``,
    or ``folder://PATH``: a :class:`FolderStore` of ``.nxs`` files.
    """
    text = None if db_url is None else os.fspath(db_url)
    if text is not None and text.startswith("folder://"):
        return FolderStore(Path(text.removeprefix("folder://")))
    if text is not None and "://" not in text and (Path(text) / "index.json").is_file():
        return FolderStore(Path(text))
    try:
        from ._queries import CatalogStore
    except ImportError as exc:
        raise CatalogError(
            f"the SQL catalog is not available ({exc}); give a folder:// store instead") from None
    return CatalogStore.open(text)


def _status_of(exc: Exception) -> int:
    if isinstance(exc, RequestError):
        return exc.status
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, UnknownFormatError | UnknownTechniqueError | ProcessingError | RecipeError):
        return 422
    return 400


def create_app(
    db_url: str | os.PathLike[str] | None = None,
    *,
    store: Store | None = None,
    limits: Limits | None = None,
    upload_dir: str | os.PathLike[str] | None = None,
) -> FastAPI:
    """Build the web workstation.

    Parameters
    ----------
    db_url
        Where the catalog is (see :func:`open_store`); ignored when ``store`` is given.
    store
        A ready store (tests, benchmarks).
    limits
        Upload limits (default :class:`Limits`: 200 MB per upload, 1 GB unpacked).
    upload_dir
        Where uploaded raw files are kept (default: ``raw/`` in a folder store, else the home).
    """
    app = FastAPI(
        title="Instrumentarium",
        version=__version__,
        description="Browse the catalog, look at spectra and patterns, correct what automation got wrong.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.store = store if store is not None else open_store(db_url)
    app.state.limits = limits or Limits()
    if upload_dir is None:
        upload_dir = getattr(app.state.store, "upload_dir", None)
    if upload_dir is None:
        root = getattr(app.state.store, "root", None)
        upload_dir = Path(root) / "raw" if root is not None else home() / "uploads"
    Path(upload_dir).mkdir(parents=True, exist_ok=True)
    app.state.upload_dir = str(upload_dir)

    def _wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", "")

    @app.exception_handler(InstrumentariumError)
    async def _known_error(request: Request, exc: InstrumentariumError) -> Response:
        status = _status_of(exc)
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return app.state.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
        return JSONResponse({"detail": f"invalid request: {where}", "errors": errors}, status_code=422)

    app.include_router(api_router)
    pages, templates = make_router(_HERE / "templates")
    app.state.templates = templates
    app.include_router(pages)
    app.state.live = LiveService(app.state.store)
    app.include_router(make_live_router(templates))
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    js = plotly_js_path()

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(js, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        return Response(status_code=204)

    @app.get("/api/health", summary="Liveness and version")
    def _health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    return app
