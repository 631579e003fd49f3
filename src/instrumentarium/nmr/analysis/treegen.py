"""Candidate coupling trees from line spacings and the multiplet's total width.

When line intensities mislead (overlapped components, unresolved long-range couplings,
a 2H range), the Hoye peeling of :mod:`.multiplets` finds no tree. Then, as in Hoye,
Hanson and Vyvyan (J. Org. Chem. 59, 4096 (1994)), the couplings are read from the
spacings: every coupling is a distance from the outermost line to another line, and the
couplings add up to the total width (sum over groups of n_k J_k = distance between the
outer lines, Hoye's "sum of the J values equals the width" check). Trees of up to four
groups are enumerated with one J taken from the width; each is scored cheaply by the
cosine similarity of its stick spectrum, broadened to the linewidth, with the data, and
only the best few are fitted (:func:`.treefit.fit_tree`).
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["spacing_trees"]

# counts tried per group for trees of 2, 3 and 4 groups (the last J comes from the width)
_COUNTS = {1: range(1, 7), 2: range(1, 4), 3: range(1, 2)}


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _stick_model(x: np.ndarray, center: float, groups, fwhm: float) -> np.ndarray:
    from math import comb

    pos = np.array([0.0])
    w = np.array([1.0])
    for j, n in groups:
        ks = (np.arange(n + 1) - 0.5 * n) * j
        cw = np.array([comb(n, k) for k in range(n + 1)], dtype=float)
        pos = (pos[:, None] + ks[None, :]).ravel()
        w = (w[:, None] * cw[None, :]).ravel()
    g = 0.5 * fwhm
    return np.sum(w[:, None] * g * g / ((x[None, :] - center - pos[:, None]) ** 2 + g * g), axis=0)


def spacing_trees(
    x: np.ndarray,
    y: np.ndarray,
    line_hz: np.ndarray,
    *,
    fwhm_hz: float,
    tol_hz: float = 0.4,
    n_best: int = 6,
    max_spacings: int = 8,
) -> list[tuple[tuple[float, int], ...]]:
    """Return the ``n_best`` candidate trees (``(J, n)`` groups) that best match ``y(x)``.

    Parameters
    ----------
    x, y
        The range (Hz, baseline-corrected).
    line_hz
        Picked line positions in it.
    fwhm_hz
        Linewidth for the stick spectra.
    tol_hz
        Spacings closer than this are one candidate J.
    """
    f = np.sort(np.asarray(line_hz, dtype=float))
    if len(f) < 2:
        return []
    span = float(f[-1] - f[0])
    center = 0.5 * float(f[0] + f[-1])
    diffs = [float(v - f[0]) for v in f[1:]] + [float(d) for d in np.diff(f)]
    js = [j for j in _cluster(diffs, tol_hz) if j >= max(0.5 * fwhm_hz, 0.3) and j <= span + 1e-9]
    js = js[:max_spacings]
    smallest = min(js) if js else 0.0
    spans = [span] + ([span + 2.0 * smallest] if smallest > 0 else [])
    cands: set[tuple] = set()
    for sp in spans:
        for n in range(1, 7):  # binomial: one group
            cands.add(((sp / n, n),))
        for k in (1, 2, 3):
            for chosen in itertools.combinations(js, k):
                for counts in itertools.product(*(_COUNTS[k] for _ in range(k + 1))):
                    rest = sp - sum(j * n for j, n in zip(chosen, counts[:-1]))
                    jl = rest / counts[-1]
                    if jl < max(0.5 * fwhm_hz, 0.3):
                        continue
                    groups = sorted([*zip(chosen, counts[:-1]), (jl, counts[-1])], key=lambda g: -g[0])
                    if sum(n for _, n in groups) > 8:
                        continue
                    cands.add(tuple((round(j, 3), n) for j, n in groups))
    if not cands:
        return []
    stride = max(1, len(x) // 300)
    xs, ys = x[::stride], y[::stride]
    yn = ys / (np.linalg.norm(ys) or 1.0)
    scored = []
    for c in cands:
        m = _stick_model(xs, center, c, fwhm_hz)
        nm = np.linalg.norm(m)
        if nm > 0:
            scored.append((float(m @ yn) / nm, c))
    scored.sort(key=lambda t: -t[0])
    return [c for _, c in scored[:n_best]]
