"""Live commands: acquire from a (simulated) instrument, watch a folder."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import click

from ..model import InstrumentariumError, Measurement, to_plain
from ._common import echo_json, handle_errors, json_option

__all__ = ["acquire", "watch"]


def _make_driver(name: str, options: dict[str, Any]) -> Any:
    from ..plugins import drivers

    registry = drivers()
    if name not in registry:
        raise click.BadParameter(f"unknown driver {name!r}; installed: {', '.join(sorted(registry))}",
                                 param_hint="--driver")
    factory = registry[name]
    cls = factory if isinstance(factory, type) else type(factory)
    return cls(**{k: v for k, v in options.items() if v is not None})


@click.command()
@click.option("--driver", "driver_name", required=True, help="Driver name: sim-nmr, sim-xrd, ... (see `plugins`).")
@click.option("--scans", type=int, default=None, help="sim-nmr: number of scans (default 16).")
@click.option("--scan-time", type=float, default=None, help="sim-nmr: seconds per scan (default 0.25).")
@click.option("--points", type=int, default=None, help="sim-nmr: complex points per FID (default 16384).")
@click.option("--step", type=float, default=None, help="sim-xrd: 2θ step in degrees (default 0.02).")
@click.option("--chunk-time", type=float, default=None, help="sim-xrd: seconds per event of 100 steps.")
@click.option("--cif", "cifs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="sim-xrd: a phase of the sample, from a CIF (repeat for a mixture; default silicon).")
@click.option("--seed", type=int, default=None, help="Noise seed (reproducible runs).")
@click.option("--folder", type=click.Path(path_type=Path), default=None,
              help="Run folder (default: a new one under $INSTRUMENTARIUM_HOME/runs).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Also write the processed result to this .nxs (default: processed.nxs in the run "
                   "folder, a link to the catalog's file when the run is catalogued).")
@click.option("--db", default=None, help="Catalog URL (default: the catalog in $INSTRUMENTARIUM_HOME).")
@click.option("--no-catalog", is_flag=True, help="Do not put the result into the catalog.")
@json_option
@handle_errors
def acquire(driver_name: str, scans: int | None, scan_time: float | None, points: int | None,
            step: float | None, chunk_time: float | None, cifs: tuple[Path, ...], seed: int | None, folder: Path | None,
            output: Path | None, db: str | None, no_catalog: bool, as_json: bool) -> None:
    """Acquire a measurement, processing it live; the data are on disk as they arrive."""
    from ..formats import load, save
    from ..live import LiveProcessor, default_run_folder, run_acquisition
    from ..pipeline import process

    options: dict[str, Any] = {"seed": seed}
    if driver_name == "sim-nmr":
        options.update(n_scans=scans, scan_time_s=scan_time, n_points=points)
    elif driver_name == "sim-xrd":
        options.update(step_deg=step, chunk_time_s=chunk_time)
        if cifs:
            from ..live.sim_xrd import XRDPhase

            options["phases"] = tuple(XRDPhase.from_cif(c) for c in cifs)
    driver = _make_driver(driver_name, options)
    run_folder = folder or default_run_folder(driver.name)
    frames: list[Any] = []

    def show(frame: Any, _m: Measurement) -> None:
        frames.append(frame)
        if not as_json:
            click.echo(f"  {frame.status}: {frame.n_events}/{frame.expected_events or '?'} events processed",
                       err=True)

    # no live pass at the stop document: the finished run is processed once, below (catalog
    # ingest, or process() when it is not catalogued)
    live = LiveProcessor(show, min_interval_s=1.0, final_pass=False)
    result = run_acquisition(driver, folder=run_folder, consumers=[live])
    processed, nxs, catalog_id, stored, failure = None, None, None, None, None
    if not no_catalog and result.n_events > 0:
        # one processing pass feeds both: the catalog's ingest processes and analyses the run
        # into its store, and processed.nxs is that file (a link, so the run folder the
        # catalog hashed is unchanged and a later ingest finds it unchanged)
        try:
            catalog_id, stored = _catalog_add(result.folder, db, with_nxs=True)
        except click.ClickException as exc:
            failure = exc
    if result.measurement is not None:
        nxs = output or (result.folder / "processed.nxs")
        if stored is not None:
            _place(stored, nxs, link=output is None)
            processed = load(nxs)
        else:
            try:
                processed = process(result.measurement)
            except InstrumentariumError as exc:  # keep the raw data; say why it is unprocessed
                processed = result.measurement.with_warning(f"not processed: {exc}")
            save(processed, nxs)
    if failure is not None:
        raise failure
    summary = {
        "run_uid": result.uid, "driver": driver.name, "folder": str(result.folder),
        "exit_status": result.exit_status, "events": result.n_events, "acquisition_s": round(result.duration_s, 3),
        "processed": str(nxs) if nxs else None, "catalog_id": catalog_id,
        "warnings": list(processed.warnings) if processed is not None else [],
        "consumers": [to_plain(c) | {"errors": len(c.errors)} for c in result.consumers],
    }
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"run {result.uid}: {result.exit_status}, {result.n_events} events in "
                   f"{result.duration_s:.1f} s; data in {result.folder}")
        if nxs:
            click.echo(f"processed: {nxs}")
        if catalog_id is not None:
            click.echo(f"catalog id: {catalog_id}")


def _catalog_add(dataset: Path, db: str | None, catalog: Any = None, *, with_nxs: bool = False) -> Any:
    """Ingest a dataset (a run folder, a vendor file or folder) into the catalog; its id.

    With ``with_nxs``: ``(id, path of the processed .nxs in the catalog's store)``.
    """
    from ..catalog import Catalog, ingest

    own = catalog is None and with_nxs
    cat = Catalog(db) if own else catalog
    try:
        summary = ingest([dataset], catalog=cat, url=None if cat is not None else db)
        if summary.failures:
            raise click.ClickException(f"{dataset}: not catalogued: {summary.failures[0].get('error', '?')}")
        ids = summary.measurement_ids
        mid = ids[0] if ids else None
        if not with_nxs:
            return mid
        return mid, (cat.nxs_path(mid) if mid is not None else None)
    finally:
        if own:
            cat.close()


def _place(stored: Path, target: Path, *, link: bool) -> None:
    """Put the catalog's processed file at ``target``: a symbolic link inside the run folder
    (files under it would change the dataset), a copy elsewhere or where links are refused."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    if link:
        try:
            target.symlink_to(Path(stored).resolve())
            return
        except OSError:
            pass
    shutil.copyfile(stored, target)


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--settle", type=float, default=2.0, show_default=True,
              help="Seconds a dataset must stay unchanged before it is taken.")
