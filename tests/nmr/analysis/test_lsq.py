"""The bounded Levenberg-Marquardt used by the tree fits: same minima as scipy, bounds kept."""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares

from instrumentarium.nmr.analysis._lsq import bounded_lm


def _problem():
    rng = np.random.default_rng(3)
    x = np.linspace(0, 4, 200)
    y = 2.5 * np.exp(-1.3 * x) + 0.4 + 0.01 * rng.standard_normal(x.size)

    def resid(p):
        return p[0] * np.exp(-p[1] * x) + p[2] - y

    def jac(p):
        e = np.exp(-p[1] * x)
        return np.stack([e, -p[0] * x * e, np.ones_like(x)], axis=1)

    return resid, jac


def test_bounded_lm_reaches_scipy_minimum() -> None:
    resid, jac = _problem()
    p0, lb, ub = np.array([1.0, 0.5, 0.0]), np.array([0.0, 0.0, -1.0]), np.array([10.0, 10.0, 1.0])
    ours = bounded_lm(resid, jac, p0, lb, ub, max_nfev=100)
    ref = least_squares(resid, p0, jac=jac, bounds=(lb, ub))
    assert np.allclose(ours.x, ref.x, atol=1e-5)
    assert abs(ours.x[1] - 1.3) < 0.05
    assert np.allclose(ours.fun, resid(ours.x))


def test_bounded_lm_keeps_active_bound() -> None:
    resid, jac = _problem()
    lb, ub = np.array([0.0, 0.0, -1.0]), np.array([10.0, 1.0, 1.0])  # decay rate capped below its best value
    ours = bounded_lm(resid, jac, np.array([1.0, 0.5, 0.0]), lb, ub, max_nfev=200)
    ref = least_squares(resid, np.array([1.0, 0.5, 0.0]), jac=jac, bounds=(lb, ub))
    assert np.all(ours.x >= lb) and np.all(ours.x <= ub)
    assert ours.x[1] == 1.0
    assert float(ours.fun @ ours.fun) <= float(ref.fun @ ref.fun) * 1.001


def test_bounded_lm_respects_evaluation_budget() -> None:
    resid, jac = _problem()
    calls = []

    def counted(p):
        calls.append(1)
        return resid(p)

    r = bounded_lm(counted, jac, np.array([1.0, 0.5, 0.0]), np.full(3, -10.0), np.full(3, 10.0), max_nfev=5)
    assert r.nfev == len(calls) <= 5
