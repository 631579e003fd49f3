
"""Profile fitting of reflections, with the Kα1/Kα2 doublet modelled.

Overlapping reflections are fitted together (a *cluster*), each as a unit-area profile
times an area, plus its Kα2 copy at 2θ₂ = 2 arcsin(λ2/λ1 · sinθ₁) with area × I(Kα2)/
I(Kα1) and the same shape, on a local linear background. Weighted least squares
(weights 1/σ² from counting statistics, trust-region reflective algorithm of
scipy.optimize.least_squares); one-σ uncertainties from the covariance
(JᵀWJ)⁻¹ scaled by the reduced χ².

Profiles: ``"pseudo_voigt"`` (free FWHM and η per peak) or ``"tch"`` (free Gaussian and
Lorentzian FWHMs per peak, combined by Thompson, Cox & Hastings, J. Appl. Cryst. 20,
79, 1987), which also yields the Gaussian/Lorentzian split used for size/strain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from ._peaksearch import PeakCandidate
from ._profiles import kalpha2_position, tch_fwhm_eta

__all__ = ["FittedPeak", "fit_peaks", "PROFILES"]

PROFILES = ("pseudo_voigt", "tch")
_MAX_CLUSTER = 12


@dataclass(frozen=True)
class FittedPeak:
    """Fitted parameters of one reflection (Kα1 component) with one-σ uncertainties."""

    two_theta_deg: float
    area: float
    fwhm_deg: float
    eta: float
    height: float
    two_theta_sigma_deg: float
    area_sigma: float
    fwhm_sigma_deg: float
    height_sigma: float
    fwhm_g_deg: float | None = None
    fwhm_l_deg: float | None = None
    converged: bool = True


def _shape(profile: str, a: float, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """(fwhm, eta) from the two width parameters of a peak."""
    if profile == "tch":
        return tch_fwhm_eta(a, b)
    return np.asarray(a), np.asarray(b)


_FWHM_PER_SIGMA = 2 * np.sqrt(2 * np.log(2))


def _shape_grad(profile: str, a: float,
                b: float) -> tuple[float, float, tuple[float, float], tuple[float, float]]:
    """(fwhm, eta) and their derivatives with respect to the two width parameters."""
    if profile != "tch":
        return float(a), float(b), (1.0, 0.0), (0.0, 1.0)
    f, e = (float(v) for v in tch_fwhm_eta(a, b))
    ha, hb = max(abs(a) * 1e-6, 1e-10), max(abs(b) * 1e-6, 1e-10)
    fa, ea = (float(v) for v in tch_fwhm_eta(a + ha, b))
    fb, eb = (float(v) for v in tch_fwhm_eta(a, b + hb))
    return f, e, ((fa - f) / ha, (fb - f) / hb), ((ea - e) / ha, (eb - e) / hb)


def _peak_height(area: float, fwhm: float, eta: float) -> float:
    return area * (eta * 2 / (np.pi * fwhm) + (1 - eta) * 2 * np.sqrt(np.log(2) / np.pi) / fwhm)


def _clusters(cands: Sequence[PeakCandidate], lam1: float, lam2: float | None,
              span: float) -> list[list[int]]:
    order = np.argsort([c.two_theta_deg for c in cands])
    groups: list[list[int]] = []
    hi_prev = -np.inf
    for i in order:
        c = cands[i]
        x2 = float(kalpha2_position(c.two_theta_deg, lam1, lam2)) if lam2 else c.two_theta_deg
        lo, hi = c.two_theta_deg - span * c.fwhm_deg, x2 + span * c.fwhm_deg
        if groups and lo < hi_prev and len(groups[-1]) < _MAX_CLUSTER:
            groups[-1].append(int(i))
            hi_prev = max(hi_prev, hi)
        else:
            groups.append([int(i)])
            hi_prev = hi
    return groups


def fit_peaks(two_theta: np.ndarray, net: np.ndarray, sigma: np.ndarray,
              candidates: Sequence[PeakCandidate], *, wavelength_angstrom: float,
              wavelength2_angstrom: float | None = None, ka2_ka1_ratio: float = 0.0,
              profile: str = "pseudo_voigt", window_fwhm: float = 4.0) -> list[FittedPeak]:
    """Fit every candidate reflection; returns one :class:`FittedPeak` per candidate.

    Parameters
    ----------
    two_theta, net, sigma
        2θ (deg, ascending), background-subtracted intensity and its counting σ.
    candidates
        From :func:`search_peaks` (positions, heights, FWHM guesses).
    wavelength_angstrom, wavelength2_angstrom, ka2_ka1_ratio
        Kα1, Kα2 and I(Kα2)/I(Kα1); ratio 0 fits single lines.
    profile
        ``"pseudo_voigt"`` or ``"tch"``.
    window_fwhm
        Half-width of each cluster's fitting window, in FWHMs beyond the outer peaks.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {PROFILES}")
    x = np.asarray(two_theta, float)
    y = np.asarray(net, float)
    s = np.maximum(np.asarray(sigma, float), 1e-12)
    lam2 = wavelength2_angstrom if ka2_ka1_ratio > 0 else None
    out: dict[int, FittedPeak] = {}
    for group in _clusters(candidates, wavelength_angstrom, lam2, window_fwhm):
        for i, fp in zip(group, _fit_cluster(x, y, s, [candidates[i] for i in group], wavelength_angstrom,
                                             lam2, ka2_ka1_ratio, profile, window_fwhm)):
            out[i] = fp
    return [out[i] for i in range(len(candidates))]


