"""Synthetic line lists shared by the processing tests."""

from __future__ import annotations

#: a CDCl3 sample: solute lines and the CHCl3 singlet at 7.26 (ppm, height, width Hz)
CDCL3_LINES = [
    (8.1, 0.6, 1.2),
    (7.26, 1.0, 1.0),
    (7.1, 0.8, 1.0),
    (3.7, 1.5, 1.5),
    (3.65, 1.4, 1.5),
    (2.1, 3.0, 1.0),
    (1.25, 2.0, 1.2),
    (0.9, 2.5, 1.2),
]
