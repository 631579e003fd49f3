"""Magritek Spinsolve reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import TruncatedFileError
from instrumentarium.nmr.readers import SpinsolveReader
from instrumentarium.nmr.readers.spinsolve import write_spinsolve_experiment
from instrumentarium.testing import ReaderContract

D11 = "nmr/nmr_dev_v1/d11_magritek_spinsolve_1H_80MHz/1D_exp_1_20240725-103717"


class TestSpinsolveContract(ReaderContract):
    reader = SpinsolveReader()


def test_synthetic_fid_and_spectrum(tmp_path: Path) -> None:
    folder = write_spinsolve_experiment(tmp_path / "exp", n=256, dwell_us=400.0)
    fid = instrumentarium.read(folder)
    assert fid.source.reader == "spinsolve" and fid.axes[0].name == "time"
    assert fid.axes[0].values[1] == pytest.approx(4e-4)
    assert fid.acquisition.group_delay_points == 0.0 and fid.acquisition.spectral_width_hz == 2500.0
    spec = instrumentarium.read(folder / "spectrum.1d")
    assert spec.axes[0].name == "chemical_shift" and spec.axes[0].is_descending
    assert spec.axes[0].values[0] == pytest.approx(20.0)


def test_truncated(tmp_path: Path) -> None:
    folder = write_spinsolve_experiment(tmp_path / "exp")
    data = (folder / "data.1d").read_bytes()
    (folder / "data.1d").write_bytes(data[:-4])
    with pytest.raises(TruncatedFileError):
        SpinsolveReader().read(folder)


def test_real_spinsolve(shared_data: Path) -> None:
    ng = pytest.importorskip("nmrglue")
    folder = shared_data / D11
    m = instrumentarium.read(folder)
    a = m.acquisition
    assert m.source.reader == "spinsolve" and m.shape == (16384,)
    assert (a.nucleus, round(a.spectrometer_frequency_mhz, 3), a.solvent, a.n_scans) == (
        "1H",
        80.488,
        "Water",
        8,
    )
    spec_axis = instrumentarium.read(folder / "spectrum.1d").axes[0].values
    assert a.carrier_ppm == pytest.approx(spec_axis[spec_axis.size // 2], abs=2e-3)
    _, ref = ng.spinsolve.read(str(folder), specfile="data.1d")
    np.testing.assert_allclose(m.signal, np.conj(ref))
    # the JCAMP-DX copy beside it holds the same FID
    j = instrumentarium.read(folder / "nmr_fid.dx")
    np.testing.assert_allclose(j.signal, m.signal, atol=1e-3 * np.abs(m.signal).max())
    spec = instrumentarium.read(folder / "spectrum.1d")
    assert spec.shape == (32768,) and spec.axes[0].is_descending


def test_real_fid_has_the_common_frequency_sense(shared_data: Path) -> None:
    folder = shared_data / D11
    fid = instrumentarium.read(folder)
    vendor = instrumentarium.read(folder / "spectrum.1d")  # high -> low ppm
    ours = np.fft.fftshift(np.fft.fft(fid.signal, vendor.shape[0]))[::-1]
    assert np.corrcoef(np.abs(ours), np.abs(vendor.signal))[0, 1] > 0.999
