"""Duck-typed result rows: peaks, multiplets, phases, metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass

from instrumentarium.catalog import result_rows


@dataclass(frozen=True)
class Peak:
    ppm: float
    intensity: float
    width_hz: float
    label: str = ""


@dataclass(frozen=True)
class Multiplet:
    range_ppm: tuple[float, float]
    center_ppm: float
    multiplicity: str
    j_hz: tuple[float, ...]
    n_h: float
    peak_ppm: tuple[float, ...] = ()


@dataclass(frozen=True)
class Analysis:
    noise: float
    solvent: str
    peaks: tuple[Peak, ...]
    multiplets: tuple[Multiplet, ...]
    report: str = "1H NMR (400 MHz, CDCl3) δ 7.26 (s, 1H).\nsecond line"


@dataclass(frozen=True)
class Phase:
    name: str
    formula: str
    weight_fraction: float
    space_group: str = "P3221"


@dataclass(frozen=True)
class Reflection:
    two_theta_deg: float
    intensity: float
    fwhm_deg: float


def test_nested_analysis_gives_peaks_multiplets_and_metrics():
    a = Analysis(noise=0.01, solvent="CDCl3",
                 peaks=(Peak(7.26, 10.0, 1.2, "solvent"), Peak(2.1, 3.0, 0.9)),
                 multiplets=(Multiplet((7.3, 7.2), 7.25, "dd", (8.0, 2.0), 1.0, (7.27, 7.23)),))
    rows = result_rows({"analysis": a})
    assert [(p["position"], p["unit"], p["width"], p["label"]) for p in rows["peaks"]] == [
        (7.26, "ppm", 1.2, "solvent"), (2.1, "ppm", 0.9, None)]
    [mult] = rows["multiplets"]
    got = (mult["center_ppm"], mult["multiplicity"], mult["j_hz"], mult["n_h"])
    assert got == (7.25, "dd", [8.0, 2.0], 1.0)
    metrics = {m["name"]: (m["value"], m["text"]) for m in rows["metrics"]}
    assert metrics["analysis.noise"] == (0.01, None)
    assert metrics["analysis.solvent"] == (None, "CDCl3")
    assert "analysis.report" not in metrics  # multi-line text stays in the JSON only
    assert rows["results"][0]["type_name"] == "Analysis"


def test_tuple_of_phases_and_reflections():
    rows = result_rows({"phases": (Phase("quartz", "SiO2", 0.7), Phase("calcite", "CaCO3", 0.3)),
                        "reflections": (Reflection(26.64, 100.0, 0.08),)})
    assert [(p["name"], p["formula"], p["weight_fraction"]) for p in rows["phases"]] == [
        ("quartz", "SiO2", 0.7), ("calcite", "CaCO3", 0.3)]
    assert rows["peaks"][0]["unit"] == "deg" and rows["peaks"][0]["width"] == 0.08
    assert rows["metrics"] == []  # lists of records are not metrics


def test_scalar_results_and_non_finite_values():
    rows = result_rows({"snr": 152.5, "qc": {"linewidth_hz": math.nan, "ok": True}})
    assert {m["name"]: m["value"] for m in rows["metrics"]} == {"snr": 152.5}
