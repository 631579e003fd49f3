
"""Peak search: minima of the smoothed second derivative, kept when significant.

A reflection is a local minimum of the Savitzky–Golay second derivative (which
separates shoulders a maximum search misses) whose smoothed net height exceeds
``min_significance`` standard deviations from counting statistics (σ² = N for N counts,
propagated through the filter coefficients) and whose curvature exceeds half as many. Candidates sitting
where the Kα2 line of a stronger reflection falls, with about the expected intensity
ratio, are dropped: profile fitting models the doublet.

References
----------
Savitzky & Golay (1964), Anal. Chem. 36, 1627; the second-derivative search is the
method of e.g. Huang & Parrish, Adv. X-ray Anal. 18 (1975) 373 and of most vendor
packages (HighScore "minimum 2nd derivative").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import savgol_coeffs, savgol_filter

from ._profiles import kalpha2_position

__all__ = ["PeakCandidate", "search_peaks", "estimate_fwhm_points"]


@dataclass(frozen=True)
class PeakCandidate:
    """A peak found by :func:`search_peaks` (before profile fitting)."""

    index: int
    two_theta_deg: float
    height: float
    fwhm_deg: float
    significance: float


def estimate_fwhm_points(y: np.ndarray) -> float:
    """Typical FWHM of the strongest peaks, in points (half-maximum crossings)."""
    y = np.asarray(y, float)
    from scipy.signal import find_peaks, peak_widths

    idx, _ = find_peaks(y, prominence=max(float(np.ptp(y)) * 0.05, 1e-300))
    if idx.size == 0:
        return 5.0
    order = idx[np.argsort(y[idx])[::-1][:10]]
    widths = peak_widths(y, order, rel_height=0.5)[0]
    widths = widths[np.isfinite(widths) & (widths > 0)]
    return float(np.median(widths)) if widths.size else 5.0


def _window(fwhm_points: float) -> int:
    w = round(fwhm_points * 1.5) | 1
    return int(min(max(w, 5), 101))


def search_peaks(two_theta: np.ndarray, net: np.ndarray, sigma: np.ndarray, *,
                 min_significance: float = 3.0, fwhm_points: float | None = None,
                 wavelength_angstrom: float | None = None, wavelength2_angstrom: float | None = None,
                 ka2_ka1_ratio: float = 0.0) -> list[PeakCandidate]:
    """Find reflections in a background-subtracted pattern.

    Parameters
    ----------
    two_theta
        2θ in degrees, ascending, shape (n,).
    net
        Intensity with the background removed, shape (n,).
    sigma
        Counting standard deviation of every point (of the total, not net, intensity).
    min_significance
        Threshold on the net height in standard deviations (half of it for the curvature).
    fwhm_points
        Expected FWHM in points (estimated from the strongest peaks when None); sets
        the smoothing window.
    wavelength_angstrom, wavelength2_angstrom, ka2_ka1_ratio
        Kα1/Kα2 for dropping Kα2 satellites of found peaks (skipped when ratio is 0).
    """
    x = np.asarray(two_theta, float)
    y = np.asarray(net, float)
    s = np.asarray(sigma, float)
    n = y.size
    if n < 7:
        return []
    if fwhm_points is None:
        fwhm_points = estimate_fwhm_points(savgol_filter(y, 5, 2))
    win = min(_window(fwhm_points), n - (1 - n % 2))
    if win < 5:
        return []
    step = np.gradient(x)
    smooth = savgol_filter(y, win, 3 if win > 5 else 2)
    d2 = savgol_filter(y, win, 3 if win > 5 else 2, deriv=2)
    c2 = savgol_coeffs(win, 3 if win > 5 else 2, deriv=2)
    c0 = savgol_coeffs(win, 3 if win > 5 else 2)
    sig_d2 = s * np.sqrt(np.sum(c2**2))
    sig_0 = s * np.sqrt(np.sum(c0**2))
    is_min = np.zeros(n, bool)
    is_min[1:-1] = (d2[1:-1] < d2[:-2]) & (d2[1:-1] <= d2[2:]) & (d2[1:-1] < 0)
    curv_sig = -d2 / np.maximum(sig_d2, 1e-300)
    height_sig = smooth / np.maximum(sig_0, 1e-300)
    # the net height decides significance; the curvature only has to be clearly
    # negative (its noise is larger than the height's for narrow windows)
    keep = is_min & (curv_sig > max(0.5 * min_significance, 1.0)) & (height_sig > min_significance)
    found: list[PeakCandidate] = []
    for i in np.flatnonzero(keep):
        # the FWHM of a Gaussian-like peak from its curvature: H = 2.3548 * sqrt(-h/d2)
        fw = float(2.3548 * np.sqrt(max(smooth[i], 1e-300) / max(-d2[i], 1e-300)) * step[i])
        if fw > 4 * fwhm_points * step[i]:
            continue  # a hump several times wider than the Bragg peaks: background, not a reflection
        fw = float(max(fw, 0.5 * fwhm_points * step[i]))
        found.append(PeakCandidate(int(i), float(x[i]), float(smooth[i]), fw,
                                   float(height_sig[i])))
    found = _merge_close(found)
    if ka2_ka1_ratio > 0 and wavelength_angstrom and wavelength2_angstrom and found:
        found = _drop_kalpha2(found, wavelength_angstrom, wavelength2_angstrom, ka2_ka1_ratio)
    return found


def _merge_close(found: list[PeakCandidate]) -> list[PeakCandidate]:
    """Keep the stronger of two candidates closer than 0.7 FWHM (one split peak)."""
    out: list[PeakCandidate] = []
    for p in found:
        if out and p.two_theta_deg - out[-1].two_theta_deg < 0.7 * max(p.fwhm_deg, out[-1].fwhm_deg):
            if p.height > out[-1].height:
                out[-1] = p
            continue
        out.append(p)
    return out


def _drop_kalpha2(found: list[PeakCandidate], lam1: float, lam2: float, ratio: float) -> list[PeakCandidate]:
    pos = np.array([p.two_theta_deg for p in found])
    keep = np.ones(len(found), bool)
    for i, p in enumerate(found):
        if not keep[i]:
            continue
        x2 = float(kalpha2_position(p.two_theta_deg, lam1, lam2))
        sep = x2 - p.two_theta_deg
        if sep < 0.3 * p.fwhm_deg:
            continue
        tol = max(0.35 * sep, 0.25 * p.fwhm_deg)
        for j in np.flatnonzero((pos > p.two_theta_deg) & (np.abs(pos - x2) < tol)):
            if found[j].height < 1.3 * ratio * p.height + 3 * p.height / max(p.significance, 1.0):
                keep[j] = False
    return [p for p, k in zip(found, keep) if k]
