"""JCAMP-DX NMR reader: synthetic files of each kind and every JCAMP file of nmr_dev_v1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.formats.jcampdx import parse_observed_multiplets
from instrumentarium.model import FormatError, InstrumentariumError, TruncatedFileError
from instrumentarium.nmr.readers import JcampNMRReader
from instrumentarium.nmr.readers._jcamp_synthetic import (
    lorentzian_spectrum,
    write_nd_fid,
    write_ntuples_fid,
    write_spectrum,
)
from instrumentarium.testing import ReaderContract

DEV = "nmr/nmr_dev_v1"


class TestJcampContract(ReaderContract):
    reader = JcampNMRReader()


def test_synthetic_spectrum(tmp_path: Path) -> None:
    m = instrumentarium.read(write_spectrum(tmp_path / "s.jdx"))
    ppm, y = lorentzian_spectrum()
    assert m.source.reader == "jcamp-dx" and not m.is_complex
    np.testing.assert_allclose(m.signal, y)
    np.testing.assert_allclose(m.axis("chemical_shift").values, ppm, atol=1e-9)
    a = m.acquisition
    assert (a.nucleus, a.solvent, a.pulse_program) == ("1H", "CDCl3", "zg30")
    assert len(parse_observed_multiplets(m.raw_parameters["jcamp"])) == 3


def test_synthetic_fid_with_bruker_parameters(tmp_path: Path) -> None:
    m = instrumentarium.read(write_ntuples_fid(tmp_path / "f.dx"))
    assert m.is_complex and m.shape == (64,) and m.axes[0].name == "time"
    assert m.axes[0].values[1] == pytest.approx(1 / 4000.0)
    a = m.acquisition
    assert a.group_delay_points == pytest.approx(61.0208333333)  # DSPFVS 10, DECIM 24 table
    assert a.acquired_at.isoformat() == "2024-05-06T08:11:12+00:00"
    assert m.raw_parameters["procs"]["PHC0"] == 10.5 and m.raw_parameters["acqus"]["TD"] == 128


def test_synthetic_2d_fid(tmp_path: Path) -> None:
    m = instrumentarium.read(write_nd_fid(tmp_path / "ser.dx", n_rows=3))
    assert m.shape == (3, 64) and [x.name for x in m.axes] == ["time_f1", "time"]
    np.testing.assert_allclose(m.axes[0].values, [0, 4e-5, 8e-5])
    assert m.acquisition.indirect[0].nucleus == "13C"
    np.testing.assert_allclose(m.signal[1], np.round(m.signal[0] * 0.7), atol=1)


def test_truncated_spectrum_is_typed(tmp_path: Path) -> None:
    p = write_spectrum(tmp_path / "s.jdx")
    lines = p.read_text().splitlines()
    cut = next(i for i, ln in enumerate(lines) if ln.startswith("##XYDATA")) + 5
    p.write_text("\n".join([*lines[:cut], "##END="]))
    with pytest.raises(FormatError, match="NPOINTS"):
        JcampNMRReader().read(p)


def test_bruker_acqus_is_not_claimed(tmp_path: Path) -> None:
    p = tmp_path / "acqus"
    p.write_text("##TITLE= Parameter file, TopSpin 3.6\n##JCAMPDX= 5.0\n##DATATYPE= Parameter Values\n")
    assert JcampNMRReader().sniff(p) == 0.0


# -- real files -----------------------------------------------------------------------
# path, shape, axis names, nucleus, observe MHz (3 decimals), solvent
D15 = "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC"
D04 = "d04_bruker_1H_500MHz_naphthoic_acid_acetone"
REAL = [
    (f"{D04}/jcamp/1h.dx", (131072,), "chemical_shift", "1H", 500.138,
     "Acetone"),
    (f"{D04}/jcamp/1h.fid.dx", (8192,), "time", "1H", 500.138, "Acetone"),
    ("d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/jcamp_nmr_spectra/1d1h.jcamp", (32768,), "chemical_shift",
     "1H", 500.133, "CDCl3"),
    ("d11_magritek_spinsolve_1H_80MHz/1D_exp_1_20240725-103717/nmr_fid.dx", (16384,), "time", "1H", 80.488,
     "Water"),
    ("d12_jeol_1H_400MHz_rutin_DMSO/qH_mnova_export.jdx", (52430,), "chemical_shift", "1H", 399.782,
     "DMSO-D6"),
    ("d13_jcamp_dx_misc/bruker_13c_151MHz_cytisine_fid.jdx", (131072,), "time", "13C", 150.936, "CD2Cl2"),
    ("d13_jcamp_dx_misc/bruker_1h_300MHz_aspirin_spectrum.dx", (32768,), "chemical_shift", "1H", 300.132,
     "CDCl3"),
    ("d13_jcamp_dx_misc/jeol_1h_400MHz_spectrum.dx", (16384,), "chemical_shift", "1H", 399.784, None),
    ("d13_jcamp_dx_misc/nanalysis_1h_60MHz_ibuprofen_fid.jdx", (2048,), "time", "1H", 60.124, "Chloroform-d"),
    ("d13_jcamp_dx_misc/varian_1h_300MHz_spectrum.jdx", (16384,), "chemical_shift", "1H", 299.933, None),
    (f"{D15}/13c.dx", (32768,), "chemical_shift", "13C", 150.918,
     "CDCl3"),
    (f"{D15}/13c.fid.dx", (32768,), "time", "13C", 150.918,
     "CDCl3"),
    (f"{D15}/1h.dx", (32768,), "chemical_shift", "1H", 600.134,
     "CDCl3"),
    (f"{D15}/1h.fid.dx", (32768,), "time", "1H", 600.134, "CDCl3"),
    *[(f"d16_jcamp_1H_multiplet_reference_nmr-dataset3/{c}/1h.jdx", None, "chemical_shift", "1H", None, s)
      for c, s in [("artemisin", "CDCl3"), ("borohydride", "THF"), ("cyclopropanes", "CDCl3"),
                   ("cyclopropnes_wrongPhase", "CDCl3"), ("geraniol", "CD3OD"), ("menthol", "CDCl3")]],
]


@pytest.mark.parametrize(("rel", "shape", "axis", "nucleus", "mhz", "solvent"), REAL,
                         ids=[r[0].split("/", 1)[1] for r in REAL])
def test_real_jcamp(shared_data: Path, rel: str, shape: tuple[int, ...] | None, axis: str, nucleus: str,
                    mhz: float | None, solvent: str | None) -> None:
    m = instrumentarium.read(shared_data / DEV / rel)
    a = m.acquisition
    assert m.source.reader == "jcamp-dx" and m.ndim == 1
    assert shape is None or m.shape == shape
    assert m.axes[0].name == axis and a.nucleus == nucleus and a.solvent == solvent
    assert mhz is None or round(a.spectrometer_frequency_mhz, 3) == mhz
    if axis == "chemical_shift":
        assert m.axes[0].is_descending
    else:
        assert m.is_complex and a.group_delay_points is not None


def test_real_jcamp_fid_equals_bruker_fid(shared_data: Path) -> None:
    folder = shared_data / DEV / "d04_bruker_1H_500MHz_naphthoic_acid_acetone"
    j = instrumentarium.read(folder / "jcamp/1h.fid.dx")
    b = instrumentarium.read(folder / "1")
    np.testing.assert_array_equal(j.signal, b.signal)
    assert j.acquisition.group_delay_points == b.acquisition.group_delay_points == 53.25
    assert j.raw_parameters["acqus"]["DSPFVS"] == 12


def test_real_jcamp_spectrum_ppm_matches_topspin(shared_data: Path) -> None:
    m = instrumentarium.read(shared_data / DEV / D15 / "1h.dx")
    procs = m.raw_parameters["procs"]
    ppm = m.axes[0].values
    assert ppm[0] == pytest.approx(procs["OFFSET"])
    assert ppm[0] - ppm[1] == pytest.approx(procs["SW_p"] / procs["SF"] / procs["SI"], rel=1e-6)


def test_real_jcamp_2d(shared_data: Path) -> None:
    folder = shared_data / DEV / "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC"
    ser = instrumentarium.read(folder / "hsqced.ser.dx")
    assert ser.shape == (256, 512) and ser.is_complex
    assert [x.name for x in ser.axes] == ["time_f1", "time"]
    ind = ser.acquisition.indirect[0]
    assert (ind.nucleus, ind.acquisition_mode) == ("13C", "Echo-Antiecho")
    assert ser.acquisition.pulse_program == "hsqcedetgp"
    rr = instrumentarium.read(folder / "teaching/hsqced.dx")
    assert rr.shape == (512, 1024)
    assert [x.name for x in rr.axes] == ["chemical_shift_f1", "chemical_shift"]
    assert rr.axes[0].values[0] == pytest.approx(156.3894) and rr.axes[1].values[0] == pytest.approx(6.938189)


def test_real_relaxation_curve(shared_data: Path) -> None:
    folder = shared_data / DEV / "d14_bruker_pseudo2D_T1_inversion_recovery_600MHz"
    m = instrumentarium.read(folder / "1/pdata/1/t1t2.dx")
    assert m.axes[0].name == "delay" and m.shape == (10,) and m.axes[0].values[0] == 10.0


def test_damaged_real_file_is_typed(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / DEV / "d16_jcamp_1H_multiplet_reference_nmr-dataset3/menthol/1h.jdx"
    data = bytearray(src.read_bytes())
    bad = tmp_path / "bad.jdx"
    bad.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(InstrumentariumError):
        JcampNMRReader().read(bad)


def test_truncated_real_ntuples_is_typed(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / DEV / D04 / "jcamp/1h.fid.dx"
    bad = tmp_path / "half.dx"
    bad.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    with pytest.raises(TruncatedFileError, match="VAR_DIM") as info:
        JcampNMRReader().read(bad)
    assert str(bad) in str(info.value)


def test_real_non_bruker_fid_carrier_and_sense(shared_data: Path) -> None:
    m = instrumentarium.read(shared_data / DEV / "d13_jcamp_dx_misc/nanalysis_1h_60MHz_ibuprofen_fid.jdx")
    a = m.acquisition
    assert a.carrier_ppm == pytest.approx(6.0 - 862.0689655 / 2048 / 60.12396860678224)
    # ibuprofen's CH3 doublet (0.9 ppm) is the tallest line: it must land near 0.9 ppm
    n = m.shape[0]
    spec = np.abs(np.fft.fftshift(np.fft.fft(m.signal * np.exp(-3 * np.arange(n) / n))))
    ppm = a.carrier_ppm + (np.arange(n) - n / 2) * a.spectral_width_hz / n / a.spectrometer_frequency_mhz
    assert abs(ppm[np.argmax(spec)] - 0.9) < 0.15
    spinsolve = instrumentarium.read(
        shared_data / DEV / "d11_magritek_spinsolve_1H_80MHz/1D_exp_1_20240725-103717/nmr_fid.dx"
    )
    assert spinsolve.acquisition.carrier_ppm == pytest.approx(4.74)
