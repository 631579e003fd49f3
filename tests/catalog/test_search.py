"""Search by technique, nucleus, solvent, phase, peak position and text."""

from __future__ import annotations

import pytest
from instrumentarium_fakelab import make_lab

from instrumentarium.catalog import Catalog, Query, ingest, parse_tolerance
from instrumentarium.model import CatalogError


@pytest.fixture(scope="module")
def catalog(registered_fake_lab, module_db_url, tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    lab = make_lab(root / "lab")
    # an explicit store: module fixtures run before the per-test private home is set
    with Catalog(module_db_url, store=root / "store") as cat:
        ingest([lab], catalog=cat)
        yield cat


def _titles(hits):
    return sorted(h["title"] for h in hits)


def test_no_criteria_lists_everything(catalog):
    hits = catalog.search()
    assert len(hits) == 6
    assert {"id", "technique", "source", "acquired_at"} <= set(hits[0])
    assert hits[0]["acquired_at"].startswith("2024-05-01")


def test_by_technique(catalog):
    assert _titles(catalog.search(technique="fakexrd")) == ["beach sand", "broken", "quartz calcite mix"]
    assert len(catalog.search(technique="FAKENMR")) == 3
    assert catalog.search(technique="epr") == []


def test_by_nucleus_and_solvent(catalog):
    assert _titles(catalog.search(nucleus="1H")) == ["aspirin in CDCl3", "menthol"]
    assert _titles(catalog.search(solvent="cdcl3")) == ["13C of something", "aspirin in CDCl3"]
    assert _titles(catalog.search(nucleus="1H", solvent="CDCl3")) == ["aspirin in CDCl3"]


def test_by_phase_name_or_formula(catalog):
    assert _titles(catalog.search(phase="quartz")) == ["beach sand", "quartz calcite mix"]
    assert _titles(catalog.search(phase="CaCO3")) == ["quartz calcite mix"]
    assert catalog.search(phase="corundum") == []


def test_by_peak_position_within_tolerance(catalog):
    assert _titles(catalog.search(peak_ppm=(7.26, 0.02))) == ["aspirin in CDCl3"]
    assert _titles(catalog.search(peak_ppm=(7.30, 0.02))) == []
    assert _titles(catalog.search(peak_ppm=(77.0, 0.2))) == ["13C of something"]
    # a reflection at 26.64 deg is not a peak at 26.64 ppm
    assert catalog.search(peak_ppm=(26.64, 0.05)) == []
    assert _titles(catalog.search(peak_two_theta_deg=(29.4, 0.05))) == ["quartz calcite mix"]


def test_by_text_in_title_path_and_sample(catalog):
    assert _titles(catalog.search(text="MENTHOL")) == ["menthol"]
    assert _titles(catalog.search(text="carbon")) == ["13C of something"]  # in the path
    assert _titles(catalog.search(Query(text="100%"))) == []  # LIKE wildcards are literal


def test_show_has_results_and_provenance(catalog):
    [hit] = catalog.search(peak_ppm=(7.26, 0.02))
    d = catalog.describe(hit["id"])
    assert [round(p["position"], 2) for p in d["peaks"]] == [2.35, 7.26, 11.0]
    assert d["runs"][0]["recipe"]["steps"][0]["step"] == "fakelab.normalise"
    assert d["instrument"]["vendor"] == "FakeLab"
    assert d["sample"]["name"] == "aspirin"
    assert any(m["name"] == "analysis.noise" for m in d["metrics"])
    mix = catalog.describe(catalog.search(text="mix")[0]["id"])
    assert {(p["name"], p["formula"], p["weight_fraction"]) for p in mix["phases"]} == {
        ("Quartz low", "SiO2", 0.6), ("calcite", "CaCO3", 0.4)}


def test_show_unknown_id_says_what_to_do(catalog):
    with pytest.raises(CatalogError, match="instrumentarium search"):
        catalog.describe(9999)


@pytest.mark.parametrize(("text", "expected"), [
    ("7.26±0.02", (7.26, 0.02)),
    ("7.26+-0.02", (7.26, 0.02)),
    (" 7.26 +/- 0.1 ", (7.26, 0.1)),
    ("-0.5", (-0.5, 0.02)),
    ("26.64", (26.64, 0.02)),
])
def test_parse_tolerance(text, expected):
    assert parse_tolerance(text, default_tolerance=0.02) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "seven", "7.26±", "7.26±-1", "1..2"])
def test_parse_tolerance_rejects_nonsense(text):
    with pytest.raises(CatalogError, match="CENTRE±TOLERANCE"):
        parse_tolerance(text, default_tolerance=0.02)
