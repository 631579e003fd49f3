"""Hilbert transform of a real spectrum (TopSpin ``ht``) against spectra whose imaginary part is known."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import Axis, ProcessingError
from instrumentarium.nmr.processing import fourier_transform, hilbert, hilbert_spectrum, simulate_fid, zero_fill

LINES = [(8.1, 0.6, 1.2), (7.26, 1.0, 1.0), (7.1, 0.8, 1.0), (3.7, 1.5, 1.5), (2.1, 3.0, 1.0), (0.9, 2.5, 1.2)]


def causal_spectrum(p0: float = 0.0, noise: float = 0.0, n_points: int = 8192, factor: int = 2):
    """FFT of a causal FID (no digital-filter delay) zero-filled ``factor`` times, and that FID."""
    m = simulate_fid(LINES, p0_deg=p0, noise=noise, n_points=n_points, group_delay_points=0.0)
    return fourier_transform(zero_fill(m, factor=factor)), m.signal


def test_reproduces_the_imaginary_part_of_a_zero_filled_fid_spectrum() -> None:
    s, fid = causal_spectrum()
    assert fid[0].imag == 0.0  # the first point is real: nothing is lost
    z = hilbert_spectrum(s.signal.real)
    scale = np.abs(s.signal).max()
    # exact to rounding over the whole spectrum, edges included (tolerance 1e-10 relative)
    assert np.abs(z.imag - s.signal.imag).max() / scale < 1e-10
    assert np.abs(z.real - s.signal.real).max() / scale < 1e-12


@pytest.mark.parametrize("p0", [40.0, -120.0])
def test_only_the_first_points_imaginary_part_is_lost(p0: float) -> None:
    # with a phase and noise the first FID point is complex: its imaginary part is a constant
    # imaginary offset that the real part cannot carry (the FT halves the first point)
    s, fid = causal_spectrum(p0=p0, noise=1e-3)
    z = hilbert_spectrum(s.signal.real)
    d = z.imag - s.signal.imag
    scale = np.abs(s.signal).max()
    assert abs(d.mean() + 0.5 * fid[0].imag) / scale < 1e-10
    assert np.abs(d - d.mean()).max() / scale < 1e-10


def test_zero_filling_is_what_makes_it_exact() -> None:
    # without zero filling the FID's second half folds onto the first (here a FID cut before
    # it has decayed): the rebuilt imaginary part is then wrong by a large amount
    def error(factor: int) -> float:
        s, _ = causal_spectrum(n_points=2048, factor=factor)
        return float(np.abs(hilbert_spectrum(s.signal.real).imag - s.signal.imag).max() / np.abs(s.signal).max())

    assert error(2) < 1e-10
    assert error(1) > 0.1


def test_ascending_order_gives_the_same_spectrum_reversed() -> None:
    s, _ = causal_spectrum()
    y = s.signal.real
    np.testing.assert_allclose(hilbert_spectrum(y[::-1], descending=False), hilbert_spectrum(y)[::-1], atol=1e-12)


def test_odd_size_keeps_the_real_part() -> None:
    y = np.random.default_rng(1).standard_normal(1001)
    assert np.abs(hilbert_spectrum(y).real - y).max() < 1e-12


def test_step_records_provenance_and_reads_the_axis_order() -> None:
    s, _ = causal_spectrum()
    real = s.replace(signal=s.signal.real.copy())
    out = hilbert(real)
    assert out.is_complex and out.provenance[-1].step == "nmr.hilbert"
    assert out.provenance[-1].decisions == {"points": s.shape[0], "replaced_imaginary": False}
    np.testing.assert_allclose(out.signal.imag, s.signal.imag, atol=1e-10 * np.abs(s.signal).max())
    # the same spectrum stored from low to high ppm
    flipped = real.replace(
        signal=real.signal[::-1].copy(), axes=(Axis("chemical_shift", "ppm", s.axes[0].values[::-1]),)
    )
    np.testing.assert_allclose(hilbert(flipped).signal[::-1], out.signal, atol=1e-10)
    assert real.provenance == s.provenance  # the input is not changed


def test_step_refuses_a_fid() -> None:
    with pytest.raises(ProcessingError, match=r"nmr\.hilbert"):
        hilbert(simulate_fid(LINES, n_points=256))
