import time

import numpy as np
import pytest

from instrumentarium.live import AbortRequested, read_documents, read_run, run_acquisition
from instrumentarium.live.sim_nmr import ETHYL_ACETATE, SimulatedNMR
from instrumentarium.live.sim_xrd import SILICON, SimulatedDiffractometer
from instrumentarium.model import FormatError


def _nmr(**kw):
    return SimulatedNMR(**{"n_points": 2048, "n_scans": 4, "scan_time_s": 0.0, **kw})


def test_documents_follow_the_event_model(tmp_path):
    import event_model

    docs = []
    r = run_acquisition(_nmr(), folder=tmp_path / "run", consumers=[lambda n, d: docs.append((n, d))])
    assert r.exit_status == "success" and r.n_events == 4
    names = [n for n, _ in docs]
    assert names == ["start", "descriptor", "event", "event", "event", "event", "stop"]
    for name, doc in docs:
        if name != "event":  # events hold numpy arrays in process; on disk they are files
            event_model.schema_validators[event_model.DocumentNames[name]].validate(doc)
    assert docs[-1][1]["num_events"] == {"primary": 4}


def test_run_on_disk_rebuilds_the_summed_fid(tmp_path):
    drv = _nmr(seed=3)
    r = run_acquisition(drv, folder=tmp_path / "run")
    rng = np.random.default_rng(3)
    expected = sum(drv.scan(rng) for _ in range(4))
    m = read_run(tmp_path / "run")
    assert np.allclose(m.signal, expected)
    assert m.axes[0].name == "time" and m.acquisition.n_scans == 4
    assert m.raw_parameters["live"]["complete"] is True and m.warnings == ()
    assert r.measurement == m


def test_snr_grows_as_the_square_root_of_scans(tmp_path):
    def snr(n):
        drv = SimulatedNMR(n_points=4096, n_scans=n, scan_time_s=0.0, noise=0.2, phase_deg=0.0,
                           group_delay_points=0.0, seed=n)
        m = run_acquisition(drv, folder=tmp_path / f"run{n}").measurement
        spec = np.fft.fftshift(np.fft.fft(m.signal)).real
        noise = np.std(spec[:300])
        return spec.max() / noise

    ratio = snr(16) / snr(4)
    assert 1.6 < ratio < 2.5, ratio  # sqrt(16/4) = 2


def test_stop_keeps_what_was_acquired_and_marks_it_incomplete(tmp_path):
    drv = _nmr(n_scans=100, scan_time_s=0.02)

    class StopAfter3:
        name = "stopper"

        def __call__(self, name, doc):
            if name == "event" and doc["seq_num"] == 3:
                drv.stop()

    r = run_acquisition(drv, folder=tmp_path / "run", consumers=[StopAfter3()])
    assert r.exit_status == "abort"
    assert 3 <= r.n_events < 100
    m = r.measurement
    assert m.raw_parameters["live"]["complete"] is False
    assert "incomplete acquisition (abort)" in m.warnings[0]


def test_a_failing_driver_is_recorded_as_fail(tmp_path):
    class Broken(SimulatedNMR):
        def acquire(self, emit_event):
            emit_event({"signal": self.scan(np.random.default_rng(0))})
            raise OSError("spectrometer link lost")

    r = run_acquisition(Broken(n_points=256, n_scans=2, scan_time_s=0), folder=tmp_path / "run")
    assert r.exit_status == "fail" and "link lost" in r.reason
    assert r.measurement.signal.shape == (256,)


def test_xrd_step_scan_concatenates_points_with_poisson_counts(tmp_path):
    drv = SimulatedDiffractometer(chunk_time_s=0.0, start_deg=20, stop_deg=60, step_deg=0.02)
    m = run_acquisition(drv, folder=tmp_path / "run").measurement
    x = m.axes[0].values
    assert m.shape == (2001,) and x[0] == 20.0 and x[-1] == 60.0 and np.all(np.diff(x) > 0)
    assert np.all(m.signal == np.round(m.signal))
    top = x[np.argmax(m.signal)]
    si111 = np.degrees(2 * np.arcsin(1.540593 / (2 * SILICON.d_angstrom[0])))
    assert abs(top - si111) < 0.03, (top, si111)


def test_consumers_that_sleep_do_not_slow_the_acquisition(tmp_path):
    drv = _nmr(n_scans=10, scan_time_s=0.01)
    fast = run_acquisition(drv, folder=tmp_path / "fast").duration_s
    drv = _nmr(n_scans=10, scan_time_s=0.01)
    slow = run_acquisition(drv, folder=tmp_path / "slow", consumers=[lambda n, d: time.sleep(0.2)],
                           consumer_timeout_s=0.1).duration_s
    assert slow < fast + 0.5, (fast, slow)


def test_a_cut_last_line_is_ignored_and_missing_folders_are_typed_errors(tmp_path):
    run_acquisition(_nmr(), folder=tmp_path / "run")
    path = tmp_path / "run" / "documents.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:10])  # the stop line cut short
    docs = read_documents(tmp_path / "run")
    assert docs.stop is None and docs.exit_status == "interrupted" and len(docs.events) == 4
    with pytest.raises(FormatError, match=r"documents\.jsonl is missing"):
        read_documents(tmp_path)


def test_sample_lines_follow_first_order_multiplicity():
    lines = [(s, o, w) for s, o, w, _ in ETHYL_ACETATE.lines() if s == 4.12]
    assert [round(o, 2) for _, o, _ in lines] == [-10.65, -3.55, 3.55, 10.65]
    assert [round(w / min(w for *_, w in lines)) for *_, w in lines] == [1, 3, 3, 1]
    assert AbortRequested


def test_phases_from_cif_give_their_calculated_lines(tmp_path):
    from importlib.resources import files

    from instrumentarium.live.sim_xrd import XRDPhase

    cif = files("instrumentarium.xrd.phases") / "data" / "corundum.cif"
    corundum = XRDPhase.from_cif(cif)
    drv = SimulatedDiffractometer((corundum,), chunk_time_s=0.0, start_deg=20, stop_deg=70, seed=2)
    m = run_acquisition(drv, folder=tmp_path / "run").measurement
    x, y = m.axes[0].values, m.signal
    top3 = sorted(x[np.argsort(y)[-400:]])
    # corundum's strongest Cu Kα lines: (104) 35.15°, (113) 43.36°, (116) 57.50° (e.g. ICDD 46-1212)
    for expected in (35.15, 43.36, 57.50):
        assert np.min(np.abs(np.array(top3) - expected)) < 0.05, expected
