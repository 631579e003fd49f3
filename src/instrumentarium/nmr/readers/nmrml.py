"""nmrML files (``.nmrML``): the open XML format of the COSMOS/Metabolomics community.

Format notes
------------
- nmrML 1.0 (Schober et al., *Anal. Chem.* 90, 649, 2018): ``<nmrML>`` with
  ``<acquisition><acquisition1D><acquisitionParameterSet numberOfScans=...>`` holding
  ``sampleAcquisitionTemperature``, ``relaxationDelay``, ``pulseSequence``, ``groupDelay``
  and ``DirectDimensionParameterSet numberOfDataPoints=...`` (``acquisitionNucleus``,
  ``effectiveExcitationField``, ``sweepWidth``, ``irradiationFrequency``), then
  ``<fidData byteFormat="Complex128" compressed="true">`` = base64 of (zlib-compressed)
  little-endian values. ``<spectrumList><spectrum1D><spectrumDataArray>`` holds a processed
  spectrum with ``<xAxis startValue endValue unitName>``.
- Element names are matched without their namespace, attribute values are read with
  their ``unitName`` (``megaHertz``/``hertz``, ``kelvin``/``celsius``...).
- nmrglue's ``nmrml.read`` needs xmltodict and only returns the data; this reader uses the
  standard library's XML parser. No nmrML file exists in nmr_dev_v1: tests write their own.
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Axis, FormatError, Instrument, Measurement, NMRAcquisition, Sample, Source
from .._conventions import normalise_nucleus

__all__ = ["NmrmlReader", "write_nmrml"]

_DTYPES = {
    "complex128": "<c16",
    "complex64": "<c8",
    "float64": "<f8",
    "float32": "<f4",
    "integer32": "<i4",
    "int32": "<i4",
    "integer64": "<i8",
}
_MHZ = {"megahertz": 1.0, "mhz": 1.0, "hertz": 1e-6, "hz": 1e-6, "kilohertz": 1e-3, "gigahertz": 1e3}
_HZ = {"hertz": 1.0, "hz": 1.0, "kilohertz": 1e3, "khz": 1e3, "megahertz": 1e6, "mhz": 1e6}
_S = {"second": 1.0, "s": 1.0, "millisecond": 1e-3, "ms": 1e-3, "microsecond": 1e-6}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ET.Element, name: str) -> ET.Element | None:
    for el in root.iter():
        if _local(el.tag) == name:
            return el
    return None


def _value(el: ET.Element | None, units: dict[str, float] | None = None) -> float | None:
    if el is None or el.get("value") in (None, ""):
        return None
    try:
        v = float(el.get("value", ""))
    except ValueError:
        return None
    if units is not None:
        unit = (el.get("unitName") or "").replace(" ", "").lower()
        v *= units.get(unit, 1.0)
    return v


def _decode(el: ET.Element, path: Path) -> np.ndarray:
    fmt = (el.get("byteFormat") or "complex128").lower()
    if fmt not in _DTYPES:
        raise FormatError(f"byteFormat {el.get('byteFormat')!r} is not one nmrML defines", path=path)
    try:
        raw = base64.b64decode((el.text or "").strip(), validate=False)
        if (el.get("compressed") or "").lower() == "true":
            raw = zlib.decompress(raw)
    except (binascii.Error, zlib.error) as exc:
        raise FormatError(
            f"<{_local(el.tag)}> cannot be decoded ({exc}): damaged base64/zlib data", path=path
        ) from exc
    dtype = np.dtype(_DTYPES[fmt])
    if not raw or len(raw) % dtype.itemsize:
        raise FormatError(
            f"<{_local(el.tag)}> holds {len(raw)} bytes, not a whole number of {fmt}", path=path
        )
    values = np.frombuffer(raw, dtype=dtype)
    if values.dtype.kind != "c":
        if values.size % 2:
            raise FormatError("an odd number of values cannot be real/imaginary pairs", path=path)
        values = values[0::2].astype(float) + 1j * values[1::2].astype(float)
    return values.astype(complex)


class NmrmlReader(Reader):
    """Read nmrML 1.0 files (the FID, or the processed spectrum when there is no FID)."""

    name = "nmrml"
    technique = "nmr"
    description = "nmrML 1.0 XML (FID or processed 1D spectrum)"
    patterns = ("*.nmrML", "*.nmrml")
    version = "1"

    def sniff(self, path: Path) -> float:
        path = Path(path)
        if not path.is_file():
            return 0.0
        head = read_head(path, 2048)
        return 0.95 if b"<nmrML" in head else 0.0

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            raise FormatError(f"not well-formed XML ({exc}): truncated or damaged nmrML", path=path) from exc
        if _local(root.tag) != "nmrML":
            raise FormatError(f"root element <{_local(root.tag)}> is not <nmrML>", path=path)
        params = _find(root, "acquisitionParameterSet")
        direct = _find(root, "DirectDimensionParameterSet")
        fid_el = _find(root, "fidData")
        sw = _value(_find(direct, "sweepWidth"), _HZ) if direct is not None else None
        warnings: list[str] = []
        if fid_el is not None and (fid_el.text or "").strip():
            data = _decode(fid_el, path)
            if not sw or sw <= 0:
                raise FormatError("no sweepWidth: the FID's time axis is unknown", path=path)
            axes = (Axis("time", "s", np.arange(data.size) / sw),)
            is_fid = True
        else:
            spec_el = _find(root, "spectrumDataArray")
            if spec_el is None:
                raise FormatError("neither <fidData> nor <spectrumDataArray>: no data", path=path)
            data = _decode(spec_el, path)
            x = _find(root, "xAxis")
            try:
                start, end = float(x.get("startValue", "")), float(x.get("endValue", ""))  # type: ignore[union-attr]
            except (AttributeError, ValueError) as exc:
                raise FormatError("<xAxis> needs startValue and endValue", path=path) from exc
            ppm = np.linspace(start, end, data.size)
            if ppm[0] < ppm[-1]:
                ppm, data = ppm[::-1], data[::-1]
            axes = (Axis("chemical_shift", "ppm", ppm),)
            is_fid = False
        if not np.all(np.isfinite(data)):
            raise FormatError("the data hold non-finite values", path=path)
        n_points = direct.get("numberOfDataPoints") if direct is not None else None
        if is_fid and n_points and n_points.isdigit() and int(n_points) not in (data.size, 2 * data.size):
            warnings.append(
                f"numberOfDataPoints {n_points} disagrees with the {data.size} complex points stored"
            )
        nucleus = _find(direct, "acquisitionNucleus") if direct is not None else None
        temp = _find(params, "sampleAcquisitionTemperature") if params is not None else None
        t_k = _value(temp)
        if t_k is not None and "celsius" in (temp.get("unitName") or "").lower():  # type: ignore[union-attr]
            t_k += 273.15
        pulse = _find(params, "pulseSequence") if params is not None else None
        pulse_name = None
        if pulse is not None:
            named = [el.get("value") or el.get("name") for el in pulse.iter() if el is not pulse]
            pulse_name = next((n for n in named if n), None) or (pulse.get("name") or None)
        solvent = _find(root, "solventType")
        solvent_name = None
        if solvent is not None:
            solvent_name = next((el.get("name") for el in solvent.iter() if el.get("name")), None)
        gd = _value(_find(params, "groupDelay")) if params is not None else None
        irr = _value(_find(direct, "irradiationFrequency"), _MHZ) if direct is not None else None
        base = _value(_find(direct, "effectiveExcitationField"), _MHZ) if direct is not None else None
        acq = NMRAcquisition(
            nucleus=normalise_nucleus(nucleus.get("name") if nucleus is not None else None),
            spectrometer_frequency_mhz=irr or base,
            base_frequency_mhz=base,
            spectral_width_hz=sw,
            carrier_ppm=(irr - base) / base * 1e6 if irr and base else None,
            n_points=data.size if is_fid else None,
            n_scans=_int(params.get("numberOfScans")) if params is not None else None,
            n_dummy_scans=_int(params.get("numberOfSteadyStateScans")) if params is not None else None,
            pulse_program=pulse_name,
            solvent=solvent_name,
            temperature_k=t_k,
            relaxation_delay_s=_value(_find(params, "relaxationDelay"), _S) if params is not None else None,
            group_delay_points=gd,
        )
        if is_fid and gd is None:
            warnings.append("no <groupDelay>: the digital-filter delay is unknown")
        config = _find(root, "instrumentConfiguration")
        names = [el.get("name") for el in config.iter() if el.get("name")] if config is not None else []
        software = _find(root, "software")
        return Measurement(
            technique="nmr",
            signal=data,
            axes=axes,
            signal_unit="arb",
            acquisition=acq,
            raw_parameters={"nmrml": _attributes(root)},
            source=Source.from_files([path], reader=self.name, reader_version=self.version, format="nmrml"),
            sample=Sample(name=root.get("accession") or path.stem),
            instrument=Instrument(
                vendor=names[0] if names else None,
                model=names[1] if len(names) > 1 else None,
                software=(software.get("name") if software is not None else None),
            ),
            warnings=tuple(warnings),
        )

    def examples(self, folder: Path) -> list[Path]:
        """A compressed-complex FID and an uncompressed float64 spectrum."""
        folder.mkdir(parents=True, exist_ok=True)
        return [write_nmrml(folder / "fid.nmrML"), write_nmrml(folder / "spectrum.nmrML", spectrum=True)]


def _int(v: Any) -> int | None:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def _attributes(root: ET.Element) -> dict[str, Any]:
    """Every element's attributes, by element name (data arrays left out), JSON-compatible."""
    out: dict[str, Any] = {}
    for el in root.iter():
        name = _local(el.tag)
        if name in ("fidData", "spectrumDataArray") or not el.attrib:
            continue
        out.setdefault(name, []).append(dict(el.attrib))
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def write_nmrml(path: Path, *, n: int = 256, sw: float = 5000.0, spectrum: bool = False) -> Path:
    """Write a small valid nmrML 1.0 file (FID base64+zlib complex128, or a float64 spectrum)."""
    t = np.arange(n) / sw
    fid = 1e3 * np.exp(2j * np.pi * 500 * t - t / 0.05)
    if spectrum:
        spec = np.fft.fftshift(np.fft.fft(fid)).real
        inter = np.empty(2 * n)
        inter[0::2], inter[1::2] = spec, 0.0
        blob = base64.b64encode(inter.astype("<f8").tobytes()).decode()
        data = (
            f'<spectrumList><spectrum1D numberOfDataPoints="{n}">'
            f'<spectrumDataArray byteFormat="float64" compressed="false" encodedLength="{len(blob)}">{blob}'
            '</spectrumDataArray><xAxis unitName="ppm" startValue="12.0" endValue="-0.5"/>'
            "</spectrum1D></spectrumList>"
        )
        fid_xml = ""
    else:
        blob = base64.b64encode(zlib.compress(fid.astype("<c16").tobytes())).decode()
        fid_xml = (
            f'<fidData byteFormat="Complex128" compressed="true" encodedLength="{len(blob)}">{blob}</fidData>'
        )
        data = ""
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<nmrML xmlns="http://nmrml.org/schema" version="1.0.rc1" accession="example_{path.stem}">
  <softwareList><software id="TOPSPIN" name="TopSpin" version="3.6"/></softwareList>
  <instrumentConfigurationList><instrumentConfiguration id="IC1">
    <cvParam cvRef="NMRCV" accession="NMR:1400255" name="Bruker"/>
    <cvParam cvRef="NMRCV" accession="NMR:1000000" name="Avance III HD"/>
  </instrumentConfiguration></instrumentConfigurationList>
  <sampleList><sample><solventType><cvParam cvRef="CHEBI" accession="CHEBI:85365" name="CDCl3"/></solventType>
  </sample></sampleList>
  <acquisition><acquisition1D>
    <acquisitionParameterSet numberOfScans="16" numberOfSteadyStateScans="2">
      <sampleAcquisitionTemperature value="298.1" unitName="kelvin"/>
      <relaxationDelay value="1.5" unitName="second"/>
      <pulseSequence><userParam name="PULPROG" value="zg30"/></pulseSequence>
      <groupDelay value="67.9862"/>
      <DirectDimensionParameterSet decoupled="false" numberOfDataPoints="{2 * n}">
        <acquisitionNucleus cvRef="CHEBI" accession="CHEBI:49637" name="1H"/>
        <effectiveExcitationField value="400.13" unitName="megaHertz"/>
        <sweepWidth value="{sw}" unitName="hertz"/>
        <irradiationFrequency value="400.1318806" unitName="megaHertz"/>
      </DirectDimensionParameterSet>
    </acquisitionParameterSet>
    {fid_xml}
  </acquisition1D></acquisition>
  {data}
</nmrML>
"""
    path.write_text(text)
    return path
