"""Live acquisition: drivers, document streams (Bluesky event-model), runs on disk, watcher."""

from ._assemble import assemble, measurement_documents, template_metadata
from ._bus import ConsumerStats, DocumentBus
from ._protocol import AbortRequested, Driver, DriverBase, Emit, EmitEvent
from ._run import RunResult, default_run_folder, read_run, run_acquisition
from ._store import RunDocuments, RunWriter, read_documents
from .processing import LiveFrame, LiveHub, LiveProcessor

__all__ = [
    "AbortRequested",
    "ConsumerStats",
    "DocumentBus",
    "Driver",
    "DriverBase",
    "Emit",
    "EmitEvent",
    "LiveFrame",
    "LiveHub",
    "LiveProcessor",
    "RunDocuments",
    "RunResult",
    "RunWriter",
    "assemble",
    "default_run_folder",
    "measurement_documents",
    "read_documents",
    "read_run",
    "run_acquisition",
    "template_metadata",
]
