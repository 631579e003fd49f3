"""Powder diffraction pattern of a crystal structure (CIF), from first principles.

The integrated intensity of reflection *hkl* in Bragg–Brentano geometry is

    I(hkl) = m(hkl) · Lp(θ) · |F(hkl)|²,
    F(hkl) = Σ_j occ_j · w_j · (f0_j(s) + f'_j + i f''_j) · T_j(h) · exp(2πi h·r_j),

with ``m`` the powder multiplicity (number of reflections equivalent under the Laue
group), ``f0`` the Waasmaier–Kirfel/IT92 atomic form factors that gemmi carries
(International Tables for Crystallography Vol. C, Table 6.1.1.4), ``f'``/``f''`` the
anomalous terms from the Cromer–Liberman calculation (Cromer & Liberman, J. Chem. Phys. 53
(1970) 1891; gemmi's implementation), ``T`` the Debye–Waller factor (isotropic
``exp(-B s²)`` or anisotropic ``exp(-2π² hᵀ U* h)``; Trueblood et al., Acta Cryst. A52 (1996)
770), ``w`` the special-position weight of the site, and the Lorentz–polarisation factor

    Lp = (1 + cos²2θ · cos²2θ_M) / (sin²θ · cosθ · (1 + cos²2θ_M))

for a monochromator at Bragg angle 2θ_M (Azároff, Acta Cryst. 8 (1955) 701; 2θ_M = 0 for no
monochromator, 26.6° for graphite 002 with Cu Kα). The structure factor is summed over the
space-group operations applied to the reciprocal vector (h' = h·R), so anisotropic
displacement tensors need no rotation.

A profile is made of pseudo-Voigt lines whose FWHM follows Caglioti, Paoletti & Ricci,
Nucl. Instrum. 3 (1958) 223: ``FWHM² = U tan²θ + V tanθ + W``, with a Kα2 copy of every
line at the Kα2 wavelength.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...model import FormatError, register_record

__all__ = [
    "CU_KA1_ANGSTROM",
    "CU_KA2_ANGSTROM",
    "InstrumentProfile",
    "Reflection",
    "StructureInfo",
    "lorentz_polarization",
    "powder_profile",
    "read_structure",
    "reflections",
    "structure_info",
    "two_theta_deg",
]

CU_KA1_ANGSTROM = 1.540593
CU_KA2_ANGSTROM = 1.544414
_HC_EV_ANGSTROM = 12398.419843
_AVOGADRO = 6.02214076e23


@register_record("xrd.phase.reflection_list")
@dataclass(frozen=True)
class Reflection:
    """Reflections of one structure (arrays of the same length, strongest first not implied).

    ``hkl`` (n, 3) int, ``d_angstrom`` (n,), ``multiplicity`` (n,), ``f_squared`` (n,) is
    |F|² (electrons²) including the anomalous terms at ``wavelength_angstrom``.
    """

    hkl: np.ndarray
    d_angstrom: np.ndarray
    multiplicity: np.ndarray
    f_squared: np.ndarray
    wavelength_angstrom: float

    def intensity(self, *, wavelength_angstrom: float | None = None, monochromator_two_theta_deg: float = 0.0):
        """Return ``m · Lp · |F|²`` (arb.) and 2θ (deg) of every line that diffracts at the wavelength."""
        lam = self.wavelength_angstrom if wavelength_angstrom is None else wavelength_angstrom
        tth = two_theta_deg(self.d_angstrom, lam)
        ok = np.isfinite(tth)
        inten = self.multiplicity[ok] * self.f_squared[ok] * lorentz_polarization(
            tth[ok], monochromator_two_theta_deg=monochromator_two_theta_deg
        )
        return tth[ok], inten


@dataclass(frozen=True)
class StructureInfo:
    """Composition and cell of a structure, as stored in the reference database."""

    name: str
    formula: str
    elements: tuple[str, ...]
    space_group: str
    space_group_number: int
    cell: tuple[float, float, float, float, float, float]
    volume_angstrom3: float
    density_g_cm3: float
    cell_mass_dalton: float


def two_theta_deg(d_angstrom, wavelength_angstrom: float = CU_KA1_ANGSTROM) -> np.ndarray:
    """Return 2θ (deg) of lattice spacings ``d`` (Å) by Bragg's law; NaN where λ > 2d."""
    d = np.asarray(d_angstrom, dtype=float)
    s = wavelength_angstrom / (2.0 * d)
    with np.errstate(invalid="ignore"):
        return np.where(s <= 1.0, 2.0 * np.degrees(np.arcsin(np.minimum(s, 1.0))), np.nan)


