"""GSAS powder data: contract, every record type against ground truth, bank checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError, TruncatedFileError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import GsasReader
from instrumentarium.xrd.readers.gsas import read_gsas
from instrumentarium.xrd.readers.gsas_prm import read_prm


class TestGsasContract(ReaderContract):
    reader = GsasReader()


def test_std_esd_alt_fxye_agree(tmp_path: Path) -> None:
    ms = [GsasReader().read(p)[0] for p in GsasReader().examples(tmp_path)]
    truth_x = 20.0 + 0.02 * np.arange(45)
    truth_y = np.round(40 + 900 * np.exp(-0.5 * ((truth_x - 20.44) / 0.05) ** 2))
    for m in ms:
        assert np.allclose(m.axis("two_theta").values, truth_x, atol=1e-4), m.source.format
        assert np.allclose(m.signal, truth_y, atol=0.5), m.source.format
    assert ms[0].acquisition.anode == "Cu" and ms[0].acquisition.step_deg == pytest.approx(0.02)


def test_std_count_field_and_two_banks(tmp_path: Path) -> None:
    p = tmp_path / "two.gsa"
    line = "".join(f"{v:8d}" for v in range(1, 11))
    p.write_text(
        "title\nBANK 1 10 1 CONST 1000 5 0 0 STD\n"
        + line
        + "\nBANK 2 10 1 CONST 3000 5 0 0 STD\n"
        + " 2   100" * 10
        + "\n"
    )
    a, b = GsasReader().read(p)
    assert a.signal.tolist() == list(map(float, range(1, 11)))
    assert b.signal.tolist() == [100.0] * 10  # "I2" count field (2) is not part of the value
    assert b.axis("two_theta").values[0] == 30.0 and b.acquisition.n_scans == 2


def test_missing_points_are_truncation(tmp_path: Path) -> None:
    p = tmp_path / "cut.gsa"
    p.write_text("title\nBANK 1 20 2 CONST 1000 5 0 0 STD\n" + "     100" * 10 + "\n")
    with pytest.raises(TruncatedFileError, match="20 points"):
        GsasReader().read(p)


def test_time_of_flight_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "tof.gsa"
    p.write_text("title\nBANK 1 10 1 RALF 1000 5 0 0 ALT\n")
    with pytest.raises(FormatError, match="only CONST"):
        GsasReader().read(p)


def test_real_pbso4_round_robin(shared_data: Path) -> None:
    (m,) = GsasReader().read(shared_data / "xrd/measured/gsas/gsas2_tutorials/PBSO4.XRA")
    x = m.axis("two_theta").values
    assert x.size == 6001 and x[0] == 10.0 and x[-1] == pytest.approx(160.0)
    assert m.signal[:3].tolist() == [179.0, 147.0, 165.0]


def test_esd_alt_fxye_keep_the_uncertainties(tmp_path: Path) -> None:
    std, esd, alt, fxye = (GsasReader().read(p)[0] for p in GsasReader().examples(tmp_path))
    assert std.signal_errors is None  # STD records hold no e.s.d.
    truth = np.sqrt(esd.signal)
    assert np.allclose(esd.signal_errors, truth, atol=0.005)  # F8.2
    assert np.allclose(alt.signal_errors, truth, atol=0.0006)  # F5 x 1000
    assert np.allclose(fxye.signal_errors, truth, atol=0.0005)


def test_esd_values_are_taken_from_the_file_not_recomputed(tmp_path: Path) -> None:
    p = tmp_path / "scaled.gsa"
    # normalised data: e.s.d. is not sqrt(intensity)
    pairs = "".join(f"{v:8.2f}{e:8.3f}" for v, e in [(10.0, 0.5), (20.0, 0.7), (40.0, 1.0), (30.0, 0.9), (12.0, 0.6)])
    p.write_text(f"scaled\nBANK 1 5 1 CONST 1000 5 0 0 ESD\n{pairs}\n")
    (m,) = GsasReader().read(p)
    assert m.signal.tolist() == [10.0, 20.0, 40.0, 30.0, 12.0]
    assert m.signal_errors.tolist() == [0.5, 0.7, 1.0, 0.9, 0.6]


PRM = """            123456789012345678901234567890123456789012345678901234567890
INS   BANK      1
INS   HTYPE   PXCR
INS  1 IRAD     {irad}
INS  1 ICONS  {lam1:8.6f}  {lam2:8.6f}      {zero:4.1f}         0       0.7    0       {ratio:3.1f}
INS  1PRCF1     3    8      0.01
INS  1PRCF11   2.000000E+00  -2.000000E+00   5.000000E+00   0.100000E+00
"""


def _pattern(tmp_path: Path, name: str, title: str, second_line: str = "") -> Path:
    p = tmp_path / name
    p.write_text(f"{title}\n{second_line}BANK 1 10 1 CONST 1000 5 0 0 STD\n" + "     100" * 10 + "\n")
    return p


def test_prm_named_by_the_data_file_gives_the_wavelengths(tmp_path: Path) -> None:
    (tmp_path / "INST_CO.PRM").write_text(PRM.format(irad=7, lam1=1.78897, lam2=1.79285, zero=1.5, ratio=0.5))
    p = _pattern(tmp_path, "sample.gsa", "sample", "Instrument parameter file:inst_co.prm\n")
    (m,) = GsasReader().read(p)
    acq = m.acquisition
    assert (acq.wavelength_angstrom, acq.wavelength2_angstrom, acq.ka2_ka1_ratio) == (1.78897, 1.79285, 0.5)
    assert acq.anode == "Co"
    info = m.raw_parameters["instrument_parameters"]
    assert info["file"] == "INST_CO.PRM" and info["zero_deg"] == pytest.approx(0.015)
    assert info["polarisation"] == 0.7
    assert not m.warnings


def test_prm_with_the_same_stem_is_used_and_a_stranger_is_not(tmp_path: Path) -> None:
    (tmp_path / "other.prm").write_text(PRM.format(irad=3, lam1=1.5405, lam2=1.5443, zero=0.0, ratio=0.5))
    p = _pattern(tmp_path, "mono.gsa", "Sample ID - Anode and Instrument")
    (m,) = GsasReader().read(p)
    assert m.acquisition.wavelength_angstrom is None
    assert any("other.prm" in w and "not used" in w for w in m.warnings)
    (tmp_path / "mono.prm").write_text(PRM.format(irad=3, lam1=1.5405929, lam2=0.0, zero=0.0, ratio=0.0))
    (m,) = GsasReader().read(p)
    assert m.acquisition.wavelength_angstrom == 1.540593  # F10.6 in the file
    assert m.acquisition.wavelength2_angstrom is None and m.acquisition.ka2_ka1_ratio == 0.0


def test_prm_contradicting_the_title_is_not_applied(tmp_path: Path) -> None:
    (tmp_path / "cu.prm").write_text(PRM.format(irad=4, lam1=0.70930, lam2=0.71359, zero=0.0, ratio=0.5))
    p = _pattern(tmp_path, "cu.gsa", "quartz Cu Ka X-ray data")
    (m,) = GsasReader().read(p)
    assert m.acquisition.wavelength_angstrom == pytest.approx(1.5405929)  # from the title's anode
    assert any("Mo radiation but the title names Cu" in w for w in m.warnings)
    # given explicitly it is used, with the contradiction recorded
    (m,) = read_gsas(p, instrument_parameters=tmp_path / "cu.prm")
    assert m.acquisition.wavelength_angstrom == 0.7093
    assert any("used as asked" in w for w in m.warnings)


def test_prm_that_is_not_for_xray_constant_wavelength(tmp_path: Path) -> None:
    bad = tmp_path / "tof.prm"
    bad.write_text("INS   HTYPE   PNTR\nINS  1 ICONS  7000.0  -1.0  0.0\n")
    p = _pattern(tmp_path, "tof.gsa", "x Cu Ka")
    with pytest.raises(FormatError, match="PXC"):
        read_gsas(p, instrument_parameters=bad)
    with pytest.raises(FormatError, match="not a GSAS instrument parameter file"):
        read_prm(p)


def test_real_tutorial_files_and_their_parameter_file(shared_data: Path) -> None:
    folder = shared_data / "xrd/measured/gsas/gsas2_tutorials"
    prm = read_prm(folder / "INST_XRY.PRM")
    assert (prm.wavelength_angstrom, prm.wavelength2_angstrom, prm.ka2_ka1_ratio) == (1.5405, 1.5443, 0.5)
    assert prm.anode == "Cu" and prm.zero_deg == 0.0 and prm.caglioti_uvw_centideg2 == (2.0, -2.0, 5.0)
    # INST_XRY.PRM belongs to the PbSO4 round-robin data (CWCombined tutorial), not to NIST660CBI
    (m,) = GsasReader().read(folder / "NIST660CBI.gsas")
    assert m.acquisition.wavelength_angstrom is None
    assert any("INST_XRY.PRM" in w and "not used" in w for w in m.warnings)
    (m,) = read_gsas(folder / "PBSO4.XRA", instrument_parameters=folder / "INST_XRY.PRM")
    assert m.acquisition.wavelength_angstrom == 1.5405 and m.acquisition.wavelength2_angstrom == 1.5443
