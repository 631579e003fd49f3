"""The plot of a report: the technique's own figure, or a sensible generic one.

The generic plot draws a 1-D signal against its axis (chemical-shift axes decrease to
the right, as spectroscopists read them), marks the peak positions found in the results
(records with ``ppm`` or ``two_theta_deg``), and shows a 2-D signal as a contour map.
Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot), so reports
can be made in threads and servers without a display.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..model import Measurement, to_plain
from ..plugins import techniques

__all__ = ["report_figure", "generic_figure", "figure_png", "peak_positions"]

_PPM_UNITS = {"ppm"}


def peak_positions(results: Any) -> list[float]:
    """Positions (``ppm`` or ``two_theta_deg``) of every peak-like record in ``results``."""
    out: list[float] = []

    def walk(v: Any) -> None:
        if isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for key in ("ppm", "two_theta_deg"):
                if isinstance(v.get(key), int | float) and not isinstance(v.get(key), bool):
                    out.append(float(v[key]))
                    return
            for x in v.values():
                walk(x)

    walk(to_plain(results))
    return out


def generic_figure(m: Measurement, analysis: Any = None) -> Figure:
    """A plot of any measurement: a line for 1-D, contours for 2-D, the first row beyond."""
    fig = Figure(figsize=(8.0, 4.0), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    signal = np.real(np.asarray(m.signal))
    title = getattr(m.acquisition, "title", None) or m.sample.name or m.technique
    if signal.ndim == 2 and min(signal.shape) > 1:
        x, y = m.axes[1], m.axes[0]
        finite = signal[np.isfinite(signal)]
        top = float(np.max(np.abs(finite))) if finite.size else 1.0
        levels = top * np.geomspace(0.02, 1.0, 10) if top > 0 else 10
        ax.contour(x.values, y.values, signal, levels=levels, linewidths=0.6, colors="k")
        ax.set_ylabel(f"{y.name} / {y.unit}")
        if y.unit in _PPM_UNITS:
            ax.invert_yaxis()
    else:
        if signal.ndim > 1:
            signal = signal.reshape(-1, signal.shape[-1])[0]
        x = m.axes[-1]
        ax.plot(x.values, signal, lw=0.8, color="k")
        ax.set_ylabel(m.signal_unit)
        results = dict(m.results)
        if analysis is not None:
            results["analysis"] = analysis
        positions = peak_positions(results)
        if positions and len(x.values):
            lo, hi = float(np.nanmin(x.values)), float(np.nanmax(x.values))
            inside = [p for p in positions if lo <= p <= hi]
            if inside:
                ymax = float(np.nanmax(signal)) if signal.size else 1.0
                ax.plot(inside, [ymax * 1.05] * len(inside), "v", color="tab:red", ms=4, label="peaks")
    ax.set_xlabel(f"{x.name} / {x.unit}")
    if x.unit in _PPM_UNITS:
        ax.invert_xaxis()
    ax.set_title(str(title))
    return fig


def report_figure(m: Measurement, analysis: Any = None) -> Figure:
    """The technique plugin's ``report_figure`` when it has one, else :func:`generic_figure`."""
    plugin = techniques().get(m.technique)
    make = getattr(plugin, "report_figure", None)
    if make is not None:
        fig = make(m, analysis=analysis)
        if fig is not None:
            return fig
    return generic_figure(m, analysis)


def figure_png(fig: Figure, *, dpi: int = 120) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    # tight: a plugin's figure may not leave room for its axis labels
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()