def lorentz_polarization(two_theta, *, monochromator_two_theta_deg: float = 0.0) -> np.ndarray:
    """Return the Lorentz–polarisation factor at 2θ (deg) for a monochromator at 2θ_M (deg).

    Azároff, Acta Cryst. 8 (1955) 701, for a monochromator perpendicular to the diffraction
    plane (the usual diffracted-beam graphite geometry).
    """
    tth = np.radians(np.asarray(two_theta, dtype=float))
    c2m = np.cos(np.radians(monochromator_two_theta_deg)) ** 2
    th = tth / 2.0
    return (1.0 + np.cos(tth) ** 2 * c2m) / (np.sin(th) ** 2 * np.cos(th) * (1.0 + c2m))


def read_structure(path: str | Path):
    """Read a CIF into a ``gemmi.SmallStructure`` whose symmetry operations are usable.

    Tolerates what real CIF collections contain: duplicate tags (read leniently), a file
    without a ``data_`` header, and a Hermann–Mauguin symbol that disagrees with the listed
    symmetry operations (the operations win, as in the structure paper).

    Raises
    ------
    FormatError
        When the file is not a CIF with a cell, atom sites and symmetry.
    """
    import gemmi

    path = Path(path)
    try:
        try:
            doc = gemmi.cif.read_file(str(path), check_level=0)
        except (RuntimeError, ValueError):
            text = path.read_text(encoding="utf-8", errors="replace")
            if "data_" in text:
                raise
            doc = gemmi.cif.read_string(f"data_{path.stem}\n{text}")
        blocks = [b for b in doc if len(b.find_values("_atom_site_fract_x"))]
        if not blocks:
            raise FormatError("the CIF has no atom sites (_atom_site_fract_x ...)", path=path)
        small = gemmi.make_small_structure_from_block(blocks[0])
        for tag in ("_chemical_name_mineral", "_chemical_name_common", "_chemical_name_systematic"):
            value = blocks[0].find_value(tag)
            if value and gemmi.cif.as_string(value).strip() not in ("", "?", "."):
                small.name = " ".join(gemmi.cif.as_string(value).split())[:80]
                break
        else:
            if not small.name or small.name == "global":
                small.name = path.stem
    except (RuntimeError, ValueError, IndexError, UnicodeError) as exc:
        if isinstance(exc, FormatError):
            raise
        raise FormatError(f"not a readable CIF: {exc}", path=path) from exc
    if not small.sites:
        raise FormatError("the CIF has no atom sites (_atom_site_fract_x ...)", path=path)
    _infer_unknown_elements(small, path)
    if small.cell.volume <= 1.0 or not np.isfinite(small.cell.volume):
        raise FormatError("the CIF has no valid unit cell (_cell_length_a ...)", path=path)
    if small.spacegroup is None and small.symops:
        try:
            gops = gemmi.GroupOps([gemmi.Op(o) for o in small.symops])
            sg = gemmi.find_spacegroup_by_ops(gops)
        except (RuntimeError, ValueError) as exc:
            raise FormatError(f"symmetry operations not understood: {exc}", path=path) from exc
        if sg is not None:
            small.spacegroup_hall = sg.hall
            small.determine_and_set_spacegroup("H")  # uses the Hall symbol
    if small.spacegroup is None and not small.symops:
        raise FormatError(
            "no usable space group: no H-M/Hall symbol gemmi knows and no symmetry operations",
            path=path,
        )
    return small


def _infer_unknown_elements(small, path: Path) -> None:
    """Give an element to sites typed like ``OA1``, ``SX2`` or ``Hw`` (AMCSD habits).

    Two letters when they form an element symbol, else the first letter; a site that stays
    unknown makes the CIF unusable (its scattering would be guessed).
    """
    import re

    import gemmi

    for site in small.sites:
        if site.element.name != "X":
            continue
        letters = re.sub(r"[^A-Za-z]", "", site.type_symbol or site.label)
        guess = None
        for cand in (letters[:2].capitalize(), letters[:1].upper()):
            if cand and gemmi.Element(cand).name != "X":
                guess = cand
                break
        if guess is None:
            raise FormatError(f"site {site.label!r}: element of type {site.type_symbol!r} unknown", path=path)
        site.element = gemmi.Element(guess)


def _group_ops(small):
    """The symmetry operations: the space group's, else the CIF's own list (non-standard setting)."""
    import gemmi

    if small.spacegroup is not None:
        return small.spacegroup.operations()
    return gemmi.GroupOps([gemmi.Op(o) for o in small.symops])


