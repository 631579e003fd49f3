"""The water line among a compound's lines is a range of its own (analysis/water.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nmr_realdata import DEV, processed_fid
from nmr_synth import first_order_spectrum

from instrumentarium.model import Measurement
from instrumentarium.nmr.analysis import analyze

MHZ = 400.0
WATER_DMSO = 3.33  # Gottlieb et al. 1997, H2O in DMSO-d6
#: a compound's signals elsewhere, and two first-order multiplets around the water shift
OTHERS = [(7.05, (8.5,), 2.0), (0.95, (6.5,), 3.0)]
AROUND_WATER = [(3.362, (9.0, 6.0), 1.0), (3.300, (8.0, 5.0), 1.0)]


def _with_line(m: Measurement, ppm: float, area: float, lw_hz: float) -> Measurement:
    """``m`` plus a Lorentzian line of ``area`` (the synthetic spectra's units: 1 = one proton)."""
    hz = np.asarray(m.axes[0].values) * MHZ
    g = 0.5 * lw_hz
    y = np.asarray(m.signal) + area * (g / np.pi) / ((hz - ppm * MHZ) ** 2 + g * g)
    return Measurement("nmr", y, m.axes, acquisition=m.acquisition)


def _spectrum(signals) -> Measurement:
    return first_order_spectrum(
        signals, mhz=MHZ, lw_hz=1.5, noise=0.0005, n=65536, ppm_range=(9.0, -0.5), solvent="DMSO-d6"
    )


def _compound_h(a) -> float:
    return sum(mp.n_h for mp in a.multiplets if mp.kind == "compound")


def test_broad_water_inside_multiplet_range_is_carved_out() -> None:
    # exchange-broadened water (8 Hz, 6 protons' worth) between two dd: one range of lines
    a = analyze(_with_line(_spectrum(OTHERS + AROUND_WATER), WATER_DMSO, 6.0, 8.0))
    water = [r for r in a.ranges if r.kind == "water"]
    assert len(water) == 1 and water[0].stop_ppm < WATER_DMSO < water[0].start_ppm
    assert water[0].n_h == pytest.approx(6.0, abs=0.3)  # the line's area went to the water range
    host = [r for r in a.ranges if r.kind == "compound" and r.stop_ppm < WATER_DMSO < r.start_ppm]
    assert len(host) == 1 and host[0].n_h == pytest.approx(2.0, abs=0.3)  # the two dd, without the water
    assert _compound_h(a) == pytest.approx(7.0, abs=0.4)
    line = min(a.peaks, key=lambda p: abs(p.ppm - WATER_DMSO))
    assert line.kind == "water"
    assert not any(mp.kind == "compound" and line.ppm in mp.peak_ppm for mp in a.multiplets)
    assert "3.33 (" not in a.report and "6H" not in a.report


def test_without_water_the_same_range_is_the_compound_alone() -> None:
    a = analyze(_spectrum(OTHERS + AROUND_WATER))
    assert not any(r.kind == "water" for r in a.ranges)
    assert _compound_h(a) == pytest.approx(7.0, abs=0.4)


def test_sharp_singlet_at_the_water_shift_stays_the_compounds() -> None:
    # a methoxy singlet on DMSO's water shift, as sharp as every other line: no exchange, not water
    a = analyze(_spectrum([*OTHERS, *AROUND_WATER, (WATER_DMSO, (), 3.0)]))
    assert not any(r.kind == "water" for r in a.ranges)
    assert _compound_h(a) == pytest.approx(10.0, abs=0.5)


def test_triplet_centred_on_the_water_shift_stays_a_triplet() -> None:
    # aspirin H5 on CDCl3's 7.26 line, here on DMSO's water: the centre line is twice its neighbours
    a = analyze(_spectrum([*OTHERS, (WATER_DMSO, (7.5, 7.5), 1.0)]))
    mp = min(a.multiplets, key=lambda mp: abs(mp.center_ppm - WATER_DMSO))
    assert (mp.kind, mp.multiplicity) == ("compound", "t")
    assert not any(r.kind == "water" for r in a.ranges)


def test_rutin_water_is_not_counted_with_the_sugar_protons(shared_data: Path) -> None:
    # JEOL qHNMR of rutin (C27H30O16, 30 H) in DMSO-d6: the HDO/H2O line at 3.33 ppm, the tallest
    # line there, sits among the sugar CH (about 7 of them between 3.4 and 3.15 ppm)
    path = shared_data / DEV / "d12_jeol_1H_400MHz_rutin_DMSO/Rutin_3080ug200uL_DMSOd6_qHNMR_400MHz_Jeol.jdf"
    a = analyze(processed_fid(path))
    water = [r for r in a.ranges if r.kind == "water" and r.stop_ppm < 3.34 < r.start_ppm]
    assert len(water) == 1 and water[0].n_h > 4
    line = max((p for p in a.peaks if 3.2 < p.ppm < 3.45), key=lambda p: p.intensity)
    assert abs(line.ppm - 3.336) < 0.01 and line.kind == "water"
    assert not any(mp.kind == "compound" and line.ppm in mp.peak_ppm for mp in a.multiplets)
    host = [mp for mp in a.multiplets if mp.kind == "compound" and mp.range_ppm[1] < 3.34 < mp.range_ppm[0]]
    assert len(host) == 1 and 6 <= round(host[0].n_h) <= 9  # 15H with the water
    assert abs(_compound_h(a) - 30) <= 3  # 29.2 (35.3 with the water)
    assert "(m, 8H)" in a.report


def test_aspirin_h5_triplet_on_chloroform_stays_the_compounds(shared_data: Path) -> None:
    a = analyze(processed_fid(shared_data / DEV / "d01_bruker_1H_300MHz_aspirin_CDCl3/1"))
    assert "7.28 (t, J = 7.6 Hz, 1H)" in a.report
    assert not any(r.kind == "water" for r in a.ranges if r.start_ppm > 2)
