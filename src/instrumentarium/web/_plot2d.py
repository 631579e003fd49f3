"""What the browser draws of a 2-D measurement: a downsampled matrix for contours, or stacked rows.

A 2-D NMR spectrum (COSY, HSQC...) is drawn as contours with ppm on both axes; a pseudo-2-D
series (T1 inversion recovery, kinetics: a short list of delays by a chemical-shift axis) as
stacked 1-D rows. The matrix sent to the browser is reduced block by block keeping, in every
block, the point of largest magnitude with its sign, so that narrow cross peaks and negative
(phase-sensitive, multiplicity-edited) peaks survive any reduction: the 2-D form of the min-max
decimation of the 1-D curves (Jugel et al., Proc. VLDB Endow. 7, 797 (2014)).

Contour levels are geometric, as in TopSpin and NMRPipe: the lowest a few times the noise
(robust standard deviation from the median absolute deviation, Hampel, J. Am. Stat. Assoc.
69, 383 (1974)), each the previous times a constant factor, up to the largest magnitude;
negative levels mirror the positive ones for phase-sensitive data.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..model import Measurement

__all__ = ["MAX_CELLS", "contour_levels", "is_stacked", "plot_data_2d", "reduce_blocks"]

#: Default bound on the number of matrix cells sent to the browser (256 x 512).
MAX_CELLS = 131_072
#: Pseudo-2-D series have at most this many rows on a non-spectral first axis.
MAX_STACKED_ROWS = 64
_SPECTRAL_UNITS = ("ppm", "hz", "khz", "mhz")


def _reduce_last(z: np.ndarray, f: int) -> np.ndarray:
    """Blocks of ``f`` along the last axis -> the value of largest magnitude of each."""
    n = z.shape[-1]
    pad = (-n) % f
    if pad:  # zeros never win a block that holds data
        z = np.concatenate([z, np.zeros((*z.shape[:-1], pad), z.dtype)], axis=-1)
    b = z.reshape(*z.shape[:-1], z.shape[-1] // f, f)
    pick = np.abs(b).argmax(axis=-1)
    return np.take_along_axis(b, pick[..., None], axis=-1)[..., 0]


def reduce_blocks(z: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reduce a matrix to at most ``rows`` x ``cols`` cells; in each block the value of largest magnitude.

    Returns ``(reduced, row_index, col_index)``: the reduced matrix and, per reduced row and
    column, the index of the first original row/column of its block (for the axis values).
    Columns are reduced first, then rows (the same result as whole blocks, with less memory).
    """
    n1, n2 = z.shape
    f1, f2 = max(1, math.ceil(n1 / max(rows, 1))), max(1, math.ceil(n2 / max(cols, 1)))
    out = z
    if f2 > 1:
        out = _reduce_last(out, f2)
    if f1 > 1:
        out = _reduce_last(out.T, f1).T
    return out, np.arange(0, n1, f1), np.arange(0, n2, f2)


