"""Peak picking with a noise-derived threshold and pseudo-Voigt lineshape fitting.

Lines are the local maxima of the real spectrum that rise a given multiple of the noise
above the baseline and above their surroundings (topographic prominence), so noise
wiggles on the flank of a big line are not reported. Their positions are first refined
by a parabola through the top three points, then neighbouring lines (closer than a few
linewidths) are fitted together with pseudo-Voigt lines (Lorentzian/Gaussian mixture,
Wertheim et al., J. Electron Spectrosc. 3, 295 (1974)) by bounded least squares, which
separates overlapped lines and gives their areas. This is the approach of Global Spectral
Deconvolution in MestReNova and of NMRium's GSD (second-derivative detection followed by
Levenberg-Marquardt fitting), simplified to maxima detection.

Two kinds of maxima are not lines of the sample, and GSD rejects them too (Cobas et al.,
"A new approach to improving automated analysis of proton NMR spectra through Global
Spectral Deconvolution", Spectroscopy Europe 20(1), 26 (2008)):

- truncation ripple: an FID cut before it decayed gives every strong line sinc wiggles
  with the period 1/AQ (Hoch & Stern, NMR Data Processing, Wiley 1996, ch. 3); they show
  as long trains of maxima at one constant spacing with slowly varying heights, a pattern
  no first-order multiplet has (its intensities are binomial). :func:`ripple_trains`
  finds them and :func:`pick_lines` drops them.
- shimming humps and lineshape defects on the skirt of a very strong line: small maxima
  that rise little above the skirt they ride on. :func:`skirt_maxima` marks them, so the
  analysis reports them as artefacts, not as the compound's peaks (they stay in the peak
  list and in the integrals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import find_peaks, peak_widths

__all__ = ["PickedLine", "fit_lines", "pick_lines", "pseudo_voigt", "pv_area", "ripple_trains", "skirt_maxima"]

_GAUSS_AREA = float(np.sqrt(np.pi / (4.0 * np.log(2.0))))


@dataclass(frozen=True)
class PickedLine:
    """A line in point units before conversion.

    ``position`` is the fitted centre, ``apex`` the interpolated local maximum of the
    spectrum (what TopSpin's peak list reports; they differ for overlapped lines).
    """

    position: float
    height: float
    fwhm: float
    eta: float
    area: float
    apex: float = float("nan")
    prominence: float = float("nan")


def pseudo_voigt(x: np.ndarray, x0: float, h: float, fwhm: float, eta: float) -> np.ndarray:
    """Return ``h * (eta * L + (1 - eta) * G)`` with unit-height L and G of width ``fwhm``."""
    d = (x - x0) / (0.5 * fwhm)
    lor = 1.0 / (1.0 + d * d)
    gau = np.exp(-np.log(2.0) * d * d)
    return h * (eta * lor + (1.0 - eta) * gau)


def pv_area(h: float, fwhm: float, eta: float) -> float:
    """Return the area of a pseudo-Voigt line (same units as ``h * fwhm``)."""
    return float(h * fwhm * (eta * np.pi / 2.0 + (1.0 - eta) * _GAUSS_AREA))


def _parabolic(y: np.ndarray, i: int) -> tuple[float, float]:
    if i <= 0 or i >= len(y) - 1:
        return float(i), float(y[i])
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2.0 * b + c
    if den >= 0:
        return float(i), float(b)
    dx = 0.5 * (a - c) / den
    return i + dx, float(b - 0.25 * (a - c) * dx)


def fit_lines(
    y: np.ndarray,
    lines: list[PickedLine],
    span: tuple[int, int],
    *,
    eta: float | None = None,
    offset: bool = False,
    max_nfev: int | None = None,
    tol: float = 1e-8,
    min_fwhm: float = 0.5,
    height_floor: float = 1e-3,
) -> list[PickedLine]:
    """Fit pseudo-Voigt ``lines`` together to ``y[i0:i1]`` (``span``); the lines, refitted.

    Bounded least squares (trust-region reflective, analytic Jacobian) started from the
    picked lines: each centre within half a width (at least ``min_fwhm`` points) and a point of
    its start, its height within 0 and 3x plus ``height_floor`` of the tallest line, its FWHM 0.3
    points to 4x + 2 points, its Lorentzian fraction 0-1 (started from ``eta``, or each line's
    own when None). ``offset``: a constant baseline offset (within 5 % of the tallest line) is
    fitted too. The picked lines are returned when the fit fails.
    """
    i0, i1 = span
    x = np.arange(i0, i1, dtype=float)
    seg = y[i0:i1]
    scale = max(max(abs(p.height) for p in lines), 1e-300)
    p0, lb, ub = [], [], []
    for p in lines:
        w = max(p.fwhm, min_fwhm)
        p0 += [p.position, max(p.height, 0.0), w, p.eta if eta is None else eta]
        lb += [p.position - 0.5 * w - 1.0, 0.0, 0.3, 0.0]
        ub += [
            p.position + 0.5 * w + 1.0,
            3.0 * max(p.height, 0.0) + max(height_floor * scale, 1e-300),
            4.0 * w + 2.0,
            1.0,
        ]
    if offset:
        p0 += [0.0]
        lb += [-0.05 * scale]
        ub += [0.05 * scale]
    p0 = np.clip(p0, lb, ub)
    n = 4 * len(lines)

    def resid(par: np.ndarray) -> np.ndarray:
        q = par[:n].reshape(-1, 4)
        model = np.sum(pseudo_voigt(x[None, :], q[:, :1], q[:, 1:2], q[:, 2:3], q[:, 3:4]), axis=0)
        return (model + (par[n] if offset else 0.0) - seg) / scale

    def jac(par: np.ndarray) -> np.ndarray:
        q = par[:n].reshape(-1, 4)
        x0, h, w, e = (q[:, i : i + 1] for i in range(4))
        d = (x[None, :] - x0) / (0.5 * w)
        lor = 1.0 / (1.0 + d * d)
        gau = np.exp(-np.log(2.0) * d * d)
        dfd = h * (e * (-2.0 * d * lor * lor) + (1.0 - e) * (-2.0 * np.log(2.0) * d * gau))
        J = np.empty((x.size, par.size))
        J[:, 0:n:4] = (dfd * (-2.0 / w)).T
        J[:, 1:n:4] = (e * lor + (1.0 - e) * gau).T
        J[:, 2:n:4] = (dfd * (-d / w)).T
        J[:, 3:n:4] = (h * (lor - gau)).T
        if offset:
            J[:, n] = 1.0
        return J / scale

    try:
        sol = least_squares(
            resid,
            p0,
            jac=jac,
            bounds=(lb, ub),
            x_scale="jac",
            max_nfev=max_nfev or 50 * len(lines) + 100,
            ftol=tol,
            xtol=tol,
            tr_solver="lsmr",
        )
    except (ValueError, np.linalg.LinAlgError):
        return list(lines)
    q = sol.x[:n].reshape(-1, 4)
    return [
        PickedLine(float(a), float(h), float(w), float(e), pv_area(h, w, e), p.apex, p.prominence)
        for (a, h, w, e), p in zip(q, lines)
    ]


def _fit_cluster(y: np.ndarray, lines: list[PickedLine], max_points: int = 1500) -> list[PickedLine]:
    """Fit a cluster of overlapping picked lines over three widths around them (:func:`fit_lines`)."""
    lo = int(max(0, np.floor(min(p.position - 3 * p.fwhm for p in lines))))
    hi = int(min(len(y), np.ceil(max(p.position + 3 * p.fwhm for p in lines)) + 1))
    if hi - lo < 4 * len(lines) + 2 or hi - lo > max_points:
        return lines
    return fit_lines(
        y,
        lines,
        (lo, hi),
        eta=0.8,
        offset=True,
        max_nfev=10 * len(lines) + 20,
        tol=1e-6,
        min_fwhm=0.0,
        height_floor=0.0,
    )


def ripple_trains(
    positions: np.ndarray,
    heights: np.ndarray,
    *,
    min_run: int = 5,
    spacing_tol: float = 0.05,
    height_ratio: float = 1.6,
) -> np.ndarray:
    """Mark maxima that belong to a truncation-ripple train.

    A train is ``min_run`` or more consecutive maxima whose spacings agree within
    ``spacing_tol`` (relative) and whose neighbours' heights (or prominences) differ by
    less than ``height_ratio``. Sinc wiggles have one spacing (1/AQ) and an amplitude that decays
    slowly with the distance from their line; multiplet lines do not form such runs
    (a septet's neighbours differ by 1:6:15:20, a doublet of doublets has two spacings).

    Returns
    -------
    Boolean mask over the maxima (sorted by position).
    """
    pos = np.asarray(positions, dtype=float)
    h = np.asarray(heights, dtype=float)
    n = pos.size
    flag = np.zeros(n, dtype=bool)
    if n < min_run:
        return flag
    d = np.diff(pos)
    ratio = h[1:] / np.where(h[:-1] != 0, h[:-1], np.finfo(float).tiny)
    smooth = (ratio <= height_ratio) & (ratio >= 1.0 / height_ratio)
    same = np.abs(d[1:] - d[:-1]) <= spacing_tol * np.maximum(d[1:], d[:-1])
    start = 0
    for k in range(1, n):
        # maxima start..k-1 form a run; does k continue it (smooth link, same spacing)?
        if smooth[k - 1] and (k == start + 1 or same[k - 2]):
            continue
        if k - start >= min_run:
            flag[start:k] = True
        start = k - 1 if smooth[k - 1] else k
    if n - start >= min_run:
        flag[start:] = True
    return flag


def skirt_maxima(
    y: np.ndarray,
    apex: np.ndarray,
    prominence: np.ndarray,
    noise: float,
    *,
    window_points: int,
    max_fraction: float = 0.02,
    min_rise: float = 0.5,
    min_base_snr: float = 10.0,
) -> np.ndarray:
    """Mark maxima riding on the skirt of a much stronger line without rising from it.

    A maximum of height ``h`` and prominence ``P`` sits on a skirt at level ``b = h - P``.
    It is a skirt maximum (shimming hump, lineshape defect, noise on the tail) when the skirt
    is well above the noise (``b > min_base_snr * noise``), the skirt belongs to a line more
    than ``1 / max_fraction`` times taller (the highest point of the stretch of spectrum
    around it that stays above ``b / 2``, looked for within ``window_points``), and it
    rises less than ``min_rise * b`` above the skirt (not a resolved line).

    Returns
    -------
    Boolean mask over the maxima.
    """
    y = np.asarray(y, dtype=float)
    out = np.zeros(len(apex), dtype=bool)
    for k, (a, p) in enumerate(zip(apex, prominence)):
        i = int(np.clip(round(a), 0, len(y) - 1))
        h = y[i]
        b = h - p
        if not (b > min_base_snr * noise and p < min_rise * b):
            continue
        lo = max(0, i - window_points)
        seg = y[lo : i + window_points + 1]
        c = i - lo
        below = np.flatnonzero(seg <= 0.5 * b)
        left = below[below < c]
        right = below[below > c]
        span = seg[(left[-1] + 1 if left.size else 0) : (right[0] if right.size else seg.size)]
        out[k] = h < max_fraction * float(span.max())
    return out


def pick_lines(
    y: np.ndarray,
    noise: float,
    *,
    threshold_snr: float = 5.0,
    prominence_snr: float = 6.0,
    fit: bool = True,
    max_cluster: int = 12,
    artifact_ratio: float = 0.3,
    min_relative_height: float = 0.0,
    drop_ripple: bool = True,
) -> list[PickedLine]:
    """Pick the lines of a real spectrum (baseline at zero), positions in points.

    Parameters
    ----------
    y
        Real spectrum with its baseline removed (signal units).
    noise
        Noise standard deviation (signal units), see :func:`..noise.noise_std`.
    threshold_snr
        Minimum height above the baseline, in noise standard deviations.
    prominence_snr
        Minimum topographic prominence, in noise standard deviations.
    fit
        Refine overlapped lines by a joint pseudo-Voigt least-squares fit.
    min_relative_height
        Lines lower than this fraction of the tallest are not picked (the dynamic-range
        floor of TopSpin's MI; 0 = off). Shimming humps of very strong lines otherwise
        give many small maxima.
    artifact_ratio
        A maximum with a negative dip deeper than this fraction of its height within
        five linewidths is a truncation wiggle or phase artefact, not a line.
    max_cluster
        Larger groups of touching lines keep their interpolated positions (fitting them
        jointly would be slow and badly conditioned).
    drop_ripple
        Leave out trains of truncation wiggles (:func:`ripple_trains`).

    Returns
    -------
    Lines sorted by position (increasing point index).
    """
    y = np.asarray(y, dtype=float)
    floor = threshold_snr * noise
    if min_relative_height > 0 and y.size:
        floor = max(floor, min_relative_height * float(np.max(y)))
    idx, props = find_peaks(y, height=floor, prominence=prominence_snr * noise)
    if idx.size == 0:
        return []
    proms = props["prominences"]
    if drop_ripple:
        # trains are judged on every maximum (a wiggle train's lower maxima are below the
        # threshold and would otherwise break it), by prominence (baseline-independent)
        every, pa = find_peaks(y, prominence=2.0 * noise)
        trains = ripple_trains(every, pa["prominences"]) | ripple_trains(every, y[every])
        ripple = set(every[trains].tolist())
        keep = np.array([i not in ripple for i in idx], dtype=bool)
        idx, proms = idx[keep], proms[keep]
    if idx.size == 0:
        return []
    widths = peak_widths(y, idx, rel_height=0.5)[0]
    lines = []
    for i, w, prom in zip(idx, widths, proms):
        pos, h = _parabolic(y, int(i))
        w = max(float(w), 0.5)
        # truncation wiggles and phase errors come with negative lobes as deep as the
        # "peak": a real line on a phased spectrum has no such dip beside it
        r = int(max(5, 5 * w))
        if np.min(y[max(0, i - r) : i + r + 1]) < -max(artifact_ratio * h, 3.0 * noise):
            continue
        lines.append(PickedLine(pos, h, w, 1.0, pv_area(h, w, 1.0), pos, float(prom)))
    # noise maxima riding on the tail of a strong line pass the height test; they are
    # much narrower than the real lines (whose width the apodisation and T2 set)
    strong = [p.fwhm for p in lines if p.height > 50.0 * noise]
    if len(strong) >= 3:
        ref = float(np.median(strong))
        lines = [p for p in lines if p.height > 50.0 * noise or p.fwhm >= 0.4 * ref]
    if not fit or not lines:
        return lines
    # clusters: lines closer than 2 widths of each other share their tails; an isolated
    # line keeps its interpolated values (a fit would not change them materially)
    out: list[PickedLine] = []

    def flush(cluster: list[PickedLine]) -> None:
        # lines under 2 % of the cluster's tallest barely move the others: not fitted
        top = max(p.height for p in cluster)
        major = [p for p in cluster if p.height >= 0.02 * top]
        out.extend(p for p in cluster if p.height < 0.02 * top)
        if 2 <= len(major) <= max_cluster:
            out.extend(_fit_cluster(y, major))
        else:
            out.extend(major)

    cluster = [lines[0]]
    for p in lines[1:]:
        prev = cluster[-1]
        if p.position - prev.position < 2.0 * (p.fwhm + prev.fwhm):
            cluster.append(p)
        else:
            flush(cluster)
            cluster = [p]
    flush(cluster)
    return sorted(out, key=lambda p: p.position)
