
"""Background estimation for powder patterns that leaves amorphous humps alone.

Four methods, chosen by name: ``"snip"`` (Ryan et al. 1988; Morháč et al. 1997, via
pybaselines), ``"sonneveld_visser"`` (Sonneveld & Visser 1975, the classic XRD method of
HighScore/EVA, implemented here), ``"polynomial"`` (improved modified polyfit, Zhao et al.
2007, via pybaselines) and ``"als"`` (asymmetric least squares, Eilers & Boelens 2005, via
pybaselines). Window sizes are given in degrees 2θ, so the same recipe works at any step.
A broad amorphous hump (several degrees wide) is part of the sample. A clipping
background follows every feature wider than its window and passes under narrower ones,
so the default ``keep_amorphous=True`` uses a window as wide as a hump (40 FWHM of the
Bragg peaks, 4–8°) and most of a hump stays in the signal; ``keep_amorphous=False``
uses a window just wider than the Bragg peaks (8 FWHM, 0.5–2°), so the background
bends into humps and removes them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from pybaselines import Baseline

from ...model import Measurement, ProcessingError, register_record
from ...pipeline import StepOutput, step
from ._radiation import counting_sigma, two_theta_deg

__all__ = ["XRDBackground", "estimate_background", "lift_to_noise_median", "sonneveld_visser", "background",
           "METHODS"]

METHODS = ("snip", "sonneveld_visser", "polynomial", "als")


@register_record("xrd.background")
@dataclass(frozen=True)
class XRDBackground:
    """The background subtracted from a pattern (same points as the pattern)."""

    method: str
    intensity: np.ndarray


def sonneveld_visser(y: np.ndarray, *, n_points: int = 100, iterations: int = 50) -> np.ndarray:
    """Sonneveld–Visser background: iterated mean-of-neighbours clipping.

    The pattern is reduced to ``n_points`` equidistant nodes (local minima of each
    segment); each iteration replaces a node by the mean of its neighbours when that
    mean is lower; the nodes are then interpolated back to every point.

    References
    ----------
    Sonneveld, E. J. & Visser, J. W. (1975). J. Appl. Cryst. 8, 1–7.
    """
    y = np.asarray(y, float)
    n = y.size
    k = int(min(max(n_points, 4), n))
    edges = np.linspace(0, n, k + 1).astype(int)
    idx = np.array([a + int(np.argmin(y[a:b])) for a, b in itertools.pairwise(edges) if b > a])
    p = y[idx].copy()
    for _ in range(iterations):
        mean = 0.5 * (p[:-2] + p[2:])
        p[1:-1] = np.minimum(p[1:-1], mean)
    return np.interp(np.arange(n), idx, p)


def estimate_background(two_theta: np.ndarray, y: np.ndarray, *, method: str = "snip",
                        window_deg: float = 1.0, poly_order: int = 4) -> np.ndarray:
    """Return the background of ``y`` on the 2θ grid ``two_theta`` (degrees).

    ``window_deg`` is the SNIP clipping half window, 4 × the Sonneveld–Visser node
    spacing, and sets the ALS smoothness (λ = (window in points / 4)⁴); ``poly_order``
    is for ``"polynomial"``.
    """
    x = np.asarray(two_theta, float)
    y = np.asarray(y, float)
    step_deg = float(np.median(np.diff(x)))
    # a window longer than a quarter of the scan has no background left to see
    half = int(min(max(round(window_deg / step_deg), 2), max(y.size // 4, 2)))
    fitter = Baseline(x_data=x, check_finite=False)
    if method == "snip":
        bkg, _ = fitter.snip(y, max_half_window=min(half, (y.size - 1) // 2), decreasing=True,
                             smooth_half_window=min(3, max(half // 10, 1)),
                             # pybaselines' default linear extrapolation of the edges runs
                             # away when a strong peak sits near the scan's end
                             pad_kwargs={"mode": "edge"})
    elif method == "sonneveld_visser":
        bkg = sonneveld_visser(y, n_points=max(int(4 * (x[-1] - x[0]) / window_deg), 8))
    elif method == "polynomial":
        bkg, _ = fitter.imodpoly(y, poly_order=poly_order, num_std=0.5)
    elif method == "als":
        lam = float(min(max(half / 4, 2) ** 4, 1e12))
        bkg, _ = fitter.asls(y, lam=lam, p=0.01)
    else:
        raise ProcessingError(f"unknown background method {method!r}; choose one of {', '.join(METHODS)}")
    return np.minimum(np.asarray(bkg, float), np.maximum(y, np.min(y)))


@step("xrd.background", technique="xrd")
def background(m: Measurement, *, method: str = "snip", keep_amorphous: bool = True,
               window_deg: float | None = None, poly_order: int = 4) -> StepOutput:
    """Estimate and subtract the background; keep it in ``m.results["background"]``.

    Parameters
    ----------
    method
        ``"snip"`` (default), ``"sonneveld_visser"``, ``"polynomial"`` or ``"als"``
        (see the module notes for the papers).
    keep_amorphous
        Keep broad humps (glass, amorphous content) in the signal: the window is
        40 × the typical FWHM of the strongest peaks, clipped to 4–8°, wider than a
        hump, so the background passes under it. ``False`` lets the background follow
        humps (window 8 FWHM, clipped to 0.5–2°), removing them with it.
    window_deg
        Override the automatic window (degrees 2θ).
    poly_order
        Order for ``method="polynomial"``.

    The subtracted background is stored as :class:`XRDBackground`, so the total
    intensity (for counting statistics) and the report plot can be rebuilt.
    """
    if method not in METHODS:
        raise ProcessingError(f"unknown background method {method!r}; choose one of {', '.join(METHODS)}")
    x = two_theta_deg(m)
    y = np.asarray(m.signal, float)
    if not np.all(np.isfinite(y)):
        raise ProcessingError("background: the pattern has non-finite intensities")
    fwhm_deg = _typical_fwhm_deg(x, y)
    if window_deg is not None:
        win = window_deg
    elif keep_amorphous:
        win = float(np.clip(40 * fwhm_deg, 4.0, 8.0))
    else:
        win = float(np.clip(8 * fwhm_deg, 0.5, 2.0))
    if win <= 0:
        raise ProcessingError(f"background: window_deg must be > 0, got {win}")
    bkg = estimate_background(x, y, method=method, window_deg=win, poly_order=poly_order)
    bkg, offset = lift_to_noise_median(y, bkg, counting_sigma(_total(m, y), m))
    previous = m.results.get("background")
    total_bkg = bkg + previous.intensity if isinstance(previous, XRDBackground) else bkg
    # the background is a smooth estimate: the net signal keeps the raw values' errors
    out = m.replace(signal=y - bkg, signal_errors=m.signal_errors).with_results(
        background=XRDBackground(method, total_bkg))
    frac = float(np.sum(bkg) / max(np.sum(np.abs(y)), 1e-300))
    decisions = {"window_deg": round(win, 4), "noise_offset": round(offset, 6),
                 "typical_fwhm_deg": round(fwhm_deg, 4),
                 "background_fraction": round(frac, 4), "confidence": 0.9}
    warns = []
    if not keep_amorphous and window_deg is None and 8 * fwhm_deg > 2.0:
        decisions["confidence"] = 0.5
        warns.append(f"peaks are broad (FWHM ~{fwhm_deg:.2f} deg): the background window is capped at 2 deg "
                     "and may cut into them")
    return StepOutput(out, decisions=decisions, warnings=warns)


def _total(m: Measurement, y: np.ndarray) -> np.ndarray:
    previous = m.results.get("background")
    return y + previous.intensity if isinstance(previous, XRDBackground) else y


def lift_to_noise_median(y: np.ndarray, bkg: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, float]:
    """Lift a clipping background to the middle of the noise.

    SNIP and Sonneveld–Visser follow the lower envelope of the counting noise, so the
    net pattern sits about one σ above zero and noise becomes "peaks". The offset is
    the median residual over background points (residual < 2σ), iterated.
    """
    # start from a low percentile, so a background far below the data (short scans,
    # edge effects) is still found; then iterate on the points within 2 sigma
    offset = float(np.percentile(y - bkg, 30))
    for _ in range(8):
        r = (y - bkg - offset) / np.maximum(sigma, 1e-300)
        mask = np.abs(r) < 2.0
        if mask.sum() < 10:
            break
        step = float(np.median((y - bkg - offset)[mask]))
        offset += step
        if abs(step) < 1e-3 * float(np.median(sigma)):
            break
    return bkg + offset, offset


def _typical_fwhm_deg(x: np.ndarray, y: np.ndarray) -> float:
    """FWHM of the strongest peaks (deg), measured above a rough lower envelope."""
    from scipy.ndimage import minimum_filter1d
    from scipy.signal import find_peaks, peak_widths, savgol_filter

    step_deg = float(np.median(np.diff(x)))
    ys = savgol_filter(y, 5, 2) if y.size >= 5 else y
    env = minimum_filter1d(ys, size=max(round(5.0 / step_deg), 3), mode="nearest")
    net = ys - env
    idx, _ = find_peaks(net, prominence=max(float(np.ptp(net)) * 0.05, 1e-300))
    if idx.size == 0:
        return 0.1
    top = idx[np.argsort(net[idx])[::-1][:10]]
    w = peak_widths(net, top, rel_height=0.5)[0]
    w = w[np.isfinite(w) & (w > 0)]
    return float(np.median(w) * step_deg) if w.size else 0.1
