
"""Report figure and tables for a powder pattern (used by the technique plugin)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import Measurement, to_plain

__all__ = ["pattern_figure", "report_tables"]


def _peaks(m: Measurement, analysis: Any) -> list[Any]:
    """The fitted XRD peaks (other peak-like records, e.g. from a plugin or a demo, are not drawn)."""
    from .analysis._records import XRDPeak

    if analysis is not None and getattr(analysis, "peaks", None) is not None:
        items = list(analysis.peaks)
    else:
        found = m.results.get("peaks") or ()
        items = list(found) if isinstance(found, (tuple, list)) else [found]
    return [p for p in items if isinstance(p, XRDPeak)]


def _phase_sticks(phases: Any) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, 2θ, relative intensity) for each phase result that carries sticks."""
    items = phases if isinstance(phases, (tuple, list)) else (phases,)
    out = []
    for ph in items:
        d = to_plain(ph)
        if not isinstance(d, dict):
            continue
        tt = next((d[k] for k in ("two_theta_deg", "stick_two_theta_deg", "positions_deg") if k in d), None)
        inten = next((d[k] for k in ("intensity", "relative_intensity", "stick_intensity", "intensities")
                      if k in d), None)
        if tt is None:
            continue
        tt = np.atleast_1d(np.asarray(tt, float))
        inten = np.ones_like(tt) if inten is None else np.atleast_1d(np.asarray(inten, float))
        if inten.shape != tt.shape:
            inten = np.ones_like(tt)
        name = str(d.get("name") or d.get("phase") or d.get("formula") or "phase")
        out.append((name, tt, inten))
    return out


def pattern_figure(m: Measurement, analysis: Any = None) -> Any:
    """Matplotlib figure: measured pattern, background, peak markers, phase sticks."""
    from matplotlib.figure import Figure

    x = np.asarray(m.axes[0].values, float)
    y = np.asarray(m.signal, float)
    bkg = m.results.get("background")
    b = np.asarray(bkg.intensity, float) if getattr(bkg, "intensity", None) is not None else None
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.add_subplot()
    total = y + b if b is not None and b.shape == y.shape else y
    ax.plot(x, total, lw=0.7, color="k", label="pattern")
    if b is not None and b.shape == y.shape:
        ax.plot(x, b, lw=0.8, color="tab:orange", label="background")
    peaks = _peaks(m, analysis)
    if peaks:
        px = np.array([p.two_theta_deg for p in peaks])
        base = np.interp(px, x, b) if b is not None and b.shape == y.shape else 0.0
        ax.plot(px, np.array([p.height for p in peaks]) + base, "v", ms=4, color="tab:red",
                label=f"peaks ({len(peaks)})")
    phases = m.results.get("phases")
    if phases is not None:
        top = float(np.max(total)) if total.size else 1.0
        for k, (name, tt, inten) in enumerate(_phase_sticks(phases)):
            scale = inten / max(float(np.max(inten)), 1e-300)
            off = -0.06 * top * (k + 1)
            ax.vlines(tt, off, off + 0.05 * top * scale, color=f"C{(k + 2) % 10}", lw=1, label=name)
    ax.set_xlabel("2θ (deg)")
    ax.set_ylabel(f"intensity ({m.signal_unit})")
    ax.set_xlim(x[0], x[-1])
    ax.legend(loc="upper right", fontsize=8)
    return fig


def report_tables(m: Measurement, analysis: Any = None) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) tables: peaks; calibration and size/strain when known."""
    rows = []
    for p in _peaks(m, analysis):
        rows.append([f"{p.two_theta_deg:.4f}", f"{p.d_angstrom:.5f}", f"{p.height:.1f}", f"{p.area:.2f}",
                     f"{p.relative_intensity_percent:.1f}", f"{p.fwhm_deg:.4f}",
                     f"{p.integral_breadth_deg:.4f}"])
    tables = [("Peaks", ["2θ (deg)", "d (Å)", "height", "area", "I/I0 (%)", "FWHM (deg)", "β (deg)"], rows)]
    cal = getattr(analysis, "calibration", None)
    if cal is not None:
        headers = ["standard", "a (Å)", "zero (deg)", "displacement (mm)", "max residual (deg)"]
        tables.append(("Calibration", headers,
                       [[cal.standard, f"{cal.lattice_a_angstrom:.6f} ± {cal.lattice_a_sigma_angstrom:.6f}",
                         f"{cal.zero_shift_deg:.4f}", f"{cal.displacement_mm:.4f}",
                         f"{cal.residual_max_deg:.4f}"]]))
    ss = [r for r in (getattr(analysis, "scherrer", None), getattr(analysis, "williamson_hall", None)) if r]
    if ss:
        tables.append(("Size and strain", ["method", "size (nm)", "strain", "peaks", "instrument-corrected"],
                       [[r.method, f"{r.size_nm:.1f}", "" if r.strain is None else f"{r.strain:.2e}",
                         r.n_peaks, r.instrument_corrected] for r in ss]))
    return tables
