"""Write small Bruker RAW v1-v4 files (synthetic ground truth for the reader's tests).

Only the fields :mod:`.bruker_raw` reads are filled; the rest are zero. Each range is
``(start_2theta_deg, step_deg, counts)``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

__all__ = ["write_v1", "write_v2", "write_v3", "write_v4"]

Range = tuple[float, float, np.ndarray]


def _counts(y: np.ndarray) -> bytes:
    return np.asarray(y, dtype="<f4").tobytes()


def write_v1(ranges: Sequence[Range]) -> bytes:
    """DIFFRAC-AT v1: ``"RAW "`` then 152-byte range headers, each followed by its counts."""
    out = bytearray(b"RAW ")
    for i, (start, step, y) in enumerate(ranges):
        h = bytearray(152)
        struct.pack_into("<IffIIf", h, 0, len(y), 1.0, step, 0, 0, start)
        h[36:68] = b"synthetic".ljust(32, b"\0")
        struct.pack_into("<ff", h, 68, 1.5406, 1.54439)
        struct.pack_into("<I", h, 148, 1 if i < len(ranges) - 1 else 0)
        out += h + _counts(y)
    return bytes(out)


def write_v2(ranges: Sequence[Range]) -> bytes:
    """RAW2: 256-byte file header, then 48-byte range headers and counts."""
    h = bytearray(256)
    h[0:4] = b"RAW2"
    struct.pack_into("<H", h, 4, len(ranges))
    h[168:188] = b"2024-05-01 10:00:00".ljust(20, b"\0")
    h[188:190] = b"Cu"
    struct.pack_into("<fff", h, 190, 1.5406, 1.54439, 0.5)
    out = bytearray(h)
    for start, step, y in ranges:
        r = bytearray(48)
        struct.pack_into("<HH", r, 0, 48, len(y))
        struct.pack_into("<fff", r, 8, 1.0, step, start)
        out += r + _counts(y)
    return bytes(out)


def write_v3(ranges: Sequence[Range]) -> bytes:
    """RAW1.01: 712-byte file header, then 304-byte range headers and counts."""
    h = bytearray(712)
    h[0:8] = b"RAW1.01\0"
    struct.pack_into("<II", h, 8, 1, len(ranges))
    h[16:26] = b"05/01/24\0\0"
    h[26:36] = b"10:00:00\0\0"
    h[326:336] = b"synthetic\0"
    struct.pack_into("<ff", h, 564, 250.0, 0.6)
    h[608:612] = b"Cu\0\0"
    struct.pack_into("<5d", h, 616, 1.54184, 1.5406, 1.54439, 1.39222, 0.5)
    out = bytearray(h)
    for start, step, y in ranges:
        r = bytearray(304)
        struct.pack_into("<IIdd", r, 0, 304, len(y), start / 2, start)
        struct.pack_into("<d", r, 176, step)
        struct.pack_into("<f", r, 192, 1.0)
        struct.pack_into("<II", r, 224, 40, 40)
        struct.pack_into("<d", r, 240, 1.5406)
        out += r + _counts(y)
    return bytes(out)


def write_v4(ranges: Sequence[Range]) -> bytes:
    """RAW4.00: 61-byte header, a SAMPLEID and a hardware segment, ranges of 8-byte records."""
    h = bytearray(61)
    h[0:8] = b"RAW4.00\0"
    h[12:24] = b"05/01/2024\0\0"
    h[24:34] = b"10:00:00\0\0"
    var = bytearray(36 + 10)
    struct.pack_into("<II", var, 0, 10, len(var))
    var[12:20] = b"SAMPLEID"
    var[36:46] = b"synthetic\0"
    hw = bytearray(136)
    struct.pack_into("<II", hw, 0, 30, len(hw))
    struct.pack_into("<5d", hw, 72, 1.54184, 1.5406, 1.54439, 1.39222, 0.5)
    hw[116:118] = b"Cu"
    out = bytearray(h + var + hw)
    for start, step, y in ranges:
        r = bytearray(160)
        r[32:46] = b"Locked Coupled"
        struct.pack_into("<ddIf", r, 72, start, step, len(y), 1.0)
        struct.pack_into("<ff", r, 100, 40.0, 40.0)
        struct.pack_into("<d", r, 112, 1.5406)
        drive = bytearray(92)
        struct.pack_into("<II", drive, 0, 50, 92)
        drive[12:18] = b"2Theta"
        struct.pack_into("<d", drive, 56, start)
        struct.pack_into("<II", r, 136, 8, len(drive))
        records = np.zeros(len(y), dtype=[("y", "<f4"), ("flag", "<u4")])
        records["y"], records["flag"] = y, 1
        out += r + drive + records.tobytes()
    return bytes(out)
