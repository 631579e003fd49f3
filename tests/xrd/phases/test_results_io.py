"""Search-match results survive the NeXus file and are catalogued as phases without runners-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from instrumentarium.catalog import result_rows
from instrumentarium.formats import save
from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.xrd.phases import Candidate, Identification, PhaseMatch


def _identification() -> Identification:
    quartz = PhaseMatch("quartz", "SiO2", "P 32 2 1", 0.9, 0.65, 1, 3.1, 2.0, 1.0, 0.0, 0.9)
    calcite = PhaseMatch("calcite", "CaCO3", "R -3 c", 0.8, 0.35, 2, 2.0, 1.0, 1.0, 0.0, 0.8)
    runner_up = Candidate("cristobalite", "SiO2", "P 41 21 2", 0.3, 3, 0.4, 0.1)
    return Identification(phases=(quartz, calcite), candidates=(runner_up,), peaks=(), unexplained_peaks=(),
                          rwp=0.2, explained_fraction=0.95, wavelength_angstrom=1.5406, n_references=38,
                          database="starter", confidence=0.9)


def test_catalog_indexes_quantified_phases_not_runners_up() -> None:
    rows = result_rows({"identification": _identification()})
    assert sorted(r["name"] for r in rows["phases"]) == ["calcite", "quartz"]
    assert sum(r["weight_fraction"] for r in rows["phases"]) == 1.0


def test_identification_loads_back_typed_in_a_fresh_interpreter(tmp_path: Path) -> None:
    x = np.linspace(10.0, 80.0, 50)
    m = Measurement("xrd", np.ones_like(x), (Axis("two_theta", "deg", x),),
                    acquisition=XRDAcquisition(wavelength_angstrom=1.5406))
    path = save(m.with_results(identification=_identification()), tmp_path / "p.nxs")
    code = ("import sys; from instrumentarium.formats import load; "
            "r = load(sys.argv[1]).results['identification']; "
            "print(type(r).__name__, [p.name for p in r.phases], type(r.candidates[0]).__name__)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["Identification", "['quartz',", "'calcite']", "Candidate"]
