"""Manual phase correction: TopSpin convention, pivot, round trip."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.nmr.processing import fourier_transform, phase, phase_ramp, simulate_fid
from instrumentarium.nmr.processing._phase import pivot_fraction, to_edge_pivot


def spectrum():
    return fourier_transform(simulate_fid([(1.0, 1.0, 1.0), (7.0, 1.0, 1.0)], n_points=2048))


def test_phase_is_topspin_sign_with_edge_pivot() -> None:
    ramp = phase_ramp(4, 90.0, 360.0)
    np.testing.assert_allclose(ramp, np.exp(-1j * np.deg2rad([90, 180, 270, 360])))


def test_phase_then_inverse_phase_is_identity() -> None:
    s = spectrum()
    back = phase(phase(s, p0_deg=37.0, p1_deg=-80.0, pivot_ppm=3.0), p0_deg=-37.0, p1_deg=80.0, pivot_ppm=3.0)
    np.testing.assert_allclose(back.signal, s.signal, atol=1e-9 * np.abs(s.signal).max())
    assert [p.step for p in back.provenance][-2:] == ["nmr.phase", "nmr.phase"]


def test_pivot_phase_equals_edge_phase_after_conversion() -> None:
    s = spectrum()
    pivot = pivot_fraction(s.axes[0].values, 2.0)
    q0, q1 = to_edge_pivot(25.0, 60.0, pivot)
    a = phase(s, p0_deg=25.0, p1_deg=60.0, pivot_ppm=2.0)
    b = phase(s, p0_deg=q0, p1_deg=q1)
    np.testing.assert_allclose(a.signal, b.signal, rtol=1e-9, atol=1e-12)


def test_pivot_point_gets_exactly_p0() -> None:
    s = spectrum()
    axis = s.axes[0].values
    j = 700
    out = phase(s, p0_deg=30.0, p1_deg=100.0, pivot_ppm=float(axis[j]))
    assert np.degrees(np.angle(out.signal[j] / s.signal[j])) == pytest.approx(-30.0, abs=1e-6)
