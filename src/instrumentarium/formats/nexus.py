"""NeXus/HDF5 files: the processed result of a measurement, readable by any HDF5 tool.

Layout (see ``docs/nexus-layout.md``)::

    /                       @default="entry" @creator @file_time
    /entry                  NXentry  @default="data"; technique, title, start_time
    /entry/data             NXdata   @signal="signal" @axes=[...] @<axis>_indices
    /entry/data/signal      real part (or the real/integer signal)  @units
    /entry/data/signal_imaginary   imaginary part, complex data only
    /entry/data/signal_errors      one-σ uncertainties of the signal, when known (NeXus
                                   ``<field>_errors`` convention)
    /entry/data/<axis>      one dataset per axis  @units @long_name
    /entry/instrument       NXinstrument (vendor, model, serial, name, software)
    /entry/sample           NXsample (name, description, chemical_formula)
    /entry/acquisition      NXcollection: one dataset per acquisition field
    /entry/process          NXprocess: program, version, recipe; one NXnote per step
    /entry/results          NXcollection: one group per result, one dataset per column
    /entry/raw_parameters   the vendor's parameters as JSON text
    /entry/instrumentarium  JSON of the typed metadata, for an exact round trip

Written atomically: to a temporary file beside the target, then renamed, so a crash
never leaves a half-written ``.nxs``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from .._version import __version__
from ..model import (
    Axis,
    FormatError,
    GenericRecord,
    Measurement,
    ProvenanceStep,
    from_jsonable,
    to_jsonable,
)
from ..plugins import techniques
from ._reader import Reader, read_head

__all__ = ["save", "load", "NexusReader", "LAYOUT_VERSION"]

LAYOUT_VERSION = "1"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_STR = h5py.string_dtype("utf-8")
_REQUIRED = ("entry", "entry/instrumentarium", "entry/data/signal", "entry/process", "entry/results",
             "entry/raw_parameters")


def _dumps(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), sort_keys=True, ensure_ascii=False)


def _loads(text: str | bytes) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return from_jsonable(json.loads(text))


def _unit_of(field_name: str) -> str | None:
    suffixes = {"_hz": "Hz", "_mhz": "MHz", "_ppm": "ppm", "_deg": "deg", "_k": "K",
                "_s": "s", "_mm": "mm", "_angstrom": "Angstrom", "_nm": "nm"}
    for suffix, unit in suffixes.items():
        if field_name.endswith(suffix):
            return unit
    return None


def _write_scalar(group: h5py.Group, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, _dt.datetime | _dt.date):
        group.create_dataset(name, data=value.isoformat(), dtype=_STR)
    elif isinstance(value, str):
        group.create_dataset(name, data=value, dtype=_STR)
    elif isinstance(value, bool | int | float | np.integer | np.floating):
        ds = group.create_dataset(name, data=value)
        unit = _unit_of(name)
        if unit:
            ds.attrs["units"] = unit
    else:
        group.create_dataset(name, data=_dumps(value), dtype=_STR)


def _write_fields(group: h5py.Group, obj: Any, rename: dict[str, str] | None = None) -> None:
    for f in dataclasses.fields(obj):
        _write_scalar(group, (rename or {}).get(f.name, f.name), getattr(obj, f.name))


def _axis_names(axes: tuple[Axis, ...]) -> list[str]:
    names: list[str] = []
    for i, a in enumerate(axes):
        base = a.name if a.name not in ("signal", "signal_imaginary", "signal_errors") else f"{a.name}_axis"
        names.append(base if base not in names else f"{base}_{i}")
    return names


def _write_results(group: h5py.Group, results: dict[str, Any]) -> None:
    for name, value in results.items():
        g = group.create_group(name)
        g.attrs["NX_class"] = "NXcollection"
        records = value if isinstance(value, tuple | list) else (value,)
        types = {r.type_name if isinstance(r, GenericRecord) else type(r).__name__ for r in records}
        g.attrs["record_types"] = ",".join(sorted(types))
        g.attrs["is_sequence"] = isinstance(value, tuple | list)
        g.create_dataset("json", data=_dumps(value), dtype=_STR)
        rows = [to_jsonable(r) for r in records]
        if not rows or not all(isinstance(r, dict) for r in rows):
            continue
        for key in rows[0]:
            if key.startswith("@"):
                continue
            column = [r.get(key) for r in rows]
            if all(isinstance(v, bool | int | float) and not isinstance(v, bool) for v in column):
                ds = g.create_dataset(key, data=np.asarray(column, dtype=float))
            elif all(isinstance(v, str) for v in column):
                ds = g.create_dataset(key, data=np.asarray(column, dtype=object), dtype=_STR)
            else:
                ds = g.create_dataset(
                    key, data=np.asarray([json.dumps(v) for v in column], dtype=object), dtype=_STR
                )
            unit = _unit_of(key)
            if unit:
                ds.attrs["units"] = unit


def save(m: Measurement, path: str | os.PathLike[str], *, recipe: Any = None) -> Path:
    """Write a measurement to a NeXus/HDF5 file, atomically.

    Parameters
    ----------
    m
        The measurement (raw or processed).
    path
        Target file; ``.nxs`` by convention. Its folder must exist.
    recipe
        Optional recipe (any object with ``to_dict()``) stored in ``/entry/process``.

    Returns
    -------
    Path
        The path written.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with h5py.File(tmp_name, "w") as f:
            _write(f, m, recipe)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _write(f: h5py.File, m: Measurement, recipe: Any) -> None:
    f.attrs["default"] = "entry"
    f.attrs["creator"] = f"instrumentarium {__version__}"
    f.attrs["file_time"] = _dt.datetime.now(_dt.UTC).isoformat()
    f.attrs["NX_class"] = "NXroot"
    entry = f.create_group("entry")
    entry.attrs["NX_class"] = "NXentry"
    entry.attrs["default"] = "data"
    entry.create_dataset("technique", data=m.technique, dtype=_STR)
    if m.acquisition.title:
        entry.create_dataset("title", data=m.acquisition.title, dtype=_STR)
    if m.acquisition.acquired_at:
        entry.create_dataset("start_time", data=m.acquisition.acquired_at.isoformat(), dtype=_STR)

    data = entry.create_group("data")
    data.attrs["NX_class"] = "NXdata"
    data.attrs["signal"] = "signal"
    names = _axis_names(m.axes)
    data.attrs["axes"] = np.array(names, dtype=object) if names else "."
    signal = m.signal
    real = signal.real if m.is_complex else signal
    ds = data.create_dataset("signal", data=real, compression="gzip" if real.size > 4096 else None)
    ds.attrs["units"] = m.signal_unit
    if m.is_complex:
        data.create_dataset(
            "signal_imaginary", data=signal.imag, compression="gzip" if real.size > 4096 else None
        )
        ds.attrs["complex"] = "real part; imaginary part in signal_imaginary"
    if m.signal_errors is not None:
        err = data.create_dataset("signal_errors", data=m.signal_errors,
                                  compression="gzip" if real.size > 4096 else None)
        err.attrs["units"] = m.signal_unit
    for i, (axis, name) in enumerate(zip(m.axes, names, strict=True)):
        data.attrs[f"{name}_indices"] = i
        a = data.create_dataset(name, data=axis.values)
        a.attrs["units"] = axis.unit
        a.attrs["long_name"] = f"{axis.name} ({axis.unit})"
        a.attrs["axis_name"] = axis.name

    inst = entry.create_group("instrument")
    inst.attrs["NX_class"] = "NXinstrument"
    _write_fields(inst, m.instrument)
    sample = entry.create_group("sample")
    sample.attrs["NX_class"] = "NXsample"
    _write_fields(sample, m.sample, rename={"formula": "chemical_formula"})
    acq = entry.create_group("acquisition")
    acq.attrs["NX_class"] = "NXcollection"
    acq.attrs["record_type"] = type(m.acquisition).__name__
    _write_fields(acq, m.acquisition)

    process = entry.create_group("process")
    process.attrs["NX_class"] = "NXprocess"
    process.create_dataset("program", data="instrumentarium", dtype=_STR)
    process.create_dataset("version", data=__version__, dtype=_STR)
    if recipe is not None:
        rec = recipe.to_dict() if hasattr(recipe, "to_dict") else recipe
        process.create_dataset("recipe", data=json.dumps(to_jsonable(rec), sort_keys=True), dtype=_STR)
    for i, st in enumerate(m.provenance, start=1):
        note = process.create_group(f"step_{i:03d}")
        note.attrs["NX_class"] = "NXnote"
        note.attrs["sequence_index"] = i
        note.create_dataset("name", data=st.step, dtype=_STR)
        note.create_dataset("parameters", data=_dumps(st.parameters), dtype=_STR)
        note.create_dataset("decisions", data=_dumps(st.decisions), dtype=_STR)
        note.create_dataset("software", data=st.software, dtype=_STR)
        note.create_dataset("manual", data=bool(st.manual))
        if st.timestamp is not None:
            note.create_dataset("date", data=st.timestamp.isoformat(), dtype=_STR)

    results = entry.create_group("results")
    results.attrs["NX_class"] = "NXcollection"
    _write_results(results, dict(m.results))
    entry.create_dataset("raw_parameters", data=_dumps(dict(m.raw_parameters)), dtype=_STR)
    meta = {
        "layout_version": LAYOUT_VERSION,
        "technique": m.technique,
        "signal_unit": m.signal_unit,
        "signal_dtype": m.signal.dtype.str,
        "axes": [{"name": a.name, "unit": a.unit, "dataset": n} for a, n in zip(m.axes, names, strict=True)],
        "acquisition": m.acquisition,
        "source": m.source,
        "sample": m.sample,
        "instrument": m.instrument,
        "warnings": list(m.warnings),
    }
    entry.create_dataset("instrumentarium", data=_dumps(meta), dtype=_STR)


