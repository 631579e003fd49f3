
"""Angle calibration and line-profile standards: zero shift, displacement, lattice, Caglioti.

Peak positions of a cubic standard are compared with Bragg's law. The aberration model
is the classical one for Bragg–Brentano geometry (Wilson, *Mathematical Theory of X-ray
Powder Diffractometry*, 1963; Klug & Alexander 1974, §5.2):

    2θ_obs = 2θ_B(a) + Z − (180/π)·(2 s / R)·cosθ + A·cot 2θ

with zero offset Z, specimen displacement s (goniometer radius R) and the centroid
shift of axial divergence A (needed below ~30° 2θ, where symmetric profiles put the
peak of an axially asymmetric line too low). The lattice parameter is refined
together with them when asked (it is then correlated with s; a wide 2θ range keeps
it determined, and over a narrow one s is left out: see :func:`calibrate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._records import XRDCalibration, XRDInstrumentFunction, XRDPeak
from ._sizestrain import gauss_lorentz_breadths

__all__ = ["Standard", "STANDARDS", "cubic_reflections", "match_reflections", "calibrate",
           "instrument_function"]


@dataclass(frozen=True)
class Standard:
    """A cubic line-position standard: certified a (Å, 22.5 °C) and lattice centring."""

    name: str
    lattice_a_angstrom: float
    centring: str  # "P", "F", "I" or "diamond"
    certificate: str


STANDARDS: dict[str, Standard] = {
    "LaB6": Standard("LaB6", 4.156826, "P", "NIST SRM 660c"),
    "Si": Standard("Si", 5.431144, "diamond", "NIST SRM 640f"),
    "CeO2": Standard("CeO2", 5.411651, "F", "NIST SRM 674b"),
}


def _allowed(h: int, k: int, m: int, centring: str) -> bool:
    if centring == "P":
        return True
    if centring == "I":
        return (h + k + m) % 2 == 0
    parity = {h % 2, k % 2, m % 2}
    if len(parity) != 1:
        return False
    if centring == "F":
        return True
    if centring == "diamond":
        return (h % 2 == 1) or (h + k + m) % 4 == 0
    raise ValueError(f"unknown centring {centring!r}; use P, I, F or diamond")


def cubic_reflections(a_angstrom: float, wavelength_angstrom: float, *, centring: str = "P",
                      two_theta_max_deg: float = 180.0) -> list[tuple[tuple[int, int, int], float]]:
    """Every allowed reflection (one hkl per distinct d) with its Bragg angle 2θ, ascending."""
    seen: dict[int, tuple[int, int, int]] = {}
    nmax = int(np.ceil(2 * a_angstrom / wavelength_angstrom)) + 1
    for h in range(nmax + 1):
        for k in range(h + 1):
            for m in range(k + 1):
                n = h * h + k * k + m * m
                if n == 0 or n in seen or not _allowed(h, k, m, centring):
                    continue
                seen[n] = (h, k, m)
    out = []
    for n, hkl in sorted(seen.items()):
        s = wavelength_angstrom * np.sqrt(n) / (2 * a_angstrom)
        if s < 1:
            tt = 2 * np.degrees(np.arcsin(s))
            if tt <= two_theta_max_deg:
                out.append((hkl, float(tt)))
    return out


def match_reflections(peaks: Sequence[XRDPeak], *, standard: str | Standard, wavelength_angstrom: float,
                      tolerance_deg: float = 0.1) -> list[tuple[XRDPeak, tuple[int, int, int]]]:
    """Pair peaks with the standard's reflections (after removing the median offset)."""
    std = STANDARDS[standard] if isinstance(standard, str) else standard
    refl = cubic_reflections(std.lattice_a_angstrom, wavelength_angstrom, centring=std.centring)
    return _match(peaks, refl, tolerance_deg)


def _match(peaks: Sequence[XRDPeak], refl, tolerance_deg: float):
    calc = np.array([t for _, t in refl])
    obs = np.array([p.two_theta_deg for p in peaks])
    if calc.size == 0 or obs.size == 0:
        return []
    near = np.array([calc[np.argmin(np.abs(calc - o))] - o for o in obs])
    offset = float(np.median(near[np.abs(near) < 0.5])) if np.any(np.abs(near) < 0.5) else 0.0
    pairs = []
    used = set()
    order = np.argsort([-p.height for p in peaks])
    for i in order:
        j = int(np.argmin(np.abs(calc - (obs[i] + offset))))
        if j in used or abs(calc[j] - (obs[i] + offset)) > tolerance_deg:
            continue
        used.add(j)
        pairs.append((peaks[i], refl[j][0]))
    return sorted(pairs, key=lambda t: t[0].two_theta_deg)


