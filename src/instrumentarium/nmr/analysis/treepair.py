"""Two overlapping first-order multiplets in one range: joint lineshape fit of two coupling trees.

When the best single coupling tree (:func:`.treefit.select_tree`) leaves a range poorly
explained, the range often holds two multiplets whose lines interleave (a minor isomer under
the major one, a methyl doublet on a ring proton's dtd, a 2H range of two protons). As in
the automatic multiplet analysis of Cobas et al. (Magn. Reson. Chem. 46, 2008), where a
range is deconvolved into several multiplets, two trees are fitted together, each with
its own centre, couplings, amplitude and roof tilt, sharing one pseudo-Voigt lineshape and
a linear baseline; the pair competes with the single tree by the Bayesian information
criterion (Schwarz, Ann. Stat. 6, 461 (1978)) counted in resolution elements, exactly as
the single trees compete among themselves.

Candidate pairs come from (a) the best single trees, the second tree being read from the
lines the first leaves unexplained, and (b) splitting the line list into a symmetric
subset (a first-order multiplet mirrors about its centre) and the rest.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ._lsq import bounded_lm
from .treefit import _components, implausible, pinned, tree_name

__all__ = ["PairFit", "best_pair", "fit_pair", "pair_candidates", "two_overlapping", "usable"]


@dataclass(frozen=True)
class PairFit:
    """Two coupling trees fitted together (Hz). ``area`` is each tree's fitted area (same units)."""

    groups: tuple[tuple[tuple[float, int], ...], tuple[tuple[float, int], ...]]
    center_hz: tuple[float, float]
    area: tuple[float, float]
    fwhm_hz: float
    rss: float
    bic: float
    residual: np.ndarray | None = field(default=None, compare=False, repr=False)

    def as_multiplet_fit(self, n_points: int):
        """The largest multiplet as a :class:`.multiplets.MultipletFit`; the others follow as a chain
        of ``partner`` (largest first)."""
        from .multiplets import MultipletFit, multiplicity_name

        rms = float(np.sqrt(self.rss / max(n_points, 1)))
        total = sum(self.area) or 1.0
        fits = []
        for g, c, ar in zip(self.groups, self.center_hz, self.area):
            all_j = tuple(sorted((j for j, n in g for _ in range(n)), reverse=True))
            # two groups that fitted to the same J (0.1 Hz) are one letter: ddd 13.1, 3.1, 3.1 is a dt
            name, js = multiplicity_name(all_j, equal_hz=0.1)
            if name == "m":
                name, js = tree_name(g), tuple(round(j, 2) for j, _ in g)
            fits.append((name, js, all_j, c, rms, ar / total))
        out = None
        for f in sorted(fits, key=lambda m: m[5]):  # smallest first: each holds the next smaller one
            out = MultipletFit(*f, out)
        return out


