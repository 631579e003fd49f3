"""Whole-profile stage of search-match: calculated profiles of candidate sets fitted to the pattern.

Each candidate becomes a calculated profile (its own lines, Kα1+Kα2, the width measured on the
pattern, a lattice scale and zero shift found by stick correlation with the residual) and
non-negative scale factors of the accepted set plus the candidate are fitted to the
background-subtracted pattern (Lawson & Hanson, Solving Least Squares Problems, 1974: NNLS),
weighted by 1/√counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._matching import tolerance_deg
from ._pattern import PreparedPattern
from .calculate import lorentz_polarization, two_theta_deg

__all__ = ["Hypothesis", "align", "all_lines", "fit", "lines", "local_gain", "near", "novelty", "profile"]

@dataclass
class Hypothesis:
    entry: object  # ReferenceEntry
    d_scale: float
    shift: float
    profile: np.ndarray
    tth: np.ndarray
    inten: np.ndarray
    lines_found: float
    fom: float
    explained: float
    novelty: float
    local_gain: float


def lines(entry, pattern: PreparedPattern, d_scale: float, mono: float, shift: float = 0.0):
    tth = two_theta_deg(entry.d_angstrom * d_scale, pattern.wavelength_angstrom) + shift
    ok = np.isfinite(tth) & (tth > pattern.two_theta[0] - 1) & (tth < pattern.two_theta[-1] + 1)
    lp = lorentz_polarization(tth[ok] - shift, monochromator_two_theta_deg=mono)
    return tth[ok], entry.mf2[ok] * lp / entry.volume_angstrom3**2, entry.d_angstrom[ok] * d_scale


def profile(pattern: PreparedPattern, tth, inten, d) -> np.ndarray:
    """Pseudo-Voigt (η = 0.5) lines on the pattern grid, Kα2 added, vectorised by windows."""
    x = pattern.two_theta
    step = float(np.median(np.diff(x)))
    centers, areas = [tth], [inten]
    if pattern.wavelength2_angstrom:
        t2 = two_theta_deg(d, pattern.wavelength2_angstrom)
        ok = np.isfinite(t2)
        centers.append(t2[ok])
        areas.append(inten[ok] * pattern.ka2_ratio)
    c, a = np.concatenate(centers), np.concatenate(areas)
    out = np.zeros_like(x)
    if len(c) == 0:
        return out
    big = a >= 1e-3 * a.max()  # lines below 0.1 % of the strongest change nothing
    c, a = c[big], a[big]
    fw = pattern.fwhm(c)
    half = int(np.ceil(6 * fw.max() / step))
    i0 = np.searchsorted(x, c)
    offs = np.arange(-half, half + 1)
    idx = i0[:, None] + offs[None, :]
    valid = (idx >= 0) & (idx < len(x))
    idxc = np.clip(idx, 0, len(x) - 1)
    dx = x[idxc] - c[:, None]
    w = fw[:, None]
    g = np.sqrt(4 * np.log(2) / np.pi) / w * np.exp(-4 * np.log(2) * dx**2 / w**2)
    lor = (2 / np.pi) * w / (w**2 + 4 * dx**2)
    vals = a[:, None] * (0.5 * g + 0.5 * lor) * valid
    np.add.at(out, idxc.ravel(), vals.ravel())
    return out


def align(
    entry, pattern: PreparedPattern, resid: np.ndarray, mono: float, zero: float | None = None
) -> tuple[float, float]:
    """Lattice scale and zero shift that put a reference's lines on the unexplained intensity.

    A stick correlation (line intensities times √residual at the line positions; the root
    keeps the misfit of big peaks from dominating) over a grid: scale 0.99–1.01 and zero shift
    ±0.3° for the first phase; once a phase is accepted, the zero shift belongs to the sample
    (zero error, displacement) and only ±0.04° around it is allowed.
    """
    tth, inten, _ = lines(entry, pattern, 1.0, mono)
    if len(tth) == 0:
        return 1.0, zero or 0.0
    strong = np.argsort(-inten)[:40]
    tth, inten = tth[strong], inten[strong]
    if zero is None:
        scales, shifts = np.linspace(0.99, 1.01, 41), np.linspace(-0.3, 0.3, 13)
    else:
        scales, shifts = np.linspace(0.995, 1.005, 21), zero + np.linspace(-0.04, 0.04, 5)
    s = np.sin(np.radians(tth / 2))[None, :] / scales[:, None]
    t = 2 * np.degrees(np.arcsin(np.clip(s, -1, 1)))  # (nscale, nline)
    t = t[:, None, :] + shifts[None, :, None]  # (nscale, nshift, nline)
    r = np.interp(t, pattern.two_theta, np.sqrt(np.maximum(resid, 0)))
    corr = (r * inten).sum(axis=2)
    # Prefer the unstretched solution when the correlation is flat.
    center = 0.0 if zero is None else zero
    corr = corr * (1 - 0.02 * np.abs(scales - 1)[:, None] / 0.01 - 0.02 * np.abs(shifts - center)[None, :] / 0.3)
    i, j = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return float(scales[i]), float(shifts[j])


def all_lines(pattern: PreparedPattern, tth: np.ndarray) -> np.ndarray:
    """Kα1 line positions plus their Kα2 partners (deg)."""
    if not pattern.wavelength2_angstrom or len(tth) == 0:
        return tth
    d = pattern.wavelength_angstrom / (2 * np.sin(np.radians(tth / 2)))
    t2 = two_theta_deg(d, pattern.wavelength2_angstrom)
    return np.concatenate([tth, t2[np.isfinite(t2)]])


def near(points: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """For each point, whether a line lies within the search tolerance."""
    if len(lines) == 0 or len(points) == 0:
        return np.zeros(len(points), bool)
    lines = np.sort(lines)
    j = np.clip(np.searchsorted(lines, points), 1, max(len(lines) - 1, 1))
    dist = np.minimum(np.abs(points - lines[j - 1]), np.abs(lines[np.minimum(j, len(lines) - 1)] - points))
    return dist <= tolerance_deg(points)


def novelty(pattern: PreparedPattern, tth, inten, taken: np.ndarray) -> float:
    """Intensity share of a candidate's lines that fall on observed peaks nobody explains yet."""
    peaks = pattern.peak_two_theta
    inr = (tth > pattern.two_theta[0]) & (tth < pattern.two_theta[-1])
    if len(peaks) == 0 or not inr.any():
        return 0.0
    t, w = tth[inr], inten[inr]
    j = np.clip(np.searchsorted(peaks, t), 1, max(len(peaks) - 1, 1))
    nearest = np.where(np.abs(t - peaks[j - 1]) <= np.abs(peaks[np.minimum(j, len(peaks) - 1)] - t), j - 1, j)
    nearest = np.minimum(nearest, len(peaks) - 1)
    hit = (np.abs(peaks[nearest] - t) <= tolerance_deg(t)) & ~taken[nearest]
    return float(w[hit].sum() / max(w.sum(), 1e-30))


