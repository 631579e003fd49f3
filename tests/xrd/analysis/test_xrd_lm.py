"""Batched Levenberg–Marquardt and the analytic derivatives behind the profile fits."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import least_squares

from instrumentarium.xrd.analysis._lm import batched_lm
from instrumentarium.xrd.analysis._profiles import (
    kalpha2_position,
    kalpha2_position_grad,
    tch_fwhm_eta,
    tch_fwhm_eta_grad,
)

T = np.linspace(0.0, 4.0, 60)


def _model(p: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a * exp(-k t) + c and its Jacobian, shaped (b, L) and (b, 3, L)."""
    a, k, c = p[:, 0:1], p[:, 1:2], p[:, 2:3]
    e = np.exp(-k * t)
    return a * e + c, np.stack([e, -a * t * e, np.ones_like(e)], axis=1)


def test_batched_lm_matches_scipy_on_independent_problems() -> None:
    rng = np.random.default_rng(3)
    truth = np.array([[5.0, 1.3, 0.5], [2.0, 0.4, -1.0], [8.0, 2.5, 3.0], [1.0, 0.9, 0.0]])
    y = _model(truth, T)[0] + rng.normal(0, 0.05, (4, T.size))
    # the fourth problem has only 40 real points: its padding carries zero weight
    w = np.ones_like(y)
    w[3, 40:] = 0.0

    def fun(p: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m, jac = _model(p, T)
        return (m - y[idx]) * w[idx], jac * w[idx][:, None, :]

    lower = np.tile([0.0, 0.0, -10.0], (4, 1))
    upper = np.tile([20.0, 10.0, 10.0], (4, 1))
    res = batched_lm(fun, np.tile([1.0, 1.0, 0.0], (4, 1)), lower, upper, np.ones((4, 3), bool))
    assert res.finite.all()
    for i in range(4):
        n = 40 if i == 3 else T.size
        ref = least_squares(lambda q, n=n, yi=y[i]: _model(q[None], T[:n])[0][0] - yi[:n], [1.0, 1.0, 0.0],
                            bounds=(lower[i], upper[i]), x_scale="jac")
        assert res.x[i] == pytest.approx(ref.x, rel=1e-4, abs=1e-4)  # sigma of c is ~0.01
        assert res.cost[i] == pytest.approx(ref.cost, rel=1e-6)
        assert np.abs(res.x[i] - truth[i]).max() < 0.3


def test_batched_lm_keeps_bounds_and_frozen_parameters() -> None:
    y = _model(np.array([[5.0, 1.3, 0.5]]), T)[0]

    def fun(p: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m, jac = _model(p, T)
        return m - y[idx], jac

    # the offset is frozen at 0.2 and the rate capped below its true value
    active = np.array([[True, True, False]])
    res = batched_lm(fun, np.array([[1.0, 0.5, 0.2]]), np.array([[0.0, 0.0, -5.0]]),
                     np.array([[20.0, 1.0, 5.0]]), active)
    assert res.x[0, 2] == 0.2
    assert res.x[0, 1] <= 1.0
    ref = least_squares(lambda q: _model(np.array([[q[0], q[1], 0.2]]), T)[0][0] - y[0], [1.0, 0.5],
                        bounds=([0.0, 0.0], [20.0, 1.0]), x_scale="jac")
    assert res.x[0, :2] == pytest.approx(ref.x, rel=1e-4)
    assert res.cost[0] == pytest.approx(ref.cost, rel=1e-5)


def test_tch_and_kalpha2_derivatives_match_finite_differences() -> None:
    g = np.array([0.05, 0.1, 0.02, 0.3])
    lo = np.array([0.03, 0.001, 0.1, 0.2])
    f, eta, df_dg, df_dl, de_dg, de_dl = tch_fwhm_eta_grad(g, lo)
    f0, e0 = tch_fwhm_eta(g, lo)
    np.testing.assert_allclose(f, f0, rtol=1e-12)
    np.testing.assert_allclose(eta, e0, rtol=1e-12)
    h = 1e-7
    fg, eg = tch_fwhm_eta(g + h, lo)
    fl, el = tch_fwhm_eta(g, lo + h)
    np.testing.assert_allclose(df_dg, (fg - f0) / h, rtol=1e-5)
    np.testing.assert_allclose(df_dl, (fl - f0) / h, rtol=1e-5)
    np.testing.assert_allclose(de_dg, (eg - e0) / h, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(de_dl, (el - e0) / h, rtol=1e-4, atol=1e-4)
    tt = np.array([20.0, 60.0, 140.0])
    x2, dx2 = kalpha2_position_grad(tt, 1.540593, 1.544414)
    np.testing.assert_allclose(x2, kalpha2_position(tt, 1.540593, 1.544414), rtol=1e-14)
    fd = (kalpha2_position(tt + 1e-6, 1.540593, 1.544414) - x2) / 1e-6
    np.testing.assert_allclose(dx2, fd, rtol=1e-5)
    assert np.all(dx2 > 1)  # the doublet separates with angle
