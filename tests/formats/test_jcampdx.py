"""The technique-neutral JCAMP-DX parser: LDRs, ASDF forms, XYDATA/XYPOINTS, NTUPLES, LINK."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.formats._jcamp_asdf import decode_xydata_lines, encode_xydata_lines
from instrumentarium.formats._jcamp_ldr import parse_bruker_parameters
from instrumentarium.formats.jcampdx import (
    ObservedIntegral,
    ObservedMultiplet,
    bruker_sections,
    ldr_dict,
    parse_jcamp,
    parse_observed_integrals,
    parse_observed_multiplets,
    read_jcamp,
)
from instrumentarium.model import FormatError, TruncatedFileError, to_plain

RNG = np.random.default_rng(3)
VALUES = np.concatenate([RNG.integers(-70000, 70000, 41), np.zeros(13, int), np.arange(17) * 5,
                         RNG.integers(-9, 9, 29), [7, 7, 7]])


@pytest.mark.parametrize("form", ["AFFN", "PAC", "SQZ", "DIFDUP"])
def test_asdf_round_trip(form: str) -> None:
    lines = encode_xydata_lines(0, 1, VALUES, form=form, per_line=9)
    x, y = decode_xydata_lines(lines)
    np.testing.assert_array_equal(y, VALUES)
    assert x[0] == 0


def test_asdf_spec_examples() -> None:
    # McDonald & Wilks 1988, table: the same ordinates in four forms
    expected = [1000, 2000, 2001, 2002, 2003, 2003, 2003]
    assert list(decode_xydata_lines(["1 1000 2000 2001 2002 2003 2003 2003"])[1]) == expected
    assert list(decode_xydata_lines(["1+1000+2000+2001+2002+2003+2003+2003"])[1]) == expected
    assert list(decode_xydata_lines(["1A000B000B001B002B003B003B003"])[1]) == expected
    assert list(decode_xydata_lines(["1A000J000JU%T"])[1]) == expected


def test_y_check_is_dropped_across_lines() -> None:
    _, y = decode_xydata_lines(["0A0J", "1A1"])  # 10, 11 | the Y check 11
    assert list(y) == [10, 11]
    _, y = decode_xydata_lines(["0A0J", "2B2"])  # 12 differs: TopSpin's one-point last line
    assert list(y) == [10, 11, 22]


def test_x_with_e_is_sqz_not_exponent() -> None:
    assert list(decode_xydata_lines(["511e5621"])[1]) == [-55621]
    assert list(decode_xydata_lines(["1 1.5E+02 2.5e-01"])[1]) == [150.0, 0.25]


def test_dup_without_value_is_typed() -> None:
    with pytest.raises(FormatError, match="DUP"):
        decode_xydata_lines(["0S"])


def test_bruker_parameters_never_hang_on_truncation() -> None:
    params = parse_bruker_parameters("##TITLE= x\n##$PROBHD= <5 mm unterminated\n##$A= (0..3)\n1 2")
    assert params["PROBHD"] == "5 mm unterminated" and params["A"] == [1, 2]


def _xydata_text(npoints: int | None = None, yfactor: float = 0.5) -> str:
    lines = encode_xydata_lines(100, -1, np.arange(10) * 3, form="DIFDUP", per_line=4)
    n = 10 if npoints is None else npoints
    return "\n".join([
        "##TITLE= t", "##JCAMP-DX= 4.24", "##DATA TYPE= NMR SPECTRUM", "##XUNITS= HZ",
        "##FIRSTX= 100", "##LASTX= 91", f"##NPOINTS= {n}", f"##YFACTOR= {yfactor}",
        "##XYDATA= (X++(Y..Y))", *lines, "##END=",
    ])


def test_xydata_scaling_and_axis() -> None:
    (block,) = parse_jcamp(_xydata_text())
    np.testing.assert_allclose(block.y, np.arange(10) * 1.5)
    np.testing.assert_allclose(block.x, np.arange(100, 90, -1))
    assert block.data_type == "NMR SPECTRUM" and block.get("data_type") == "NMR SPECTRUM"


def test_npoints_mismatch_is_typed() -> None:
    with pytest.raises(TruncatedFileError):
        parse_jcamp(_xydata_text(npoints=12))


def test_not_jcamp() -> None:
    with pytest.raises(FormatError, match="TITLE"):
        parse_jcamp("hello\nworld\n")


def test_link_blocks_and_peak_table() -> None:
    text = "\n".join([
        "##TITLE= link", "##JCAMP-DX= 5.0", "##DATA TYPE= LINK", "##BLOCKS= 2",
        _xydata_text(),
        "##TITLE= peaks", "##JCAMP-DX= 5.0", "##DATA TYPE= NMR PEAK TABLE", "##PEAK TABLE= (XY..XY)",
        "1.5, 10; 2.5, 20", "3.5, 30", "##END=", "##END=",
    ])
    (top,) = parse_jcamp(text)
    assert [b.data_type for b in top.walk()] == ["LINK", "NMR SPECTRUM", "NMR PEAK TABLE"]
    np.testing.assert_array_equal(top.children[1].peaks, [[1.5, 10], [2.5, 20], [3.5, 30]])


def test_observed_multiplets_are_typed() -> None:
    text = "\n".join(["##TITLE= m", "##$OBSERVED MULTIPLETS= ",
                      "(1, 3.39, 3.47, 3.43, 0.81, 1, tt, 4, 10.9 9.9 4.8 4.3)",
                      "(2, 4.87, 4.91, 4.89, 1.67, 2, m, C)",
                      "(3, 1.34, 1.41, 1.38, 1.50, 3, t, Me(c), 7.12 7.12)", "##END="])
    (block,) = parse_jcamp(text)
    rows = parse_observed_multiplets(block)
    assert len(rows) == 3 and rows[2].label == "Me(c)" and rows[2].j_hz == (7.12, 7.12)
    assert rows[0] == ObservedMultiplet(1, 3.39, 3.47, 3.43, 0.81, 1, "tt", "4", (10.9, 9.9, 4.8, 4.3))
    assert rows[1].j_hz == () and rows[1].n_nuclei == 2
    assert parse_observed_multiplets(ldr_dict(block.ldrs)) == rows
    assert to_plain(rows[0])["multiplicity"] == "tt"


def test_bruker_sections_split_by_order() -> None:
    text = "\n".join(["##TITLE= b", "$$ Bruker specific parameters", "##$BF1= 400.13", "##$SW_h= 4000",
                      "##$TD= 64", "##$ZL1= 1", "##$OFFSET= 12", "##$SF= 400.1", "##$SI= 32",
                      "$$ Bruker specific parameters for F1", "##$BF1= 100.6", "##$SW_h= 20000", "##$TD= 8",
                      "##$OFFSET= 200", "##$SI= 16", "##END="])
    s = bruker_sections(parse_jcamp(text)[0])
    assert list(s) == ["acqus", "procs", "acqu2s", "proc2s"]
    assert s["acqu2s"]["BF1"] == 100.6 and s["procs"]["SI"] == 32


# -- real files -----------------------------------------------------------------------
DEV = "nmr/nmr_dev_v1"


def test_real_multiplet_references(shared_data: Path) -> None:
    folder = shared_data / DEV / "d16_jcamp_1H_multiplet_reference_nmr-dataset3"
    counts = {}
    for f in sorted(folder.glob("*/1h.jdx")):
        blocks = [b for top in read_jcamp(f) for b in top.walk()]
        counts[f.parent.name] = max(len(parse_observed_multiplets(b)) for b in blocks)
    assert counts == {"artemisin": 11, "borohydride": 1, "cyclopropanes": 15,
                      "cyclopropnes_wrongPhase": 15, "geraniol": 8, "menthol": 11}
    (menthol,) = read_jcamp(folder / "menthol/1h.jdx")
    h4 = parse_observed_multiplets(menthol)[2]
    assert (h4.multiplicity, h4.centre_ppm, h4.j_hz) == ("tt", pytest.approx(3.4302, abs=1e-4),
                                                           (10.9, 9.9, 4.8, 4.3))


def test_real_observed_integrals(shared_data: Path) -> None:
    folder = shared_data / DEV / "d16_jcamp_1H_multiplet_reference_nmr-dataset3"
    (menthol,) = read_jcamp(folder / "menthol/1h.jdx")
    rows = parse_observed_integrals(menthol)
    assert len(rows) >= 6 and all(isinstance(r, ObservedIntegral) for r in rows)
    assert rows[0].range_low_ppm == pytest.approx(3.3857146) and rows[0].integral == pytest.approx(0.0989859)