def _design(nsq: np.ndarray, a: float, lam: float, radius_mm: float,
            terms: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Bragg angles (deg) for lattice ``a`` and the model's columns (deg per unit parameter)."""
    calc = 2 * np.degrees(np.arcsin(lam * np.sqrt(nsq) / (2 * a)))
    th = np.radians(calc / 2)
    columns = {
        "zero": np.ones_like(th),
        "displacement": -np.degrees(2 * np.cos(th) / radius_mm),
        "axial": 1 / np.tan(2 * th),
        # d(2θ)/da in degrees per Å: -2 tanθ / a (radians)
        "lattice": -np.degrees(2 * np.tan(th) / a),
    }
    return calc, np.column_stack([columns[t] for t in terms])


def _sigma_a(nsq: np.ndarray, sig: np.ndarray, a: float, lam: float, radius_mm: float,
             terms: tuple[str, ...]) -> float:
    _, design = _design(nsq, a, lam, radius_mm, terms)
    w = design / sig[:, None]
    return float(np.sqrt(np.linalg.pinv(w.T @ w)[-1, -1]))


def calibrate(peaks: Sequence[XRDPeak], *, standard: str | Standard = "LaB6",
              wavelength_angstrom: float, goniometer_radius_mm: float = 240.0,
              refine_lattice: bool = False, axial_divergence: bool = True,
              displacement: bool | None = None, tolerance_deg: float = 0.1,
              max_inflation: float = 10.0) -> XRDCalibration:
    """Fit zero shift, displacement (and a) to the peaks of a cubic standard.

    Parameters
    ----------
    peaks
        Fitted peaks of the standard's pattern.
    standard
        A name in :data:`STANDARDS` (``"LaB6"``, ``"Si"``, ``"CeO2"``) or a :class:`Standard`.
    wavelength_angstrom
        Kα1 wavelength the peaks were fitted with.
    goniometer_radius_mm
        R, for converting the displacement term to millimetres.
    refine_lattice
        Refine a as well (else it is fixed at the certified value).
    axial_divergence
        Include the A·cot2θ axial-divergence term (needs ≥ 4–5 reflections).
    displacement
        Refine the specimen displacement. ``None`` (default): always with a fixed; with
        ``refine_lattice`` only when the pattern separates it from a — the
        displacement (cosθ) and lattice (tanθ) shifts are nearly proportional over a
        narrow 2θ range, and refining both is then meaningless (on 8 LaB6 lines between
        21° and 68° the σ of a grows 28-fold). It is left out, and the result says so
        (``displacement_refined``), when it would inflate σ(a) more than
        ``max_inflation`` times (the variance-inflation test of Belsley, Kuh & Welsch,
        *Regression Diagnostics*, 1980).
    tolerance_deg
        Largest |obs − calc| accepted when matching peaks to reflections (after removing
        the median offset).
    max_inflation
        See ``displacement``.

    Raises
    ------
    ValueError
        Fewer matched reflections than parameters + 1.
    """
    std = STANDARDS[standard] if isinstance(standard, str) else standard
    lam = wavelength_angstrom
    radius = goniometer_radius_mm
    refl = cubic_reflections(std.lattice_a_angstrom, lam, centring=std.centring)
    pairs = _match(peaks, refl, tolerance_deg)
    obs = np.array([p.two_theta_deg for p, _ in pairs])
    sig = np.array([max(p.two_theta_sigma_deg or 0.0, 0.002) for p, _ in pairs])
    nsq = np.array([sum(i * i for i in hkl) for _, hkl in pairs], float)
    a = std.lattice_a_angstrom
    base = ("zero",) + (("axial",) if axial_divergence else ())
    use_disp = displacement if displacement is not None else True
    n_par = len(base) + int(use_disp) + int(refine_lattice)
    if len(pairs) < n_par + 1:
        raise ValueError(
            f"only {len(pairs)} peaks match {std.name} reflections (need {n_par + 1}): is this pattern "
            f"the {std.name} standard, with the wavelength {lam} A?"
        )
    if refine_lattice and displacement is None:
        with_d = _sigma_a(nsq, sig, a, lam, radius, (*base, "displacement", "lattice"))
        without = _sigma_a(nsq, sig, a, lam, radius, (*base, "lattice"))
        use_disp = not with_d > max_inflation * without
    terms = (*base, *(("displacement",) if use_disp else ()), *(("lattice",) if refine_lattice else ()))
    for _ in range(8 if refine_lattice else 1):
        calc, design = _design(nsq, a, lam, radius, terms)
        coef, *_ = np.linalg.lstsq(design / sig[:, None], (obs - calc) / sig, rcond=None)
        if not refine_lattice:
            break
        a = a + coef[-1]
        if abs(coef[-1]) < 1e-9:
            break
    calc, design = _design(nsq, a, lam, radius, terms)
    coef, *_ = np.linalg.lstsq(design / sig[:, None], (obs - calc) / sig, rcond=None)
    resid = obs - calc - design @ coef
    dof = max(len(obs) - design.shape[1], 1)
    chi2 = float(np.sum((resid / sig) ** 2) / dof)
    cov = np.linalg.pinv((design / sig[:, None]).T @ (design / sig[:, None])) * max(chi2, 1.0)
    err = np.sqrt(np.clip(np.diag(cov), 0, None))
    value = dict(zip(terms, coef, strict=True))
    sigma = dict(zip(terms, err, strict=True))
    return XRDCalibration(
        standard=f"{std.name} ({std.certificate})",
        lattice_a_angstrom=float(a + value.get("lattice", 0.0)),
        lattice_a_sigma_angstrom=float(sigma.get("lattice", 0.0)),
        zero_shift_deg=float(value["zero"]), zero_shift_sigma_deg=float(sigma["zero"]),
        displacement_mm=float(value.get("displacement", 0.0)),
        displacement_sigma_mm=float(sigma.get("displacement", 0.0)),
        goniometer_radius_mm=float(radius),
        n_peaks=len(pairs),
        residual_rms_deg=float(np.sqrt(np.mean(resid**2))),
        residual_max_deg=float(np.max(np.abs(resid))),
        reference_a_angstrom=std.lattice_a_angstrom,
        lattice_refined=refine_lattice,
        axial_divergence_deg=float(value.get("axial", 0.0)),
        hkl=tuple(hkl for _, hkl in pairs),
        residuals_deg=tuple(float(r) for r in resid),
        displacement_refined=use_disp,
    )


def instrument_function(peaks: Sequence[XRDPeak], *, standard: str = "") -> XRDInstrumentFunction:
    """Caglioti U, V, W and Lorentzian X, Y from the peaks of a line-profile standard.

    Each peak's Gaussian and Lorentzian FWHMs (from a TCH fit, or split from FWHM and
    η by :func:`voigt_components`) are fitted: H_G² = U tan²θ + V tanθ + W and
    H_L = X tanθ + Y / cosθ are fitted by linear least squares (Caglioti, Paoletti &
    Ricci 1958, Nucl. Instrum. 3, 223; Thompson, Cox & Hastings 1987).
    """
    good = [p for p in peaks if p.fitted and p.fwhm_deg > 0]
    if len(good) < 3:
        raise ValueError(f"an instrument function needs >= 3 fitted peaks, got {len(good)}")
    tt = np.array([p.two_theta_deg for p in good])
    bg, bl = gauss_lorentz_breadths(good)
    hg = bg / np.sqrt(np.pi / (4 * np.log(2)))
    hl = bl * 2 / np.pi
    t = np.tan(np.radians(tt / 2))
    c = np.cos(np.radians(tt / 2))
    w = 1.0 / np.maximum(np.array([p.fwhm_sigma_deg or 0.0 for p in good]), 1e-3)
    (u, v, ww), *_ = np.linalg.lstsq(np.column_stack([t**2, t, np.ones_like(t)]) * w[:, None],
                                     hg**2 * w, rcond=None)
    (x, y), *_ = np.linalg.lstsq(np.column_stack([t, 1 / c]) * w[:, None], hl * w, rcond=None)
    return XRDInstrumentFunction(float(u), float(v), float(ww), float(x), float(y), len(good), standard,
                                 float(tt.min()), float(tt.max()))
