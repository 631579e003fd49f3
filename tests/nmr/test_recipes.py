"""Automatic and vendor recipes: synthetic ground truth and TopSpin parity on the dev data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.model import Axis, RecipeError
from instrumentarium.nmr.processing import simulate_fid
from instrumentarium.nmr.recipes import auto_recipe, vendor_parameters, vendor_recipe
from instrumentarium.pipeline import Recipe, RecipeStep, process

DEV = "nmr/nmr_dev_v1"
# Bruker 1D experiments of the dev set that ship TopSpin's 1r (MANIFEST)
BRUKER_1R = {
    "d01": "d01_bruker_1H_300MHz_aspirin_CDCl3/1",
    "d02": "d02_bruker_1H_500MHz_cyclosporin_C6D6/1",
    "d05": "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10",
    "d06": "d06_bruker_13C_151MHz_nmrpy_H2O/1",
    "d07": "d07_bruker_31P_243MHz_nmrpy_H2O/2",
    "d08": "d08_bruker_1H_600MHz_presat_nmrpy_H2O/3",
    "d09": "d09_bruker_1H_400MHz_noesy1d_coffee_extract/22",
}


# FID / vendor-processed spectrum pairs: d04 Bruker fid vs its TopSpin JCAMP export, d15 JCAMP pairs
PAIRS = {
    "d04": ("d04_bruker_1H_500MHz_naphthoic_acid_acetone/1",
            "d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx"),
    "d15-1H": ("d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.fid.dx",
               "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.dx"),
    "d15-13C": ("d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.fid.dx",
                "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.dx"),
}


def step_names(recipe: Recipe) -> list[str]:
    return [s.step for s in recipe.steps]


def test_auto_recipe_for_a_1h_fid() -> None:
    r = auto_recipe(simulate_fid([(1.0, 1.0, 1.0)], n_points=4096))
    assert r.name == "auto" and r.technique == "nmr"
    assert step_names(r) == ["nmr.apodize", "nmr.zero_fill", "nmr.fourier_transform", "nmr.group_delay",
                             "nmr.autophase", "nmr.baseline", "nmr.reference"]
    assert r.steps[0].parameters["line_broadening_hz"] == 0.3
    assert r.steps[4].parameters["edited"] is False
    assert Recipe.from_json(r.to_json()) == r


def test_auto_recipe_detects_edited_13c_from_the_pulse_program() -> None:
    r = auto_recipe(simulate_fid([(50.0, 1.0, 2.0)], n_points=4096, nucleus="13C", pulse_program="deptsp135"))
    params = {s.step: s.parameters for s in r.steps}
    assert params["nmr.autophase"]["edited"] is True
    assert params["nmr.apodize"]["line_broadening_hz"] == 1.0


def test_auto_recipe_refuses_2d() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=64)
    two_d = m.replace(signal=np.zeros((4, 64), complex), axes=(Axis("t1", "s", np.arange(4.0)), m.axes[0]))
    with pytest.raises(RecipeError, match="2D"):
        auto_recipe(two_d)


def test_synthetic_fid_end_to_end_peaks_and_phase() -> None:
    lines = [(7.26, 0.3, 1.0), (6.9, 1.0, 1.2), (3.8, 2.0, 1.0), (1.3, 3.0, 1.2), (0.0, 0.5, 0.8)]
    m = simulate_fid(lines, p0_deg=-65.0, p1_deg=40.0, noise=1e-4, n_points=16384, solvent="CDCl3")
    out = process(m)
    assert out.axes[0].name == "chemical_shift" and out.axes[0].values[0] > out.axes[0].values[-1]
    axis, real = out.axes[0].values, out.signal.real
    step = axis[0] - axis[1]
    for ppm, _, _ in lines:
        near = np.flatnonzero(np.abs(axis - ppm) < 0.02)
        top = axis[near[np.argmax(real[near])]]
        assert abs(top - ppm) <= step + 1e-9  # within one point
    ph = next(p.decisions for p in out.provenance if p.step == "nmr.autophase")
    assert abs(((ph["p0_deg"] + 0.5 * ph["p1_deg"]) - (-65.0 + 20.0) + 180) % 360 - 180) < 2.0
    ref = next(p.decisions for p in out.provenance if p.step == "nmr.reference")
    assert ref["compound"] == "TMS" and abs(ref["shift_ppm"]) < step


def test_vendor_recipe_needs_vendor_parameters() -> None:
    with pytest.raises(RecipeError, match="auto"):
        vendor_recipe(simulate_fid([(1.0, 1.0, 1.0)], n_points=64))


def test_vendor_parameters_read_bruker_jcamp_ldrs() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=64)
    m = m.replace(raw_parameters={"jcamp": {"$PHC0": ["13.95"], "$PHC1": "-75.84", "$SI": 65536}})
    assert vendor_parameters(m) == {"PHC0": 13.95, "PHC1": -75.84, "SI": 65536.0}
    assert step_names(vendor_recipe(m))[-1] == "nmr.phase"


# -- real data ------------------------------------------------------------------------------

def detrended(y: np.ndarray, order: int = 5) -> np.ndarray:
    x = np.linspace(-1.0, 1.0, y.size)
    cheb = np.polynomial.chebyshev
    return y - cheb.chebval(x, cheb.chebfit(x, y, order))


def first(m):
    return m[0] if isinstance(m, list) else m


@pytest.fixture(scope="module")
def references(shared_data: Path) -> dict[str, tuple[Path, Path]]:
    """(raw FID, vendor spectrum) of every dev spectrum with a vendor reference."""
    root = shared_data / DEV
    found = {k: (root / p, root / p / "pdata" / "1") for k, p in BRUKER_1R.items()
             if (root / p / "pdata" / "1" / "1r").is_file()}
    found.update({k: (root / f, root / r) for k, (f, r) in PAIRS.items()
                  if (root / f).exists() and (root / r).is_file()})
    if not found:
        pytest.skip(f"no raw/vendor-processed pairs under {root}")
    return found


def test_vendor_recipe_reproduces_topspin(references: dict[str, tuple[Path, Path]]) -> None:
    for key, (raw_path, ref_path) in references.items():
        out = process(first(instrumentarium.read(raw_path)), recipe="vendor")
        ref = first(instrumentarium.read(ref_path))
        r = np.corrcoef(out.signal.real, ref.signal.real)[0, 1]
        assert r >= 0.9995, (key, r)
        np.testing.assert_allclose(out.axes[0].values, ref.axes[0].values, atol=1e-5)


def matched_auto(m) -> Recipe:
    """The automatic recipe at TopSpin's SI and LB, without referencing: same axis, phase compared."""
    vendor = vendor_parameters(m)
    steps = []
    for s in auto_recipe(m).steps:
        p = dict(s.parameters)
        if s.step == "nmr.apodize":
            p["line_broadening_hz"] = vendor["LB"]
        elif s.step == "nmr.zero_fill":
            p["size"] = int(vendor["SI"])
        elif s.step in ("nmr.reference", "nmr.baseline"):
            continue
        steps.append(RecipeStep(s.step, p))
    return Recipe(tuple(steps), name="auto-matched", technique="nmr")


