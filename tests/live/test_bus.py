import threading
import time

from instrumentarium.live import DocumentBus


def test_every_consumer_gets_every_document_in_order():
    bus = DocumentBus()
    got_a, got_b = [], []
    bus.subscribe(lambda n, d: got_a.append(d["i"]), name="a")
    bus.subscribe(lambda n, d: got_b.append(d["i"]), name="b")
    for i in range(50):
        bus.emit("event", {"i": i})
    stats = bus.close()
    assert got_a == got_b == list(range(50))
    assert [s.delivered for s in stats] == [50, 50]


def test_a_slow_consumer_never_blocks_the_producer_and_keeps_start_and_stop():
    bus = DocumentBus(maxsize=4)
    release = threading.Event()
    seen = []

    def slow(name, doc):
        release.wait(5)
        seen.append(name)

    bus.subscribe(slow, name="slow")
    t0 = time.perf_counter()
    bus.emit("start", {})
    for i in range(200):
        bus.emit("event", {"i": i})
    bus.emit("stop", {})
    elapsed = time.perf_counter() - t0
    release.set()
    (stats,) = bus.close()
    assert elapsed < 0.5, f"emitting took {elapsed:.2f} s: the producer waited for the consumer"
    assert seen[0] == "start" and seen[-1] == "stop"
    assert stats.dropped > 0 and stats.delivered == len(seen)


def test_a_failing_consumer_is_disabled_and_the_others_go_on():
    bus = DocumentBus()
    good = []

    def bad(name, doc):
        raise RuntimeError("viewer crashed")

    bus.subscribe(bad, name="bad")
    bus.subscribe(lambda n, d: good.append(n), name="good")
    for _ in range(10):
        bus.emit("event", {})
    s_bad, s_good = bus.close()
    assert s_bad.failed and "viewer crashed" in s_bad.error
    assert s_good.delivered == 10 and len(good) == 10
