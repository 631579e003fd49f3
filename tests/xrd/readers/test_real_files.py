"""Every measured file of the XRD dev set reads, and agrees with the independent reader geddes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import instrumentarium
from instrumentarium.formats import read_all

_NOT_PATTERNS = {".prm"}  # GSAS instrument parameter files sit beside the data
#: 2-theta tolerance against geddes, per reader: UXD angles are written with four significant
#: digits and our reader restores the exact scan grid (checked against the RAW file instead)
_ANGLE_TOLERANCE = {"bruker-uxd": 0.011}


def _rows(shared_data: Path) -> list[dict]:
    manifest = shared_data / "xrd/manifest.json"
    if not manifest.is_file():
        pytest.skip(f"{manifest} not found")
    rows = json.loads(manifest.read_text())["patterns"]
    return [r for r in rows if Path(r["file"]).suffix.lower() not in _NOT_PATTERNS]


def _path(shared_data: Path, row: dict) -> Path:
    return shared_data / "xrd" / row["file"]


def test_every_measured_file_reads(shared_data: Path) -> None:
    failures = []
    rows = _rows(shared_data)
    for row in rows:
        path = _path(shared_data, row)
        try:
            items = read_all(path)
        except Exception as exc:  # collect them all, report at once
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        for m in items:
            x = m.axes[0].values
            if m.technique != "xrd" or x.size < 2 or not np.all(np.diff(x) > 0):
                failures.append(f"{path.name}: bad pattern ({m.technique}, {x.size} points)")
    assert not failures, f"{len(failures)}/{len(rows)} files failed:\n" + "\n".join(failures)


def test_agrees_with_geddes(shared_data: Path) -> None:
    geddes = pytest.importorskip("geddes")
    compared, failures = 0, []
    for row in _rows(shared_data):
        path = _path(shared_data, row)
        try:
            g = geddes.read(str(path))
        except Exception:  # geddes rejects some files; those are tested elsewhere
            continue
        m = instrumentarium.read(path)
        x, y = m.axes[0].values, m.signal
        gx, gy = np.asarray(g.x, float), np.asarray(g.y, float)
        if gx.size > 1 and gx[0] > gx[-1]:
            gx, gy = gx[::-1], gy[::-1]
        compared += 1
        if x.size != gx.size:
            failures.append(f"{path.name}: {x.size} points, geddes {gx.size}")
        elif not np.allclose(x, gx, atol=_ANGLE_TOLERANCE.get(m.source.reader, 1e-4), rtol=0):
            failures.append(f"{path.name}: 2θ differs by up to {np.max(np.abs(x - gx)):.2g}°")
        elif not np.allclose(y, gy, rtol=1e-6, atol=1e-6):
            failures.append(f"{path.name}: intensities differ by up to {np.max(np.abs(y - gy)):.3g}")
    assert compared > 100
    assert not failures, "\n".join(failures)
