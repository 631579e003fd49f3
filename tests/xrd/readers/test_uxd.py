"""Bruker UXD: contract, paired and value-only blocks, and equality with the RAW it came from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import BrukerRawReader, UxdReader


class TestUxdContract(ReaderContract):
    reader = UxdReader()


def test_two_ranges_rounded_angles_and_cps(tmp_path: Path) -> None:
    (p,) = UxdReader().examples(tmp_path)
    a, b = UxdReader().read(p)
    truth = 20.0 + 0.0155922 * np.arange(60)
    assert np.allclose(a.axis("two_theta").values, truth, atol=2e-5)  # better than the 4 digits written
    assert a.raw_parameters["reader_corrections"] and a.signal_unit == "counts"
    assert a.acquisition.slit_mode == "automatic" and a.acquisition.irradiated_length_mm == 6.0
    assert b.signal_unit == "counts/s" and b.signal.size == 60
    assert np.allclose(b.axis("two_theta").values, 40.0 + 0.02 * np.arange(60))
    assert a.acquisition.n_scans == 2 and a.sample.name == "quartz" and a.acquisition.anode == "Cu"


def test_counts_block_without_start(tmp_path: Path) -> None:
    p = tmp_path / "bad.uxd"
    p.write_text("_FILEVERSION=2\n_STEPSIZE=0.02\n_COUNTS\n1 2 3\n4 5 6\n")
    with pytest.raises(FormatError, match="_START"):
        UxdReader().read(p)


def test_same_measurement_as_the_raw_file(shared_data: Path) -> None:
    folder = shared_data / "xrd/measured"
    (u,) = UxdReader().read(folder / "uxd/xylib_samples/BT86_.UXD")
    (r,) = BrukerRawReader().read(folder / "bruker_raw/xylib_samples/BT86.raw")
    assert np.array_equal(u.signal, r.signal)
    assert np.allclose(u.axis("two_theta").values, r.axis("two_theta").values, atol=1e-4, rtol=0)
    for field in (
        "wavelength_angstrom",
        "wavelength2_angstrom",
        "ka2_ka1_ratio",
        "anode",
        "goniometer_radius_mm",
    ):
        assert getattr(u.acquisition, field) == getattr(r.acquisition, field), field
    assert u.sample.name == r.sample.name == "BT86"
    assert r.acquisition.slit_mode == "automatic" and r.acquisition.irradiated_length_mm == 6.0  # "V6"
