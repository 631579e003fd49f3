"""2-D measurements in the workstation: contours with ppm on both axes, stacked pseudo-2-D rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, NMRAcquisition
from instrumentarium.web._plot2d import contour_levels, reduce_blocks


def _lorentz2d(f1: np.ndarray, f2: np.ndarray, c1: float, c2: float, w1: float = 0.5,
               w2: float = 0.01) -> np.ndarray:
    return 1 / (1 + ((f1[:, None] - c1) / w1) ** 2) / (1 + ((f2[None, :] - c2) / w2) ** 2)


def hsqc_like(n1: int = 1024, n2: int = 4096, seed: int = 0) -> Measurement:
    """An edited-HSQC-like spectrum: 13C (f1) x 1H (f2) ppm, a CH3 peak up and a CH2 peak down, noise."""
    f1 = np.linspace(160.0, -10.0, n1)
    f2 = np.linspace(10.0, -1.0, n2)
    z = 100 * _lorentz2d(f1, f2, 60.0, 4.12) - 60 * _lorentz2d(f1, f2, 30.0, 1.30)
    z += np.random.default_rng(seed).normal(0, 0.05, z.shape)
    return Measurement("nmr", z, (Axis("chemical_shift_f1", "ppm", f1), Axis("chemical_shift", "ppm", f2)),
                       acquisition=NMRAcquisition(nucleus="1H", title="edited HSQC (synthetic)"))


def t1_series(n_delays: int = 10, n: int = 8192) -> Measurement:
    """Inversion recovery: one line (T1 = 1 s) recovering from -1 to +1 over the delays."""
    delays = np.geomspace(10.0, 0.01, n_delays)
    ppm = np.linspace(10.0, 0.0, n)
    line = 1 / (1 + ((ppm - 3.0) / 0.01) ** 2)
    z = np.array([(1 - 2 * np.exp(-t / 1.0)) * line for t in delays])
    return Measurement("nmr", z, (Axis("delay", "s", delays), Axis("chemical_shift", "ppm", ppm)),
                       acquisition=NMRAcquisition(nucleus="1H", title="T1 inversion recovery (synthetic)"))


def test_block_reduction_keeps_the_largest_magnitude_with_its_sign() -> None:
    z = np.zeros((10, 10))
    z[3, 7], z[8, 1] = 5.0, -9.0
    out, ri, ci = reduce_blocks(z, 5, 5)
    assert out.shape == (5, 5)
    assert out[1, 3] == 5.0 and out[4, 0] == -9.0
    assert list(ri) == [0, 2, 4, 6, 8] and list(ci) == [0, 2, 4, 6, 8]
    odd, _, _ = reduce_blocks(np.arange(7 * 3, dtype=float).reshape(7, 3) * -1, 3, 3)
    assert odd.shape == (3, 3) and odd.min() == -20.0  # the padded edge block keeps its data


def test_contour_levels_are_geometric_from_the_noise_and_mirror_negative_data() -> None:
    z = hsqc_like(512, 2048).signal
    lv = contour_levels(z, n_levels=10)
    pos = np.array(lv["positive"])
    assert np.allclose(pos[1:] / pos[:-1], lv["factor"])
    assert lv["base"] == pytest.approx(max(5 * 0.05, 0.01 * np.abs(z).max()), rel=0.2)
    assert pos[-1] <= z.max() * 1.0001 and lv["negative"] and min(lv["negative"]) >= z.min() * 1.0001
    assert contour_levels(np.abs(z))["negative"] == []


def test_a_1k_by_4k_spectrum_becomes_small_contour_json(client, store) -> None:
    mid = store.add(hsqc_like(), filename="hsqc.nxs")
    r = client.get(f"/api/measurements/{mid}/plot")
    assert r.status_code == 200
    assert len(r.content) < 1_000_000  # 4 M points, 32 MB as float64, in well under 1 MB of JSON
    d = r.json()
    assert d["kind"] == "contour" and d["shape"] == [1024, 4096]
    assert len(d["y"]) * len(d["x"]) <= 131_072 and d["reduced_shape"] == [len(d["y"]), len(d["x"])]
    assert d["axis"]["unit"] == "ppm" and d["axis_f1"]["unit"] == "ppm"
    assert d["axis"]["reversed"] and d["axis_f1"]["reversed"]
    z = np.array(d["z"], dtype=float) * d["z_scale"]
    i, j = np.unravel_index(np.argmax(z), z.shape)
    assert d["y"][i] == pytest.approx(60.0, abs=0.5) and d["x"][j] == pytest.approx(4.12, abs=0.02)
    i, j = np.unravel_index(np.argmin(z), z.shape)  # the negative (CH2) peak survives the reduction
    assert z[i, j] == pytest.approx(-60, rel=0.05)
    assert d["y"][i] == pytest.approx(30.0, abs=0.5) and d["x"][j] == pytest.approx(1.30, abs=0.02)
    assert d["levels"]["negative"] and d["levels"]["positive"]
    small = client.get(f"/api/measurements/{mid}/plot", params={"max_cells": 1024}).json()
    assert len(small["x"]) * len(small["y"]) <= 1024
    page = client.get(f"/measurements/{mid}", headers={"accept": "text/html"}).text
    assert 'id="nmr-tools"' not in page  # the 1-D corrections are not offered for 2-D data


def test_a_pseudo_2d_series_is_stacked_rows(client, store) -> None:
    mid = store.add(t1_series(), filename="t1.nxs")
    d = client.get(f"/api/measurements/{mid}/plot").json()
    assert d["kind"] == "stacked" and len(d["rows"]) == 10
    assert d["rows"][0]["label"] == "delay = 10 s"
    first, last = (np.array(d["rows"][k]["y"], float) for k in (0, -1))
    assert first.max() == pytest.approx(1.0, abs=0.01)  # recovered
    assert last.min() == pytest.approx(-1 + 2 * (1 - np.exp(-0.01)), abs=0.01)  # still inverted
    assert all(len(r["x"]) == len(r["y"]) <= 800 for r in d["rows"])


@pytest.mark.parametrize(("path", "kind", "shape"), [
    ("nmr/nmr_dev_v1/d03_bruker_COSY_500MHz_cyclosporin_C6D6/1/pdata/1", "contour", [1024, 1024]),
    ("nmr/nmr_dev_v1/d14_bruker_pseudo2D_T1_inversion_recovery_600MHz/1/pdata/1", "stacked", [10, 8192]),
    ("nmr/nmr_dev_v1/d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/teaching/hsqced.dx", "contour",
     [512, 1024]),
])
def test_real_2d_spectra(client, store, shared_data: Path, path: str, kind: str, shape: list[int]) -> None:
    from instrumentarium.formats import read

    m = read(shared_data / path)
    m = m[0] if isinstance(m, list) else m
    mid = store.add(m, filename=Path(path).name)
    d = client.get(f"/api/measurements/{mid}/plot").json()
    assert d["kind"] == kind and d["shape"] == shape
    assert d["axis"]["unit"] == "ppm"
    if kind == "contour":
        assert d["axis_f1"]["unit"] == "ppm"
        assert len(json.dumps(d)) < 1_000_000
        if "hsqced" in path:  # multiplicity-edited: CH2 negative, CH/CH3 positive
            assert d["levels"]["negative"] and d["levels"]["positive"]
    else:
        assert d["rows"][0]["label"].startswith("delay")
