"""Every measured file of the XRD dev set reads, with the right reader, and agrees with geddes.

geddes (PyPI, Rust, MIT) is an independent reader: wherever it reads a file, our 2-theta
and intensity arrays must match it. The files it rejects (Rigaku MiniFlex ``.ras`` with a
decimal point count) are checked against their own headers in ``test_rigaku.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from instrumentarium.formats import load, read_all, save
from instrumentarium.model import Measurement

_NOT_PATTERNS = {".prm"}  # GSAS instrument parameter files sit beside the data
#: the reader each format folder under measured/ must be read by
_EXPECTED_READER = {
    "xrdml": "xrdml",
    "xy": "xrd-xy",
    "bruker_raw": "bruker-raw",
    "brml": "bruker-brml",
    "uxd": "bruker-uxd",
    "ras": "rigaku-ras",
    "rasx": "rigaku-rasx",
    "gsas": "gsas",
    "pdcif": "pdcif",
}
#: 2-theta tolerance against geddes, per reader: UXD angles are written with four significant
#: digits and our reader restores the exact scan grid (checked against the RAW file instead)
_ANGLE_TOLERANCE = {"bruker-uxd": 0.011}


@pytest.fixture(scope="module")
def measured(shared_data: Path) -> dict[Path, list[Measurement] | Exception]:
    """Every pattern of the manifest, read once: path -> scans (or the exception raised)."""
    manifest = shared_data / "xrd/manifest.json"
    if not manifest.is_file():
        pytest.skip(f"{manifest} not found")
    out: dict[Path, list[Measurement] | Exception] = {}
    for row in json.loads(manifest.read_text())["patterns"]:
        path = shared_data / "xrd" / row["file"]
        if path.suffix.lower() in _NOT_PATTERNS:
            continue
        try:
            out[path] = read_all(path)
        except Exception as exc:  # collected and reported by the test
            out[path] = exc
    return out


def test_every_measured_file_reads(measured: dict[Path, list[Measurement] | Exception]) -> None:
    assert len(measured) >= 140
    failures = []
    for path, items in measured.items():
        if isinstance(items, Exception):
            failures.append(f"{path.name}: {type(items).__name__}: {items}")
            continue
        family = path.parts[path.parts.index("measured") + 1]
        for m in items:
            x = m.axes[0].values
            if m.source.reader != _EXPECTED_READER[family]:
                failures.append(
                    f"{path.name}: read by {m.source.reader}, expected {_EXPECTED_READER[family]}"
                )
            if m.technique != "xrd" or m.axes[0].name != "two_theta" or m.axes[0].unit != "deg":
                failures.append(f"{path.name}: {m.technique} / {m.axes[0].name} [{m.axes[0].unit}]")
            if x.size < 20 or not np.all(np.diff(x) > 0) or not np.all(np.isfinite(m.signal)):
                failures.append(f"{path.name}: bad pattern ({x.size} points)")
            if m.signal_unit not in ("counts", "counts/s") or not m.source.sha256:
                failures.append(f"{path.name}: signal unit {m.signal_unit!r}, sha256 {m.source.sha256}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


def test_agrees_with_geddes(measured: dict[Path, list[Measurement] | Exception]) -> None:
    geddes = pytest.importorskip("geddes")
    compared, rejected, failures = 0, [], []
    for path, items in measured.items():
        try:
            g = geddes.read(str(path))
        except Exception:  # geddes rejects some files; ours must still read them
            rejected.append(path.name)
            continue
        assert not isinstance(items, Exception), f"{path.name}: {items}"
        m = items[0]
        x, y = m.axes[0].values, m.signal
        gx, gy = np.asarray(g.x, float), np.asarray(g.y, float)
        compared += 1
        if x.size != gx.size:
            failures.append(f"{path.name}: {x.size} points, geddes {gx.size}")
        elif not np.allclose(x, gx, atol=_ANGLE_TOLERANCE.get(m.source.reader, 1e-4), rtol=0):
            failures.append(f"{path.name}: 2-theta differs by up to {np.max(np.abs(x - gx)):.2g} deg")
        elif not np.allclose(y, gy, rtol=1e-6, atol=1e-6):
            failures.append(f"{path.name}: intensities differ by up to {np.max(np.abs(y - gy)):.3g}")
    assert compared >= 135, f"only {compared} files compared"
    assert sorted(rejected) == sorted(p.name for p in measured if p.suffix == ".ras" and "xerus" in str(p))
    assert not failures, "\n".join(failures)


def test_one_file_per_reader_survives_nexus(
    measured: dict[Path, list[Measurement] | Exception], tmp_path: Path
) -> None:
    seen: set[str] = set()
    for items in measured.values():
        assert not isinstance(items, Exception)
        m = items[0]
        if m.source.reader in seen:
            continue
        seen.add(m.source.reader)
        back = load(save(m, tmp_path / f"{m.source.reader}.nxs"))
        assert np.array_equal(back.signal, m.signal) and back.axes == m.axes
        assert back.acquisition == m.acquisition, m.source.reader
        assert dict(back.raw_parameters) == json.loads(json.dumps(dict(m.raw_parameters)))
    assert seen == set(_EXPECTED_READER.values())
