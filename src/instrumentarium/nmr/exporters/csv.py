"""CSV tables of peaks and multiplets (one row per item, units in the column names)."""

from __future__ import annotations

import csv as _csv
import os
from pathlib import Path

from ...model import Measurement
from ..analysis import NMRAnalysis, analysis_of

__all__ = ["CSVExporter", "write_peaks_csv", "write_multiplets_csv"]


def write_peaks_csv(analysis: NMRAnalysis, path: str | os.PathLike[str]) -> Path:
    """Write the peak list: ppm, intensity, width_hz, area, snr, kind, label."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = _csv.writer(fh)
        w.writerow(["ppm", "intensity", "width_hz", "area", "snr", "kind", "label"])
        for p in analysis.peaks:
            w.writerow(
                [
                    f"{p.ppm:.5f}",
                    f"{p.intensity:.6g}",
                    f"{p.width_hz:.3f}",
                    f"{p.area:.6g}",
                    f"{p.snr:.1f}",
                    p.kind,
                    p.label,
                ]
            )
    return path


def write_multiplets_csv(analysis: NMRAnalysis, path: str | os.PathLike[str]) -> Path:
    """Write the multiplets: range, centre, multiplicity, J (Hz, ';'-separated), nH, integral, kind."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = _csv.writer(fh)
        w.writerow(
            [
                "start_ppm",
                "stop_ppm",
                "center_ppm",
                "multiplicity",
                "j_hz",
                "n_h",
                "integral",
                "kind",
                "label",
            ]
        )
        for mp in analysis.multiplets:
            w.writerow(
                [
                    f"{mp.range_ppm[0]:.4f}",
                    f"{mp.range_ppm[1]:.4f}",
                    f"{mp.center_ppm:.4f}",
                    mp.multiplicity,
                    ";".join(f"{j:.2f}" for j in mp.j_hz),
                    f"{mp.n_h:.2f}",
                    f"{mp.integral:.6g}",
                    mp.kind,
                    mp.label,
                ]
            )
    return path


class CSVExporter:
    """Peaks (``NAME.csv``) and multiplets (``NAME.multiplets.csv``) as CSV tables."""

    name = "nmr-csv"
    suffixes = (".csv",)

    def export(self, m: Measurement, path: Path) -> Path:
        """Write the peak table to ``path`` and the multiplet table beside it."""
        a = analysis_of(m)
        path = Path(path)
        write_peaks_csv(a, path)
        write_multiplets_csv(a, path.with_name(path.stem + ".multiplets.csv"))
        return path
