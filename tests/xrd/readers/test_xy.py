"""Text-column reader: contract, sniffing discipline, header handling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import FormatError
from instrumentarium.testing import ReaderContract
from instrumentarium.xrd.readers import XYReader


class TestXYContract(ReaderContract):
    reader = XYReader()


def test_examples_agree_with_each_other(tmp_path: Path) -> None:
    ms = [XYReader().read(p) for p in XYReader().examples(tmp_path)]
    x0 = ms[0].axis("two_theta").values
    for m in ms[1:]:
        assert np.allclose(m.axis("two_theta").values, x0)
        assert np.allclose(m.signal, ms[0].signal, atol=0.5)
    xye = ms[2]
    assert xye.acquisition.wavelength_angstrom == 1.540593 and xye.acquisition.anode == "Cu"
    assert xye.raw_parameters["sample"] == "quartz"


@pytest.mark.parametrize(
    "text",
    [
        "1 2\n3 4\n",  # too few rows
        "".join(f"{i} {i * i}\n" for i in range(20, 0, -1)),  # decreasing first column
        "".join(f"{i * 100} 5\n" for i in range(10)),  # far outside a 2θ range
        "x y\n" + "".join(f"{i} 1\n" for i in range(10)) + "hello world\n5 5\n",  # text inside the data
    ],
)
def test_sniff_rejects_non_patterns(tmp_path: Path, text: str) -> None:
    p = tmp_path / "table.dat"
    p.write_text(text)
    assert XYReader().sniff(p) == 0.0


def test_text_inside_data_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.xy"
    p.write_text("".join(f"{10 + i * 0.1:.2f} 5\n" for i in range(10)) + "oops here\n" + "12.0 5\n12.1 5\n")
    with pytest.raises(FormatError, match="line 11"):
        XYReader().read(p)


def test_truncated_last_line_reads_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "cut.xy"
    p.write_text("".join(f"{10 + i * 0.1:.2f} {i}\n" for i in range(10)) + "11.0")
    m = XYReader().read(p)
    assert m.signal.size == 10 and m.warnings


def test_highscore_csv_and_rruff_headers(tmp_path: Path) -> None:
    rows = "".join(f"{10 + 0.02 * i:.2f},{100 + i}\n" for i in range(20))
    hs = tmp_path / "highscore.csv"
    hs.write_text(
        "[Measurement conditions:]\nFile name,C:\\data\\q.xrdml\nAnode material,Cu\n"
        "K-Alpha1 wavelength,1.540598\nK-Alpha2 wavelength,1.544426\n[Scan points:]\nAngle,Intensity\n" + rows
    )
    rruff = tmp_path / "R050125.txt"
    rruff.write_text("##NAMES=Quartz\n##WAVELENGTH=1.541838\n" + rows.replace(",", ", ") + "##END=\n")
    a, b = XYReader().read(hs), XYReader().read(rruff)
    assert a.acquisition.wavelength_angstrom == 1.540598 and a.acquisition.anode == "Cu"
    assert b.acquisition.wavelength_angstrom == 1.541838 and b.raw_parameters["NAMES"] == "Quartz"
    assert a.signal.size == b.signal.size == 20 and np.array_equal(a.signal, b.signal)
    assert XYReader().sniff(hs) >= 0.5 and XYReader().sniff(rruff) >= 0.5


def test_xye_third_column_becomes_the_signal_errors(tmp_path: Path) -> None:
    xye = XYReader().read(XYReader().examples(tmp_path)[2])
    assert xye.signal_errors is not None
    assert np.allclose(xye.signal_errors, np.sqrt(xye.signal), atol=0.001)
    assert xye.raw_parameters["third_column"] == "e.s.d."


def test_named_esd_column_in_any_extension(tmp_path: Path) -> None:
    p = tmp_path / "scaled.dat"
    p.write_text("2theta intensity esd\n" + "".join(f"{10 + 0.1 * i:.1f} {0.5 + i} {0.9 + i}\n" for i in range(10)))
    m = XYReader().read(p)
    # named: kept even though larger than the (normalised) intensity
    assert m.signal_errors.tolist() == pytest.approx([0.9 + i for i in range(10)])


def test_third_column_that_is_not_an_esd_is_ignored(tmp_path: Path) -> None:
    # XRD-AutoAnalyzer (Szymanski) files: a smooth/background curve as large as the counts
    p = tmp_path / "mix.xy"
    p.write_text("".join(f"{10 + 0.01 * i:.2f}\t{2100 + i % 7}\t{2085 + i // 3}\r\n" for i in range(30)))
    m = XYReader().read(p)
    assert m.signal_errors is None
    assert m.raw_parameters["third_column"].startswith("ignored")


def test_negative_esd_is_dropped_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "bad.xye"
    p.write_text("".join(f"{10 + 0.1 * i:.1f} {100 + i} {-1 if i == 3 else 10}\n" for i in range(10)))
    m = XYReader().read(p)
    assert m.signal_errors is None and any("e.s.d." in w for w in m.warnings)


def test_real_szymanski_file_has_no_errors(shared_data: Path) -> None:
    p = shared_data / "xrd/measured/xy/szymanski_autoxrd/MnO2.xy"
    if not p.is_file():
        pytest.skip(f"{p} not found")
    m = XYReader().read(p)
    assert m.signal_errors is None and m.raw_parameters["n_columns"] == 3
