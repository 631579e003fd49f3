"""``instrumentarium xrd-analyze``: peaks, calibration against a standard, size/strain."""

from __future__ import annotations

from pathlib import Path

import click

from ..formats import read
from ..model import InstrumentariumError, Measurement, ProcessingError, to_plain
from ..pipeline import analyze, process
from ._common import echo_json, echo_table, handle_errors, json_option

__all__ = ["xrd_analyze"]


def _one(path: Path) -> Measurement:
    m = read(path)
    if isinstance(m, list):
        if not m:
            raise ProcessingError(f"{path}: the file holds no pattern")
        m = m[0]
    if m.technique != "xrd":
        raise ProcessingError(f"{path}: not an XRD pattern ({m.technique})")
    return m


@click.command("xrd-analyze")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--standard", type=click.Choice(["LaB6", "Si", "CeO2"]), default=None,
              help="PATH is this standard: fit zero shift, displacement, lattice parameter, "
                   "Caglioti U,V,W.")
@click.option("--instrument-from", "instrument_from", type=click.Path(exists=True, path_type=Path),
              default=None,
              help="A standard's pattern (LaB6) giving the instrument function for size/strain.")
@click.option("--profile", type=click.Choice(["tch", "pseudo_voigt"]), default="tch", show_default=True)
@click.option("--axial-asymmetry", "axial_asymmetry", is_flag=True,
              help="With --standard: line positions from Finger-Cox-Jephcoat asymmetric profiles (slower, "
                   "more accurate lattice parameter).")
@json_option
@handle_errors
def xrd_analyze(path: Path, standard: str | None, instrument_from: Path | None, profile: str,
                axial_asymmetry: bool, as_json: bool) -> None:
    """Analyse a powder pattern: fitted peaks, calibration, Scherrer and Williamson-Hall."""
    instrument = None
    if instrument_from is not None:
        std = analyze(process(_one(instrument_from)), standard="LaB6", profile=profile)
        instrument = std.instrument_function
        if instrument is None:
            raise InstrumentariumError(f"{instrument_from}: no instrument function could be derived")
    if axial_asymmetry and standard is None:
        raise InstrumentariumError("--axial-asymmetry needs --standard (it refines a standard's line positions)")
    result = analyze(process(_one(path)), standard=standard, instrument=instrument, profile=profile,
                     axial_asymmetry=axial_asymmetry)
    if as_json:
        echo_json({"path": str(path), **to_plain(result)})
        return
    rows = [[f"{p.two_theta_deg:.4f}", f"{p.d_angstrom:.5f}", f"{p.height:.1f}",
             f"{p.relative_intensity_percent:.1f}", f"{p.fwhm_deg:.4f}"] for p in result.peaks]
    echo_table(["2theta (deg)", "d (A)", "height", "I/I0 (%)", "FWHM (deg)"], rows,
               title=f"{path.name}: peaks")
    if result.calibration is not None:
        c = result.calibration
        click.echo(f"calibration ({c.standard}): a = {c.lattice_a_angstrom:.6f} "
                   f"+/- {c.lattice_a_sigma_angstrom:.6f} A, "
                   f"zero {c.zero_shift_deg:+.4f} deg, displacement {c.displacement_mm:+.4f} mm, "
                   f"max residual {c.residual_max_deg:.4f} deg over {c.n_peaks} reflections"
                   + ("" if c.axial_sh_l is None else f", FCJ S/L = H/L {c.axial_sh_l:.4f}"))
    for r in (result.scherrer, result.williamson_hall):
        if r is not None:
            strain = "" if r.strain is None else f", strain {r.strain:.2e}"
            click.echo(f"{r.method}: size {r.size_nm:.1f} nm{strain} ({r.n_peaks} peaks)")
    for w in result.warnings:
        click.echo(f"warning: {w}")
