"""Bruker RAW v1-v4: contract, synthetic ground truth for each version, real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError, TruncatedFileError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import BrukerRawReader
from instrumentarium.xrd.readers._bruker_raw_write import write_v1, write_v2, write_v3, write_v4


class TestBrukerRawContract(ReaderContract):
    reader = BrukerRawReader()


_Y = np.array([10.0, 20.0, 500.0, 30.0, 12.0])


@pytest.mark.parametrize("writer", [write_v1, write_v2, write_v3, write_v4])
def test_every_version_reads_its_ranges(tmp_path: Path, writer) -> None:
    p = tmp_path / "s.raw"
    p.write_bytes(writer([(20.0, 0.02, _Y), (50.0, 0.05, _Y[:3] * 2)]))
    a, b = BrukerRawReader().read(p)
    assert np.allclose(a.axis("two_theta").values, 20.0 + 0.02 * np.arange(5))
    assert a.signal.tolist() == _Y.tolist()
    assert np.allclose(b.axis("two_theta").values, [50.0, 50.05, 50.1])
    assert b.signal.tolist() == (_Y[:3] * 2).tolist()
    assert a.acquisition.wavelength_angstrom == pytest.approx(1.5406)
    assert a.acquisition.n_scans == 2 and a.acquisition.step_deg == pytest.approx(0.02)


def test_v3_header_fields(tmp_path: Path) -> None:
    p = tmp_path / "s.raw"
    p.write_bytes(write_v3([(20.0, 0.02, _Y)]))
    (m,) = BrukerRawReader().read(p)
    a = m.acquisition
    assert a.anode == "Cu" and a.ka2_ka1_ratio == 0.5 and a.wavelength2_angstrom == 1.54439
    assert a.goniometer_radius_mm == 250.0 and a.time_per_step_s == 1.0
    assert m.sample.name == "synthetic" and m.raw_parameters["MEASURE_DATE"] == "05/01/24"


def test_truncated_counts_raise(tmp_path: Path) -> None:
    p = tmp_path / "cut.raw"
    p.write_bytes(write_v3([(20.0, 0.02, _Y)])[:-6])
    with pytest.raises(TruncatedFileError, match=r"cut\.raw"):
        BrukerRawReader().read(p)


def test_corrupt_v4_segment_length_raises(tmp_path: Path) -> None:
    data = bytearray(write_v4([(20.0, 0.02, _Y)]))
    data[65:69] = (3).to_bytes(4, "little")  # first segment claims 3 bytes
    p = tmp_path / "bad.raw"
    p.write_bytes(bytes(data))
    with pytest.raises(FormatError, match="length 3"):
        BrukerRawReader().read(p)


def test_real_multi_range_v3(shared_data: Path) -> None:
    path = shared_data / "xrd/measured/bruker_raw/xylib_samples/format1.raw"
    ranges = BrukerRawReader().read(path)
    assert [r.signal.size for r in ranges] == [101, 26, 51]
    assert [r.axis("two_theta").values[0] for r in ranges] == [10.0, 30.0, 40.0]


def test_real_v4_reads_first_float_of_each_record(shared_data: Path) -> None:
    path = shared_data / "xrd/measured/bruker_raw/rietx/bruker_raw4_scrambled.raw"
    (m,) = BrukerRawReader().read(path)
    x = m.axis("two_theta").values
    assert x.size == 7134 and x[0] == 10.0 and x[-1] == pytest.approx(85.0413, abs=1e-4)
    assert m.acquisition.scan_axis == "Locked Coupled"
    assert m.raw_parameters["DATUM_SIZE"] == 8 and m.raw_parameters["START_Divergence Slit"] > 0
    assert m.acquisition.ka2_ka1_ratio == 0.0 and m.acquisition.wavelength2_angstrom is None  # K-alpha1 only
