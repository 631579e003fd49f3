"""End-to-end check of the reader conventions: TopSpin's recipe applied to what the raw
readers return must reproduce what the processed readers return.

This exercises exactly what processing relies on: the FID as stored, the fractional
``group_delay_points``, ``raw_parameters["procs"]`` and the processed axis orientation and
scaling. The recipe is the one in nmr_dev_v1/MANIFEST.md (the TopSpin convention with the
``360 * frac(G)`` constant term), written out here with numpy only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import Measurement

DEV = "nmr/nmr_dev_v1"


def topspin_1r(fid: Measurement, procs: dict) -> np.ndarray:
    """Real spectrum from a raw FID with TopSpin's procs (EM or no window only)."""
    data = np.asarray(fid.signal, dtype=complex)
    si = int(procs["SI"])
    t = fid.axes[0].values
    if procs.get("WDW") == 1:
        data = data * np.exp(-np.pi * float(procs.get("LB", 0.0)) * t)
    elif procs.get("WDW") not in (0, None):
        pytest.skip(f"window WDW={procs.get('WDW')} not in this check")
    buf = np.zeros(si, dtype=complex)
    buf[: min(si, data.size)] = data[:si]
    spec = np.fft.fftshift(np.fft.fft(buf))
    g = fid.acquisition.group_delay_points or 0.0
    spec = spec * np.exp(2j * np.pi * g * (np.arange(si) / si - 1.0))
    spec = np.roll(spec[::-1], 1)
    phase = np.deg2rad(float(procs["PHC0"]) + float(procs["PHC1"]) * np.arange(si) / si)
    return (spec * np.exp(-1j * phase)).real


def _detrended_r(a: np.ndarray, b: np.ndarray) -> float:
    x = np.linspace(-1, 1, a.size)
    a = a - np.polyval(np.polyfit(x, a, 5), x)
    b = b - np.polyval(np.polyfit(x, b, 5), x)
    return float(np.corrcoef(a, b)[0, 1])


BRUKER = [
    "d01_bruker_1H_300MHz_aspirin_CDCl3/1",
    "d02_bruker_1H_500MHz_cyclosporin_C6D6/1",
    "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10",
    "d06_bruker_13C_151MHz_nmrpy_H2O/1",
    "d07_bruker_31P_243MHz_nmrpy_H2O/2",
    "d08_bruker_1H_600MHz_presat_nmrpy_H2O/3",
    "d09_bruker_1H_400MHz_noesy1d_coffee_extract/22",
]


@pytest.mark.parametrize("folder", BRUKER)
def test_bruker_fid_reproduces_topspin_1r(shared_data: Path, folder: str) -> None:
    fid = instrumentarium.read(shared_data / DEV / folder)
    proc = instrumentarium.read(shared_data / DEV / folder / "pdata/1")
    mine = topspin_1r(fid, dict(proc.raw_parameters["procs"]))
    assert _detrended_r(mine, proc.signal.real) >= 0.9995


JCAMP_PAIRS = [
    ("d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.fid.dx",
     "d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx"),
    ("d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.fid.dx",
     "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.dx"),
    ("d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.fid.dx",
     "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.dx"),
]


@pytest.mark.parametrize(("fid_file", "spec_file"), JCAMP_PAIRS, ids=["d04", "d15-1h", "d15-13c"])
def test_jcamp_fid_reproduces_jcamp_spectrum(shared_data: Path, fid_file: str, spec_file: str) -> None:
    fid = instrumentarium.read(shared_data / DEV / fid_file)
    spec = instrumentarium.read(shared_data / DEV / spec_file)
    procs = dict(spec.raw_parameters["procs"])
    mine = topspin_1r(fid, procs)
    assert mine.size == spec.shape[0]
    assert _detrended_r(mine, spec.signal.real) >= 0.9995
