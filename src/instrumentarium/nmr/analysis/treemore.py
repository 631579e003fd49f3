"""More than two overlapping multiplets in one range, and a dd that is two doublets.

Extends the two-tree fit of :mod:`.treepair` (Cobas et al., Magn. Reson. Chem. 46, 2008:
a range deconvolved into several multiplets) to up to four trees, added one at a time while
the Bayesian information criterion falls (Schwarz, Ann. Stat. 6, 461 (1978)): a doublet of
doublets replaced by two doublets (two methyl doublets whose inner lines coincide read as
one dd), or a tree read from the lines the fit leaves (a ring proton under two methyls).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

from .treefit import pinned, tree_name
from .treepair import PairFit, _grow_once, _trees_of, fit_pair, usable

__all__ = ["more_multiplets", "split_dd"]


def _dd_splits(groups, centers, t: int) -> list[tuple[tuple, tuple]]:
    """Tree ``t`` (a dd, J1 > J2) replaced by two doublets with the same four lines: side by side
    (both J2, centres J1 apart) first, then interleaved (both J1, centres J2 apart)."""
    (j1, _), (j2, _) = sorted(groups[t], key=lambda g: -g[0])
    c = centers[t]
    out = []
    for ja, jb in ((j2, j1), (j1, j2)):
        trees = (*groups[:t], ((ja, 1),), ((ja, 1),), *groups[t + 1 :])
        out.append((trees, (*centers[:t], c + 0.5 * jb, c - 0.5 * jb, *centers[t + 1 :])))
    return out


def _alike(r: PairFit, t: int, max_dj_hz: float, min_dj_hz: float = 0.25) -> bool:
    """Trees ``t`` and ``t + 1`` are two doublets with couplings within ``max_dj_hz`` but not
    the same: two doublets of one J are a dd whose roof effect the two amplitudes fit better
    (butyl acrylate's vinyl dd 17.3, 10.4 Hz), not two groups."""
    (ja, _), (jb, _) = r.groups[t][0], r.groups[t + 1][0]
    return min_dj_hz <= abs(ja - jb) <= max_dj_hz


def split_dd(x, y, groups, center_hz: float, *, fwhm_hz: float, points_per_hz: float, min_j_hz: float,
             max_nfev: int = 100, min_fraction: float = 0.1, interleave_bic: float = 10.0,
             max_dj_hz: float = 1.0) -> PairFit | None:
    """Two doublets in place of the doublet of doublets ``groups`` (same four lines), or None.

    The two models share their line positions; two doublets win the BIC only when their
    couplings or intensities differ beyond what the dd (with its roof tilt) explains. Four
    equal lines pair into two doublets two ways (side by side, or interleaved with larger
    J) that the spectrum alone cannot tell apart: side by side is kept unless interleaved
    is better by ``interleave_bic`` (very strong evidence; Kass and Raftery, J. Am. Stat.
    Assoc. 90, 773 (1995)). Doublets whose couplings end up more than ``max_dj_hz`` apart no
    longer sit on the dd's lines: the range is something else, and None is returned.
    """
    found = []
    for trees, centers in _dd_splits((tuple(groups),), (center_hz,), 0):
        r = fit_pair(x, y, trees, centers, fwhm_hz=fwhm_hz, points_per_hz=points_per_hz, min_j_hz=min_j_hz,
                     max_nfev=max_nfev)
        if not (usable(r, min_fraction, min_j_hz) and _alike(r, 0, max_dj_hz)):
            r = None
        found.append(r)
    side, inter = found
    if inter is not None and (side is None or inter.bic < side.bic - interleave_bic):
        return inter
    return side


def more_multiplets(x, y, fit: PairFit, *, fwhm_hz: float, points_per_hz: float, tol_hz: float, min_j_hz: float,
                    max_trees: int = 4, min_fraction: float = 0.04, max_nfev: int = 30,
                    max_j_hz: float | None = None) -> PairFit:
    """``fit`` with more multiplets while the BIC falls (:func:`_more_trees`), each then grown."""
    kw = dict(fwhm_hz=fwhm_hz, points_per_hz=points_per_hz, min_j_hz=min_j_hz, max_nfev=max_nfev, max_j_hz=max_j_hz)
    more = _more_trees(x, y, fit, tol_hz=tol_hz, max_trees=max_trees, min_fraction=min_fraction, **kw)
    return fit if more is fit else _grown(x, y, more, min_fraction=min_fraction, **kw)


def _grown(x, y, best: PairFit, *, min_fraction: float, **kw) -> PairFit:
    """Grow the winner while the BIC falls: more equivalent couplings in a group (a d that is
    a t, hidden outer lines), a group split or untied (:func:`_grow_once`)."""
    while True:
        grown = None
        for t in range(len(best.groups)):
            for g in _grow_once(best.groups[t]):
                trees = (*best.groups[:t], g, *best.groups[t + 1 :])
                r = fit_pair(x, y, trees, best.center_hz, max_trees=len(trees), **kw)
                if not usable(r, min_fraction, kw["min_j_hz"]):
                    continue
                if r.bic < (grown or best).bic:
                    grown = r
        if grown is None:
            return best
        best = grown


def _more_trees(x, y, best: PairFit, *, fwhm_hz, points_per_hz, tol_hz, min_j_hz, max_trees, min_fraction,
                max_nfev, max_j_hz=None) -> PairFit:
    """Add multiplets to a fit while the BIC says so: a doublet of doublets that is two doublets
    (two methyl doublets whose inner lines coincide look exactly like one ``dd``), or a multiplet
    read from the lines the fit leaves (a small ring proton under two methyl doublets)."""
    ymax = float(np.max(np.abs(y))) or 1.0
    while len(best.groups) < max_trees:
        cands: list[tuple[tuple, tuple]] = []
        split_at: list[int | None] = []  # where a dd became two doublets (trees t and t + 1)
        for t, g in enumerate(best.groups):
            if len(g) == 2 and all(n == 1 for _, n in g):
                cands += _dd_splits(best.groups, best.center_hz, t)[:1]  # side by side (see split_dd)
                split_at.append(t)
        if best.residual is not None and len(best.residual) == len(x):
            left = -best.residual  # data minus model
            idx, _ = find_peaks(left, height=0.03 * ymax, distance=max(1, int(0.5 * fwhm_hz * points_per_hz)))
            if len(idx):
                for g, c in _trees_of(x[idx], left[idx], tol_hz)[:2]:
                    if g:  # a lone left-over line is a lineshape misfit more often than a singlet
                        cands.append(((*best.groups, g), (*best.center_hz, c)))
        split_at += [None] * (len(cands) - len(split_at))
        new = None
        for i_c, (trees, centers) in enumerate(cands):
            r = fit_pair(x, y, trees, centers, fwhm_hz=fwhm_hz, points_per_hz=points_per_hz, min_j_hz=min_j_hz,
                         max_nfev=max_nfev, max_trees=max_trees, max_j_hz=max_j_hz)
            if r is not None and any(pinned(g, min_j_hz) for g in r.groups):
                # a coupling pushed against the smallest resolvable one is line broadening: drop it
                trees = tuple(tuple((j, n) for j, n in g if j > min_j_hz + 0.01) for g in r.groups)
                r = fit_pair(x, y, trees, r.center_hz, fwhm_hz=fwhm_hz, points_per_hz=points_per_hz,
                             min_j_hz=min_j_hz, max_nfev=max_nfev, max_trees=max_trees, max_j_hz=max_j_hz)
            if not usable(r, min_fraction, min_j_hz):
                continue
            t = split_at[i_c]
            if t is not None and not (0.5 <= r.area[t] / max(r.area[t + 1], 1e-300) <= 2.0 and _alike(r, t, 1.0)):
                continue  # two doublets from one dd are two alike groups (two methyls), not a fragment
            if "m" in [tree_name(g) for g in r.groups]:
                continue
            if r.bic < (new or best).bic:
                new = r
        if new is None:
            break
        best = new
    return best
