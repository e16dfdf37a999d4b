"""The queue of new lazy Arrays (``expr/aliasing.reader``): registered as readers of their
buffers only if they are still alive when the queue is drained, and drained before anything
reads the registry. Values are checked against NumPy's eager ones; the queue's own behaviour
(what it registers, what it keeps alive, how long) is checked directly."""
import gc
import sys
import threading
import weakref

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.expr import aliasing

N = 100_000  # above eager_below: the chains below record lazily

deferred = pytest.mark.skipif(not aliasing._DEFER, reason="the queue is used on CPython 3.11 only; "
                              "elsewhere every lazy Array registers at once")


class Owned(np.ndarray):
    """An ndarray that can be weakly referenced (to see when a buffer is freed)."""


def _buffer(n=N):
    return np.arange(n, dtype=np.float64).view(Owned)


@pytest.fixture(autouse=True)
def _lazy_sizes():
    old = hx.config(eager_below=1024)
    aliasing.flush()
    yield
    hx.config(**old)


@deferred
def test_only_the_arrays_still_alive_are_registered():
    a = hx.asarray(_buffer())
    keep = a * 2
    (a + 1) * 3 - 4  # three temporaries, dead at once
    assert len(aliasing._pending) == 4
    assert aliasing.live_readers(a._data) == 1  # drains first: ``keep`` only
    assert not aliasing._pending
    a[0] = 7.0
    np.testing.assert_array_equal(np.asarray(keep), np.arange(N) * 2.0)


def test_a_write_drains_the_queue_first():
    ref = np.arange(N, dtype=np.float64)
    a = hx.asarray(ref.copy())
    b = a * 2 + 1          # queued, never registered before the write
    c = hx.sin(b) * a
    a += 1
    a[5] = -3.0
    np.testing.assert_array_equal(np.asarray(b), ref * 2 + 1)
    np.testing.assert_allclose(np.asarray(c), np.sin(ref * 2 + 1) * ref, rtol=1e-15)


@deferred
def test_materializing_drains_the_queue():
    a = hx.asarray(_buffer())
    y = a * 2 + 1
    y.materialize()
    assert not aliasing._pending
    assert aliasing.live_readers(a._data) == 0  # y is concrete: not a reader


@deferred
def test_a_dropped_expression_does_not_keep_a_buffer_past_the_next_one():
    # the queue holds strong references: what it keeps alive must not outlast the next
    # buffer entering an expression (a loop that records but never materializes)
    freed = []
    for _ in range(5):
        buf = _buffer()
        freed.append(weakref.ref(buf))
        y = hx.asarray(buf) * 2 - 1  # dropped next iteration, never materialized
        del buf
    del y
    gc.collect()
    assert all(r() is None for r in freed[:-1])


@deferred
def test_the_queue_stays_bounded():
    a = hx.asarray(_buffer())
    y = a * 1.0
    for _ in range(3 * aliasing._PENDING_MAX):
        y = y * 1.0 if y._node is not None and y._node.depth < 60 else a * 1.0
        assert len(aliasing._pending) <= aliasing._PENDING_MAX + 1
    a[0] = 5.0
    np.testing.assert_array_equal(np.asarray(y), np.arange(N, dtype=np.float64))


@deferred
def test_reference_count_of_a_queued_only_array():
    # the drain's rule: an Array that only the queue references counts _QUEUED_ONLY
    seen = []
    drain = aliasing.register
    a = hx.asarray(_buffer())
    keep = a + 1
    a - 1  # dead
    try:
        aliasing.register = lambda roots, arr: (seen.append(sys.getrefcount(arr)), drain(roots, arr))
        aliasing.flush()
    finally:
        aliasing.register = drain
    assert len(seen) == 1 and seen[0] > aliasing._QUEUED_ONLY
    del keep


def test_threads_recording_and_writing():
    # each thread records on its own buffer and writes it; the queue is shared
    errors = []

    def work(seed):
        try:
            rng = np.random.default_rng(seed)
            ref = rng.standard_normal(N)
            a = hx.asarray(ref.copy())
            for k in range(30):
                b = a * 2 - k
                a += 1
                np.testing.assert_array_equal(np.asarray(b), ref * 2 - k)
                ref = ref + 1
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@deferred
def test_a_finalizer_that_writes_while_the_queue_drains_does_not_deadlock():
    # a dropped Array dies when the drain lets go of it; a finalizer on it may write (protect)
    a = hx.asarray(_buffer())
    out = hx.asarray(np.zeros(N))
    t = a * 2
    weakref.finalize(t, lambda: out.__setitem__(0, 1.0))
    del t  # queued only: it dies at the next drain, inside the write below
    done = []

    def write():
        a[0] = 5.0
        done.append(True)

    th = threading.Thread(target=write, daemon=True)
    th.start()
    th.join(30)
    assert done, "the write deadlocked"
    assert float(np.asarray(out)[0]) == 1.0 and float(np.asarray(a)[0]) == 5.0


@deferred
def test_an_exception_inside_a_drain_loses_no_reader(monkeypatch):
    # a signal handler's exception (a KeyboardInterrupt) may land in the middle of a drain:
    # the Array being settled stays queued, so the next write still protects it
    a = hx.asarray(_buffer())
    keep = [a * float(k) for k in range(5)]
    calls = []
    real = aliasing.register

    def interrupted(roots, protector):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real(roots, protector)
    monkeypatch.setattr(aliasing, "register", interrupted)
    with pytest.raises(KeyboardInterrupt):
        a[1] = 999.0
    monkeypatch.setattr(aliasing, "register", real)
    a[1] = 999.0
    for k, x in enumerate(keep):
        assert float(np.asarray(x)[1]) == k * 1.0