def fit_pair(
    x: np.ndarray,
    y: np.ndarray,
    trees,
    centers,
    *,
    fwhm_hz: float,
    points_per_hz: float,
    j_slack_hz: float = 1.0,
    min_j_hz: float = 0.2,
    max_nfev: int = 80,
    max_tilt: float = 0.5,
    min_resolved: float = 0.5,
    center_slack_hz: float = 2.0,
    fwhm_count_hz: float | None = None,
    max_trees: int = 4,
    max_j_hz: float | None = None,
) -> PairFit | None:
    """Fit two (up to ``max_trees``) coupling trees ``trees`` (``(J, n)`` groups each) starting at
    ``centers`` to ``y(x)``.

    The BIC uses the same count of independent observations as :func:`.treefit.fit_tree`
    (resolution elements from the starting linewidth, or ``fwhm_count_hz``), so both are
    comparable.
    """
    trees = [tuple(t) for t in trees]
    if not 2 <= len(trees) <= max_trees or sum(n for t in trees for _, n in t) > 6 * len(trees):
        return None
    if any(sum(n for _, n in t) > 8 for t in trees):
        return None  # more than eight coupled spins (a tsept has eight) in one of several multiplets
    comps = [_components([int(n) for _, n in t]) for t in trees]
    scale = float(np.max(np.abs(y))) or 1.0
    spans = [max(float(sum(j * n for j, n in t)), 1.0) for t in trees]
    xm = float(np.mean(x))
    xs = max(float(np.ptp(x)), 1.0)
    nj = [len(t) for t in trees]
    # parameter layout: w, eta, b0, b1, then per tree c, amp, tilt, J...
    offs = [4 + sum(3 + n for n in nj[:t]) for t in range(len(trees))]

    def jac_resid(p: np.ndarray, want_jac: bool):
        w, eta = p[0], p[1]
        m = p[2] + p[3] * (x - xm) / xs
        cols = np.zeros((len(x), len(p))) if want_jac else None
        if want_jac:
            cols[:, 2] = 1.0
            cols[:, 3] = (x - xm) / xs
        for t, (sg, wt) in enumerate(comps):
            o = offs[t]
            c, amp, tilt = p[o], p[o + 1], p[o + 2]
            js = p[o + 3 : o + 3 + nj[t]]
            pos = c + sg @ js
            rel = (pos - c) / spans[t]
            h = amp * wt * (1.0 + tilt * rel)
            d = (x[None, :] - pos[:, None]) / (0.5 * w)
            lor = 1.0 / (1.0 + d * d)
            gau = np.exp(-np.log(2.0) * d * d)
            pv = eta * lor + (1.0 - eta) * gau
            m = m + h @ pv
            if not want_jac:
                continue
            dpos = (eta * lor * lor * 2.0 * d + (1.0 - eta) * gau * 2.0 * np.log(2.0) * d) / (0.5 * w)
            dw = (eta * lor * lor + (1.0 - eta) * gau * np.log(2.0)) * 2.0 * d * d / w
            hd = h[:, None] * dpos
            cols[:, 0] += h @ dw
            cols[:, 1] += h @ (lor - gau)
            cols[:, o] = hd.sum(axis=0)
            cols[:, o + 1] = (wt * (1.0 + tilt * rel)) @ pv
            cols[:, o + 2] = (amp * wt * rel) @ pv
            dh_dj = (amp * wt * tilt / spans[t])[:, None] * sg
            cols[:, o + 3 : o + 3 + nj[t]] = ((sg.T @ hd) + dh_dj.T @ pv).T
        r = (m - y) / scale
        return (cols / scale) if want_jac else r

    p0 = [fwhm_hz, 0.7, 0.0, 0.0]
    lb = [0.15, 0.0, -0.1 * scale, -0.1 * scale]
    ub = [max(3.0 * fwhm_hz, 1.0), 1.0, 0.1 * scale, 0.1 * scale]
    for t, c0 in zip(trees, centers):
        j0 = [float(j) for j, _ in t]
        wmax = float(np.max(_components([int(n) for _, n in t])[1]))
        p0 += [float(c0), 0.5 * scale / wmax, 0.0, *j0]
        lb += [float(c0) - center_slack_hz, 0.0, -max_tilt, *[max(min_j_hz, j - j_slack_hz) for j in j0]]
        ub += [float(c0) + center_slack_hz, 10 * scale, max_tilt, *[j + j_slack_hz for j in j0]]
    lb_a, ub_a = np.array(lb), np.array(ub)
    p0_a = np.clip(np.array(p0), lb_a + 1e-9, ub_a - 1e-9)
    try:
        sol = bounded_lm(lambda p: jac_resid(p, False), lambda p: jac_resid(p, True), p0_a, lb_a, ub_a,
                         max_nfev=max_nfev)
    except (ValueError, np.linalg.LinAlgError):
        return None
    p = sol.x
    rss = max(float(np.sum(sol.fun**2)), 1e-12 * len(x)) * scale * scale
    k = len(p)
    n_eff = max(len(x) / max(points_per_hz * (fwhm_count_hz or fwhm_hz), 1.0), k + 2.0)
    bic = n_eff * np.log(max(rss, 1e-300) / len(x)) + k * np.log(n_eff)
    out_groups, out_c, out_a = [], [], []
    for t, (_sg, wt) in enumerate(comps):
        o = offs[t]
        js = p[o + 3 : o + 3 + nj[t]]
        if np.any(js < min_resolved * p[0]):
            return None  # a coupling much smaller than the linewidth is broadening
        counts = [n for _, n in trees[t]]
        if implausible(tuple(zip(js, counts)), max_j_hz):
            return None
        out_groups.append(tuple(sorted(((float(j), n) for j, n in zip(js, counts)), key=lambda g: -g[0])))
        out_c.append(float(p[o]))
        out_a.append(float(p[o + 1] * np.sum(wt)))
    return PairFit(tuple(out_groups), tuple(out_c), tuple(out_a), float(p[0]), rss, float(bic),
                   sol.fun * scale)


