"""The NMR technique plugin and ``instrumentarium process`` end to end on a Bruker folder."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import pytest
from click.testing import CliRunner

from instrumentarium.cli import main
from instrumentarium.model import ProcessingError
from instrumentarium.nmr._technique import NMRTechnique
from instrumentarium.nmr.processing import simulate_fid
from instrumentarium.pipeline import process
from instrumentarium.plugins import technique

D01 = "nmr/nmr_dev_v1/d01_bruker_1H_300MHz_aspirin_CDCl3/1"


def test_registered_as_the_nmr_technique() -> None:
    assert isinstance(technique("nmr"), NMRTechnique)


def test_summary_lists_the_acquisition() -> None:
    s = NMRTechnique().summary(simulate_fid([(1.0, 1.0, 1.0)], n_points=256))
    assert s["nucleus"] == "1H" and s["points"] == 256 and s["solvent"] == "CDCl3"
    assert s["pulse_program"] == "zg30" and s["domain"] == "time"
    assert s["spectral_width_ppm"] == pytest.approx(8000.0 / s["frequency_mhz"], rel=1e-3)


def test_process_summary_has_phase_and_reference() -> None:
    out = process(simulate_fid([(7.26, 0.3, 1.0), (1.3, 3.0, 1.2), (3.5, 1.0, 1.0)], p0_deg=30.0,
                               noise=1e-4, n_points=8192))
    d = NMRTechnique().process_summary(out)
    assert set(d["phase"]) >= {"p0_deg", "p1_deg", "confidence"}
    assert d["reference"]["method"] in ("solvent", "internal_standard", "none")
    assert d["axis"]["order"].startswith("descending")


def test_manual_phase_adds_to_the_automatic_one() -> None:
    from instrumentarium.nmr.processing import phase

    out = process(simulate_fid([(1.3, 3.0, 1.2), (3.5, 1.0, 1.0)], noise=1e-4, n_points=4096))
    auto = NMRTechnique().process_summary(out)["phase"]
    again = phase(out, p0_deg=10.0, p1_deg=5.0)
    total = NMRTechnique().process_summary(again)["phase"]
    assert total["p1_deg"] == pytest.approx(auto["p1_deg"] + 5.0)
    assert total["method"] == "automatic+manual"


def test_analyze_without_the_analysis_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import instrumentarium.nmr._technique as tech

    monkeypatch.setattr(tech, "_ANALYSIS", "instrumentarium.nmr._no_such_analysis")
    with pytest.raises(ProcessingError, match="analysis"):
        NMRTechnique().analyze(simulate_fid([(1.0, 1.0, 1.0)], n_points=64))


def test_process_summary_merges_the_analysis_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import instrumentarium.nmr._technique as tech

    fake = types.SimpleNamespace(process_summary_extra=lambda m: {"peaks": [{"ppm": 1.3}]})
    monkeypatch.setattr(tech, "_optional_module", lambda name: fake)
    out = process(simulate_fid([(1.3, 3.0, 1.2)], noise=1e-4, n_points=2048))
    d = NMRTechnique().process_summary(out)
    assert d["peaks"] == [{"ppm": 1.3}] and "phase" in d


def test_report_tables_fall_back_to_acquisition_and_processing() -> None:
    out = process(simulate_fid([(1.3, 3.0, 1.2)], noise=1e-4, n_points=2048))
    tables = NMRTechnique().report_tables(out)
    titles = [t[0] for t in tables]
    assert "Processing" in titles or len(tables) >= 1


def test_cli_process_writes_nexus_with_real_ppm_spectrum(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / D01
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    out = tmp_path / "d01.nxs"
    res = CliRunner().invoke(main, ["process", str(folder), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["technique"] == "nmr"
    assert d["acquisition"]["nucleus"] == "1H"
    assert [s["step"] for s in d["recipe"]["steps"]][:4] == [
        "nmr.apodize", "nmr.zero_fill", "nmr.fourier_transform", "nmr.group_delay"]
    assert {"p0_deg", "p1_deg", "confidence"} <= set(d["phase"])
    # d01 has no TMS and its CHCl3 line is not to be told from aspirin's H5 td (see
    # tests/nmr/processing/test_vendor_processed.py): the referencing says so instead of guessing
    assert d["reference"]["method"] == "none" and d["reference"]["rejected"], d["reference"]
    with h5py.File(out) as f:
        data = f["entry/data"]
        assert data.attrs["signal"] == "signal"
        axis = data["chemical_shift"]
        assert axis.attrs["units"] == "ppm"
        values = axis[()]
        assert values[0] > values[-1]
        assert data["signal"].dtype.kind == "f" and data["signal"].shape == values.shape
        signal = data["signal"][()]
        # the aspirin methyl (2.3 ppm) is a tall positive absorption line
        near = (values > 2.2) & (values < 2.45)
        assert signal[near].max() > 0.2 * signal.max()
        assert "descending" in d["axis"]["order"]
        # the order is stated in the file, in the transform step's record
        ft = [g for g in f["entry/process"].values()
              if isinstance(g, h5py.Group) and g["name"][()].decode() == "nmr.fourier_transform"]
        assert "highest ppm" in json.loads(ft[0]["decisions"][()])["axis_order"]


def test_cli_vendor_recipe_and_bad_recipe(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / D01
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    res = CliRunner().invoke(main, ["process", str(folder), "--recipe", "vendor", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["phase"]["p0_deg"] == pytest.approx(-107.786, abs=1e-3)
    assert d["reference"]["method"] == "vendor"
    bad = CliRunner().invoke(main, ["process", str(folder), "--recipe", str(tmp_path / "nope.json")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_cli_process_on_a_2d_folder_is_a_clear_error(shared_data: Path) -> None:
    folder = shared_data / "nmr/nmr_dev_v1/d03_bruker_COSY_500MHz_cyclosporin_C6D6/1"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    res = CliRunner().invoke(main, ["process", str(folder)])
    assert res.exit_code == 1
    assert "2D" in res.output and "Traceback" not in res.output
