"""The ingest, search, show and report commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from instrumentarium_fakelab import make_lab

from instrumentarium.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def ingested(registered_fake_lab, module_db_url, tmp_path_factory):
    """One ingest shared by the read-only command tests of this module."""
    lab = make_lab(tmp_path_factory.mktemp("cli") / "lab")
    result = CliRunner().invoke(main, ["ingest", str(lab), "--db", module_db_url, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return module_db_url, json.loads(result.output)


def test_ingest_json_summary(ingested):
    _, summary = ingested
    assert (summary["datasets"], summary["new"], summary["failed"]) == (6, 5, 1)
    assert summary["by_technique"]["fakexrd"] == {"new": 2, "unchanged": 0, "failed": 1}
    assert summary["failures"][0]["path"].endswith("broken.fake")


def test_ingest_prints_a_summary_table(fake_lab, lab, db_url, run):
    out = run("ingest", str(lab), "--db", db_url).output
    assert "technique" in out and "unchanged" in out and "fakexrd" in out
    assert "process failed:" in out and "broken.fake" in out
    again = run("ingest", str(lab), "--db", db_url, "--json")
    assert json.loads(again.output)["unchanged"] == 6


def test_search_json_lists_everything_without_filter(ingested, run):
    db, _ = ingested
    hits = json.loads(run("search", "--db", db, "--json").output)
    assert len(hits) == 6
    for h in hits:
        assert {"id", "technique", "source", "acquired_at"} <= set(h)
        assert h["source"]["paths"] and len(h["source"]["sha256"]) == len(h["source"]["paths"])


@pytest.mark.parametrize("peak", ["7.26±0.02", "7.26+-0.02"])
def test_search_by_peak_ppm(ingested, run, peak):
    db, _ = ingested
    hits = json.loads(run("search", "--peak-ppm", peak, "--db", db, "--json").output)
    assert [h["title"] for h in hits] == ["aspirin in CDCl3"]


def test_search_filters_combine(ingested, run):
    db, _ = ingested
    hits = json.loads(run("search", "--technique", "fakenmr", "--nucleus", "1H", "--solvent", "CDCl3",
                          "--db", db, "--json").output)
    assert [h["title"] for h in hits] == ["aspirin in CDCl3"]
    hits = json.loads(run("search", "--phase", "quartz", "--db", db, "--json").output)
    assert sorted(h["title"] for h in hits) == ["beach sand", "quartz calcite mix"]
    table = run("search", "--text", "menthol", "--db", db).output
    assert "menthol" in table and "1 measurement" in table


def test_bad_peak_is_one_line_error(ingested):
    db, _ = ingested
    result = CliRunner().invoke(main, ["search", "--peak-ppm", "seven", "--db", db])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "7.26±0.02" in result.output
    assert "Traceback" not in result.output


def test_show(ingested, run):
    db, _ = ingested
    [hit] = json.loads(run("search", "--text", "mix", "--db", db, "--json").output)
    d = json.loads(run("show", str(hit["id"]), "--db", db, "--json").output)
    assert {p["name"] for p in d["phases"]} == {"Quartz low", "calcite"}
    text = run("show", str(hit["id"]), "--db", db).output
    assert "Phases" in text and "calcite" in text and "run " in text
    missing = CliRunner().invoke(main, ["show", "999", "--db", db])
    assert missing.exit_code == 1 and "no measurement with id 999" in missing.output


def test_report_by_id_writes_html_and_png(ingested, run, tmp_path):
    db, _ = ingested
    [hit] = json.loads(run("search", "--peak-ppm", "7.26", "--db", db, "--json").output)
    out = tmp_path / "rep" / "aspirin.html"
    result = run("report", str(hit["id"]), "-o", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "data:image/png;base64," in html and "Provenance" in html and "fakelab.normalise" in html
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")


def test_report_of_a_failed_measurement_says_why(ingested, tmp_path):
    db, _ = ingested
    hits = json.loads(CliRunner().invoke(main, ["search", "--text", "broken", "--db", db, "--json"]).output)
    result = CliRunner().invoke(main, ["report", str(hits[0]["id"]), "-o", str(tmp_path / "x.html"),
                                       "--db", db])
    assert result.exit_code == 1 and "processing failed" in result.output



def test_search_failed_lists_errors(ingested, run):
    db, _ = ingested
    rows = json.loads(run("search", "--failed", "--db", db, "--json").output)
    assert [(r["stage"], r["path"].rsplit("/", 1)[-1]) for r in rows] == [("process", "broken.fake")]
    assert "told to fail" in rows[0]["error"]
