"""Turn a run's documents into a Measurement (and a Measurement into documents).

The start document carries ``instrumentarium`` metadata: a measurement *template*
(technique, axes, acquisition, sample, instrument, vendor parameters) and a ``layout``
saying how events build the signal:

- ``"accumulate"``: every event holds one scan in ``signal``; the measurement is their sum
  (NMR: S/N grows as the square root of the number of scans).
- ``"concatenate"``: every event holds consecutive points, ``axis`` and ``signal``
  (a diffractometer's step scan); the measurement joins them.
- ``"single"``: one event holds the whole ``signal`` (a dataset found by the folder watcher).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import (
    Axis,
    FormatError,
    Measurement,
    Source,
    from_jsonable,
    to_jsonable,
)
from ._store import RunDocuments

__all__ = ["template_metadata", "assemble", "measurement_documents"]


def template_metadata(m: Measurement, *, layout: str, expected_events: int | None = None) -> dict[str, Any]:
    """Start-document metadata describing how to rebuild a measurement like ``m``."""
    template = {
        "technique": m.technique,
        "signal_unit": m.signal_unit,
        "axes": [{"name": a.name, "unit": a.unit, "values": a.values} for a in m.axes],
        "acquisition": m.acquisition,
        "sample": m.sample,
        "instrument": m.instrument,
        "raw_parameters": dict(m.raw_parameters),
        "source": m.source,
    }
    return {
        "technique": m.technique,
        "instrumentarium": {"layout": layout, "expected_events": expected_events,
                            "template": to_jsonable(template)},
    }


def assemble(docs: RunDocuments) -> Measurement:
    """Rebuild the measurement of a run; an interrupted run gives what was acquired, marked so."""
    meta = docs.start.get("instrumentarium")
    if not isinstance(meta, dict) or "template" not in meta:
        raise FormatError("run start document has no instrumentarium template", path=docs.folder)
    t = from_jsonable(meta["template"])
    layout = meta.get("layout")
    events = docs.events
    if not events:
        raise FormatError("the run recorded no event: nothing was acquired", path=docs.folder)
    axes_meta = t["axes"]
    if layout == "accumulate":
        signal = np.sum([np.asarray(e["data"]["signal"]) for e in events], axis=0)
        axes = tuple(Axis(a["name"], a["unit"], a["values"]) for a in axes_meta)
    elif layout == "concatenate":
        signal = np.concatenate([np.atleast_1d(np.asarray(e["data"]["signal"], dtype=float)) for e in events])
        x = np.concatenate([np.atleast_1d(np.asarray(e["data"]["axis"], dtype=float)) for e in events])
        axes = (Axis(axes_meta[0]["name"], axes_meta[0]["unit"], x),)
    elif layout == "single":
        signal = np.asarray(events[-1]["data"]["signal"])
        axes = tuple(Axis(a["name"], a["unit"], a["values"]) for a in axes_meta)
    else:
        raise FormatError(f"unknown run layout {layout!r}", path=docs.folder)
    expected = meta.get("expected_events")
    warnings: list[str] = []
    if not docs.complete:
        warnings.append(
            f"incomplete acquisition ({docs.exit_status}): {len(events)} of "
            f"{expected if expected is not None else '?'} events recorded"
        )
    src: Source = t["source"]
    source = Source(paths=src.paths or (str(docs.folder),), sha256=src.sha256,
                    reader=src.reader or "live-run", reader_version=src.reader_version or "1",
                    format=src.format or "instrumentarium-run")
    raw = dict(t["raw_parameters"])
    raw["live"] = {
        "run_uid": docs.start.get("uid"),
        "complete": docs.complete,
        "exit_status": docs.exit_status,
        "n_events": len(events),
        "expected_events": expected,
        "driver": docs.start.get("driver"),
    }
    return Measurement(
        technique=t["technique"], signal=signal, axes=axes, signal_unit=t["signal_unit"],
        acquisition=t["acquisition"], raw_parameters=raw, source=source, sample=t["sample"],
        instrument=t["instrument"], warnings=tuple(warnings),
    )


def measurement_documents(m: Measurement, *, extra: dict[str, Any] | None = None):
    """Yield the ``(name, doc)`` stream of an already complete measurement (folder watcher)."""
    from event_model import compose_run

    bundle = compose_run(metadata={**template_metadata(m, layout="single", expected_events=1), **(extra or {})})
    yield "start", bundle.start_doc
    desc = bundle.compose_descriptor(
        name="primary",
        data_keys={"signal": {"source": m.source.reader or "file", "dtype": "array",
                              "shape": list(m.signal.shape), "units": m.signal_unit}},
    )
    yield "descriptor", desc.descriptor_doc
    yield "event", desc.compose_event(data={"signal": m.signal}, timestamps={"signal": bundle.start_doc["time"]})
    yield "stop", bundle.compose_stop(exit_status="success")
