"""The JSON API and the pages: catalog filters, measurement details, corrections as new runs."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.formats import load
from instrumentarium.web._store import FolderStore


def _n_failures(store) -> int:
    return 1 if isinstance(store, FolderStore) else 0  # the demo's failure entry (folder store only)


def test_catalog_filters_and_pagination(client, store) -> None:
    everything = client.get("/api/measurements").json()
    assert everything["total"] == 10 + _n_failures(store)  # 6 NMR, 4 XRD
    nmr = client.get("/api/measurements", params={"technique": "nmr"}).json()
    assert nmr["total"] == 6
    assert {r["nucleus"] for r in nmr["items"]} == {"1H"}
    cdcl3 = client.get("/api/measurements", params={"technique": "nmr", "solvent": "cdcl3"}).json()
    assert cdcl3["total"] == 3
    calcite = client.get("/api/measurements", params={"phase": "calc"}).json()
    assert {r["title"] for r in calcite["items"]} == {
        "calcite powder", "quartz + calcite powder", "sand powder"}
    # a peak at 29.41 deg 2theta is calcite's strongest line; 4.12 ppm is ethyl acetate's OCH2
    assert client.get("/api/measurements", params={"peak": 29.4, "peak_tolerance": 0.05}).json()["total"] == 3
    assert client.get("/api/measurements", params={"peak": 4.12}).json()["total"] == 2
    neo = client.get("/api/measurements", params={"instrument": "NEO"}).json()
    assert neo["total"] == 3
    # the instrument text the home page links with
    full = client.get("/api/measurements", params={"instrument": "Bruker D8 Advance demo XRD"}).json()
    assert full["total"] == 4
    window = {"date_from": "2026-03-07", "date_to": "2026-03-09"}
    dated = client.get("/api/measurements", params=window).json()
    assert dated["total"] > 0
    assert all("2026-03-07" <= r["acquired_at"][:10] <= "2026-03-09" for r in dated["items"])
    page2 = client.get("/api/measurements", params={"per_page": 4, "page": 2}).json()
    assert page2["pages"] == 3 and len(page2["items"]) == 4
    assert not {r["id"] for r in page2["items"]} & {r["id"] for r in everything["items"][:4]}
    assert client.get("/api/measurements", params={"per_page": 0}).status_code == 422


def test_measurement_detail_and_plot(client) -> None:
    d = client.get("/api/measurements/1").json()
    assert d["technique"] == "nmr"
    assert d["summary"]["nucleus"] == "1H"
    assert d["run"] == 1
    assert d["corrections"] == ["phase", "baseline", "integrals"]
    assert d["provenance"][0]["step"] == "demo.synthesize"
    plot = client.get("/api/measurements/1/plot", params={"max_points": 2000}).json()
    assert len(plot["x"]) <= 2000 and plot["n_points"] == 16384
    assert plot["axis"] == {"name": "chemical_shift", "unit": "ppm", "reversed": True}
    assert {round(p["x"], 2) for p in plot["peaks"]} >= {4.12, 2.05, 1.26}
    xrd = client.get("/api/measurements/7/plot").json()
    assert {s["name"] for s in xrd["sticks"]} == {"Quartz", "Halite"}
    assert client.get("/api/measurements/7").json()["wavelength_angstrom"] == pytest.approx(1.5406)


def test_min_max_decimation_keeps_a_narrow_peak(client) -> None:
    full = client.get("/api/measurements/1/plot", params={"max_points": 200000}).json()
    small = client.get("/api/measurements/1/plot", params={"max_points": 500}).json()
    assert max(small["y"]) == pytest.approx(max(full["y"]))


def test_phase_preview_saves_nothing(client, store) -> None:
    before = len(store.get(1)["runs"])
    a = client.get("/api/measurements/1/preview/phase", params={"p0_deg": 0}).json()
    b = client.get("/api/measurements/1/preview/phase", params={"p0_deg": 90}).json()
    assert a["y"] != b["y"]
    assert len(store.get(1)["runs"]) == before


def test_manual_phase_is_saved_as_a_new_run_with_manual_provenance(client, store) -> None:
    # the demo spectrum 1 has a phase error of p0=25+10*0 deg, p1=-20 deg
    r = client.post("/api/measurements/1/corrections/phase", json={"p0_deg": 25, "p1_deg": -20})
    assert r.status_code == 201, r.text
    first = store.get(1)["runs"][0]["run"]
    new = r.json()["run"]
    assert new != first
    d = client.get("/api/measurements/1").json()
    assert d["run"] == new
    last = d["provenance"][-1]
    assert last["step"] in ("nmr.phase", "web.nmr_phase") and last["manual"] is True
    assert last["parameters"] == {"p0_deg": 25.0, "p1_deg": -20.0, "pivot_ppm": None}
    m = load(store.run_path(1, new))
    assert m.signal.real.max() > 10 * abs(m.signal.real.min())  # now in absorption
    assert [r["run"] for r in store.get(1)["runs"]] == [first, new]
    # the old run is still there, untouched
    assert load(store.run_path(1, first)).provenance[-1].step == "demo.synthesize"
    # the measurement page shows the new run
    page = client.get("/measurements/1", headers={"accept": "text/html"}).text
    assert "manual phase" in page and f"{last['step']}</code> <strong>manual</strong>" in page


def test_integrals_and_baseline_corrections(client) -> None:
    client.post("/api/measurements/1/corrections/phase", json={"p0_deg": 25, "p1_deg": -20})
    r = client.post("/api/measurements/1/corrections/baseline",
                    json={"regions_ppm": [[11.5, 9.0], [-0.3, -1.0]], "order": 1})
    assert r.status_code == 201, r.text
    r = client.post("/api/measurements/1/corrections/integrals",
                    json={"ranges_ppm": [[4.35, 3.9], [2.25, 1.85], [1.5, 1.0]]})
    assert r.status_code == 201
    d = client.get("/api/measurements/1").json()
    table = next(t for t in d["results"] if t["name"] == "manual_integrals")
    rel = [row[table["columns"].index("relative")] for row in table["rows"]]
    assert rel[0] == 1.0
    assert rel[1] == pytest.approx(1.5, rel=0.05)  # CH3CO (3H) / OCH2 (2H)
    assert rel[2] == pytest.approx(1.5, rel=0.05)  # CH3 triplet (3H)
    plot = client.get("/api/measurements/1/plot").json()
    assert len([i for i in plot["integrals"] if i.get("from") == "manual_integrals"]) == 3


def test_xrd_phase_decisions(client, store) -> None:
    body = {"accepted": ["Quartz"], "rejected": ["Halite"]}
    r = client.post("/api/measurements/7/corrections/phases", json=body)
    assert r.status_code == 201
    assert store.get(7)["phases"] == ["Quartz"]
    # halite was a candidate of the three hand-made demo patterns; the sand's search-match left it out
    assert client.get("/api/measurements", params={"phase": "halite"}).json()["total"] == 2
    d = client.get("/api/measurements/7").json()
    assert any("not recomputed" in w for w in d["warnings"])  # no reference ids: nothing to refit
    r = client.post("/api/measurements/1/corrections/phases", json={"accepted": ["Quartz"], "rejected": []})
    assert r.status_code == 422
    assert "xrd data" in r.json()["detail"]


def _phases(client, mid: int) -> dict[str, dict]:
    return {c["name"]: c for c in client.get(f"/api/measurements/{mid}").json()["phase_candidates"]}


def test_rejecting_a_phase_refits_the_weight_fractions(client, store) -> None:
    """The demo sand (quartz 60, calcite 30, corundum 10 wt %, identified by search-match): reject
    corundum and the new run's phases and weight fractions come from quartz and calcite only."""
    sand = 10
    before = _phases(client, sand)
    accepted = {n: c for n, c in before.items() if c["accepted"]}
    assert set(accepted) == {"Quartz", "Calcite", "Corundum"}
    assert sum(c["weight_fraction"] for c in accepted.values()) == pytest.approx(1.0, abs=2e-3)
    assert accepted["Corundum"]["weight_fraction"] == pytest.approx(0.10, abs=0.02)
    assert not before["Halite"]["accepted"]  # a runner-up candidate, not accepted by default
    corundum = accepted["Corundum"]["reference_id"]
    keep = [accepted["Quartz"]["reference_id"], accepted["Calcite"]["reference_id"]]

    r = client.post(f"/api/measurements/{sand}/corrections/phases", json={"accepted": keep, "rejected": [corundum]})
    assert r.status_code == 201, r.text
    assert r.json()["step"] == "web.xrd_phases"
    d = client.get(f"/api/measurements/{sand}").json()
    last = d["provenance"][-1]
    assert last["step"] == "web.xrd_phases" and last["manual"] is True
    assert last["parameters"] == {"accepted": keep, "rejected": [corundum]}
    assert last["decisions"]["accepted_ids"] == keep and last["decisions"]["rejected_ids"] == [corundum]
    phases = next(t for t in d["results"] if t["name"] == "phases")
    names = [row[phases["columns"].index("name")] for row in phases["rows"]]
    wf = {n: row[phases["columns"].index("weight_fraction")] for n, row in zip(names, phases["rows"])}
    assert set(wf) == {"Quartz", "Calcite"}
    assert sum(wf.values()) == pytest.approx(1.0, abs=2e-3)
    # renormalised: about 60:30 of what is left, i.e. 2:1
    assert wf["Quartz"] / wf["Calcite"] == pytest.approx(2.0, rel=0.15)
    assert wf["Quartz"] > accepted["Quartz"]["weight_fraction"] + 0.03
    after = _phases(client, sand)
    assert not after["Corundum"]["accepted"] and after["Corundum"]["weight_fraction"] is None
    assert store.get(sand)["phases"] == ["Quartz", "Calcite"]
    assert {s["name"] for s in client.get(f"/api/measurements/{sand}/plot").json()["sticks"]} == {"Quartz", "Calcite"}
    assert client.get("/api/measurements", params={"phase": "corundum"}).json()["total"] == 0

    # accept it again (by name this time): back to three phases
    r = client.post(f"/api/measurements/{sand}/corrections/phases", json={"accepted": ["Corundum"], "rejected": []})
    assert r.status_code == 201, r.text
    again = {n: c["weight_fraction"] for n, c in _phases(client, sand).items() if c["accepted"]}
    assert again == pytest.approx({n: c["weight_fraction"] for n, c in accepted.items()}, abs=0.01)

    r = client.post(f"/api/measurements/{sand}/corrections/phases", json={"accepted": ["Unobtainium"]})
    assert r.status_code == 422 and "no phase named 'Unobtainium'" in r.json()["detail"]


