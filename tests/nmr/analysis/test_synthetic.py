"""Analysis of synthetic first-order spectra with known shifts, couplings and proton counts."""

from __future__ import annotations

import numpy as np
import pytest
from nmr_synth import first_order_spectrum, lines_of

from instrumentarium.model import from_jsonable, to_jsonable, to_plain
from instrumentarium.nmr.analysis import (
    NMRAnalysis,
    analyze,
    analyze_multiplet,
    multiplicity_name,
    process_summary_extra,
    with_analysis,
)

# (delta ppm, J Hz, nH, expected multiplicity)
TRUTH = [
    (7.80, (8.1,), 2, "d"),
    (7.10, (8.1, 2.0), 1, "dd"),
    (5.80, (17.0, 10.3, 6.2), 1, "ddd"),
    (4.12, (7.1, 7.1, 7.1), 2, "q"),
    (3.43, (10.4, 10.4, 4.3), 1, "td"),
    (2.05, (), 3, "s"),
    (1.95, (12.0, 4.0, 2.0, 2.0), 1, "ddt"),
    (1.26, (7.1, 7.1), 3, "t"),
    (0.95, (6.5,), 6, "d"),
]


@pytest.fixture(scope="module")
def analysis() -> NMRAnalysis:
    m = first_order_spectrum([(d, j, n) for d, j, n, _ in TRUTH])
    return analyze(m)


def _match(a: NMRAnalysis, delta: float):
    return min(a.multiplets, key=lambda mp: abs(mp.center_ppm - delta))


@pytest.mark.parametrize(("delta", "js", "nh", "mult"), TRUTH)
def test_shift_multiplicity_and_couplings(analysis: NMRAnalysis, delta, js, nh, mult) -> None:
    mp = _match(analysis, delta)
    assert abs(mp.center_ppm - delta) <= 0.002
    assert mp.multiplicity == mult
    expected = sorted(set(js), reverse=True)
    assert len(mp.j_hz) == len(expected)
    assert np.allclose(mp.j_hz, expected, atol=0.2)


def test_relative_integrals_within_one_percent(analysis: NMRAnalysis) -> None:
    for delta, _, nh, _ in TRUTH:
        assert _match(analysis, delta).integral * analysis.h_per_integral == pytest.approx(nh, rel=0.01)


def test_journal_report(analysis: NMRAnalysis) -> None:
    assert analysis.report.startswith("1H NMR (500 MHz, CDCl3) δ 7.80 (d, J = 8.1 Hz, 2H), ")
    assert "3.43 (td, J = 10.4, 4.3 Hz, 1H)" in analysis.report
    assert "2.05 (s, 3H)" in analysis.report


def test_noise_and_snr() -> None:
    m = first_order_spectrum([(2.0, (), 1)], noise=0.01, n=32768)
    a = analyze(m)
    assert a.noise == pytest.approx(0.01, rel=0.1)
    (p,) = [p for p in a.peaks if p.kind == "compound"]
    assert p.snr == pytest.approx(p.intensity / a.noise)


def test_linewidths_of_a_lorentzian() -> None:
    # Lorentzian: width at fraction f of height = w * sqrt(1/f - 1)
    m = first_order_spectrum([(2.0, (), 1)], lw_hz=1.0, noise=1e-7, n=131072)
    a = analyze(m)
    w50, w055, w011 = a.linewidths_hz
    assert w50 == pytest.approx(1.0, rel=0.03)
    assert w055 == pytest.approx(np.sqrt(1 / 0.0055 - 1), rel=0.05)
    assert w011 == pytest.approx(np.sqrt(1 / 0.0011 - 1), rel=0.05)


def test_noise_is_not_picked() -> None:
    m = first_order_spectrum([(2.0, (), 1)], noise=0.01)
    a = analyze(m)
    assert len(a.peaks) == 1


def test_solvent_water_tms_satellites_and_impurity_are_classified() -> None:
    mhz = 500.0
    parts = [
        (7.26, (), 0.3),
        (1.56, (), 0.4),
        (0.0, (), 0.5),
        (3.70, (), 3.0),
        (2.17, (), 0.2),
        (6.90, (8.0,), 1.0),
    ]
    # 13C satellites of the 3H singlet: 0.55 % each at +-J(CH)/2 = +-72.5 Hz
    parts += [(3.70 + 72.5 / mhz, (), 3.0 * 0.0055), (3.70 - 72.5 / mhz, (), 3.0 * 0.0055)]
    a = analyze(first_order_spectrum(parts, noise=1e-5))
    kinds = {round(p.ppm, 2): p.kind for p in a.peaks}
    assert kinds[7.26] == "solvent"
    assert kinds[1.56] == "water"
    assert kinds[0.0] == "tms"
    assert kinds[2.17] == "impurity"  # acetone in CDCl3 (Gottlieb 1997)
    assert kinds[round(3.70 + 0.145, 2)] == "c13_satellite"
    assert kinds[3.70] == "compound"
    assert "7.26" not in a.report and "1.56" not in a.report and "2.17" not in a.report
    assert "3.70 (s, 3H)" in a.report


def test_reference_and_total_h_normalisation() -> None:
    m = first_order_spectrum([(7.0, (), 2), (3.0, (), 3)])
    a = analyze(m, reference=(7.0, 4.0))
    assert _match(a, 3.0).n_h == pytest.approx(6.0, rel=0.01)
    b = analyze(m, total_h=10)
    assert _match(b, 7.0).n_h == pytest.approx(4.0, rel=0.01)


def test_records_round_trip_and_summary(analysis: NMRAnalysis) -> None:
    assert from_jsonable(to_jsonable(analysis)) == analysis
    m = with_analysis(first_order_spectrum([(2.0, (), 1)]), analysis)
    extra = process_summary_extra(m)
    assert set(extra) >= {"peaks", "multiplets", "report"}
    assert {"ppm", "intensity", "width_hz", "kind"} <= set(extra["peaks"][0])
    assert {"range_ppm", "center_ppm", "multiplicity", "j_hz", "n_h", "integral"} <= set(
        extra["multiplets"][0]
    )
    assert to_plain(extra) == extra


def test_multiplet_from_ideal_lines() -> None:
    lines = lines_of(0.0, (12.0, 7.0, 7.0, 3.0), 1.0, 500.0)
    f = np.array([p * 500.0 for p, _ in lines])
    fit = analyze_multiplet(f, np.ones(len(f)))
    assert fit.multiplicity == "dtd"
    assert np.allclose(fit.j_hz, (12.0, 7.0, 3.0), atol=1e-6)


def test_multiplicity_names() -> None:
    assert multiplicity_name([7.0, 7.0, 7.0, 7.0, 7.0, 7.0]) == ("sept", (7.0,))
    assert multiplicity_name([10.0, 4.0, 4.0]) == ("dt", (10.0, 4.0))
    assert multiplicity_name([]) == ("s", ())
