"""JEOL Delta reader (real file only: there is no JDF writer to make synthetic ones)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import TruncatedFileError
from instrumentarium.nmr.readers import JeolReader
from instrumentarium.nmr.readers.jeol import copy_example, jeol_group_delay
from instrumentarium.testing import ReaderContract
from instrumentarium.testing._reader_contract import check_bad_bytes, check_examples

D12 = "nmr/nmr_dev_v1/d12_jeol_1H_400MHz_rutin_DMSO/Rutin_3080ug200uL_DMSOd6_qHNMR_400MHz_Jeol.jdf"


class TestJeolContract(ReaderContract):
    reader = JeolReader()


def test_contract_on_a_copy_of_the_real_file(shared_data: Path, tmp_path: Path) -> None:
    paths = copy_example(shared_data / D12, tmp_path / "ex")
    check_examples(JeolReader(), paths)
    check_bad_bytes(JeolReader(), paths, tmp_path / "damaged")


def test_group_delay_formula() -> None:
    assert jeol_group_delay("25473", "82") == pytest.approx(53 / 32 + 72 / 4)
    assert jeol_group_delay("1", "") is None and jeol_group_delay(None, None) is None


def test_truncated_is_typed(shared_data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jdf"
    bad.write_bytes((shared_data / D12).read_bytes()[:100_000])
    with pytest.raises(TruncatedFileError):
        JeolReader().read(bad)


def test_real_jeol(shared_data: Path) -> None:
    ng = pytest.importorskip("nmrglue")
    m = instrumentarium.read(shared_data / D12)
    a = m.acquisition
    assert m.source.reader == "jeol" and m.shape == (32768,) and m.is_complex
    assert (a.nucleus, round(a.spectrometer_frequency_mhz, 3), a.solvent, a.pulse_program) == (
        "1H", 399.782, "DMSO-D6", "single_pulse_dec")
    assert a.group_delay_points == pytest.approx(19.65625)
    assert int(np.argmax(np.abs(m.signal[:100]))) == 20  # the filter delay as seen in the FID
    assert m.instrument.vendor == "JEOL" and m.warnings == ()
    _, ref = ng.jeol.read(str(shared_data / D12))
    np.testing.assert_array_equal(m.signal, ref)