def _block_centres(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    ends = np.append(starts[1:], len(values))
    return np.array([values[a:b].mean() for a, b in zip(starts, ends, strict=True)])


def _noise(z: np.ndarray) -> float:
    v = np.ravel(z)
    if v.size > 200_000:
        v = v[:: v.size // 200_000]  # a regular subsample is plenty for a robust spread
    v = v[np.isfinite(v)]
    mad = float(np.median(np.abs(v - np.median(v)))) if v.size else 0.0
    return 1.4826 * mad


def contour_levels(z: np.ndarray, *, n_levels: int = 12, noise_multiple: float = 5.0,
                   noise: float | None = None) -> dict[str, Any]:
    """Geometric contour levels: ``{"positive": [...], "negative": [...], "base", "factor", "noise"}``.

    The lowest level is ``noise_multiple`` times the noise (at least 1 % of the largest
    magnitude, at most 50 %); the factor spreads ``n_levels`` levels up to the largest value.
    Negative levels are given only where the data go below minus the lowest level
    (phase-sensitive or edited spectra). ``noise`` overrides the estimate from ``z`` (e.g.
    the noise of the full matrix when ``z`` is its reduction, which keeps the extremes).
    """
    finite = z[np.isfinite(z)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    if top == 0.0:
        return {"positive": [], "negative": [], "base": 0.0, "factor": 1.0, "noise": 0.0}
    noise = _noise(z) if noise is None else float(noise)
    base = min(max(noise_multiple * noise, 0.01 * top), 0.5 * top)
    factor = (top / base) ** (1 / max(n_levels - 1, 1)) if top > base else 1.0
    levels = [base * factor**k for k in range(n_levels)]
    pos = [v for v in levels if v <= float(finite.max()) * 1.0001]
    neg = [-v for v in levels if -v >= float(finite.min()) * 1.0001]
    return {"positive": pos, "negative": neg, "base": base, "factor": factor, "noise": noise}


def is_stacked(m: Measurement) -> bool:
    """A pseudo-2-D series: few rows along a first axis that is not spectral (delays, times, temperatures)."""
    first = m.axes[0]
    return m.ndim == 2 and m.shape[0] <= MAX_STACKED_ROWS and (first.unit or "").lower() not in _SPECTRAL_UNITS


def _axis(a: Any) -> dict[str, Any]:
    return {"name": a.name, "unit": a.unit, "reversed": bool(a.is_descending or a.unit == "ppm")}


def _round(values: np.ndarray) -> list:
    """Axis values to 6 decimals (far below a plotted pixel); NaN/inf as null."""
    v = np.round(np.asarray(values, float).ravel(), 6)
    return [x if math.isfinite(x) else None for x in v.tolist()]


#: The matrix goes to the browser as integers: ``z * z_scale`` is the signal (1/32767 of its range).
_Z_STEPS = 32767


def plot_data_2d(m: Measurement, *, max_cells: int = MAX_CELLS, max_points: int = 8000) -> dict[str, Any]:
    """The JSON a browser draws of a 2-D measurement (real part).

    ``kind`` is ``"contour"`` (``x``: second axis, ``y``: first axis, ``z``: rows of the
    reduced matrix as integers, the signal being ``z * z_scale``; ``levels`` in signal
    units) or ``"stacked"`` (``rows``: one decimated curve per row of the first axis,
    labelled with its value). ``shape`` is the full matrix shape.
    """
    from ._summary import decimate

    z = np.real(np.asarray(m.signal)).astype(float)
    f1, f2 = m.axes[0], m.axes[1]
    x_all = np.asarray(f2.values, float)
    out: dict[str, Any] = {
        "shape": list(z.shape), "n_points": int(z.size), "signal_unit": m.signal_unit,
        "is_complex": m.is_complex, "axis": _axis(f2), "axis_f1": _axis(f1),
        "peaks": [], "integrals": [], "sticks": [],
    }
    if is_stacked(m):
        per_row = max(64, max_points // max(z.shape[0], 1))
        rows = []
        for i, v in enumerate(np.asarray(f1.values, float)):
            xd, yd = decimate(x_all, z[i], per_row)
            rows.append({"label": f"{f1.name} = {v:.4g} {f1.unit}".rstrip(), "value": float(v),
                         "x": _round(xd), "y": _round(yd)})
        out.update(kind="stacked", rows=rows)
        return out
    cols_cap = max(2, int(math.sqrt(2 * max_cells)))
    rows_cap = max(2, max_cells // cols_cap)
    reduced, ri, ci = reduce_blocks(z, rows_cap, cols_cap)
    reduced = np.where(np.isfinite(reduced), reduced, 0.0)
    top = float(np.abs(reduced).max()) or 1.0
    out.update(
        kind="contour",
        x=_round(_block_centres(x_all, ci)),
        y=_round(_block_centres(np.asarray(f1.values, float), ri)),
        z=np.rint(reduced * (_Z_STEPS / top)).astype(np.int32).tolist(),
        z_scale=top / _Z_STEPS,
        levels=contour_levels(reduced, noise=_noise(z)),
        reduced_shape=list(reduced.shape),
    )
    return out
