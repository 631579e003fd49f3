"""The workstation in a real headless Chromium: catalog, filters, plots, zoom, phase, upload.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and Playwright's Python
package; skipped with the reason otherwise. One browser for the module, a few pages.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser tests need /usr/bin/chromium "
                       "(apt-get install -y chromium)"),
]
playwright_sync = pytest.importorskip("playwright.sync_api",
                                      reason="browser tests need playwright (dev extra)")
uvicorn = pytest.importorskip("uvicorn", reason="browser tests need uvicorn (web extra)")

from PIL import Image  # noqa: E402

from instrumentarium.web import create_app  # noqa: E402
from instrumentarium.web._queries import CatalogStore  # noqa: E402
from instrumentarium.web._store import FolderStore  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(store):
    """The app on ``store`` under uvicorn on a loopback port, in a thread: yields its URL."""
    port = _free_port()
    app = create_app(store=store)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        app.state.live.join(30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, _demo_templates: dict[str, Path], nmr_technique):
    """The app under uvicorn on a loopback port, in a thread, on a copy of the demo SQL catalog."""
    root = tmp_path_factory.mktemp("browser") / "catalog"
    shutil.copytree(_demo_templates["catalog"], root)
    store = CatalogStore.open(root / "catalog.sqlite")
    with _serving(store) as (url, _app):
        yield url, store
    store.catalog.close()


@pytest.fixture
def own_server(tmp_path: Path):
    """A server of its own on an empty folder store (tests that add measurements or runs)."""
    store = FolderStore(tmp_path / "store")
    with _serving(store) as (url, app):
        yield url, store, app


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ctx.close()
    assert errors == [], f"JavaScript errors: {errors}"


def assert_not_blank(path: Path) -> None:
    """A screenshot with real content: many colours and contrast, not a flat page."""
    img = np.asarray(Image.open(path).convert("L"), dtype=float)
    assert img.std() > 10, f"{path.name} looks blank (grey-level std {img.std():.1f})"
    assert len(np.unique(img)) > 30, f"{path.name} has only {len(np.unique(img))} grey levels"


def test_catalog_filter_and_nmr_phase(server, page, tmp_path: Path) -> None:
    url, store = server
    page.goto(f"{url}/catalog")
    assert page.locator("#results tr").count() == 11  # header + 10
    page.screenshot(path=tmp_path / "catalog.png", full_page=True)
    assert_not_blank(tmp_path / "catalog.png")

    page.select_option("#f-technique", "nmr")
    page.fill("input[name=solvent]", "CDCl3")
    page.click("#apply-filters")
    page.wait_for_url("**/catalog?*technique=nmr*")
    assert page.locator("#results tr").count() == 4
    assert "3 measurements" in page.locator("#count").inner_text()

    page.locator("a.open", has_text="ethyl acetate in CDCl3").click()
    page.wait_for_selector("#plot[data-ready='1']")
    assert page.locator("#plot .main-svg").count() > 0

    # zoom by dragging across the plot: the x range narrows to the dragged interval
    box = page.locator("#plot .nsewdrag").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.65, y, steps=5)
    page.mouse.up()
    page.wait_for_function("document.getElementById('plot').layout.xaxis.autorange === false")
    lo, hi = sorted(page.evaluate("document.getElementById('plot').layout.xaxis.range"))
    assert 0 < hi - lo < 3  # ppm, out of 13
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.wait_for_function("document.getElementById('readout').textContent.startsWith('δ =')")

    # phase by hand: p0 and p1 sliders preview live, then save as a new run
    page.fill("#p0", "25")
    page.wait_for_selector("#plot[data-previewed='25,0']")
    page.fill("#p1", "-20")
    page.wait_for_selector("#plot[data-previewed='25,-20']")
    page.screenshot(path=tmp_path / "nmr.png", full_page=True)
    assert_not_blank(tmp_path / "nmr.png")
    page.click("#phase-save")
    page.wait_for_url("**/measurements/1?run=*")
    page.wait_for_selector("#plot[data-ready='1']")
    runs = page.locator("#runs tr")
    assert runs.count() == 3
    assert "manual phase" in runs.nth(2).inner_text()
    provenance = page.locator("#provenance li").last.inner_text()
    assert "phase" in provenance and "manual" in provenance and "p0_deg=25" in provenance
    assert len(store.get(1)["runs"]) == 2
    assert page.url.endswith(f"run={store.get(1)['runs'][1]['run']}")


def test_xrd_pattern_and_phase_decision(server, page, tmp_path: Path) -> None:
    url, store = server
    page.goto(f"{url}/catalog?technique=xrd")
    page.locator("a.open", has_text="quartz powder").first.click()
    page.wait_for_selector("#plot[data-ready='1']")
    legend = page.locator("#plot .legend").text_content()
    assert "Quartz" in legend and "Halite" in legend  # reference-phase sticks
    page.screenshot(path=tmp_path / "xrd.png", full_page=True)
    assert_not_blank(tmp_path / "xrd.png")
    page.uncheck(".phase-accept[value='Halite']")
    page.click("#phases-save")
    page.wait_for_url("**run=*")
    assert not page.locator(".phase-accept[value='Halite']").is_checked()
    mid = int(page.url.split("/measurements/")[1].split("?")[0])
    assert "Halite" not in store.get(mid)["phases"]


def _weight_fractions(page) -> dict[str, float]:
    out = {}
    for row in page.locator("#phase-table tr").all()[1:]:
        cells = row.locator("td").all_inner_texts()
        if cells[3].strip():
            out[cells[0]] = float(cells[3])
    return out


def test_rejecting_a_phase_refits_the_weight_fractions(server, page, tmp_path: Path) -> None:
    """The demo sand (identified by search-match): uncheck corundum, save, and the new run shows
    quartz and calcite only, refitted, summing to 100 wt %."""
    url, store = server
    page.goto(f"{url}/catalog?technique=xrd")
    page.locator("a.open", has_text="sand powder").first.click()
    page.wait_for_selector("#plot[data-ready='1']")
    before = _weight_fractions(page)
    assert set(before) == {"Quartz", "Calcite", "Corundum"}
    assert sum(before.values()) == pytest.approx(100, abs=0.3)
    assert "Corundum" in page.locator("#plot .legend").text_content()
    page.uncheck(".phase-accept[value='Corundum']")
    page.click("#phases-save")
    page.wait_for_url("**run=*")
    page.wait_for_selector("#plot[data-ready='1']")
    after = _weight_fractions(page)
    assert set(after) == {"Quartz", "Calcite"}
    assert sum(after.values()) == pytest.approx(100, abs=0.3)
    assert after["Quartz"] > before["Quartz"] + 3 and after["Calcite"] > before["Calcite"]
    assert not page.locator(".phase-accept[value='Corundum']").is_checked()
    assert "Corundum" not in page.locator("#plot .legend").text_content()
    mid = int(page.url.split("/measurements/")[1].split("?")[0])
    assert store.get(mid)["phases"] == ["Quartz", "Calcite"]
    provenance = page.locator("#provenance li").last.inner_text()
    assert "web.xrd_phases" in provenance and "manual" in provenance and "rejected_ids" in provenance
    page.screenshot(path=tmp_path / "sand.png", full_page=True)
    assert_not_blank(tmp_path / "sand.png")


def test_2d_spectrum_as_contours_and_pseudo_2d_as_stacked_rows(own_server, page, tmp_path: Path) -> None:
    from .test_plot2d import hsqc_like, t1_series

    url, store, _ = own_server
    hsqc = store.add(hsqc_like(), filename="hsqc.nxs")
    t1 = store.add(t1_series(), filename="t1.nxs")
    page.goto(f"{url}/measurements/{hsqc}")
    page.wait_for_selector("#plot[data-ready='1']")
    traces = page.evaluate("document.getElementById('plot').data.map(t => [t.type, t.name])")
    assert traces == [["contour", "positive"], ["contour", "negative"]]
    titles = page.evaluate("[document.getElementById('plot').layout.xaxis.title.text,"
                           " document.getElementById('plot').layout.yaxis.title.text]")
    assert titles == ["δ2 / ppm", "δ1 / ppm"]
    assert page.locator("#plot .contourlayer path").count() > 0
    box = page.locator("#plot .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_function("document.getElementById('readout').textContent.startsWith('δ2 =')")
    assert page.locator("#nmr-tools").count() == 0
    page.screenshot(path=tmp_path / "hsqc.png", full_page=True)
    assert_not_blank(tmp_path / "hsqc.png")

    page.goto(f"{url}/measurements/{t1}")
    page.wait_for_selector("#plot[data-ready='1']")
    names = page.evaluate("document.getElementById('plot').data.map(t => t.name)")
    assert len(names) == 10 and names[0] == "delay = 10 s"
    page.screenshot(path=tmp_path / "t1.png", full_page=True)
    assert_not_blank(tmp_path / "t1.png")


def test_upload_a_zip(server, page, tmp_path: Path) -> None:
    url, store = server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("day2/sample.nxs", store.run_path(3).read_bytes())
    archive = tmp_path / "day2.zip"
    archive.write_bytes(buf.getvalue())
    page.goto(f"{url}/upload")
    page.set_input_files("#upload-file", str(archive))
    page.click("#upload-submit")
    page.wait_for_selector("a.uploaded")
    assert "catalogued 1 measurement" in page.locator("#upload-result").inner_text()
    page.click("a.uploaded")
    page.wait_for_selector("#plot[data-ready='1']")
    page.screenshot(path=tmp_path / "uploaded.png", full_page=True)
    assert_not_blank(tmp_path / "uploaded.png")


def test_live_page_draws_frames_and_lists_the_catalogued_run(own_server, page, tmp_path: Path) -> None:
    """/live in the browser: start a simulated NMR acquisition, frames redraw the plot as scans
    arrive, and the finished run is listed with the link to its catalog entry."""
    url, store, app = own_server
    page.goto(f"{url}/live")
    page.wait_for_function("window.instrumentariumLive !== undefined")
    assert page.locator("#live-runs tbody tr").count() == 0
    page.select_option("#live-driver", "sim-nmr")
    page.fill("input[name=scans]", "8")  # 8 scans of 0.25 s: several frames
    page.click("#live-start")
    page.wait_for_function("document.getElementById('live-status').dataset.status === 'success'", timeout=60_000)
    frames = page.evaluate("window.instrumentariumLive.frames()")
    assert frames[-1] == 8 and len(set(frames)) >= 3, frames  # the plot was redrawn as scans came in
    assert frames == sorted(frames)
    assert "success: 8/8 events processed" in page.locator("#live-status").inner_text()
    xs = page.evaluate("document.getElementById('live-plot').data[0].x.length")
    assert xs > 1000
    assert page.locator("#live-plot .main-svg").count() > 0
    page.screenshot(path=tmp_path / "live.png", full_page=True)
    assert_not_blank(tmp_path / "live.png")

    link = page.locator("#live-runs a.catalog-link")
    link.wait_for(timeout=30_000)
    row = page.locator("#live-runs tbody tr").first.inner_text()
    assert "sim-nmr" in row and "success" in row
    (run,) = app.state.live.runs()
    assert link.get_attribute("href") == f"/measurements/{run['measurement_id']}"
    link.click()
    page.wait_for_selector("#plot[data-ready='1']")
    assert store.get(run["measurement_id"])["technique"] == "nmr"
