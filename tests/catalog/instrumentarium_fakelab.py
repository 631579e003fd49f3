"""A tiny fake lab (reader + technique) so the catalog tests need no real technique package.

Format ``FAKELAB 1``: a text file (``*.fake``) or a folder holding ``fake.par`` (+ any
data files), made of ``key = value`` lines::

    FAKELAB 1
    kind = nmr              # or xrd
    nucleus = 1H
    solvent = CDCl3
    peaks = 7.26, 1.56      # ppm (nmr) or degrees 2-theta (xrd)
    phases = quartz:SiO2:0.7, calcite:CaCO3:0.3
    fail = process          # make the processing step fail
    sleep_s = 0.2           # slow processing (for the kill test)

Used in-process (``register``) and, for subprocesses, through a throw-away ``dist-info``
that declares the same classes as entry points (see ``conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from instrumentarium.formats import Reader, read_head
from instrumentarium.model import (
    Axis,
    FormatError,
    Instrument,
    Measurement,
    NMRAcquisition,
    ProcessingError,
    Sample,
    Source,
    XRDAcquisition,
    register_record,
)
from instrumentarium.pipeline import Recipe, step

MAGIC = b"FAKELAB 1"


def write_fake(path: Path, **keys: object) -> Path:
    """Write a fake file (or, for a folder path ending in ``/``, see :func:`write_fake_folder`)."""
    lines = ["FAKELAB 1", *(f"{k} = {v}" for k, v in keys.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_fake_folder(folder: Path, **keys: object) -> Path:
    """Write a fake vendor folder: ``fake.par`` plus two data files."""
    folder.mkdir(parents=True, exist_ok=True)
    write_fake(folder / "fake.par", **keys)
    (folder / "data.bin").write_bytes(np.arange(64, dtype="<i4").tobytes())
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "notes.txt").write_text("operator notes\n")
    return folder


def make_lab(root: Path) -> Path:
    """Write the small lab archive of the :func:`lab` fixture under ``root``."""
    write_fake(root / "nmr" / "aspirin.fake", kind="nmr", nucleus="1H", solvent="CDCl3",
                       peaks="7.26, 2.35, 11.0", title="aspirin in CDCl3", sample="aspirin")
    write_fake(root / "nmr" / "menthol.fake", kind="nmr", nucleus="1H", solvent="DMSO-d6",
                       peaks="3.41, 0.93", title="menthol", day=2)
    write_fake_folder(root / "nmr" / "carbon" / "10", kind="nmr", nucleus="13C", solvent="CDCl3",
                              peaks="77.16, 128.3", title="13C of something", day=3)
    write_fake(root / "xrd" / "sand.fake", kind="xrd", peaks="26.64, 20.86",
                       phases="quartz:SiO2:1.0", title="beach sand", day=4)
    write_fake(root / "xrd" / "mix.fake", kind="xrd", peaks="26.64, 29.41",
                       phases="Quartz low:SiO2:0.6, calcite:CaCO3:0.4", title="quartz calcite mix", day=5)
    write_fake(root / "xrd" / "broken.fake", kind="xrd", fail="process", title="broken")
    (root / "junk").mkdir()
    (root / "junk" / "readme.txt").write_text("not data\n")
    (root / "junk" / ".hidden.fake").write_text("FAKELAB 1\nkind = nmr\n")
    return root


def _parse(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    if not lines or lines[0].strip() != MAGIC.decode():
        raise FormatError("does not start with 'FAKELAB 1' (fakelab reader)", path=path)
    out = {}
    for i, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if "=" not in line:
            raise FormatError(f"line {i} is not 'key = value' (fakelab reader)", path=path)
        k, v = line.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


class FakeLabReader(Reader):
    """Reads FAKELAB files and folders."""

    name = "fakelab"
    technique = "fakenmr"
    description = "FAKELAB test format"
    patterns = ("*.fake", "fake.par")
    version = "1"

    def sniff(self, path: Path) -> float:
        p = Path(path)
        if p.is_dir():
            return 0.9 if read_head(p / "fake.par", 16).startswith(MAGIC) else 0.0
        return 0.95 if read_head(p, 16).startswith(MAGIC) else 0.0

    def read(self, path: Path) -> Measurement:
        p = Path(path)
        par = p / "fake.par" if p.is_dir() else p
        keys = _parse(par)
        kind = keys.get("kind", "nmr")
        peaks = _floats(keys.get("peaks", ""))
        files = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
        source = Source.from_files(files, reader=self.name, reader_version=self.version, format="fakelab")
        when = dt.datetime(2024, 5, int(keys.get("day", "1")), 12, 0, tzinfo=dt.UTC)
        if kind == "xrd":
            x = np.linspace(10.0, 80.0, 701)
            acq: object = XRDAcquisition(acquired_at=when, title=keys.get("title"),
                                         wavelength_angstrom=1.5406, anode="Cu", two_theta_start_deg=10.0,
                                         two_theta_end_deg=80.0, step_deg=0.1)
            axis = Axis("two_theta", "deg", x)
            technique = "fakexrd"
        elif kind == "nmr":
            x = np.linspace(12.0, -1.0, 1301)
            acq = NMRAcquisition(acquired_at=when, title=keys.get("title"), nucleus=keys.get("nucleus", "1H"),
                                 solvent=keys.get("solvent"), spectrometer_frequency_mhz=400.13,
                                 pulse_program="zg30")
            axis = Axis("chemical_shift", "ppm", x)
            technique = "fakenmr"
        else:
            raise FormatError(f"unknown kind {kind!r} (fakelab reader)", path=par)
        signal = np.zeros_like(x)
        for c in peaks:
            signal += np.exp(-0.5 * ((x - c) / 0.05) ** 2)
        return Measurement(
            technique=technique, signal=signal, axes=(axis,), signal_unit="counts", acquisition=acq,
            raw_parameters=keys, source=source,
            sample=Sample(name=keys.get("sample")), instrument=Instrument(vendor="FakeLab", model="F1"),
        )

    def examples(self, folder: Path) -> list[Path]:
        return [write_fake(folder / "a.fake", kind="nmr", peaks="7.26")]


@register_record("fakelab.peak")
@dataclass(frozen=True)
class FakePeak:
    """A peak (``ppm`` for NMR)."""

    ppm: float
    intensity: float


@register_record("fakelab.reflection")
@dataclass(frozen=True)
class FakeReflection:
    """A reflection (degrees 2θ)."""

    two_theta_deg: float
    intensity: float


@register_record("fakelab.phase")
@dataclass(frozen=True)
class FakePhase:
    """An identified phase."""

    name: str
    formula: str
    weight_fraction: float


@register_record("fakelab.analysis")
@dataclass(frozen=True)
class FakeAnalysis:
    """What the fake analysis finds."""

    noise: float
    peaks: tuple = ()
    phases: tuple = ()


@step("fakelab.normalise")
def normalise(m: Measurement, *, fail: bool = False, sleep_s: float = 0.0) -> Measurement:
    """Scale the signal to a maximum of 1 (optionally slowly, or failing, for tests)."""
    if sleep_s:
        time.sleep(sleep_s)
    if fail:
        raise ProcessingError("fakelab.normalise was told to fail")
    top = float(np.max(np.abs(m.signal))) or 1.0
    return m.replace(signal=m.signal / top)


class FakeLabTechnique:
    """The technique plugin for ``fakenmr`` and ``fakexrd``."""

    name = "fakelab"
    label = "Fake lab"

    def auto_recipe(self, m: Measurement) -> Recipe:
        raw = m.raw_parameters
        return Recipe.of(("fakelab.normalise", {"fail": raw.get("fail") == "process",
                                                "sleep_s": float(raw.get("sleep_s", 0))}),
                         name="auto", technique=m.technique)

    vendor_recipe = auto_recipe

    def analyze(self, m: Measurement, **options: object) -> FakeAnalysis:
        raw = m.raw_parameters
        if raw.get("fail") == "analyze":
            raise ProcessingError("fake analysis was told to fail")
        peaks = _floats(raw.get("peaks", ""))
        if m.technique == "fakexrd":
            found: tuple = tuple(FakeReflection(p, 1.0) for p in peaks)
            phases = []
            for item in raw.get("phases", "").split(","):
                if item.strip():
                    name, formula, frac = item.strip().split(":")
                    phases.append(FakePhase(name, formula, float(frac)))
            return FakeAnalysis(noise=0.01, peaks=found, phases=tuple(phases))
        return FakeAnalysis(noise=0.02, peaks=tuple(FakePeak(p, 1.0) for p in peaks))

    def summary(self, m: Measurement) -> dict:
        return {"technique": m.technique}

    def load_record_types(self) -> None:
        """The records are registered when this module is imported."""


ENTRY_POINTS = """\
[instrumentarium.readers]
fakelab = instrumentarium_fakelab:FakeLabReader

[instrumentarium.techniques]
fakenmr = instrumentarium_fakelab:FakeLabTechnique
fakexrd = instrumentarium_fakelab:FakeLabTechnique
"""
