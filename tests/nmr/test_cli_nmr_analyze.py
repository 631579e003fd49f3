"""``instrumentarium nmr-analyze`` on a processed spectrum saved as NeXus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from instrumentarium.cli import main
from instrumentarium.formats import save
from instrumentarium.model import Axis, Measurement, NMRAcquisition


def _nxs(tmp_path: Path) -> Path:
    ppm = np.linspace(10.0, -0.5, 16384)
    hz = ppm * 400.0
    y = 0.4 / np.pi / ((hz - 2.0 * 400.0) ** 2 + 0.16) * 3.0
    for s in (-3.5, 3.5):
        y += 0.4 / np.pi / ((hz - 7.0 * 400.0 - s) ** 2 + 0.16)
    y += np.random.default_rng(0).normal(0, 1e-4, y.size)
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=400.0, solvent="CDCl3")
    m = Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq)
    return save(m, tmp_path / "s.nxs")


def test_json_report_and_exports(tmp_path: Path) -> None:
    path = _nxs(tmp_path)
    html, jdx = tmp_path / "r.html", tmp_path / "s.jdx"
    res = CliRunner().invoke(
        main, ["nmr-analyze", str(path), "--json", "--report", str(html), "--export", str(jdx)]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["analysis"]["report"] == "1H NMR (400 MHz, CDCl3) δ 7.00 (d, J = 7.0 Hz, 2H), 2.00 (s, 3H)."
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert html.with_suffix(".png").stat().st_size > 1000
    assert jdx.read_text().startswith("##TITLE=")


def test_bad_reference_is_one_line_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["nmr-analyze", str(_nxs(tmp_path)), "--reference", "3.4"])
    assert res.exit_code != 0
    assert "PPM:NH" in res.output


def test_formula_option_tells_two_methyl_singlets_from_a_doublet(tmp_path: Path) -> None:
    # two 3H singlets 12 Hz apart (400 MHz) read as a 6H doublet unless the formula rules out P/F
    ppm = np.linspace(10.0, -0.5, 32768)
    hz = ppm * 400.0
    y = sum(0.4 / np.pi / ((hz - c) ** 2 + 0.16) * 3.0 for c in (2.0 * 400.0, 3.0 * 400.0 - 6.0, 3.0 * 400.0 + 6.0))
    y = y + np.random.default_rng(0).normal(0, 1e-4, y.size)
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=400.0, solvent="CDCl3")
    path = save(Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq), tmp_path / "m.nxs")
    res = CliRunner().invoke(main, ["nmr-analyze", str(path), "--json", "--reference", "2.0:3"])
    assert res.exit_code == 0, res.output
    assert "3.00 (d, J = 12.0 Hz, 6H)" in json.loads(res.output)["analysis"]["report"]
    args = ["nmr-analyze", str(path), "--json", "--reference", "2.0:3", "--formula", "C8H18N2O2"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "3.02 (s, 3H), 2.98 (s, 3H), 2.00 (s, 3H)" in json.loads(res.output)["analysis"]["report"]
