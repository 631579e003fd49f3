"""Bruker raw (fid/ser) and processed (pdata) readers, on synthetic and real folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import FormatError, MissingParameterError, TruncatedFileError
from instrumentarium.nmr.readers import BrukerProcessedReader, BrukerReader
from instrumentarium.nmr.readers._bruker_synthetic import (
    synthetic_fid,
    write_bruker_experiment,
    write_bruker_pdata,
)
from instrumentarium.testing import ReaderContract

DEV = "nmr/nmr_dev_v1"

# folder, nucleus, SFO1 (MHz, 3 decimals as in the MANIFEST), solvent, pulse program
BRUKER_1D = [
    ("d01_bruker_1H_300MHz_aspirin_CDCl3/1", "1H", 300.132, "CDCl3", "zg30"),
    ("d02_bruker_1H_500MHz_cyclosporin_C6D6/1", "1H", 500.132, "C6D6", "zg30"),
    ("d04_bruker_1H_500MHz_naphthoic_acid_acetone/1", "1H", 500.138, "Acetone", "zg30"),
    ("d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10", "1H", 500.133, "CDCl3", "zg30"),
    ("d06_bruker_13C_151MHz_nmrpy_H2O/1", "13C", 150.918, "H2O", "zgig.bb"),
    ("d07_bruker_31P_243MHz_nmrpy_H2O/2", "31P", 242.937, "H2O", "zgig.bb"),
    ("d08_bruker_1H_600MHz_presat_nmrpy_H2O/3", "1H", 600.133, "H2O", "zgprse.bb"),
    ("d09_bruker_1H_400MHz_noesy1d_coffee_extract/22", "1H", 400.132, "COFFEE_calctemp", "noesygpps1d.comp"),
]
WITH_1R = [f for f, *_ in BRUKER_1D if "d04" not in f]


class TestBrukerContract(ReaderContract):
    reader = BrukerReader()


class TestBrukerProcessedContract(ReaderContract):
    reader = BrukerProcessedReader()


def test_synthetic_fid_round_trip(tmp_path: Path) -> None:
    fid = synthetic_fid(300, 4000.0)
    exp = write_bruker_experiment(tmp_path / "x" / "1", fid=fid)
    m = instrumentarium.read(exp)
    assert m.source.reader == "bruker"
    np.testing.assert_allclose(m.signal, np.round(fid.real) + 1j * np.round(fid.imag))
    np.testing.assert_allclose(m.axes[0].values[1], 1 / 4000.0)
    a = m.acquisition
    assert (a.nucleus, a.solvent, a.pulse_program, a.n_points) == ("1H", "CDCl3", "zg30", 300)
    assert a.group_delay_points == pytest.approx(67.9862060546875)
    assert a.relaxation_delay_s == 1.5 and a.n_scans == 16 and a.n_dummy_scans == 2
    assert a.carrier_ppm == pytest.approx(1880.61 / 400.13)
    assert a.acquired_at is not None and a.acquired_at.tzinfo is not None
    assert m.raw_parameters["acqus"]["GRPDLY"] == 67.9862060546875


@pytest.mark.parametrize("dtype", ["<i4", ">i4", "<f8", ">f8"])
def test_data_types_and_byte_orders(tmp_path: Path, dtype: str) -> None:
    fid = synthetic_fid(200, 4000.0)
    exp = write_bruker_experiment(tmp_path / "x" / "1", n_points=200, fid=fid, dtype=dtype)
    m = BrukerReader().read(exp)
    np.testing.assert_allclose(m.signal, np.round(fid.real) + 1j * np.round(fid.imag))


def test_fid_file_path_means_experiment(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "1")
    assert instrumentarium.read(exp / "fid") == instrumentarium.read(exp)
    assert instrumentarium.read(exp / "acqus").shape == (300,)


def test_table_group_delay_for_old_data(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "1", acqus={"DSPFVS": 10, "DECIM": 24, "GRPDLY": -1})
    assert BrukerReader().read(exp).acquisition.group_delay_points == pytest.approx(61.0208333333)


def test_truncated_fid_is_typed(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "1")
    data = (exp / "fid").read_bytes()
    (exp / "fid").write_bytes(data[:1000])
    with pytest.raises(TruncatedFileError, match="truncated"):
        BrukerReader().read(exp)


def test_missing_acqus_is_typed(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "1")
    (exp / "acqus").unlink()
    assert BrukerReader().sniff(exp) == 0.0
    with pytest.raises(FormatError):
        BrukerReader().read(exp)
    (exp / "acqus").write_text("##TITLE= x\n##$TD= 600\n")
    with pytest.raises(FormatError, match="SW_h"):
        BrukerReader().read(exp)


def test_pseudo2d_and_processed(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "2", n_rows=3, vdlist=[2.0, 0.5, 0.01])
    m = BrukerReader().read(exp)
    assert m.shape == (3, 300)
    assert m.axes[0].name == "delay" and list(m.axes[0].values) == [2.0, 0.5, 0.01]
    assert m.acquisition.indirect[0].acquisition_mode == "QF"


def test_processed_scaling_and_axis(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "1")
    spec = (np.arange(64) - 20.0) * 8.0 + 1j * np.arange(64) * 16.0
    pdir = write_bruker_pdata(exp / "pdata" / "1", spec, nc_proc=-3, offset_ppm=10.0, sw_hz=4001.3)
    m = instrumentarium.read(pdir)
    assert m.source.reader == "bruker-processed"
    np.testing.assert_allclose(m.signal, spec)
    ppm = m.axis("chemical_shift").values
    assert ppm[0] == 10.0 and ppm[1] == pytest.approx(10.0 - 4001.3 / 400.13 / 64)
    assert m.acquisition.nucleus == "1H"  # from ../../acqus
    assert instrumentarium.read(pdir / "1r").shape == (64,)
    (pdir / "procs").unlink()
    with pytest.raises(FormatError):
        BrukerProcessedReader().read(pdir / "1r")


def test_processed_without_procs_number(tmp_path: Path) -> None:
    pdir = write_bruker_pdata(tmp_path / "p" / "1", np.ones(8), procs={"SF": "x"})
    with pytest.raises(MissingParameterError, match="SF"):
        BrukerProcessedReader().read(pdir)


# -- real data ------------------------------------------------------------------------
@pytest.mark.parametrize(("folder", "nucleus", "sfo1", "solvent", "pulprog"), BRUKER_1D)
def test_real_fid_metadata(
    shared_data: Path, folder: str, nucleus: str, sfo1: float, solvent: str, pulprog: str
) -> None:
    m = instrumentarium.read(shared_data / DEV / folder)
    a = m.acquisition
    assert m.source.reader == "bruker" and m.ndim == 1 and m.is_complex
    assert a.nucleus == nucleus and round(a.spectrometer_frequency_mhz, 3) == sfo1
    assert a.solvent == solvent and a.pulse_program == pulprog
    assert m.shape == (a.n_points,)
    assert a.group_delay_points > 40
    assert "procs" in m.raw_parameters or "d04" in folder
    assert m.warnings == ()


def test_real_fractional_group_delay(shared_data: Path) -> None:
    m = instrumentarium.read(shared_data / DEV / "d08_bruker_1H_600MHz_presat_nmrpy_H2O/3")
    assert m.acquisition.group_delay_points == pytest.approx(72.125)  # DSPFVS 12 table


@pytest.mark.parametrize("folder", WITH_1R)
def test_real_1r_equals_nmrglue(shared_data: Path, folder: str) -> None:
    ng = pytest.importorskip("nmrglue")
    pdir = shared_data / DEV / folder / "pdata" / "1"
    m = instrumentarium.read(pdir)
    _, ref = ng.bruker.read_pdata(str(pdir), scale_data=True)
    assert m.source.reader == "bruker-processed"
    np.testing.assert_array_equal(m.signal.real, ref)
    procs = m.raw_parameters["procs"]
    assert m.axes[0].values[0] == procs["OFFSET"] and m.axes[0].is_descending


def test_real_2d(shared_data: Path) -> None:
    cosy = instrumentarium.read(shared_data / DEV / "d03_bruker_COSY_500MHz_cyclosporin_C6D6/1")
    assert cosy.shape == (128, 1024) and [a.name for a in cosy.axes] == ["time_f1", "time"]
    assert cosy.acquisition.indirect[0].nucleus == "1H"
    t1 = instrumentarium.read(shared_data / DEV / "d14_bruker_pseudo2D_T1_inversion_recovery_600MHz/1")
    assert t1.shape == (10, 4096) and t1.axes[0].name == "delay"
    assert t1.axes[0].values[0] == 10.0 and t1.axes[0].values[-1] == pytest.approx(0.01)
    p = instrumentarium.read(shared_data / DEV / "d03_bruker_COSY_500MHz_cyclosporin_C6D6/1/pdata/1")
    assert p.shape == (1024, 1024) and [a.name for a in p.axes] == ["chemical_shift_f1", "chemical_shift"]
    t1_dir = shared_data / DEV / "d14_bruker_pseudo2D_T1_inversion_recovery_600MHz/1"
    p14 = instrumentarium.read(t1_dir / "pdata/1")
    assert p14.shape == (10, 8192) and p14.axes[0].name == "delay" and p14.warnings


def test_3d_is_read_as_rows_with_a_warning(tmp_path: Path) -> None:
    from instrumentarium.nmr.readers._bruker_synthetic import write_bruker_parameters

    exp = write_bruker_experiment(tmp_path / "x" / "3", n_rows=6)
    write_bruker_parameters(exp / "acqu2s", {"TD": 2, "SW_h": 10.0, "FnMODE": 4, "NUC1": "13C"})
    write_bruker_parameters(exp / "acqu3s", {"TD": 3, "SW_h": 10.0, "FnMODE": 4, "NUC1": "15N"})
    m = BrukerReader().read(exp)
    assert m.shape == (6, 300) and "3D experiment" in m.warnings[0]


def test_dataset_folder(tmp_path: Path) -> None:
    write_bruker_experiment(tmp_path / "ds" / "10")
    assert instrumentarium.read(tmp_path / "ds").source.paths[0].endswith("10/acqus")
    write_bruker_experiment(tmp_path / "ds" / "11")
    with pytest.raises(FormatError, match="10, 11"):
        instrumentarium.read(tmp_path / "ds")


def test_real_peaklist(shared_data: Path) -> None:
    m = instrumentarium.read(
        shared_data / DEV / "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1"
    )
    peaks = m.raw_parameters["peaklist"]
    assert len(peaks) == 255 and peaks[0] == {"F1": 12.264329, "intensity": 7.012629e-04, "type": 0}
    ppm, y = m.axes[0].values, m.signal.real
    at_maxima = 0
    for p in peaks:  # TopSpin's peaks sit on 1r maxima within a point (MANIFEST: 250/255)
        j = int(np.argmin(np.abs(ppm - p["F1"])))
        at_maxima += int(np.argmax(y[max(j - 2, 0) : j + 3]) in (1, 2, 3))
    assert at_maxima >= 250
    raw = instrumentarium.read(shared_data / DEV / "d04_bruker_1H_500MHz_naphthoic_acid_acetone/1")
    assert len(raw.raw_parameters["peaklist"]) == 15


def test_damaged_peaklist_is_typed(tmp_path: Path) -> None:
    exp = write_bruker_experiment(tmp_path / "x" / "1")
    pdir = write_bruker_pdata(exp / "pdata" / "1", np.ones(16))
    (pdir / "peaklist.xml").write_text("<PeakList><Peak1D F1=")
    with pytest.raises(FormatError, match="XML"):
        instrumentarium.read(pdir)
