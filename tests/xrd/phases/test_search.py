"""Search-match on synthetic patterns (ground truth made here) and on the real dev set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, ProcessingError, XRDAcquisition
from instrumentarium.xrd.phases import Identification, identify, mixture_profile, quantify

from .conftest import load_columns


def _synthetic(fractions: dict[str, float], *, seed: int = 0, shift: float = 0.0) -> Measurement:
    """A Cu Kα1+Kα2 pattern of a weighed mixture of starter phases, with background and Poisson noise.

    Intensities per unit weight follow the same physics the search assumes (I ∝ w/ρ · m|F|²Lp/V²).
    """
    x = np.arange(10.0, 90.0, 0.02)
    y = mixture_profile(x, fractions, shift_deg=shift)
    y = 20000 * y / y.max() + 200 + 3000 * np.exp(-x / 15)
    rng = np.random.default_rng(seed)
    counts = rng.poisson(y).astype(float)
    return Measurement(
        "xrd", counts, (Axis("two_theta", "deg", x),), signal_unit="counts",
        acquisition=XRDAcquisition(wavelength_angstrom=1.540593, wavelength2_angstrom=1.544414, ka2_ka1_ratio=0.5),
    )


def test_single_phase_out_of_the_box() -> None:
    result = identify(_synthetic({"corundum": 1.0}))
    assert isinstance(result, Identification)
    assert result.phases[0].formula == "Al2O3" and result.phases[0].space_group == "R-3c"
    assert result.phases[0].weight_fraction == pytest.approx(1.0, abs=0.02)
    assert len(result.phases) == 1
    assert result.unexplained_peaks == ()


def test_two_phase_mixture_gives_rir_weight_fractions() -> None:
    result = identify(_synthetic({"corundum": 0.7, "zincite": 0.3}, seed=1, shift=0.08))
    got = {p.formula: p.weight_fraction for p in result.phases}
    assert set(got) == {"Al2O3", "OZn"}
    assert got["Al2O3"] == pytest.approx(0.7, abs=0.03)
    assert got["OZn"] == pytest.approx(0.3, abs=0.03)


def test_three_phases_with_a_minor_one() -> None:
    result = identify(_synthetic({"quartz": 0.6, "calcite": 0.35, "hematite": 0.05}, seed=2))
    got = {p.formula: p.weight_fraction for p in result.phases}
    assert {"O2Si", "CCaO3", "Fe2O3"} <= set(got)
    assert got["Fe2O3"] == pytest.approx(0.05, abs=0.02)
    assert len(got) <= 4


def test_polymorphs_are_told_apart() -> None:
    anatase = identify(_synthetic({"anatase": 1.0}, seed=3), elements=["Ti", "O"])
    rutile = identify(_synthetic({"rutile": 1.0}, seed=4), elements=["Ti", "O"])
    assert [p.name for p in anatase.phases] == ["Anatase"]
    assert [p.name for p in rutile.phases] == ["Rutile"]


def test_element_restriction_and_exclusion() -> None:
    m = _synthetic({"corundum": 0.5, "quartz": 0.5}, seed=5)
    only_al_o = identify(m, elements="Al,O")
    assert {p.formula for p in only_al_o.phases} == {"Al2O3"}
    assert only_al_o.unexplained_peaks  # quartz's lines stay unexplained, and are reported
    no_si = identify(m, exclude=["Si"])
    assert "O2Si" not in {p.formula for p in no_si.phases}
    with pytest.raises(ProcessingError, match="unknown element"):
        identify(m, elements=["Xx"])


def test_result_round_trips_through_json() -> None:
    from instrumentarium.model import from_jsonable, to_jsonable, to_plain

    result = identify(_synthetic({"halite": 1.0}, seed=6))
    assert from_jsonable(to_jsonable(result)) == result
    plain = to_plain(result)
    assert plain["phases"][0]["formula"] == "ClNa"
    assert 0 <= plain["phases"][0]["weight_fraction"] <= 1


def test_not_a_pattern_is_refused() -> None:
    m = Measurement("xrd", np.ones(10), (Axis("q", "1/angstrom", np.arange(10.0)),))
    with pytest.raises(ProcessingError):
        identify(m)


# -- real data --------------------------------------------------------------------------

_CPD = {
    "cpd-2": {"Al2O3": 21.27, "OZn": 19.94, "CaF2": 22.53, "H2MgO2": 36.26},
    "cpd-1a": {"Al2O3": 1.15, "OZn": 4.04, "CaF2": 94.81},
    "cpd-1b": {"Al2O3": 94.31, "OZn": 1.36, "CaF2": 4.33},
    "cpd-1c": {"Al2O3": 5.04, "OZn": 93.59, "CaF2": 1.36},
    "cpd-1g": {"Al2O3": 31.37, "OZn": 34.21, "CaF2": 34.42},
}


@pytest.mark.parametrize(
    "name, formula",
    [("corundum", "Al2O3"), ("zincite", "OZn"), ("fluorite", "CaF2"), ("zircon", "O4SiZr"),
     ("magnetit", "Fe3O4"), ("brucite", "H2MgO2")],
)
def test_cpd_pure_phases_rank_first(shared_data: Path, dev_refdb: Path, name: str, formula: str) -> None:
    m = load_columns(shared_data / f"xrd/measured/xy/iucr_cpd_qpa_round_robin/{name}.prn")
    result = identify(m, db=dev_refdb)
    assert result.phases[0].formula == formula
    assert len(result.phases) == 1


@pytest.mark.parametrize("name", sorted(_CPD))
def test_iucr_round_robin_weight_fractions(shared_data: Path, name: str) -> None:
    """IUCr CPD QPA round robin (Madsen et al., J. Appl. Cryst. 34 (2001) 409; Scarlett et al.,
    J. Appl. Cryst. 35 (2002) 383), weighed wt %, against the starter library (out of the box).

    Measured here: |error| ≤ 1.9 wt % for every phase of 1a, 1b, 1c, 1g and 2 (brucite, with
    its preferred orientation, 35.2 vs 36.26). The issue's target is 3 wt %.
    """
    m = load_columns(shared_data / f"xrd/measured/xy/iucr_cpd_qpa_round_robin/{name}.prn")
    result = identify(m, elements=["Al", "Zn", "Ca", "O", "F", "Mg", "H"])
    got = {p.formula: 100 * p.weight_fraction for p in result.phases}
    assert set(got) == set(_CPD[name])  # every phase, even the 1 wt % ones, and nothing else
    for formula, weighed in _CPD[name].items():
        assert got[formula] == pytest.approx(weighed, abs=3.0), (formula, got)


def test_iucr_round_robin_with_the_dev_cif_collection(shared_data: Path, dev_refdb: Path) -> None:
    """The same mixtures searched among the 335 dev CIFs: all phases found, none extra. Fractions
    depend on the references' displacement parameters: fluorite (GSAS-II tutorial CaF2.cif)
    comes out 3.7 wt % low in 1g."""
    for name, truth in _CPD.items():
        m = load_columns(shared_data / f"xrd/measured/xy/iucr_cpd_qpa_round_robin/{name}.prn")
        result = identify(m, elements=["Al", "Zn", "Ca", "O", "F", "Mg", "H"], db=dev_refdb)
        got = {p.formula: 100 * p.weight_fraction for p in result.phases}
        assert set(got) == set(truth), name
        for formula, weighed in truth.items():
            assert got[formula] == pytest.approx(weighed, abs=4.0), (name, formula, got)


def test_identify_phases_step_stores_results_and_provenance() -> None:
    from instrumentarium.xrd.phases import identify_phases

    m = _synthetic({"corundum": 0.5, "zincite": 0.5}, seed=7)
    out = identify_phases(m, elements=("Al", "Zn", "O"))
    phases = out.results["phases"]
    assert {p.formula for p in phases} == {"Al2O3", "OZn"}
    assert out.provenance[-1].step == "xrd.identify_phases"
    sticks = phases[0].stick_two_theta_deg
    assert len(sticks) == len(phases[0].stick_intensity) > 3
    assert min(sticks) >= 10.0 and max(sticks) <= 90.0
    assert out.results["identification"].rwp < 0.5


def test_identification_survives_a_nexus_round_trip(tmp_path: Path) -> None:
    from instrumentarium.formats import load, save
    from instrumentarium.xrd.phases import identify_phases

    out = identify_phases(_synthetic({"corundum": 0.6, "zincite": 0.4}, seed=8), elements=("Al", "Zn", "O"))
    save(out, tmp_path / "m.nxs")
    back = load(tmp_path / "m.nxs")
    assert back.results["identification"] == out.results["identification"]
    assert tuple(back.results["phases"]) == tuple(out.results["phases"])


# -- phases chosen by a person ----------------------------------------------------------

def test_quantify_fits_exactly_the_given_phases() -> None:
    """Refit after a person's decision: a rejected phase is gone, the others renormalised."""

    m = _synthetic({"quartz": 0.6, "calcite": 0.3, "corundum": 0.1}, seed=7)
    found = identify(m)
    ids = {p.formula: p.reference_id for p in found.phases}
    assert {"O2Si", "CCaO3", "Al2O3"} <= set(ids)

    # the three true phases: quantify gives what identify gives (same profiles, same fit)
    all3 = quantify(m, [ids["O2Si"], ids["CCaO3"], ids["Al2O3"]])
    got = {p.formula: p.weight_fraction for p in all3.phases}
    assert got["O2Si"] == pytest.approx(0.6, abs=0.03)
    assert got["CCaO3"] == pytest.approx(0.3, abs=0.03)
    assert got["Al2O3"] == pytest.approx(0.1, abs=0.02)
    assert all3.candidates == ()

    # corundum ruled out: two phases, renormalised to 1, quartz:calcite about 2:1 as weighed
    two = quantify(m, [ids["O2Si"], ids["CCaO3"]])
    got2 = {p.formula: p.weight_fraction for p in two.phases}
    assert set(got2) == {"O2Si", "CCaO3"}
    assert sum(got2.values()) == pytest.approx(1.0, abs=1e-3)
    assert got2["O2Si"] / got2["CCaO3"] == pytest.approx(2.0, rel=0.15)
    assert two.rwp > all3.rwp  # corundum's lines are now unexplained
    assert any(abs(p.two_theta_deg - 35.15) < 0.1 for p in two.unexplained_peaks)  # corundum (104)


