"""Reader for the run folders that live acquisition writes (``documents.jsonl`` + ``arrays/``).

Format notes: one JSON line per event-model document (start, descriptor, event, stop), array
data of events in ``.npy`` files written atomically; a run killed part way has no stop
document (and perhaps a cut last line): it still reads, marked incomplete. See
:mod:`instrumentarium.live._store`.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..formats import Reader, read_head
from ..model import FormatError, InstrumentariumError, Measurement
from ._run import read_run

__all__ = ["RunFolderReader"]


class RunFolderReader(Reader):
    """A live-acquisition run folder, complete or interrupted."""

    name = "instrumentarium-run"
    technique = "any"
    description = "instrumentarium live-acquisition run folder (documents.jsonl + arrays/)"
    patterns = ("*/documents.jsonl",)
    version = "1"

    def _folder(self, path: Path) -> Path:
        return path.parent if path.name == "documents.jsonl" else path

    def sniff(self, path: Path) -> float:
        folder = self._folder(path)
        docs = folder / "documents.jsonl"
        if not folder.is_dir() or not docs.is_file():
            return 0.0
        head = read_head(docs, 65536).split(b"\n", 1)[0]
        try:
            name, doc = json.loads(head)
        except (ValueError, TypeError):
            return 0.0
        return 0.95 if name == "start" and isinstance(doc, dict) and "instrumentarium" in doc else 0.0

    def read(self, path: Path) -> Measurement:
        folder = self._folder(path)
        try:
            return read_run(folder)
        except InstrumentariumError:
            raise
        except (ValueError, KeyError, TypeError, IndexError, OSError) as exc:
            raise FormatError(f"damaged run folder ({type(exc).__name__}: {exc})", path=folder) from None

    def examples(self, folder: Path) -> list[Path]:
        from ._run import run_acquisition
        from .sim_nmr import SimulatedNMR

        run = folder / "run"
        run_acquisition(SimulatedNMR(n_points=256, n_scans=2, scan_time_s=0.0), folder=run)
        return [run]
