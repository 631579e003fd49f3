"""Bruker DIFFRAC.SUITE ``.brml`` (zip of XML).

Format notes
------------
A zip archive. ``Experiment0/RawData0.xml``, ``RawData1.xml``... hold the scans (other
members - ``MeasurementContainer.xml``, ``InstructionContainer.xml``, several MB - describe
the method and are not needed). A ``RawData`` holds ``TimeStampStarted`` (ISO 8601 with
offset) and ``DataRoutes/DataRoute`` elements (``RouteFlag="Measured"`` for measured data),
each with:

* ``ScanInformation`` (``ScanName``, ``TimePerStep``, ``ScanMode``, ``ScanAxes`` with one
  ``ScanAxisInfo AxisId=... Start/Stop/Increment`` per driven axis);
* one ``<Datum>`` per point: comma-separated columns whose meaning is given by
  ``DataViews/RawDataView`` (``Start``, ``Length``, ``LogicName``): ``MeasuredTime``,
  ``AbsorptionFactor``, the ``ScanAxes`` (field order ``TwoTheta``, ``Theta``...) and a
  ``RecordedRawDataView`` with the counts;
* ``FixedInformation`` with ``InfoItem Name="SampleName"``/``"User"``, the tube
  (``TubeMaterial``, ``WaveLengthAlpha1/Alpha2/Ratio``) and goniometer ``Radius``.

Absorber: ``AbsorptionFactor`` is the attenuation of an automatic absorber. In the real
file here (a D8 HRXRD 2θ-ω scan, factor 8.3 near the substrate peak) the recorded counts
are *already multiplied* by it (``213600.5 = 25735 x 8.3``); the reader multiplies only when
the counts behind the absorber are whole numbers that are not whole after division, i.e.
still raw, and says what it did in ``raw_parameters["reader_corrections"]``.

When a file lacks ``DataViews`` the layout seen in older files is assumed: 2θ in column 3
and the counts in the last column (as GSAS-II and geddes do).
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Instrument, Measurement, Sample, XRDAcquisition
from ._pattern import duration_s, make_pattern, parse_datetime, parse_float, uniform_step

__all__ = ["BrmlReader"]

_RAW = re.compile(r"Experiment\d+/RawData\d+\.xml")
_MAX_MEMBER = 200 * 1024 * 1024
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _value(el: ET.Element | None) -> float | None:
    return None if el is None else parse_float(el.get("Value"))


def _parse_datums(texts: list[str]) -> np.ndarray | None:
    """All ``<Datum>`` texts ("v1,v2,...") as one array, or None when they are not a
    clean table of numbers (one C-level parse instead of a float() per value)."""
    widths = {t.count(",") for t in texts}
    if len(widths) != 1:
        return None
    width = widths.pop() + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            flat = np.fromstring(",".join(texts), dtype=np.float64, sep=",")
        except (ValueError, DeprecationWarning):
            return None
    if flat.size != width * len(texts) or not np.all(np.isfinite(flat)):
        return None
    return flat.reshape(len(texts), width)


class BrmlReader(Reader):
    """Read Bruker BRML archives (every measured data route of every RawData)."""

    name = "bruker-brml"
    technique = "xrd"
    description = "Bruker DIFFRAC.SUITE BRML powder pattern (.brml, zip of XML)"
    patterns = ("*.brml",)
    version = "1"

    def sniff(self, path: Path) -> float:
        path = Path(path)
        if read_head(path, 4) != b"PK\x03\x04":
            return 0.0
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return 0.6 if path.suffix.lower() == ".brml" else 0.0
        return 0.99 if any(_RAW.fullmatch(n) for n in names) else 0.0

    def read(self, path: Path) -> list[Measurement]:
        path = Path(path)
        try:
            z = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise self.fail(path, f"not a readable zip archive ({exc}); the file may be truncated") from exc
        with z:
            members = sorted(
                (n for n in z.namelist() if _RAW.fullmatch(n)),
                key=lambda n: tuple(int(v) for v in re.findall(r"\d+", n)),
            )
            if not members:
                raise self.fail(path, "the archive holds no Experiment*/RawData*.xml")
            routes = []
            for name in members:
                root = self._xml(z, path, name)
                for route in root.iter("DataRoute"):
                    if route.get("RouteFlag", "Measured") == "Measured":
                        routes.append((name, root, route))
        if not routes:
            raise self.fail(path, "no measured DataRoute in any RawData file")
        return [self._route(path, name, root, route, len(routes)) for name, root, route in routes]

    def _xml(self, z: zipfile.ZipFile, path: Path, name: str) -> ET.Element:
        info = z.getinfo(name)
        if info.file_size > _MAX_MEMBER:
            raise self.fail(path, f"{name} claims {info.file_size} bytes: too large for a scan")
        try:
            data = z.read(name)
        except Exception as exc:  # BadZipFile, zlib.error, EOFError from damaged archives
            raise self.fail(path, f"cannot extract {name} ({type(exc).__name__}: {exc})") from exc
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise self.fail(path, f"{name} is not well-formed XML ({exc})") from exc

    def _columns(self, route: ET.Element) -> tuple[int | None, int | None, int | None, str | None]:
        """Column of 2-theta (or the scanned axis), counts, absorption factor; scanned axis name."""
        axis_col = count_col = absorb_col = None
        axis_name = None
        for view in route.iter("RawDataView"):
            start = int(view.get("Start", "-1"))
            kind = view.get(_XSI_TYPE, "")
            logic = view.get("LogicName", "")
            if logic == "AbsorptionFactor":
                absorb_col = start
            elif kind == "RecordedRawDataView" and count_col is None:
                count_col = start
            elif kind == "VaryingRawDataView":
                varying = view.find("Varying")
                if varying is None or varying.get("LogicName") != "ScanAxes":
                    continue
                fields = [f.get("AxisId") or f.get("FieldName") for f in varying.findall("FieldDefinitions")]
                if "TwoTheta" in fields:
                    axis_col, axis_name = start + fields.index("TwoTheta"), "TwoTheta"
                elif fields:
                    axis_col, axis_name = start, fields[0]
        return axis_col, count_col, absorb_col, axis_name

    def _route(
        self, path: Path, member: str, root: ET.Element, route: ET.Element, n_scans: int
    ) -> Measurement:
        texts = [d.text or "" for d in route.findall("Datum")]
        if not texts:
            raise self.fail(path, f"{member}: the data route holds no <Datum> points")
        data = _parse_datums(texts)
        if data is None:  # slow path, for the error message
            try:
                rows = [[float(v) for v in t.split(",")] for t in texts]
            except ValueError as exc:
                raise self.fail(path, f"{member}: a <Datum> holds a value that is not a number ({exc})") from exc
            if any(len(r) != len(rows[0]) for r in rows):
                raise self.fail(path, f"{member}: <Datum> points have different numbers of columns")
            data = np.array(rows)
        width = data.shape[1]
        axis_col, count_col, absorb_col, axis_id = self._columns(route)
        if axis_col is None:
            axis_col, axis_id = (2, "TwoTheta") if width >= 4 else (0, "TwoTheta")
        if count_col is None:
            count_col = width - 1
        if absorb_col is None and width >= 4:
            absorb_col = 1
        if max(axis_col, count_col) >= width:
            raise self.fail(path, f"{member}: the DataViews point past the {width} columns of <Datum>")
        x, y = data[:, axis_col], data[:, count_col].copy()
        raw: dict[str, Any] = {"member": member, "columns": width}
        if absorb_col is not None and absorb_col < width:
            factor = data[:, absorb_col]
            behind = factor != 1.0
            if np.any(behind) and np.all(factor > 0):
                counts = y[behind]
                raw_counts = counts / factor[behind]
                if np.allclose(counts, np.round(counts)) and not np.allclose(
                    raw_counts, np.round(raw_counts)
                ):
                    y = y * factor
                    raw["reader_corrections"] = ["counts multiplied by the AbsorptionFactor column"]
                else:
                    raw["absorber"] = "counts already scaled by the AbsorptionFactor column (left as written)"
        scan = route.find("ScanInformation")
        axes = {a.get("AxisId"): a for a in (scan.iter("ScanAxisInfo") if scan is not None else ())}
        two_theta = axes.get("TwoTheta")
        for tag in ("ScanName", "VisibleName"):
            if scan is not None and scan.get(tag):
                raw[f"ScanInformation@{tag}"] = scan.get(tag)
        if scan is not None:
            for c in scan:
                if c.text and c.text.strip():
                    raw[f"ScanInformation/{c.tag}"] = c.text.strip()
        for info in root.iter("InfoItem"):
            if info.get("Name"):
                raw[f"InfoItem/{info.get('Name')}"] = info.get("Value", "")
        fixed = root.find("FixedInformation")
        tube_values = {}
        if fixed is not None:
            for el in fixed.iter():
                if el.tag in (
                    "WaveLengthAlpha1",
                    "WaveLengthAlpha2",
                    "WaveLengthRatio",
                    "WaveLengthBeta",
                    "WaveLengthAverage",
                    "Radius",
                    "Voltage",
                    "Current",
                ) and el.get("Value"):
                    tube_values.setdefault(el.tag, el.get("Value"))
                elif el.tag == "TubeMaterial" and el.text:
                    tube_values.setdefault("TubeMaterial", el.text.strip())
        raw.update(tube_values)
        started = root.findtext("TimeStampStarted")
        if started:
            raw["TimeStampStarted"] = started.strip()
        step = parse_float(two_theta.findtext("Increment")) if two_theta is not None else None
        axis = "two_theta" if axis_id == "TwoTheta" else re.sub(r"[^a-z0-9]+", "_", str(axis_id).lower())
        if axis == "theta":
            axis = "omega"  # Bruker's "Theta" drive is the sample angle, shown as Omega
        acq = XRDAcquisition(
            acquired_at=parse_datetime(started),
            duration_s=duration_s(started, root.findtext("TimeStampFinished")),
            operator=raw.get("InfoItem/User") or None,
            wavelength_angstrom=parse_float(tube_values.get("WaveLengthAlpha1")),
            wavelength2_angstrom=parse_float(tube_values.get("WaveLengthAlpha2")),
            ka2_ka1_ratio=parse_float(tube_values.get("WaveLengthRatio")),
            anode=tube_values.get("TubeMaterial"),
            scan_axis=(scan.get("ScanName") if scan is not None else None),
            two_theta_start_deg=float(np.min(x)) if axis == "two_theta" else None,
            two_theta_end_deg=float(np.max(x)) if axis == "two_theta" else None,
            step_deg=step if step is not None else uniform_step(np.sort(x)),
            time_per_step_s=parse_float(scan.findtext("TimePerStep")) if scan is not None else None,
            goniometer_radius_mm=parse_float(tube_values.get("Radius")),
            n_scans=n_scans,
        )
        return make_pattern(
            path,
            x,
            y,
            reader=self,
            format="bruker-brml",
            axis_name=axis,
            acquisition=acq,
            raw_parameters=raw,
            sample=Sample(name=raw.get("InfoItem/SampleName") or None),
            instrument=Instrument(vendor="Bruker"),
        )

    def examples(self, folder: Path) -> list[Path]:
        """A two-scan archive; the second scan has raw counts behind a 10x absorber."""
        folder = Path(folder)
        x = np.round(20.0 + 0.02 * np.arange(50), 4)
        y = np.round(20 + 800 * np.exp(-0.5 * ((x - 20.5) / 0.04) ** 2))

        def raw_data(shift: float, absorber: bool) -> str:
            factor = np.where((y > 300) & absorber, 10.0, 1.0)
            counts = np.where(factor > 1, np.round(y / factor), y)
            datums = "".join(
                f"<Datum>1,{f:g},{u + shift:g},{(u + shift) / 2:g},{c:g}</Datum>"
                for u, f, c in zip(x, factor, counts, strict=True)
            )
            return (
                '<?xml version="1.0"?><RawData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                "<TimeStampStarted>2023-01-26T15:23:09.837152+01:00</TimeStampStarted><DataRoutes>"
                '<DataRoute RouteFlag="Measured"><ScanInformation ScanName="Coupled TwoTheta/Theta">'
                "<TimePerStep>0.5</TimePerStep><ScanAxes>"
                f'<ScanAxisInfo AxisId="TwoTheta"><Start>{20 + shift}</Start><Increment>0.02</Increment>'
                "</ScanAxisInfo></ScanAxes></ScanInformation>"
                f"{datums}<DataViews>"
                '<RawDataView xsi:type="FixedRawDataView" Start="0" Length="1" LogicName="MeasuredTime"/>'
                '<RawDataView xsi:type="FixedRawDataView" Start="1" Length="1" LogicName="AbsorptionFactor"/>'
                '<RawDataView xsi:type="VaryingRawDataView" Start="2" Length="2">'
                '<Varying LogicName="ScanAxes">'
                '<FieldDefinitions FieldName="TwoTheta" AxisId="TwoTheta"/>'
                '<FieldDefinitions FieldName="Theta" AxisId="Theta"/></Varying></RawDataView>'
                '<RawDataView xsi:type="RecordedRawDataView" Start="4" Length="1"/></DataViews></DataRoute>'
                "</DataRoutes><FixedInformation>"
                '<InfoItem Name="SampleName" Value="quartz" Unit=""/><Radius Unit="mm" Value="280"/>'
                '<WaveLengthAlpha1 Unit="A" Value="1.5406"/><WaveLengthAlpha2 Unit="A" Value="1.54439"/>'
                '<WaveLengthRatio Unit="" Value="0.5"/><TubeMaterial>Cu</TubeMaterial>'
                "</FixedInformation></RawData>"
            )

        p = folder / "example.brml"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("experimentCollection.xml", '<?xml version="1.0"?><ExperimentCollection/>')
            z.writestr("Experiment0/RawData0.xml", raw_data(0.0, False))
            z.writestr("Experiment0/RawData1.xml", raw_data(10.0, True))
        return [p]