def local_gain(pattern: PreparedPattern, before: np.ndarray, after: np.ndarray, contrib: np.ndarray, sel) -> float:
    """Relative drop of the weighted residual where a phase's own profile is significant."""
    if contrib.max() <= 0:
        return 0.0
    where = sel & (contrib > 0.1 * contrib[sel].max())
    if not where.any():
        return 0.0
    w, y = pattern.weights[where], pattern.net[where]
    r0 = np.sum((w * (y - before[where])) ** 2)
    r1 = np.sum((w * (y - after[where])) ** 2)
    return float((r0 - r1) / max(r0, 1e-30))


def fit(pattern: PreparedPattern, profiles: list[np.ndarray], sel: np.ndarray):
    from scipy.optimize import nnls

    w = pattern.weights[sel]
    y = pattern.net[sel]
    if not profiles:
        return np.zeros(0), np.zeros_like(pattern.net), 1.0
    a = np.stack([p[sel] for p in profiles], axis=1)
    norm = np.maximum(a.max(axis=0), 1e-30)
    coef, _ = nnls(a * w[:, None] / norm, y * w, maxiter=50 * a.shape[1])
    coef = coef / norm
    model = np.stack(profiles, axis=1) @ coef
    rwp = float(np.sqrt(np.sum((w * (y - model[sel])) ** 2) / max(np.sum((w * y) ** 2), 1e-30)))
    return coef, model, rwp
