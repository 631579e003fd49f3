"""The XRD technique plugin: recipes, summaries, NeXus round trip, CLI, report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from instrumentarium.formats import load, save
from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.pipeline import Recipe, analyze, process
from instrumentarium.plugins import technique
from instrumentarium.xrd.analysis import XRDAnalysis, XRDInstrumentFunction, XRDPeak, synthesize_pattern
from instrumentarium.xrd.processing import XRDBackground

LAM1, LAM2 = 1.540593, 1.544414
INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
X = np.arange(20.0, 80.0, 0.01)
REFL = [(28.4, 500.0), (47.3, 350.0), (56.1, 200.0), (69.1, 90.0), (76.4, 120.0)]


def raw(slit_mode: str | None = "fixed") -> Measurement:
    y = synthesize_pattern(X, REFL, instrument=INST, background=50.0 + 800.0 / X)
    counts = np.random.default_rng(2).poisson(y).astype(float)
    acq = XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ka2_ka1_ratio=0.5,
                         slit_mode=slit_mode)
    return Measurement("xrd", counts, (Axis("two_theta", "deg", X),), signal_unit="counts", acquisition=acq)


def test_auto_recipe_depends_on_the_slit_mode() -> None:
    plugin = technique("xrd")
    fixed = [s.step for s in plugin.auto_recipe(raw("fixed")).steps]
    auto = [s.step for s in plugin.auto_recipe(raw("automatic")).steps]
    assert fixed == ["xrd.background", "xrd.peaks"]
    assert auto == ["xrd.fixed_slit", "xrd.background", "xrd.peaks"]
    vendor = plugin.vendor_recipe(raw())
    assert vendor.name == "vendor" and [s.step for s in vendor.steps] == fixed


def test_process_records_steps_and_summary_lists_peaks() -> None:
    out = process(raw())
    assert [p.step for p in out.provenance] == ["xrd.background", "xrd.peaks"]
    summary = technique("xrd").process_summary(out)
    strong = [p for p in summary["peaks"] if p["relative_intensity_percent"] > 5]
    assert [round(p["two_theta_deg"], 2) for p in strong] == [round(t, 2) for t, _ in REFL]
    for key in ("two_theta_deg", "d_angstrom", "intensity", "fwhm_deg"):
        assert all(isinstance(p[key], float) for p in summary["peaks"])
    info = technique("xrd").summary(out)
    assert info["wavelength_angstrom"] == LAM1 and info["n_points"] == X.size


def test_recipe_replays_from_provenance() -> None:
    out = process(raw())
    again = Recipe.from_provenance(out).run(raw())
    assert np.allclose(again.signal, out.signal)
    assert len(again.results["peaks"]) == len(out.results["peaks"])


def test_nexus_round_trip_keeps_typed_results(tmp_path: Path) -> None:
    out = process(raw())
    path = save(out, tmp_path / "p.nxs")
    back = load(path)
    assert back.axes[0].name == "two_theta" and back.axes[0].unit == "deg"
    assert isinstance(back.results["background"], XRDBackground)
    assert all(isinstance(p, XRDPeak) for p in back.results["peaks"])
    assert back.results["peaks"][0].two_theta_deg == out.results["peaks"][0].two_theta_deg


def test_analyze_dispatches_to_the_plugin() -> None:
    a = analyze(process(raw()))
    assert isinstance(a, XRDAnalysis)
    assert len([p for p in a.peaks if p.significance > 10]) == len(REFL)


def test_cli_process_json_prints_peaks(tmp_path: Path) -> None:
    from instrumentarium.cli import main

    src = save(raw(), tmp_path / "raw.nxs")
    result = CliRunner().invoke(main, ["process", str(src), "--json", "-o", str(tmp_path / "out.nxs")])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert [s["step"] for s in d["steps"]] == ["xrd.background", "xrd.peaks"]
    assert len(d["peaks"]) >= len(REFL)
    assert {"two_theta_deg", "d_angstrom", "intensity", "fwhm_deg"} <= set(d["peaks"][0])
    assert load(tmp_path / "out.nxs").axes[0].unit == "deg"


def test_report_figure_and_tables() -> None:
    pytest.importorskip("matplotlib")
    out = process(raw()).with_results(phases=({"name": "Si", "two_theta_deg": [28.44, 47.30],
                                               "intensity": [100.0, 55.0]},))
    plugin = technique("xrd")
    fig = plugin.report_figure(out)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "background" in labels and "Si" in labels
    analysis = analyze(out)
    tables = plugin.report_tables(out, analysis)
    assert tables[0][0] == "Peaks" and len(tables[0][2]) == len(analysis.peaks)


def test_cli_xrd_analyze_json(tmp_path: Path) -> None:
    from instrumentarium.cli import main

    src = save(raw(), tmp_path / "raw.nxs")
    result = CliRunner().invoke(main, ["xrd-analyze", str(src), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert len([p for p in d["peaks"] if p["significance"] > 10]) == len(REFL)
    bad = CliRunner().invoke(main, ["xrd-analyze", str(src), "--standard", "LaB6"])
    assert bad.exit_code == 1 and "match LaB6" in bad.output


def test_recipe_steps_are_found_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """The technique plugin alone registers the steps that recipes name."""
    import subprocess
    import sys

    src = save(raw(), tmp_path / "raw.nxs")
    code = ("import sys; from instrumentarium.formats import load; "
            "from instrumentarium.pipeline import process; "
            "print(len(process(load(sys.argv[1])).results['peaks']))")
    out = subprocess.run([sys.executable, "-c", code, str(src)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) >= len(REFL)
