"""Coupling-tree selection on synthetic spectra: septets, small long-range J, overlap, roof effect."""

from __future__ import annotations

import numpy as np
import pytest
from nmr_synth import first_order_spectrum, lines_of

from instrumentarium.model import Axis, Measurement, NMRAcquisition
from instrumentarium.nmr.analysis import analyze
from instrumentarium.nmr.analysis.ranges import split_at_valleys
from instrumentarium.nmr.analysis.treefit import contiguous_partitions, fit_tree, select_tree, tree_name
from instrumentarium.nmr.analysis.treegen import spacing_trees

MHZ = 500.0


def _spectrum(lines: list[tuple[float, float]], *, lw_hz: float = 0.8, noise: float = 0.0005, seed: int = 1):
    ppm = np.linspace(10.0, -0.5, 65536)
    hz = ppm * MHZ
    y = np.zeros_like(ppm)
    g = 0.5 * lw_hz
    for p, area in lines:
        y += area * (g / np.pi) / ((hz - p * MHZ) ** 2 + g * g)
    y += np.random.default_rng(seed).normal(0.0, noise, len(y))
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=MHZ, solvent="CDCl3")
    return Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq)


def _near(a, delta: float):
    return min(a.multiplets, key=lambda mp: abs(mp.center_ppm - delta))


def test_isopropyl_septet_of_doublets_with_weak_outer_lines() -> None:
    # menthol's H9: sept (7.0 Hz, two methyls) of d (2.7 Hz); outer lines are 1/20 of the middle
    a = analyze(first_order_spectrum([(2.19, (7.0,) * 6 + (2.7,), 1.0), (0.9, (7.0,), 6.0)], noise=0.002))
    mp = _near(a, 2.19)
    assert mp.multiplicity == "septd"
    assert np.allclose(mp.j_hz, (7.0, 2.7), atol=0.2)
    assert abs(mp.center_ppm - 2.19) <= 0.002


def test_plain_septet() -> None:
    a = analyze(first_order_spectrum([(3.9, (6.8,) * 6, 1.0), (1.2, (6.8,), 6.0)], noise=0.001))
    mp = _near(a, 3.9)
    assert mp.multiplicity == "sept"
    assert mp.j_hz == pytest.approx((6.8,), abs=0.2)


def test_small_long_range_coupling_resolved_with_narrow_lines() -> None:
    # an allylic 1.3 Hz coupling to a methyl on top of a 6.8 Hz triplet (geraniol's H2 type)
    a = analyze(first_order_spectrum([(5.38, (6.8, 6.8, 1.3, 1.3, 1.3), 1.0), (2.0, (), 3.0)], lw_hz=0.5))
    mp = _near(a, 5.38)
    assert mp.multiplicity == "tq"
    assert np.allclose(mp.j_hz, (6.8, 1.3), atol=0.2)


def test_coupling_much_smaller_than_the_line_is_broadening() -> None:
    # 0.4 Hz under 1.6 Hz lines: no honest fit can resolve it, it must not be reported
    a = analyze(first_order_spectrum([(4.1, (7.0, 0.4), 2.0), (2.0, (), 3.0)], lw_hz=1.6))
    mp = _near(a, 4.1)
    assert mp.multiplicity == "d"
    assert mp.j_hz == pytest.approx((7.0,), abs=0.2)


def test_touching_multiplets_are_split_into_two_ranges() -> None:
    # a dd and a td whose outer lines are 9.5 Hz apart, closer than the 16 Hz grouping gap
    ms = [(2.000, (12.0, 4.0), 1.0), (2.060, (11.0, 11.0, 3.0), 1.0), (0.5, (), 3.0)]
    a = analyze(first_order_spectrum(ms, lw_hz=0.8))
    dd, td = _near(a, 2.000), _near(a, 2.060)
    assert dd is not td
    assert (dd.multiplicity, td.multiplicity) == ("dd", "td")
    assert np.allclose(dd.j_hz, (12.0, 4.0), atol=0.2)
    assert np.allclose(td.j_hz, (11.0, 3.0), atol=0.2)
    assert abs(dd.n_h - td.n_h) < 0.05


def test_roof_effect_of_an_ab_system() -> None:
    # AB, J = 8 Hz, delta-nu = 80 Hz (J/dnu = 0.1): inner lines 22 % taller, positions exact
    j, dnu, nu0 = 8.0, 80.0, 3.5 * MHZ
    d = float(np.hypot(dnu, j))
    s2t = j / d
    lines = []
    for sign in (-1, 1):  # A half high, B half low
        c = nu0 + sign * d / 2
        lines.append(((c + sign * j / 2) / MHZ, 1.0 - s2t))  # outer line
        lines.append(((c - sign * j / 2) / MHZ, 1.0 + s2t))  # inner line
    a = analyze(_spectrum([*lines, (1.0, 2.0)]))
    for delta in ((nu0 + dnu / 2) / MHZ, (nu0 - dnu / 2) / MHZ):
        mp = _near(a, delta)
        assert mp.multiplicity == "d"
        assert mp.j_hz == pytest.approx((8.0,), abs=0.2)
        assert abs(mp.center_ppm - delta) <= 0.002


def test_fit_tree_prefers_the_true_tree_by_bic() -> None:
    x = np.linspace(-30, 30, 1200)
    y = np.zeros_like(x)
    for p, area in lines_of(0.0, (7.3, 7.3, 7.3, 5.3), 1.0, 1.0):
        y += area * 0.16 / ((x - p) ** 2 + 0.16)
    y += np.random.default_rng(2).normal(0.0, 1e-3, len(x))
    pph = 1.0 / (x[1] - x[0])
    qd = fit_tree(x, y, ((7.3, 3), (5.3, 1)), center_hz=0.0, fwhm_hz=0.8, points_per_hz=pph)
    dd = fit_tree(x, y, ((7.3, 1), (5.3, 1)), center_hz=0.0, fwhm_hz=0.8, points_per_hz=pph)
    assert qd is not None and dd is not None
    assert qd.multiplicity == "qd" and qd.bic < dd.bic
    assert np.allclose(qd.j_hz, (7.3, 5.3), atol=0.01)


