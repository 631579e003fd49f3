"""NeXus round trip: exact for real and complex, 1-D and 2-D data, with metadata and results."""

import datetime as dt
from dataclasses import dataclass

import h5py
import numpy as np
import pytest

import instrumentarium as ins
from instrumentarium.model import (
    Axis,
    FormatError,
    Instrument,
    Measurement,
    NMRAcquisition,
    ProvenanceStep,
    Sample,
    Source,
    XRDAcquisition,
    register_record,
)


@register_record("tests.nexus_peak")
@dataclass(frozen=True)
class _Peak:
    two_theta_deg: float
    intensity: float
    label: str
    hkl: tuple[int, ...] = ()


def _rich(signal, axes, technique="nmr", acquisition=None):
    return Measurement(
        technique=technique,
        signal=signal,
        axes=axes,
        signal_unit="arb",
        acquisition=acquisition or NMRAcquisition(
            nucleus="1H", spectrometer_frequency_mhz=500.13, solvent="CDCl3",
            acquired_at=dt.datetime(2023, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
        ),
        raw_parameters={"acqus": {"TD": 16, "SW": 20.0, "NUC1": "1H", "list": [1, 2.5, "x"]}},
        source=Source(paths=("/data/fid",), sha256=("ab" * 32,), reader="bruker", reader_version="1", format="bruker"),
        sample=Sample(name="aspirin", formula="C9H8O4"),
        instrument=Instrument(vendor="Bruker", model="AVANCE", serial="123"),
        provenance=(ProvenanceStep("nmr.ft", {"size": 16}, "instrumentarium 0.1.0", {"confidence": 0.9}, False,
                                   dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),),
        results={"peaks": (_Peak(28.44, 100.0, "Si 111", (1, 1, 1)), _Peak(47.3, 55.5, "Si 220", (2, 2, 0)))},
        warnings=("something odd",),
    )


CASES = {
    "real-1d": (np.linspace(-1, 1, 50), (Axis("chemical_shift", "ppm", np.linspace(12, -1, 50)),)),
    "complex-1d": (np.exp(1j * np.linspace(0, 9, 40)), (Axis("time", "s", np.arange(40) / 5000.0),)),
    "real-2d": (np.arange(12.0).reshape(3, 4), (Axis("delay", "s", [0.1, 1.0, 5.0]),
                                                 Axis("chemical_shift", "ppm", np.linspace(10, 0, 4)))),
    "complex-2d": (
        (np.arange(6.0) + 1j * np.arange(6.0)[::-1]).reshape(2, 3).astype(np.complex64),
        (Axis("time_f1", "s", [0.0, 1e-4]), Axis("time", "s", [0.0, 1e-4, 2e-4])),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip_is_exact(tmp_path, case):
    signal, axes = CASES[case]
    m = _rich(signal, axes)
    path = ins.save(m, tmp_path / "x.nxs")
    back = ins.load(path)
    assert back == m
    assert back.signal.dtype == m.signal.dtype
    assert back.results["peaks"][0].hkl == (1, 1, 1)
    assert back.acquisition.acquired_at.tzinfo is not None


def test_plain_h5py_sees_nxdata(tmp_path):
    m = _rich(*CASES["complex-2d"])
    ins.save(m, tmp_path / "x.nxs")
    with h5py.File(tmp_path / "x.nxs", "r") as f:
        assert f.attrs["default"] == "entry"
        entry = f["entry"]
        assert entry.attrs["NX_class"] == "NXentry"
        data = entry["data"]
        assert data.attrs["NX_class"] == "NXdata"
        assert data.attrs["signal"] == "signal"
        assert list(data.attrs["axes"]) == ["time_f1", "time"]
        assert data.attrs["time_f1_indices"] == 0 and data.attrs["time_indices"] == 1
        assert data["time"].attrs["units"] == "s"
        assert np.array_equal(data["signal"][()], m.signal.real)
        assert np.array_equal(data["signal_imaginary"][()], m.signal.imag)
        assert entry["process"].attrs["NX_class"] == "NXprocess"
        assert entry["process/step_001/name"][()].decode() == "nmr.ft"
        peaks = entry["results/peaks"]
        assert np.allclose(peaks["two_theta_deg"][()], [28.44, 47.3])
        assert peaks["two_theta_deg"].attrs["units"] == "deg"
        assert entry["sample/chemical_formula"][()].decode() == "C9H8O4"
        assert entry["acquisition/spectrometer_frequency_mhz"].attrs["units"] == "MHz"
        assert '"NUC1": "1H"' in entry["raw_parameters"][()].decode()


def test_xrd_acquisition_round_trip(tmp_path):
    m = _rich(np.arange(4.0), (Axis("two_theta", "deg", [10, 10.02, 10.04, 10.06]),), technique="xrd",
              acquisition=XRDAcquisition(wavelength_angstrom=1.540593, slit_mode="fixed"))
    assert ins.load(ins.save(m, tmp_path / "p.nxs")) == m


def test_read_dispatches_to_the_nexus_reader(tmp_path):
    m = _rich(*CASES["real-1d"])
    ins.save(m, tmp_path / "x.nxs")
    assert ins.read(tmp_path / "x.nxs") == m


def test_save_is_atomic_and_leaves_no_temporary(tmp_path):
    m = _rich(*CASES["real-1d"])
    target = tmp_path / "x.nxs"
    ins.save(m, target)

    bad = m.replace(raw_parameters={"x": object()})  # not serialisable
    with pytest.raises(TypeError):
        ins.save(bad, target)
    assert ins.load(target) == m, "a failed save must not damage the existing file"
    assert [p.name for p in tmp_path.iterdir()] == ["x.nxs"]


def test_load_rejects_foreign_files(tmp_path):
    (tmp_path / "a.nxs").write_bytes(b"not hdf5 at all")
    with pytest.raises(FormatError, match="not a readable HDF5"):
        ins.load(tmp_path / "a.nxs")
    with h5py.File(tmp_path / "b.h5", "w") as f:
        f.create_dataset("x", data=[1, 2])
    with pytest.raises(FormatError, match="missing /entry "):
        ins.load(tmp_path / "b.h5")
