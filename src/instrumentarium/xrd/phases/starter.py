"""The starter library: common phases written down from the literature, shipped as CIFs.

Every CIF in ``data/`` gives its source (paper or certificate) in a comment and in
``_publ_section_references``. They were typed in for Instrumentarium (no database copied) and
cross-checked against independent CIFs of the same minerals in the tests. The starter
reference database is built from them on first use into ``<home>/refdb/starter-<n>.sqlite``
(a fraction of a second) so that phase identification works after a plain install.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..._home import home_path

__all__ = ["starter_cif_paths", "starter_db_path", "open_starter_db"]

_DATA = "instrumentarium.xrd.phases"


def starter_cif_paths() -> list[Path]:
    """Return the starter library's CIF files (sorted)."""
    folder = resources.files(_DATA).joinpath("data")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".cif"))


def starter_db_path() -> Path:
    """Where the starter database lives (its name changes when the library changes)."""
    from .refdb import SCHEMA_VERSION

    paths = starter_cif_paths()
    tag = f"{SCHEMA_VERSION}-{len(paths)}-{sum(p.stat().st_size for p in paths)}"
    return home_path("refdb", f"starter-{tag}.sqlite")


def open_starter_db():
    """Return the starter :class:`ReferenceDB`, building it first when it is not there yet."""
    from .refdb import ReferenceDB, import_cifs

    path = starter_db_path()
    db = ReferenceDB(path)
    if len(db) < len(starter_cif_paths()):
        import_cifs(starter_cif_paths(), db, processes=1)
    return db
