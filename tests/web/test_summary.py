"""What the workstation reads from other packages' results (nested analysis records)."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import Axis, GenericRecord, Measurement
from instrumentarium.web._summary import (
    decimate,
    peak_positions,
    phase_candidates,
    phase_names,
    plot_data,
    result_tables,
)


def _nmr_with_analysis() -> Measurement:
    ppm = np.linspace(10, 0, 1001)
    peaks = tuple(GenericRecord("nmr.peak", {"ppm": p, "intensity": 1.0, "kind": "compound", "label": ""})
                  for p in (4.13, 4.11, 2.05))
    ranges = (GenericRecord("nmr.range", {"start_ppm": 4.2, "stop_ppm": 4.0, "integral": 2.0, "n_h": 2.0}),)
    mults = (GenericRecord("nmr.multiplet", {"range_ppm": (4.2, 4.0), "center_ppm": 4.12, "multiplicity": "q",
                                             "j_hz": (7.1,), "n_h": 2.0, "integral": 2.0}),)
    analysis = GenericRecord("nmr.analysis", {"nucleus": "1H", "noise": 0.01, "peaks": peaks, "ranges": ranges,
                                              "multiplets": mults, "report": "δ 4.12 (q, J = 7.1 Hz, 2H)"})
    return Measurement("nmr", np.exp(-((ppm - 4.12) / 0.01) ** 2), (Axis("chemical_shift", "ppm", ppm),),
                       results={"analysis": analysis})


def _xrd_with_identification() -> Measurement:
    tt = np.linspace(10, 70, 3001)
    match = GenericRecord("xrd.phase.match", {"name": "quartz", "formula": "SiO2", "score": 0.9,
                                              "weight_fraction": 1.0, "stick_two_theta_deg": (20.86, 26.64),
                                              "stick_intensity": (22.0, 100.0)})
    cand = GenericRecord("xrd.phase.candidate", {"name": "cristobalite", "formula": "SiO2", "score": 0.2})
    peak = GenericRecord("xrd.phase.peak", {"two_theta_deg": 26.64, "d_angstrom": 3.343, "height": 100.0})
    ident = GenericRecord("xrd.phase.identification", {"phases": (match,), "candidates": (cand,),
                                                       "peaks": (peak,), "rwp": 0.1})
    return Measurement("xrd", np.ones(tt.size), (Axis("two_theta", "deg", tt),),
                       results={"identification": ident})


def test_nested_nmr_analysis_is_plotted_and_tabulated() -> None:
    m = _nmr_with_analysis()
    assert peak_positions(m) == [2.05, 4.11, 4.13]
    d = plot_data(m)
    assert {p["x"] for p in d["peaks"]} == {4.13, 4.11, 2.05}
    kinds = {r["kind"]: r for r in d["integrals"]}
    assert kinds["integral"]["label"] == "2H"
    assert kinds["multiplet"]["label"] == "q J=7.1 Hz 2H"
    names = [t["name"] for t in result_tables(m)]
    assert names == ["analysis", "analysis.peaks", "analysis.ranges", "analysis.multiplets"]
    top = result_tables(m)[0]
    assert "peaks" not in top["columns"] and "report" in top["columns"]


def test_identified_and_candidate_phases_with_sticks() -> None:
    m = _xrd_with_identification()
    assert [c["name"] for c in phase_candidates(m)] == ["quartz", "cristobalite"]
    assert plot_data(m)["sticks"] == [{"name": "quartz", "x": [20.86, 26.64], "y": [22.0, 100.0],
                                        "rejected": False}]
    decided = m.with_results(phase_decisions=(GenericRecord("web.phase_decision",
                                                            {"name": "cristobalite", "accepted": False}),))
    assert phase_names(decided) == ["quartz"]
    assert peak_positions(m) == [26.64]


@pytest.mark.parametrize("n", [10, 1000, 100_000])
def test_decimation_keeps_extremes_and_order(n: int) -> None:
    x = np.linspace(0, 1, n)
    y = np.sin(40 * x)
    y[n // 3] = 5.0
    xd, yd = decimate(x, y, 500)
    assert len(xd) <= max(n, 500)
    assert yd.max() == 5.0 and yd.min() == y.min()
    assert np.all(np.diff(xd) > 0)
