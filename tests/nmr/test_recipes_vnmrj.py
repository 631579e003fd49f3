"""Vendor recipe for Agilent/Varian VnmrJ data: synthetic .fid folders and the dev set's d10."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import find_peaks

import instrumentarium
from instrumentarium.model import RecipeError
from instrumentarium.nmr.recipes import auto_recipe, vendor_recipe
from instrumentarium.pipeline import Recipe, RecipeStep

D10 = "nmr/nmr_dev_v1/d10_varian_31P_243MHz_nmrpy/test2.fid"
SW, SFRQ, REFFRQ = 6000.0, 400.1, 400.098  # Hz, MHz, MHz: carrier at +5 ppm


def write_vnmrj(folder: Path, fid: np.ndarray, params: dict[str, tuple[str, bool]]) -> Path:
    """A VnmrJ .fid folder holding ``fid`` (our frequency sense) and procpar ``params``.

    ``params``: name -> (value as written in procpar, active). Strings are quoted values.
    """
    folder.mkdir(parents=True, exist_ok=True)
    n = fid.size
    inter = np.empty(2 * n, dtype=">f4")
    inter[0::2], inter[1::2] = fid.real, -fid.imag  # VnmrJ stores the opposite frequency sense
    head = struct.pack(">6i2hi", 1, 1, 2 * n, 4, 8 * n, 8 * n + 28, 0, 0x8 | 0x1 | 0x40, 1)
    (folder / "fid").write_bytes(head + bytes(28) + inter.tobytes())
    lines = []
    for name, (value, active) in params.items():
        basic = 2 if value.startswith('"') else 1
        lines += [f"{name} 1 {basic} 1e+30 -1e+30 0 2 1 0 {int(active)} 64", f"1 {value}", "0"]
    (folder / "procpar").write_text("\n".join(lines) + "\n")
    return folder


def base_params(**changes: tuple[str, bool]) -> dict[str, tuple[str, bool]]:
    rfl = SW / 2 - (SFRQ - REFFRQ) * 1e6  # reference line at 0 ppm: the reader's own axis
    p = {
        "sw": (str(SW), True), "sfrq": (str(SFRQ), True), "reffrq": (str(REFFRQ), True), "np": ("8192", True),
        "tn": ('"H1"', True), "seqfil": ('"s2pul"', True), "proc": ('"ft"', True),
        "rp": ("0", True), "lp": ("0", True), "lb": ("1", True), "gf": ("0.1", False), "gfs": ("0", False),
        "sb": ("0", False), "sbs": ("0", False), "awc": ("0", False), "fn": ("16384", True),
        "fpmult": ("1", False), "lsfid": ("0", False), "rfl": (str(rfl), True), "rfp": ("0", True),
    }
    p.update(changes)
    return p


def synthetic_fid(lines_hz: list[float], p0_deg: float, p1_deg: float, n: int = 4096) -> np.ndarray:
    """Lines at ``lines_hz`` from the carrier, each turned by the phase that TopSpin's
    (PHC0, PHC1) = (p0_deg, p1_deg) corrects at its place in the spectrum."""
    t = np.arange(n) / SW
    fid = np.zeros(n, complex)
    for nu in lines_hz:
        x = (SW / 2 - nu) / SW  # fraction of the spectrum from the high-ppm edge
        fid += np.exp(2j * np.pi * nu * t - t / 0.3 + 1j * np.deg2rad(p0_deg + p1_deg * x))
    return fid


def peak_report(out, expected_ppm: list[float]):
    axis, spec = out.axes[0].values, np.asarray(out.signal)
    step = axis[0] - axis[1]
    found = []
    for ppm in expected_ppm:
        near = np.flatnonzero(np.abs(axis - ppm) < 0.05)
        i = near[np.argmax(spec.real[near])]
        found.append((axis[i], np.rad2deg(np.angle(spec[i]))))
    return step, found


def test_vnmrj_recipe_phases_and_references_a_synthetic_fid(tmp_path: Path) -> None:
    # lines on the spectrum's grid (SW/8192 Hz apart), so the phase at the top point is the line's
    lines_hz = [k * SW / 8192 for k in (-2731, -819, 410, 2867)]
    rp, lp = 40.0, -120.0  # VnmrJ: TopSpin PHC0 = -(rp + lp) = 80, PHC1 = lp = -120
    fid = synthetic_fid(lines_hz, 80.0, -120.0)
    params = base_params(rp=(str(rp), True), lp=(str(lp), True), rfp=(str(0.5 * REFFRQ), True))
    m = instrumentarium.read(write_vnmrj(tmp_path / "s.fid", fid, params))
    out = instrumentarium.process(m, recipe="vendor")
    assert [p.step for p in out.provenance] == ["nmr.vnmrj_weighting", "nmr.zero_fill", "nmr.fourier_transform",
                                               "nmr.phase", "nmr.set_ppm_axis"]
    assert out.shape == (8192,)  # fn/2
    ph = next(p.parameters for p in out.provenance if p.step == "nmr.phase")
    assert (ph["p0_deg"], ph["p1_deg"]) == (80.0, -120.0)
    carrier = (SFRQ - REFFRQ) / REFFRQ * 1e6
    # rfp = 0.5 ppm in Hz: every line 0.5 ppm above where the raw axis puts it
    expected = [carrier + nu / REFFRQ + 0.5 for nu in lines_hz]
    step, found = peak_report(out, expected)
    for ppm, (at, phase_deg) in zip(expected, found):
        assert abs(at - ppm) <= step + 1e-9
        assert abs(phase_deg) < 1.0, (ppm, phase_deg)
    w = next(p.parameters for p in out.provenance if p.step == "nmr.vnmrj_weighting")
    assert w["lb_hz"] == 1.0 and w["gf_s"] is None and w["sb_s"] is None  # inactive: not used


def test_vnmrj_recipe_defaults_and_inactive_parameters(tmp_path: Path) -> None:
    fid = synthetic_fid([500.0], 0.0, 0.0, n=3000)
    params = base_params(fn=("65536", False), lb=("5", False), lsfid=("-2", True), fpmult=("1.0", True))
    m = instrumentarium.read(write_vnmrj(tmp_path / "d.fid", fid, params))
    r = vendor_recipe(m)
    p = {s.step: s.parameters for s in r.steps}
    assert p["nmr.zero_fill"]["size"] == 4096  # fn inactive: next power of two of np/2 = 3000
    assert p["nmr.left_shift"]["points"] == -2
    assert p["nmr.fourier_transform"]["first_point_factor"] == 1.0
    assert all(v is None for v in p["nmr.vnmrj_weighting"].values())
    out = r.run(m)
    assert out.shape == (4096,)


def test_vnmrj_recipe_refuses_what_it_cannot_reproduce(tmp_path: Path) -> None:
    fid = synthetic_fid([500.0], 0.0, 0.0, n=256)
    m = instrumentarium.read(write_vnmrj(tmp_path / "lp.fid", fid, base_params(proc=('"lp"', True))))
    with pytest.raises(RecipeError, match="proc"):
        vendor_recipe(m)
    params = base_params()
    del params["rp"]
    m = instrumentarium.read(write_vnmrj(tmp_path / "norp.fid", fid, params))
    with pytest.raises(RecipeError, match="rp/lp"):
        vendor_recipe(m)


def test_vnmrj_recipe_on_the_dev_set_31p(shared_data: Path) -> None:
    """d10 (VnmrJ 31P, lsfid = -3, lb = 10 Hz): absorptive lines where the automatic recipe puts them."""
    m = instrumentarium.read(shared_data / D10)
    out = instrumentarium.process(m, recipe="vendor")
    assert out.shape == (16384,) and out.provenance[0].step == "nmr.left_shift"
    spec = np.asarray(out.signal)
    pk, _ = find_peaks(spec.real, prominence=0.2 * spec.real.max())
    assert pk.size == 2
    # both lines absorptive with VnmrJ's own rp/lp (the phase convention check)
    assert np.all(np.abs(np.rad2deg(np.angle(spec[pk]))) < 5.0), np.rad2deg(np.angle(spec[pk]))
    np.testing.assert_allclose(out.axes[0].values[pk], [2.757, 1.558], atol=0.004)
    # the automatic recipe at VnmrJ's size and line broadening finds the same two lines
    steps = []
    for s in auto_recipe(m).steps:
        prm = dict(s.parameters)
        if s.step == "nmr.apodize":
            prm["line_broadening_hz"] = 10.0
        elif s.step == "nmr.zero_fill":
            prm["size"] = out.shape[0]
        steps.append(RecipeStep(s.step, prm))
    auto = Recipe(tuple(steps), name="auto-matched", technique="nmr").run(m)
    apk, _ = find_peaks(auto.signal.real, prominence=0.2 * auto.signal.real.max())
    assert apk.size == 2 and np.all(np.abs(apk - pk) <= 1), (apk, pk)
    np.testing.assert_allclose(auto.axes[0].values, out.axes[0].values, atol=1e-5)
