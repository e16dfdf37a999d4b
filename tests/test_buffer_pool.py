"""The result-buffer pool (compiler/pool.py): reuse only after every view is gone."""
import gc

import numpy as np

import hologram_array as hx
from hologram_array.compiler.pool import MIN_BYTES, POOL, BufferPool

N = MIN_BYTES // 8 + 1000  # float64 results above the pool's threshold


def test_large_results_come_from_the_pool_and_are_reused_after_death():
    pool = BufferPool()
    a = pool.empty((N,), np.float64)
    a[:] = 1.0
    address = a.__array_interface__["data"][0]
    b = pool.empty((N,), np.float64)  # `a` is alive: must not share its memory
    assert not np.shares_memory(a, b)
    view = a[10:20]
    del a
    gc.collect()
    c = pool.empty((N,), np.float64)
    c_address = c.__array_interface__["data"][0]
    assert c_address != address  # a view still holds it
    assert np.all(view == 1.0)
    del view, c
    gc.collect()
    assert pool.stats()["idle_blocks"] == 2
    d = pool.empty((N,), np.float64)
    assert d.__array_interface__["data"][0] in (address, c_address)
    assert pool.stats()["hits"] == 1


def test_small_results_bypass_the_pool():
    pool = BufferPool()
    pool.empty((10,), np.float32)
    assert pool.stats() == {"idle_bytes": 0, "idle_blocks": 0, "hits": 0, "misses": 0}


def test_layout_dtype_and_shape():
    pool = BufferPool()
    f = pool.empty((1000, N // 1000), np.complex128, order="F")
    assert f.flags.f_contiguous and f.dtype == np.complex128 and f.shape == (1000, N // 1000)
    c = pool.empty((N // 1000, 1000), np.int32)
    assert c.flags.c_contiguous and c.flags.writeable and c.flags.aligned
    try:
        import ml_dtypes
    except ImportError:
        return
    b = pool.empty((N,), ml_dtypes.bfloat16)
    assert b.dtype == np.dtype(ml_dtypes.bfloat16)


def test_idle_memory_is_bounded():
    pool = BufferPool(max_bytes=3 * MIN_BYTES)
    arrays = [pool.empty((MIN_BYTES,), np.uint8) for _ in range(6)]
    del arrays
    gc.collect()
    assert pool.stats()["idle_bytes"] <= 3 * MIN_BYTES
    pool.clear()
    assert pool.stats()["idle_bytes"] == 0


def test_results_in_a_loop_stay_correct_while_buffers_are_recycled():
    x = np.random.default_rng(0).standard_normal(N)
    hx.clear_cache()
    xa = hx.asarray(x)
    kept = []
    for k in range(6):
        r = np.asarray(xa * float(k) + 1.0)
        if k % 2 == 0:
            kept.append((k, r))  # these must never be overwritten by later results
    for k, r in kept:
        np.testing.assert_array_equal(r, x * float(k) + 1.0)
    assert hx.cache_info()["pool_hits"] >= 1


def test_value_semantics_hold_for_pooled_results():
    x = np.random.default_rng(1).standard_normal(N)
    xa = hx.asarray(x)
    y = xa * 2.0
    np.asarray(y)  # y's buffer comes from the pool
    z = y + 1.0  # records on y's buffer
    y[...] = 0.0  # writing y must not change z
    np.testing.assert_array_equal(np.asarray(z), x * 2.0 + 1.0)
    assert POOL.stats()["misses"] >= 1
