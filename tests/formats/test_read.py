from pathlib import Path

import numpy as np
import pytest

import instrumentarium as ins
from instrumentarium import plugins
from instrumentarium.formats import Reader, sniff
from instrumentarium.model import Axis, FormatError, Measurement, Source, UnknownFormatError


class _Tens(Reader):
    name = "tests-tens"
    technique = "xrd"
    description = "test format: a file of ten numbers"
    patterns = ("*.tens",)

    def sniff(self, path: Path) -> float:
        return 0.9 if path.suffix == ".tens" else 0.0

    def read(self, path: Path) -> Measurement:
        values = np.array(path.read_text().split(), dtype=float)
        if values.size != 10:
            raise self.fail(path, f"expected 10 numbers, found {values.size}")
        return Measurement("xrd", values, (Axis.linear("two_theta", "deg", start=5, step=1, n=10),),
                           source=Source(reader=self.name))


@pytest.fixture
def tens_reader():
    plugins.register("readers", "tests-tens", _Tens())
    yield
    plugins.unregister("readers", "tests-tens")


def test_unknown_format_names_what_was_tried(tmp_path):
    p = tmp_path / "mystery.foo"
    p.write_text("hello")
    with pytest.raises(UnknownFormatError) as err:
        ins.read(p)
    assert "nexus" in err.value.tried
    assert "mystery.foo" in str(err.value)


def test_missing_path_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        ins.read(tmp_path / "nope")


def test_the_most_confident_reader_wins(tmp_path, tens_reader):
    p = tmp_path / "a.tens"
    p.write_text(" ".join(str(i) for i in range(10)))
    assert sniff(p)[0] == (0.9, "tests-tens")
    m = ins.read(p)
    assert m.signal[3] == 3.0 and m.source.reader == "tests-tens"


def test_forced_reader_and_typed_errors(tmp_path, tens_reader):
    p = tmp_path / "short.tens"
    p.write_text("1 2 3")
    with pytest.raises(FormatError, match="expected 10 numbers, found 3"):
        ins.read(p, reader="tests-tens")
    with pytest.raises(UnknownFormatError):
        ins.read(p, reader="no-such-reader")