def test_quantify_refuses_unknown_ids_and_accepts_none() -> None:

    m = _synthetic({"halite": 1.0}, seed=8)
    with pytest.raises(ProcessingError, match="not in the reference database"):
        quantify(m, [10**9])
    with pytest.raises(ProcessingError, match="not a reference id"):
        quantify(m, ["Halite"])
    empty = quantify(m, [])
    assert empty.phases == () and empty.unexplained_peaks


def test_identify_with_a_rejected_phase_searches_without_it() -> None:
    m = _synthetic({"quartz": 0.7, "calcite": 0.3}, seed=9)
    first = identify(m)
    calcite = next(p.reference_id for p in first.phases if p.formula == "CCaO3")
    again = identify(m, reject=[calcite])
    assert "CCaO3" not in {p.formula for p in again.phases}
    assert "O2Si" in {p.formula for p in again.phases}
    assert calcite not in {c.reference_id for c in again.candidates}


def test_cli_only_and_reject(tmp_path: Path) -> None:
    """``xrd identify --reject ID`` searches without a phase, ``--only ID ...`` quantifies a chosen set."""
    import json

    from click.testing import CliRunner

    from instrumentarium.cli import main

    m = _synthetic({"corundum": 0.6, "quartz": 0.4}, seed=11)
    path = tmp_path / "mix.xy"
    np.savetxt(path, np.column_stack([m.axes[0].values, m.signal]), fmt="%.4f", header="2theta counts")
    run = CliRunner()
    first = json.loads(run.invoke(main, ["xrd", "identify", str(path), "--json"]).output)
    ids = {p["formula"]: p["reference_id"] for p in first["phases"]}
    res = run.invoke(main, ["xrd", "identify", str(path), "--only", str(ids["Al2O3"]), "--json"])
    assert res.exit_code == 0, res.output
    only = json.loads(res.output)
    assert [(p["formula"], p["weight_fraction"]) for p in only["phases"]] == [("Al2O3", 1.0)]
    res = run.invoke(main, ["xrd", "identify", str(path), "--reject", str(ids["O2Si"])])
    assert res.exit_code == 0, res.output
    assert "Corundum" in res.output and "Quartz" not in res.output
    res = run.invoke(main, ["xrd", "identify", str(path), "--only", "1", "--reject", "2"])
    assert res.exit_code == 2 and "cannot be combined" in res.output
