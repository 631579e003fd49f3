"""Finding a reference line in a spectrum: the distance-weighted search, the unmistakable far
residual, the centre of a deuterium-split solvent multiplet (used by :mod:`._reference`).

- Gottlieb, Kotlyar & Nudelman, J. Org. Chem. 62, 7512 (1997): residual shifts and their
  multiplicities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal as _signal

from ._autophase import noise_sigma

__all__ = ["dominant_line", "find_reference_signal", "multiplet_centre"]

#: lines within this of a singlet solvent line count as its neighbours (a solute multiplet's
#: partner lines lie within ~20 Hz)
LOCAL_HZ = 20.0
#: a 1H residual far from its table shift is taken when it is this many times taller than every
#: other line of the search window (its deuterium-split partners aside) ...
_FAR_DOMINANCE = 3.0
#: ... and no line of this fraction of its height stands within :data:`_AT_TABLE_PPM` of the table
_FAR_TABLE_LINE = 0.05
_AT_TABLE_PPM = 0.02


@dataclass(frozen=True)
class _Candidate:
    kind: str  # "internal_standard" or "solvent"
    compound: str
    expected_ppm: float
    search_ppm: float
    lines: int = 1
    j_hz: float = 0.0


@dataclass(frozen=True)
class _Found:
    """A reference line found by :func:`_find`."""

    ppm: float
    confidence: float
    snr: float
    dominance: float
    height: float  # the line's prominence
    share: float  # of the summed prominence of the lines within ``local_ppm`` of it
    far: bool = False  # found by :func:`_find_far` (outside what the distance weighting trusts)


def _refine_top(axis_ppm: np.ndarray, real: np.ndarray, i: int) -> float:
    """Position of maximum ``i`` refined by a parabola through the top three points."""
    pos = float(axis_ppm[i])
    if 0 < i < real.shape[0] - 1:
        y0, y1, y2 = real[i - 1], real[i], real[i + 1]
        den = y0 - 2 * y1 + y2
        if den < 0:
            pos += 0.5 * (y0 - y2) / den * float(axis_ppm[i + 1] - axis_ppm[i])
    return pos


def _find(
    axis_ppm: np.ndarray,
    real: np.ndarray,
    expected_ppm: float,
    search_ppm: float,
    min_snr: float,
    sigma: float,
    local_ppm: float = 0.05,
) -> _Found | None:
    inside = np.flatnonzero(np.abs(axis_ppm - expected_ppm) <= search_ppm)
    if inside.size < 5:
        return None
    a, b = int(inside[0]), int(inside[-1]) + 1
    seg = real[a:b]
    peaks, props = _signal.find_peaks(seg, prominence=min_snr * sigma)
    if peaks.size == 0:
        return None
    d = axis_ppm[a + peaks] - expected_ppm
    w = search_ppm / 3.0
    # prominences, not heights: a vendor spectrum may sit on a baseline offset (no baseline step)
    prominence = props["prominences"]
    score = prominence * np.exp(-((d / w) ** 2))
    k = int(np.argmax(score))
    i = a + int(peaks[k])
    snr = float(prominence[k] / sigma)
    dominance = float(score[k] / score.sum())
    near = np.abs(axis_ppm[a + peaks] - axis_ppm[i]) <= local_ppm
    share = float(prominence[k] / prominence[near].sum())
    confidence = min(1.0, snr / 200.0) ** 0.5 * dominance * float(np.exp(-((d[k] / w) ** 2) / 4))
    return _Found(
        _refine_top(axis_ppm, real, i),
        float(np.clip(confidence, 0.0, 1.0)),
        snr,
        dominance,
        float(prominence[k]),
        share,
    )


def dominant_line(
    ppm: np.ndarray,
    height: np.ndarray,
    expected_ppm: float,
    *,
    mhz: float,
    search_ppm: float = 0.15,
    partners_hz: float = 6.0,
    at_table_ppm: float = _AT_TABLE_PPM,
    dominance: float = _FAR_DOMINANCE,
    table_line: float = _FAR_TABLE_LINE,
) -> int | None:
    """The index of the line that is unmistakably a signal expected at ``expected_ppm`` but found
    off it; None when there is no such line.

    The line is the tallest within ``search_ppm`` of ``expected_ppm``, taken only when

    - it lies more than ``at_table_ppm`` from ``expected_ppm`` and no line of ``table_line`` of
      its height stands within ``at_table_ppm`` of it (a signal where the table puts it, however
      small, is the signal);
    - it is ``dominance`` times taller than every other line of the window, its own
      deuterium-split partners (within ``partners_hz``: acetone-d5's quintet spans 8.8 Hz) aside.

    Used for a 1H solvent residual on an axis never referenced (dev d02: C6D5H at 7.275 ppm for
    7.16) by :func:`reference` and by the analysis' table lookups.

    Parameters
    ----------
    ppm, height
        The lines (maxima) and their heights or prominences.
    expected_ppm
        The table shift.
    mhz
        Spectrometer frequency (for ``partners_hz``).
    """
    p = np.asarray(ppm, dtype=float)
    h = np.asarray(height, dtype=float)
    win = np.flatnonzero(np.abs(p - expected_ppm) <= search_ppm)
    if win.size == 0:
        return None
    k = int(win[np.argmax(h[win])])
    at_table = win[np.abs(p[win] - expected_ppm) <= at_table_ppm]
    if abs(p[k] - expected_ppm) <= at_table_ppm or np.any(h[at_table] >= table_line * h[k]):
        return None
    others = win[np.abs(p[win] - p[k]) * mhz > partners_hz]
    if np.any(h[others] * dominance > h[k]):
        return None
    return k


def _find_far(
    axis_ppm: np.ndarray,
    real: np.ndarray,
    c: _Candidate,
    sigma: float,
    frequency_mhz: float,
    min_snr: float = 20.0,
) -> _Found | None:
    """The 1H residual of ``c`` far from its table shift, when it is unmistakable; else None.

    A lock-set axis that was never referenced (TopSpin ``SR = 0``) can be a tenth of a ppm off
    (dev d02: C6D5H at 7.275 ppm for 7.16), where :func:`_find`'s distance weighting no longer
    trusts the line. It is taken anyway when it is the only candidate a spectroscopist would
    see (:func:`dominant_line` over the maxima's prominences).
    """
    inside = np.flatnonzero(np.abs(axis_ppm - c.expected_ppm) <= c.search_ppm)
    if inside.size < 5:
        return None
    a = int(inside[0])
    peaks, props = _signal.find_peaks(real[a : int(inside[-1]) + 1], prominence=min_snr * sigma)
    if peaks.size == 0:
        return None
    prominence = props["prominences"]
    pos = axis_ppm[a + peaks]
    partners_hz = max(6.0, (c.lines - 1) / 2 * c.j_hz + 1.5)
    k = dominant_line(
        pos, prominence, c.expected_ppm, mhz=frequency_mhz, search_ppm=c.search_ppm, partners_hz=partners_hz
    )
    if k is None:
        return None
    top = float(prominence[k])
    others = np.abs(pos - pos[k]) * frequency_mhz > partners_hz
    second = float(prominence[others].max()) if others.any() else 0.0
    near = np.abs(pos - pos[k]) * frequency_mhz <= LOCAL_HZ
    snr = top / sigma
    confidence = min(1.0, snr / 200.0) ** 0.5 * (1.0 - second / top)
    return _Found(
        _refine_top(axis_ppm, real, a + int(peaks[k])),
        float(np.clip(confidence, 0.0, 1.0)),
        float(snr),
        1.0 - second / top,
        top,
        float(top / prominence[near].sum()),
    )


def find_reference_signal(
    axis_ppm: np.ndarray,
    real: np.ndarray,
    expected_ppm: float,
    search_ppm: float,
    *,
    min_snr: float = 20.0,
    sigma: float | None = None,
) -> tuple[float, float] | None:
    """Locate the line nearest ``expected_ppm`` (within ``search_ppm``); return (ppm, confidence).

    Candidates are local maxima of the real spectrum with a prominence above ``min_snr``
    times the noise; each is scored by height times ``exp(-(d/w)**2)`` with ``d`` its distance
    from the expected shift and ``w = search_ppm/3``, so the tallest line of a multiplet near
    the expected shift wins over a bigger one further away. The position is refined by a
    parabola through the top three points. ``sigma``: the noise of ``real`` if already known.
    """
    found = _find(axis_ppm, real, expected_ppm, search_ppm, min_snr, noise_sigma(real) if sigma is None else sigma)
    return None if found is None else (found.ppm, found.confidence)


def _spin1_weights(lines: int) -> np.ndarray:
    w = np.array([1.0])
    for _ in range((lines - 1) // 2):
        w = np.convolve(w, [1.0, 1.0, 1.0])
    return w


def multiplet_centre(axis_ppm: np.ndarray, real: np.ndarray, line_ppm: float, lines: int, spacing_ppm: float) -> float:
    """Centre of the ``lines``-line deuterium multiplet (spacing ``spacing_ppm``) holding ``line_ppm``.

    Each placement of the pattern that puts one of its lines on ``line_ppm`` is scored by the
    spectrum's heights at the pattern's positions weighted by the spin-1 intensities (1:1:1,
    1:2:3:2:1, ...); the best placement gives the centre, among those with a line (a quarter of
    ``line_ppm``'s height) at each of the pattern's main positions. A singlet stays where it is.
    """
    if lines < 3 or spacing_ppm <= 0:
        return line_ppm
    step_pt = abs(float(axis_ppm[1] - axis_ppm[0]))
    if spacing_ppm < 3 * step_pt:
        return line_ppm  # not resolved: the tallest line is the centre
    half = (lines - 1) // 2
    weights = _spin1_weights(lines)
    r = max(int(0.25 * spacing_ppm / step_pt), 1)
    descending = axis_ppm[0] > axis_ppm[-1]

    def height(ppm: float) -> float:
        j = round((float(axis_ppm[0]) - ppm) / step_pt) if descending else round((ppm - float(axis_ppm[0])) / step_pt)
        if j < 0 or j >= real.shape[0]:
            return 0.0
        return max(float(real[max(j - r, 0) : j + r + 1].max()), 0.0)

    offsets = range(-half, half + 1)
    main = [m for wm, m in zip(weights, offsets) if wm >= 0.5 * weights.max()]
    floor = 0.25 * height(line_ppm)

    def score(c: float) -> float:
        return sum(wm * height(c + m * spacing_ppm) for wm, m in zip(weights, offsets))

    # another placement must put a line on each of the pattern's main positions (a singlet
    # scores about alike everywhere for a 1:1:1 triplet, up to noise) and score better
    best, centre = score(line_ppm), line_ppm
    for k in offsets:
        c = line_ppm - k * spacing_ppm
        if k and all(height(c + m * spacing_ppm) >= floor for m in main):
            s = score(c)
            if s > best:
                best, centre = s, c
    return centre
