"""Quantitative NMR against an internal standard.

Purity (mass fraction) of the analyte a from an internal standard s weighed into the
same tube (Holzgrabe, Prog. Nucl. Magn. Reson. Spectrosc. 57, 229 (2010); BIPM ISRD
guidance for internal standards):

    P_a = (I_a / N_a) / (I_s / N_s) * (M_a / M_s) * (m_s / m_a) * P_s

with I the integral, N the number of protons of the integrated multiplet, M the molar
mass, m the weighed mass and P the purity. Each analyte multiplet gives one estimate;
the result is their mean and the uncertainty combines their standard error (as in
MestReNova's automatic qNMR, which reports mean and RMSD over multiplets) with the
standard uncertainty of the standard's purity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...model import ProcessingError
from ._records import Multiplet, NMRAnalysis, QNMRResult

__all__ = ["qnmr_purity", "find_multiplet"]


def find_multiplet(analysis: NMRAnalysis, ppm: float) -> Multiplet:
    """Return the multiplet whose range contains ``ppm`` (or the closest centre within 0.05 ppm).

    Of two overlapping multiplets sharing a range, the one whose centre is closer to ``ppm``.
    """
    inside = [mp for mp in analysis.multiplets if mp.range_ppm[1] <= ppm <= mp.range_ppm[0]]
    if inside:
        return min(inside, key=lambda mp: abs(mp.center_ppm - ppm))
    if analysis.multiplets:
        mp = min(analysis.multiplets, key=lambda x: abs(x.center_ppm - ppm))
        if abs(mp.center_ppm - ppm) <= 0.05:
            return mp
    raise ProcessingError(
        f"no multiplet at {ppm} ppm; multiplets are at "
        f"{[mp.center_ppm for mp in analysis.multiplets][:20]} ppm"
    )


def qnmr_purity(
    analysis: NMRAnalysis,
    *,
    analyte: Sequence[tuple[float, float]],
    standard: Sequence[tuple[float, float]],
    analyte_mass_mg: float,
    analyte_molar_mass_g_mol: float,
    standard_mass_mg: float,
    standard_molar_mass_g_mol: float,
    standard_purity_percent: float = 100.0,
    standard_purity_uncertainty_percent: float = 0.0,
    volume_ml: float | None = None,
) -> QNMRResult:
    """Return the analyte's purity against an internal standard.

    Parameters
    ----------
    analysis
        The spectrum's :class:`NMRAnalysis`.
    analyte, standard
        ``(ppm, n_h)`` for each multiplet used: a shift inside the multiplet and how many
        protons it stands for.
    analyte_mass_mg, standard_mass_mg
        Weighed masses (mg).
    analyte_molar_mass_g_mol, standard_molar_mass_g_mol
        Molar masses (g/mol).
    standard_purity_percent, standard_purity_uncertainty_percent
        Certified purity of the standard and its standard uncertainty (%).
    volume_ml
        Solution volume; when given, the analyte's molar concentration is reported too.
    """
    if not analyte or not standard:
        raise ProcessingError("qNMR needs at least one analyte and one standard multiplet (ppm, n_h)")
    for name, v in (
        ("analyte_mass_mg", analyte_mass_mg),
        ("standard_mass_mg", standard_mass_mg),
        ("analyte_molar_mass_g_mol", analyte_molar_mass_g_mol),
        ("standard_molar_mass_g_mol", standard_molar_mass_g_mol),
    ):
        if not v > 0:
            raise ProcessingError(f"qNMR: {name} must be positive, got {v}")
    std = [(find_multiplet(analysis, p), n) for p, n in standard]
    ana = [(find_multiplet(analysis, p), n) for p, n in analyte]
    per_h_std = float(np.mean([mp.integral / n for mp, n in std]))
    if per_h_std <= 0:
        raise ProcessingError("qNMR: the standard's integral is not positive; check phase and baseline")
    factor = (analyte_molar_mass_g_mol / standard_molar_mass_g_mol) * (standard_mass_mg / analyte_mass_mg)
    per = [(mp.integral / n) / per_h_std * factor * standard_purity_percent for mp, n in ana]
    purity = float(np.mean(per))
    sem = float(np.std(per, ddof=1) / np.sqrt(len(per))) if len(per) > 1 else 0.0
    # spread among the standard's own multiplets is an uncertainty too
    std_rel = [mp.integral / n / per_h_std for mp, n in std]
    std_sem = float(np.std(std_rel, ddof=1) / np.sqrt(len(std_rel))) if len(std_rel) > 1 else 0.0
    u = float(
        np.sqrt(
            sem**2
            + (purity * std_sem) ** 2
            + (purity * standard_purity_uncertainty_percent / standard_purity_percent) ** 2
        )
    )
    conc = None
    if volume_ml:
        conc = analyte_mass_mg * purity / 100.0 / analyte_molar_mass_g_mol / volume_ml
    return QNMRResult(
        purity_percent=purity,
        uncertainty_percent=u,
        per_multiplet_percent=tuple(float(p) for p in per),
        analyte_multiplets_ppm=tuple(mp.center_ppm for mp, _ in ana),
        standard_multiplets_ppm=tuple(mp.center_ppm for mp, _ in std),
        concentration_mol_per_l=conc,
    )