def test_select_tree_without_a_line_analysis() -> None:
    # qd whose weak lines hide beside the strong ones: the spacing generator must find it
    x = np.linspace(-30, 30, 1200)
    y = np.zeros_like(x)
    for p, area in lines_of(0.0, (7.3, 7.3, 7.3, 5.3), 1.0, 1.0):
        y += area * 0.81 / ((x - p) ** 2 + 0.81)
    y += np.random.default_rng(3).normal(0.0, 1e-3, len(x))
    lines = np.array([-13.6, -6.3, -1.0, 1.0, 6.3, 13.6])
    fit = select_tree(x, y, lines, np.ones(6), None, fwhm_hz=1.8)
    assert fit is not None and fit.multiplicity == "qd"
    assert np.allclose(fit.j_hz, (7.3, 5.3), atol=0.2)
    assert any(tree_name(t) == "qd" for t in spacing_trees(x, y, lines, fwhm_hz=1.8, n_best=10))


def test_contiguous_partitions_tie_only_close_couplings() -> None:
    parts = contiguous_partitions([7.3, 7.2, 5.3], max_merge_hz=1.0)
    names = sorted(tree_name(p) for p in parts)
    assert names == ["ddd", "td"]


def test_split_at_valleys_only_when_unexplained() -> None:
    pos = np.array([10.0, 14.0, 70.0, 74.0])
    i = np.arange(100.0)
    y = sum(1.0 / (1.0 + ((i - p) / 1.5) ** 2) for p in pos)
    assert split_at_valleys([[0, 1, 2, 3]], pos, y, lambda g: len(g) <= 2, min_lines=2) == [[0, 1], [2, 3]]
    assert split_at_valleys([[0, 1, 2, 3]], pos, y, lambda g: True, min_lines=2) == [[0, 1, 2, 3]]


def test_fit_tree_analytic_jacobian_matches_finite_differences(monkeypatch: pytest.MonkeyPatch) -> None:
    import instrumentarium.nmr.analysis.treefit as tf

    seen = {}
    real = tf.bounded_lm

    def spy(fun, jac, p0, lb, ub, **kw):
        seen.update(fun=fun, jac=jac, p0=np.array(p0, dtype=float))
        return real(fun, jac, p0, lb, ub, **kw)

    monkeypatch.setattr(tf, "bounded_lm", spy)
    x = np.linspace(-20, 20, 400)
    tf.fit_tree(x, np.exp(-(x**2) / 10), ((7.0, 2), (3.0, 1)), center_hz=0.3, fwhm_hz=1.0, points_per_hz=10)
    p = seen["p0"] + np.array([0.1, 0.05, 0.1, -0.1, 0.2, 0.01, 0.02, 0.1, -0.1])
    eye = 1e-6 * np.eye(len(p))
    numeric = np.stack([(seen["fun"](p + e) - seen["fun"](p - e)) / 2e-6 for e in eye], axis=1)
    assert np.allclose(seen["jac"](p), numeric, atol=1e-6)


def _with_formula(m: Measurement, formula: str) -> Measurement:
    from instrumentarium.model import Sample

    return m.replace(sample=Sample(formula=formula))


def test_two_methyl_singlets_12_hz_apart_given_a_formula_without_f_or_p() -> None:
    # two N-methyl singlets in one range (cyclosporin's 2.97/2.93 ppm are 18 Hz apart at 500 MHz)
    # read as one "d, J = 12 Hz, 6H" when nothing is known; given a formula with no F or P to
    # split a methyl that far, two singlets
    sig = [(2.962, (), 3.0), (2.938, (), 3.0), (4.5, (7.0,), 1.0), (1.2, (7.0,), 3.0)]
    m = first_order_spectrum(sig, noise=0.0002)
    near = [mp for mp in analyze(m).multiplets if 2.9 < mp.center_ppm < 3.0]
    assert [mp.multiplicity for mp in near] == ["d"]  # unknown molecule: a P-CH3 doublet is possible
    near = [mp for mp in analyze(_with_formula(m, "C10H20N2O")).multiplets if 2.9 < mp.center_ppm < 3.0]
    assert [mp.multiplicity for mp in near] == ["s", "s"], near
    assert [round(mp.center_ppm, 3) for mp in near] == [2.962, 2.938]
    assert [round(mp.n_h) for mp in near] == [3, 3]
    # with phosphorus in the formula the doublet stays (2J(P,H) of a P-CH3 is 12-18 Hz)
    near = [mp for mp in analyze(_with_formula(m, "C10H20NO3P")).multiplets if 2.9 < mp.center_ppm < 3.0]
    assert [(mp.multiplicity, round(mp.j_hz[0])) for mp in near] == [("d", 12)]


def test_a_methyl_doublet_of_7_hz_stays_a_doublet_given_a_formula() -> None:
    m = _with_formula(first_order_spectrum([(1.2, (7.0,), 6.0), (4.0, (7.0, 7.0, 7.0, 7.0, 7.0, 7.0), 1.0)]), "C3H8O")
    near = [mp for mp in analyze(m).multiplets if 1.1 < mp.center_ppm < 1.3]
    assert [(mp.multiplicity, round(mp.j_hz[0], 1)) for mp in near] == [("d", 7.0)]
