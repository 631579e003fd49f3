"""``instrumentarium xrd``: reference database and phase identification commands."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import echo_json, echo_table, handle_errors, json_option

__all__ = ["xrd"]


@click.group()
def xrd() -> None:
    """Powder X-ray diffraction: reference database, phase identification."""


@xrd.group()
def refdb() -> None:
    """The reference database of calculated patterns (SQLite in the instrumentarium home)."""


def _db_path(db: str | None) -> Path:
    from ..xrd.phases.refdb import default_db_path

    return Path(db) if db else default_db_path()


@refdb.command("build")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False), help="Database file (default: <home>/refdb/reference.sqlite).")
@click.option("-j", "--processes", type=int, default=None, help="Worker processes (default: all CPUs).")
@json_option
@handle_errors
def build(folder: Path, db: str | None, processes: int | None, as_json: bool) -> None:
    """Import every CIF under FOLDER (recursively); rerun to resume or add new files."""
    from ..xrd.phases.refdb import ReferenceDB, import_cifs

    path = _db_path(db)
    report = import_cifs(folder, path, processes=processes, progress=not as_json)
    with ReferenceDB(path) as rdb:
        total = len(rdb)
    out = {
        "database": str(path),
        "added": report.added,
        "skipped": report.skipped,
        "failed": [{"path": p, "error": e} for p, e in report.failed],
        "entries": total,
        "seconds": round(report.seconds, 2),
        "cifs_per_second": round(report.rate_per_s, 1),
    }
    if as_json:
        echo_json(out)
        return
    click.echo(
        f"{report.added} added, {report.skipped} already there, {len(report.failed)} broken; "
        f"{total} entries in {path} ({report.rate_per_s:.0f} CIF/s)"
    )
    for p, e in report.failed[:20]:
        click.echo(f"  broken: {p}: {e}", err=True)
    if len(report.failed) > 20:
        click.echo(f"  ... and {len(report.failed) - 20} more (see --json)", err=True)


def _split(values: str | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for v in values.replace(" ", ",").split(",") if v.strip()]


@xrd.command("identify")
@click.argument("pattern", type=click.Path(exists=True, path_type=Path))
@click.option("--elements", help="Elements the sample may contain, e.g. Al,O (others are excluded).")
@click.option("--exclude", help="Elements certainly absent, e.g. Fe,Co.")
@click.option(
    "--db", type=click.Path(dir_okay=False),
    help="Reference database (default: <home>/refdb/reference.sqlite if built, else the starter library).",
)
@click.option("--max-phases", type=int, default=6, show_default=True)
@click.option(
    "--monochromator", "mono", type=float, default=0.0, show_default=True,
    help="Monochromator 2θ (deg) for the polarisation factor, e.g. 26.6 for graphite with Cu.",
)
@click.option(
    "--only", "only", type=int, multiple=True, metavar="ID",
    help="Do not search: quantify exactly these reference ids (repeat the option; main phase first).",
)
@click.option(
    "--reject", "reject", type=int, multiple=True, metavar="ID",
    help="A reference id ruled out (with its duplicates); repeat the option for several.",
)
@json_option
@handle_errors
def identify_cmd(
    pattern: Path, elements: str | None, exclude: str | None, db: str | None, max_phases: int, mono: float,
    only: tuple[int, ...], reject: tuple[int, ...], as_json: bool,
) -> None:
    """Identify the crystalline phases in PATTERN and estimate their weight fractions (RIR).

    With --only, the given reference phases are fitted as they are (no search); the ids are
    those of the ``ref id`` column of an earlier run.
    """
    from ..formats import read
    from ..model import to_plain
    from ..xrd.phases import identify, quantify

    m = read(pattern)
    if isinstance(m, list):
        m = m[0]
    if db is not None and not Path(db).exists():
        raise click.ClickException(f"{db}: no such reference database; build one with 'xrd refdb build DIR'")
    if only and (reject or elements or exclude):
        raise click.UsageError("--only quantifies the given phases; it cannot be combined with "
                               "--reject, --elements or --exclude")
    if only:
        result = quantify(m, list(only), db=db, monochromator_two_theta_deg=mono)
    else:
        result = identify(
            m, elements=_split(elements), exclude=_split(exclude), db=db, max_phases=max_phases,
            monochromator_two_theta_deg=mono, reject=list(reject),
        )
    if as_json:
        out = to_plain(result)
        out["phases"] = [
            {k: p[k] for k in ("name", "formula", "space_group", "score", "weight_fraction", "reference_id")}
            | {"rir": p["rir"], "alternatives": p["alternatives"]}
            for p in out["phases"]
        ]
        echo_json(out)
        return
    echo_table(
        ["phase", "formula", "space group", "score", "wt %", "I/Ic", "ref id"],
        [
            [p.name, p.formula, p.space_group, f"{p.score:.2f}", f"{100 * p.weight_fraction:.1f}", f"{p.rir:.2f}",
             p.reference_id]
            for p in result.phases
        ],
        title=f"{pattern.name}: Rwp {result.rwp:.3f}, {100 * result.explained_fraction:.0f} % of the "
        f"intensity explained, {result.n_references} references searched",
    )
    others = [c for c in result.candidates if c.reference_id not in {p.reference_id for p in result.phases}]
    if others:
        echo_table(
            ["candidate", "formula", "space group", "score", "lines found"],
            [[c.name, c.formula, c.space_group, f"{c.score:.2f}", f"{c.lines_found:.2f}"] for c in others[:8]],
            title="alternatives",
        )
    if result.unexplained_peaks:
        click.echo(
            "unexplained peaks (2θ deg): "
            + ", ".join(f"{p.two_theta_deg:.2f}" for p in result.unexplained_peaks[:30])
        )
