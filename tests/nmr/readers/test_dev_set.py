"""The whole nmr_dev_v1 set: every data file or folder is claimed by the right reader."""

from __future__ import annotations

from pathlib import Path

import pytest

import instrumentarium
from instrumentarium.formats import load, save, sniff
from instrumentarium.model import FormatError
from instrumentarium.nmr.readers import (
    BrukerProcessedReader,
    BrukerReader,
    JcampNMRReader,
    NmrmlReader,
    SpinsolveReader,
    VarianReader,
)


def _candidates(root: Path) -> dict[Path, str]:
    """Every readable thing in the dev set and the reader that must claim it."""
    out: dict[Path, str] = {}
    for acqus in root.rglob("acqus"):
        out[acqus.parent] = "bruker"
        for pdir in (acqus.parent / "pdata").glob("*"):
            if (pdir / "1r").is_file() or (pdir / "2rr").is_file():
                out[pdir] = "bruker-processed"
    for ext in ("dx", "jdx", "jcamp"):
        for f in root.rglob(f"*.{ext}"):
            out[f] = "jcamp-dx"
    for f in root.rglob("*.jdf"):
        out[f] = "jeol"
    for f in root.rglob("procpar"):
        out[f.parent] = "varian"
    for f in root.rglob("acqu.par"):
        out[f.parent] = "spinsolve"
        out[f.parent / "spectrum.1d"] = "spinsolve"
    return out


def test_every_dev_file_is_claimed_by_its_reader(shared_data: Path) -> None:
    root = shared_data / "nmr/nmr_dev_v1"
    candidates = _candidates(root)
    kinds: dict[str, int] = {}
    for path, reader in sorted(candidates.items()):
        ranked = sniff(path)
        assert ranked and ranked[0][1] == reader, f"{path.relative_to(root)}: {ranked}"
        kinds[reader] = kinds.get(reader, 0) + 1
    assert kinds == {
        "bruker": 10,
        "bruker-processed": 9,
        "jcamp-dx": 23,
        "jeol": 1,
        "varian": 1,
        "spinsolve": 2,
    }


def test_pdata_without_spectrum_says_why(shared_data: Path) -> None:
    pdir = shared_data / "nmr/nmr_dev_v1/d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/2"
    with pytest.raises(FormatError, match="no 1r"):
        instrumentarium.read(pdir)


@pytest.mark.parametrize(
    "reader",
    [
        BrukerReader(),
        BrukerProcessedReader(),
        JcampNMRReader(),
        VarianReader(),
        SpinsolveReader(),
        NmrmlReader(),
    ],
    ids=lambda r: r.name,
)
def test_examples_survive_nexus_round_trip(reader: object, tmp_path: Path) -> None:
    for i, path in enumerate(reader.examples(tmp_path / "ex")):  # type: ignore[attr-defined]
        m = reader.read(path)  # type: ignore[attr-defined]
        for item in m if isinstance(m, list) else [m]:
            out = tmp_path / f"{i}.nxs"
            save(item, out)
            assert load(out) == item


def test_reader_texts_are_safe_for_the_formats_table() -> None:
    # `instrumentarium formats` renders these with rich, where "[...]" is markup
    from instrumentarium.plugins import readers

    for name, reader in readers().items():
        if reader.technique == "nmr":
            assert "[" not in reader.description and all("[" not in p for p in reader.patterns), name
