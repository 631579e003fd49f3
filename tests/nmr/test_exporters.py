"""NMR exporters: JCAMP-DX read back by nmrglue, NMReDATA tags, CSV tables."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import nmrglue as ng
import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, NMRAcquisition, ProcessingError
from instrumentarium.nmr.analysis import analyze
from instrumentarium.nmr.exporters import CSVExporter, JCAMPExporter, NMReDATAExporter, write_jcamp
from instrumentarium.plugins import exporters


def _spectrum(n: int = 16384) -> Measurement:
    ppm = np.linspace(10.0, -0.5, n)
    hz = ppm * 400.0
    y = np.zeros(n)
    for centre, js, area in ((7.5, (7.8,), 2.0), (1.2, (7.0, 7.0), 3.0)):
        for s in np.array(np.meshgrid(*[[-0.5, 0.5]] * len(js))).reshape(len(js), -1).T:
            y += area / 2 ** len(js) * 0.4 / np.pi / ((hz - centre * 400.0 - s @ np.array(js)) ** 2 + 0.16)
    y += np.random.default_rng(1).normal(0, 1e-4, n)
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=400.0, solvent="CDCl3")
    return Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq)


def test_jcamp_is_read_back_by_nmrglue(tmp_path: Path) -> None:
    m = _spectrum()
    path = write_jcamp(m, tmp_path / "s.jdx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dic, data = ng.jcampdx.read(str(path))
    y = np.asarray(data[0] if isinstance(data, list) else data, dtype=float)
    assert y.shape == m.signal.shape
    assert np.max(np.abs(y - m.signal)) <= 1e-6 * np.max(np.abs(m.signal))
    assert float(dic[".OBSERVEFREQUENCY"][0]) == 400.0
    hz = np.linspace(float(dic["FIRSTX"][0]), float(dic["LASTX"][0]), y.size)
    assert np.allclose(hz / 400.0, m.axes[0].values, atol=1e-6)


def test_jcamp_needs_a_spectrum(tmp_path: Path) -> None:
    m = _spectrum()
    fid = m.replace(axes=(Axis("time", "s", np.arange(m.shape[0]) * 1e-4),))
    with pytest.raises(ProcessingError, match="chemical-shift axis"):
        JCAMPExporter().export(fid, tmp_path / "f.jdx")


def test_nmredata_tags(tmp_path: Path) -> None:
    path = NMReDATAExporter().export(_spectrum(), tmp_path / "s.nmredata.sdf")
    text = path.read_text()
    assert text.rstrip().endswith("$$$$")
    assert ">  <NMREDATA_VERSION>\n1.1" in text
    assert ">  <NMREDATA_SOLVENT>\nCDCl3" in text
    body = text.split(">  <NMREDATA_1D_1H>\n", 1)[1].split("\n\n", 1)[0]
    lines = [ln.rstrip("\\") for ln in body.splitlines()]
    assert lines[0] == "Larmor=400.000000"
    assert lines[1].startswith("7.5000, S=d, N=2, L=s1, J=7.80")
    assert lines[2].startswith("1.2000, S=t, N=3, L=s2, J=7.00")


def test_csv_tables(tmp_path: Path) -> None:
    m = _spectrum()
    path = CSVExporter().export(m, tmp_path / "s.csv")
    with path.open() as fh:
        peaks = list(csv.DictReader(fh))
    with (tmp_path / "s.multiplets.csv").open() as fh:
        mult = list(csv.DictReader(fh))
    a = analyze(m)
    assert len(peaks) == len(a.peaks) >= 5
    compound = [r for r in mult if r["kind"] == "compound"]
    assert [r["multiplicity"] for r in compound] == ["d", "t"]
    assert float(compound[1]["n_h"]) == pytest.approx(3.0, rel=0.01)
    assert compound[0]["j_hz"] == "7.80"


def test_exporters_are_registered() -> None:
    names = set(exporters())
    assert {"nmr-jcamp", "nmr-nmredata", "nmr-csv"} <= names
