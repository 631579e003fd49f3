import numpy as np

import instrumentarium as ins
from instrumentarium.live.watcher import FolderWatcher, find_datasets
from instrumentarium.model import Axis, Measurement, Source


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def _nxs(path, n=10):
    m = Measurement("xrd", np.arange(float(n)), (Axis.linear("two_theta", "deg", start=5, step=1, n=n),),
                    source=Source(reader="synthetic"))
    return ins.save(m, path)


def _watcher(folder, tmp_path, handled, **kw):
    clock = Clock()
    w = FolderWatcher(folder, lambda p, items: handled.append((p.name, len(items))),
                      ledger=tmp_path / "ledger.jsonl", settle_s=2.0, clock=clock, **kw)
    return w, clock


def test_each_dataset_is_taken_once_after_it_settles(tmp_path, monkeypatch):
    # .nxs files are our own output: the watcher ignores them, so watch a reader that claims .tens files
    from instrumentarium import plugins
    from instrumentarium.formats import Reader

    class Tens(Reader):
        name, technique, description, patterns = "tests-tens", "xrd", "ten numbers", ("*.tens",)

        def sniff(self, path):
            return 0.9 if path.suffix == ".tens" else 0.0

        def read(self, path):
            v = np.array(path.read_text().split(), dtype=float)
            return Measurement("xrd", v, (Axis.linear("two_theta", "deg", start=0, step=1, n=v.size),),
                               source=Source(reader=self.name))

    plugins.register("readers", "tests-tens", Tens())
    try:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        (inbox / "a.tens").write_text("1 2 3")
        (inbox / "notes.txt").write_text("not data")
        handled = []
        w, clock = _watcher(inbox, tmp_path, handled)
        assert w.poll_once() == []  # first sight
        clock.t = 1.0
        assert w.poll_once() == []  # not settled yet
        # a second dataset is being written slowly, in pieces
        slow = inbox / "sub" / "b.tens"
        slow.parent.mkdir()
        slow.write_text("4 5")
        clock.t = 2.5
        assert [p.name for p in w.poll_once()] == ["a.tens"]
        for piece in (" 6", " 7", " 8"):
            with open(slow, "a") as fh:
                fh.write(piece)
            clock.t += 1.0
            assert w.poll_once() == []  # still growing
        clock.t += 2.5
        assert [p.name for p in w.poll_once()] == ["b.tens"]
        clock.t += 10
        assert w.poll_once() == []  # never twice
        assert handled == [("a.tens", 1), ("b.tens", 1)]
        assert ins.read(slow).signal.size == 5

        # a restarted watcher remembers what it did
        handled2 = []
        w2, clock2 = _watcher(inbox, tmp_path, handled2)
        w2.poll_once()
        clock2.t = 5
        assert w2.poll_once() == [] and handled2 == []
    finally:
        plugins.unregister("readers", "tests-tens")


def test_own_nexus_output_is_not_a_dataset(tmp_path):
    _nxs(tmp_path / "x.nxs")
    assert list(find_datasets(tmp_path)) == []


def test_copied_vendor_datasets_are_catalogued_exactly_once(tmp_path, shared_data):
    """Real Bruker and XRDML datasets copied into a watched folder, one of them slowly."""
    import shutil

    from instrumentarium.catalog import Catalog, ingest

    bruker = shared_data / "nmr" / "nmr_dev_v1" / "d06_bruker_13C_151MHz_nmrpy_H2O" / "1"
    xrdml = sorted((shared_data / "xrd" / "measured" / "xrdml").rglob("*.xrdml"))[0]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copytree(bruker, inbox / "exp1")
    catalog = Catalog(tmp_path / "cat.sqlite")
    taken = []

    def handle(path, items):
        taken.append(path.name)
        ingest([path], catalog=catalog)

    clock = Clock()
    w = FolderWatcher(inbox, handle, ledger=tmp_path / "ledger.jsonl", settle_s=2.0, clock=clock)
    w.poll_once()
    # the XRDML file arrives in three pieces while the watcher keeps looking
    data = xrdml.read_bytes()
    target = inbox / xrdml.name
    for k in range(3):
        with open(target, "ab") as fh:
            fh.write(data[k * len(data) // 3:(k + 1) * len(data) // 3])
        clock.t += 1.0
        w.poll_once()
    for _ in range(3):
        clock.t += 2.5
        w.poll_once()
    assert sorted(taken) == sorted(["exp1", xrdml.name])
    with catalog.reading() as s:
        from sqlalchemy import text

        n = s.execute(text("select count(*) from measurements")).scalar()
    assert n == 2
    catalog.close()
