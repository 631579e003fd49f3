"""Lossless conversion between typed dataclasses and JSON-compatible values.

Dataclasses registered with :func:`register_record` are written as
``{"@type": name, ...fields}`` and come back as the same class. Numpy arrays, complex
numbers, datetimes and tuples survive the round trip. Unknown record types (a plugin that
is not installed) come back as :class:`GenericRecord`, so nothing is lost.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import enum
import math
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

__all__ = ["register_record", "record_types", "to_jsonable", "from_jsonable", "to_plain", "GenericRecord"]

_REGISTRY: dict[str, type] = {}
_NAMES: dict[type, str] = {}
T = TypeVar("T")


def register_record(name: str):
    """Register a dataclass under a stable, dotted type name (e.g. ``"nmr.peak"``)."""

    def deco(cls: type[T]) -> type[T]:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls!r} must be a dataclass to be registered as a record")
        existing = _REGISTRY.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"record type name {name!r} already used by {existing!r}")
        _REGISTRY[name] = cls
        _NAMES[cls] = name
        return cls

    return deco


def record_types() -> dict[str, type]:
    """Return the registered record types by name."""
    return dict(_REGISTRY)


@dataclasses.dataclass(frozen=True)
class GenericRecord:
    """A record whose type is not registered here; keeps its name and fields verbatim."""

    type_name: str
    fields: Mapping[str, Any]


def _float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"@float": repr(x)}


def to_jsonable(obj: Any) -> Any:
    """Convert ``obj`` to JSON-compatible values, losslessly."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _float(float(obj))
    if isinstance(obj, (complex, np.complexfloating)):
        return {"@complex": [_float(obj.real), _float(obj.imag)]}
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, _dt.datetime):
        return {"@datetime": obj.isoformat()}
    if isinstance(obj, _dt.date):
        return {"@date": obj.isoformat()}
    if isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        if arr.dtype.kind in "biufc":
            return {
                "@ndarray": base64.b64encode(arr.tobytes()).decode("ascii"),
                "dtype": arr.dtype.str,
                "shape": list(arr.shape),
            }
        return {"@list": [to_jsonable(x) for x in arr.tolist()]}
    if isinstance(obj, GenericRecord):
        return {"@type": obj.type_name, **{k: to_jsonable(v) for k, v in obj.fields.items()}}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        name = _NAMES.get(type(obj))
        out: dict[str, Any] = {} if name is None else {"@type": name}
        for f in dataclasses.fields(obj):
            out[f.name] = to_jsonable(getattr(obj, f.name))
        return out
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"mapping keys must be str for JSON, got {k!r}")
            out[k] = to_jsonable(v)
        return out
    if isinstance(obj, tuple):
        return {"@tuple": [to_jsonable(x) for x in obj]}
    if isinstance(obj, (list, set, frozenset)):
        return [to_jsonable(x) for x in obj]
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def from_jsonable(obj: Any) -> Any:
    """Inverse of :func:`to_jsonable`."""
    if isinstance(obj, list):
        return [from_jsonable(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if "@float" in obj:
        return float(obj["@float"])
    if "@complex" in obj:
        re, im = (from_jsonable(x) for x in obj["@complex"])
        return complex(re, im)
    if "@datetime" in obj:
        return _dt.datetime.fromisoformat(obj["@datetime"])
    if "@date" in obj:
        return _dt.date.fromisoformat(obj["@date"])
    if "@ndarray" in obj:
        raw = base64.b64decode(obj["@ndarray"])
        return np.frombuffer(raw, dtype=np.dtype(obj["dtype"])).reshape(obj["shape"]).copy()
    if "@list" in obj:
        return np.array([from_jsonable(x) for x in obj["@list"]])
    if "@tuple" in obj:
        return tuple(from_jsonable(x) for x in obj["@tuple"])
    if "@type" in obj:
        name = obj["@type"]
        fields = {k: from_jsonable(v) for k, v in obj.items() if k != "@type"}
        cls = _REGISTRY.get(name)
        if cls is None:
            return GenericRecord(name, fields)
        known = {f.name for f in dataclasses.fields(cls)}
        extra = set(fields) - known
        if extra:
            # written by a newer version: keep the data rather than fail
            return GenericRecord(name, fields)
        return cls(**fields)
    return {k: from_jsonable(v) for k, v in obj.items()}


def to_plain(obj: Any) -> Any:
    """Convert ``obj`` to plain JSON for people and scripts (lossy, no type tags).

    Dataclasses become objects, tuples and arrays lists, datetimes ISO strings, complex
    numbers ``[re, im]``, non-finite floats ``null``.
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, enum.Enum):
        return to_plain(obj.value)
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, (complex, np.complexfloating)):
        return [to_plain(obj.real), to_plain(obj.imag)]
    if isinstance(obj, (_dt.datetime, _dt.date)):
        return obj.isoformat()
    if isinstance(obj, np.ndarray):
        return [to_plain(x) for x in obj.tolist()]
    if isinstance(obj, GenericRecord):
        return {k: to_plain(v) for k, v in obj.fields.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_plain(x) for x in obj]
    if hasattr(obj, "to_dict"):
        return to_plain(obj.to_dict())
    return str(obj)
