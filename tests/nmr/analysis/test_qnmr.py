"""qNMR purity against an internal standard on synthetic spectra of known composition."""

from __future__ import annotations

import pytest
from nmr_synth import first_order_spectrum

from instrumentarium.model import ProcessingError
from instrumentarium.nmr.analysis import analyze, qnmr_purity

# analyte: M = 180.16 g/mol, 10.0 mg weighed, true purity 97.0 %; two multiplets (3H s, 2H d)
# standard: maleic acid-like, M = 116.07 g/mol, 5.0 mg, purity 99.9 %, one 2H singlet
M_A, M_S, m_A, m_S, P_S, P_A = 180.16, 116.07, 10.0, 5.0, 99.9, 97.0


def _spectrum():
    mol_a = m_A * P_A / 100 / M_A
    mol_s = m_S * P_S / 100 / M_S
    k = 1.0 / mol_s  # integral per mole of protons, arbitrary scale
    return first_order_spectrum(
        [(6.28, (), 2 * mol_s * k / 2), (2.30, (), 3 * mol_a * k / 2), (7.40, (8.0,), 2 * mol_a * k / 2)]
    )


def test_purity_within_one_percent() -> None:
    a = analyze(_spectrum())
    r = qnmr_purity(
        a,
        analyte=[(2.30, 3), (7.40, 2)],
        standard=[(6.28, 2)],
        analyte_mass_mg=m_A,
        analyte_molar_mass_g_mol=M_A,
        standard_mass_mg=m_S,
        standard_molar_mass_g_mol=M_S,
        standard_purity_percent=P_S,
        standard_purity_uncertainty_percent=0.1,
        volume_ml=0.6,
    )
    assert r.purity_percent == pytest.approx(P_A, abs=1.0)
    assert 0 < r.uncertainty_percent < 1.0
    assert len(r.per_multiplet_percent) == 2
    assert r.concentration_mol_per_l == pytest.approx(m_A * P_A / 100 / M_A / 0.6, rel=0.01)


def test_missing_multiplet_is_a_clear_error() -> None:
    a = analyze(_spectrum())
    with pytest.raises(ProcessingError, match=r"no multiplet at 5\.0 ppm"):
        qnmr_purity(
            a,
            analyte=[(5.0, 1)],
            standard=[(6.28, 2)],
            analyte_mass_mg=1,
            analyte_molar_mass_g_mol=1,
            standard_mass_mg=1,
            standard_molar_mass_g_mol=1,
        )
