"""Shared helpers of the XRD readers: pattern checks and header-value parsing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError
from instrumentarium.xrd.readers import XYReader
from instrumentarium.xrd.readers._pattern import (
    anode_from_wavelength,
    make_pattern,
    parse_datetime,
    parse_int,
    slit_angle_deg,
    uniform_step,
)


def _make(tmp_path: Path, x, y):
    p = tmp_path / "f.xy"
    p.write_text("1 2\n")
    return make_pattern(p, x, y, reader=XYReader(), format="test")


def test_descending_scan_is_reversed(tmp_path: Path) -> None:
    m = _make(tmp_path, [3.0, 2.0, 1.0], [30.0, 20.0, 10.0])
    assert m.axis("two_theta").values.tolist() == [1.0, 2.0, 3.0]
    assert m.signal.tolist() == [10.0, 20.0, 30.0] and not m.warnings


def test_unordered_scan_is_sorted_with_a_warning(tmp_path: Path) -> None:
    m = _make(tmp_path, [1.0, 3.0, 2.0], [10.0, 30.0, 20.0])
    assert m.signal.tolist() == [10.0, 20.0, 30.0] and "sorted" in m.warnings[0]


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [([], [], "no data"), ([1.0, 2.0], [1.0], "2 angles"), ([1.0, np.nan], [1.0, 2.0], "angle column")],
)
def test_bad_arrays_raise(tmp_path: Path, x, y, match: str) -> None:
    with pytest.raises(FormatError, match=match):
        _make(tmp_path, x, y)


def test_header_values() -> None:
    assert parse_int('"3001.0000000000"') == 3001 and parse_int("3001.5") is None and parse_int("x") is None
    assert parse_datetime("2021-03-16T13:10:14+03:00") == dt.datetime(
        2021, 3, 16, 13, 10, 14, tzinfo=dt.timezone(dt.timedelta(hours=3))
    )
    assert parse_datetime("2021-05-05T10:35:31Z").utcoffset() == dt.timedelta(0)
    assert parse_datetime("11/05/20 17:44:25") is None  # no time zone: not guessed
    assert slit_angle_deg("Fixed slit 1/32°") == 1 / 32 and slit_angle_deg("Divergence slit 1°") == 1.0
    assert slit_angle_deg("0.3mm") is None
    assert anode_from_wavelength(1.540598) == "Cu" and anode_from_wavelength(1.5418) == "Cu"
    assert anode_from_wavelength(0.7093) == "Mo" and anode_from_wavelength(1.0) is None
    assert uniform_step(np.array([1.0, 1.5, 2.0])) == 0.5 and uniform_step(np.array([1.0, 1.5, 3.0])) is None
