"""Coupling-tree selection by whole-multiplet lineshape fitting and an information criterion.

A first-order multiplet is a coupling tree: groups of ``n_k`` equivalent couplings ``J_k``
(a ``td`` is ``[(J1, 2), (J2, 1)]``), each splitting every line in two, with binomial
intensities. Following the automatic multiplet analysis of Cobas, Constantino-Castillo,
Martín-Pastor and del Río-Portilla (Magn. Reson. Chem. 46, 2008; deconvolution then
coupling-tree fitting), candidate trees are built from the line spacings (Hoye, Hanson and
Vyvyan, J. Org. Chem. 59, 4096 (1994); Hoye and Zhao, J. Org. Chem. 67, 4014 (2002), which
also covers small couplings seen only as line broadening), each is fitted to the spectrum
of the range (all components with one pseudo-Voigt width, a linear intensity tilt for
the roof effect of mild second-order coupling, a linear baseline) and the tree with the
lowest Bayesian information criterion (Schwarz, Ann. Stat. 6, 461 (1978)) wins. The
number of independent observations is the number of resolution elements (points per
linewidth), not the number of points: spectra are oversampled (zero filling), and
counting every point would let any extra coupling pay for itself by fitting lineshape
imperfections. A ~1 Hz long-range coupling therefore appears as a resolved coupling
when the data show it and as line broadening (a wider line) when they do not.

Equivalent couplings are tied (one parameter for a ``t``, ``q``, ``sept``), so the letters
of the name come from the chosen tree, not from a tolerance on fitted values.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._lsq import bounded_lm

__all__ = ["TreeFit", "fit_tree", "tree_name", "contiguous_partitions", "expand_groups", "implausible", "pinned"]

_LETTER = {1: "d", 2: "t", 3: "q", 4: "quint", 5: "sext", 6: "sept"}


@dataclass(frozen=True)
class TreeFit:
    """A coupling tree fitted to the spectrum of a range (frequencies in Hz).

    ``groups`` are ``(J, n)`` pairs, largest J first; ``bic`` the information criterion
    (lower is better), ``rss`` the residual sum of squares, ``fwhm_hz`` the fitted
    linewidth, ``tilt`` the relative intensity slope across the multiplet.
    """

    groups: tuple[tuple[float, int], ...]
    center_hz: float
    fwhm_hz: float
    amplitude: float
    tilt: float
    rss: float
    bic: float
    n_params: int

    @property
    def multiplicity(self) -> str:
        return tree_name(self.groups)

    @property
    def j_hz(self) -> tuple[float, ...]:
        return tuple(round(j, 2) for j, _ in self.groups)

    @property
    def all_j_hz(self) -> tuple[float, ...]:
        return tuple(expand_groups(self.groups))


def tree_name(groups) -> str:
    """Journal letters of a tree, largest coupling first (``s`` for no coupling)."""
    if not groups:
        return "s"
    if any(n > 6 for _, n in groups):
        return "m"
    return "".join(_LETTER[n] for _, n in sorted(groups, key=lambda g: -g[0]))


def implausible(groups, max_j_hz: float | None) -> bool:
    """A tree of two or more groups with a coupling above ``max_j_hz`` (None: no limit).

    H-H couplings stay below about 20 Hz (geminal sp3 up to ~18 Hz, trans-vinyl 12-18 Hz;
    Günther, NMR Spectroscopy, 3rd ed., ch. 4); a larger one inside a multi-coupling tree is
    a tree stretched over overlapped multiplets (d04: "dt, J = 25.1, 7.7 Hz" over three
    aromatic protons). A lone large doublet or triplet (H-P, H-F: CHF2 t 56 Hz) stays allowed.
    """
    return max_j_hz is not None and len(groups) >= 2 and max(float(j) for j, _ in groups) > max_j_hz


def pinned(groups, min_j_hz: float) -> bool:
    """A coupling of ``groups`` pushed against the smallest resolvable one (``min_j_hz``): line
    broadening the fit turned into a splitting, not a coupling to report."""
    return min((float(j) for j, _ in groups), default=np.inf) <= min_j_hz + 0.01


def expand_groups(groups) -> list[float]:
    """Every coupling once per coupled spin, largest first."""
    return sorted((float(j) for j, n in groups for _ in range(n)), reverse=True)


def contiguous_partitions(js: list[float], *, max_merge_hz: float) -> list[tuple[tuple[float, int], ...]]:
    """All ways of tying neighbouring couplings (sorted) closer than ``max_merge_hz``.

    ``[7.3, 7.2, 5.3]`` gives ``[(7.3,1),(7.2,1),(5.3,1)]`` and ``[(7.25,2),(5.3,1)]``.
    """
    js = sorted(js, reverse=True)
    if not js:
        return [()]
    out = []
    n = len(js)
    for mask in range(2 ** (n - 1)):
        groups, cur = [], [js[0]]
        ok = True
        for i in range(1, n):
            if (mask >> (i - 1)) & 1:
                if cur[0] - js[i] > max_merge_hz:
                    ok = False
                    break
                cur.append(js[i])
            else:
                groups.append(cur)
                cur = [js[i]]
        if not ok:
            continue
        groups.append(cur)
        out.append(tuple((float(np.mean(g)), len(g)) for g in groups))
    return out


def _components(counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (per group, in units of J) and binomial weights of a tree's distinct lines.

    A group of ``n`` equivalent couplings gives ``n + 1`` lines at ``k - n/2`` (k = 0..n) with
    weights ``C(n, k)``; a tree is the product of its groups.
    """
    from math import comb

    offs = np.zeros((1, 0))
    w = np.ones(1)
    for n in counts:
        ks = np.arange(n + 1) - 0.5 * n
        cw = np.array([comb(n, k) for k in range(n + 1)], dtype=float)
        offs = np.concatenate([np.repeat(offs, n + 1, axis=0), np.tile(ks, len(offs))[:, None]], axis=1)
        w = np.repeat(w, n + 1) * np.tile(cw, len(w))
    return offs, w


