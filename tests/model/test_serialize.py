import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pytest

from instrumentarium.model import (
    GenericRecord,
    NMRAcquisition,
    NMRDimension,
    from_jsonable,
    register_record,
    to_jsonable,
    to_plain,
)


@register_record("tests.peak")
@dataclass(frozen=True)
class _Peak:
    ppm: float
    widths_hz: tuple[float, ...] = ()


def _roundtrip(x):
    return from_jsonable(json.loads(json.dumps(to_jsonable(x))))


def test_lossless_round_trip_of_awkward_values():
    value = {
        "nan": float("nan"),
        "inf": float("-inf"),
        "z": 1 + 2j,
        "when": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
        "t": (1, "a"),
        "arr": np.arange(6, dtype=np.int16).reshape(2, 3),
        "carr": np.array([1 + 1j, 2 - 1j]),
    }
    back = _roundtrip(value)
    assert np.isnan(back["nan"]) and back["inf"] == float("-inf")
    assert back["z"] == 1 + 2j and back["t"] == (1, "a")
    assert back["when"] == value["when"]
    assert back["arr"].dtype == np.int16 and np.array_equal(back["arr"], value["arr"])
    assert np.array_equal(back["carr"], value["carr"])


def test_registered_records_come_back_typed():
    acq = NMRAcquisition(nucleus="13C", indirect=(NMRDimension(nucleus="1H", n_points=128),))
    assert _roundtrip(acq) == acq
    assert _roundtrip((_Peak(1.5, (0.5, 0.7)),)) == (_Peak(1.5, (0.5, 0.7)),)


def test_unknown_record_types_are_kept_not_lost():
    back = _roundtrip({"@type": "plugin.unknown", "x": 1})
    assert back == GenericRecord("plugin.unknown", {"x": 1})
    assert to_jsonable(back) == {"@type": "plugin.unknown", "x": 1}


def test_register_requires_dataclass_and_unique_names():
    with pytest.raises(TypeError):
        register_record("tests.bad")(int)
    with pytest.raises(ValueError):

        @register_record("tests.peak")
        @dataclass
        class Other:
            a: int


def test_plain_json_for_people():
    plain = to_plain({"p": _Peak(1.0), "t": dt.date(2024, 1, 2), "x": float("nan"), "a": np.arange(2)})
    assert plain == {"p": {"ppm": 1.0, "widths_hz": []}, "t": "2024-01-02", "x": None, "a": [0, 1]}
    json.dumps(plain)