def usable(r: PairFit | None, min_fraction: float, min_j_hz: float) -> bool:
    """A fit of several trees that may compete: each multiplet holds at least ``min_fraction``
    of the area and no coupling is pinned at the smallest resolvable one (:func:`.treefit.pinned`)."""
    return (
        r is not None
        and min(r.area) >= min_fraction * sum(r.area)
        and not any(pinned(g, min_j_hz) for g in r.groups)
    )


def _symmetric_subsets(f: np.ndarray, tol: float, min_lines: int = 3) -> list[tuple[float, np.ndarray]]:
    """Centres about which at least ``min_lines`` lines mirror, with those lines (largest first)."""
    out: dict[float, np.ndarray] = {}
    n = len(f)
    for i in range(n):
        for j in range(i, n):
            c = 0.5 * (f[i] + f[j])
            mirror = np.min(np.abs(f[None, :] - (2.0 * c - f)[:, None]), axis=1) <= tol
            if mirror.sum() >= min_lines:
                key = round(c, 1)
                if key not in out or mirror.sum() > out[key].sum():
                    out[key] = mirror
    subs = sorted(out.items(), key=lambda kv: -int(kv[1].sum()))
    return [(float(c), m) for c, m in subs]


def _sticks(groups, center: float) -> tuple[np.ndarray, np.ndarray]:
    sg, wt = _components([int(n) for _, n in groups])
    js = np.array([float(j) for j, _ in groups])
    return (center + sg @ js if len(js) else np.full(len(wt), center)), wt


def _left_over(f: np.ndarray, a: np.ndarray, groups, center: float, near: float) -> tuple[np.ndarray, np.ndarray]:
    """Lines (and heights) a tree leaves unexplained: heights minus the tree's sticks, scaled to its lines."""
    pos, wt = _sticks(groups, center)
    w_at = np.array([float(np.sum(wt[np.abs(pos - v) <= near])) for v in f])
    on = w_at > 0
    if not np.any(on):
        return f, a
    unit = float(np.min(a[on] / w_at[on]))  # shared lines are taller, the tree's own are not
    rest = a - unit * w_at
    keep = rest > 0.1 * float(np.max(a))
    return f[keep], rest[keep]


