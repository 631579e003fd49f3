"""Manual corrections: pure functions on known synthetic spectra, and their provenance."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, NMRAcquisition, ProcessingError
from instrumentarium.pipeline import Recipe
from instrumentarium.plugins import step
from instrumentarium.web._corrections import (
    apply_phase,
    baseline_from_regions,
    integrate_ranges,
    region_mask,
)
from instrumentarium.web._demo import nmr_spectrum


def _nmr(signal: np.ndarray, ppm: np.ndarray) -> Measurement:
    return Measurement("nmr", signal, (Axis("chemical_shift", "ppm", ppm),),
                       acquisition=NMRAcquisition(nucleus="1H"))


def test_apply_phase_undoes_a_known_phase_error() -> None:
    ppm, spec, _ = nmr_spectrum("ethyl acetate", n=4096, p0_error_deg=100.0, p1_error_deg=-30.0, seed=1)
    fixed = apply_phase(spec, ppm, p0_deg=100.0, p1_deg=-30.0)
    # absorption mode: the tallest line is positive and the real part has almost no negative lobes
    assert fixed.real.max() > 10 * abs(fixed.real.min())
    assert spec.real.max() < 5 * abs(spec.real.min())  # the input really was out of phase


def test_first_order_phase_is_zero_at_the_pivot() -> None:
    ppm = np.linspace(10, 0, 11)
    ones = np.ones(11, dtype=complex)
    out = apply_phase(ones, ppm, p0_deg=0.0, p1_deg=90.0, pivot=5.0)
    assert out[5] == pytest.approx(1.0)
    # TopSpin's sign: exp(-i p1 (j - j_pivot)/n), p1 being the change across the whole width
    assert np.angle(out[0], deg=True) == pytest.approx(90 * 5 / 11)
    assert np.angle(out[-1], deg=True) == pytest.approx(-90 * 5 / 11)
    # the default pivot is the first (highest-ppm) point: p0/p1 are TopSpin's PHC0/PHC1
    edge = apply_phase(ones, ppm, p0_deg=30.0, p1_deg=90.0)
    assert np.angle(edge[0], deg=True) == pytest.approx(-30.0)


def test_phase_needs_the_complex_spectrum() -> None:
    with pytest.raises(ProcessingError, match="complex"):
        apply_phase(np.ones(5), np.arange(5.0), p0_deg=10)


def test_baseline_recovers_a_polynomial_under_the_peaks() -> None:
    x = np.linspace(10, 0, 2000)
    true_base = 0.02 * (x - 5) ** 2 - 0.3 * x + 4
    peaks = 50 / (1 + ((x - 7) / 0.02) ** 2) + 30 / (1 + ((x - 3) / 0.02) ** 2)
    regions = [(10, 8), (6, 4), (2, 0)]
    base = baseline_from_regions(true_base + peaks, x, regions, order=2)
    mask = region_mask(x, regions)
    assert np.max(np.abs(base - true_base)[mask]) < 0.05
    assert np.max(np.abs(base - true_base)) < 0.5


def test_baseline_refuses_too_few_points() -> None:
    x = np.linspace(10, 0, 100)
    with pytest.raises(ProcessingError, match="at least 4"):
        baseline_from_regions(np.zeros(100), x, [(5.0, 5.0)], order=3)


def test_integrals_of_ethyl_acetate_after_phasing_match_the_proton_count() -> None:
    ppm, spec, _ = nmr_spectrum("ethyl acetate", n=32768, p0_error_deg=30.0, p1_error_deg=-20.0, seed=2)
    fixed = apply_phase(spec, ppm, p0_deg=30.0, p1_deg=-20.0).real
    ch2, ch3 = integrate_ranges(fixed, ppm, [(4.35, 3.9), (2.25, 1.85)])
    assert ch2.value > 0
    assert ch2.relative == 1.0
    assert ch3.relative == pytest.approx(1.5, rel=0.03)  # CH3 (3H) / OCH2 (2H)


def test_manual_steps_record_manual_provenance_and_replay() -> None:
    ppm, spec, _ = nmr_spectrum("toluene", n=2048, seed=3)
    m = _nmr(spec, ppm)
    out = step("web.nmr_phase")(m, p0_deg=25.0, p1_deg=-20.0)
    out = step("web.nmr_integrals")(out, ranges_ppm=[[7.4, 7.0], [2.5, 2.2]])
    assert [p.step for p in out.provenance] == ["web.nmr_phase", "web.nmr_integrals"]
    assert all(p.manual for p in out.provenance)
    assert out.provenance[0].parameters == {"p0_deg": 25.0, "p1_deg": -20.0, "pivot_ppm": None}
    again = Recipe.from_provenance(out).run(m)
    assert np.allclose(again.signal, out.signal)
    assert again.results["manual_integrals"] == out.results["manual_integrals"]
    assert m.provenance == ()  # the input is never changed


def test_phase_selection_refuses_contradictions() -> None:
    m = Measurement("xrd", np.ones(3), (Axis("two_theta", "deg", np.arange(3.0)),))
    out = step("web.xrd_phases")(m, accepted=["Quartz"], rejected=["Halite"])
    decisions = [(d.name, d.accepted) for d in out.results["phase_decisions"]]
    assert decisions == [("Quartz", True), ("Halite", False)]
    with pytest.raises(ProcessingError, match="both accepted and rejected"):
        step("web.xrd_phases")(m, accepted=["Quartz"], rejected=["Quartz"])
    with pytest.raises(ProcessingError, match="xrd data"):
        step("web.xrd_phases")(_nmr(np.ones(3, complex), np.arange(3.0)), accepted=[], rejected=[])
