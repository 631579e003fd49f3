"""The catalog's writer serves the ingest and the web store alike: the same rows for the same data."""

from __future__ import annotations

from typing import Any

import instrumentarium_fakelab as fakelab
import pytest
from sqlalchemy import select

from instrumentarium import load, read
from instrumentarium.catalog import Catalog, ingest, result_rows
from instrumentarium.catalog._models import (
    InstrumentRow,
    MeasurementRow,
    MetricRow,
    MultipletRow,
    PeakRow,
    PhaseRow,
    ProcessingRun,
    ResultRow,
    SampleRow,
)
from instrumentarium.catalog._work import processed_outcome
from instrumentarium.catalog._write import write_run
from instrumentarium.pipeline import resolve_recipe

pytest.importorskip("fastapi", reason="the web store needs the web extra (pip install 'instrumentarium[web]')")

from instrumentarium.web._queries import CatalogStore

_RESULT_TABLES = (PeakRow, MultipletRow, PhaseRow, MetricRow, ResultRow)
_RUN_COLUMNS = ("scan_index", "recipe_key", "recipe", "package_version", "provenance", "status", "stage", "error")
# the ingest keeps the raw measurement's shape (an NMR FID's, say); the web has only the processed one
_MEASUREMENT_COLUMNS = (
    "technique",
    "reader",
    "format",
    "title",
    "acquired_at",
    "nucleus",
    "solvent",
    "frequency_mhz",
    "pulse_program",
    "temperature_k",
    "wavelength_angstrom",
    "anode",
    "acquisition",
    "source",
    "warnings",
)


def _plain(obj: Any, skip: tuple[str, ...] = ("id", "run_id", "measurement_id")) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in skip}


def _snapshot(url: str) -> dict[str, Any]:
    """Every measurement of a catalog by title: its columns, instrument, sample, latest run and results."""
    out = {}
    with Catalog(url) as cat, cat.reading() as s:
        for row in s.scalars(select(MeasurementRow)):
            run = s.scalars(
                select(ProcessingRun).where(ProcessingRun.measurement_id == row.id).order_by(ProcessingRun.id.desc())
            ).first()
            results = {
                cls.__tablename__: sorted(
                    (_plain(r) for r in s.scalars(select(cls).where(cls.run_id == run.id))), key=repr
                )
                for cls in _RESULT_TABLES
            }
            out[row.title] = {
                "measurement": {k: getattr(row, k) for k in _MEASUREMENT_COLUMNS},
                "instrument": _plain(s.get(InstrumentRow, row.instrument_id), ("id",)),
                "sample": _plain(s.get(SampleRow, row.sample_id), ("id",)) if row.sample_id else None,
                "run": {k: getattr(run, k) for k in _RUN_COLUMNS},
                "results": results,
            }
    return out


def test_web_store_and_ingest_write_the_same_rows_for_the_same_measurement(fake_lab, lab, two_db_urls):
    ingest_url, web_url = two_db_urls
    files = [lab / "nmr" / "aspirin.fake", lab / "xrd" / "mix.fake"]
    with Catalog(ingest_url) as cat:
        summary = ingest(files, catalog=cat)
        stored = {load(cat.nxs_path(mid)).acquisition.title: cat.nxs_path(mid) for mid in summary.measurement_ids}
    assert sorted(stored) == ["aspirin in CDCl3", "quartz calcite mix"]
    web = CatalogStore.open(web_url)
    try:
        for path in files:  # what the ingest processed and analysed, catalogued by the web
            m = load(stored[read(path).acquisition.title])
            web.add(m, recipe=resolve_recipe(read(path), "auto"), filename=path.name)
    finally:
        web.catalog.close()
    by_ingest, by_web = _snapshot(ingest_url), _snapshot(web_url)
    assert by_web == by_ingest
    mix = by_web["quartz calcite mix"]
    assert [p["name"] for p in sorted(mix["results"]["phases"], key=lambda p: p["name"])] == ["Quartz low", "calcite"]
    assert {p["position"] for p in by_web["aspirin in CDCl3"]["results"]["peaks"]} == {7.26, 2.35, 11.0}
    assert mix["instrument"]["vendor"] == "FakeLab" and mix["run"]["status"] == "ok"


def test_rejected_phases_are_not_written_as_present(fake_lab, tmp_path, db_url):
    """``reject_phases`` (names or formulas) drops phases; every other row is written as without it."""
    path = fakelab.write_fake(
        tmp_path / "lab" / "mix.fake",
        kind="xrd",
        peaks="26.64, 29.41",
        phases="quartz:SiO2:0.6, calcite:CaCO3:0.4, corundum:Al2O3:0.0",
    )
    with Catalog(db_url) as cat:
        ingest([path], catalog=cat)
        with cat.session() as s:
            row = s.scalars(select(MeasurementRow)).one()
            m = load(cat.nxs_path(row.id))
            outcome = processed_outcome(m, recipe=resolve_recipe(read(path), "auto"), nxs_path=None)
            ds = row.dataset
            kept = write_run(
                s,
                ds,
                outcome,
                measurement_id=row.id,
                ingest_key="k1",
                recipe_request="manual",
                reject_phases={"calcite", "Al2O3"},
            )
            every = write_run(s, ds, outcome, measurement_id=row.id, ingest_key="k2", recipe_request="manual")
        with cat.reading() as s:

            def names(run_id: int, cls: type = PhaseRow) -> list[Any]:
                return sorted(repr(_plain(r)) for r in s.scalars(select(cls).where(cls.run_id == run_id)))

            assert [p.name for p in s.scalars(select(PhaseRow).where(PhaseRow.run_id == kept))] == ["quartz"]
            assert len(names(every)) == 3 == len(result_rows(m.results)["phases"])
            for cls in (PeakRow, MetricRow, ResultRow):
                assert names(kept, cls) == names(every, cls) and names(kept, cls)


def test_web_and_ingest_share_the_instrument_row(fake_lab, lab, db_url):
    """One instrument is one row whichever front end catalogued its measurements (the home page counts them)."""
    with Catalog(db_url) as cat:
        summary = ingest([lab / "nmr" / "aspirin.fake"], catalog=cat)
        (mid,) = summary.measurement_ids
        aspirin = load(cat.nxs_path(mid))
    web = CatalogStore.open(db_url)
    try:
        mix = read(lab / "xrd" / "mix.fake")
        recipe = resolve_recipe(mix, "auto")
        web.add(recipe.run(mix), recipe=recipe, filename="mix.fake")
        web.add(aspirin.replace(signal=aspirin.signal * 0.5), filename="aspirin-again.nxs")
        assert web.stats()["instruments"] == {"FakeLab F1": 3}
        with web.catalog.reading() as s:
            assert len(list(s.scalars(select(InstrumentRow)))) == 1
            assert len(list(s.scalars(select(SampleRow)))) == 1  # "aspirin"; mix names no sample
    finally:
        web.catalog.close()