def _trees_of(fs: np.ndarray, hs: np.ndarray, tol_hz: float) -> list[tuple[tuple, float]]:
    """First-order trees (groups, centre) of a set of lines: Hoye analysis, or every line one component."""
    from .multiplets import _peel, analyze_multiplet

    if len(fs) == 0:
        return []
    if len(fs) == 1:
        return [((), float(fs[0]))]
    out: list[tuple[tuple, float]] = []

    def add(groups, c) -> None:
        if groups and (groups, round(c, 1)) not in [(g, round(k, 1)) for g, k in out]:
            out.append((groups, float(c)))

    for t in (tol_hz, 2.0 * tol_hz):
        m = analyze_multiplet(fs, hs, tol_hz=t)
        if m.multiplicity != "m" and m.all_j_hz:
            add(_group(m.all_j_hz), m.center_hz)
    # every line one component; up to two of the tallest lines two (overlapped components)
    n = len(fs)
    n2 = 1 << (n - 1).bit_length()
    tall = [int(i) for i in np.argsort(hs)[::-1][:3]]
    for dup in itertools.combinations(tall, n2 - n) if n2 - n <= 2 else ():
        srt = np.sort(np.concatenate([fs, fs[list(dup)]]))
        peeled = _peel([float(v - srt[0]) for v in srt], tol_hz)
        if peeled is not None:
            add(_group(peeled[0]), 0.5 * (srt[0] + srt[-1]))
    return out


def pair_candidates(
    f: np.ndarray,
    a: np.ndarray,
    single,
    *,
    tol_hz: float,
    near_hz: float,
    max_pairs: int = 10,
) -> list[tuple[tuple, tuple, float, float]]:
    """Candidate pairs ``(tree1, tree2, centre1, centre2)`` for :func:`fit_pair`.

    Tree 1 is one of the best single trees (:class:`.treefit.TreeFit`, best first) or the
    analysis of a symmetric subset of the lines; tree 2 the analysis of what tree 1 leaves
    (line heights minus tree 1's sticks, so lines both share stay in both).
    """
    firsts: list[tuple[tuple, float]] = [(s.groups, s.center_hz) for s in single[:2]]
    for _c, mask in _symmetric_subsets(f, tol_hz)[:6]:
        firsts += _trees_of(f[mask], a[mask], tol_hz)[:2]
    cands: list[tuple[tuple, tuple, float, float]] = []
    for g1, c1 in firsts:
        rf, ra = _left_over(f, a, g1, c1, near_hz)
        for g2, c2 in _trees_of(rf, ra, tol_hz)[:2]:
            cands.append((g1, g2, c1, c2))
    seen, out = set(), []
    for g1, g2, c1, c2 in cands:
        key = (tree_name(g1), tree_name(g2), round(c1), round(c2))
        if key not in seen and abs(c1 - c2) > 0.3:
            seen.add(key)
            out.append((g1, g2, c1, c2))
    return out[:max_pairs]


def _group(all_j, merge_hz: float = 0.3) -> tuple[tuple[float, int], ...]:
    js = sorted((float(j) for j in all_j), reverse=True)
    groups: list[list[float]] = []
    for j in js:
        if groups and groups[-1][0] - j <= merge_hz:
            groups[-1].append(j)
        else:
            groups.append([j])
    return tuple((float(np.mean(g)), len(g)) for g in groups)


