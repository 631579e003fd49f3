"""First-order multiplet analysis: multiplicity letters and coupling constants.

A first-order multiplet is a tree of doublet splittings: with n couplings it has 2**n
components, the leftmost one alone on the outermost line. Following Hoye, Hanson and
Vyvyan (J. Org. Chem. 59, 4096 (1994)) and Hoye and Zhao (J. Org. Chem. 67, 4014
(2002)), line intensities are converted to integer component counts (summing to a power
of two), then the couplings are peeled off from the outer line: the first J is the
distance from the first to the second component, and each further J is the distance
from the first component to the first component not yet explained by the tree so far.
The couplings are then refined by linear least squares on the fitted line positions, the
same two-stage idea as the J analyser of Cobas et al. (Magn. Reson. Chem. 43, 843 (2005))
used by NMRium (with Golotvin-style intensity normalisation to the outer lines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "MAX_METHYL_J_HZ",
    "MultipletFit",
    "analyze_multiplet",
    "multiplicity_name",
    "refine_multiplet",
    "two_singlets",
    "LETTERS",
]

LETTERS = {1: "d", 2: "t", 3: "q", 4: "quint", 5: "sext", 6: "sept"}


@dataclass(frozen=True)
class MultipletFit:
    """Result of the J analysis of one group of lines (frequencies in Hz).

    ``partner`` is a second multiplet overlapping this one in the same range
    (:mod:`.treepair`), ``fraction`` this multiplet's share of the range's area.
    """

    multiplicity: str
    j_hz: tuple[float, ...]
    all_j_hz: tuple[float, ...]
    center_hz: float
    rms_hz: float
    fraction: float = 1.0
    partner: MultipletFit | None = None


def multiplicity_name(all_j: list[float] | tuple[float, ...], *, equal_hz: float = 0.1) -> tuple[str, tuple]:
    """Return the journal letters and the distinct couplings (largest first).

    ``all_j`` lists every coupling (a triplet lists its J twice); couplings closer than
    ``equal_hz`` are counted as one letter (t, q, quint...).
    """
    js = sorted((float(j) for j in all_j), reverse=True)
    if not js:
        return "s", ()
    groups: list[list[float]] = [[js[0]]]
    for j in js[1:]:
        if abs(groups[-1][-1] - j) <= equal_hz:
            groups[-1].append(j)
        else:
            groups.append([j])
    if any(len(g) > 6 for g in groups):
        return "m", ()
    letters = "".join(LETTERS[len(g)] for g in groups)
    return letters, tuple(round(float(np.mean(g)), 2) for g in groups)


def _peel(offsets: list[float], tol: float) -> tuple[list[float], list[tuple[int, ...]]] | None:
    """Peel a multiset of component offsets (first = 0) into couplings; None when impossible."""
    remaining = sorted(offsets)[1:]
    tree: list[tuple[float, tuple[int, ...]]] = [(0.0, ())]
    js: list[float] = []
    while remaining:
        j = remaining[0]
        if j < tol:
            return None
        new = [(t + j, (*b, 1)) for t, b in tree]
        tree = [(t, (*b, 0)) for t, b in tree]
        for t, _ in new:
            k = int(np.argmin([abs(r - t) for r in remaining])) if remaining else -1
            if k < 0 or abs(remaining[k] - t) > tol * (1 + len(js)):
                return None
            remaining.pop(k)
        tree += new
        js.append(j)
        if len(js) > 7:
            return None
    return js, [b for _, b in tree]


def _counts(a: np.ndarray, unit: float) -> np.ndarray | None:
    r = a / unit
    if not np.all(np.isfinite(r)) or np.max(r) > 64:
        return None
    c = np.rint(r).astype(int)
    if np.any(c < 1):
        return None
    if np.max(np.abs(a / unit - c) / c) > 0.4:
        return None
    return c


def analyze_multiplet(
    freq_hz: np.ndarray, intensity: np.ndarray, *, tol_hz: float = 0.5, equal_hz: float = 0.1
) -> MultipletFit:
    """Analyse one group of lines as a first-order multiplet.

    Parameters
    ----------
    freq_hz
        Line positions (Hz, any origin).
    intensity
        Line intensities (areas or heights), same order.
    tol_hz
        How far a line may be from where the coupling tree puts it.
    equal_hz
        Couplings closer than this are one letter (t, q...).

    Returns
    -------
    :class:`MultipletFit`; ``multiplicity`` is ``"m"`` when no first-order tree explains
    the lines (strong coupling, overlap, missing lines).
    """
    order = np.argsort(freq_hz)
    f = np.asarray(freq_hz, dtype=float)[order]
    a = np.clip(np.asarray(intensity, dtype=float)[order], 0.0, None)
    n = len(f)
    center = float(np.sum(f * a) / np.sum(a)) if np.sum(a) > 0 else float(np.mean(f))
    if n == 1:
        return MultipletFit("s", (), (), float(f[0]), 0.0)
    # roof effect: average each line with its mirror when the lines are symmetric
    sym = np.allclose(f + f[::-1], f[0] + f[-1], atol=tol_hz)
    if sym:
        a = 0.5 * (a + a[::-1])
    total = float(np.sum(a))
    units = [a[0], 0.5 * (a[0] + a[-1])] + [total / 2**k for k in range(1, 8)]
    best: MultipletFit | None = None
    tried: set[tuple] = set()
    for unit in units:
        if unit <= 0:
            continue
        # lines worth less than half a component are not part of the pattern (humps,
        # impurities); they may hold at most 15 % of the range's intensity
        keep = a / unit >= 0.5
        if np.sum(a[~keep]) > 0.15 * total or np.sum(keep) < 2:
            continue
        fk = f[keep]
        c = _counts(a[keep], unit)
        if c is None:
            continue
        s = int(c.sum())
        key = (*np.flatnonzero(keep), *c)
        if s & (s - 1) or s < 2 or key in tried:
            continue
        tried.add(key)
        offsets = [float(fi - fk[0]) for fi, ci in zip(fk, c) for _ in range(ci)]
        owner = [i for i, ci in enumerate(c) for _ in range(ci)]
        peeled = _peel(offsets, tol_hz)
        if peeled is None:
            continue
        js, bits = peeled
        # assign every tree component to the nearest observed line, then refine by lstsq
        rows, rhs = [], []
        for b in bits:
            pos = fk[0] + sum(j for j, bit in zip(js, b) if bit)
            k = int(np.argmin(np.abs(fk - pos)))
            rows.append([1.0, *b])
            rhs.append(fk[k])
        A = np.asarray(rows, dtype=float)
        sol, *_ = np.linalg.lstsq(A, np.asarray(rhs), rcond=None)
        fitted_j = [float(abs(j)) for j in sol[1:]]
        rms = float(np.sqrt(np.mean((A @ sol - np.asarray(rhs)) ** 2)))
        if len(set(owner)) != len(fk):
            continue
        name, distinct = multiplicity_name(fitted_j, equal_hz=equal_hz)
        fit = MultipletFit(
            name, distinct, tuple(sorted(fitted_j, reverse=True)), float(sol[0] + 0.5 * sum(sol[1:])), rms
        )
        if (
            best is None
            or len(fit.all_j_hz) < len(best.all_j_hz)
            or (len(fit.all_j_hz) == len(best.all_j_hz) and fit.rms_hz < best.rms_hz)
        ):
            best = fit
    if best is None or best.multiplicity == "m":
        return MultipletFit("m", (), (), center, float("nan"))
    return best


def refine_multiplet(
    x_hz: np.ndarray, y: np.ndarray, fit: MultipletFit, *, fwhm_hz: float, equal_hz: float = 0.1
) -> MultipletFit:
    """Refine centre and couplings by fitting the whole multiplet's lineshape.

    All 2**n components share one pseudo-Voigt width; a linear intensity tilt absorbs the
    roof effect of weak second-order coupling. Fitting the lineshape rather than the line
    positions removes the bias of lines that overlap within a linewidth (the "J
    deconvolution" idea of Cobas et al. 2005, done here as a direct least-squares fit).

    Parameters
    ----------
    x_hz, y
        The range of the spectrum (Hz, baseline-corrected signal).
    fit
        Starting point from :func:`analyze_multiplet`.
    fwhm_hz
        Starting linewidth.
    """
    from scipy.optimize import least_squares

    from .peaks import pseudo_voigt

    n = len(fit.all_j_hz)
    if n == 0 or n > 5 or len(x_hz) < 4 * (n + 4) or len(x_hz) > 3000:
        return fit
    signs = np.array([[((i >> k) & 1) - 0.5 for k in range(n)] for i in range(2**n)])
    scale = float(np.max(np.abs(y))) or 1.0
    span = max(sum(fit.all_j_hz), 1e-9)

    def model(p: np.ndarray) -> np.ndarray:
        c, amp, w, eta, tilt, base = p[:6]
        js = p[6:]
        pos = (c + signs @ js)[:, None]
        heights = amp * (1.0 + tilt * (pos - c) / span)
        return base + np.sum(pseudo_voigt(x_hz[None, :], pos, heights, w, eta), axis=0)

    amp0 = scale / max(1.0, 2**n / 4)
    p0 = np.array([fit.center_hz, amp0, fwhm_hz, 0.8, 0.0, 0.0, *fit.all_j_hz])
    lb = [fit.center_hz - 1.0, 0.0, 0.2 * fwhm_hz, 0.0, -0.9, -0.05 * scale] + [
        max(0.0, j - 1.0) for j in fit.all_j_hz
    ]
    ub = [fit.center_hz + 1.0, 4 * scale, 3.0 * fwhm_hz, 1.0, 0.9, 0.05 * scale] + [
        j + 1.0 for j in fit.all_j_hz
    ]
    p0 = np.clip(p0, lb, ub)
    try:
        sol = least_squares(lambda p: (model(p) - y) / scale, p0, bounds=(lb, ub), max_nfev=300)
    except (ValueError, np.linalg.LinAlgError):
        return fit
    js = sorted((float(j) for j in sol.x[6:]), reverse=True)
    name, distinct = multiplicity_name(js, equal_hz=equal_hz)
    rms = float(np.sqrt(np.mean(sol.fun**2)))
    return MultipletFit(name, distinct, tuple(js), float(sol.x[0]), rms)


def symmetric_pattern(freq_hz: np.ndarray, intensity: np.ndarray, *, tol_hz: float, rel: float = 0.35) -> bool:
    """True when the lines mirror about their middle (positions within ``tol_hz``, heights within ``rel``).

    A first-order multiplet is symmetric, whatever its tree; two touching multiplets rarely are.
    """
    order = np.argsort(freq_hz)
    f = np.asarray(freq_hz, dtype=float)[order]
    a = np.asarray(intensity, dtype=float)[order]
    if len(f) < 2:
        return True
    if not np.allclose(f + f[::-1], f[0] + f[-1], atol=tol_hz):
        return False
    return bool(np.all(np.abs(a - a[::-1]) <= rel * np.maximum(a, a[::-1])))


#: the largest coupling a methyl has to protons (3J(CH3-CH) 6-8 Hz, long-range ones smaller:
#: Günther, NMR Spectroscopy, 3rd ed., ch. 4); only 19F or 31P split a methyl more
MAX_METHYL_J_HZ = 10.0


def two_singlets(fitm: MultipletFit, lines_hz_area: list[tuple[float, float]]) -> MultipletFit:
    """The doublet ``fitm`` as two singlets at its two lines' positions (a partner chain, the
    upper one first), each with its share of the lines' area on its side of the centre."""
    half = 0.5 * fitm.j_hz[0]
    total = sum(a for _, a in lines_hz_area) or 1.0
    upper = sum(a for f, a in lines_hz_area if f > fitm.center_hz) / total
    low = MultipletFit("s", (), (), fitm.center_hz - half, fitm.rms_hz, 1.0 - upper)
    return MultipletFit("s", (), (), fitm.center_hz + half, fitm.rms_hz, upper, low)
