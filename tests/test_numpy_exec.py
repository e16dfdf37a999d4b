"""The blocked NumPy executor: every iteration path, tails, threads, multi-output, memory."""
import tracemalloc

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.backends import numpy_exec
from hologram_array.compiler.cache import CACHE
from hologram_array.compiler.materialize import prepare

B = numpy_exec.block_elements([np.float64])  # the float64 chains below


def chain(xp, a, b):
    return xp.maximum(xp.sqrt(xp.abs(a * 1.5 - b)), 0.25) * a + xp.minimum(b, 2) - 1


@pytest.mark.parametrize("n", [1, 7, B - 1, B, B + 1, 3 * B + 5, 2 * numpy_exec.THREAD_MIN + 123])
def test_flat_path_all_sizes_and_tails(n):
    rng = np.random.default_rng(n)
    x, y = rng.standard_normal(n), rng.standard_normal(n)
    got = np.asarray(chain(hx, hx.asarray(x), hx.asarray(y)))
    np.testing.assert_array_equal(got, chain(np, x, y))


@pytest.mark.parametrize("shape_a, shape_b", [
    ((300, 200), (200,)),           # broadcast row: nditer path
    ((300, 1), (1, 700)),           # outer broadcast
    ((5, 40_000), (5, 1)),
    ((2, 3, 30_000), (3, 1)),
])
def test_broadcast_paths(shape_a, shape_b):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    got = np.asarray(chain(hx, hx.asarray(x), hx.asarray(y)))
    np.testing.assert_array_equal(got, chain(np, x, y))


def test_strided_and_fortran_inputs_over_many_blocks():
    base = np.random.default_rng(2).standard_normal((700, 900))
    for x in (base[::2, ::3], base.T, np.asfortranarray(base)):
        y = np.ascontiguousarray(x) * 0.5
        got = np.asarray(chain(hx, hx.asarray(x), hx.asarray(y)))
        np.testing.assert_array_equal(got, chain(np, x, y))


def test_zero_d_and_empty():
    z = hx.asarray(np.float64(3.0))
    assert np.asarray(z * 2 + 1).shape == ()
    assert float(z * 2 + 1) == 7.0
    for shape in [(0,), (3, 0), (0, 5)]:
        e = hx.asarray(np.ones(shape)) * 2 + 1
        r = np.asarray(e)
        assert r.shape == shape and r.dtype == np.float64


def test_multi_output_circuit_shares_work():
    x = np.random.default_rng(3).standard_normal(3 * B + 11)
    a = hx.asarray(x)
    s = hx.sin(a * 2)
    p, q, r = s + 1, s * s, hx.where(s > 0, s, -s)
    c = prepare([p._node, q._node, r._node]).circuit
    assert [i.op for i in c.instrs].count("sin") == 1 and len(c.outputs) == 3
    hx.materialize(p, q, r)
    sx = np.sin(x * 2)
    np.testing.assert_array_equal(np.asarray(p), sx + 1)
    np.testing.assert_array_equal(np.asarray(q), sx * sx)
    np.testing.assert_array_equal(np.asarray(r), np.where(sx > 0, sx, -sx))


def test_output_that_is_an_input_or_a_scalar():
    a = hx.asarray(np.arange(5.0))
    np.testing.assert_array_equal(np.asarray(a * 1), np.arange(5.0))   # identity: a copy
    assert not np.shares_memory(np.asarray(a * 1), np.asarray(a))
    s = hx.asarray(np.float64(2.0))
    e = hx.asarray(np.zeros(4)) * 0 + (s + 1)
    np.testing.assert_array_equal(np.asarray(e), np.full(4, 3.0))


def test_scratch_registers_are_reused():
    a = hx.asarray(np.ones(10))
    e = a
    for k in range(30):
        e = e * 1.01 + k
    plan = numpy_exec.Plan(prepare([e._node]).circuit)
    assert len(plan.slot_dtypes) <= 2


def test_blocked_memory_is_o_block():
    n = 2_000_000
    x = np.random.default_rng(4).random(n)
    a = hx.asarray(x)
    e = a
    for k in range(20):
        e = e * 0.5 + k
    tracemalloc.start()
    r = np.asarray(e)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the output (16 MB) plus O(block) scratch per thread -- not 20 temporaries
    assert peak < r.nbytes + 4 * 1024 * 1024, peak


def test_errstate_reaches_worker_threads():
    n = 2 * numpy_exec.THREAD_MIN + 1
    a = hx.asarray(np.zeros(n))
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            np.asarray(1.0 / a)
    with np.errstate(divide="ignore"):
        assert np.isinf(np.asarray(1.0 / a)).all()


def test_value_dependent_errors_raise_at_materialization():
    a = hx.asarray(np.array([1, 2, -1], dtype=np.int64))
    e = a ** a   # NumPy: ValueError (negative integer power)
    with pytest.raises(ValueError):
        np.asarray(e)


def test_cache_entry_reused_across_sizes():
    CACHE.clear()
    for n in (10, 100_000, 7):
        np.asarray(hx.asarray(np.ones(n)) * 3 - 2)
    assert hx.cache_info()["circuits"] == 1


@pytest.mark.parametrize("dtype", [np.uint8, np.int8])
def test_byte_table_path_large_and_strided(dtype):
    base = np.random.default_rng(5).integers(0, 256, (600, 700)).astype(np.uint8).view(dtype)
    old = hx.config(classmap="always")
    try:
        for x in (base, base[::2, 1::3], base.T):
            a = hx.asarray(x)
            exprs = [((a * 3) ^ 0x55) >> 1, (a > 7) & (a < 100), hx.astype(a * 2 + 1, hx.int8)]
            refs = [((x * 3) ^ 0x55) >> 1, (x > 7) & (x < 100), (x * 2 + 1).astype(np.int8)]
            for e, r in zip(exprs, refs):
                assert "class map: yes" in hx.explain(e)
                got = np.asarray(e)
                assert got.dtype == r.dtype
                np.testing.assert_array_equal(got, r)
    finally:
        hx.config(**old)


def test_threads_carry_the_errstate_callback():
    n = 4 * numpy_exec.THREAD_MIN
    x = hx.asarray(np.linspace(-1, 1, n))
    seen = []
    with np.errstate(all="call", call=lambda kind, flag: seen.append(kind)):
        np.asarray(hx.sqrt(x) * 2.0)  # negative half: invalid, in every thread's share
    assert seen and all(kind.startswith("invalid") for kind in seen)
