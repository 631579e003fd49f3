"""Small bounded Levenberg-Marquardt least squares for the many little lineshape fits of the analysis.

A range's coupling-tree selection fits tens of candidate trees of 8-20 parameters to a few
hundred points. scipy's ``least_squares`` (trust-region reflective with bounds) spends most of
that time in its own bookkeeping (SVD per step, LSMR); this is the plain Levenberg-Marquardt
iteration (Levenberg, Q. Appl. Math. 2, 164 (1944); Marquardt, J. SIAM 11, 431 (1963)) with
Marquardt's diagonal scaling (the same role as ``x_scale="jac"``), parameters held at a bound
by the descent direction left out of the step (an active set) and steps projected onto the
box of bounds (Kanzow, Yamashita and Fukushima, J. Comput. Appl. Math. 172, 375 (2004)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["LsqResult", "bounded_lm"]


@dataclass(frozen=True)
class LsqResult:
    """Solution ``x``, residual vector ``fun`` at it, function evaluations ``nfev``."""

    x: np.ndarray
    fun: np.ndarray
    nfev: int


def bounded_lm(
    resid: Callable[[np.ndarray], np.ndarray],
    jac: Callable[[np.ndarray], np.ndarray],
    p0: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    *,
    max_nfev: int = 60,
    ftol: float = 1e-8,
    xtol: float = 1e-8,
) -> LsqResult:
    """Minimise ``sum(resid(p)**2)`` with ``lb <= p <= ub``.

    Parameters
    ----------
    resid, jac
        Residual vector and its Jacobian (points x parameters) at ``p``.
    p0
        Start (clipped into the bounds).
    max_nfev
        Largest number of residual evaluations.
    ftol, xtol
        Stop when an accepted step lowers the cost by less than ``ftol`` of it, or moves
        the parameters by less than ``xtol`` of their size.

    Raises
    ------
    numpy.linalg.LinAlgError
        Never for a singular normal matrix (damping keeps it regular); only when the
        residuals are not finite at the start.
    """
    lb = np.asarray(lb, dtype=float)
    ub = np.asarray(ub, dtype=float)
    p = np.clip(np.asarray(p0, dtype=float), lb, ub)
    r = resid(p)
    cost = float(r @ r)
    if not np.isfinite(cost):
        raise np.linalg.LinAlgError("residuals are not finite at the start")
    nfev = 1
    jm = jac(p)
    lam = 1e-3
    while nfev < max_nfev:
        g = jm.T @ r
        # parameters held at a bound by the descent direction are fixed for this step
        free = ~(((p <= lb) & (g > 0)) | ((p >= ub) & (g < 0)))
        if not np.any(free):
            break
        jf = jm[:, free]
        a = jf.T @ jf
        d = np.diag(a).copy()
        d = np.maximum(d, 1e-12 * (float(d.max()) if d.size else 1.0) + 1e-300)
        try:
            step_f = np.linalg.solve(a + lam * np.diag(d), -g[free])
        except np.linalg.LinAlgError:
            lam *= 10.0
            if lam > 1e12:
                break
            continue
        step = np.zeros_like(p)
        step[free] = step_f
        pn = np.clip(p + step, lb, ub)
        rn = resid(pn)
        nfev += 1
        cn = float(rn @ rn)
        if np.isfinite(cn) and cn < cost:
            small = (cost - cn) <= ftol * cost or np.linalg.norm(pn - p) <= xtol * (xtol + np.linalg.norm(p))
            p, r, cost = pn, rn, cn
            lam = max(lam / 3.0, 1e-10)
            if small:
                break
            jm = jac(p)
        else:
            lam *= 4.0
            if lam > 1e12:
                break
    return LsqResult(p, r, nfev)
