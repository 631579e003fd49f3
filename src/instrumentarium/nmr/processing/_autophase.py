"""Automatic phase correction by regional phase estimates and a circular line fit.

Algorithm (after Dračínský-type regional methods and the one NMRium uses,
"A robust, general automatic phase correction algorithm for high-resolution NMR data",
Magn. Reson. Chem. 2017, doi:10.1002/mrc.4586):

1. find signal regions on the magnitude spectrum (phase-independent) above a robust noise
   threshold, widen and merge them;
2. in each region, remove a straight complex baseline through its edges and take the
   angle of the summed complex signal: for an absorptive line ``A`` seen as
   ``A*exp(i theta)`` the dispersion cancels over a window centred on the line, so
   the angle is the local phase error ``theta``;
3. fit ``theta_r = p0 + p1*x_r`` on the circle, maximising ``|sum w_r exp(i(theta_r - p1 x_r))|``
   over a dense ``p1`` grid (global, so no start values and no local minima, unlike
   ACME's simplex: Chen et al., J. Magn. Reson. 158, 164 (2002)), then refine.

Edited experiments (DEPT, APT, DEPTQ, multiplicity-edited HSQC) have real negative peaks:
the fit is made on doubled angles (phase modulo 180 degrees) and the sign chosen so that
most signal is positive. Solvent-suppressed spectra (presaturation, NOESY-presat,
excitation sculpting, WATERGATE) exclude the suppressed solvent region around the carrier,
whose residual is not absorptive. The confidence is the weighted mean resultant length of
the residual region phases, reduced when few regions or a narrow ppm span constrain ``p1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import optimize, signal

from ...model import Measurement, NMRAcquisition
from ...pipeline import StepOutput, step
from ._domain import fresh, require_spectrum
from ._linefit import line_phases
from ._phase import phase_ramp

__all__ = [
    "autophase",
    "estimate_phase",
    "PhaseEstimate",
    "is_edited_experiment",
    "is_solvent_suppressed",
    "noise_sigma",
    "signal_regions",
]

_EDITED = re.compile(r"dept|apt|jmod|hsqced|hsqc.*ed|edit|attached", re.IGNORECASE)
_SUPPRESSED = re.compile(
    r"presat|zgpr|pr1d|prse|ps1d|noesy.*1d|cpmgpr|wgs|watergate|zggpw|esgp|wet|lc1d|prsp", re.IGNORECASE
)


def is_edited_experiment(pulse_program: str | None) -> bool:
    """True for pulse programs whose spectra carry real negative peaks (DEPT, APT, edited HSQC)."""
    return bool(pulse_program) and bool(_EDITED.search(pulse_program or ""))


def is_solvent_suppressed(pulse_program: str | None) -> bool:
    """True for solvent-suppression pulse programs (presaturation, NOESY-presat, WATERGATE...)."""
    return bool(pulse_program) and bool(_SUPPRESSED.search(pulse_program or ""))


def noise_sigma(x: np.ndarray) -> float:
    """Robust noise standard deviation of a real array from its first differences (MAD)."""
    d = np.diff(x)[:: max(x.shape[0] // 8192, 1)]
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2.0)) or 1e-300


def signal_regions(
    spectrum: np.ndarray, *, threshold_sigma: float = 8.0, dynamic_range: float = 0.02,
    window_widths: float = 3.0, max_peaks: int = 200, sigma: float | None = None,
) -> list[tuple[int, int]]:
    """Half-open index ranges ``[a, b)`` around the lines of a complex spectrum.

    Lines are the maxima of the magnitude (phase-independent) whose prominence exceeds
    both ``threshold_sigma`` times the noise and ``dynamic_range`` times the tallest line
    (the dispersion wings of strong lines would otherwise make everything "signal"). Each
    line gets a window of ``window_widths`` magnitude half-widths on each side (about ten
    Lorentzian half-widths, 94 % of the absorption area) and overlapping windows merge.
    ``sigma``: the noise level if already known (else estimated from the spectrum).
    """
    mag = np.abs(spectrum)
    n = mag.shape[0]
    if sigma is None:
        sigma = 0.5 * (noise_sigma(spectrum.real) + noise_sigma(spectrum.imag))
    prominence = max(threshold_sigma * sigma, dynamic_range * float(mag.max()))
    # the magnitude is >= 0, so a line's prominence never exceeds its height: the height
    # test (cheap) drops the thousands of noise maxima before the costly prominence search
    peaks, props = signal.find_peaks(mag, height=prominence, prominence=prominence, width=1.0, rel_height=0.5)
    return _windows(peaks, props["prominences"], props["widths"], n, window_widths, max_peaks)


def _windows(peaks: np.ndarray, prominences: np.ndarray, widths: np.ndarray, n: int, window_widths: float,
             max_peaks: int) -> list[tuple[int, int]]:
    """Merged windows of ``window_widths`` half-widths around the ``max_peaks`` most prominent lines."""
    if peaks.size == 0:
        return []
    if peaks.size > max_peaks:
        top = np.argsort(prominences)[-max_peaks:]
        peaks, widths = peaks[top], widths[top]
        order = np.argsort(peaks)
        peaks, widths = peaks[order], widths[order]
    half = np.ceil(window_widths * np.maximum(widths, 2.0)).astype(int)
    out: list[list[int]] = []
    for p, h in zip(peaks, half):
        a, b = max(int(p - h), 0), min(int(p + h + 1), n)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out if b - a >= 5]


_TINY = np.float32(1e-30)


class _EntropyCost:
    """ACME cost on the signal regions: derivative entropy + negative-area penalty.

    Chen, L., Weng, Z., Goh, L. & Garland, M. An efficient algorithm for automatic phase
    correction of NMR spectra based on entropy minimization. J. Magn. Reson. 158, 164 (2002).
    Evaluated on the concatenated regions only (vectorised), with two changes for real
    data: negatives are measured above a straight baseline through each region's edges
    (a baseline offset or roll is not a phase error), and only what lies more than
    ``noise_floor`` below it counts (otherwise the noise itself biases the phase).
    """

    def __init__(self, s: np.ndarray, regions: list[tuple[int, int]], *, edited: bool,
                 noise_floor: float, edge: int = 3) -> None:
        n = s.shape[0]
        idx = np.concatenate([np.arange(a, b) for a, b in regions])
        # single precision for the element-wise work (SIMD trig/log, ten times faster than
        # double on x86), double precision for every sum
        scale = 1.0 / max(float(np.abs(s[idx]).max()), 1e-300)
        self.re = (s.real[idx] * scale).astype(np.float32)
        self.im = (s.imag[idx] * scale).astype(np.float32)
        self.x = (idx / n).astype(np.float32)
        lengths = np.array([b - a for a, b in regions])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        # derivative only inside regions: the differences across region boundaries are zeroed
        self.cuts = starts[1:] - 1
        e = np.minimum(edge, np.maximum(lengths // 8, 1))
        self.left = [np.arange(st, st + k) for st, k in zip(starts, e)]
        self.right = [np.arange(st + ln - k, st + ln) for st, ln, k in zip(starts, lengths, e)]
        seg = np.repeat(np.arange(len(regions)), lengths)
        pos = np.arange(idx.size) - starts[seg]
        self.seg = seg
        self.frac = ((pos - (e[seg] - 1) / 2) / np.maximum(lengths[seg] - e[seg], 1)).astype(np.float32)
        self.left_sel = np.concatenate(self.left)
        self.right_sel = np.concatenate(self.right)
        self.left_seg = np.repeat(np.arange(len(regions)), e)
        self.e = e.astype(float)
        self.edited = edited
        self.noise_floor = np.float32(noise_floor * scale)

    def __call__(self, p0: float, p1: float) -> float:
        ph = np.float32(p0) + np.float32(p1) * self.x
        r = self.re * np.cos(ph) + self.im * np.sin(ph)
        d = np.abs(np.diff(r))
        d[self.cuts] = 0.0
        total = float(d.sum(dtype=np.float64))
        if total <= 0:
            return 0.0
        # -sum(p log p) with p = d/total, written as log(total) - sum(d log d)/total
        # (d = 0 terms vanish: log is taken of max(d, tiny))
        h = float(np.log(total)) - float(np.sum(d * np.log(np.maximum(d, _TINY)), dtype=np.float64)) / total
        if self.edited:
            return h
        nseg = self.e.size
        left = (np.bincount(self.left_seg, r[self.left_sel], nseg) / self.e).astype(np.float32)
        right = (np.bincount(self.left_seg, r[self.right_sel], nseg) / self.e).astype(np.float32)
        flat = r - (left[self.seg] + (right - left)[self.seg] * self.frac)
        neg = np.minimum(flat + self.noise_floor, np.float32(0.0))
        top = max(float(np.abs(flat).max()), 1e-30)
        return h + 1000.0 * float(np.sum(neg * neg, dtype=np.float64)) / (top * top)

    def many(self, p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
        """The cost at many phases ``(p0[i], p1[i])`` at once (same values as calling it)."""
        ph = np.asarray(p0, np.float32)[:, None] + np.asarray(p1, np.float32)[:, None] * self.x[None, :]
        r = self.re * np.cos(ph) + self.im * np.sin(ph)
        d = np.abs(np.diff(r, axis=1))
        d[:, self.cuts] = 0.0
        total = d.sum(axis=1, dtype=np.float64)
        safe = np.where(total > 0, total, 1.0)
        h = np.log(safe) - np.sum(d * np.log(np.maximum(d, _TINY)), axis=1, dtype=np.float64) / safe
        h = np.where(total > 0, h, 0.0)
        if self.edited:
            return h
        offsets = np.concatenate([[0], np.cumsum(self.e.astype(int))[:-1]])
        left = (np.add.reduceat(r[:, self.left_sel], offsets, axis=1) / self.e).astype(np.float32)
        right = (np.add.reduceat(r[:, self.right_sel], offsets, axis=1) / self.e).astype(np.float32)
        flat = r - (left[:, self.seg] + (right - left)[:, self.seg] * self.frac)
        neg = np.minimum(flat + self.noise_floor, np.float32(0.0))
        top = np.maximum(np.abs(flat).max(axis=1).astype(np.float64), 1e-30)
        pen = 1000.0 * np.sum(neg * neg, axis=1, dtype=np.float64) / (top * top)
        return np.where(total > 0, h + pen, 0.0)


@dataclass(frozen=True)
class PhaseEstimate:
    """Result of :func:`estimate_phase` (TopSpin convention, pivot on the high-ppm edge)."""

    p0_deg: float
    p1_deg: float
    confidence: float
    n_regions: int
    edited: bool
    excluded_ppm: tuple[tuple[float, float], ...]
    residual_deg: float


def _widen(regions: list[tuple[int, int]], n: int, min_pad: int) -> list[tuple[int, int]]:
    """Pad each region by max(its width, ``min_pad``) points per side and merge overlaps."""
    out: list[list[int]] = []
    for a, b in regions:
        pad = max(b - a, min_pad)
        a, b = max(a - pad, 0), min(b + pad, n)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _region_phases(s: np.ndarray, regions: list[tuple[int, int]], edge: int = 3):
    """Angle and size of each region's summed signal above a straight complex baseline
    through its edges, and its magnitude-weighted centre (fraction ``j/n``); all regions at once."""
    n = s.shape[0]
    a = np.array([r[0] for r in regions])
    lengths = np.array([r[1] - r[0] for r in regions])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    seg_id = np.repeat(np.arange(len(regions)), lengths)
    pos = np.arange(int(lengths.sum())) - starts[seg_id]
    vals = s[a[seg_id] + pos]
    e = np.minimum(edge, np.maximum(lengths // 8, 1))
    e_starts = np.concatenate([[0], np.cumsum(e)[:-1]])
    e_id = np.repeat(np.arange(len(regions)), e)
    e_pos = np.arange(int(e.sum())) - e_starts[e_id]
    left = np.add.reduceat(vals[starts[e_id] + e_pos], e_starts) / e
    right = np.add.reduceat(vals[starts[e_id] + lengths[e_id] - e[e_id] + e_pos], e_starts) / e
    frac = (pos - (e[seg_id] - 1) / 2) / np.maximum(lengths - e, 1)[seg_id]
    flat = vals - (left[seg_id] + (right - left)[seg_id] * frac)
    z = np.add.reduceat(flat, starts)
    mag = np.abs(flat)
    centre = (a + np.add.reduceat(mag * pos, starts) / np.maximum(np.add.reduceat(mag, starts), 1e-300)) / n
    return np.angle(z), np.abs(z), centre


def _fit(theta, w, x, fold: int, p1_limit_deg: float) -> tuple[float, float, float, float]:
    """Circular line fit (or zero order only when x is too narrow); also the spread (deg)."""
    if theta.size < 3 or np.ptp(x) < 0.02:
        # too few or too clustered regions to see a first-order phase: zero order only
        z = np.sum(w * np.exp(1j * fold * theta))
        p0, p1, r = float(np.angle(z)) / fold, 0.0, float(abs(z) / w.sum())
    else:
        p0, p1, r = _fit_line(theta, w, x, fold, p1_limit_deg)
    spread = np.angle(np.exp(1j * fold * (theta - p0 - p1 * x))) / fold
    return p0, p1, r, float(np.rad2deg(np.sqrt(np.average(spread**2, weights=w))))


def _fit_line(theta, w, x, fold: int, p1_limit_deg: float):
    """Maximise |sum w exp(i fold (theta - p1 x))| over p1; return p0, p1 (radians), R."""
    def resultant(p1: float) -> complex:
        return np.sum(w * np.exp(1j * fold * (theta - p1 * x)))

    grid = np.deg2rad(np.arange(-p1_limit_deg, p1_limit_deg + 1e-9, 1.0))
    # |resultant| on the grid in single precision (SIMD trig); refined in double below
    ang = (fold * (theta[None, :] - grid[:, None] * x[None, :])).astype(np.float32)
    w32 = w.astype(np.float32)
    mag = np.hypot(np.cos(ang) @ w32, np.sin(ang) @ w32)
    # prefer the smallest |p1| among near-equal maxima (aliases of sparse region sets)
    score = mag * (1.0 - 1e-3 * np.abs(grid) / np.deg2rad(p1_limit_deg))
    g = float(grid[int(np.argmax(score))])
    step = float(grid[1] - grid[0]) if grid.size > 1 else 0.02
    res = optimize.minimize_scalar(lambda p: -abs(resultant(p)), bounds=(g - step, g + step),
                                   method="bounded", options={"xatol": 1e-6})
    p1 = float(res.x)
    zz = resultant(p1)
    p0 = float(np.angle(zz)) / fold
    return p0, p1, float(abs(zz) / w.sum())


def _refine_entropy(s, keep, start, regional, *, fold, edited, noise_floor, p1_limit_deg, min_pad,
                    scan_decimate: int = 4):
    """Minimise the ACME-type cost (:class:`_EntropyCost`) from the regional estimate.

    A scan over first-order phases (20 degree steps, zero order from the regional fit at
    each) guards against an alias of p1; the best of the scan and the regional estimate
    (and, unless edited, both turned by 180 degrees) starts a Nelder-Mead minimisation.
    The scan only ranks candidates tens of degrees apart, so it uses every
    ``scan_decimate``-th point of the spectrum (the phase is a function of the fraction
    ``j/n``, the same at any sampling; for a zero-filled spectrum ``s[::2]`` is the transform
    of the unfilled FID); the candidates are compared and refined on all points.
    """
    theta, w, x = regional
    n = s.shape[0]
    wide = _widen(keep, n, min_pad)
    cost = _EntropyCost(s, wide, edited=edited, noise_floor=noise_floor)
    k = scan_decimate
    while k > 1 and (n % k or n // k < 1024):
        k //= 2
    coarse = cost
    if k > 1:
        regions_k = [(a, b) for a, b in ((-(-a // k), -(-b // k)) for a, b in wide) if b - a >= 5]
        if regions_k:
            coarse = _EntropyCost(s[::k], regions_k, edited=edited, noise_floor=noise_floor)
    limit = np.deg2rad(p1_limit_deg)
    seeds = [start]
    scan = np.deg2rad(np.arange(-p1_limit_deg, p1_limit_deg + 1e-9, 20.0))
    zs = (w[None, :] * np.exp(1j * fold * (theta[None, :] - scan[:, None] * x[None, :]))).sum(axis=1)
    costs = coarse.many(np.angle(zs) / fold, scan)
    i = int(np.argmin(costs))
    seeds.append((float(np.angle(zs[i])) / fold, float(scan[i])))
    if not edited:
        seeds += [(q0 + np.pi, q1) for q0, q1 in seeds]
    # refine the most promising start only
    q0, q1 = min(seeds, key=lambda q: cost(*q))
    res = optimize.minimize(lambda q: cost(q[0], q[1]) + (0.0 if abs(q[1]) <= limit else 1e3 * (abs(q[1]) - limit)),
                            np.array([q0, q1]), method="Nelder-Mead",
                            options={"xatol": 5e-3, "fatol": 1e-4, "initial_simplex":
                                     np.array([[q0, q1], [q0 + 0.1, q1], [q0, q1 + 0.2]])})
    return float(res.x[0]), float(res.x[1])


def estimate_phase(
    spectrum: np.ndarray,
    axis_ppm: np.ndarray,
    *,
    edited: bool = False,
    exclude_ppm: tuple[tuple[float, float], ...] = (),
    p1_limit_deg: float = 360.0,
    threshold_sigma: float = 8.0,
    refine: bool = True,
    method: str = "lines",
    hz_per_point: float | None = None,
    broad_lines_hz: float = 10.0,
    max_line_regions: int = 20,
    refine_above_deg: float = 5.0,
    min_pad: int = 128,
    zero_filled: float = 1.0,
) -> PhaseEstimate:
    """Estimate the zero- and first-order phase of a complex spectrum (see module notes).

    ``zero_filled``: spectrum size over the number of complex FID points, when known; from 2
    the entropy refinement works on every other point (same information, half the cost).
    """
    s = np.asarray(spectrum, dtype=np.complex128)
    sigma = 0.5 * (noise_sigma(s.real) + noise_sigma(s.imag))
    # one peak search serves the signal regions (see signal_regions: prominence above
    # threshold_sigma noise and 2 % of the tallest line, width >= 1 point) and the line-width
    # test below (prominence above 2 %, width >= 0.5): the second set contains the first
    mag = np.abs(s)
    floor = 0.02 * float(mag.max())
    prominence = max(threshold_sigma * sigma, floor)
    peaks, props = signal.find_peaks(mag, height=floor, prominence=floor, width=0.5, rel_height=0.5)
    sel = (props["prominences"] >= prominence) & (props["widths"] >= 1.0)
    regions = _windows(peaks[sel], props["prominences"][sel], props["widths"][sel], s.shape[0], 3.0, 200)
    keep = []
    for a, b in regions:
        hi, lo = axis_ppm[a], axis_ppm[b - 1]
        if any(lo <= ex_hi and hi >= ex_lo for ex_lo, ex_hi in exclude_ppm):
            continue
        keep.append((a, b))
    if not keep:
        return PhaseEstimate(0.0, 0.0, 0.0, 0, edited, tuple(exclude_ppm), float("nan"))
    fold = 2 if edited else 1
    theta, weight, x = _region_phases(s, keep)
    p0, p1, r, spread_deg = _fit(theta, np.sqrt(weight), x, fold, p1_limit_deg)
    # Broad lines (median magnitude width above broad_lines_hz, e.g. X nuclei with LB of
    # several Hz): the derivative entropy loses its contrast and drifts (dev d06, d07), so
    # the regional fit is kept as it is.
    broad = False
    if hz_per_point is not None:
        if props["widths"].size:
            broad = float(np.median(props["widths"])) * hz_per_point > broad_lines_hz
    cheap = len(keep) <= max_line_regions and spread_deg <= 2 * refine_above_deg
    if method == "lines" and not broad and cheap:
        # per-line Lorentzian fits are unbiased by overlap and window edges (sub-degree on
        # clean spectra); they replace the sums when the lines agree with one another
        small = [q for q in keep if q[1] - q[0] <= 1500]
        t2, w2, x2 = line_phases(s, small, sigma=sigma)
        if t2.size >= 3:
            q0, q1, q_r, q_spread = _fit(t2, np.sqrt(w2), x2, fold, p1_limit_deg)
            if q_spread <= refine_above_deg:
                theta, weight, x = t2, w2, x2
                p0, p1, r, spread_deg = q0, q1, q_r, q_spread
    w = np.sqrt(weight)
    # When the regions agree within a few degrees the fit is as good as the data allow;
    # the entropy refinement (slightly biased on sparse, well-resolved lines) is for
    # spectra whose regions disagree (overlap, baseline distortion).
    if refine and spread_deg > refine_above_deg and not broad:
        k = 2 if zero_filled >= 2.0 and s.shape[0] % 2 == 0 else 1
        if k > 1:
            # every other point of a spectrum zero-filled twice or more is the transform of
            # the FID zero-filled less: the same information on half the points
            sk = s[::k]
            keep_k = [(a, b) for a, b in ((-(-a // k), -(-b // k)) for a, b in keep) if b > a]
            p0, p1 = _refine_entropy(sk, keep_k or [(0, sk.shape[0])], (p0, p1), (theta, w, x), fold=fold,
                                     edited=edited, noise_floor=3.0 * sigma, p1_limit_deg=p1_limit_deg,
                                     min_pad=max(min_pad // k, 1))
        else:
            p0, p1 = _refine_entropy(s, keep, (p0, p1), (theta, w, x), fold=fold, edited=edited,
                                     noise_floor=3.0 * sigma, p1_limit_deg=p1_limit_deg, min_pad=min_pad)
    if edited:
        # choose between p0 and p0 + 180: most of the signal positive
        real = (s * phase_ramp(s.shape[0], np.rad2deg(p0), np.rad2deg(p1))).real
        inside = np.concatenate([real[a:b] for a, b in keep])
        if inside.sum() < 0:
            p0 += np.pi
    resid = np.angle(np.exp(1j * fold * (theta - p0 - p1 * x))) / fold
    residual_deg = float(np.rad2deg(np.sqrt(np.average(resid**2, weights=w))))
    coverage = min(1.0, len(keep) / 5.0) * (1.0 if np.ptp(x) >= 0.2 or len(keep) < 3 else 0.85)
    confidence = float(np.clip(r, 0.0, 1.0) ** 2 * coverage)
    p0_deg = float((np.rad2deg(p0) + 180.0) % 360.0 - 180.0)
    return PhaseEstimate(p0_deg, float(np.rad2deg(p1)), confidence, len(keep), edited,
                         tuple(exclude_ppm), residual_deg)


def _solvent_window(m: Measurement, width_ppm: float) -> tuple[tuple[float, float], ...]:
    acq = m.acquisition
    if not isinstance(acq, NMRAcquisition) or not is_solvent_suppressed(acq.pulse_program):
        return ()
    axis = m.axes[0].values
    centre = float(axis[0] + axis[-1]) / 2.0
    return ((centre - width_ppm, centre + width_ppm),)


@step("nmr.autophase", technique="nmr")
def autophase(
    m: Measurement,
    *,
    edited: bool | None = None,
    exclude_ppm: list[list[float]] | None = None,
    solvent_window_ppm: float = 0.25,
    p1_limit_deg: float = 360.0,
    min_confidence: float = 0.6,
) -> StepOutput:
    """Phase a spectrum automatically; record p0, p1 and a confidence.

    Parameters
    ----------
    edited
        Allow real negative peaks (phase fitted modulo 180 degrees). None: decide from the
        pulse program (DEPT, APT, DEPTQ, edited HSQC...).
    exclude_ppm
        ``[[low, high], ...]`` ppm ranges ignored by the fit. None: for solvent-suppression
        pulse programs, the carrier (suppressed solvent) +- ``solvent_window_ppm``.
    p1_limit_deg
        Largest first-order phase searched (after group-delay correction it is small).
    min_confidence
        Below this, a warning says the spectrum needs a human check.

    The applied phase is in TopSpin's convention (PHC0, PHC1, pivot on the high-ppm edge);
    see :func:`~instrumentarium.nmr.processing.phase`.
    """
    require_spectrum(m, "nmr.autophase")
    acq = m.acquisition
    pulprog = acq.pulse_program if isinstance(acq, NMRAcquisition) else None
    if edited is None:
        edited = is_edited_experiment(pulprog)
    if exclude_ppm is None:
        windows = _solvent_window(m, solvent_window_ppm)
    else:
        windows = tuple((float(min(r)), float(max(r))) for r in exclude_ppm)
    sw = getattr(acq, "spectral_width_hz", None)
    td = getattr(acq, "n_points", None)
    est = estimate_phase(m.signal, m.axes[0].values, edited=edited, exclude_ppm=windows,
                         p1_limit_deg=p1_limit_deg, hz_per_point=sw / m.shape[0] if sw else None,
                         zero_filled=m.shape[0] / td if td else 1.0)
    out = m.replace(signal=fresh(m.signal * phase_ramp(m.shape[0], est.p0_deg, est.p1_deg)))
    decisions = {
        "p0_deg": round(est.p0_deg, 3),
        "p1_deg": round(est.p1_deg, 3),
        "confidence": round(est.confidence, 3),
        "method": "regional-circular-fit",
        "n_regions": est.n_regions,
        "edited": edited,
        "excluded_ppm": [list(w) for w in windows],
        "residual_deg": round(est.residual_deg, 2) if np.isfinite(est.residual_deg) else None,
    }
    warnings = []
    if est.n_regions == 0:
        warnings.append("no signal found above the noise: spectrum left unphased; check it by hand")
    elif est.confidence < min_confidence:
        warnings.append(f"low phase confidence {est.confidence:.2f}: check the phase by hand")
    return StepOutput(out, decisions=decisions, warnings=warnings)
