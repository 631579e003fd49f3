"""Two first-order multiplets overlapping in one range (treepair.py): found as two, with their own J."""

from __future__ import annotations

import numpy as np
from nmr_synth import first_order_spectrum, lines_of

from instrumentarium.nmr.analysis import analyze
from instrumentarium.nmr.analysis.treefit import fit_tree
from instrumentarium.nmr.analysis.treepair import fit_pair


def _near(a, delta: float):
    return min(a.multiplets, key=lambda mp: abs(mp.center_ppm - delta))


def test_minor_ddd_under_a_major_ddd_is_reported_as_two() -> None:
    # the cyclopropanes case: a minor isomer's ddd 7.5 Hz beside the major ddd, interleaved lines
    ms = [(2.940, (9.2, 6.5, 4.2), 1.0), (2.955, (9.3, 8.7, 7.5), 0.6), (0.5, (), 3.0)]
    a = analyze(first_order_spectrum(ms))
    major, minor = _near(a, 2.940), _near(a, 2.955)
    assert major is not minor
    assert major.range_ppm == minor.range_ppm  # one range, two multiplets
    assert (major.multiplicity, minor.multiplicity) == ("ddd", "ddd")
    assert np.allclose(major.j_hz, (9.2, 6.5, 4.2), atol=0.2)
    assert np.allclose(minor.j_hz, (9.3, 8.7, 7.5), atol=0.2)
    assert abs(major.center_ppm - 2.940) <= 0.002 and abs(minor.center_ppm - 2.955) <= 0.002
    # the range's protons are shared by the fitted areas
    assert abs(minor.n_h / major.n_h - 0.6) < 0.03
    assert "2.96 (ddd, J = 9.3, 8.7, 7.5 Hz, 1H), 2.94 (ddd, J = 9.2, 6.5, 4.2 Hz, 1H)" in a.report


def test_dd_and_td_sharing_lines() -> None:
    ms = [(2.000, (12.5, 3.3), 1.0), (2.012, (7.0, 7.0, 4.0), 1.0), (0.5, (), 3.0)]
    a = analyze(first_order_spectrum(ms))
    dd, td = _near(a, 2.000), _near(a, 2.012)
    assert dd is not td and dd.range_ppm == td.range_ppm
    assert (dd.multiplicity, td.multiplicity) == ("dd", "td")
    assert np.allclose(dd.j_hz, (12.5, 3.3), atol=0.2)
    assert np.allclose(td.j_hz, (7.0, 4.0), atol=0.2)
    assert abs(dd.n_h - td.n_h) < 0.05


def test_a_single_multiplet_is_not_split_in_two() -> None:
    a = analyze(first_order_spectrum([(1.98, (12.1, 4.3, 3.5, 2.0), 1.0), (0.5, (), 3.0)]))
    near = [mp for mp in a.multiplets if abs(mp.center_ppm - 1.98) < 0.03]
    assert len(near) == 1 and near[0].multiplicity == "dddd"


def test_pair_beats_single_tree_by_bic_only_when_there_are_two() -> None:
    x = np.linspace(-40, 40, 1600)
    pph = 1.0 / (x[1] - x[0])
    rng = np.random.default_rng(4)

    def spec(ms):
        y = np.zeros_like(x)
        for c, js, nh in ms:
            for p, area in lines_of(c, js, nh, 1.0):
                y += area * 0.16 / ((x - p) ** 2 + 0.16)
        return y + rng.normal(0.0, 1e-3, len(x))

    two = spec([(-3.0, (12.5, 3.3), 1.0), (3.0, (7.0, 7.0, 4.0), 1.0)])
    pair = fit_pair(x, two, (((12.5, 1), (3.3, 1)), ((7.0, 2), (4.0, 1))), (-3.0, 3.0), fwhm_hz=0.8,
                    points_per_hz=pph)
    single = fit_tree(x, two, ((12.5, 1), (7.0, 2), (3.3, 1)), center_hz=0.0, fwhm_hz=0.8, points_per_hz=pph)
    assert pair is not None and single is not None and pair.bic < single.bic
    assert np.allclose(pair.center_hz, (-3.0, 3.0), atol=0.02)
    assert np.allclose(np.array(pair.area) / sum(pair.area), 0.5, atol=0.02)
    one = spec([(0.0, (12.5, 3.3), 1.0)])
    single = fit_tree(x, one, ((12.5, 1), (3.3, 1)), center_hz=0.0, fwhm_hz=0.8, points_per_hz=pph)
    pair = fit_pair(x, one, (((12.5, 1), (3.3, 1)), ((7.0, 1),)), (0.0, 1.0), fwhm_hz=0.8, points_per_hz=pph)
    assert single is not None and (pair is None or single.bic < pair.bic)


