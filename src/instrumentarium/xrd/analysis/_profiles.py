
"""Peak profile functions: pseudo-Voigt, Thompson–Cox–Hastings, Caglioti, Kα doublet.

All widths are full widths at half maximum (FWHM) in degrees 2θ; profiles are
normalised to unit area, so ``area * profile`` is a peak of that integrated intensity.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "gaussian",
    "lorentzian",
    "pseudo_voigt",
    "tch_fwhm_eta",
    "tch_fwhm_eta_grad",
    "caglioti_fwhm",
    "kalpha2_position",
    "kalpha2_position_grad",
    "voigt_components",
    "voigt_integral_breadth",
    "pv_integral_breadth",
]

_LN2 = np.log(2.0)


def gaussian(x: np.ndarray, x0: float, fwhm: float) -> np.ndarray:
    """Unit-area Gaussian of full width ``fwhm`` centred at ``x0``."""
    s = fwhm / (2 * np.sqrt(2 * _LN2))
    return np.exp(-0.5 * ((x - x0) / s) ** 2) / (s * np.sqrt(2 * np.pi))


def lorentzian(x: np.ndarray, x0: float, fwhm: float) -> np.ndarray:
    """Unit-area Lorentzian (Cauchy) of full width ``fwhm`` centred at ``x0``."""
    g = fwhm / 2
    return g / (np.pi * ((x - x0) ** 2 + g**2))


def pseudo_voigt(x: np.ndarray, x0: float, fwhm: float, eta: float) -> np.ndarray:
    """Unit-area pseudo-Voigt η·L + (1−η)·G with a common FWHM (Wertheim et al. 1974)."""
    return eta * lorentzian(x, x0, fwhm) + (1 - eta) * gaussian(x, x0, fwhm)


def tch_fwhm_eta(fwhm_g: np.ndarray | float, fwhm_l: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """FWHM and η of the pseudo-Voigt closest to a Voigt (Gaussian and Lorentzian FWHMs).

    References
    ----------
    Thompson, P., Cox, D. E. & Hastings, J. B. (1987). J. Appl. Cryst. 20, 79–83.
    """
    g = np.asarray(fwhm_g, float)
    lo = np.asarray(fwhm_l, float)
    f = (g**5 + 2.69269 * g**4 * lo + 2.42843 * g**3 * lo**2 + 4.47163 * g**2 * lo**3
         + 0.07842 * g * lo**4 + lo**5) ** 0.2
    q = np.divide(lo, f, out=np.zeros_like(f), where=f > 0)
    eta = 1.36603 * q - 0.47719 * q**2 + 0.11116 * q**3
    return f, np.clip(eta, 0.0, 1.0)


def tch_fwhm_eta_grad(fwhm_g: np.ndarray, fwhm_l: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`tch_fwhm_eta` and its analytic derivatives (for profile-fit Jacobians).

    Returns ``(fwhm, eta, dfwhm/dg, dfwhm/dl, deta/dg, deta/dl)``, arrays broadcast
    from the inputs.
    """
    g = np.asarray(fwhm_g, float)
    lo = np.asarray(fwhm_l, float)
    g2, l2 = g * g, lo * lo
    p = g2 * g2 * g + 2.69269 * g2 * g2 * lo + 2.42843 * g2 * g * l2 + 4.47163 * g2 * l2 * lo \
        + 0.07842 * g * l2 * l2 + l2 * l2 * lo
    dp_dg = 5 * g2 * g2 + 4 * 2.69269 * g2 * g * lo + 3 * 2.42843 * g2 * l2 + 2 * 4.47163 * g * l2 * lo \
        + 0.07842 * l2 * l2
    dp_dl = 2.69269 * g2 * g2 + 2 * 2.42843 * g2 * g * lo + 3 * 4.47163 * g2 * l2 + 4 * 0.07842 * g * l2 * lo \
        + 5 * l2 * l2
    f = np.maximum(p, 1e-300) ** 0.2
    k = 0.2 * f / np.maximum(p, 1e-300)  # df/dp
    df_dg, df_dl = k * dp_dg, k * dp_dl
    q = lo / f
    eta = 1.36603 * q - 0.47719 * q**2 + 0.11116 * q**3
    de_dq = 1.36603 - 2 * 0.47719 * q + 3 * 0.11116 * q**2  # 0 <= q = l/f <= 1: η is within [0, 1]
    de_dg = de_dq * (-lo / (f * f) * df_dg)
    de_dl = de_dq * (1 / f - lo / (f * f) * df_dl)
    return f, np.clip(eta, 0.0, 1.0), df_dg, df_dl, de_dg, de_dl