def test_auto_phase_matches_topspin_or_says_it_cannot(references: dict[str, tuple[Path, Path]]) -> None:
    good, errors, report = 0, [], {}
    for key, (raw_path, ref_path) in references.items():
        raw = first(instrumentarium.read(raw_path))
        out = matched_auto(raw).run(raw)
        ref = np.asarray(first(instrumentarium.read(ref_path)).signal.real)
        r = np.corrcoef(detrended(out.signal.real), detrended(ref))[0, 1]
        d = next(p.decisions for p in out.provenance if p.step == "nmr.autophase")
        vendor = vendor_parameters(raw)
        x = np.arange(ref.size) / ref.size
        diff = (d["p0_deg"] + d["p1_deg"] * x) - (vendor["PHC0"] + vendor["PHC1"] * x)
        diff = (diff + 180.0) % 360.0 - 180.0
        top = (ref >= np.roll(ref, 1)) & (ref >= np.roll(ref, -1))
        peaks = np.flatnonzero((ref > 0.05 * ref.max()) & top)
        report[key] = (round(r, 4), d["confidence"])
        if r >= 0.99:
            good += 1
            errors.append(float(np.median(np.abs(diff[peaks]))))
        else:
            # a spectrum we cannot phase like TopSpin must be flagged
            assert d["confidence"] < 0.6 and any("confidence" in w for w in out.warnings), (key, r, d)
    assert good >= len(references) - 1, report
    assert float(np.median(errors)) <= 3.0, (errors, report)