def _op_arrays(ops) -> tuple[np.ndarray, np.ndarray]:
    rot = np.array([op.rot for op in ops], dtype=float) / 24.0  # gemmi.Op.DEN
    tra = np.array([op.tran for op in ops], dtype=float) / 24.0
    return rot, tra


def _site_weights(small, ops) -> np.ndarray:
    """Fraction of the general-position images that are distinct, per asymmetric site.

    A site on a special position is generated several times by the space-group operations;
    summing over all operations then over-counts it by 1/weight.
    """
    rot, tra = _op_arrays(ops)
    x = np.array([site.fract.tolist() for site in small.sites])  # (ns, 3)
    imgs = np.einsum("oij,sj->soi", rot, x) + tra[None, :, :]  # (ns, nop, 3)
    imgs = np.round(np.mod(imgs, 1.0) * 1000).astype(np.int64) % 1000
    key = (imgs[..., 0] * 1000 + imgs[..., 1]) * 1000 + imgs[..., 2]
    key = np.sort(key, axis=1)
    distinct = 1 + np.count_nonzero(np.diff(key, axis=1), axis=1)
    return distinct / len(ops)


_IT92: dict[str, np.ndarray] = {}
_ANOMALOUS: dict[tuple[str, float], complex] = {}


def _form_factor(element, stol2: np.ndarray, energy_ev: float | None) -> np.ndarray:
    """IT92 f0(sinθ/λ) (+ f' + i f'' by Cromer–Liberman at ``energy_ev``), vectorised."""
    import gemmi

    name = element.name
    coefs = _IT92.get(name)
    if coefs is None:
        coefs = _IT92[name] = np.array(element.it92.get_coefs(), dtype=float)
    a, b, c = coefs[0:4], coefs[4:8], coefs[8]
    f = (a[None, :] * np.exp(-b[None, :] * stol2[:, None])).sum(axis=1) + c
    if energy_ev is None or element.atomic_number <= 2:
        return f.astype(complex)
    key = (name, round(energy_ev, 1))
    extra = _ANOMALOUS.get(key)
    if extra is None:
        fp, fpp = gemmi.cromer_liberman(z=element.atomic_number, energy=energy_ev)
        extra = _ANOMALOUS[key] = complex(fp, fpp)
    return f + extra


def _cell_contents(small, ops, weights) -> Counter:
    counts: Counter = Counter()
    n = len(ops)
    for site, w in zip(small.sites, weights):
        counts[site.element.name] += site.occ * w * n
    return counts


def _formula(counts: Counter) -> str:
    """Reduced formula in Hill order (C, H first when carbon is present, else alphabetical)."""
    counts = {k: float(v) for k, v in counts.items() if v > 1e-6}
    if not counts:
        return ""
    vals = list(counts.values())
    best = vals
    for z in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 192):
        r = [v / z for v in vals]
        if all(abs(x - round(x)) < 0.02 * max(x, 1) and round(x) >= 1 for x in r):
            best = r
    if not all(abs(x - round(x)) < 0.02 for x in best):
        low = min(vals)
        best = [v / low for v in vals]
    reduced = dict(zip(counts, best))
    if "C" in counts:
        keys = ["C"] + (["H"] if "H" in counts else []) + sorted(k for k in counts if k not in ("C", "H"))
    else:
        keys = sorted(counts)
    out = []
    for k in keys:
        v = reduced[k]
        if abs(v - round(v)) < 0.02:
            v = round(v)
            out.append(k if v == 1 else f"{k}{v}")
        else:
            out.append(f"{k}{v:.3g}")
    return "".join(out)


def _number_from_symbol(hm: str) -> int:
    import gemmi

    sg = gemmi.find_spacegroup_by_name(hm) if hm else None
    return int(sg.number) if sg is not None else 0


def structure_info(small, *, name: str | None = None) -> StructureInfo:
    """Return formula, elements, space group, cell, volume and density of a structure."""
    import gemmi

    sg = small.spacegroup
    if not small.sites:
        raise FormatError("structure has no atom sites")
    ops = list(_group_ops(small))
    weights = _site_weights(small, ops)
    counts = _cell_contents(small, ops, weights)
    mass = sum(gemmi.Element(el).weight * n for el, n in counts.items())
    c = small.cell
    vol = c.volume
    return StructureInfo(
        name=name or small.name,
        formula=_formula(counts),
        elements=tuple(sorted(k for k, v in counts.items() if v > 1e-6)),
        space_group=sg.hm.replace(" ", "") if sg is not None else small.spacegroup_hm.replace(" ", ""),
        space_group_number=int(sg.number) if sg is not None else _number_from_symbol(small.spacegroup_hm),
        cell=(c.a, c.b, c.c, c.alpha, c.beta, c.gamma),
        volume_angstrom3=float(vol),
        density_g_cm3=float(mass / _AVOGADRO / (vol * 1e-24)),
        cell_mass_dalton=float(mass),
    )


