import numpy as np
from scipy.signal import find_peaks

from instrumentarium.live import LiveHub, LiveProcessor, run_acquisition
from instrumentarium.live.sim_nmr import SimulatedNMR


def test_nmr_spectrum_is_reprocessed_as_scans_accumulate(tmp_path):
    hub = LiveHub()
    frames = []
    hub.subscribe(frames.append)
    proc = LiveProcessor(hub.publish, min_interval_s=0.0)
    drv = SimulatedNMR(n_points=8192, n_scans=6, scan_time_s=0.0, noise=0.05)
    r = run_acquisition(drv, folder=tmp_path / "run", consumers=[proc])
    assert r.exit_status == "success" and proc.errors == []
    assert [f.n_events for f in frames][-1] == 6 and frames[-1].status == "success"
    assert len(frames) >= 2, "intermediate spectra must be shown while scans arrive"
    last = frames[-1]
    assert last.x_name == "chemical_shift" and last.x_unit == "ppm"
    x, y = np.array(last.x), np.array(last.y)
    peaks, _ = find_peaks(y, height=0.2 * y.max())
    found = x[peaks]
    for expected in (4.12, 2.05, 1.26):  # ethyl acetate: quartet, singlet, triplet centres
        assert np.min(np.abs(found - expected)) < 0.03, (expected, np.round(found, 3))
    assert hub.latest(r.uid) is last
