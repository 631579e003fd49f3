"""Prepare a measured pattern for search-match: background, noise, peaks, instrument width.

This is the minimal peak finding search-match needs (the full processing chain lives in
the XRD processing package): SNIP background (Ryan et al., Nucl. Instrum. Methods B34
(1988) 396, via pybaselines), Savitzky–Golay smoothing, peaks as local maxima whose
prominence exceeds a multiple of the noise, and an instrument FWHM(2θ) = c0 + c1·tanθ
fitted to the strongest isolated peaks (the Caglioti form, Caglioti et al. 1958, reduced
to what a handful of peaks can constrain).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...model import Measurement, ProcessingError
from .calculate import CU_KA1_ANGSTROM, CU_KA2_ANGSTROM

__all__ = ["PreparedPattern", "prepare_pattern"]


@dataclass(frozen=True)
class PreparedPattern:
    """A pattern ready for search-match (all arrays on the measured 2θ grid, deg)."""

    two_theta: np.ndarray
    counts: np.ndarray
    background: np.ndarray
    net: np.ndarray
    weights: np.ndarray
    noise: float
    peak_two_theta: np.ndarray
    peak_height: np.ndarray
    fwhm_c0: float
    fwhm_c1: float
    wavelength_angstrom: float
    wavelength2_angstrom: float | None
    ka2_ratio: float

    def fwhm(self, two_theta) -> np.ndarray:
        """Observed FWHM (deg) at 2θ (deg)."""
        t = np.tan(np.radians(np.asarray(two_theta, dtype=float) / 2))
        return np.maximum(self.fwhm_c0 + self.fwhm_c1 * t, 0.02)


def _wavelengths(m: Measurement) -> tuple[float, float | None, float]:
    acq = m.acquisition
    lam = getattr(acq, "wavelength_angstrom", None) or CU_KA1_ANGSTROM
    lam2 = getattr(acq, "wavelength2_angstrom", None)
    ratio = getattr(acq, "ka2_ka1_ratio", None)
    if lam2 is None and abs(lam - CU_KA1_ANGSTROM) < 2e-4:
        lam2 = CU_KA2_ANGSTROM  # a Cu tube without a Kα1 monochromator: the usual lab case
    if ratio is None:
        ratio = 0.5
    if ratio == 0:
        lam2 = None
    return float(lam), (float(lam2) if lam2 else None), float(ratio)


def prepare_pattern(m: Measurement, *, min_snr: float = 4.0) -> PreparedPattern:
    """Estimate background, noise, peaks and peak width of a 1-D powder pattern.

    Parameters
    ----------
    m
        An XRD Measurement with a ``two_theta`` axis (deg).
    min_snr
        Peaks need a prominence of at least ``min_snr`` times the noise.

    Raises
    ------
    ProcessingError
        When the measurement is not a 1-D 2θ scan with enough points.
    """
    from pybaselines import Baseline
    from scipy.signal import find_peaks, peak_widths, savgol_filter

    if m.ndim != 1:
        raise ProcessingError(f"search-match needs a 1-D pattern, got {m.ndim} dimensions")
    axis = m.axes[0]
    if axis.name not in ("two_theta", "2theta") or (axis.unit and axis.unit not in ("deg", "degree")):
        raise ProcessingError(
            f"search-match needs a two_theta axis in deg, got {axis.name!r} ({axis.unit}); "
            "convert the pattern first"
        )
    x = np.asarray(axis.values, dtype=float)
    y = np.asarray(m.signal, dtype=float)
    good = np.isfinite(x) & np.isfinite(y)
    x, y = x[good], y[good]
    order = np.argsort(x)
    x, y = x[order], y[order]
    if len(x) < 50:
        raise ProcessingError(f"pattern has only {len(x)} points; search-match needs a full scan")
    step = float(np.median(np.diff(x)))
    if step <= 0:
        raise ProcessingError("2θ values are not increasing")
    lam, lam2, ratio = _wavelengths(m)

    win = max(5, round(0.12 / step) | 1)
    smooth = savgol_filter(y, win, 2) if len(y) > win else y.copy()
    half = max(5, round(3.0 / step))
    bkg, _ = Baseline(x).snip(smooth, max_half_window=half, decreasing=True, smooth_half_window=None)
    bkg = np.minimum(bkg, smooth)
    net = smooth - bkg
    resid = y - smooth
    noise = float(1.4826 * np.median(np.abs(resid - np.median(resid)))) or float(np.std(resid)) or 1.0
    weights = 1.0 / np.sqrt(np.maximum(y, 1.0)) if np.all(y >= 0) else np.full_like(y, 1.0 / noise)

    # Counting noise grows with the signal: scale √(smoothed counts) to the noise measured on
    # the whole pattern, so that peaks on a high background need a larger prominence.
    root = np.sqrt(np.maximum(smooth, 1.0))
    local = noise * root / max(float(np.median(root)), 1e-12)
    prom = np.maximum(min_snr * local, 0.003 * float(net.max()))
    idx, _ = find_peaks(net, prominence=prom, distance=max(1, int(0.05 / step)))
    edge = round(0.3 / step)
    idx = idx[(idx >= edge) & (idx < len(x) - edge)]
    heights = net[idx]
    # Instrument width from the strongest peaks (FWHM at half height, in points -> deg).
    c0, c1 = 0.1, 0.0
    if len(idx) >= 2:
        strong = idx[np.argsort(-heights)[: min(15, len(idx))]]
        widths = peak_widths(net, strong, rel_height=0.5)[0] * step
        tt = np.tan(np.radians(x[strong] / 2))
        ok = (widths > 2 * step) & (widths < 2.0)
        if ok.sum() >= 4:
            c1, c0 = np.polyfit(tt[ok], widths[ok], 1)
            if c1 < 0 or c0 <= 0:
                c0, c1 = float(np.median(widths[ok])), 0.0
        elif ok.any():
            c0 = float(np.median(widths[ok]))
    return PreparedPattern(
        two_theta=x, counts=y, background=bkg, net=np.maximum(net, 0.0), weights=weights,
        noise=noise, peak_two_theta=x[idx], peak_height=heights, fwhm_c0=float(c0), fwhm_c1=float(c1),
        wavelength_angstrom=lam, wavelength2_angstrom=lam2, ka2_ratio=ratio,
    )
