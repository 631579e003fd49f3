"""nmrML reader (the dev set has no nmrML file: the tests write their own)."""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import FormatError
from instrumentarium.nmr.readers import NmrmlReader
from instrumentarium.nmr.readers.nmrml import write_nmrml
from instrumentarium.testing import ReaderContract


class TestNmrmlContract(ReaderContract):
    reader = NmrmlReader()


def test_fid_round_trip(tmp_path: Path) -> None:
    m = instrumentarium.read(write_nmrml(tmp_path / "a.nmrML", n=128, sw=4000.0))
    t = np.arange(128) / 4000.0
    np.testing.assert_allclose(m.signal, 1e3 * np.exp(2j * np.pi * 500 * t - t / 0.05))
    a = m.acquisition
    assert (a.nucleus, a.solvent, a.pulse_program, a.n_scans, a.n_dummy_scans) == (
        "1H",
        "CDCl3",
        "zg30",
        16,
        2,
    )
    assert a.spectrometer_frequency_mhz == pytest.approx(400.1318806) and a.base_frequency_mhz == 400.13
    assert a.group_delay_points == pytest.approx(67.9862) and a.temperature_k == 298.1
    assert m.instrument.vendor == "Bruker" and m.raw_parameters["nmrml"]["sweepWidth"]["value"] == "4000.0"


def test_spectrum(tmp_path: Path) -> None:
    m = instrumentarium.read(write_nmrml(tmp_path / "s.nmrML", spectrum=True))
    assert m.axes[0].name == "chemical_shift" and m.axes[0].values[0] == 12.0


def test_damaged_base64_is_typed(tmp_path: Path) -> None:
    p = write_nmrml(tmp_path / "a.nmrML")
    text = p.read_text()
    start = text.index('compressed="true"')
    blob_start = text.index(">", start) + 1
    p.write_text(
        text[:blob_start] + base64.b64encode(b"not zlib").decode() + text[text.index("</fidData>") :]
    )
    with pytest.raises(FormatError, match="decoded"):
        NmrmlReader().read(p)
    p.write_text(text[: len(text) // 2])
    with pytest.raises(FormatError, match="XML"):
        NmrmlReader().read(p)
    assert zlib  # the writer compresses with zlib (nmrML 'compressed="true"')
