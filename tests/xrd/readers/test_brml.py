"""Bruker BRML: contract, several scans, the absorber channel."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import BrmlReader


class TestBrmlContract(ReaderContract):
    reader = BrmlReader()


def test_two_scans_and_raw_counts_behind_the_absorber(tmp_path: Path) -> None:
    (p,) = BrmlReader().examples(tmp_path)
    a, b = BrmlReader().read(p)
    x = np.round(20.0 + 0.02 * np.arange(50), 4)
    truth = np.round(20 + 800 * np.exp(-0.5 * ((x - 20.5) / 0.04) ** 2))
    assert np.allclose(a.axis("two_theta").values, x) and a.signal.tolist() == truth.tolist()
    assert "reader_corrections" not in a.raw_parameters
    behind = truth > 300
    assert np.allclose(b.signal[~behind], truth[~behind])
    assert np.allclose(b.signal[behind], np.round(truth[behind] / 10) * 10)  # counts x factor 10
    assert b.raw_parameters["reader_corrections"]
    acq = a.acquisition
    assert acq.n_scans == 2 and acq.anode == "Cu" and acq.goniometer_radius_mm == 280.0
    assert acq.time_per_step_s == 0.5 and acq.acquired_at is not None and a.sample.name == "quartz"


def test_archive_without_raw_data(tmp_path: Path) -> None:
    p = tmp_path / "empty.brml"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("experimentCollection.xml", "<ExperimentCollection/>")
    assert BrmlReader().sniff(p) == pytest.approx(0.0)
    with pytest.raises(FormatError, match="RawData"):
        BrmlReader().read(p)


def test_real_hrxrd_scan_counts_already_scaled(shared_data: Path) -> None:
    (m,) = BrmlReader().read(
        shared_data / "xrd/measured/brml/fairmat_readers_xrd/23-012-AG_2thomegascan_long.brml"
    )
    x = m.axis("two_theta").values
    assert x.size == 2001 and x[0] == 44.0 and x[-1] == 48.0
    i = 895  # behind the 8.3x absorber: 213600.5 = 25735 x 8.3, already scaled in the file
    assert m.signal[i] == pytest.approx(213600.5)
    assert "already scaled" in m.raw_parameters["absorber"]
    assert m.acquisition.scan_axis == "TwoThetaOmegaScan" and m.acquisition.wavelength_angstrom == 1.5406
    assert m.acquisition.duration_s == pytest.approx(2030.4, abs=0.1)  # TimeStampStarted..Finished