def fit_tree(
    x: np.ndarray,
    y: np.ndarray,
    groups,
    *,
    center_hz: float,
    fwhm_hz: float,
    points_per_hz: float,
    j_slack_hz: float = 1.0,
    min_j_hz: float = 0.2,
    max_nfev: int = 60,
    max_tilt: float = 0.5,
    min_resolved: float = 0.5,
    fwhm_count_hz: float | None = None,
) -> TreeFit | None:
    """Fit one coupling tree to ``y(x)`` (x in Hz) and return it with its BIC.

    Parameters
    ----------
    groups
        Starting ``(J, n)`` pairs; each J may move by ``j_slack_hz``.
    center_hz, fwhm_hz
        Starting centre and linewidth.
    points_per_hz
        Sampling density, to count resolution elements for the BIC.
    max_tilt
        Largest relative intensity slope across the multiplet (mild roof effect).
    min_resolved
        A fitted coupling below this fraction of the linewidth rejects the tree (Hoye and
        Zhao 2002: such couplings only broaden the lines). The linewidth is the larger of the
        fitted one and the picked (apparent) one: a fit may narrow its lines by splitting them
        into couplings the spectrum never shows as separate maxima (menthol H4's 3.4 Hz lines
        read as a 1.1 Hz quartet).
    fwhm_count_hz
        Linewidth that counts the resolution elements of the BIC (default ``fwhm_hz``):
        every tree of a range is counted with the same one, so their BICs compare.
    """
    counts = [int(n) for _, n in groups]
    if sum(counts) > 9:
        return None
    sg, wt = _components(counts)  # offset of line i = sg[i] @ J, weight wt[i]
    scale = float(np.max(np.abs(y))) or 1.0
    span = max(float(sum(j * n for j, n in groups)), 1.0)
    j0 = np.array([float(j) for j, _ in groups])

    last: list = [None, None]

    def parts(p: np.ndarray):
        if last[0] is not None and np.array_equal(last[0], p):
            return last[1]  # the Jacobian is asked at the point just evaluated
        c, amp, w, eta, tilt = p[:5]
        pos = c + sg @ p[7:]
        rel = (pos - c) / span
        h = amp * wt * (1.0 + tilt * rel)
        d = (x[None, :] - pos[:, None]) / (0.5 * w)
        lor = 1.0 / (1.0 + d * d)
        gau = np.exp(-np.log(2.0) * d * d)
        last[0], last[1] = p.copy(), (c, amp, w, eta, tilt, rel, h, d, lor, gau)
        return last[1]

    def resid(p: np.ndarray) -> np.ndarray:
        c, _, _, eta, _, _, h, _, lor, gau = parts(p)
        m = p[5] + p[6] * (x - c) / span + h @ (eta * lor + (1.0 - eta) * gau)
        return (m - y) / scale

    def jac(p: np.ndarray) -> np.ndarray:
        c, amp, w, eta, tilt, rel, h, d, lor, gau = parts(p)
        pv = eta * lor + (1.0 - eta) * gau
        # derivatives of each line's shape with respect to its position and the width
        dpos = (eta * lor * lor * 2.0 * d + (1.0 - eta) * gau * 2.0 * np.log(2.0) * d) / (0.5 * w)
        dw = (eta * lor * lor + (1.0 - eta) * gau * np.log(2.0)) * 2.0 * d * d / w
        hd = h[:, None] * dpos
        cols = [
            hd.sum(axis=0) - p[6] / span,
            (wt * (1.0 + tilt * rel)) @ pv,
            h @ dw,
            h @ (lor - gau),
            (amp * wt * rel) @ pv,
            np.ones_like(x),
            (x - c) / span,
        ]
        dh_dj = (amp * wt * tilt / span)[:, None] * sg  # (lines, groups)
        cols += list((sg.T @ hd) + dh_dj.T @ pv)
        return np.stack(cols, axis=1) / scale

    amp0 = scale / float(np.max(wt))
    lo_j = np.maximum(min_j_hz, j0 - j_slack_hz)
    hi_j = j0 + j_slack_hz
    p0 = np.array([center_hz, amp0, fwhm_hz, 0.7, 0.0, 0.0, 0.0, *j0])
    lb = np.array([center_hz - 1.5, 0.0, 0.15, 0.0, -max_tilt, -0.1 * scale, -0.1 * scale, *lo_j])
    ub = np.array(
        [center_hz + 1.5, 10 * scale, max(3.0 * fwhm_hz, 1.0), 1.0, max_tilt, 0.1 * scale, 0.1 * scale, *hi_j]
    )
    p0 = np.clip(p0, lb + 1e-9, ub - 1e-9)
    try:
        sol = bounded_lm(resid, jac, p0, lb, ub, max_nfev=max_nfev)
    except (ValueError, np.linalg.LinAlgError):
        return None
    # floor at 1e-6 of the height per point: noise-free data must not make every tree "perfect"
    rss = max(float(np.sum(sol.fun**2)), 1e-12 * len(x)) * scale * scale
    w = float(sol.x[2])
    js = sol.x[7:]
    k = 7 + len(groups)
    # the same count for every tree of a range: from the picked linewidth, not the fitted one
    n_eff = max(len(x) / max(points_per_hz * (fwhm_count_hz or fwhm_hz), 1.0), k + 2.0)
    bic = n_eff * np.log(max(rss, 1e-300) / len(x)) + k * np.log(n_eff)
    if np.any(js < min_resolved * max(w, fwhm_count_hz or fwhm_hz)):
        return None  # a coupling much smaller than the linewidth is broadening, not a splitting
    out = sorted(((float(j), n) for j, n in zip(js, counts)), key=lambda g: -g[0])
    return TreeFit(tuple(out), float(sol.x[0]), w, float(sol.x[1]), float(sol.x[4]), rss, float(bic), k)


