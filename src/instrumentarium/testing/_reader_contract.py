"""The reader contract: what every reader, built-in or third-party, must do.

Use it from pytest by subclassing :class:`ReaderContract`::

    from instrumentarium.testing import ReaderContract

    class TestMyReader(ReaderContract):
        reader = MyReader()

        def example_files(self, folder):      # optional if the reader has examples()
            return [make_small_valid_file(folder)]

or call the ``check_*`` functions directly.
"""

from __future__ import annotations

import math
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..model import InstrumentariumError, Measurement

__all__ = [
    "ReaderContract",
    "check_reader_attributes",
    "check_sniff_foreign",
    "check_examples",
    "check_bad_bytes",
    "foreign_files",
    "validate_measurement",
]

SNIFF_LIMIT_S = 0.5
READ_LIMIT_S = 60.0


def _run_with_timeout(fn: Callable[[], Any], limit_s: float, what: str) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(limit_s)
    if t.is_alive():
        raise AssertionError(f"{what} did not finish within {limit_s} s (hang?)")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def foreign_files(folder: Path) -> list[Path]:
    """Write files no reader should claim: empty, random, text, PNG, JSON, a folder..."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1234)
    out = []
    specs: dict[str, bytes] = {
        "empty.bin": b"",
        "random.bin": rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(),
        "notes.txt": b"Lab notebook, page 12.\nNothing to see here.\n" * 20,
        "image.png": b"\x89PNG\r\n\x1a\n" + rng.integers(0, 256, 512, dtype=np.uint8).tobytes(),
        "data.json": b'{"a": [1, 2, 3], "b": "text"}',
        "zeros.dat": b"\x00" * 2048,
        "latin1.txt": "température, µm, Å\n".encode("latin-1") * 10,
    }
    for name, content in specs.items():
        p = folder / name
        p.write_bytes(content)
        out.append(p)
    d = folder / "empty_folder"
    d.mkdir(exist_ok=True)
    out.append(d)
    out.append(folder / "does_not_exist.xyz")
    return out


def validate_measurement(m: Any, *, technique: str | None = None) -> None:
    """Assert that ``m`` is a well-formed Measurement."""
    assert isinstance(m, Measurement), f"read returned {type(m).__name__}, not a Measurement"
    assert m.signal.size > 0, "signal is empty"
    if technique and technique != "any":
        assert m.technique == technique, f"technique {m.technique!r}, reader says {technique!r}"
    for a in m.axes:
        assert a.name and a.unit is not None, "every axis needs a name and a unit"
        assert np.all(np.isfinite(a.values)), f"axis {a.name!r} has non-finite values"
    assert m.source.reader, "source.reader must name the reader"


def check_reader_attributes(reader: Any) -> None:
    """The reader declares name, technique, description and patterns."""
    for attr in ("name", "technique", "description", "patterns"):
        assert getattr(reader, attr, None) not in (None, ""), f"reader lacks {attr!r}"
    assert callable(getattr(reader, "sniff", None)) and callable(getattr(reader, "read", None))


def check_sniff_foreign(reader: Any, folder: Path) -> None:
    """sniff never raises, answers in [0, 1], quickly, and does not claim foreign files."""
    for p in foreign_files(folder):
        t0 = time.perf_counter()
        score = _run_with_timeout(lambda p=p: reader.sniff(p), 5.0, f"sniff({p.name})")
        dt = time.perf_counter() - t0
        assert isinstance(score, (int, float)) and not math.isnan(score), f"sniff({p.name}) -> {score!r}"
        assert 0.0 <= score <= 1.0, f"sniff({p.name}) = {score} is outside [0, 1]"
        assert score < 0.5, f"{reader.name} claims the foreign file {p.name} ({score})"
        assert dt < SNIFF_LIMIT_S, f"sniff({p.name}) took {dt:.3f} s"


def check_examples(reader: Any, paths: list[Path]) -> list[Measurement]:
    """Each example is claimed (sniff >= 0.5) and reads into a valid Measurement."""
    out = []
    for p in paths:
        score = reader.sniff(p)
        assert score >= 0.5, f"{reader.name} does not claim its own example {p} ({score})"
        result = _run_with_timeout(lambda p=p: reader.read(p), READ_LIMIT_S, f"read({p})")
        items = result if isinstance(result, list) else [result]
        assert items, f"read({p}) returned no measurement"
        for m in items:
            validate_measurement(m, technique=reader.technique)
        out.extend(items)
    return out


def _damaged_copies(src: Path, folder: Path) -> list[Path]:
    """Truncated and byte-flipped copies of an example (file or folder)."""
    copies = []
    rng = np.random.default_rng(7)
    for kind in ("truncate_half", "truncate_tail", "truncate_head", "flip"):
        dst = folder / f"{kind}_{src.name}"
        if src.is_dir():
            shutil.copytree(src, dst)
            files = sorted((p for p in dst.rglob("*") if p.is_file()), key=lambda p: -p.stat().st_size)
            targets = files[:2]
        else:
            shutil.copyfile(src, dst)
            targets = [dst]
        for t in targets:
            data = bytearray(t.read_bytes())
            if not data:
                continue
            if kind == "truncate_half":
                data = data[: len(data) // 2]
            elif kind == "truncate_tail":
                data = data[: max(0, len(data) - 7)]
            elif kind == "truncate_head":
                data = data[: min(len(data), 64)]
            else:
                idx = rng.integers(0, len(data), max(1, len(data) // 50))
                for i in idx:
                    data[i] ^= 0xA5
            t.write_bytes(bytes(data))
        copies.append(dst)
    return copies


def check_bad_bytes(reader: Any, paths: list[Path], folder: Path) -> None:
    """Damaged copies give a Measurement or a typed InstrumentariumError: no crash, no hang."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in paths:
        for bad in _damaged_copies(src, folder):
            try:
                reader.sniff(bad)
            except Exception as exc:
                raise AssertionError(f"sniff raised {type(exc).__name__} on {bad.name}: {exc}") from exc
            try:
                result = _run_with_timeout(lambda b=bad: reader.read(b), READ_LIMIT_S, f"read({bad.name})")
            except InstrumentariumError as exc:
                assert str(exc), "typed errors must say what is wrong"
                continue
            except Exception as exc:
                raise AssertionError(
                    f"{reader.name}.read({bad.name}) raised {type(exc).__name__}: {exc}; "
                    "a damaged file must raise a FormatError (or another InstrumentariumError)"
                ) from exc
            items = result if isinstance(result, list) else [result]
            for m in items:
                validate_measurement(m, technique=reader.technique)


class ReaderContract:
    """pytest mix-in: subclass it, set ``reader``, optionally override ``example_files``."""

    reader: Any = None

    def example_files(self, folder: Path) -> list[Path]:
        """Valid files for this reader; by default the reader's own ``examples()``."""
        examples = getattr(self.reader, "examples", None)
        return list(examples(folder)) if examples else []

    def _examples(self, tmp_path: Path) -> list[Path]:
        folder = tmp_path / "examples"
        folder.mkdir(exist_ok=True)
        paths = self.example_files(folder)
        if not paths:
            import pytest

            pytest.skip(f"{self.reader!r} provides no example files")
        return paths

    def test_attributes(self) -> None:
        check_reader_attributes(self.reader)

    def test_sniff_foreign_files(self, tmp_path: Path) -> None:
        check_sniff_foreign(self.reader, tmp_path / "foreign")

    def test_read_examples(self, tmp_path: Path) -> None:
        check_examples(self.reader, self._examples(tmp_path))

    def test_bad_bytes(self, tmp_path: Path) -> None:
        check_bad_bytes(self.reader, self._examples(tmp_path), tmp_path / "damaged")