def line_phase_errors(m, exclude_ppm: tuple[float, float], n_lines: int = 12, fold: int = 1):
    """Residual phase (deg) and position (fraction) of the strongest lines of a phased spectrum.

    Each line is fitted alone (a complex Lorentzian with a free complex amplitude on a straight
    complex baseline, the line fitter of the autophase step) in a window of 1.5 magnitude
    half-widths; ``fold=2`` measures the phase modulo 180 degrees (real negative lines).
    """
    from scipy import signal as sp_signal

    from instrumentarium.nmr.processing import noise_sigma
    from instrumentarium.nmr.processing._linefit import line_phases

    s, ppm = np.asarray(m.signal), m.axes[0].values
    sigma = 0.5 * (noise_sigma(s.real) + noise_sigma(s.imag))
    mag = np.abs(s)
    floor = 0.02 * float(mag.max())
    peaks, props = sp_signal.find_peaks(mag, height=floor, prominence=max(8 * sigma, floor), width=1.0)
    outside = (ppm[peaks] < exclude_ppm[0]) | (ppm[peaks] > exclude_ppm[1])
    peaks, props = peaks[outside], {k: v[outside] for k, v in props.items()}
    top = np.sort(np.argsort(props["prominences"])[-n_lines:])
    windows = [(max(int(p - np.ceil(1.5 * w)), 0), min(int(p + np.ceil(1.5 * w)) + 1, s.size))
               for p, w in zip(peaks[top], props["widths"][top])]
    theta, _, x = line_phases(s, windows, sigma=sigma, max_lines=1, max_points=5000, refine_points=5000)
    return np.rad2deg(np.angle(np.exp(1j * fold * theta)) / fold), x


def test_d08_presat_spin_echo_phase_is_judged_by_its_lines(shared_data: Path) -> None:
    """d08 (zgprse: presaturation + Hahn echo, 2*d2 = 1/CNST2 = 1/7.3 Hz): J-modulated lines.

    A doublet whose J matches the echo time (lactate CH3, 1.32 ppm, J 6.9 Hz) comes out inverted
    against the singlets (8.2-8.5 ppm), so the phase is fitted modulo 180 degrees and judged by
    the lines themselves, not by TopSpin's 1r. A correctly phased spectrum has the median
    |phase| of its lines within 3 deg and no first-order trend left; the automatic phase either
    meets that with a confidence >= 0.6 or is flagged (the J-modulated multiplets of this echo
    are not pure absorption lines, and its lines scatter by tens of degrees under any linear phase).
    """
    path = shared_data / DEV / BRUKER_1R["d08"]
    if not (path / "fid").is_file():
        pytest.skip(f"dev spectrum d08 not found under {path}")
    raw = first(instrumentarium.read(path))
    out = matched_auto(raw).run(raw)
    d = next(p.decisions for p in out.provenance if p.step == "nmr.autophase")
    assert d["edited"] is True  # detected from the pulse program: real negative lines
    assert abs(d["p1_deg"]) <= 180.0  # after the group delay, a Hahn echo leaves a small p1
    ppm, real = out.axes[0].values, out.signal.real
    lactate = real[(ppm > 1.25) & (ppm < 1.40)]
    singlet = real[(ppm > 8.15) & (ppm < 8.25)]
    lac = lactate[np.argmax(np.abs(lactate))]
    sing = singlet[np.argmax(np.abs(singlet))]
    assert np.sign(lac) == -np.sign(sing), (lac, sing)  # J-inverted doublet against a singlet
    errors, x = line_phase_errors(out, (4.3, 5.1), fold=2)
    assert errors.size >= 8
    median = float(np.median(np.abs(errors)))
    trend = float(np.polyfit(x, errors, 1)[0])  # deg across the full spectral width
    if median <= 3.0 and abs(trend) <= 10.0:
        assert d["confidence"] >= 0.6, (median, trend, d)
    else:
        assert d["confidence"] < 0.6 and any("confidence" in w for w in out.warnings), (median, trend, d)
