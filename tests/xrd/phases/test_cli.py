"""``instrumentarium xrd refdb build`` and ``instrumentarium xrd identify``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from instrumentarium.cli import main
from instrumentarium.xrd.phases import starter_cif_paths

from .test_search import _synthetic


def _xy(tmp_path: Path, fractions: dict[str, float]) -> Path:
    m = _synthetic(fractions, seed=11)
    path = tmp_path / "mix.xy"
    np.savetxt(path, np.column_stack([m.axes[0].values, m.signal]), fmt="%.4f", header="2theta counts")
    return path


def test_identify_json_out_of_the_box(tmp_path: Path) -> None:
    path = _xy(tmp_path, {"corundum": 0.6, "quartz": 0.4})
    res = CliRunner().invoke(main, ["xrd", "identify", str(path), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    phases = {p["formula"]: p for p in out["phases"]}
    assert set(phases) == {"Al2O3", "O2Si"}
    for p in phases.values():
        assert set(p) >= {"name", "formula", "space_group", "score", "weight_fraction", "reference_id"}
        assert 0 <= p["weight_fraction"] <= 1
    assert abs(phases["Al2O3"]["weight_fraction"] - 0.6) < 0.05
    assert "candidates" in out and "unexplained_peaks" in out


def test_identify_table_with_element_filter(tmp_path: Path) -> None:
    path = _xy(tmp_path, {"corundum": 0.6, "quartz": 0.4})
    res = CliRunner().invoke(main, ["xrd", "identify", str(path), "--elements", "Al,O"])
    assert res.exit_code == 0, res.output
    assert "Corundum" in res.output and "Quartz" not in res.output.split("alternatives")[0]
    assert "unexplained peaks" in res.output


def test_refdb_build_then_identify_against_it(tmp_path: Path) -> None:
    folder = tmp_path / "cifs"
    folder.mkdir()
    for p in starter_cif_paths():
        if p.stem in ("corundum", "quartz", "hematite"):
            shutil.copy(p, folder / p.name)
    (folder / "broken.cif").write_text("not a cif at all\n")
    db = tmp_path / "my.sqlite"
    res = CliRunner().invoke(main, ["xrd", "refdb", "build", str(folder), "--db", str(db), "--json", "-j", "1"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["added"] == 3 and out["entries"] == 3 and len(out["failed"]) == 1
    again = CliRunner().invoke(main, ["xrd", "refdb", "build", str(folder), "--db", str(db), "--json"])
    assert json.loads(again.output)["skipped"] == 4
    path = _xy(tmp_path, {"corundum": 1.0})
    res = CliRunner().invoke(main, ["xrd", "identify", str(path), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert [p["formula"] for p in json.loads(res.output)["phases"]] == ["Al2O3"]


def test_errors_are_one_line(tmp_path: Path) -> None:
    path = _xy(tmp_path, {"corundum": 1.0})
    res = CliRunner().invoke(main, ["xrd", "identify", str(path), "--elements", "Qq"])
    assert res.exit_code == 1
    assert "unknown element" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(main, ["xrd", "identify", str(path), "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == 1 and "no such reference database" in res.output


def test_identify_uses_the_built_home_database(tmp_path: Path) -> None:
    folder = tmp_path / "cifs"
    folder.mkdir()
    shutil.copy(next(p for p in starter_cif_paths() if p.stem == "hematite"), folder / "hematite.cif")
    assert CliRunner().invoke(main, ["xrd", "refdb", "build", str(folder), "-j", "1"]).exit_code == 0
    path = _xy(tmp_path, {"corundum": 1.0})
    res = CliRunner().invoke(main, ["xrd", "identify", str(path), "--json"])
    out = json.loads(res.output)
    assert out["n_references"] == 1 and out["phases"] == []  # only hematite to search: nothing fits
    assert out["unexplained_peaks"]
