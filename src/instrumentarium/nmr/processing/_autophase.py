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

Edited experiments (DEPT, APT, DEPTQ, multiplicity-edited HSQC) and J-modulated Hahn spin
echoes (``zgse``, ``zgprse``: a doublet whose J matches the echo time, 2*d2 = 1/J, comes out
inverted; lactate editing) have real negative peaks: the fit is made on doubled angles (phase
modulo 180 degrees), over half the first-order range (on doubled angles the circular fit
aliases at half the spacing in ``p1``), and the sign chosen so that most signal is positive.
Solvent-suppressed spectra (presaturation, NOESY-presat, excitation sculpting, WATERGATE)
exclude the suppressed solvent region around the carrier, whose residual is not absorptive.
The confidence is the weighted mean resultant length of the residual region phases, reduced
when few regions or a narrow ppm span constrain ``p1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import optimize, signal

from ...model import Measurement, NMRAcquisition
from ...pipeline import StepOutput, step
from ._domain import fresh, require_spectrum
from ._entropy import refine_entropy
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

_EDITED = re.compile(r"dept|apt|jmod|hsqced|hsqc.*ed|edit|attached|hahn|^zg\w*se(?![a-z])", re.IGNORECASE)
_SUPPRESSED = re.compile(
    r"presat|zgpr|pr1d|prse|ps1d|noesy.*1d|cpmgpr|wgs|watergate|zggpw|esgp|wet|lc1d|prsp", re.IGNORECASE
)


def is_edited_experiment(pulse_program: str | None) -> bool:
    """True for pulse programs whose spectra carry real negative peaks (DEPT, APT, edited HSQC,
    J-modulated Hahn spin echo such as ``zgprse``)."""
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
    line_residual_deg: float = float("nan")


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
    # on doubled angles a first-order phase p1 and p1 + 180/dx fit two regions dx apart
    # equally well: half the range (every vendor PHC1 of the dev set is within +-91 deg)
    p1_limit_deg = p1_limit_deg / fold
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
            p0, p1 = refine_entropy(sk, keep_k or [(0, sk.shape[0])], (p0, p1), (theta, w, x), fold=fold,
                                     edited=edited, noise_floor=3.0 * sigma, p1_limit_deg=p1_limit_deg,
                                     min_pad=max(min_pad // k, 1))
        else:
            p0, p1 = refine_entropy(s, keep, (p0, p1), (theta, w, x), fold=fold, edited=edited,
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
    line_residual = float("nan")
    if edited:
        # modulo 180 degrees the regional fit is weakly constrained: check it against the
        # phases of the lines themselves (J-modulated multiplets of a spin echo are not pure
        # absorption lines and scatter by tens of degrees: dev d08)
        t3, _, x3 = line_phases(s, keep, sigma=sigma, max_points=600, max_nfev=0)
        if t3.size >= 3:
            d3 = np.angle(np.exp(2j * (t3 - p0 - p1 * x3))) / 2
            line_residual = float(np.rad2deg(np.median(np.abs(d3))))
            confidence /= 1.0 + (line_residual / 20.0) ** 2
    p0_deg = float((np.rad2deg(p0) + 180.0) % 360.0 - 180.0)
    return PhaseEstimate(p0_deg, float(np.rad2deg(p1)), confidence, len(keep), edited,
                         tuple(exclude_ppm), residual_deg, line_residual)


def phase_options(m: Measurement, edited: bool | None, exclude_ppm, solvent_window_ppm: float):
    """``(edited, excluded windows)`` of a phasing step: from the pulse program unless given."""
    acq = m.acquisition
    if edited is None:
        edited = is_edited_experiment(acq.pulse_program if isinstance(acq, NMRAcquisition) else None)
    if exclude_ppm is None:
        return edited, _solvent_window(m, solvent_window_ppm)
    return edited, tuple((float(min(r)), float(max(r))) for r in exclude_ppm)


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
        Largest first-order phase searched (after group-delay correction it is small); half
        of it for edited experiments (phase modulo 180 degrees).
    min_confidence
        Below this, a warning says the spectrum needs a human check.

    The applied phase is in TopSpin's convention (PHC0, PHC1, pivot on the high-ppm edge);
    see :func:`~instrumentarium.nmr.processing.phase`.
    """
    require_spectrum(m, "nmr.autophase")
    acq = m.acquisition
    edited, windows = phase_options(m, edited, exclude_ppm, solvent_window_ppm)
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
        "line_residual_deg": round(est.line_residual_deg, 2) if np.isfinite(est.line_residual_deg) else None,
    }
    warnings = []
    if est.n_regions == 0:
        warnings.append("no signal found above the noise: spectrum left unphased; check it by hand")
    elif est.confidence < min_confidence:
        warnings.append(f"low phase confidence {est.confidence:.2f}: check the phase by hand")
    return StepOutput(out, decisions=decisions, warnings=warnings)
