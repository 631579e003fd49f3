"""Baseline correction of a phased spectrum (real part).

``polynomial``: a Chebyshev polynomial fitted to automatically detected signal-free points,
iterating "fit, mark points further than 4 noise sigmas from the fit (dilated) as signal,
refit" -- the approach of TopSpin ``abs`` (polynomial of order ABSG outside signal regions)
and NMRPipe ``POLY -auto`` (Dietrich, Rüdel & Neumann, J. Magn. Reson. 91, 1 (1991);
Golotvin & Williams, J. Magn. Reson. 146, 122 (2000)).
``airpls``/``arpls``: Whittaker smoothers with asymmetric reweighting from pybaselines
(Zhang, Chen & Liang, Analyst 135, 1138 (2010); Baek et al., Analyst 140, 250 (2015)).
The imaginary part is left as it is; re-phase before baseline correction, not after.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ...model import Measurement, ProcessingError
from ...pipeline import StepOutput, step
from ._autophase import noise_sigma
from ._domain import fresh, require_spectrum

__all__ = ["baseline", "polynomial_baseline"]

_METHODS = ("polynomial", "airpls", "arpls", "none")


def polynomial_baseline(
    y: np.ndarray, *, order: int = 5, threshold_sigma: float = 4.0, iterations: int = 4,
    dilate_fraction: float = 0.002,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit a baseline polynomial to the signal-free points of ``y``.

    Returns ``(baseline, is_baseline_point)``.
    """
    n = y.shape[0]
    x = np.linspace(-1.0, 1.0, n)
    sigma = noise_sigma(y)
    # a first guess of the signal: points far from a running median of the spectrum
    coarse = ndimage.median_filter(y[:: max(n // 2048, 1)], size=31, mode="nearest")
    base0 = np.interp(x, np.linspace(-1.0, 1.0, coarse.shape[0]), coarse)
    free = np.abs(y - base0) < threshold_sigma * 3 * sigma
    dil = max(int(n * dilate_fraction), 1)
    fit = base0
    basis = None
    for _ in range(iterations):
        if free.sum() < 4 * (order + 1):
            break
        sub = np.flatnonzero(free)[:: max(int(free.sum()) // 2048, 1)]
        if basis is None:  # the Chebyshev basis on every point, once (fit = basis @ coef)
            basis = np.polynomial.chebyshev.chebvander(x, order)
        # normal equations of a small, well-conditioned Chebyshev system: much cheaper than
        # an SVD-based least squares on every iteration
        v = basis[sub]
        coef = np.linalg.solve(v.T @ v, v.T @ y[sub])
        fit = basis @ coef
        resid = y - fit
        r_free = resid[sub]
        s = 1.4826 * float(np.median(np.abs(r_free - np.median(r_free)))) or sigma
        above = (np.abs(resid) > threshold_sigma * max(s, sigma)).astype(np.uint8)
        free = ndimage.maximum_filter1d(above, size=2 * dil + 1) == 0
    return fit, free


@step("nmr.baseline", technique="nmr")
def baseline(
    m: Measurement, *, method: str = "polynomial", order: int = 5, lam: float = 1e7,
) -> StepOutput:
    """Subtract a baseline from the real part of a phased spectrum.

    Parameters
    ----------
    method
        ``"polynomial"`` (on auto-detected signal-free points), ``"airpls"``, ``"arpls"``
        (pybaselines Whittaker methods) or ``"none"``.
    order
        Polynomial order (TopSpin ABSG; 5 is TopSpin's default).
    lam
        Smoothness of the Whittaker methods.
    """
    require_spectrum(m, "nmr.baseline")
    if method not in _METHODS:
        raise ProcessingError(f"nmr.baseline: unknown method {method!r}; choose one of {', '.join(_METHODS)}")
    if method == "none":
        return StepOutput(m, decisions={"model": "none"})
    y = np.asarray(m.signal.real, dtype=float)
    decisions: dict = {"model": method}
    if method == "polynomial":
        fit, free = polynomial_baseline(y, order=order)
        decisions.update(order=order, baseline_fraction=round(float(free.mean()), 3))
    else:
        from pybaselines import Baseline

        fitter = Baseline(np.arange(y.shape[0], dtype=float))
        fit, _params = getattr(fitter, method)(y, lam=lam)
        decisions.update(lam=lam)
    out = fresh(m.signal - fit if m.is_complex else y - fit)
    warnings = []
    if method == "polynomial" and decisions["baseline_fraction"] < 0.2:
        warnings.append(f"only {decisions['baseline_fraction']:.0%} of the points look signal-free: "
                        "the baseline may be poorly defined")
    return StepOutput(m.replace(signal=out), decisions=decisions, warnings=warnings)