@pytest.mark.parametrize(("url", "status"), [
    ("/api/measurements/999", 404),
    ("/api/measurements/1?run=9", 404), ("/api/measurements/0", 422), ("/api/measurements/abc", 422),
    ("/api/measurements/1/download/exe", 422),
])
def test_errors_are_4xx_with_a_message(client, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    if status >= 400:
        assert r.json()["detail"]


def test_a_failed_entry_has_a_page_but_no_plot(client, store) -> None:
    if not _n_failures(store):
        pytest.skip("the SQL catalog records failures of its own ingests only")
    assert client.get("/api/measurements/11").json()["record"]["status"] == "failed"
    assert client.get("/api/measurements/11/plot").status_code == 404


def test_corrections_validate_their_input(client) -> None:
    bad = [
        ("phase", {"p0_deg": "NaN"}), ("phase", {}), ("phase", {"p0_deg": 1, "x": 2}),
        ("baseline", {"regions_ppm": []}), ("baseline", {"regions_ppm": [[1.0]]}),
        ("baseline", {"regions_ppm": [[100.0, 99.0]]}), ("integrals", {"ranges_ppm": [[50.0, 49.0]]}),
    ]
    for kind, body in bad:
        r = client.post(f"/api/measurements/1/corrections/{kind}", json=body)
        assert r.status_code == 422, (kind, body, r.text)
        assert r.json()["detail"]


def test_downloads(client) -> None:
    nxs = client.get("/api/measurements/1/download/nxs")
    assert nxs.status_code == 200 and nxs.content[:8] == b"\x89HDF\r\n\x1a\n"
    csv = client.get("/api/measurements/1/download/csv").text.splitlines()
    assert csv[0] == "chemical_shift (ppm),real (arb),imaginary (arb)"
    assert len(csv) == 16385
    x = np.array([float(line.split(",")[0]) for line in csv[1:]])
    assert x[0] == pytest.approx(12.0) and x[-1] == pytest.approx(-1.0)
    jdx = client.get("/api/measurements/1/download/jdx")  # the NMR JCAMP-DX exporter is installed
    assert jdx.status_code == 200 and jdx.text.startswith("##TITLE=")
    report = client.get("/api/measurements/7/download/report")
    assert report.status_code == 200
    assert "quartz powder" in report.text and "data:image/png;base64," in report.text


def test_pages_render(client, store) -> None:
    html = {"accept": "text/html"}
    home = client.get("/", headers=html).text
    assert "Recent measurements" in home and "demo NMR" in home
    assert ("broken.fid.zip" in home) == bool(_n_failures(store))
    cat = client.get("/catalog", params={"technique": "xrd"}, headers=html).text
    assert cat.count('class="open"') == 4
    page = client.get("/measurements/7", headers=html).text
    assert "Candidate phases" in page and "/vendor/plotly.min.js" in page
    assert client.get("/measurements/999", headers=html).status_code == 404
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000  # served from the plotly package


def test_openapi_documents_the_api(client) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/measurements", "/api/measurements/{mid}", "/api/uploads",
            "/api/measurements/{mid}/corrections/phase"} <= paths
    assert not any(p.startswith("/measurements") for p in paths)  # pages stay out of the API schema


def test_text_from_files_is_escaped_in_pages(client, store) -> None:
    from instrumentarium.model import Axis, Measurement, NMRAcquisition

    evil = "<script>alert(1)</script>"
    m = Measurement("nmr", np.ones(8, complex), (Axis("chemical_shift", "ppm", np.linspace(8, 0, 8)),),
                    acquisition=NMRAcquisition(title=evil, solvent=evil))
    mid = store.add(m, filename="evil.nxs")
    for url in (f"/measurements/{mid}", "/catalog", "/"):
        html = client.get(url, headers={"accept": "text/html"}).text
        assert evil not in html
    assert "&lt;script&gt;" in client.get(f"/measurements/{mid}", headers={"accept": "text/html"}).text
