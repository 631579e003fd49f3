import json
import subprocess
import sys

import numpy as np
from click.testing import CliRunner

import instrumentarium as ins
from instrumentarium.cli import main
from instrumentarium.model import Axis, Measurement, Source, XRDAcquisition


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version_and_help_list_every_command():
    assert _run("--version").output.strip() == f"instrumentarium, version {ins.__version__}"
    help_text = _run("--help").output
    for cmd in ("info", "formats", "plugins", "process"):
        assert cmd in help_text


def test_formats_and_plugins_json():
    formats = json.loads(_run("formats", "--json").output)
    nexus = next(f for f in formats if f["name"] == "nexus")
    assert "*.nxs" in nexus["patterns"]
    infos = json.loads(_run("plugins", "--json").output)
    assert any(i["group"] == "instrumentarium.readers" and i["name"] == "nexus" for i in infos)
    assert "nexus" in _run("formats").output


def test_info_on_unknown_format_is_one_line_without_traceback(tmp_path):
    p = tmp_path / "mystery.bin"
    p.write_bytes(b"\x00\x01garbage")
    out = subprocess.run([sys.executable, "-m", "instrumentarium.cli", "info", str(p)],
                         capture_output=True, text=True)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "no reader recognises" in lines[0] and "tried: " in lines[0] and "nexus" in lines[0]
    assert "Traceback" not in out.stderr


def test_info_on_missing_path(tmp_path):
    result = CliRunner().invoke(main, ["info", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such file" in result.output


def test_info_describes_a_file(tmp_path):
    m = Measurement("xrd", np.arange(5.0), (Axis.linear("two_theta", "deg", start=20, step=0.5, n=5),),
                    signal_unit="counts", acquisition=XRDAcquisition(wavelength_angstrom=1.5406),
                    source=Source(reader="synthetic"))
    ins.save(m, tmp_path / "p.nxs")
    d = json.loads(_run("info", str(tmp_path / "p.nxs"), "--json").output)
    assert d["format"] == "nexus" and d["technique"] == "xrd" and d["shape"] == [5]
    assert d["axes"][0] == {"name": "two_theta", "unit": "deg", "n": 5, "first": 20.0, "last": 22.0}
    assert d["size_bytes"] > 0
    text = _run("info", str(tmp_path / "p.nxs")).output
    assert "two_theta: 5 points" in text