def test_two_multiplets_in_one_range_in_qnmr_lookup_and_report_figure() -> None:
    from instrumentarium.nmr.analysis.qnmr import find_multiplet
    from instrumentarium.nmr.analysis.report import report_figure

    m = first_order_spectrum([(2.000, (12.5, 3.3), 1.0), (2.012, (7.0, 7.0, 4.0), 1.0), (0.5, (), 3.0)])
    a = analyze(m)
    assert find_multiplet(a, 2.012).multiplicity == "td"
    assert find_multiplet(a, 2.001).multiplicity == "dd"
    fig = report_figure(m, a)
    # one integral curve per range (the shared one drawn once), one label per multiplet
    curves = [ln for ln in fig.axes[0].lines if ln.get_color() == "C1"]
    assert len(curves) == len({mp.range_ppm for mp in a.multiplets})
    labels = [t.get_text().split("\n")[0] for t in fig.axes[0].texts]
    assert "dd" in labels and "td" in labels


def test_two_overlapping_tells_interleaved_from_touching() -> None:
    from instrumentarium.nmr.analysis.treepair import two_overlapping

    def lines(ms):
        pos = [p for c, js, nh in ms for p, _ in lines_of(c, js, nh, 1.0)]
        return np.array(pos), np.ones(len(pos))

    f, a = lines([(0.0, (9.2, 6.5, 4.2), 1.0), (11.6, (9.3, 8.7, 7.5), 0.6)])
    assert two_overlapping(f, a, tol_hz=0.3)
    f, a = lines([(0.0, (9.2, 6.5, 4.2), 1.0), (40.0, (9.3, 8.7, 7.5), 0.6)])  # 14 Hz apart: touching
    assert not two_overlapping(f, a, tol_hz=0.3)


def test_two_methyl_doublets_are_not_one_dd() -> None:
    # menthol's isopropyl methyls: d 7.05 and d 6.58 Hz 0.016 ppm apart; their inner lines nearly
    # coincide, so the four lines are also a dd (7.8, 6.8 Hz) of 6H: the BIC must prefer the two
    # doublets (two J), and the small ring proton in the same range must not take them over
    ms = [(0.949, (7.05,), 3.0), (0.933, (6.58,), 3.0), (0.995, (12.9, 12.6, 12.0, 3.3), 1.0), (2.5, (), 3.0)]
    a = analyze(first_order_spectrum(ms), total_h=10)
    me11, me7 = _near(a, 0.949), _near(a, 0.933)
    assert me11 is not me7 and me11.range_ppm == me7.range_ppm
    assert (me11.multiplicity, me7.multiplicity) == ("d", "d")
    assert abs(me11.j_hz[0] - 7.05) <= 0.2 and abs(me7.j_hz[0] - 6.58) <= 0.2
    assert abs(me11.center_ppm - 0.949) <= 0.002 and abs(me7.center_ppm - 0.933) <= 0.002
    assert abs(me11.n_h - 3.0) < 0.3 and abs(me7.n_h - 3.0) < 0.3
