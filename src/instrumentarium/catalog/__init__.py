"""The catalog: a lab's datasets, processed and analysed, in a searchable database.

SQLAlchemy 2 models with Alembic migrations (run on open); SQLite by default in the
instrumentarium home (WAL, one writer), PostgreSQL by URL::

    from instrumentarium.catalog import Catalog, ingest
    with Catalog() as cat:                    # home()/catalog.sqlite
        summary = ingest(["/data/nmr"], catalog=cat, workers=2)
        hits = cat.search(nucleus="1H", solvent="CDCl3", peak_ppm=(7.26, 0.02))
"""

from ._catalog import Catalog, open_catalog
from ._discover import DatasetCandidate, RawFileInfo, dataset_files, discover, hash_dataset
from ._engine import URL_ENV_VAR, default_url, make_engine, migrate, resolve_url
from ._extract import result_rows
from ._ingest import IngestSummary, ingest
from ._search import DEFAULT_DEG_TOLERANCE, DEFAULT_PPM_TOLERANCE, Query, parse_tolerance
from ._work import ingest_key, run_task, store_path

__all__ = [
    "DEFAULT_DEG_TOLERANCE",
    "DEFAULT_PPM_TOLERANCE",
    "URL_ENV_VAR",
    "Catalog",
    "DatasetCandidate",
    "IngestSummary",
    "Query",
    "RawFileInfo",
    "dataset_files",
    "default_url",
    "discover",
    "hash_dataset",
    "ingest",
    "ingest_key",
    "make_engine",
    "migrate",
    "open_catalog",
    "parse_tolerance",
    "resolve_url",
    "result_rows",
    "run_task",
    "store_path",
]