def _split_doubles(js: list[float], tol: float) -> list[list[float]]:
    """Variants where a coupling twice another is two equal couplings (a missed middle line)."""
    out = []
    for i, j in enumerate(js):
        for k, jk in enumerate(js):
            if k != i and abs(j - 2.0 * jk) <= tol:
                out.append(sorted([*js[:i], *js[i + 1 :], jk, jk], reverse=True))
    return out


def _binomial_starts(f: np.ndarray, a: np.ndarray, tol: float) -> list[tuple[tuple[float, int], ...]]:
    """Evenly spaced lines: a binomial multiplet, maybe with its weak outer lines unseen."""
    if len(f) < 3:
        return []
    d = np.diff(np.sort(f))
    s = float(np.median(d))
    if s <= 0 or np.max(np.abs(d - s)) > tol:
        return []
    n = len(f) - 1
    return [((s, n),), ((s, n + 2),)] if n + 2 <= 8 else [((s, n),)]


def _first_order_starts(f, a, start, tol: float) -> list[list[float]]:
    from .multiplets import _peel, analyze_multiplet

    starts: list[list[float]] = []
    if start is not None and start.all_j_hz:
        starts.append(list(start.all_j_hz))
    fs = np.sort(f)
    if len(fs) in (4, 8, 16, 32):
        # every line one component (Hoye's rule when heights mislead: overlap, 2H of a dddd)
        for t in (tol, 2.0 * tol):
            peeled = _peel([float(v - fs[0]) for v in fs], t)
            if peeled is not None and peeled[0] not in starts:
                starts.append(sorted(peeled[0], reverse=True))
    for t in (0.5 * tol, 2.0 * tol):
        m = analyze_multiplet(f, a, tol_hz=t)
        if m.all_j_hz and list(m.all_j_hz) not in starts:
            starts.append(list(m.all_j_hz))
    return starts


