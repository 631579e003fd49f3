"""XRDML reader: contract, synthetic ground truth, and the real PANalytical files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import XrdmlReader


class TestXrdmlContract(ReaderContract):
    reader = XrdmlReader()


def test_start_end_positions_and_metadata(tmp_path: Path) -> None:
    one, _ = XrdmlReader().examples(tmp_path)
    (m,) = XrdmlReader().read(one)
    x = m.axis("two_theta").values
    assert x[0] == 20.0 and x[-1] == 21.0 and x.size == 11
    assert np.allclose(np.diff(x), 0.1)
    assert m.signal[4] == 90.0 and m.signal_unit == "counts"
    a = m.acquisition
    assert a.wavelength_angstrom == 1.540598 and a.wavelength2_angstrom == 1.544426
    assert a.ka2_ka1_ratio == 0.5 and a.anode == "Cu" and a.goniometer_radius_mm == 240.0
    assert a.slit_mode == "fixed" and a.divergence_slit_deg == 0.5
    assert a.time_per_step_s == 1.0 and a.step_deg == pytest.approx(0.1)
    assert a.acquired_at is not None and a.acquired_at.utcoffset().total_seconds() == 3 * 3600
    assert m.sample.name == "quartz"
    assert m.raw_parameters["xrdMeasurement/usedWavelength/kAlpha1"] == "1.5405980"


def test_list_positions_attenuation_and_two_scans(tmp_path: Path) -> None:
    _, two = XrdmlReader().examples(tmp_path)
    scans = XrdmlReader().read(two)
    assert len(scans) == 2 and all(s.acquisition.n_scans == 2 for s in scans)
    b = scans[1]
    assert np.allclose(b.axis("two_theta").values, [30.0, 30.1, 30.2, 30.3])
    assert b.signal.tolist() == [5.0, 7.0, 3000.0, 6.0]  # 300 counts behind a 10x attenuator
    assert b.raw_parameters["reader_corrections"]
    assert b.acquisition.time_per_step_s == 2.0


def test_mismatched_lengths_raise(tmp_path: Path) -> None:
    _, two = XrdmlReader().examples(tmp_path)
    bad = tmp_path / "bad.xrdml"
    bad.write_text(two.read_text().replace("1 1 10 1", "1 1 10"))
    with pytest.raises(FormatError, match="beamAttenuationFactors"):
        XrdmlReader().read(bad)


def test_real_empyrean_file(shared_data: Path) -> None:
    path = shared_data / "xrd/measured/xrdml/xylib_samples/empyrean.xrdml"
    (m,) = XrdmlReader().read(path)
    x = m.axis("two_theta").values
    assert x.size == 196 and x[0] == pytest.approx(30.05) and x[-1] == pytest.approx(41.75)
    assert m.acquisition.divergence_slit_deg == pytest.approx(1 / 32)
    assert m.instrument.model == "EMPYREAN" and m.instrument.vendor == "PANalytical"


def test_automatic_divergence_slit(tmp_path: Path) -> None:
    one, _ = XrdmlReader().examples(tmp_path)
    auto = tmp_path / "auto.xrdml"
    auto.write_text(
        one.read_text().replace(
            '<divergenceSlit name="Fixed slit 1/2°" xsi:type="fixedDivergenceSlitType"/>',
            '<divergenceSlit name="PDS" xsi:type="automaticDivergenceSlitType">'
            '<irradiatedLength unit="mm">10.00</irradiatedLength></divergenceSlit>',
        )
    )
    (m,) = XrdmlReader().read(auto)
    assert m.acquisition.slit_mode == "automatic" and m.acquisition.irradiated_length_mm == 10.0
    assert m.acquisition.divergence_slit_deg is None


def test_omega_scan_keeps_its_axis(tmp_path: Path) -> None:
    one, _ = XrdmlReader().examples(tmp_path)
    rock = tmp_path / "rock.xrdml"
    rock.write_text(
        one.read_text()
        .replace('scanAxis="Gonio"', 'scanAxis="Omega"')
        .replace(
            "</positions>",
            '</positions><positions axis="Omega" unit="deg"><startPosition>10</startPosition>'
            "<endPosition>11</endPosition></positions>",
            1,
        )
    )
    (m,) = XrdmlReader().read(rock)
    assert m.axes[0].name == "omega" and m.axes[0].values[-1] == 11.0


def test_varying_counting_times_give_a_rate(tmp_path: Path) -> None:
    _, two = XrdmlReader().examples(tmp_path)
    p = tmp_path / "times.xrdml"
    p.write_text(
        two.read_text().replace(
            '<commonCountingTime unit="seconds">2.0</commonCountingTime>',
            '<countingTimes unit="seconds">1 1 2 0.5</countingTimes>',
        )
    )
    b = XrdmlReader().read(p)[1]
    assert b.signal_unit == "counts/s" and b.signal.tolist() == [5.0, 7.0, 1500.0, 12.0]
    assert b.acquisition.time_per_step_s is None and len(b.raw_parameters["reader_corrections"]) == 2
