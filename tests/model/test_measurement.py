import dataclasses
import datetime as dt

import numpy as np
import pytest

from instrumentarium.model import (
    Axis,
    FormatError,
    InstrumentariumError,
    Measurement,
    MissingParameterError,
    NMRAcquisition,
    Source,
    UnknownFormatError,
)


def _m(signal=None, **kw):
    signal = np.arange(5.0) if signal is None else signal
    axes = kw.pop("axes", (Axis.linear("two_theta", "deg", start=10, step=0.5, n=signal.shape[0]),))
    return Measurement("xrd", signal, axes, **kw)


def test_signal_and_axes_are_read_only_copies():
    data = np.arange(5.0)
    m = _m(data)
    data[0] = 99.0
    assert m.signal[0] == 0.0, "the measurement must not see later changes of the caller's array"
    with pytest.raises(ValueError):
        m.signal[1] = 5.0
    with pytest.raises(ValueError):
        m.axes[0].values[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.technique = "nmr"


def test_metadata_mappings_are_immutable():
    m = _m(raw_parameters={"a": 1})
    with pytest.raises(TypeError):
        m.raw_parameters["a"] = 2  # type: ignore[index]


def test_axis_count_and_length_are_checked():
    with pytest.raises(ValueError, match="2 dimension"):
        Measurement("nmr", np.zeros((3, 4)), (Axis("x", "s", np.arange(4)),))
    with pytest.raises(ValueError, match="has 3 values but signal dimension 0 has 5"):
        _m(np.zeros(5), axes=(Axis("x", "s", np.arange(3)),))
    with pytest.raises(TypeError, match="numeric"):
        _m(np.array(["a", "b"]), axes=(Axis("x", "s", np.arange(2)),))


def test_replace_and_with_step_leave_the_input_untouched():
    m = _m()
    m2 = m.with_step("demo.scale", parameters={"factor": 2}, signal=m.signal * 2)
    assert m.provenance == ()
    assert len(m2.provenance) == 1 and m2.provenance[0].parameters == {"factor": 2}
    assert np.array_equal(m2.signal, 2 * m.signal)
    assert m2.with_warning("odd").warnings == ("odd",)


def test_equality_compares_data_and_metadata():
    a = _m(acquisition=NMRAcquisition(nucleus="1H", acquired_at=dt.datetime(2024, 1, 1)))
    b = _m(acquisition=NMRAcquisition(nucleus="1H", acquired_at=dt.datetime(2024, 1, 1)))
    assert a == b
    assert a != _m(acquisition=NMRAcquisition(nucleus="13C"))
    assert a != _m(np.arange(5.0) + 1)


def test_axis_helpers():
    ax = Axis("chemical_shift", "ppm", np.linspace(10, 0, 11))
    assert ax.is_descending and len(ax) == 11
    m = _m()
    assert m.axis("two_theta").unit == "deg"
    with pytest.raises(KeyError):
        m.axis("nope")


def test_source_fingerprint_is_order_independent(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    s1 = Source.from_files([a, b], reader="r", reader_version="1", format="f")
    s2 = Source.from_files([b, a], reader="r", reader_version="1", format="f")
    assert s1.fingerprint == s2.fingerprint and len(s1.sha256) == 2
    assert s1.sha256[0] == "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"


def test_exception_tree_matches_builtins():
    assert issubclass(FormatError, InstrumentariumError) and issubclass(FormatError, ValueError)
    err = MissingParameterError("acqus lacks SW", path="/x/acqus")
    assert isinstance(err, KeyError) and str(err) == "/x/acqus: acqus lacks SW"
    u = UnknownFormatError("/x.foo", ["bruker", "xrdml"])
    assert "bruker, xrdml" in str(u) and u.tried == ("bruker", "xrdml")