def kalpha2_position_grad(two_theta_deg: np.ndarray, wavelength_angstrom: float,
                          wavelength2_angstrom: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`kalpha2_position` and its derivative d(2θ₂)/d(2θ₁) = (λ₂/λ₁) cosθ₁ / cosθ₂."""
    th = np.radians(np.asarray(two_theta_deg, float) / 2)
    ratio = wavelength2_angstrom / wavelength_angstrom
    s = np.clip(np.sin(th) * ratio, -1.0, 1.0)
    th2 = np.arcsin(s)
    return 2 * np.degrees(th2), ratio * np.cos(th) / np.maximum(np.cos(th2), 1e-12)


def caglioti_fwhm(two_theta_deg: np.ndarray | float, u: float, v: float, w: float) -> np.ndarray:
    """Gaussian FWHM² = U tan²θ + V tanθ + W (Caglioti, Paoletti & Ricci 1958), degrees."""
    t = np.tan(np.radians(np.asarray(two_theta_deg, float) / 2))
    return np.sqrt(np.clip(u * t**2 + v * t + w, 1e-12, None))


def kalpha2_position(two_theta_deg: np.ndarray | float, wavelength_angstrom: float,
                     wavelength2_angstrom: float) -> np.ndarray:
    """2θ of the Kα2 line of a reflection whose Kα1 line is at ``two_theta_deg``."""
    s = np.sin(np.radians(np.asarray(two_theta_deg, float) / 2)) * wavelength2_angstrom / wavelength_angstrom
    return 2 * np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))


def pv_integral_breadth(fwhm: np.ndarray | float, eta: np.ndarray | float) -> np.ndarray:
    """Integral breadth (area / height) of a pseudo-Voigt, same unit as ``fwhm``."""
    fwhm = np.asarray(fwhm, float)
    eta = np.asarray(eta, float)
    peak = eta * 2 / (np.pi * fwhm) + (1 - eta) * 2 * np.sqrt(_LN2 / np.pi) / fwhm
    return 1.0 / peak


def voigt_components(fwhm: np.ndarray | float, eta: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Split a pseudo-Voigt into the integral breadths (β_G, β_L) of the matching Voigt.

    Approximate inversion of the Thompson–Cox–Hastings relations (accurate to ~1 %):
    H_L = H (0.72928 η + 0.19289 η² + 0.07783 η³),
    H_G = H (1 − 0.74417 η − 0.24781 η² − 0.00810 η³)^{1/2},
    then β_L = π H_L / 2 and β_G = H_G √(π / (4 ln 2)).

    References
    ----------
    Ida, T., Ando, M. & Toraya, H. (2000). J. Appl. Cryst. 33, 1311–1316.
    """
    h = np.asarray(fwhm, float)
    e = np.clip(np.asarray(eta, float), 0.0, 1.0)
    h_l = h * (0.72928 * e + 0.19289 * e**2 + 0.07783 * e**3)
    h_g = h * np.sqrt(np.clip(1 - 0.74417 * e - 0.24781 * e**2 - 0.00810 * e**3, 0.0, None))
    return h_g * np.sqrt(np.pi / (4 * _LN2)), h_l * np.pi / 2


def voigt_integral_breadth(beta_g: np.ndarray | float, beta_l: np.ndarray | float) -> np.ndarray:
    """Integral breadth of a Voigt from its Gaussian and Lorentzian integral breadths.

    β = β_G exp(−k²) / erfc(k), k = β_L / (√π β_G) (Langford 1978, J. Appl. Cryst. 11, 10),
    evaluated with the scaled complementary error function for stability.
    """
    from scipy.special import erfcx

    bg = np.asarray(beta_g, float)
    bl = np.asarray(beta_l, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = bl / (np.sqrt(np.pi) * bg)
        out = bg / erfcx(k)
    return np.where(bg > 0, out, bl)
