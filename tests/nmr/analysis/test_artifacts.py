"""Truncation ripple and skirt maxima are not reported as the compound's peaks."""

from __future__ import annotations

import numpy as np

from instrumentarium.model import Axis, Measurement, NMRAcquisition
from instrumentarium.nmr.analysis import analyze
from instrumentarium.nmr.analysis.peaks import ripple_trains, skirt_maxima

MHZ = 500.0


def _spectrum(y: np.ndarray, ppm: np.ndarray) -> Measurement:
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=MHZ, solvent="CDCl3")
    return Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq)


def test_ripple_trains_marks_constant_spacing_runs_only() -> None:
    pos = np.array([10.0, 26, 42, 58, 74, 90, 106, 200, 210, 225, 230])
    h = np.array([5.0, 5.5, 4.8, 5.2, 5.0, 4.9, 5.1, 1.0, 6.0, 15.0, 20.0])
    assert ripple_trains(pos, h).tolist() == [True] * 7 + [False] * 4
    # a septet (1:6:15:20:15:6:1) at one spacing is not a ripple train
    sept = np.array([1.0, 6, 15, 20, 15, 6, 1])
    assert not ripple_trains(np.arange(7) * 14.0, sept).any()


def test_truncation_wiggles_are_dropped() -> None:
    # an FID cut at 0.25 s (T2 = 0.3 s), zero-filled 4x: sinc wiggles every 4 Hz around the
    # line, riding on a broad hump (as in d04) so that they never dip below the baseline
    sw, td = 20000.0, 5000
    t = np.arange(td) / sw
    fid = 1000.0 * np.exp(2j * np.pi * 600.0 * t - t / 0.3) + 20.0 * np.exp(2j * np.pi * -3000.0 * t - t / 0.3)
    n = 4 * 32768
    spec = np.fft.fftshift(np.fft.fft(fid, n))[::-1].real
    hz = -(np.arange(n) - n / 2) * sw / n
    rng = np.random.default_rng(1)
    spec = spec + 2e4 * np.exp(-0.5 * ((hz - 600.0) / 150.0) ** 2) + rng.normal(0.0, 2.0, n)
    a = analyze(_spectrum(spec, 5.0 + hz / MHZ))
    found = sorted(round((p.ppm - 5.0) * MHZ) for p in a.peaks)
    # without the ripple filter: ~130 wiggle maxima between 300 and 900 Hz
    assert found == [-3000, 600]


def test_skirt_maxima_are_artifacts_but_resolved_lines_stay() -> None:
    n = 32768
    ppm = np.linspace(10.0, 0.0, n)
    hz = (ppm - 5.0) * MHZ
    rng = np.random.default_rng(2)
    big = 1e6 / (1.0 + (hz / 0.5) ** 2)
    hump = 4e3 * np.exp(-0.5 * (hz / 25.0) ** 2) * (1.0 + 0.08 * np.sin(hz / 1.3))  # a rippled shim hump
    small = 2e3 / (1.0 + ((hz - 60.0) / 0.5) ** 2)  # a resolved line 0.2 % of the big one
    y = big + hump + small + rng.normal(0.0, 5.0, n)
    a = analyze(_spectrum(y, ppm))
    kinds = {round((p.ppm - 5.0) * MHZ): p.kind for p in a.peaks}
    assert kinds[0] == "compound" and kinds[60] != "artifact"  # the small line: a minor signal
    # the hump's ripple maxima: artefacts, none reported as the compound
    assert [k for k, v in kinds.items() if v == "compound"] == [0]
    assert sum(v == "artifact" for v in kinds.values()) >= 3
    # the low-level function: a maximum riding high on a taller line's skirt, rising little
    flags = skirt_maxima(y, np.array([np.argmin(np.abs(hz - 20.0))]), np.array([50.0]), 5.0, window_points=2000)
    assert flags.tolist() == [True]
