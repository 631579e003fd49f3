"""The analysis report: spectrum with peaks, integrals and multiplet labels (PNG, HTML).

``report_figure`` and ``report_tables`` are what the technique plugin exposes to the
generic ``instrumentarium report`` command; ``write_report`` writes a self-contained
HTML page (the PNG embedded as base64) and the PNG beside it. Matplotlib's object API
(``Figure`` + Agg canvas) is used, so no GUI backend or global pyplot state is touched.
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ...model import Measurement
from ._analyze import spectrum_arrays
from ._records import NMRAnalysis

__all__ = ["axis_note", "report_figure", "report_tables", "write_report"]

_KIND_COLOURS = {
    "compound": "C0",
    "solvent": "C2",
    "water": "C9",
    "impurity": "C3",
    "tms": "C7",
    "c13_satellite": "C8",
    "reference": "C7",
    "artifact": "0.7",
}


def _analysis(m: Measurement, analysis: NMRAnalysis | None) -> NMRAnalysis:
    from . import analysis_of

    return analysis if analysis is not None else analysis_of(m)


def report_figure(m: Measurement, analysis: NMRAnalysis | None = None) -> Figure:
    """Return the report figure: spectrum (ppm decreasing), peak ticks by kind, integral curves, labels."""
    a = _analysis(m, analysis)
    y, ppm = spectrum_arrays(m)
    fig = Figure(figsize=(11, 5.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    sig = [p for p in a.peaks if p.kind == "compound"]
    top = max((p.intensity for p in sig), default=float(np.max(y))) or 1.0
    if a.multiplets:
        hi = max(mp.range_ppm[0] for mp in a.multiplets) + 0.3
        lo = min(mp.range_ppm[1] for mp in a.multiplets) - 0.3
        sel = (ppm <= hi) & (ppm >= lo)
    else:
        sel = np.ones_like(ppm, dtype=bool)
    ax.plot(ppm[sel], y[sel], lw=0.7, color="k")
    ax.set_xlim(ppm[sel][0], ppm[sel][-1])
    ax.set_ylim(-0.08 * top, 1.35 * top)
    for p in a.peaks:
        ax.plot(
            [p.ppm, p.ppm],
            [min(p.intensity, 1.2 * top) + 0.02 * top, min(p.intensity, 1.2 * top) + 0.06 * top],
            color=_KIND_COLOURS.get(p.kind, "C0"),
            lw=0.6,
        )
    y0 = y - 0.0
    step = abs(ppm[1] - ppm[0])
    range_h: dict[tuple[float, float], float] = {}  # two overlapping multiplets share one range
    for mp in a.multiplets:
        range_h[mp.range_ppm] = range_h.get(mp.range_ppm, 0.0) + mp.n_h
    drawn: set[tuple[float, float]] = set()
    for mp in a.multiplets:
        r = (ppm <= mp.range_ppm[0]) & (ppm >= mp.range_ppm[1])
        if r.sum() < 2:
            continue
        cum = np.cumsum(y0[r]) * step
        if cum[-1] != 0 and mp.range_ppm not in drawn:
            drawn.add(mp.range_ppm)
            ax.plot(
                ppm[r],
                -0.05 * top + 0.25 * top * cum / abs(cum[-1]) * min(1.0, range_h[mp.range_ppm] / 3 + 0.3),
                color="C1",
                lw=0.8,
            )
        label = mp.multiplicity if mp.kind == "compound" else (mp.label or mp.kind)
        ax.annotate(
            f"{label}\n{mp.n_h:.2f}H" if mp.kind == "compound" else label,
            (mp.center_ppm, 1.22 * top),
            ha="center",
            va="bottom",
            fontsize=7,
            rotation=90,
            color=_KIND_COLOURS.get(mp.kind, "C0"),
        )
    ax.set_xlabel(f"δ({a.nucleus}) / ppm")
    ax.set_ylabel("intensity")
    ax.set_title(f"{a.nucleus} NMR, {a.frequency_mhz:.0f} MHz, {a.solvent or 'solvent unknown'}", fontsize=10)
    return fig


def report_tables(
    m: Measurement, analysis: NMRAnalysis | None = None
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Return the report's tables: multiplets and peaks, as (title, headers, rows)."""
    a = _analysis(m, analysis)
    mult_rows = [
        [
            f"{mp.center_ppm:.3f}",
            f"{mp.range_ppm[0]:.3f}\u2013{mp.range_ppm[1]:.3f}",
            mp.multiplicity,
            ", ".join(f"{j:.1f}" for j in mp.j_hz),
            f"{mp.n_h:.2f}",
            mp.kind + (f" ({mp.label})" if mp.label else ""),
        ]
        for mp in sorted(a.multiplets, key=lambda x: -x.center_ppm)
    ]
    peak_rows = [
        [f"{p.ppm:.4f}", f"{p.intensity:.4g}", f"{p.width_hz:.2f}", f"{p.snr:.0f}", p.kind] for p in a.peaks
    ]
    return [
        ("Multiplets", ["δ / ppm", "range / ppm", "multiplicity", "J / Hz", "nH", "kind"], mult_rows),
        ("Peaks", ["δ / ppm", "intensity", "width / Hz", "S/N", "kind"], peak_rows),
    ]


def axis_note(a: NMRAnalysis) -> str:
    """One sentence on an axis whose solvent residual is off its table shift (empty when it is not)."""
    if not a.axis_offset_ppm:
        return ""
    return (
        f"the {a.solvent} residual line lies {a.axis_offset_ppm:+.3f} ppm from its table shift, so the "
        "axis was not referenced to it; solvent and impurities were recognised on the corrected shifts, "
        "the shifts reported are the spectrum's own. To report referenced shifts, re-reference first: "
        f"instrumentarium.nmr.processing.reference(spec, shift_ppm={-a.axis_offset_ppm:+.3f})."
    )


def write_report(m: Measurement, path: str | os.PathLike[str], analysis: NMRAnalysis | None = None) -> Path:
    """Write an HTML report (PNG embedded) to ``path`` and the PNG beside it; return the HTML path."""
    a = _analysis(m, analysis)
    path = Path(path)
    fig = report_figure(m, a)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    png = buf.getvalue()
    path.with_suffix(".png").write_bytes(png)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(a.nucleus)} NMR report</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>",
        f"<h1>{html.escape(a.nucleus)} NMR</h1>",
        f"<p>{html.escape(a.report)}</p>",
        f"<p>Noise (SD): {a.noise:.4g}; lines: {len(a.peaks)}; multiplets: {len(a.multiplets)}</p>",
        *([f"<p><b>Axis check:</b> {html.escape(note)}</p>"] if (note := axis_note(a)) else []),
        f"<img alt='spectrum' src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}'>",
    ]
    for title, headers, rows in report_tables(m, a):
        parts.append(
            f"<h2>{html.escape(title)}</h2><table><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in headers)
            + "</tr>"
        )
        parts += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
