"""Batched Levenberg–Marquardt for many small, independent least-squares problems.

Peak clusters of a powder pattern are independent fits with a handful of parameters
each. Fitting them one by one (one ``scipy.optimize.least_squares`` call per cluster)
spends most of its time in per-call and per-iteration Python overhead; here all the
problems of a batch (padded to a common number of points and parameters) advance
together, each with its own damping, acceptance and convergence, and the normal
equations of every problem are solved at once (stacked ``numpy.linalg.solve``).

The method is Levenberg's damped Gauss–Newton step with Marquardt's scaling by the
diagonal of JᵀJ (equivalent to ``x_scale="jac"`` of scipy); bounds are kept by
projecting every trial point onto the box, and a trial point is accepted only when it
lowers the cost, so the cost decreases monotonically. A problem stops when its step
is below ``xtol`` standard errors in every parameter (a step that changes nothing
that could be measured), when its cost changes by less than ``ftol`` relatively, or
when the damping grows past any useful value.

References
----------
Levenberg, K. (1944). Q. Appl. Math. 2, 164–168. Marquardt, D. W. (1963). J. Soc.
Ind. Appl. Math. 11, 431–441. Madsen, Nielsen & Tingleff (2004), *Methods for
non-linear least squares problems*, IMM DTU (damping updates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["LMResult", "batched_lm"]

# fun(P, idx) -> (weighted residuals (b, L), weighted Jacobian (b, n, L)) for the
# problems ``idx`` (indices into the batch) at parameters P (b, n)
ResidualJacobian = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class LMResult:
    """Solutions of a batch: parameters, residuals, Jacobian and cost at the solution."""

    x: np.ndarray  # (B, n)
    fun: np.ndarray  # (B, L) weighted residuals
    jac: np.ndarray  # (B, n, L) weighted Jacobian (transposed: points innermost)
    cost: np.ndarray  # (B,) half the sum of squared residuals
    n_iter: np.ndarray  # (B,) iterations used
    finite: np.ndarray  # (B,) parameters and cost finite


def _normal(jac: np.ndarray, res: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.matmul(jac, jac.transpose(0, 2, 1))
    g = np.matmul(jac, res[:, :, None])[:, :, 0]
    inactive = ~active
    if inactive.any():
        a[inactive[:, :, None] | inactive[:, None, :]] = 0.0
        a[inactive[:, :, None] & np.eye(a.shape[1], dtype=bool)[None]] = 1.0
        g[inactive] = 0.0
    return a, g


def _solve(m: np.ndarray, g: np.ndarray) -> np.ndarray:
    try:
        return -np.linalg.solve(m, g[..., None])[..., 0]
    except np.linalg.LinAlgError:  # one singular problem: solve each by least squares
        out = np.empty_like(g)
        for i in range(g.shape[0]):
            out[i] = -np.linalg.lstsq(m[i], g[i], rcond=None)[0]
        return out


def batched_lm(fun: ResidualJacobian, x0: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               active: np.ndarray, *, max_iter: int = 100, xtol: float = 1e-4, ftol: float = 1e-6,
               lambda0: float = 1e-3) -> LMResult:
    """Minimise ½‖r_b(x_b)‖² for every problem b of a batch, within bounds.

    Parameters
    ----------
    fun
        ``fun(P, idx)`` returns the weighted residuals (len(idx), L) and Jacobian
        (len(idx), n, L) of the problems ``idx`` at parameters ``P`` (len(idx), n);
        padding points must have zero residual and Jacobian entries.
    x0, lower, upper
        Start and bounds, shape (B, n); ``x0`` is projected into the bounds.
    active
        (B, n) mask of the parameters that are fitted (padding parameters are not).
    max_iter
        Iterations (one residual and Jacobian evaluation each) per problem.
    xtol
        Stop when every parameter moves by less than ``xtol`` times its scale
        1/√(JᵀJ)ᵢᵢ (its standard error for unit-weight residuals).
    ftol
        Stop when an accepted step lowers the cost by less than ``ftol`` relatively
        while the quadratic model predicts the decrease well (gain ratio > 0.25, the
        test of scipy's ``least_squares``).
    lambda0
        Initial damping, relative to the diagonal of JᵀJ.
    """
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    x = np.clip(np.asarray(x0, float), lower, upper)
    active = np.asarray(active, bool)
    n_b = x.shape[0]
    every = np.arange(n_b)
    r, jac = fun(x, every)
    r = np.array(r, float)
    jac = np.array(jac, float)
    cost = 0.5 * np.einsum("bl,bl->b", r, r)
    a, g = _normal(jac, r, active)
    lam = np.full(n_b, lambda0)
    nu = np.full(n_b, 2.0)
    done = ~np.isfinite(cost)
    n_iter = np.zeros(n_b, int)
    for _ in range(max_iter):
        todo = np.flatnonzero(~done)
        if todo.size == 0:
            break
        a_t = a[todo]
        g_t = g[todo]
        x_t = x[todo]
        diag = np.einsum("bii->bi", a_t)
        scale = np.maximum(diag, 1e-12 * np.maximum(diag.max(axis=1, keepdims=True), 1e-300))
        # parameters on a bound that the gradient pushes outwards stay there for this step
        # (projected Newton: solving for them too and clipping afterwards zig-zags)
        held = ~active[todo] | ((x_t <= lower[todo]) & (g_t > 0)) | ((x_t >= upper[todo]) & (g_t < 0))
        m = a_t.copy()
        m[held[:, :, None] | held[:, None, :]] = 0.0
        idx = np.arange(m.shape[1])
        m[:, idx, idx] += np.where(held, 1.0, lam[todo, None] * scale)
        g_free = np.where(held, 0.0, g_t)
        step = _solve(m, g_free)
        step[held] = 0.0
        # reduction of the cost predicted by the local quadratic model
        predicted = 0.5 * np.einsum("bn,bn->b", step, lam[todo, None] * scale * step - g_free)
        trial = np.clip(x_t + step, lower[todo], upper[todo])
        moved = np.abs(trial - x[todo]) * np.sqrt(scale)
        r_t, j_t = fun(trial, todo)
        cost_t = 0.5 * np.einsum("bl,bl->b", r_t, r_t)
        n_iter[todo] += 1
        better = np.isfinite(cost_t) & (cost_t < cost[todo])
        rho = (cost[todo] - cost_t) / np.maximum(predicted, 1e-300)
        tiny_step = np.max(np.where(active[todo], moved, 0.0), axis=1) < xtol
        acc = todo[better]
        flat = better & (cost[todo] - cost_t <= ftol * cost[todo]) & (rho > 0.25)
        if acc.size:
            x[acc] = trial[better]
            r[acc] = r_t[better]
            jac[acc] = j_t[better]
            cost[acc] = cost_t[better]
            a[acc], g[acc] = _normal(j_t[better], r_t[better], active[acc])
        # damping update of Nielsen (1999): by the gain ratio after a success, doubling
        # factors after failures
        shrink = np.maximum(1 / 3, 1 - (2 * np.clip(rho, 0.0, 1.0) - 1) ** 3)
        lam[todo] = np.where(better, np.maximum(lam[todo] * shrink, 1e-12), lam[todo] * nu[todo])
        nu[todo] = np.where(better, 2.0, nu[todo] * 2.0)
        done[todo] = flat | tiny_step | (lam[todo] > 1e12)
    finite = np.isfinite(cost) & np.all(np.isfinite(x), axis=1)
    return LMResult(x=x, fun=r, jac=jac, cost=cost, n_iter=n_iter, finite=finite)
