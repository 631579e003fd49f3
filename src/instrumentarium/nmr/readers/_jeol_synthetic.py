"""Write small JEOL Delta ``.jdf`` files (reader examples and tests).

Layout as read by nmrglue's ``jeol`` module and cheminfo's jeolconverter: a 1360-byte
big-endian header, a little-endian parameter section of 64-byte records, then the data as
float64 sections (real, then imaginary stored negated: Delta's sign convention).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = ["write_jdf"]

_HEADER_BYTES = 1360
_PARAMS: dict[str, object] = {
    "x_domain": "1H",
    "x_freq": 399.78219837825e6,
    "x_offset": 5.0,
    "x_sweep": 8000.0,
    "x_points": 0,
    "x_prescans": 4,
    "scans": 16,
    "total_scans": 16,
    "solvent": "CDCL3",
    "temp_get": 25.0,
    "recvr_gain": 40.0,
    "relaxation_delay": 5.0,
    "experiment": "single_pulse",
    "orders": "25473",
    "factors": "82",
    "sample_id": "example",
    "inst_model_number": "JNM-ECZ400S",
    "version": "6.1",
}


def _record(name: str, value: object) -> bytes:
    head = bytes(4) + struct.pack("<h", 0) + bytes(10)
    if isinstance(value, str):
        body, vtype = value.encode("ascii")[:16].ljust(16, b" "), 0
    elif isinstance(value, int):
        body, vtype = struct.pack("<i", value) + bytes(12), 1
    else:
        body, vtype = struct.pack("<d", float(value)) + bytes(8), 2  # type: ignore[arg-type]
    return head + body + struct.pack("<i", vtype) + name.upper().encode("ascii").ljust(28, b" ")


def write_jdf(
    path: Path, fid: np.ndarray, *, params: Mapping[str, object] | None = None, title: str = "example"
) -> Path:
    """Write a 1D complex FID (length a multiple of 8) as a JEOL Delta file."""
    fid = np.asarray(fid, dtype=complex)
    n = fid.size
    p = {**_PARAMS, "x_points": n, **dict(params or {})}
    records = b"".join(_record(k, v) for k, v in p.items())
    param_section = struct.pack("<4I", 64, 0, len(p), 16 + len(records)) + records
    param_start = _HEADER_BYTES
    data_start = -(-(param_start + len(param_section)) // 512) * 512
    data = np.concatenate([fid.real, -fid.imag]).astype("<f8").tobytes()
    total = data_start + len(data)
    sw = float(p["x_sweep"])  # type: ignore[arg-type]

    h = bytearray(_HEADER_BYTES)
    h[0:8] = b"JEOL.NMR"
    h[8], h[9] = 1, 1  # little-endian data and parameters, major version 1
    h[10:12] = struct.pack(">H", 2)
    h[12], h[13], h[14], h[15] = 1, 0b10000000, (0 << 6) | 1, 25  # 1 dim, float64 one_d, eca
    h[16:24] = bytes(range(1, 9))
    h[24] = 3  # complex axis
    h[32:34] = bytes([1, 28])  # unit: second
    h[48:172] = title.encode("ascii")[:124].ljust(124, b"\0")
    h[176:208] = struct.pack(">8I", n, 1, 1, 1, 1, 1, 1, 1)
    h[240:272] = struct.pack(">8I", n - 1, 0, 0, 0, 0, 0, 0, 0)
    h[336:344] = struct.pack(">d", (n - 1) / sw)
    h[1064:1072] = struct.pack(">d", float(p["x_freq"]) / 1e6)  # type: ignore[arg-type]
    h[1212:1220] = struct.pack(">II", param_start, len(param_section))
    h[1284:1288] = struct.pack(">I", data_start)
    h[1288:1296] = struct.pack(">II", 0, len(data))
    h[1296:1304] = struct.pack(">II", 0, total)
    h[1320:1328] = struct.pack(">II", 0, total)
    body = bytes(h) + param_section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body + bytes(data_start - len(body)) + data)
    return path
