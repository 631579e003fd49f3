"""Rigaku RAS and RASX: contract, attenuation, multi-scan, MiniFlex float point counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError, TruncatedFileError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import RasReader, RasxReader


class TestRasContract(ReaderContract):
    reader = RasReader()


class TestRasxContract(ReaderContract):
    reader = RasxReader()


def test_ras_attenuator_and_two_scans(tmp_path: Path) -> None:
    one, two = RasReader().examples(tmp_path)
    (a,) = RasReader().read(one)
    s1, s2 = RasReader().read(two)
    assert np.allclose(s2.signal, a.signal)  # counts / 4 written, factor 4 applied
    assert s2.raw_parameters["reader_corrections"] and "reader_corrections" not in a.raw_parameters
    assert s2.axis("two_theta").values[0] == pytest.approx(30.0)
    acq = a.acquisition
    assert acq.n_scans == 1 and s1.acquisition.n_scans == 2
    assert acq.time_per_step_s == pytest.approx(0.6)  # 0.02 deg at 2 deg/min
    assert acq.slit_mode == "fixed" and acq.divergence_slit_deg == 1.25
    assert a.instrument.model == "MiniFlex 300/600" and a.sample.name == "quartz"
    assert not a.warnings  # "100.0000000000" is a valid point count


def test_ras_count_mismatch_warns(tmp_path: Path) -> None:
    one, _ = RasReader().examples(tmp_path)
    bad = tmp_path / "bad.ras"
    bad.write_text(one.read_text().replace('MEAS_DATA_COUNT "100.', 'MEAS_DATA_COUNT "101.'))
    (m,) = RasReader().read(bad)
    assert any("101" in w for w in m.warnings)


def test_ras_cut_inside_data_is_truncated(tmp_path: Path) -> None:
    one, _ = RasReader().examples(tmp_path)
    cut = tmp_path / "cut.ras"
    cut.write_text(one.read_text().split("*RAS_INT_END")[0])
    with pytest.raises(TruncatedFileError, match="RAS_INT_END"):
        RasReader().read(cut)


def test_rasx_two_profiles(tmp_path: Path) -> None:
    (p,) = RasxReader().examples(tmp_path)
    a, b = RasxReader().read(p)
    assert b.axis("two_theta").values[0] == pytest.approx(30.0)
    assert a.acquisition.acquired_at is not None and a.acquisition.anode == "Cu"
    assert a.sample.name == "quartz" and a.instrument.model == "SmartLab"


def test_rasx_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.rasx"
    p.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(FormatError, match="zip"):
        RasxReader().read(p)


def test_real_miniflex_files_that_geddes_rejects(shared_data: Path) -> None:
    files = sorted((shared_data / "xrd/measured/ras/xerus_examples").glob("*.ras"))
    assert len(files) == 5
    for f in files:
        (m,) = RasReader().read(f)
        x = m.axis("two_theta").values
        step = m.acquisition.step_deg
        assert step == 0.02 and np.allclose(np.diff(x), step, atol=1e-6)
        assert x.size == int(float(m.raw_parameters["MEAS_DATA_COUNT"]))
        assert m.signal.min() >= 0 and m.signal.max() > 100 and not m.warnings
        assert m.acquisition.wavelength_angstrom == 1.540593 and m.acquisition.anode == "Cu"
        assert x[0] == float(m.raw_parameters["MEAS_SCAN_START"]) and x[-1] == float(
            m.raw_parameters["MEAS_SCAN_STOP"]
        )
        # independent parse of the data block: angle, counts x attenuation factor
        lines = f.read_bytes().decode("latin-1").split("*RAS_INT_START")[1].split("*RAS_INT_END")[0]
        table = np.array([[float(v) for v in ln.split()] for ln in lines.strip().splitlines()])
        assert np.array_equal(x, table[:, 0]) and np.array_equal(m.signal, table[:, 1] * table[:, 2])
