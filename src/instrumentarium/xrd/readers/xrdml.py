"""PANalytical / Malvern Panalytical XRDML (``.xrdml``).

Format notes
------------
XML, namespace ``http://www.xrdml.com/XRDMeasurement/<version>`` (1.0 to 2.1 seen; the
reader ignores the namespace). ``<xrdMeasurements>`` holds one or more
``<xrdMeasurement>`` (instrument set-up: ``usedWavelength`` with ``kAlpha1``/``kAlpha2``/
``ratioKAlpha2KAlpha1``, ``incidentBeamPath`` with ``radius``, ``xRayTube/anodeMaterial``,
``divergenceSlit``) and each of those one or more ``<scan scanAxis=...>`` with
``header/startTimeStamp`` and ``dataPoints``:

* ``<positions axis="2Theta">`` gives the angles either as ``startPosition``/``endPosition``
  (equally spaced over the points: the last point *is* ``endPosition``), as
  ``listPositions`` (one value per point) or as ``commonPosition`` (a constant axis);
* intensities are ``<counts>`` (schema ≤ 1.3) or ``<intensities>`` (≥ 1.4), both in counts
  per step, integers written as text separated by spaces;
* ``commonCountingTime`` (s) or ``countingTimes`` (a list) give the time per step; counts
  taken over times that differ point to point are divided by them (``counts/s``);
* ``beamAttenuationFactors`` (one per point, ≥ 1) scale counts taken behind an attenuator:
  the reader multiplies them in and says so in ``raw_parameters["reader_corrections"]``.

Quirks in real files: A-Lab Aeris files (dara) write ``<counts>`` with a sample ``id`` but an
empty ``name``; Empyrean files write the diffractometer model only in a ``comment`` entry
(``Diffractometer system=EMPYREAN``) and a serial as ``instrumentID``; time stamps carry a
UTC offset (``2021-03-16T13:10:14+03:00``); slit openings are in the slit's *name*
(``"Fixed slit 1/32°"``); an automatic (programmable) divergence slit has
``xsi:type="programmableDivergenceSlitType"`` and an irradiated length.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Instrument, Measurement, Sample, TruncatedFileError, XRDAcquisition
from ._pattern import duration_s, make_pattern, parse_datetime, parse_float, slit_angle_deg

__all__ = ["XrdmlReader"]

_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_DATA_TAGS = {"counts", "intensities", "listPositions", "beamAttenuationFactors", "countingTimes"}
#: scan axes whose main coordinate is 2θ (a θ/2θ or 2θ scan)
_TWO_THETA_SCANS = {"gonio", "2theta", "2theta-omega", "omega-2theta", "2theta-theta", "theta-2theta"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element | None, *names: str) -> ET.Element | None:
    """Descend through local tag names, ignoring the namespace."""
    for name in names:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def _text(el: ET.Element | None, *names: str) -> str | None:
    found = _child(el, *names)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _flatten(el: ET.Element, prefix: str, out: dict[str, Any], taken: set[str] | None = None) -> None:
    """Header values as ``path -> text`` (attributes as ``path@attr``), data arrays left out.

    Repeated siblings get ``#2``, ``#3``... so no value is lost; ``taken`` holds the element
    paths already used (derived from ``out`` when not given).
    """
    if taken is None:
        taken = {k.split("@", 1)[0] for k in out}
        taken |= {k.rsplit("/", i)[0] for k in list(taken) for i in range(1, k.count("/") + 1)}
    name = _local(el.tag)
    if name in _DATA_TAGS:
        return
    axis = el.get("axis")
    key = f"{prefix}/{name}" if prefix else name
    if axis:
        key += f"[{axis}]"
    base, i = key, 1
    while key in taken:
        i += 1
        key = f"{base}#{i}"
    taken.add(key)
    for attr, value in el.attrib.items():
        out[f"{key}@{_local(attr)}"] = value
    children = list(el)
    if not children and el.text and el.text.strip():
        out[key] = el.text.strip()
    for c in children:
        _flatten(c, key, out, taken)


def _numbers(reader: XrdmlReader, path: Path, text: str | None, what: str) -> np.ndarray:
    """The space-separated numbers of an element (one C loop; a bad value is reported)."""
    if not text or not text.strip():
        raise reader.fail(path, f"<{what}> is empty")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(text, dtype=np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            values = None
    if values is not None and values.size == len(text.split()):
        return values
    try:
        return np.array([float(v) for v in text.split()], dtype=np.float64)
    except ValueError as exc:
        raise reader.fail(path, f"<{what}> holds a value that is not a number ({exc})") from exc


class XrdmlReader(Reader):
    """Read PANalytical XRDML files (every scan of every measurement)."""

    name = "xrdml"
    technique = "xrd"
    description = "PANalytical / Malvern Panalytical XRDML powder pattern (.xrdml)"
    patterns = ("*.xrdml",)
    version = "1"

    def sniff(self, path: Path) -> float:
        head = read_head(Path(path), 2048)
        if b"<xrdMeasurements" in head or b"xrdml.com/XRDMeasurement" in head:
            return 0.99
        if Path(path).suffix.lower() == ".xrdml" and head.lstrip().startswith(b"<?xml"):
            return 0.6
        return 0.0

    def read(self, path: Path) -> list[Measurement]:
        path = Path(path)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            size = path.stat().st_size
            kind = TruncatedFileError if "no element found" in str(exc) or "unclosed" in str(exc) else None
            msg = f"not well-formed XRDML XML ({exc}); the file may be truncated or damaged ({size} bytes)"
            if kind is not None:
                raise TruncatedFileError(f"{msg} ({self.name} reader)", path=path) from exc
            raise self.fail(path, msg) from exc
        except OSError as exc:
            raise self.fail(path, f"cannot open the file ({exc})") from exc
        if _local(root.tag) != "xrdMeasurements":
            raise self.fail(path, f"root element is <{_local(root.tag)}>, not <xrdMeasurements>")
        header: dict[str, Any] = {}
        for c in root:
            if _local(c.tag) != "xrdMeasurement":
                _flatten(c, "", header)
        sample_el = _child(root, "sample")
        sample = Sample(name=_text(sample_el, "name") or _text(sample_el, "id"))
        comments = [e.text or "" for e in root.iter() if _local(e.tag) == "entry"]
        model = None
        for entry in comments:
            m = re.search(r"Diffractometer system\s*=\s*([^;,\n]+)", entry)
            if m:
                model = m.group(1).strip()
        out: list[Measurement] = []
        measurements = [c for c in root if _local(c.tag) == "xrdMeasurement"]
        if not measurements:
            raise self.fail(path, "no <xrdMeasurement> element: the file holds no data")
        n_total = sum(1 for xm in measurements for c in xm if _local(c.tag) == "scan")
        for xm in measurements:
            setup: dict[str, Any] = dict(header)
            for c in xm:
                if _local(c.tag) != "scan":
                    _flatten(c, "xrdMeasurement", setup)
            for k, v in xm.attrib.items():
                setup[f"xrdMeasurement@{_local(k)}"] = v
            for scan in (c for c in xm if _local(c.tag) == "scan"):
                out.append(self._scan(path, xm, scan, setup, sample, model, n_total))
        if not out:
            raise self.fail(path, "no <scan> element: the file holds no data")
        return out

    # -- one scan -----------------------------------------------------------------------
    def _scan(
        self,
        path: Path,
        xm: ET.Element,
        scan: ET.Element,
        setup: dict[str, Any],
        sample: Sample,
        model: str | None,
        n_scans: int,
    ) -> Measurement:
        raw = dict(setup)
        _flatten(scan, "", raw)
        data = _child(scan, "dataPoints")
        if data is None:
            raise self.fail(path, "a <scan> has no <dataPoints>")
        y_el = _child(data, "intensities")
        if y_el is None:
            y_el = _child(data, "counts")
        if y_el is None:
            raise self.fail(path, "a scan has neither <intensities> nor <counts>")
        unit = (y_el.get("unit") or "counts").strip()
        y = _numbers(self, path, y_el.text, _local(y_el.tag))
        n = y.size
        corrections: list[str] = []
        att = _child(data, "beamAttenuationFactors")
        if att is not None and att.text and att.text.strip():
            factors = _numbers(self, path, att.text, "beamAttenuationFactors")
            if factors.size != n:
                raise self.fail(path, f"{factors.size} beamAttenuationFactors for {n} intensities")
            if np.any(factors != 1.0):
                y = y * factors
                corrections.append("intensities multiplied by beamAttenuationFactors")
        scan_axis = scan.get("scanAxis") or ""
        main = "2Theta" if scan_axis.lower() in _TWO_THETA_SCANS else scan_axis
        positions = {p.get("axis"): p for p in data if _local(p.tag) == "positions"}
        pos = positions.get(main)
        axis_name = "two_theta" if main == "2Theta" else main.lower()
        if pos is None:
            pos, axis_name = positions.get("2Theta"), "two_theta"
        if pos is None:
            raise self.fail(path, f"no <positions> for the scan axis {scan_axis!r}")
        x = self._positions(path, pos, n)
        two_theta = positions.get("2Theta")
        tt = self._positions(path, two_theta, n) if two_theta is not None else None

        count_time = parse_float(_text(data, "commonCountingTime"))
        times_el = _child(data, "countingTimes")
        signal_unit = "counts/s" if unit.lower() in ("counts/s", "cps", "counts per second") else "counts"
        if count_time is None and times_el is not None and times_el.text:
            times = _numbers(self, path, times_el.text, "countingTimes")
            if times.size != n:
                raise self.fail(path, f"{times.size} countingTimes for {n} intensities")
            if np.allclose(times, times[0]):
                count_time = float(times[0])
            elif signal_unit == "counts":
                if np.any(times <= 0):
                    raise self.fail(path, "a countingTimes value is zero or negative")
                # counts taken over different times are not comparable: give the rate
                y, signal_unit = y / times, "counts/s"
                corrections.append("counts divided by countingTimes (they differ point to point)")

        wl = _child(xm, "usedWavelength")
        ibp = _child(xm, "incidentBeamPath")
        dbp = _child(xm, "diffractedBeamPath")
        div = _child(ibp, "divergenceSlit")
        slit_mode = divergence = irradiated = None
        if div is not None:
            kind = (div.get(_XSI_TYPE) or "").lower()
            irradiated = parse_float(
                next((e.text for e in div.iter() if "irradiatedlength" in _local(e.tag).lower()), None)
            )
            if "programmable" in kind or "automatic" in kind or irradiated is not None:
                slit_mode = "automatic"
            elif "fixed" in kind or "fixed" in (div.get("name") or "").lower():
                slit_mode = "fixed"
                divergence = slit_angle_deg(div.get("name"))
        monochromators = [
            e.get("name") or _local(e.tag)
            for bp in (ibp, dbp)
            if bp is not None
            for e in bp
            if "monochromator" in _local(e.tag).lower()
        ]
        header_el = _child(scan, "header")
        acq = XRDAcquisition(
            acquired_at=parse_datetime(_text(header_el, "startTimeStamp")),
            duration_s=duration_s(_text(header_el, "startTimeStamp"), _text(header_el, "endTimeStamp")),
            operator=_text(header_el, "author", "name"),
            wavelength_angstrom=parse_float(_text(wl, "kAlpha1")),
            wavelength2_angstrom=parse_float(_text(wl, "kAlpha2")),
            ka2_ka1_ratio=parse_float(_text(wl, "ratioKAlpha2KAlpha1")),
            anode=_text(ibp, "xRayTube", "anodeMaterial"),
            scan_axis=scan_axis or None,
            two_theta_start_deg=float(tt[0]) if tt is not None else None,
            two_theta_end_deg=float(tt[-1]) if tt is not None else None,
            step_deg=float((tt[-1] - tt[0]) / (n - 1)) if tt is not None and n > 1 else None,
            time_per_step_s=count_time,
            slit_mode=slit_mode,
            divergence_slit_deg=divergence,
            irradiated_length_mm=irradiated,
            goniometer_radius_mm=parse_float(_text(ibp, "radius")),
            monochromator="; ".join(monochromators) or None,
            n_scans=n_scans,
        )
        source_el = _child(header_el, "source")
        instrument = Instrument(
            vendor="PANalytical",
            model=model or _text(source_el, "instrumentControlSoftware"),
            serial=_text(source_el, "instrumentID"),
            software=_text(source_el, "applicationSoftware"),
        )
        if corrections:
            raw["reader_corrections"] = corrections
        return make_pattern(
            path,
            x,
            y,
            reader=self,
            format="xrdml",
            signal_unit=signal_unit,
            axis_name=axis_name,
            acquisition=acq,
            raw_parameters=raw,
            sample=sample,
            instrument=instrument,
        )

    def _positions(self, path: Path, pos: ET.Element, n: int) -> np.ndarray:
        lst = _child(pos, "listPositions")
        if lst is not None:
            x = _numbers(self, path, lst.text, "listPositions")
            if x.size != n:
                raise self.fail(path, f"{x.size} listPositions for {n} intensities")
            return x
        start = parse_float(_text(pos, "startPosition"))
        end = parse_float(_text(pos, "endPosition"))
        if start is not None and end is not None:
            return np.linspace(start, end, n)
        common = parse_float(_text(pos, "commonPosition"))
        if common is not None:
            return np.full(n, common)
        axis = pos.get("axis")
        raise self.fail(path, f"<positions axis={axis!r}> has no start/end, list or common position")

    # -- contract examples ----------------------------------------------------------------
    def examples(self, folder: Path) -> list[Path]:
        """A start/end scan and a two-scan file with listPositions and attenuation factors."""
        folder = Path(folder)
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/1.5" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" status="Completed">\n'
            '<sample type="To be analyzed"><id>S1</id><name>quartz</name></sample>\n'
            '<xrdMeasurement measurementType="Scan" status="Completed">\n'
            '<usedWavelength intended="K-Alpha 1"><kAlpha1 unit="Angstrom">1.5405980</kAlpha1>'
            '<kAlpha2 unit="Angstrom">1.5444260</kAlpha2><ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1>'
            "</usedWavelength>\n"
            '<incidentBeamPath><radius unit="mm">240.00</radius><xRayTube name="Cu LFF">'
            "<anodeMaterial>Cu</anodeMaterial></xRayTube>"
            '<divergenceSlit name="Fixed slit 1/2°" xsi:type="fixedDivergenceSlitType"/></incidentBeamPath>\n'
        )
        scan_a = (
            '<scan appendNumber="0" mode="Continuous" scanAxis="Gonio" status="Completed">'
            "<header><startTimeStamp>2021-03-16T13:10:14+03:00</startTimeStamp></header><dataPoints>"
            '<positions axis="2Theta" unit="deg"><startPosition>20.0</startPosition>'
            "<endPosition>21.0</endPosition></positions>"
            '<commonCountingTime unit="seconds">1.0</commonCountingTime>'
            '<intensities unit="counts">10 12 15 40 90 41 16 12 11 10 9</intensities>'
            "</dataPoints></scan>\n"
        )
        scan_b = (
            '<scan appendNumber="1" mode="Pre-set time" scanAxis="2Theta" status="Completed">'
            "<dataPoints>"
            '<positions axis="2Theta" unit="deg">'
            "<listPositions>30.0 30.1 30.2 30.3</listPositions></positions>"
            "<beamAttenuationFactors>1 1 10 1</beamAttenuationFactors>"
            '<commonCountingTime unit="seconds">2.0</commonCountingTime>'
            '<counts unit="counts">5 7 300 6</counts></dataPoints></scan>\n'
        )
        tail = "</xrdMeasurement>\n</xrdMeasurements>\n"
        one = folder / "example_startend.xrdml"
        one.write_text(head + scan_a + tail, encoding="utf-8")
        two = folder / "example_two_scans.xrdml"
        two.write_text(head + scan_a + scan_b + tail, encoding="utf-8")
        return [one, two]
