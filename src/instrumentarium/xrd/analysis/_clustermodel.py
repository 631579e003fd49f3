"""Model of a peak cluster for the profile fit: background line plus Kα doublet lines.

Each reflection is a unit-area pseudo-Voigt (η·L + (1−η)·G with a common FWHM,
Wertheim et al. 1974) times its area, plus its Kα2 copy at 2θ₂ = 2 arcsin(λ₂/λ₁ sinθ₁)
with area × I(Kα2)/I(Kα1); the widths are (FWHM, η) or, for ``"tch"``, the Gaussian and
Lorentzian FWHMs combined by Thompson, Cox & Hastings (1987). The Jacobian is analytic
(chain rule through the TCH relations and the Kα2 position), evaluated for many
clusters at once, each line on a band of points around it.
"""

from __future__ import annotations

import numpy as np

from ._profiles import kalpha2_position_grad, tch_fwhm_eta_grad

__all__ = ["ClusterModel"]

_FWHM_PER_SIGMA = 2 * np.sqrt(2 * np.log(2))


class ClusterModel:
    """Cluster model: linear background plus doublet pseudo-Voigt lines, with its Jacobian."""

    def __init__(self, profile: str, lam1: float, lam2: float | None, ratio: float) -> None:
        self.profile, self.lam1, self.lam2, self.ratio = profile, lam1, lam2, ratio
        self.fac = np.array([1.0, ratio]) if lam2 else np.array([1.0])

    def shape(self, wa: np.ndarray, wb: np.ndarray) -> tuple[np.ndarray, ...]:
        """(fwhm, eta, dfwhm/da, dfwhm/db, deta/da, deta/db) of the width parameters."""
        if self.profile == "tch":
            return tch_fwhm_eta_grad(wa, wb)
        one, zero = np.ones_like(wa), np.zeros_like(wa)
        return wa, wb, one, zero, zero, one

    def __call__(self, p: np.ndarray, x: np.ndarray, xc: np.ndarray, starts: np.ndarray,
                 width: int) -> tuple[np.ndarray, np.ndarray]:
        """Model (b, L) and Jacobian (b, 2 + 4K, L) for parameters ``p`` (b, 2 + 4K).

        Peak k of problem i is evaluated on the ``width`` points from ``starts[i, k]``
        only (all L points when ``width`` is L).
        """
        b, n_par = p.shape
        n = x.shape[1]
        k = (n_par - 2) // 4
        pk = p[:, 2:].reshape(b, k, 4)
        x0, area = pk[..., 0], pk[..., 1]
        fw, eta, dfa, dfb, dea, deb = self.shape(pk[..., 2], pk[..., 3])
        lines = [(1.0, x0, None)]
        if self.lam2:
            x2, dx2 = kalpha2_position_grad(x0, self.lam1, self.lam2)
            lines.append((self.ratio, x2, dx2))
        banded = width < n
        if banded:
            cols = starts[..., None] + np.arange(width)  # (b, K, W)
            xg = np.take_along_axis(x[:, None, :], cols, axis=2)
        else:
            xg = x[:, None, :]
        # per-peak constants, shaped (b, K, 1) against the (b, K, W) point arrays
        g = (0.5 * fw)[..., None]
        g2 = g * g
        isg = (_FWHM_PER_SIGMA / fw)[..., None]
        isg2 = isg * isg
        e = eta[..., None]
        c_lor = g * (1 / np.pi)
        c_gau = isg * (1 / np.sqrt(2 * np.pi))
        c_x = 2 * e
        c_xg = (1 - e) * isg2
        c_fl = 0.5 * e / g
        c_fg = (1 - e) * isg / _FWHM_PER_SIGMA
        sums = []
        for fac, pos, dpos in lines:
            d = xg - pos[..., None]
            d2 = d * d
            inv_den = d2 + g2
            np.reciprocal(inv_den, out=inv_den)
            lor = inv_den * c_lor
            u2 = d2 * isg2
            # beyond 20 sigma the Gaussian is < 1e-43 of its peak: capping the exponent keeps
            # every product out of the (very slow) subnormal range without changing the model
            gau = np.minimum(u2, 200.0)
            gau *= -0.5
            np.exp(gau, out=gau)
            gau *= c_gau
            dl = lor - gau  # d pv / d eta
            pv = dl * e
            pv += gau  # eta L + (1 - eta) G
            # d pv / d position = d (2 eta L / den + (1 - eta) G / sigma^2)
            dx_ = lor * inv_den
            dx_ *= c_x
            gau_x = gau * c_xg
            dx_ += gau_x
            dx_ *= d
            # d pv / d fwhm
            df = d2 - g2
            df *= inv_den
            df *= lor
            df *= c_fl
            u2 -= 1.0
            u2 *= gau
            u2 *= c_fg
            df += u2
            if dpos is not None:
                dx_ *= dpos[..., None]
            if fac != 1.0:
                for arr in (pv, dx_, df, dl):
                    arr *= fac
            if sums:
                for acc, arr in zip(sums, (pv, dx_, df, dl)):
                    acc += arr
            else:
                sums = [pv, dx_, df, dl]
        s_pv, s_x, s_f, s_e = sums
        a3 = area[..., None]
        s_x *= a3
        s_f *= a3
        s_e *= a3
        dx = x - xc[:, None]
        w = s_pv.shape[2]
        rows = np.empty((b, k, 4, w)) if banded else None
        jac = np.zeros((b, n_par, n)) if banded else np.empty((b, n_par, n))
        tgt = rows if banded else jac[:, 2:].reshape(b, k, 4, n)
        tgt[:, :, 0] = s_x
        tgt[:, :, 1] = s_pv
        np.multiply(s_f, dfa[..., None], out=tgt[:, :, 2])
        tgt[:, :, 2] += s_e * dea[..., None]
        np.multiply(s_f, dfb[..., None], out=tgt[:, :, 3])
        tgt[:, :, 3] += s_e * deb[..., None]
        if banded:
            # scatter: row 2 + 4k + t of problem i, columns starts[i, k] ...
            flat = ((np.arange(b)[:, None, None, None] * n_par + 2 + 4 * np.arange(k)[None, :, None, None]
                     + np.arange(4)[None, None, :, None]) * n + cols[:, :, None, :])
            jac.reshape(-1)[flat.ravel()] = rows.ravel()
        jac[:, 0] = 1.0
        jac[:, 1] = dx
        model = p[:, :1] + p[:, 1:2] * dx + np.einsum("bk,bkl->bl", area, jac[:, 3::4])
        return model, jac
