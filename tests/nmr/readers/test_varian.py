"""Agilent/Varian VnmrJ reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import FormatError, MissingParameterError, TruncatedFileError
from instrumentarium.nmr.readers import VarianReader
from instrumentarium.nmr.readers.varian import read_procpar, write_varian_experiment
from instrumentarium.testing import ReaderContract

D10 = "nmr/nmr_dev_v1/d10_varian_31P_243MHz_nmrpy/test2.fid"


class TestVarianContract(ReaderContract):
    reader = VarianReader()


def test_synthetic(tmp_path: Path) -> None:
    folder = write_varian_experiment(tmp_path / "x.fid", n=128, sw=5000.0)
    m = instrumentarium.read(folder / "procpar")
    assert m.source.reader == "varian" and m.shape == (128,)
    t = np.arange(128) / 5000.0
    np.testing.assert_allclose(m.signal, 1e4 * np.exp(2j * np.pi * 400 * t - t / 0.05), rtol=1e-5, atol=1e-2)
    a = m.acquisition
    assert (a.nucleus, a.solvent, a.pulse_program, a.group_delay_points) == ("1H", "cdcl3", "s2pul", 0.0)
    assert a.temperature_k == pytest.approx(298.15) and a.relaxation_delay_s == 1.5
    assert m.raw_parameters["procpar"]["rp"] == -12.5
    assert m.raw_parameters["procpar_inactive"] == []


def test_truncated_and_missing(tmp_path: Path) -> None:
    folder = write_varian_experiment(tmp_path / "x.fid")
    data = (folder / "fid").read_bytes()
    (folder / "fid").write_bytes(data[:-100])
    with pytest.raises(TruncatedFileError):
        VarianReader().read(folder)
    (folder / "fid").write_bytes(data[:16])
    with pytest.raises(TruncatedFileError):
        VarianReader().read(folder)
    (folder / "procpar").write_text("sw 1 1\n")
    with pytest.raises(FormatError):
        read_procpar(folder / "procpar")
    (folder / "procpar").unlink()
    with pytest.raises(MissingParameterError):
        read_procpar(folder / "procpar")


def test_real_varian(shared_data: Path) -> None:
    ng = pytest.importorskip("nmrglue")
    m = instrumentarium.read(shared_data / D10)
    a = m.acquisition
    assert m.source.reader == "varian" and m.shape == (16384,)
    assert (a.nucleus, round(a.spectrometer_frequency_mhz, 3), a.solvent, a.pulse_program) == (
        "31P", 242.876, "cdcl3", "s2pul")
    assert a.n_scans == 1000 and a.relaxation_delay_s == 40.0
    assert m.raw_parameters["procpar"]["rp"] == pytest.approx(-171.394357079)
    # inactive parameters (VnmrJ's 'n') are listed: d10 uses lb but not gf, sb or fn
    inactive = m.raw_parameters["procpar_inactive"]
    assert {"gf", "sb", "fn"} <= set(inactive) and not {"lb", "rp", "lp", "lsfid"} & set(inactive)
    _, ref = ng.varian.read(str(shared_data / D10))
    np.testing.assert_array_equal(m.signal, np.conj(ref))  # the common frequency sense
