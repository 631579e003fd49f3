"""VnmrJ time-domain steps: left shift (lsfid) and weighting."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import ProcessingError
from instrumentarium.nmr.processing import left_shift, simulate_fid, vnmrj_weighting, vnmrj_window


def test_left_shift_both_ways_keeps_the_length() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=64)
    x = np.asarray(m.signal)
    right = left_shift(m, points=-3)
    np.testing.assert_array_equal(right.signal[:3], 0)
    np.testing.assert_array_equal(right.signal[3:], x[:-3])
    left = left_shift(m, points=2)
    np.testing.assert_array_equal(left.signal[:-2], x[2:])
    np.testing.assert_array_equal(left.signal[-2:], 0)
    assert right.shape == left.shape == m.shape
    assert right.provenance[-1].step == "nmr.left_shift"
    with pytest.raises(ProcessingError):
        left_shift(m, points=64)


def test_vnmrj_window_terms() -> None:
    sw, n = 1000.0, 2001
    t = np.arange(n) / sw
    np.testing.assert_allclose(vnmrj_window(n, sw), 1.0)
    np.testing.assert_allclose(vnmrj_window(n, sw, lb_hz=2.0), np.exp(-np.pi * 2.0 * t))
    g = vnmrj_window(n, sw, gf_s=0.5, gfs_s=0.25)
    assert g[250] == pytest.approx(1.0) and g[750] == pytest.approx(np.exp(-1.0))
    # sine bell: 0 at t = sbs, 1 at t = sbs + sb, 0 again at sbs + 2 sb and beyond
    s = vnmrj_window(n, sw, sb_s=0.5, sbs_s=0.0)
    assert s[0] == pytest.approx(0.0) and s[500] == pytest.approx(1.0) and s[1000] == pytest.approx(0.0, abs=1e-12)
    assert np.all(s[1001:] == 0.0)
    s2 = vnmrj_window(n, sw, sb_s=-0.5, sbs_s=-0.5)  # squared, shifted: starts at its maximum
    assert s2[0] == pytest.approx(1.0) and s2[250] == pytest.approx(0.5)
    np.testing.assert_allclose(vnmrj_window(n, sw, lb_hz=1.0, awc=0.1), np.exp(-np.pi * t) + 0.1)


def test_vnmrj_weighting_step_records_its_parameters() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=256, spectral_width_hz=2000.0)
    out = vnmrj_weighting(m, lb_hz=3.0)
    t = np.arange(256) / 2000.0
    np.testing.assert_allclose(out.signal, np.asarray(m.signal) * np.exp(-np.pi * 3.0 * t))
    assert out.provenance[-1].parameters["lb_hz"] == 3.0 and out.provenance[-1].parameters["gf_s"] is None