def _text(node: Any) -> str:
    value = node[()]
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _register_result_types(technique: str) -> None:
    # result records are registered by their technique's modules: import them first
    plugin = techniques().get(technique)
    if plugin is not None and hasattr(plugin, "load_record_types"):
        plugin.load_record_types()


def load(path: str | os.PathLike[str]) -> Measurement:
    """Read a ``.nxs`` file written by :func:`save` back into an equal Measurement.

    Raises
    ------
    FormatError
        When the file is not HDF5 or lacks the groups instrumentarium writes.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    try:
        f = h5py.File(p, "r")
    except OSError as exc:
        raise FormatError(f"not a readable HDF5/NeXus file ({exc})", path=p) from None
    with f:
        for required in _REQUIRED:
            if required not in f:
                raise FormatError(
                    f"not an instrumentarium NeXus file: missing /{required} "
                    "(files from other programs can be opened with h5py)",
                    path=p,
                )
        try:
            entry = f["entry"]
            meta = _loads(_text(entry["instrumentarium"]))
            data = entry["data"]
            signal = np.asarray(data["signal"][()])
            if "signal_imaginary" in data:
                signal = signal + 1j * np.asarray(data["signal_imaginary"][()])
            signal = signal.astype(np.dtype(meta["signal_dtype"]), copy=False)
            errors = np.asarray(data["signal_errors"][()], float) if "signal_errors" in data else None
            axes = tuple(
                Axis(a["name"], a["unit"], np.asarray(data[a["dataset"]][()])) for a in meta["axes"]
            )
            steps = []
            process = entry["process"]
            for key in sorted(k for k in process if k.startswith("step_")):
                note = process[key]
                steps.append(
                    ProvenanceStep(
                        step=_text(note["name"]),
                        parameters=_loads(_text(note["parameters"])),
                        software=_text(note["software"]),
                        decisions=_loads(_text(note["decisions"])),
                        manual=bool(note["manual"][()]),
                        timestamp=_dt.datetime.fromisoformat(_text(note["date"])) if "date" in note else None,
                    )
                )
            _register_result_types(meta["technique"])
            results = {name: _loads(_text(g["json"])) for name, g in entry["results"].items()}
            raw = _loads(_text(entry["raw_parameters"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise FormatError(f"damaged instrumentarium NeXus file: {exc}", path=p) from None
    return Measurement(
        technique=meta["technique"],
        signal=signal,
        axes=axes,
        signal_unit=meta["signal_unit"],
        acquisition=meta["acquisition"],
        raw_parameters=raw,
        source=meta["source"],
        sample=meta["sample"],
        instrument=meta["instrument"],
        provenance=tuple(steps),
        results=results,
        warnings=tuple(meta["warnings"]),
        signal_errors=errors,
    )


class NexusReader(Reader):
    """Reader for the NeXus files instrumentarium writes."""

    name = "nexus"
    technique = "any"
    description = "NeXus/HDF5 written by instrumentarium"
    patterns = ("*.nxs", "*.nx5", "*.h5")
    version = LAYOUT_VERSION

    def sniff(self, path: Path) -> float:
        if not path.is_file() or read_head(path, 8) != _HDF5_MAGIC:
            return 0.0
        try:
            with h5py.File(path, "r") as f:
                return 1.0 if "entry/instrumentarium" in f else 0.1
        except Exception:
            return 0.0

    def read(self, path: Path) -> Measurement:
        return load(path)

    def examples(self, folder: Path) -> list[Path]:
        from ..model import Source

        m = Measurement(
            technique="xrd",
            signal=np.linspace(0.0, 1.0, 11),
            axes=(Axis.linear("two_theta", "deg", start=10.0, step=0.1, n=11),),
            signal_unit="counts",
            source=Source(reader="synthetic"),
        )
        return [save(m, folder / "example.nxs")]
