"""Baseline correction on spectra with a known baseline."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import ProcessingError
from instrumentarium.nmr.processing import (
    baseline,
    correct_group_delay,
    fourier_transform,
    phase,
    polynomial_baseline,
    simulate_fid,
    zero_fill,
)


def phased_spectrum():
    m = simulate_fid([(7.26, 1.0, 1.0), (3.7, 2.0, 1.5), (1.2, 3.0, 1.2)], noise=1e-4, n_points=8192)
    return phase(correct_group_delay(fourier_transform(zero_fill(m, factor=2))))


def test_polynomial_baseline_recovers_a_known_roll() -> None:
    s = phased_spectrum()
    x = np.linspace(-1, 1, s.shape[0])
    roll = 0.05 + 0.03 * x - 0.04 * x**2 + 0.02 * x**3
    fit, free = polynomial_baseline(s.signal.real + roll, order=3)
    assert free.mean() > 0.8
    assert np.abs(fit - roll).max() < 0.01


def test_baseline_step_keeps_peaks_and_flattens_the_rest() -> None:
    s = phased_spectrum()
    x = np.linspace(-1, 1, s.shape[0])
    rolled = s.replace(signal=s.signal + 0.1 * (1 + x**2))
    out = baseline(rolled, method="polynomial", order=4)
    d = out.provenance[-1].decisions
    assert d["model"] == "polynomial" and d["order"] == 4
    real = out.signal.real
    assert abs(float(np.median(real))) < 0.005
    assert real.max() == pytest.approx(s.signal.real.max(), rel=0.02)
    assert out.is_complex  # the imaginary part is kept for later re-phasing


def test_whittaker_baseline_runs_and_records_lambda() -> None:
    s = phased_spectrum()
    out = baseline(s.replace(signal=s.signal + 0.1), method="arpls", lam=1e6)
    assert out.provenance[-1].decisions == {"model": "arpls", "lam": 1e6}
    assert abs(float(np.median(out.signal.real))) < 0.01


def test_unknown_baseline_method_is_refused() -> None:
    with pytest.raises(ProcessingError, match="unknown method"):
        baseline(phased_spectrum(), method="spline")
