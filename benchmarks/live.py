"""Live acquisition latency and throughput.

Measures, for a simulated diffractometer streaming as fast as it can and for a simulated NMR
spectrometer, the latency from an event's creation to its processed frame reaching a viewer
(a LiveHub subscriber, as the WebSocket handler is), p50/p95, and the events per second
sustained with the writer (disk) and the live processing attached.

Baseline: the same acquisition with no consumer at all (the cost of writing every document to
disk), so the ratio shows what live processing adds to the instrument's pace.

    python benchmarks/live.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from instrumentarium.live import LiveHub, LiveProcessor, run_acquisition
from instrumentarium.live.sim_nmr import SimulatedNMR
from instrumentarium.live.sim_xrd import SimulatedDiffractometer


def _run(make, *, live: bool, folder: Path) -> tuple:
    hub = LiveHub()
    latencies: list[float] = []
    hub.subscribe(lambda f: latencies.append(time.time() - f.event_time))
    consumers = [LiveProcessor(hub.publish, min_interval_s=0.0)] if live else []
    drv = make()
    r = run_acquisition(drv, folder=folder, consumers=consumers)
    return r, latencies


def main() -> None:
    cases = {
        "sim-xrd (100 points/event)": lambda: SimulatedDiffractometer(chunk_time_s=0.0, step_deg=0.005),
        "sim-nmr (16k points/scan)": lambda: SimulatedNMR(n_scans=64, scan_time_s=0.0),
    }
    print(f"{'stream':30} {'events':>7} {'ev/s (no consumer)':>19} {'ev/s (live)':>12} {'ratio':>6} "
          f"{'p50 ms':>8} {'p95 ms':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, make) in enumerate(cases.items()):
            base, _ = _run(make, live=False, folder=Path(tmp) / f"b{i}")
            live, lat = _run(make, live=True, folder=Path(tmp) / f"l{i}")
            ev_base = base.n_events / base.duration_s
            ev_live = live.n_events / live.duration_s
            p50 = 1000 * statistics.median(lat) if lat else float("nan")
            p95 = 1000 * float(np.percentile(lat, 95)) if lat else float("nan")
            print(f"{name:30} {live.n_events:7d} {ev_base:19.0f} {ev_live:12.0f} {ev_live / ev_base:6.2f} "
                  f"{p50:8.1f} {p95:8.1f}")
    print("latency: event creation -> processed frame at a LiveHub subscriber (processing throttled per frame)")


if __name__ == "__main__":
    main()
