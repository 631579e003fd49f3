"""``serve`` and ``demo``: the web workstation from the command line."""

from __future__ import annotations

import click

from ..model import InstrumentariumError
from ._common import echo_json, handle_errors

__all__ = ["demo", "serve"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _run(app: object, host: str, port: int) -> None:
    try:
        import uvicorn
    except ImportError:
        raise InstrumentariumError(
            "serving needs the web extra: pip install 'instrumentarium[web]'"
        ) from None
    if host not in _LOOPBACK:
        click.echo(f"warning: serving on {host}, reachable from other machines; there is no login", err=True)
    click.echo(f"Instrumentarium workstation on http://{host if ':' not in host else f'[{host}]'}:{port}/ "
               "(Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _app(db: str | None):
    try:
        from ..web import create_app
    except ImportError as exc:
        raise InstrumentariumError(f"the web workstation needs the web extra ({exc}): "
                                   "pip install 'instrumentarium[web]'") from None
    return create_app(db)


@click.command()
@click.option("--db", default=None, metavar="URL",
              help="Catalog URL or SQLite path (default: the catalog of `instrumentarium ingest`), "
                   "or folder://PATH for a folder of .nxs files.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@handle_errors
def serve(db: str | None, host: str, port: int) -> None:
    """Serve the web workstation: catalog, interactive plots, manual corrections, uploads."""
    _run(_app(db), host, port)


@click.command()
@click.option("--db", default=None, metavar="URL",
              help="Where to put the demo catalog (default: $INSTRUMENTARIUM_HOME/demo/catalog.sqlite).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Only fill the demo catalog, print what it holds (JSON).")
@handle_errors
def demo(db: str | None, host: str, port: int, no_serve: bool) -> None:
    """Fill a demo catalog with synthetic NMR spectra and XRD patterns, and serve it."""
    from .._home import home

    try:
        from ..web._demo import fill_demo
    except ImportError as exc:
        raise InstrumentariumError(f"the demo needs the web extra ({exc})") from None
    if db is None:
        (home() / "demo").mkdir(parents=True, exist_ok=True)
    target = db or str(home() / "demo" / "catalog.sqlite")
    app = _app(target)
    ids = fill_demo(app.state.store)
    if no_serve:
        echo_json({"catalog": target, "measurements": ids})
        return
    click.echo(f"demo catalog in {target}: {len(ids)} measurements")
    _run(app, host, port)
