"""Per-line phases by fitting complex Lorentzians with free complex amplitudes.

In each signal region the spectrum is modelled as ``sum_l A_l / (g_l - i(j - c_l))`` plus a
complex straight baseline. For fixed positions ``c_l`` and half-widths ``g_l`` (points) the
model is linear in the complex amplitudes ``A_l``, so they come from linear least squares
(variable projection: Golub & Pereyra, SIAM J. Numer. Anal. 10, 413 (1973)); the positions
and widths are then refined by nonlinear least squares (Levenberg-Marquardt with the
analytic Jacobian, amplitudes re-projected after each step: Levenberg, Q. Appl. Math. 2,
164 (1944); Marquardt, J. SIAM 11, 431 (1963)). ``angle(A_l)`` is the phase error of
line ``l``: unlike the angle of a region's sum, it is not biased by overlapping neighbours or
by where the region's window cuts the slowly decaying dispersion wings.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

__all__ = ["line_phases"]


def _basis(j: np.ndarray, c: np.ndarray, g: np.ndarray) -> np.ndarray:
    mid = 0.5 * (j[0] + j[-1])
    lines = 1.0 / (g[None, :] - 1j * (j[:, None] - c[None, :]))
    return np.column_stack([lines, np.ones_like(j, dtype=complex), (j - mid).astype(complex)])


def _solve(phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    # normal equations of a few well-separated columns (a Cholesky-size system): far cheaper
    # than an SVD per call; the SVD only when they are singular
    ph = phi.conj().T
    try:
        return np.linalg.solve(ph @ phi, ph @ y)
    except np.linalg.LinAlgError:
        coef, *_ = np.linalg.lstsq(phi, y, rcond=None)
        return coef


def _refine(seg: np.ndarray, j: np.ndarray, c: np.ndarray, g: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Levenberg-Marquardt on the positions and half-widths (kept inside ``[lo, hi]``).

    The Jacobian is that of the model in all parameters (positions, widths, complex
    amplitudes and baseline); after each step the amplitudes are projected again.
    """
    k = c.size
    phi = _basis(j, c, g)
    coef = _solve(phi, seg)
    resid = seg - phi @ coef
    cost = float(np.vdot(resid, resid).real)
    lam = 1e-3
    for _ in range(max_iter):
        lines = phi[:, :k]
        d_g = -(lines * lines) * coef[None, :k]  # d model / d g; d / d c is i times it
        jac = np.column_stack([1j * d_g, d_g, phi, 1j * phi])
        jr = np.concatenate([jac.real, jac.imag])
        rr = np.concatenate([resid.real, resid.imag])
        jtj = jr.T @ jr
        jtr = jr.T @ rr
        diag = np.diag(jtj).copy()
        diag[diag <= 0] = 1.0
        converged, improved = False, False
        for _try in range(6):
            try:
                delta = np.linalg.solve(jtj + lam * np.diag(diag), jtr)
            except np.linalg.LinAlgError:
                lam *= 10.0
                continue
            c_new = np.clip(c + delta[:k], lo[:k], hi[:k])
            g_new = np.clip(g + delta[k:2 * k], lo[k:], hi[k:])
            phi_new = _basis(j, c_new, g_new)
            coef_new = _solve(phi_new, seg)
            resid_new = seg - phi_new @ coef_new
            cost_new = float(np.vdot(resid_new, resid_new).real)
            if cost_new < cost:
                moved = float(np.max(np.abs(np.concatenate([c_new - c, g_new - g]))))
                converged = cost - cost_new <= 1e-6 * cost or moved < 1e-3
                c, g, phi, coef, resid, cost = c_new, g_new, phi_new, coef_new, resid_new, cost_new
                lam = max(lam / 10.0, 1e-9)
                improved = True
                break
            lam *= 10.0
        if converged or not improved:
            break
    return c, g


def line_phases(
    s: np.ndarray, regions: list[tuple[int, int]], *, sigma: float, max_lines: int = 8,
    min_snr: float = 10.0, max_nfev: int = 12, max_points: int = 1500, refine_lines: int = 4,
    refine_points: int = 600,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (phase rad, weight, position as a fraction j/n) of every fitted line."""
    n = s.shape[0]
    thetas, weights, where = [], [], []
    for a, b in regions:
        if b - a > max_points:
            # broad or crowded: too costly to fit here, and the caller falls back to sums
            continue
        seg = s[a:b]
        mag = np.abs(seg)
        prom = max(min_snr * sigma, 0.02 * float(mag.max()))
        pk, props = signal.find_peaks(mag, prominence=prom, width=0.5, rel_height=0.5)
        if pk.size == 0:
            continue
        if pk.size > max_lines:
            keep = np.sort(np.argsort(props["prominences"])[-max_lines:])
            pk, widths = pk[keep], props["widths"][keep]
        else:
            widths = props["widths"]
        c0 = pk.astype(float)
        inner = (pk > 0) & (pk < seg.size - 1)
        y0, y1, y2 = mag[pk[inner] - 1], mag[pk[inner]], mag[pk[inner] + 1]
        den = y0 - 2 * y1 + y2
        c0[inner] += np.where(den < 0, 0.5 * (y0 - y2) / np.where(den < 0, den, -1.0), 0.0)
        g0 = np.maximum(widths / (2 * np.sqrt(3.0)), 0.3)
        j = np.arange(seg.size, dtype=float)
        k = pk.size

        p0 = np.concatenate([c0, g0])
        lo = np.concatenate([c0 - 1.5, np.full(k, 0.2)])
        hi = np.concatenate([c0 + 1.5, g0 * 3.0 + 1.0])
        p = p0
        if max_nfev > 0 and k <= refine_lines and seg.size <= refine_points:
            try:
                p = np.concatenate(_refine(seg, j, c0, g0, lo, hi, max_nfev))
            except np.linalg.LinAlgError:
                p = p0
        coef = _solve(_basis(j, p[:k], p[k:]), seg)[:k]
        thetas.append(np.angle(coef))
        weights.append(np.abs(coef))  # proportional to the line's area
        where.append((a + p[:k]) / n)
    if not thetas:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return np.concatenate(thetas), np.concatenate(weights), np.concatenate(where)
