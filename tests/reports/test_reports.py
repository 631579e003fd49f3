"""HTML report and PNG: plot, acquisition, results, provenance; plugin hooks or the fallback."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from instrumentarium import Axis, Measurement, plugins, process, read, save
from instrumentarium.model import NMRAcquisition
from instrumentarium.reports import (
    generic_figure,
    load_for_report,
    peak_positions,
    render_html,
    report_tables,
    write_report,
)


@pytest.fixture
def fakelab_registered():
    import instrumentarium_fakelab as fakelab

    technique = fakelab.FakeLabTechnique()
    plugins.register("readers", "fakelab", fakelab.FakeLabReader())
    plugins.register("techniques", "fakenmr", technique)
    plugins.register("techniques", "fakexrd", technique)
    yield fakelab
    for kind, name in (("readers", "fakelab"), ("techniques", "fakenmr"), ("techniques", "fakexrd")):
        plugins.unregister(kind, name)


@pytest.fixture
def spectrum(fakelab_registered, tmp_path):
    path = fakelab_registered.write_fake(tmp_path / "a.fake", kind="nmr", nucleus="1H", solvent="CDCl3",
                                         peaks="7.26, 2.0", title="aspirin <b>&</b>")
    return load_for_report(path)


def test_load_for_report_processes_and_analyses_raw_data(spectrum):
    assert [p.step for p in spectrum.provenance] == ["fakelab.normalise"]
    assert peak_positions(spectrum.results) == [7.26, 2.0]


def test_html_has_every_section_and_escapes_text(spectrum):
    page = render_html(spectrum)
    for section in ("<h2>Plot</h2>", "<h2>Acquisition</h2>", "<h2>Results</h2>", "<h2>Provenance</h2>",
                    "<h2>Source</h2>"):
        assert section in page
    assert "aspirin &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page
    assert "CDCl3" in page and "fakelab.normalise" in page
    assert "data:image/png;base64," in page
    assert spectrum.source.sha256[0] in page


def test_generic_tables_from_typed_results(spectrum):
    tables = {title: (headers, rows) for title, headers, rows in report_tables(spectrum)}
    headers, rows = tables["analysis: peaks"]
    assert headers == ["ppm", "intensity"]
    assert [r[0] for r in rows] == [7.26, 2.0]
    assert ["noise", 0.02] in tables["analysis"][1]


def test_generic_figure_reads_ppm_right_to_left(spectrum):
    fig = generic_figure(spectrum)
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert left > right
    assert ax.get_xlabel() == "chemical_shift / ppm"


def test_generic_figure_of_2d_data_is_a_contour_map():
    x = np.linspace(10, 0, 64)
    y = np.linspace(10, 0, 32)
    signal = np.exp(-((x[None, :] - 5) ** 2 + (y[:, None] - 5) ** 2))
    m = Measurement("nmr", signal, (Axis("f1", "ppm", y), Axis("f2", "ppm", x)),
                    acquisition=NMRAcquisition(title="cosy"))
    fig = generic_figure(m)
    assert fig.axes[0].get_title() == "cosy"
    assert fig.axes[0].collections  # contour sets


def test_write_report_writes_html_and_png(spectrum, tmp_path):
    html, png = write_report(spectrum, tmp_path / "out" / "report.html")
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert png.name == "report.png"
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_report_from_a_saved_nxs_is_the_same_measurement(spectrum, tmp_path):
    path = save(spectrum, tmp_path / "s.nxs")
    again = load_for_report(path)
    assert again == spectrum


def test_technique_hooks_are_used_when_present(fakelab_registered, tmp_path):
    calls = []

    class WithHooks(fakelab_registered.FakeLabTechnique):
        def report_figure(self, m, analysis=None):
            calls.append("figure")
            fig = Figure()
            fig.add_subplot().set_title("custom plot")
            return fig

        def report_tables(self, m, analysis=None):
            calls.append("tables")
            return [("Custom table", ["a", "b"], [[1, 2]])]

    plugins.register("techniques", "fakenmr", WithHooks())
    m = process(read(fakelab_registered.write_fake(tmp_path / "x.fake", kind="nmr", peaks="1.0")))
    page = render_html(m)
    assert calls == ["figure", "tables"]
    assert "Custom table" in page


def test_raw_measurement_without_provenance_is_said(fakelab_registered, tmp_path):
    raw = read(fakelab_registered.write_fake(tmp_path / "r.fake", kind="xrd", peaks="26.6"))
    page = render_html(raw)
    assert "no processing applied" in page
    assert "No analysis results." in page