def _image_keys(hkl: np.ndarray, ops) -> np.ndarray:
    """Integer keys of the images of h under the Laue group (point group + inversion)."""
    r = np.unique(np.array([op.rot for op in ops], dtype=np.int64) // 24, axis=0)  # (nrot, 3, 3)
    imgs = np.einsum("nj,rji->rni", hkl.astype(np.int64), r)
    imgs = np.concatenate([imgs, -imgs], axis=0)  # (2 nrot, n, 3)
    return ((imgs[..., 0] + 512) * 1024 + (imgs[..., 1] + 512)) * 1024 + (imgs[..., 2] + 512)


def _laue_key(hkl: np.ndarray, ops) -> np.ndarray:
    """One key per Laue-equivalent set (the smallest image key)."""
    return _image_keys(hkl, ops).min(axis=0)


def _multiplicities(hkl: np.ndarray, ops) -> np.ndarray:
    """Powder multiplicity: distinct images of h under the point group and Friedel's law."""
    key = np.sort(_image_keys(hkl, ops), axis=0)
    return 1 + np.count_nonzero(np.diff(key, axis=0), axis=0)


def reflections(
    small,
    *,
    wavelength_angstrom: float = CU_KA1_ANGSTROM,
    d_min_angstrom: float = 1.0,
    anomalous: bool = True,
    debye_waller: bool = True,
) -> Reflection:
    """Compute the powder reflections of a structure down to ``d_min_angstrom``.

    Parameters
    ----------
    small
        A ``gemmi.SmallStructure`` (see :func:`read_structure`).
    wavelength_angstrom
        Used for the anomalous terms f', f'' (Cromer–Liberman) only.
    d_min_angstrom
        Smallest lattice spacing kept (Å).
    anomalous
        Include f' and f'' (recommended: e.g. Fe, Co, Mn with Cu Kα).
    debye_waller
        Apply the atomic displacement parameters of the CIF (off only to compare with
        programs that ignore them).

    Returns
    -------
    Reflection
        Unique reflections (one per Laue-equivalent set), systematic absences removed.
    """
    import gemmi

    sg = small.spacegroup
    gops = _group_ops(small)
    ops = list(gops)
    if sg is not None:
        hkl = np.asarray(gemmi.make_miller_array(small.cell, sg, d_min_angstrom), dtype=np.int64)
    else:  # non-standard setting: keep one reflection per Laue-equivalent set ourselves
        hkl = np.asarray(
            gemmi.make_miller_array(small.cell, gemmi.SpaceGroup("P 1"), d_min_angstrom, unique=False),
            dtype=np.int64,
        )
        hkl = hkl[np.any(hkl != 0, axis=1)]
        hkl = hkl[np.unique(_laue_key(hkl, ops), return_index=True)[1]]
    if len(hkl):
        hkl = hkl[~np.asarray(gops.systematic_absences(hkl.astype(np.int32)), dtype=bool)]
    if len(hkl) == 0:
        empty = np.zeros(0)
        return Reflection(np.zeros((0, 3), int), empty, empty, empty, wavelength_angstrom)
    d = np.asarray(small.cell.calculate_d_array(hkl.astype(np.int32)), dtype=float)
    stol2 = 1.0 / (4.0 * d**2)
    rec = small.cell.reciprocal()
    astar = np.array([rec.a, rec.b, rec.c])
    # Centring translations only multiply F of the allowed reflections by their number, so
    # the sum runs over the primitive operations (2-4x fewer for C, I, F, R lattices).
    n_cen = max(len(gops.cen_ops), 1)
    rot = np.array([op.rot for op in gops.sym_ops], dtype=float) / 24.0
    tra = np.array([op.tran for op in gops.sym_ops], dtype=float) / 24.0
    hf = hkl.astype(float)
    hrot = np.einsum("nj,oji->oni", hf, rot)  # (nop, n, 3): h·R
    htra = hf @ tra.T  # (n, nop): h·t
    weights = _site_weights(small, ops)
    energy = _HC_EV_ANGSTROM / wavelength_angstrom if anomalous else None
    fcache: dict[str, np.ndarray] = {}
    F = np.zeros(len(hkl), dtype=complex)
    for site, w in zip(small.sites, weights):
        el = site.element
        if el.name not in fcache:
            fcache[el.name] = _form_factor(el, stol2, energy)
        x = np.array(site.fract.tolist())
        phase = np.exp(2j * np.pi * (hrot @ x + htra.T))  # (nop, n)
        an = site.aniso
        if not debye_waller:
            term = phase.sum(axis=0)
        elif an.nonzero():
            u = np.array([[an.u11, an.u12, an.u13], [an.u12, an.u22, an.u23], [an.u13, an.u23, an.u33]])
            beta = 2.0 * np.pi**2 * u * np.outer(astar, astar)
            dw = np.exp(-np.einsum("oni,ij,onj->on", hrot, beta, hrot))
            term = (phase * dw).sum(axis=0)
        else:
            term = phase.sum(axis=0) * np.exp(-8.0 * np.pi**2 * site.u_iso * stol2)
        F += site.occ * w * n_cen * fcache[el.name] * term
    f2 = np.abs(F) ** 2
    mult = _multiplicities(hkl, ops)
    keep = f2 > 1e-6 * max(f2.max(), 1e-12)
    order = np.argsort(-d[keep])
    return Reflection(
        hkl=hkl[keep][order],
        d_angstrom=d[keep][order],
        multiplicity=mult[keep][order].astype(float),
        f_squared=f2[keep][order],
        wavelength_angstrom=wavelength_angstrom,
    )


@dataclass(frozen=True)
class InstrumentProfile:
    """Instrument function: Caglioti FWHM (deg 2θ), pseudo-Voigt mixing, Kα2, monochromator.

    Defaults are a typical laboratory Bragg–Brentano Cu diffractometer
    (FWHM ≈ 0.08–0.12° over 20–100°).
    """

    u_deg2: float = 0.004
    v_deg2: float = -0.002
    w_deg2: float = 0.006
    eta: float = 0.5
    wavelength_angstrom: float = CU_KA1_ANGSTROM
    wavelength2_angstrom: float | None = CU_KA2_ANGSTROM
    ka2_ka1_ratio: float = 0.5
    monochromator_two_theta_deg: float = 0.0

    def fwhm_deg(self, two_theta) -> np.ndarray:
        """Caglioti FWHM (deg) at 2θ (deg)."""
        t = np.tan(np.radians(np.asarray(two_theta, dtype=float) / 2.0))
        return np.sqrt(np.maximum(self.u_deg2 * t**2 + self.v_deg2 * t + self.w_deg2, 1e-6))


def _pseudo_voigt(x: np.ndarray, centers: np.ndarray, heights: np.ndarray, fwhm: np.ndarray, eta: float):
    """Sum of area-normalised pseudo-Voigt lines times ``heights`` (areas) on grid ``x``."""
    out = np.zeros_like(x, dtype=float)
    if len(centers) == 0:
        return out
    for c, a, w in zip(centers, heights, fwhm):
        half = 12.0 * w
        i0, i1 = np.searchsorted(x, [c - half, c + half])
        if i1 <= i0:
            continue
        dx = x[i0:i1] - c
        g = np.sqrt(4 * np.log(2) / np.pi) / w * np.exp(-4 * np.log(2) * dx**2 / w**2)
        lor = (2 / np.pi) * w / (w**2 + 4 * dx**2)
        out[i0:i1] += a * (eta * lor + (1 - eta) * g)
    return out


def powder_profile(
    two_theta_deg_grid,
    line_two_theta_deg,
    line_intensity,
    profile: InstrumentProfile | None = None,
) -> np.ndarray:
    """Return the powder profile on a 2θ grid (deg) from Kα1 lines (2θ, integrated intensity).

    Every line gets a Kα2 partner at the Kα2 wavelength with ``ka2_ka1_ratio`` of its area
    (for the same d spacing), unless ``wavelength2_angstrom`` is None.
    """
    p = profile or InstrumentProfile()
    x = np.asarray(two_theta_deg_grid, dtype=float)
    tth = np.asarray(line_two_theta_deg, dtype=float)
    inten = np.asarray(line_intensity, dtype=float)
    y = _pseudo_voigt(x, tth, inten, p.fwhm_deg(tth), p.eta)
    if p.wavelength2_angstrom:
        d = p.wavelength_angstrom / (2 * np.sin(np.radians(tth / 2)))
        tth2 = two_theta_deg(d, p.wavelength2_angstrom)
        ok = np.isfinite(tth2)
        y += _pseudo_voigt(x, tth2[ok], p.ka2_ka1_ratio * inten[ok], p.fwhm_deg(tth2[ok]), p.eta)
    return y
