"""Bruker / Siemens DIFFRAC ``.raw`` (binary, versions 1 to 4).

Format notes
------------
Little-endian binary; the first bytes give the version (layouts from Bruker's
"DIFFRAC^plus XCH V.5.0 User's Manual, Appendix A" and the open descriptions in xylib and
GSAS-II; offsets below are checked on our real files):

* v1 ``"RAW "`` (DIFFRAC-AT): ranges one after another, each a 152-byte header (steps u32 at
  +0, time/step f32 +4, step f32 +8, start 2θ f32 +20, sample name 32 bytes +36, K-alpha1/K-alpha2
  f32 +68/+72, "another range follows" u32 +148) then ``steps`` float32 counts. Early
  files repeat ``"RAW "`` before later ranges.
* v2 ``"RAW2"``: range count u16 at 4, date (20 chars) at 168, anode (2) at 188, K-alpha1,
  K-alpha2, ratio f32 at 190/194/198; ranges from byte 256, each a header (length u16, steps
  u16, time/step f32 +8, step f32 +12, start f32 +16) then float32 counts.
* v3 ``"RAW1.01"`` (DIFFRAC^plus): 712-byte file header (status u32 at 8, range count u32
  at 12, date ``mm/dd/yy`` at 16, time at 26, user 36, site 108, sample ID 326 (60),
  comment 386 (160), goniometer radius f32 564 (mm), fixed divergence slit f32 568 (mm),
  anode 608, K-alpha average/K-alpha1/K-alpha2/K-beta/ratio f64 from 616); per range a 304-byte header
  (steps u32 +4, start θ f64 +8, start 2θ f64 +16, step f64 +176, time/step f32 +192,
  wavelength f64 +240, supplementary-header length u32 +256) then float32 counts.
* v4 ``"RAW4.00"`` (DIFFRAC.SUITE): 61-byte header (date at 12, time at 24), then typed
  variable-length segments (type u32, length u32): 10 = text variable (name 24 bytes at
  +12, value after +36: ``SAMPLEID``, ``USER``, ``SITE``, ``CREATOR``...), 30 = hardware
  (K-alpha average/K-alpha1/K-alpha2/K-beta/ratio f64 from +72, anode at +116). Ranges start with type 0 or
  160: a 160-byte header (scan type text +32, start f64 +72, step f64 +80, steps u32 +88,
  time/step f32 +92, kV/mA f32 +100/+104, wavelength f64 +112, datum size u32 +136,
  extra-header length u32 +140), extra segments (50 = drive start: name +12, value f64
  +56, e.g. ``"Divergence Slit"``), then ``steps`` data records of ``datum size`` bytes
  whose first 4 bytes are the float32 count.

Quirks in real files: GSAS-II and xylib samples are all ``RAW1.01`` (called "v4" by some
tools); the RAW4 file here writes 8-byte data records (count + a flag word); its K-alpha2 and
ratio are zero and its K-alpha average equals K-alpha1 (a K-alpha1-only set-up: recorded as
``ka2_ka1_ratio = 0``); v3 dates have no time
zone (kept in ``raw_parameters``); slit widths are in mm, not degrees, so they stay in
``raw_parameters``. The v3 range header holds a 6-character divergence-slit code at +72
(``"V6"``: variable slit, 6 mm irradiated length -> ``slit_mode="automatic"``; ``"fix"``:
fixed) next to an f64 at +64 (0.982 in the LaB6 file; unit not documented, kept raw).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Instrument, Measurement, Sample, TruncatedFileError, XRDAcquisition
from ._pattern import make_pattern

__all__ = ["BrukerRawReader"]

_MAX_STEPS = 50_000_000
_MAX_RANGES = 10_000


class _Cursor:
    """Bounds-checked little-endian reads from a bytes buffer."""

    def __init__(self, data: bytes, path: Path, reader: BrukerRawReader) -> None:
        self.data, self.path, self.reader = data, path, reader

    def need(self, offset: int, size: int, what: str) -> None:
        if offset < 0 or offset + size > len(self.data):
            raise TruncatedFileError(
                f"the file ends at byte {len(self.data)} but {what} needs bytes {offset}..{offset + size} "
                f"({self.reader.name} reader)",
                path=self.path,
            )

    def unpack(self, fmt: str, offset: int, what: str) -> tuple[Any, ...]:
        self.need(offset, struct.calcsize("<" + fmt), what)
        return struct.unpack_from("<" + fmt, self.data, offset)

    def one(self, fmt: str, offset: int, what: str) -> Any:
        return self.unpack(fmt, offset, what)[0]

    def text(self, offset: int, size: int, what: str) -> str:
        self.need(offset, size, what)
        raw = self.data[offset : offset + size].split(b"\0", 1)[0]
        return raw.decode("latin-1").strip()

    def floats(self, offset: int, count: int, what: str, *, stride: int = 4) -> np.ndarray:
        self.need(offset, count * stride, what)
        if stride == 4:
            values = np.frombuffer(self.data, "<f4", count, offset)
        else:
            records = np.frombuffer(self.data, np.uint8, count * stride, offset).reshape(count, stride)
            values = records[:, :4].copy().view("<f4").ravel()
        with np.errstate(invalid="ignore", over="ignore"):  # NaN patterns of damaged files
            return values.astype(np.float64)


def _f32(value: float) -> float:
    """A value stored as float32, as the decimal the instrument software meant (7 digits)."""
    value = float(value)
    if np.isfinite(value) and float(np.float32(value)) == value:
        return float(f"{value:.7g}")
    return value


def _clean(value: float) -> float | None:
    """A header float, or None for the "unknown" markers (0, -1e6, NaN)."""
    value = _f32(value)
    if not np.isfinite(value) or value == 0.0 or value <= -1e5:
        return None
    return value


class BrukerRawReader(Reader):
    """Read Bruker/Siemens DIFFRAC RAW files v1-v4 (every range)."""

    name = "bruker-raw"
    technique = "xrd"
    description = "Bruker / Siemens DIFFRAC RAW powder pattern, versions 1-4 (.raw)"
    patterns = ("*.raw", "*.RAW")
    version = "1"

    def sniff(self, path: Path) -> float:
        head = read_head(Path(path), 8)
        if head.startswith((b"RAW1.01", b"RAW4.00")):
            return 0.99
        if head.startswith((b"RAW ", b"RAW2")):
            return 0.9
        return 0.0

    def read(self, path: Path) -> list[Measurement]:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise self.fail(path, f"cannot open the file ({exc})") from exc
        c = _Cursor(data, path, self)
        if data.startswith(b"RAW1.01"):
            version, ranges, header = "3", *self._v3(c)
        elif data.startswith(b"RAW4.00"):
            version, ranges, header = "4", *self._v4(c)
        elif data.startswith(b"RAW2"):
            version, ranges, header = "2", *self._v2(c)
        elif data.startswith(b"RAW "):
            version, ranges, header = "1", *self._v1(c)
        else:
            raise self.fail(path, f"does not start with a Bruker RAW signature (found {data[:8]!r})")
        if not ranges:
            raise self.fail(path, "the file holds no data range")
        out = []
        for i, r in enumerate(ranges):
            out.append(self._measurement(path, version, header, r, i, len(ranges)))
        return out

    # -- versions ------------------------------------------------------------------------
    def _v1(self, c: _Cursor) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        ranges: list[dict[str, Any]] = []
        off, following = 4, 1
        while following:
            if len(ranges) >= _MAX_RANGES:
                raise self.reader_fail(c, "more than 10000 ranges: the range chain is corrupt")
            if ranges and c.data[off : off + 4] == b"RAW ":
                off += 4
            steps = c.one("I", off, "a v1 range header")
            t, step, mode, _, start = c.unpack("ffIIf", off + 4, "a v1 range header")
            name = c.text(off + 36, 32, "the v1 sample name")
            k1, k2 = c.unpack("ff", off + 68, "the v1 wavelengths")
            following = c.one("I", off + 148, "the v1 range header")
            self._check_steps(c, steps, off)
            y = c.floats(off + 152, steps, "the v1 counts")
            ranges.append(
                {
                    "start": _f32(start),
                    "step": _f32(step),
                    "y": y,
                    "time_per_step": _clean(t),
                    "raw": {
                        "SCAN_MODE": int(mode),
                        "SAMPLE_NAME": name,
                        "K_ALPHA1": _f32(k1),
                        "K_ALPHA2": _f32(k2),
                        "MEASUREMENT_TIME_PER_STEP": _f32(t),
                    },
                    "sample": name,
                    "alpha1": _clean(k1),
                    "alpha2": _clean(k2),
                }
            )
            off += 152 + 4 * steps
            if following and off >= len(c.data):
                raise TruncatedFileError(
                    f"a further range is announced but the file ends at byte {off} ({self.name} reader)",
                    path=c.path,
                )
        return ranges, {}

    def _v2(self, c: _Cursor) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        n = c.one("H", 4, "the v2 file header")
        header = {
            "DATE_TIME_MEASURE": c.text(168, 20, "the v2 date"),
            "ANODE": c.text(188, 2, "the v2 anode"),
            "LAMDA1": _f32(c.one("f", 190, "the v2 header")),
            "LAMDA2": _f32(c.one("f", 194, "the v2 header")),
            "INTENSITY_RATIO": _f32(c.one("f", 198, "the v2 header")),
            "TOTAL_SAMPLE_RUNTIME_IN_SEC": _f32(c.one("f", 210, "the v2 header")),
        }
        ranges, off = [], 256
        for _ in range(n):
            hlen, steps = c.unpack("HH", off, "a v2 range header")
            if hlen < 48:
                raise self.reader_fail(c, f"a v2 range header at byte {off} claims {hlen} bytes (< 48)")
            t, step, start = c.unpack("fff", off + 8, "a v2 range header")
            temp = c.one("H", off + 46, "a v2 range header")
            self._check_steps(c, steps, off)
            y = c.floats(off + hlen, steps, "the v2 counts")
            ranges.append(
                {
                    "start": _f32(start),
                    "step": _f32(step),
                    "y": y,
                    "time_per_step": _clean(t),
                    "raw": {"SEC_PER_STEP": _f32(t), "TEMP_IN_K": int(temp)},
                }
            )
            off += hlen + 4 * steps
        return ranges, header

    def _v3(self, c: _Cursor) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        status, n = c.unpack("II", 8, "the v3 file header")
        c.need(0, 712, "the v3 file header")
        header: dict[str, Any] = {
            "FILE_STATUS": {1: "done", 2: "active", 3: "aborted", 4: "interrupted"}.get(status, status),
            "MEASURE_DATE": c.text(16, 10, ""),
            "MEASURE_TIME": c.text(26, 10, ""),
            "USER": c.text(36, 72, ""),
            "SITE": c.text(108, 218, ""),
            "SAMPLE_ID": c.text(326, 60, ""),
            "COMMENT": c.text(386, 160, ""),
            "GONIOMETER_RADIUS_MM": _f32(c.one("f", 564, "")),
            "FIXED_DIVERGENCE_SLIT_MM": _f32(c.one("f", 568, "")),
            "FIXED_SAMPLE_SLIT_MM": _f32(c.one("f", 572, "")),
            "FIXED_ANTISCATTER_SLIT_MM": _f32(c.one("f", 584, "")),
            "FIXED_DETECTOR_SLIT_MM": _f32(c.one("f", 588, "")),
            "ANODE_MATERIAL": c.text(608, 4, ""),
        }
        for key, value in zip(
            ("ALPHA_AVERAGE", "ALPHA1", "ALPHA2", "BETA", "ALPHA_RATIO"), c.unpack("5d", 616, ""), strict=True
        ):
            header[key] = float(value)
        if n > _MAX_RANGES:
            raise self.reader_fail(c, f"the header announces {n} ranges: the file is corrupt")
        ranges, off = [], 712
        for i in range(n):
            hlen, steps, start_theta, start = c.unpack("IIdd", off, f"the header of range {i + 1}")
            if hlen != 304:
                raise self.reader_fail(
                    c, f"range {i + 1} header at byte {off} has length {hlen}, expected 304"
                )
            step = c.one("d", off + 176, "a v3 range header")
            t = c.one("f", off + 192, "a v3 range header")
            lam = c.one("d", off + 240, "a v3 range header")
            supp = c.one("I", off + 256, "a v3 range header")
            kv, ma = c.unpack("II", off + 224, "a v3 range header")
            divergence = c.one("d", off + 64, "a v3 range header")
            slit_code = c.text(off + 72, 6, "a v3 range header")
            self._check_steps(c, steps, off)
            if supp > len(c.data):
                raise self.reader_fail(c, f"range {i + 1} claims a {supp}-byte supplementary header")
            y = c.floats(off + 304 + supp, steps, f"the counts of range {i + 1}")
            ranges.append(
                {
                    "start": float(start),
                    "step": float(step),
                    "y": y,
                    "time_per_step": _clean(t),
                    "raw": {
                        "STEPS": int(steps),
                        "START_THETA": float(start_theta),
                        "START_2THETA": float(start),
                        "STEP_SIZE": float(step),
                        "TIME_PER_STEP": _f32(t),
                        "USED_LAMBDA": float(lam),
                        "GENERATOR_VOLTAGE": int(kv),
                        "GENERATOR_CURRENT": int(ma),
                        "DIVERGENCE": float(divergence),
                        "VARIABLE_DIVERGENCE": slit_code,
                    },
                }
            )
            off += 304 + supp + 4 * steps
        return ranges, header

    def _v4(self, c: _Cursor) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        header: dict[str, Any] = {
            "MEASURE_DATE": c.text(12, 12, "the v4 header"),
            "MEASURE_TIME": c.text(24, 10, "the v4 header"),
        }
        off = 61
        while True:
            kind = c.one("I", off, "a v4 metadata segment")
            if kind in (0, 160):
                break
            length = c.one("I", off + 4, "a v4 metadata segment")
            if length < 8:
                raise self.reader_fail(c, f"a v4 segment at byte {off} has length {length} (< 8)")
            if kind == 10 and length >= 36:
                header[c.text(off + 12, 24, "a v4 variable")] = c.text(off + 36, length - 36, "a v4 variable")
            elif kind == 30 and length >= 120:
                names = ("ALPHA_AVERAGE", "ALPHA1", "ALPHA2", "BETA", "ALPHA_RATIO")
                for key, value in zip(
                    names, c.unpack("5d", off + 72, "the v4 hardware segment"), strict=True
                ):
                    header[key] = _f32(value)
                header["ANODE_MATERIAL"] = c.text(off + 116, 4, "the v4 hardware segment")
            off += length
        ranges = []
        while off < len(c.data):
            if len(ranges) >= _MAX_RANGES:
                raise self.reader_fail(c, "more than 10000 ranges: the range chain is corrupt")
            kind = c.one("I", off, "a v4 range header")
            if kind not in (0, 160):
                raise self.reader_fail(c, f"expected a range header at byte {off}, found segment type {kind}")
            scan_type = c.text(off + 32, 24, "a v4 range header")
            start, step, steps, t = c.unpack("ddIf", off + 72, "a v4 range header")
            kv, ma = c.unpack("ff", off + 100, "a v4 range header")
            lam = c.one("d", off + 112, "a v4 range header")
            datum, extra = c.unpack("II", off + 136, "a v4 range header")
            if datum < 4 or datum > 64:
                raise self.reader_fail(c, f"range {len(ranges) + 1} has a {datum}-byte data record")
            raw: dict[str, Any] = {
                "SCAN_TYPE": scan_type,
                "START_ANGLE": float(start),
                "STEP_SIZE": float(step),
                "STEPS": int(steps),
                "TIME_PER_STEP": _f32(t),
                "GENERATOR_VOLTAGE": _f32(kv),
                "GENERATOR_CURRENT": _f32(ma),
                "USED_LAMBDA": _f32(lam),
                "DATUM_SIZE": int(datum),
            }
            o, end = off + 160, off + 160 + extra
            c.need(o, extra, "the v4 range extra header")
            while o < end:
                kind, length = c.unpack("II", o, "a v4 range segment")
                if length < 8:
                    raise self.reader_fail(c, f"a v4 range segment at byte {o} has length {length} (< 8)")
                if kind == 50 and length >= 64:
                    raw["START_" + c.text(o + 12, 24, "a drive segment")] = float(c.one("d", o + 56, ""))
                o += length
            self._check_steps(c, steps, off)
            y = c.floats(end, steps, f"the counts of range {len(ranges) + 1}", stride=datum)
            ranges.append(
                {
                    "start": float(start),
                    "step": float(step),
                    "y": y,
                    "time_per_step": _clean(t),
                    "raw": raw,
                    "scan_type": scan_type,
                }
            )
            off = end + datum * steps
        return ranges, header

    # -- helpers ---------------------------------------------------------------------------
    def reader_fail(self, c: _Cursor, message: str) -> Exception:
        return self.fail(c.path, message)

    def _check_steps(self, c: _Cursor, steps: int, offset: int) -> None:
        if steps <= 0 or steps > _MAX_STEPS:
            raise self.reader_fail(c, f"the range header at byte {offset} announces {steps} steps")

    def _measurement(
        self, path: Path, version: str, header: dict[str, Any], r: dict[str, Any], index: int, n: int
    ) -> Measurement:
        y = r["y"]
        if (
            not np.isfinite(r["start"])
            or not np.isfinite(r["step"])
            or r["step"] <= 0
            or abs(r["start"]) > 1e4
        ):
            raise self.fail(
                path, f"range {index + 1} has an impossible start {r['start']} / step {r['step']}"
            )
        x = r["start"] + r["step"] * np.arange(y.size)
        scan_type = r.get("scan_type") or ""
        axis = "two_theta"
        lowered = scan_type.lower()
        if scan_type and not any(k in lowered for k in ("coupled", "2theta", "twotheta", "detector")):
            if "rocking" in lowered or "omega" in lowered:
                axis = "omega"
            else:
                axis = "".join(ch if ch.isalnum() else "_" for ch in lowered).strip("_") or "angle"
        k1 = _clean(header.get("ALPHA1", 0.0)) or r.get("alpha1")
        k2 = _clean(header.get("ALPHA2", 0.0)) or r.get("alpha2") or _clean(header.get("LAMDA2", 0.0))
        k1 = k1 or _clean(header.get("LAMDA1", 0.0)) or _clean(r["raw"].get("USED_LAMBDA", 0.0))
        ratio = _clean(header.get("ALPHA_RATIO", 0.0)) or _clean(header.get("INTENSITY_RATIO", 0.0))
        if (
            k1
            and header.get("ALPHA2") == 0.0
            and header.get("ALPHA_RATIO") == 0.0
            and _clean(header.get("ALPHA_AVERAGE", 0.0)) == k1
        ):
            ratio = 0.0  # DIFFRAC's K-alpha1-only set-up: no K-alpha2 line, average = K-alpha1
        anode = (header.get("ANODE_MATERIAL") or header.get("ANODE") or "").strip().capitalize() or None
        div = _clean(header.get("FIXED_DIVERGENCE_SLIT_MM", 0.0))
        code = str(r["raw"].get("VARIABLE_DIVERGENCE", "")).strip()
        variable = re.fullmatch(r"V(\d+(?:\.\d+)?)", code)
        slit_mode = "automatic" if variable else ("fixed" if code.lower().startswith("fix") or div else None)
        acq = XRDAcquisition(
            operator=header.get("USER") or None,
            title=header.get("COMMENT") or None,
            wavelength_angstrom=k1,
            wavelength2_angstrom=k2 if ratio else None,  # None also when the ratio is 0
            ka2_ka1_ratio=ratio,
            anode=anode,
            scan_axis=scan_type or None,
            two_theta_start_deg=float(x[0]) if axis == "two_theta" else None,
            two_theta_end_deg=float(x[-1]) if axis == "two_theta" else None,
            step_deg=r["step"],
            time_per_step_s=r["time_per_step"],
            slit_mode=slit_mode,
            irradiated_length_mm=float(variable.group(1)) if variable else None,
            goniometer_radius_mm=_clean(header.get("GONIOMETER_RADIUS_MM", 0.0)),
            n_scans=n,
        )
        raw = {"format_version": version, **header, "range_index": index, **r["raw"]}
        sample = header.get("SAMPLE_ID") or header.get("SAMPLEID") or r.get("sample") or None
        return make_pattern(
            path,
            x,
            y,
            reader=self,
            format=f"bruker-raw-v{version}",
            axis_name=axis,
            acquisition=acq,
            raw_parameters=raw,
            sample=Sample(name=sample),
            instrument=Instrument(vendor="Bruker", software=header.get("CREATOR") or None),
        )

    # -- contract examples ----------------------------------------------------------------------
    def examples(self, folder: Path) -> list[Path]:
        """A two-range v3 file, a v4 file with 8-byte records, and v1 / v2 files."""
        from ._bruker_raw_write import write_v1, write_v2, write_v3, write_v4

        folder = Path(folder)
        x = np.arange(200) * 0.05
        peak = 50 + 1000 * np.exp(-0.5 * ((x - 5) / 0.1) ** 2)
        paths = []
        for name, writer in (("v1", write_v1), ("v2", write_v2), ("v3", write_v3), ("v4", write_v4)):
            p = folder / f"example_{name}.raw"
            p.write_bytes(writer([(20.0, 0.05, peak), (40.0, 0.1, peak[:50])]))
            paths.append(p)
        return paths
