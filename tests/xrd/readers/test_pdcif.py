"""Powder CIF: contract, loop and range layouts, the NIST SRM 660c certification file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import PdCifReader


class TestPdCifContract(ReaderContract):
    reader = PdCifReader()


def test_loop_and_range_layouts_agree(tmp_path: Path) -> None:
    a, b = (PdCifReader().read(p)[0] for p in PdCifReader().examples(tmp_path))
    assert np.allclose(a.axis("two_theta").values, b.axis("two_theta").values)
    assert a.signal.tolist() == b.signal.tolist()  # the s.u. "(35)" is not part of the value
    acq = a.acquisition
    assert (acq.wavelength_angstrom, acq.wavelength2_angstrom, acq.ka2_ka1_ratio) == (1.540593, 1.544414, 0.5)
    assert acq.anode == "Cu" and acq.step_deg == pytest.approx(0.02) and a.sample.name == "quartz"


def test_structure_cif_is_not_claimed(tmp_path: Path) -> None:
    p = tmp_path / "quartz.cif"
    p.write_text("data_quartz\n_cell_length_a 4.913\nloop_\n_atom_site_label\n_atom_site_fract_x\nSi 0.47\n")
    assert PdCifReader().sniff(p) == 0.0
    with pytest.raises(FormatError, match="no data block"):
        PdCifReader().read(p)


def test_range_that_does_not_fit_the_points(tmp_path: Path) -> None:
    _, b = PdCifReader().examples(tmp_path)
    bad = tmp_path / "bad.cif"
    bad.write_text(b.read_text().replace("_pd_meas_2theta_range_max 21.18", "_pd_meas_2theta_range_max 30"))
    with pytest.raises(FormatError, match="do not end at"):
        PdCifReader().read(bad)


def test_nist_srm660c_measured_block(shared_data: Path) -> None:
    (m,) = PdCifReader().read(shared_data / "xrd/measured/pdcif/nist/nist_srm660c_100a.cif")
    x = m.axis("two_theta").values
    assert x.size == 5332 and x[0] == pytest.approx(20.3) and x[-1] == pytest.approx(150.908)
    assert m.signal[:2].tolist() == [19.0, 10.5]  # the measured block, not the calculated one
    assert m.raw_parameters["skipped_blocks"] == ["pd_proc_660_cert_cif_mosaic_consensus_100a_calc"]
    acq = m.acquisition
    assert acq.anode == "Cu" and acq.wavelength_angstrom == pytest.approx(1.5405929) and m.warnings
    assert acq.goniometer_radius_mm == 217.5 and acq.monochromator_angle_deg == 26.6
    assert acq.step_deg is None  # 24 stitched regions with different steps
    assert m.sample.formula == "B6 La"


def test_non_utf8_text_is_a_format_error(tmp_path: Path) -> None:
    a, _ = PdCifReader().examples(tmp_path)
    bad = tmp_path / "latin.cif"
    bad.write_bytes(a.read_bytes().replace(b"'quartz'", b"'qu\x91rtz'"))
    with pytest.raises(FormatError, match="UTF-8"):
        PdCifReader().read(bad)


def test_su_in_parentheses_become_the_signal_errors(tmp_path: Path) -> None:
    p = tmp_path / "su.cif"
    p.write_text("data_x\n_diffrn_radiation_type 'Cu K\\a'\nloop_\n_pd_meas_2theta_scan\n_pd_meas_intensity_total\n"
                 "10.00 1234(35)\n10.02 12.3(4)\n10.04 1.5e2(3)\n10.06 7(1)\n10.08 0.25(12)\n")
    (m,) = PdCifReader().read(p)
    assert m.signal.tolist() == [1234.0, 12.3, 150.0, 7.0, 0.25]
    assert m.signal_errors.tolist() == pytest.approx([35.0, 0.4, 30.0, 1.0, 0.12])
    # one value without s.u.: no errors at all (they must cover every point)
    p.write_text(p.read_text().replace("7(1)", "7"))
    (m,) = PdCifReader().read(p)
    assert m.signal_errors is None


def test_nist_least_squares_weights_give_the_errors(shared_data: Path) -> None:
    (m,) = PdCifReader().read(shared_data / "xrd/measured/pdcif/nist/nist_srm660c_100a.cif")
    # _pd_proc_ls_weight = 1/sigma^2: first points 19.00 (w 0.103) and 10.50 (w 0.181)
    assert m.signal_errors[:2].tolist() == pytest.approx([1 / np.sqrt(0.103), 1 / np.sqrt(0.181)])
    assert m.signal_errors.shape == m.signal.shape and np.all(m.signal_errors > 0)