def best_pair(
    x: np.ndarray,
    y: np.ndarray,
    f: np.ndarray,
    a: np.ndarray,
    single,
    *,
    fwhm_hz: float,
    points_per_hz: float,
    tol_hz: float,
    min_j_hz: float,
    max_rel_rms: float = 0.08,
    min_fraction: float = 0.1,
    screen_nfev: int = 30,
    refine_nfev: int = 100,
    max_trees: int = 4,
    extra_fraction: float = 0.04,
    max_j_hz: float | None = None,
) -> PairFit | None:
    """The best pair of trees (lowest BIC) that explains the range, or None.

    A pair must leave at most ``max_rel_rms`` of the tallest point unexplained and give each
    multiplet at least ``min_fraction`` of the area. More multiplets (up to ``max_trees``, each
    at least ``extra_fraction`` of the area) are added while the BIC falls. Candidates are ranked with
    ``screen_nfev`` evaluations each; the winner is then fitted to convergence.
    """
    ymax = float(np.max(np.abs(y))) or 1.0
    near = max(tol_hz, 0.5 * fwhm_hz)
    best: PairFit | None = None
    for g1, g2, c1, c2 in pair_candidates(f, a, single, tol_hz=tol_hz, near_hz=near):
        r = fit_pair(x, y, (g1, g2), (c1, c2), fwhm_hz=fwhm_hz, points_per_hz=points_per_hz, min_j_hz=min_j_hz,
                     max_nfev=screen_nfev, max_j_hz=max_j_hz)
        if not usable(r, min_fraction, min_j_hz) or np.sqrt(r.rss / len(x)) > max_rel_rms * ymax:
            continue
        if abs(r.center_hz[0] - r.center_hz[1]) < 0.5 or "m" in (tree_name(r.groups[0]), tree_name(r.groups[1])):
            continue
        if best is None or r.bic < best.bic:
            best = r
    from .treemore import _grown, more_multiplets

    kw = dict(fwhm_hz=fwhm_hz, points_per_hz=points_per_hz, min_j_hz=min_j_hz, max_nfev=screen_nfev,
              max_j_hz=max_j_hz)
    if best is not None:
        best = _grown(x, y, best, min_fraction=min_fraction, **kw)
    if best is not None and max_trees > 2:
        best = more_multiplets(x, y, best, tol_hz=tol_hz, max_trees=max_trees, min_fraction=extra_fraction, **kw)
    if best is not None:
        r = fit_pair(x, y, best.groups, best.center_hz, fwhm_hz=best.fwhm_hz, points_per_hz=points_per_hz,
                     min_j_hz=min_j_hz, max_nfev=refine_nfev, fwhm_count_hz=fwhm_hz, max_j_hz=max_j_hz)
        if r is not None and r.bic < best.bic and min(r.area) >= min(min_fraction, extra_fraction) * sum(r.area):
            best = r
    return best


def _grow_once(groups) -> list[tuple]:
    """One more coupled spin (a group's n + 1, a second coupling close to a group's J: d -> dd),
    or a group untied (t -> dd)."""
    g = list(groups)
    out = []
    for k, (j, n) in enumerate(g):
        if n < 6:
            out.append(tuple([*g[:k], (j, n + 1), *g[k + 1:]]))
        split = [*g[:k], (j + 0.4, n), (max(j - 0.4, 0.3), 1), *g[k + 1 :]]
        out.append(tuple(sorted(split, key=lambda h: -h[0])))
        if n >= 2:  # untie: a t whose two couplings differ is a dd
            untie = [*g[:k], (j + 0.4, n - 1), (max(j - 0.4, 0.3), 1), *g[k + 1 :]]
            out.append(tuple(sorted(untie, key=lambda h: -h[0])))
    return [t for t in out if sum(n for _, n in t) <= 7]


def two_overlapping(f: np.ndarray, a: np.ndarray, *, tol_hz: float, min_lines: int = 4) -> bool:
    """True when the lines are two interleaved first-order multiplets.

    Two mirror-symmetric subsets (each with a first-order tree) cover every line and their
    spans overlap (at least a shared line): a minor multiplet under a major one, which a
    valley between their lines must not split into ranges (touching multiplets, whose
    spans do not overlap, still are).
    """
    f = np.asarray(f, dtype=float)
    a = np.asarray(a, dtype=float)
    if len(f) < 2 * min_lines - 1 or len(f) > 24:
        return False
    subs = _symmetric_subsets(f, tol_hz, min_lines=min_lines)[:16]
    for (_c1, m1), (_c2, m2) in itertools.combinations(subs, 2):
        if not np.all(m1 | m2):
            continue
        lo1, hi1, lo2, hi2 = f[m1].min(), f[m1].max(), f[m2].min(), f[m2].max()
        if lo1 > hi2 + tol_hz or lo2 > hi1 + tol_hz:
            continue  # touching, not overlapping
        if _trees_of(f[m1], a[m1], tol_hz) and _trees_of(f[m2], a[m2], tol_hz):
            return True
    return False