def _key(groups) -> tuple:
    return tuple(n for _, n in groups) + tuple(round(j, 1) for j, _ in groups)


def _grow(g: list) -> list[tuple]:
    """Trees with one or two more equivalent couplings in a group (weak outer lines, overlap)."""
    grown = []
    big = max(range(len(g)), key=lambda i: g[i][1]) if g else -1
    for k in range(len(g)):
        # the largest group may be a septet whose outer lines are lost in the noise (isopropyl)
        extras = range(1, 7 - g[k][1]) if k == big and g[k][1] >= 2 else (1, 2)
        for extra in extras:
            if g[k][1] + extra <= 6:
                grown.append((*g[:k], (g[k][0], g[k][1] + extra), *g[k + 1 :]))
    return grown


def select_tree(
    x_hz: np.ndarray,
    y: np.ndarray,
    line_hz: np.ndarray,
    line_height: np.ndarray,
    start=None,
    *,
    fwhm_hz: float,
    tol_hz: float = 0.5,
    max_merge_hz: float = 1.0,
    small_j_hz: tuple[float, ...] = (1.0,),
    max_lines: int = 40,
    max_span_hz: float = 80.0,
    max_rel_rms: float = 0.08,
    claim_rel_rms: float = 0.05,
    min_points: float = 4.0,
    good_rel_rms: float = 0.03,
    try_pairs: bool = True,
    screen_nfev: int = 25,
    refine_nfev: int = 80,
    n_refine: int = 3,
    max_j_hz: float | None = None,
):
    """Choose the coupling tree of one range by lineshape fit and BIC.

    Parameters
    ----------
    x_hz, y
        The range of the spectrum (Hz, baseline-corrected).
    line_hz, line_height
        The lines picked in it (positions, heights), for the candidate trees.
    start
        The line-position analysis (:func:`~.multiplets.analyze_multiplet`), or None.
    fwhm_hz
        Typical linewidth (starting value).
    tol_hz
        Tolerance of the line-position analysis.
    max_merge_hz
        Couplings closer than this may be tied into one letter (t, q...), the BIC decides.
    small_j_hz
        Starting values of small (long-range) couplings tried on top of each tree.
    max_lines, max_span_hz
        Larger ranges (overlapped signals, strongly coupled systems) keep ``start``.
    good_rel_rms
        When no tree from the line analysis leaves less than this fraction of the tallest
        point unexplained, trees from the spacings (:mod:`.treegen`) are tried too.
    min_points
        The smallest coupling reported, in data points of the spectrum (digital resolution).
    claim_rel_rms
        The best tree's rms residual, as a fraction of the range's tallest point, above
        which two or more overlapping trees are tried (:mod:`.treepair`, BIC against the
        single tree) and, when they do not explain it either, the range is reported as
        ``m``. A poorly fitting tree is how overlapped protons come out as nonsense such
        as a 6H ``tq`` with J = 21.5 and 14.8 Hz (artemisin 1.42 ppm at 7.6 %).
    max_rel_rms
        The most such overlapping trees may leave unexplained.
    try_pairs
        Try two overlapping multiplets in poorly explained ranges.
    screen_nfev, refine_nfev, n_refine
        Every candidate is fitted with ``screen_nfev`` evaluations (enough to rank them);
        the ``n_refine`` best are then fitted to convergence (``refine_nfev``).
    max_j_hz
        Trees of two or more groups with a larger coupling are not considered
        (:func:`.treepair.implausible`: H-H couplings stay below ~20 Hz); None: no limit
        (a compound with F or P).

    Returns
    -------
    :class:`~.multiplets.MultipletFit` of the chosen tree, ``m`` when the best tree leaves
    more than ``max_rel_rms`` unexplained; ``start`` when nothing could be fitted. Two
    overlapping multiplets come back as the first one with the second as its ``partner``.
    """
    from .multiplets import MultipletFit

    if start is not None and implausible(tuple((j, 1) for j in start.j_hz), max_j_hz):
        # the line analysis' tree is no better: nothing below may fall back on it
        start = MultipletFit("m", (), (), start.center_hz, float("nan"))
    x = np.asarray(x_hz, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 8 or len(line_hz) == 0 or len(line_hz) > max_lines or np.ptp(line_hz) > max_span_hz:
        return start
    pph = 1.0 / max(float(np.median(np.abs(np.diff(x)))), 1e-9)
    # a splitting of fewer than ``min_points`` data points is not resolved by the digitisation
    min_j = max(0.2, min_points / pph)
    stride = max(1, int(pph * fwhm_hz / 3.0))  # three points per linewidth are enough to fit
    x, y, pph = x[::stride], y[::stride], pph / stride
    f = np.asarray(line_hz, dtype=float)
    a = np.asarray(line_height, dtype=float)
    center0 = float(np.sum(f * a) / np.sum(a)) if np.sum(a) > 0 else float(np.mean(f))
    if start is not None and start.multiplicity not in ("m", "s"):
        center0 = start.center_hz
    trees: set[tuple] = set()
    for js in _first_order_starts(f, a, start, tol_hz):
        for variant in [js, *_split_doubles(js, tol_hz)]:
            trees.update(contiguous_partitions(variant, max_merge_hz=max_merge_hz))
    trees.update(_binomial_starts(f, a, tol_hz))
    if len(f) <= 3:
        trees.add(())
    fits: list[TreeFit] = []

    def run(groups) -> None:
        # screening fit: a short budget ranks the candidates; the winners are refined below
        r = fit_tree(x, y, groups, center_hz=center0, fwhm_hz=fwhm_hz, points_per_hz=pph, min_j_hz=min_j,
                     max_nfev=screen_nfev)
        if r is not None and min(r.j_hz, default=np.inf) <= min_j + 0.01:
            r = None  # pushed against the smallest resolvable coupling: not a splitting
        if r is not None and implausible(r.groups, max_j_hz):
            r = None
        if r is not None:
            fits.append(r)

    for t in trees:
        run(t)
    ymax = float(np.max(np.abs(y))) or 1.0
    good = [r for r in fits if np.sqrt(r.rss / len(x)) <= good_rel_rms * ymax]
    if len(f) >= 2 and not good:
        # the line analysis explains the range poorly: trees from the spacings and the width
        from .treegen import spacing_trees

        for t in spacing_trees(x, y, f, fwhm_hz=fwhm_hz, tol_hz=max(0.2, 0.5 * tol_hz), n_best=4):
            if t not in trees:
                run(t)
    if not fits:
        return start
    fits.sort(key=lambda r: r.bic)
    # grow the best trees: small long-range couplings, hidden outer lines of the largest group
    seen = {_key(r.groups) for r in fits}
    grown_from: set[tuple] = set()
    for n_bases in (3, 2):
        bases = [r for r in sorted(fits, key=lambda r: r.bic)[:n_bases] if _key(r.groups) not in grown_from]
        for base in bases:
            grown_from.add(_key(base.groups))
            for t in _grow(list(base.groups)):
                if _key(t) not in seen:
                    seen.add(_key(t))
                    run(t)
    # small long-range couplings on the best tree: resolved, or only a broader line (BIC decides)
    g = list(min(fits, key=lambda r: r.bic).groups)
    for j0 in small_j_hz:
        if all(j > j0 + 0.5 for j, _ in g):
            for n in range(1, 7):
                run((*g, (j0, n)))
    best = min(fits, key=lambda r: r.bic)
    # equal couplings reached through different groups (a q and a t of 1.4 Hz) are one letter
    while True:
        g = list(best.groups)
        merged = []
        for i, k in itertools.combinations(range(len(g)), 2):
            if abs(g[i][0] - g[k][0]) <= max_merge_hz:
                rest = [h for m, h in enumerate(g) if m not in (i, k)]
                jm = (g[i][0] * g[i][1] + g[k][0] * g[k][1]) / (g[i][1] + g[k][1])
                merged.append(tuple(sorted([*rest, (jm, g[i][1] + g[k][1])], key=lambda h: -h[0])))
        n_before = len(fits)
        for t in merged:
            if sum(n for _, n in t) <= 9 and max(n for _, n in t) <= 6:
                run(t)
        new_best = min(fits[n_before:], key=lambda r: r.bic, default=None)
        if new_best is None or new_best.bic > best.bic:
            break
        best = new_best
    # the best screened trees fitted to convergence, from where the screening left them
    refined = []
    for r in sorted(fits, key=lambda r: r.bic)[:n_refine]:
        f2 = fit_tree(x, y, r.groups, center_hz=r.center_hz, fwhm_hz=r.fwhm_hz, points_per_hz=pph, min_j_hz=min_j,
                      max_nfev=refine_nfev, fwhm_count_hz=fwhm_hz)
        if f2 is not None and min(f2.j_hz, default=np.inf) > min_j + 0.01 and not implausible(f2.groups, max_j_hz):
            refined.append(f2 if f2.bic <= r.bic else r)
    if refined:
        best = min(refined, key=lambda r: r.bic)
    rms = float(np.sqrt(best.rss / len(x)))
    if try_pairs and len(best.groups) == 2 and all(n == 1 for _, n in best.groups) and rms <= max_rel_rms * ymax:
        # a dd or two doublets? (two methyl doublets whose inner lines coincide are a dd by their lines)
        from .treemore import more_multiplets, split_dd

        two = split_dd(x, y, best.groups, best.center_hz, fwhm_hz=fwhm_hz, points_per_hz=pph, min_j_hz=min_j,
                       max_nfev=refine_nfev, min_fraction=1 / 3)
        if two is not None and two.bic < best.bic - 10.0:  # the dd is the simpler model: strong evidence
            two = more_multiplets(x, y, two, fwhm_hz=fwhm_hz, points_per_hz=pph, tol_hz=tol_hz, min_j_hz=min_j,
                                  max_j_hz=max_j_hz)
            return two.as_multiplet_fit(len(x))
    if (rms > claim_rel_rms * ymax or best.multiplicity == "m") and len(f) >= 4 and try_pairs:
        # poorly explained: maybe two multiplets overlapping in the range (treepair.py)
        from .treepair import best_pair

        pair = best_pair(x, y, f, a, sorted(fits, key=lambda r: r.bic), fwhm_hz=fwhm_hz, points_per_hz=pph,
                         tol_hz=tol_hz, min_j_hz=min_j, max_rel_rms=max_rel_rms, max_j_hz=max_j_hz)
        if pair is not None and pair.bic < best.bic:
            return pair.as_multiplet_fit(len(x))
    if best.multiplicity == "m" or rms > claim_rel_rms * ymax:
        # no tree explains the range (overlap, strong coupling): an honest "m"
        return MultipletFit("m", (), (), center0, float("nan"))
    return MultipletFit(best.multiplicity, best.j_hz, best.all_j_hz, best.center_hz, rms)
