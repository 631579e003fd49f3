"""Catalog and report commands: ingest, search, show, report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..catalog import DEFAULT_DEG_TOLERANCE, DEFAULT_PPM_TOLERANCE, Catalog, Query, ingest, parse_tolerance
from ..model import CatalogError
from ._common import echo_json, echo_table, handle_errors, json_option

__all__ = ["ingest_command", "search_command", "show_command", "report_command"]

db_option = click.option(
    "--db", "db", default=None, metavar="URL",
    help="Catalog database: a SQLite path or URL, or postgresql+psycopg://user@host/db "
         "(default: $INSTRUMENTARIUM_CATALOG_URL or catalog.sqlite in the instrumentarium home).",
)


_MAX_PEAKS = 40


def _g(x: float | None) -> str:
    return "" if x is None else f"{x:.4g}"


def _print_summary(d: dict[str, Any]) -> None:
    rows = [[t, c["new"], c["unchanged"], c["failed"]] for t, c in d["by_technique"].items()]
    rows.append(["total", d["new"], d["unchanged"], d["failed"]])
    echo_table(["technique", "new", "unchanged", "failed"], rows,
               title=f"Ingested {d['datasets']} dataset(s) in {d['elapsed_s']:.1f} s "
                     f"with {d['workers']} worker(s)")
    shown = d["failures"][:20]
    for f in shown:
        click.echo(f"  {f['stage'] or 'error'} failed: {f['path']}: {f['error']}")
    if len(d["failures"]) > len(shown):
        click.echo(f"  ... and {len(d['failures']) - len(shown)} more (use --json for all)")


@click.command("ingest")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@click.option("-w", "--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes reading and processing in parallel (the database has one writer).")
@click.option("--recipe", type=click.Choice(["auto", "vendor"]), default="auto", show_default=True,
              help="Processing recipe for every dataset.")
@click.option("--no-analyze", is_flag=True, help="Process and store only; skip peak/phase analysis.")
@click.option("--retry-failed", is_flag=True,
              help="Try again the datasets that failed before (e.g. after updating a reader).")
@json_option
@handle_errors
def ingest_command(folders: tuple[Path, ...], db: str | None, workers: int, recipe: str, no_analyze: bool,
                   retry_failed: bool, as_json: bool) -> None:
    """Catalogue every dataset under FOLDERS: read, process, analyse, store, index.

    A vendor folder (e.g. a Bruker experiment) is one dataset. A rerun adds nothing new;
    after a crash or Ctrl-C a rerun finishes the job. Raw files are never written to.
    """
    with Catalog(db) as cat:
        try:
            summary = ingest(folders, catalog=cat, workers=workers, recipe=recipe, analyze=not no_analyze,
                             progress=not as_json, retry_failed=retry_failed)
        except KeyboardInterrupt:
            click.echo("interrupted: the datasets finished so far are in the catalog; rerun to finish",
                       err=True)
            sys.exit(130)
    d = summary.to_dict()
    d["catalog"] = cat.engine.url.render_as_string(hide_password=True)
    d["store"] = str(cat.store)
    if as_json:
        echo_json(d)
    else:
        _print_summary(d)


def _tolerance(text: str | None, default: float) -> tuple[float, float] | None:
    return None if text is None else parse_tolerance(text, default_tolerance=default)


@click.command("search")
@click.option("--technique", default=None, help="nmr, xrd, ...")
@click.option("--nucleus", default=None, help="Observed nucleus, e.g. 1H, 13C.")
@click.option("--solvent", default=None, help="NMR solvent, e.g. CDCl3.")
@click.option("--phase", default=None, help="Crystalline phase name or formula (substring), e.g. quartz.")
@click.option("--peak-ppm", default=None, metavar="PPM[±TOL]",
              help=f"A peak within TOL ppm (default {DEFAULT_PPM_TOLERANCE}), e.g. 7.26±0.02 or 7.26+-0.02.")
@click.option("--peak-2theta", "peak_2theta", default=None, metavar="DEG[±TOL]",
              help=f"A reflection within TOL degrees 2θ (default {DEFAULT_DEG_TOLERANCE}), e.g. 26.64+-0.05.")
@click.option("--text", default=None, help="Words in the title, path, sample, solvent or instrument.")
@click.option("--limit", default=None, type=click.IntRange(min=1), help="At most this many results.")
@click.option("--failed", is_flag=True, help="List the failed ingests with their errors instead.")
@db_option
@json_option
@handle_errors
def search_command(technique: str | None, nucleus: str | None, solvent: str | None, phase: str | None,
                   peak_ppm: str | None, peak_2theta: str | None, text: str | None, limit: int | None,
                   failed: bool, db: str | None, as_json: bool) -> None:
    """Find measurements in the catalog (every criterion must hold; none lists everything)."""
    if failed:
        with Catalog(db) as cat:
            rows = cat.failures()[:limit]
        if as_json:
            echo_json(rows)
        else:
            echo_table(["stage", "path", "error"], [[r["stage"], r["path"], r["error"]] for r in rows],
                       title=f"{len(rows)} failed ingest(s)")
        return
    query = Query(technique=technique, nucleus=nucleus, solvent=solvent, phase=phase,
                  peak_ppm=_tolerance(peak_ppm, DEFAULT_PPM_TOLERANCE),
                  peak_two_theta_deg=_tolerance(peak_2theta, DEFAULT_DEG_TOLERANCE), text=text, limit=limit)
    with Catalog(db) as cat:
        hits = cat.search(query)
    if as_json:
        echo_json(hits)
        return

    def what(h: dict[str, Any]) -> str:
        if h["nucleus"] or h["solvent"]:
            return " ".join(x for x in (h["nucleus"], h["solvent"]) if x)
        return f"λ {h['wavelength_angstrom']:.4f} Å" if h["wavelength_angstrom"] else ""

    echo_table(["id", "technique", "acquired", "parameters", "status", "title", "path"],
               [[h["id"], h["technique"], (h["acquired_at"] or "")[:10], what(h), h["status"],
                 _short(h["title"] or "", 28), _short_path(h["source"]["path"])] for h in hits],
               title=f"{len(hits)} measurement(s)")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _short_path(path: str, parts: int = 2) -> str:
    """The last folders of a path: enough to recognise a dataset in a table."""
    p = Path(path)
    tail = p.parts[-parts:] if len(p.parts) > parts else p.parts
    return ("…/" if len(p.parts) > parts else "") + "/".join(tail)


@click.command("show")
@click.argument("measurement_id", type=int)
@db_option
@json_option
@handle_errors
def show_command(measurement_id: int, db: str | None, as_json: bool) -> None:
    """Everything the catalog knows about one measurement: source, acquisition, runs, results."""
    with Catalog(db) as cat:
        d = cat.describe(measurement_id)
    if as_json:
        echo_json(d)
        return
    click.echo(f"measurement {d['id']}: {d['technique']}  {d['title'] or ''}")
    click.echo(f"  source     {d['source']['path']} ({d['source']['reader']}, "
               f"{len(d['source']['files'])} file(s), sha256 {d['source']['dataset_sha256'][:16]}…)")
    for k, v in d["acquisition"].items():
        if v not in (None, [], ""):
            click.echo(f"  {k:<26} {v}")
    for r in d["runs"]:
        click.echo(f"  run {r['id']}: {r['status']} recipe {r['recipe_request']} "
                   f"(key {str(r['recipe_key'])[:12]}) v{r['package_version']} -> {r['nxs_path']}")
        if r["error"]:
            click.echo(f"    error: {r['error']}")
    if d["peaks"]:
        shown = d["peaks"][:_MAX_PEAKS]
        more = ""
        if len(d["peaks"]) > _MAX_PEAKS:
            more = f" (first {_MAX_PEAKS} of {len(d['peaks'])}; --json for all)"
        echo_table(["position", "unit", "intensity", "label"],
                   [[f"{p['position']:.4f}", p["unit"], _g(p["intensity"]), p["label"]] for p in shown],
                   title="Peaks" + more)
    if d["multiplets"]:
        echo_table(["δ / ppm", "multiplicity", "J / Hz", "nH"],
                   [[p["center_ppm"], p["multiplicity"], ", ".join(f"{j:.1f}" for j in p["j_hz"]), p["n_h"]]
                    for p in d["multiplets"]], title="Multiplets")
    if d["phases"]:
        echo_table(["phase", "formula", "weight fraction"],
                   [[p["name"], p["formula"], p["weight_fraction"]] for p in d["phases"]], title="Phases")
    for w in d["warnings"]:
        click.echo(f"  warning: {w}")


@click.command("report")
@click.argument("target")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The HTML file to write; the plot is also written beside it as .png.")
@db_option
@json_option
@handle_errors
def report_command(target: str, output: Path, db: str | None, as_json: bool) -> None:
    """Write an HTML report (plot, acquisition, results, provenance) and a PNG of the plot.

    TARGET is a catalog measurement id, a processed .nxs file, or a raw file/folder
    (read and processed with the automatic recipe first).
    """
    from .. import reports

    path = Path(target)
    if target.isdigit() and not path.exists():
        with Catalog(db) as cat:
            nxs = cat.nxs_path(int(target))
        if not nxs.exists():
            raise CatalogError(f"the stored file of measurement {target} is missing: {nxs}; "
                               "rerun `instrumentarium ingest` on its folder")
        m = reports.load_for_report(nxs)
    elif path.exists():
        m = reports.load_for_report(path)
    else:
        raise FileNotFoundError(f"{target}: neither a catalog id nor an existing file or folder")
    html, png = reports.write_report(m, output)
    if as_json:
        echo_json({"html": str(html), "png": str(png), "technique": m.technique})
    else:
        click.echo(f"wrote {html} and {png}")
