"""Fixtures for phase identification: a reference DB from the dev-set CIFs, built once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, XRDAcquisition


@pytest.fixture(scope="session")
def dev_refdb(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SQLite reference DB of the 335 dev-set CIFs (about 2 s on 2 cores), built once per session."""
    from instrumentarium.xrd.phases import import_cifs

    folder = shared_data / "xrd" / "cif_reference"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    path = tmp_path_factory.mktemp("refdb") / "dev.sqlite"
    report = import_cifs(folder, path, processes=2)
    assert report.added > 300
    return path


def load_columns(path: Path) -> Measurement:
    """A two-column 2θ/counts text file as an XRD Measurement (numpy only, no reader needed)."""
    rows = []
    for line in path.read_text(errors="replace").splitlines():
        parts = line.replace(",", " ").split()
        if len(parts) >= 2 and parts[0][0] in "0123456789.-":
            try:
                rows.append((float(parts[0]), float(parts[1])))
            except ValueError:
                continue
    a = np.array(rows)
    return Measurement(
        "xrd", a[:, 1], (Axis("two_theta", "deg", a[:, 0]),), signal_unit="counts", acquisition=XRDAcquisition()
    )
