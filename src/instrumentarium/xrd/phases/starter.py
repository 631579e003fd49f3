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

import numpy as np

from ..._home import home_path

__all__ = ["starter_cif_paths", "starter_db_path", "open_starter_db", "mixture_profile"]

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


def mixture_profile(two_theta_deg: np.ndarray, fractions: dict[str, float], *, shift_deg: float = 0.0) -> np.ndarray:
    """The net Cu Kα1+Kα2 profile of a weighed mixture of starter-library phases.

    Each phase's lines are calculated from its CIF (``m|F|²Lp``) and scaled by ``w/(ρV²)``, the
    intensity per unit weight the RIR method assumes (Chung, J. Appl. Cryst. 7 (1974) 519), then
    drawn with the default :class:`InstrumentProfile`. For demos and tests with known fractions.

    Parameters
    ----------
    two_theta_deg
        The scan's 2θ points.
    fractions
        Weight fraction per phase, keyed by the CIF's file stem (``"quartz"``, ``"calcite"``...).
    shift_deg
        A zero shift added to every line.
    """
    from .calculate import InstrumentProfile, powder_profile, read_structure, reflections, structure_info

    x = np.asarray(two_theta_deg, dtype=float)
    y = np.zeros_like(x)
    paths = {p.stem: p for p in starter_cif_paths()}
    for stem, w in fractions.items():
        if stem not in paths:
            raise KeyError(f"{stem!r} is not in the starter library ({', '.join(sorted(paths))})")
        small = read_structure(paths[stem])
        info = structure_info(small)
        tth, inten = reflections(small).intensity()
        y += powder_profile(x, tth + shift_deg, inten / info.volume_angstrom3**2 / info.density_g_cm3 * w,
                            InstrumentProfile())
    return y
