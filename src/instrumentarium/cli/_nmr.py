"""``instrumentarium nmr-analyze``: peaks, multiplets, journal report and exports of a 1-D spectrum."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ..formats import read
from ..pipeline import process as run_process
from ._common import echo_json, echo_table, handle_errors, json_option

__all__ = ["nmr_analyze"]


def _ref(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        ppm, nh = text.split(":")
        return float(ppm), float(nh)
    except ValueError as exc:
        raise click.BadParameter(f"expected PPM:NH such as 3.43:1, got {text!r}") from exc


@click.command("nmr-analyze")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--reference", default=None, help="PPM:NH, the range at PPM integrates to NH protons.")
@click.option("--total-h", type=int, default=None, help="The molecule's H count (normalises integrals).")
@click.option(
    "--formula",
    default=None,
    help="The molecule's formula, e.g. C62H111N11O12: with no F or P in it, a methyl 'doublet' over 10 Hz "
    "is two singlets and no doublet exceeds 20 Hz.",
)
@click.option("--solvent", default=None, help="Override the solvent named in the file (e.g. CDCl3).")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write an HTML report (and a PNG beside it).",
)
@click.option(
    "--export",
    "export_paths",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Export to .jdx/.dx (spectrum), .nmredata.sdf or .csv (peaks + multiplets); repeatable.",
)
@click.option("--reader", default=None, help="Force a reader by name.")
@json_option
@handle_errors
def nmr_analyze(
    path: Path,
    reference: str | None,
    total_h: int | None,
    formula: str | None,
    solvent: str | None,
    report_path: Path | None,
    export_paths: tuple[Path, ...],
    reader: str | None,
    as_json: bool,
) -> None:
    """Analyse a 1-D NMR spectrum (a raw FID is processed with the automatic recipe first)."""
    from ..nmr.analysis import analyze, with_analysis
    from ..nmr.analysis.report import write_report
    from ..nmr.exporters import CSVExporter, JCAMPExporter, NMReDATAExporter

    m = read(path, reader=reader)
    if m.ndim == 1 and m.axes[0].unit != "ppm":
        m = run_process(m)
    if formula:
        m = m.replace(sample=dataclasses.replace(m.sample, formula=formula.strip()))
    a = analyze(m, reference=_ref(reference), total_h=total_h, solvent=solvent)
    m = with_analysis(m, a)
    written = []
    for out in export_paths:
        name = out.name.lower()
        exporter = (
            NMReDATAExporter()
            if name.endswith(".sdf")
            else CSVExporter()
            if name.endswith(".csv")
            else JCAMPExporter()
            if name.endswith((".jdx", ".dx"))
            else None
        )
        if exporter is None:
            raise click.BadParameter(f"unknown export type for {out}; use .jdx, .dx, .nmredata.sdf or .csv")
        written.append(str(exporter.export(m, out)))
    if report_path is not None:
        written.append(str(write_report(m, report_path, a)))
    if as_json:
        echo_json({"path": str(path), "analysis": a, "written": written})
        return
    click.echo(a.report)
    rows = [
        [
            f"{mp.center_ppm:.3f}",
            mp.multiplicity,
            ", ".join(f"{j:.1f}" for j in mp.j_hz),
            f"{mp.n_h:.2f}",
            mp.kind + (f" ({mp.label})" if mp.label else ""),
        ]
        for mp in a.multiplets
    ]
    echo_table(["δ / ppm", "mult.", "J / Hz", "nH", "kind"], rows, title="Multiplets")
    for w in written:
        click.echo(f"wrote {w}")