def _fit_cluster(x, y, s, cands, lam1, lam2, ratio, profile, span) -> list[FittedPeak]:
    pos0 = np.array([c.two_theta_deg for c in cands])
    fw0 = np.array([max(c.fwhm_deg, 2.5 * float(np.median(np.diff(x)))) for c in cands])
    x2_last = float(kalpha2_position(pos0.max(), lam1, lam2)) if lam2 else pos0.max()
    lo = pos0.min() - span * fw0[np.argmin(pos0)]
    hi = x2_last + span * fw0[np.argmax(pos0)]
    sel = (x >= lo) & (x <= hi)
    xs, ys, ss = x[sel], y[sel], s[sel]
    k = len(cands)
    if xs.size < 4 * k + 2:
        return [_unfitted(c) for c in cands]
    # parameters: c0, c1, then per peak: position, area, width_a, width_b
    p0 = [0.0, 0.0]
    lb = [-np.inf, -np.inf]
    ub = [np.inf, np.inf]
    for c, f in zip(cands, fw0):
        area0 = max(c.height, 1e-12) * f * 1.2 / (1 + ratio)
        if profile == "tch":
            wa, wb, wlo, whi = 0.7 * f, 0.4 * f, (1e-4, 1e-4), (6 * f, 6 * f)
        else:
            wa, wb, wlo, whi = f, 0.5, (0.2 * f, 0.0), (6 * f, 1.0)
        p0 += [c.two_theta_deg, area0, wa, wb]
        lb += [c.two_theta_deg - 1.5 * f, 0.0, wlo[0], wlo[1]]
        ub += [c.two_theta_deg + 1.5 * f, np.inf, whi[0], whi[1]]
    p0 = np.clip(np.array(p0), np.array(lb) + 1e-9, np.array(ub) - 1e-9)
    xc = 0.5 * (lo + hi)
    n_par = p0.size

    def lines(p: np.ndarray):
        """(peak index, factor, position, d position/d x0, slice) of every line."""
        out = []
        for j in range(k):
            x0 = p[2 + 4 * j]
            fw = float(_shape(profile, p[4 + 4 * j], p[5 + 4 * j])[0])
            reach = 40 * fw
            pos = [(1.0, x0, 1.0)]
            if lam2:
                x2 = float(kalpha2_position(x0, lam1, lam2))
                dx2 = float(kalpha2_position(x0 + 1e-4, lam1, lam2) - x2) / 1e-4
                pos.append((ratio, x2, dx2))
            for fac, xp, dxp in pos:
                i0, i1 = np.searchsorted(xs, [xp - reach, xp + reach])
                out.append((j, fac, xp, dxp, slice(int(i0), int(i1))))
        return out

    def model_and_jac(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = p[0] + p[1] * (xs - xc)
        jac = np.zeros((xs.size, n_par))
        jac[:, 0] = 1.0
        jac[:, 1] = xs - xc
        for j, fac, xp, dxp, sl in lines(p):
            base = 2 + 4 * j
            area, a, b = p[base + 1], p[base + 2], p[base + 3]
            fw, eta, dfw, deta = _shape_grad(profile, a, b)
            d = xs[sl] - xp
            g = fw / 2
            den = d * d + g * g
            lor = g / (np.pi * den)
            sg = fw / _FWHM_PER_SIGMA
            gau = np.exp(-0.5 * (d / sg) ** 2) / (sg * np.sqrt(2 * np.pi))
            pv = eta * lor + (1 - eta) * gau
            m[sl] += fac * area * pv
            dpv_dx = eta * (2 * g * d / (np.pi * den * den)) + (1 - eta) * gau * d / sg**2
            dpv_df = eta * 0.5 * (d * d - g * g) / (np.pi * den * den) \
                + (1 - eta) * gau * (d * d / sg**3 - 1 / sg) / _FWHM_PER_SIGMA
            dpv_de = lor - gau
            jac[sl, base] += fac * area * dpv_dx * dxp
            jac[sl, base + 1] += fac * pv
            jac[sl, base + 2] += fac * area * (dpv_df * dfw[0] + dpv_de * deta[0])
            jac[sl, base + 3] += fac * area * (dpv_df * dfw[1] + dpv_de * deta[1])
        return m, jac

    cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _eval(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hit = cache.get("last")
        if hit is not None and np.array_equal(hit[0], p):
            return hit[1], hit[2]
        m, jac = model_and_jac(p)
        cache["last"] = (p.copy(), m, jac)
        return m, jac

    def resid(p: np.ndarray) -> np.ndarray:
        return (_eval(p)[0] - ys) / ss

    def jac(p: np.ndarray) -> np.ndarray:
        return _eval(p)[1] / ss[:, None]

    try:
        res = least_squares(resid, p0, jac=jac, bounds=(lb, ub), x_scale="jac", max_nfev=50 * (k + 1),
                            tr_solver="exact" if xs.size * n_par <= 12000 else "lsmr")
    except (ValueError, np.linalg.LinAlgError):
        return [_unfitted(c) for c in cands]
    dof = max(xs.size - p0.size, 1)
    chi2 = float(np.sum(res.fun**2)) / dof
    try:
        jtj = res.jac.T @ res.jac
        cov = np.linalg.pinv(jtj) * max(chi2, 1.0)
    except np.linalg.LinAlgError:
        cov = np.full((p0.size, p0.size), np.nan)
    fits = []
    for j in range(len(cands)):
        base = 2 + 4 * j
        x0, area, a, b = res.x[base: base + 4]
        fw, eta = (float(v) for v in _shape(profile, a, b))
        sub = cov[base: base + 4, base: base + 4]
        # derived quantities: numeric gradients wrt (x0, area, a, b)
        grad_fw = np.zeros(4)
        grad_h = np.zeros(4)
        h = _peak_height(area, fw, eta)
        for q in range(4):
            dp = np.array([x0, area, a, b], float)
            eps = max(abs(dp[q]) * 1e-6, 1e-9)
            dp[q] += eps
            f2, e2 = (float(v) for v in _shape(profile, dp[2], dp[3]))
            grad_fw[q] = (f2 - fw) / eps
            grad_h[q] = (_peak_height(dp[1], f2, e2) - h) / eps
        var = np.diag(sub)
        fits.append(FittedPeak(
            two_theta_deg=float(x0), area=float(area), fwhm_deg=fw, eta=eta, height=float(h),
            two_theta_sigma_deg=float(np.sqrt(max(var[0], 0))),
            area_sigma=float(np.sqrt(max(var[1], 0))),
            fwhm_sigma_deg=float(np.sqrt(max(grad_fw @ sub @ grad_fw, 0))),
            height_sigma=float(np.sqrt(max(grad_h @ sub @ grad_h, 0))),
            fwhm_g_deg=float(a) if profile == "tch" else None,
            fwhm_l_deg=float(b) if profile == "tch" else None,
            converged=bool(res.status >= 0) and bool(np.all(np.isfinite(res.x))),
        ))
    return fits


def _unfitted(c: PeakCandidate) -> FittedPeak:
    area = c.height * c.fwhm_deg * 1.064
    return FittedPeak(c.two_theta_deg, area, c.fwhm_deg, 0.0, c.height, np.nan, np.nan, np.nan, np.nan,
                      converged=False)
