"""GSAS powder data: contract, every record type against ground truth, bank checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError, TruncatedFileError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import GsasReader


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
