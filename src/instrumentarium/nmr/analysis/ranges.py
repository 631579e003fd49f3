"""Ranges (groups of lines), their integrals, and the normalisation to proton counts.

Lines closer than ``gap_hz`` are one range, as NMRium's auto-ranges clusters peaks
(16 Hz by default). A range spans all its lines' apexes plus a margin of several
linewidths; where two ranges' margins collide they are cut at the lowest point of the
spectrum between them (:func:`range_limits`), never past a line; its integral is the sum of the
baseline-corrected spectrum over it (rectangle rule, signal units x ppm), as TopSpin and
MestReNova integrate. Proton counts come from a reference range with a known count, from
the molecule's total H count, or, by default, from the unit that makes the compound
integrals closest to whole numbers.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = [
    "fraction_inside",
    "group_lines",
    "integrate",
    "join_halves",
    "merge_interleaved",
    "proton_unit",
    "range_limits",
    "split_at_valleys",
    "split_on_major_lines",
]


def group_lines(positions_hz: np.ndarray, widths_hz: np.ndarray, *, gap_hz: float = 16.0) -> list[list[int]]:
    """Return groups of line indices (input sorted by position) closer than ``gap_hz``.

    The gap grows with the linewidth (3 widths, the geometric mean of the two lines') so broad
    lines are not split; a broad line beside sharp ones (an exchanging COOH 60 Hz from a sharp
    dd, d01) is its own range.
    """
    if len(positions_hz) == 0:
        return []
    groups = [[0]]
    for i in range(1, len(positions_hz)):
        gap = max(gap_hz, 3.0 * float(np.sqrt(max(widths_hz[i], 0.0) * max(widths_hz[i - 1], 0.0))))
        if abs(positions_hz[i] - positions_hz[i - 1]) <= gap:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def merge_interleaved(groups: list[list[int]], apex: np.ndarray) -> list[list[int]]:
    """Return the groups in order of their first apex, those whose apexes interleave merged.

    Groups are formed on fitted positions; where two overlapped lines' apexes come in the
    other order, two groups can interleave, and no limit between them could hold each
    one's lines: they are one range.
    """
    out: list[list[int]] = []
    for g in sorted(groups, key=lambda g: float(np.min(apex[g]))):
        if out and float(np.min(apex[g])) <= float(np.max(apex[out[-1]])):
            out[-1] = sorted(out[-1] + list(g))  # line order, as the other groups
        else:
            out.append(list(g))
    return out


def range_limits(
    groups: list[list[int]],
    apex: np.ndarray,
    reach: np.ndarray,
    y: np.ndarray,
    *,
    noise: float = 0.0,
    smooth_points: int = 1,
) -> list[tuple[float, float]]:
    """Return ``(lo, hi)`` point limits of each range: its lines plus their reach, cut at valleys.

    Each range wants ``[min(apex - reach), max(apex + reach)]`` over its lines. Where two
    neighbours' wishes collide, the cut is the lowest point of ``y`` between the last apex of
    the one and the first apex of the other (the valley, where MestReNova's published
    ranges are cut), and both ranges end there: the one whose margin stops short of the
    valley is stretched to it, so nothing between two touching ranges is left out, and
    the cut never passes a line of either. The limits therefore hold
    every apex of their range and none of another's, and are never reversed, when the
    ranges' lines do not interleave (each group a contiguous run of apexes, see
    :func:`merge_interleaved`); where they do, the cut falls midway between the two apexes
    and the limits are still never reversed.

    Parameters
    ----------
    groups
        Line indices of each range; the ranges are taken in the order of their first apex.
    apex
        Apex of every line, in (fractional) points of ``y``, increasing index = decreasing ppm.
    reach
        How far past its apex each line wants its range to extend, in points (a margin of a
        few linewidths for the range's main lines, less for small lines at its edges).
    y
        The baseline-corrected spectrum.
    noise
        Noise standard deviation of ``y``. The valley is looked for on ``y`` smoothed over
        ``smooth_points`` (a moving average); points less than two noise deviations of the
        smoothed spectrum above its lowest point are as low as it, and among them the one
        nearest the middle of the collision is taken, so a cut over flat baseline falls
        midway, and one in a shallow valley does not wander with the noise.
    smooth_points
        Width of the moving average, in points (a fraction of a linewidth).

    Returns
    -------
    list of (lo, hi)
        In the order of ``groups``; ``lo <= hi`` always.
    """
    n = len(y)
    w = max(1, int(smooth_points))
    ys = np.convolve(y, np.ones(w) / w, mode="same") if w > 1 else np.asarray(y)
    tol = 2.0 * noise / np.sqrt(w)
    order = sorted(range(len(groups)), key=lambda i: float(np.min(apex[groups[i]])))
    core = {i: [float(np.min(apex[groups[i]])), float(np.max(apex[groups[i]]))] for i in order}
    want = {
        i: [float(np.min(apex[groups[i]] - reach[groups[i]])), float(np.max(apex[groups[i]] + reach[groups[i]]))]
        for i in order
    }
    for i in order:
        want[i] = [max(want[i][0], 0.0), min(want[i][1], n - 1.0)]
    for a, b in itertools.pairwise(order):
        last, first = core[a][1], core[b][0]
        if want[a][1] <= want[b][0]:
            continue  # the margins do not meet: nothing to cut
        if first <= last:  # interleaved lines: no valley between, cut between the two apexes
            cut = 0.5 * (last + first)
        else:
            i0, i1 = int(np.floor(last)) + 1, int(np.ceil(first)) - 1
            if i1 < i0:  # apexes less than a point apart
                cut = 0.5 * (last + first)
            else:
                seg = ys[i0 : i1 + 1]
                low = np.flatnonzero(seg <= float(np.min(seg)) + tol) + i0
                mid = 0.5 * (max(want[b][0], last) + min(want[a][1], first))
                cut = float(low[np.argmin(np.abs(low - mid))])
        want[a][1] = want[b][0] = cut
    out = []
    for i in range(len(groups)):
        lo, hi = want[i]
        out.append((lo, max(lo, hi)))
    return out


def integrate(y: np.ndarray, lo: float, hi: float, ppm_per_point: float) -> float:
    """Sum ``y`` between fractional point indices ``lo`` and ``hi`` (edge points weighted)."""
    n = len(y)
    lo = max(0.0, lo)
    hi = min(n - 1.0, hi)
    if hi <= lo:
        return 0.0
    i0, i1 = int(np.ceil(lo)), int(np.floor(hi))
    total = float(np.sum(y[i0 : i1 + 1]))
    # partial edge points so the integral varies smoothly with the limits
    total += (i0 - lo) * float(y[max(i0 - 1, 0)]) + (hi - i1) * float(y[min(i1 + 1, n - 1)])
    return total * abs(ppm_per_point)


def proton_unit(
    integrals: np.ndarray, *, max_h: int = 4, tolerance: float = 0.2, min_agreement: float = 0.85,
    minor_share: float = 0.1, trace_fraction: float = 0.5,
) -> float:
    """Return the integral of one proton, chosen so the integrals are nearly whole numbers.

    The candidates are each integral divided by 1..``max_h``, tried from the largest; the
    first for which every integral is within ``tolerance`` of a whole number (and at least 1)
    wins, unless it leaves no range at 1H: then a larger unit is preferred if the ranges it
    leaves off a whole number are multi-proton ones only (overlapped groups, an exchanging
    hydroxyl) and the agreeing ranges carry at least ``min_agreement`` of the weight, each
    range weighted 1/nH (without this, one overlapped 8.5H range halves the unit of a whole
    spectrum: every CH reported as 2H). When no unit fits every range, that partial rule,
    then the least squared rounding error per range, decide; a unit that leaves some range
    at 1H is preferred there (a smaller unit always rounds better: halved, cyclosporin's NH
    and CH doublets read 2H each, and no range of the peptide was one proton). A few small
    ranges (at most a third of them, carrying at most ``minor_share`` of the total) may fall below
    ``trace_fraction`` of a proton: traces of another species must not shrink the unit of the
    compound (d04: two impurity lines of a third of a proton made every naphthoic acid CH read
    3H). Ranges above that are the compound's own: cyclosporin's nine NH and CH doublets at 0.6
    of the N-methyls' third are its 1H ranges, not traces.
    """
    a = np.asarray([x for x in integrals if x > 0], dtype=float)
    if a.size == 0:
        return 1.0
    best, best_err = float(a.min()), np.inf
    best1, best1_err = None, np.inf  # the same among units that leave a range at 1H
    partial = None
    for u in sorted({float(x / k) for x in a for k in range(1, max_h + 1)}, reverse=True):
        r = a / u
        small = r < trace_fraction
        if small.any() and (small.sum() > max(1, len(a) // 3) or a[small].sum() > minor_share * a.sum()):
            continue  # a unit the compound's own ranges cannot be fractions of
        n = np.rint(r)
        ok = (np.abs(r - n) <= tolerance) | small
        if ok.all():
            return partial if partial is not None and n[~small].min() >= 2 else u
        w = 1.0 / np.maximum(n, 1.0)
        if (
            partial is None
            and a.size >= 4
            and np.all(ok | (r >= 1.75))
            and np.any(ok & (n == 1))
            and float(w[ok].sum() / w.sum()) >= min_agreement
        ):
            partial = u
        err = float(np.mean((r - n) ** 2))
        if err < best_err - 1e-3:
            best, best_err = u, err
        if np.any(n[~small] == 1) and err < best1_err - 1e-3:
            best1, best1_err = u, err
    if partial is not None:
        return partial
    return best1 if best1 is not None else best


def fraction_inside(x0: float, fwhm: float, eta: float, lo: float, hi: float) -> float:
    """Return the fraction of a pseudo-Voigt line's area between ``lo`` and ``hi`` (same units).

    Used to correct range integrals for the Lorentzian tails that run past the limits
    (1/(pi k) of the area lies beyond k linewidths) and for the tails of neighbouring
    ranges' lines that run into them.
    """
    from scipy.special import erf

    half = 0.5 * max(fwhm, 1e-12)
    lor = (np.arctan((hi - x0) / half) - np.arctan((lo - x0) / half)) / np.pi
    c = np.sqrt(np.log(2.0)) / half
    gau = 0.5 * (erf(c * (hi - x0)) - erf(c * (lo - x0)))
    # areas of the two parts are in the ratio eta*pi/2 : (1-eta)*sqrt(pi/(4 ln 2))
    wl = eta * np.pi / 2.0
    wg = (1.0 - eta) * np.sqrt(np.pi / (4.0 * np.log(2.0)))
    return float((wl * lor + wg * gau) / (wl + wg)) if wl + wg > 0 else 1.0


def split_at_valleys(
    groups: list[list[int]],
    position: np.ndarray,
    y: np.ndarray,
    explained,
    *,
    valley: float = 0.05,
    min_lines: int = 4,
    lone_fraction: float = 0.5,
) -> list[list[int]]:
    """Split ranges that no single multiplet explains where the spectrum nearly returns to baseline.

    Two multiplets closer than the grouping gap touch but rarely merge: between them the
    spectrum falls to a few percent of the smaller one's height, which is where MestReNova's
    published ranges are cut (d16: 1-5 %). A range is split at its deepest such valley,
    recursively, only while ``explained(group)`` (a first-order tree found) is false, so the
    deep valleys inside a resolved multiplet (a wide ``dd``) never split it.

    Parameters
    ----------
    groups
        Line indices of each range (sorted by position).
    position
        Line positions in points of ``y``.
    y
        The baseline-corrected spectrum.
    explained
        ``explained(group) -> bool``.
    valley
        Deepest valley, as a fraction of the lower of the two sides' tallest lines.
    lone_fraction
        A single line is split off only when at least this fraction of the range's tallest
        line (a singlet holds its whole area in one line; an outer line of an overlapped
        multiplet, left to :mod:`.treepair`, does not).
    """
    out: list[list[int]] = []
    stack = [sorted(g, key=lambda k: position[k]) for g in groups]
    while stack:
        g = stack.pop(0)
        if len(g) < min_lines or explained(g):
            out.append(g)
            continue
        best = None
        tops = [float(y[int(np.clip(round(position[k]), 0, len(y) - 1))]) for k in g]
        for i in range(1, len(g)):
            i0, i1 = sorted((round(float(position[g[i - 1]])), round(float(position[g[i]]))))
            if i1 - i0 < 2:
                continue
            ratio = float(np.min(y[i0 : i1 + 1])) / max(min(max(tops[:i]), max(tops[i:])), 1e-300)
            lone = [side for side in (tops[:i], tops[i:]) if len(side) == 1]
            if lone and lone[0][0] < lone_fraction * max(tops):
                continue  # a weak lone line at the edge is a multiplet's outer line, not a range
            if ratio < valley and (best is None or ratio < best[0]):
                best = (ratio, i)
        if best is None:
            out.append(g)
        else:
            stack[:0] = [g[: best[1]], g[best[1] :]]
    return out


def split_on_major_lines(
    groups: list[list[int]],
    hz: np.ndarray,
    widths: np.ndarray,
    height: np.ndarray,
    gap_hz: float,
    fraction: float = 0.03,
) -> list[list[int]]:
    """Split groups that only small lines (humps, satellites, impurities) chain together.

    Within a group, the lines above ``fraction`` of its tallest are regrouped by
    ``gap_hz``; each small line joins the nearest resulting group.
    """
    out: list[list[int]] = []
    for g in groups:
        hmax = max(height[k] for k in g)
        major = [k for k in g if height[k] >= fraction * hmax]
        sub = group_lines(hz[major], widths[major], gap_hz=gap_hz)
        if len(sub) <= 1:
            out.append(g)
            continue
        parts = [[major[i] for i in s] for s in sub]
        for k in g:
            if k not in major:
                parts[int(np.argmin([min(abs(hz[k] - hz[q]) for q in p) for p in parts]))].append(k)
        out += [sorted(p) for p in parts]
    return out


def join_halves(
    groups: list[list[int]], hz: np.ndarray, height: np.ndarray, widths: np.ndarray, *, tol_hz: float | None,
    max_j_hz: float = 20.0, min_fraction: float = 0.04,
) -> list[list[int]]:
    """Join neighbouring groups that are two copies of one pattern up to ``max_j_hz`` apart.

    A large coupling (trans-vinyl 17 Hz, geminal 12-18 Hz) splits a multiplet into two halves
    that the line grouping (16 Hz gaps) and the valley cuts separate: butyl acrylate's
    H-gem dd (17.3, 10.4 Hz) came out as two doublets of 10.4 Hz. Two halves are the same
    coupling pattern (same letters, J within the tolerance), of equal size (within 25 %), not
    singlets (two methyl singlets would be joined into a doublet), and closer than ``max_j_hz``.
    """
    if len(groups) < 2:
        return groups

    def pattern(g: list[int]):
        hs = height[g]
        sig = [k for k, h in zip(g, hs) if h >= min_fraction * hs.max()]
        tol = tol_hz if tol_hz is not None else max(0.4, 0.35 * float(np.median(widths[sig])))
        from .multiplets import analyze_multiplet

        fit = analyze_multiplet(hz[sig], height[sig], tol_hz=tol)
        return fit, float(np.sum(height[sig])), tol

    out = [list(groups[0])]
    prev = pattern(out[0])
    for g in groups[1:]:
        cur = pattern(g)
        (fa, aa, tol), (fb, ab, _) = prev, cur
        same = (
            fa.multiplicity == fb.multiplicity
            and fa.multiplicity not in ("s", "m")
            and len(fa.j_hz) == len(fb.j_hz)
            and all(abs(x - y) <= tol for x, y in zip(fa.j_hz, fb.j_hz))
            and 0.8 <= aa / max(ab, 1e-300) <= 1.25
            and abs(fa.center_hz - fb.center_hz) <= max_j_hz
        )
        if same:
            out[-1] = sorted(out[-1] + list(g))
            prev = pattern(out[-1])
        else:
            out.append(list(g))
            prev = cur
    return out