@click.option("--poll", type=float, default=0.5, show_default=True, help="Seconds between looks.")
@click.option("--once", is_flag=True, help="Take what is complete now, then exit.")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option("--db", default=None, help="Catalog URL (default: the catalog in $INSTRUMENTARIUM_HOME).")
@handle_errors
def watch(folder: Path, settle: float, poll: float, once: bool, duration: float | None, db: str | None) -> None:
    """Watch FOLDER and process every complete dataset that appears in it, exactly once."""
    from .._home import home_path
    from ..catalog import Catalog
    from ..live.watcher import FolderWatcher

    catalog = Catalog(db)

    def handle(path: Path, items: list[Measurement]) -> None:
        cid = _catalog_add(path, db, catalog)
        click.echo(f"{path}: {items[0].technique}, catalog id {cid}")

    def failed(path: Path, exc: Exception) -> None:
        click.echo(f"{path}: error: {exc}", err=True)

    folder_key = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
    ledger = home_path("watch", f"ledger-{folder_key}.jsonl")
    watcher = FolderWatcher(folder, handle, ledger=ledger, settle_s=settle, poll_s=poll, on_error=failed)
    try:
        if once:
            deadline = time.monotonic() + settle + 2 * poll
            while time.monotonic() < deadline:
                watcher.poll_once()
                time.sleep(poll)
            return
        end = None if duration is None else time.monotonic() + duration
        click.echo(f"watching {folder} (Ctrl-C to stop)", err=True)
        watcher.run(until=(lambda: time.monotonic() >= end) if end else None)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        catalog.close()
