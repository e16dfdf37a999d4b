"""The plan cache (compiler/materialize.prepare): a DAG seen before skips linearize and
canonicalization; only its buffers are bound. A wrong hit would give a wrong answer, so these
tests build DAGs that look alike and differ only in what the fingerprint must tell apart."""
import numpy as np
import pytest

import hologram_array as hx
from hologram_array.compiler.cache import CACHE
from hologram_array.compiler.materialize import prepare


@pytest.fixture(autouse=True)
def _fresh():
    CACHE.clear()
    yield


def _arrays(*seeds, n=50, dtype=np.float64):
    return [np.random.default_rng(s).standard_normal(n).astype(dtype) for s in seeds]


def test_repeat_hits_and_binds_new_buffers():
    a, b, c, d = _arrays(1, 2, 3, 4)
    first = np.asarray(hx.asarray(a) * 2.0 - hx.asarray(b))
    assert len(CACHE.plans) == 1
    second = np.asarray(hx.asarray(c) * 2.0 - hx.asarray(d))
    assert len(CACHE.plans) == 1  # same fingerprint: a hit
    np.testing.assert_array_equal(first, a * 2.0 - b)
    np.testing.assert_array_equal(second, c * 2.0 - d)


def test_operand_order_of_a_non_commutative_op():
    a, b = _arrays(5, 6)
    x, y = hx.asarray(a), hx.asarray(b)
    np.testing.assert_array_equal(np.asarray(x - y), a - b)
    np.testing.assert_array_equal(np.asarray(y - x), b - a)
    np.testing.assert_array_equal(np.asarray((x - y) + (y - x)), (a - b) + (b - a))
    np.testing.assert_array_equal(np.asarray((x - y) + (x - y)), (a - b) + (a - b))


def test_same_buffer_twice_vs_two_buffers():
    a, b = _arrays(7, 8)
    x, y = hx.asarray(a), hx.asarray(b)
    np.testing.assert_array_equal(np.asarray(x * x + 1.0), a * a + 1.0)
    np.testing.assert_array_equal(np.asarray(x * y + 1.0), a * b + 1.0)
    np.testing.assert_array_equal(np.asarray(y * y + 1.0), b * b + 1.0)


@pytest.mark.parametrize("k", [0.0, -0.0, 1.0, 1, True, 2.5, float("nan"), float("inf")])
def test_scalar_values_and_types_are_part_of_the_plan(k):
    (a,) = _arrays(9)
    x = hx.asarray(a)
    with np.errstate(all="ignore"):
        for _ in range(2):  # second time from the plan cache
            got = np.asarray(x * k + k)
            np.testing.assert_array_equal(got, a * k + k)
            assert got.dtype == (a * k + k).dtype


def test_dtype_and_shape_are_part_of_the_plan():
    (a,) = _arrays(10)
    for dt in (np.float32, np.int16, np.float64):
        for shape in ((50,), (5, 10)):
            v = a.astype(dt).reshape(shape)
            np.testing.assert_array_equal(np.asarray(hx.asarray(v) * 3 + 1), v * 3 + 1)


def test_broadcast_pattern_is_part_of_the_plan():
    a = np.arange(12.0).reshape(3, 4)
    for other in (np.arange(4.0), np.arange(3.0).reshape(3, 1), np.arange(12.0).reshape(3, 4)):
        np.testing.assert_array_equal(np.asarray(hx.asarray(a) - hx.asarray(other)), a - other)


def test_materialized_subexpression_is_read_not_recomputed():
    (a,) = _arrays(11)
    x = hx.asarray(a)
    t = hx.exp(x) * 2.0
    np.asarray(t)  # t now holds its buffer
    p = prepare([(t + 1.0)._node])
    assert [i.op for i in p.circuit.instrs] == ["add"]
    np.testing.assert_array_equal(np.asarray(t + 1.0), np.exp(a) * 2.0 + 1.0)


def test_zero_d_arrays_are_scalars_in_the_plan():
    (a,) = _arrays(12)
    x = hx.asarray(a)
    for v in (2.0, 3.0):
        s = hx.asarray(np.float32(v))
        np.testing.assert_array_equal(np.asarray(x * s), a * np.float32(v))


def test_a_folded_constant_still_warns_every_time():
    (a,) = _arrays(13)
    x = hx.asarray(a)
    zero = hx.asarray(np.float64(0.0))
    for _ in range(2):
        with pytest.warns(RuntimeWarning, match="divide by zero"):
            np.asarray(x + (1.0 / zero))


def test_single_input_chain_found_by_its_recorded_key(monkeypatch):
    """A chain over one buffer and Python scalars carries its key from recording (Op.chain): the
    second materialization finds the plan without the fingerprint walk, binds the new buffer,
    and every distinction the walk makes is kept -- 0.0 vs -0.0, 1 vs 1.0 vs True, operand
    order, op, dtype, shape, a NaN object."""
    from hologram_array.compiler import materialize

    a, b = _arrays(11, 12)
    chain = lambda m, x: ((x * 3.0 + 1) ** 2 - 0.5) / 7  # noqa: E731
    first = np.asarray(chain(hx, hx.asarray(a)))
    walks = []
    real = materialize.fingerprint
    monkeypatch.setattr(materialize, "fingerprint", lambda *args: walks.append(1) or real(*args))
    second = np.asarray(chain(hx, hx.asarray(b)))
    assert walks == []  # found by the recorded key
    np.testing.assert_array_equal(first, chain(np, a))
    np.testing.assert_array_equal(second, chain(np, b))
    cases = [
        (lambda m, x: x * 0.0, lambda m, x: x * -0.0),
        (lambda m, x: x + 1, lambda m, x: x + 1.0),
        (lambda m, x: x + True, lambda m, x: x + 1),
        (lambda m, x: x - 3.0, lambda m, x: 3.0 - x),
        (lambda m, x: m.minimum(x, 2), lambda m, x: m.maximum(x, 2)),
        (lambda m, x: x + np.nan, lambda m, x: x + float("nan")),
    ]
    for ints in (np.arange(-5, 45, dtype=np.int16), np.arange(50, dtype=np.float32) - 25):
        for f, g in cases:
            for fn in (f, g, f, g):  # alternate: a wrong hit would answer the other one
                got = np.asarray(fn(hx, hx.asarray(ints)))
                ref = fn(np, ints)
                assert got.dtype == ref.dtype
                np.testing.assert_array_equal(got, ref)
                assert np.array_equal(np.signbit(got), np.signbit(ref))
    c = np.arange(12.0).reshape(3, 4)
    for arr in (c, c.T, c[0], c.astype(np.float32)):  # shape and dtype are in the key
        np.testing.assert_array_equal(np.asarray(hx.asarray(arr) * 2.0 + 1), arr * 2.0 + 1)


def test_chain_with_a_materialized_step_and_a_written_input():
    a = np.arange(50.0)
    x = hx.asarray(a)
    for _ in range(2):
        y = x * 2.0
        z = (y + 1) * 3.0
        np.asarray(y)  # a step materialized on its own: z may read it or recompute it
        np.testing.assert_array_equal(np.asarray(z), (a * 2.0 + 1) * 3.0)
    w = (x + 1) * 2.0
    expected = (a + 1) * 2.0
    x[:] = -1.0  # the input (and a: x is a view of it) written after recording: w keeps the values it was recorded on
    np.testing.assert_array_equal(np.asarray(w), expected)
    np.testing.assert_array_equal(np.asarray((x + 1) * 2.0), np.zeros(50))


def test_expressions_over_one_buffer_use_tree_keys(monkeypatch):
    """Several operands reading the same one buffer (``tanh(a) * exp(-a * a)``) get a tree key
    (nodes._tree_key): found without the walk; trees that differ anywhere -- op, operand order,
    which operand is the scalar, shared vs repeated subtrees computing the same values -- give
    the right answers in any order."""
    from hologram_array.compiler import materialize

    a, b = _arrays(21, 22)
    f = lambda m, x: m.tanh(m.maximum(x * 1.5 + 0.25, 0)) * m.exp(-x * x) + m.sqrt(m.abs(x)) - 0.5  # noqa: E731
    np.testing.assert_allclose(np.asarray(f(hx, hx.asarray(a))), f(np, a), rtol=1e-12)
    walks = []
    real = materialize.fingerprint
    monkeypatch.setattr(materialize, "fingerprint", lambda *args: walks.append(1) or real(*args))
    np.testing.assert_allclose(np.asarray(f(hx, hx.asarray(b))), f(np, b), rtol=1e-12)
    assert walks == []
    shared = lambda m, x: (lambda t: t * t - t)(x * 2.0)  # noqa: E731
    cases = [
        lambda m, x: x * x + x, lambda m, x: (x + x) * x, lambda m, x: x - x * 3.0,
        lambda m, x: x * 3.0 - x, lambda m, x: (x * 2.0) * (x * 2.0) - x * 2.0, shared,
        lambda m, x: m.maximum(x, x * 0.5), lambda m, x: m.minimum(x, x * 0.5),
        lambda m, x: m.where(x > 0.0, x, -x), lambda m, x: m.where(x > 0.0, -x, x),
    ]
    for x in (a, b, a.astype(np.float32), np.arange(-20, 30, dtype=np.int32)):
        for fn in cases + cases[::-1]:
            got = np.asarray(fn(hx, hx.asarray(x)))
            ref = fn(np, x)
            assert got.dtype == ref.dtype
            np.testing.assert_array_equal(got, ref)


def test_two_buffers_and_huge_trees_take_the_walk():
    from hologram_array.expr.nodes import _TREE_KEY_MAX

    a, b = _arrays(23, 24)
    x, y = hx.asarray(a), hx.asarray(b)
    assert (x * y)._node.chain is None  # two buffers: the fingerprint tells them apart
    assert (x * x)._node.chain is not None
    old = hx.config(max_nodes=1 << 20)  # no flush on the way
    try:
        t = x
        for _ in range(12):  # 2^13 counted nodes: no tree key, a plain walk instead
            t = t * t + 1.0
    finally:
        hx.config(**old)
    assert t._node.count > _TREE_KEY_MAX and t._node.chain is None
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(np.asarray(t), _square_plus_one(a, 12))


def _square_plus_one(a, k):
    for _ in range(k):
        a = a * a + 1.0
    return a
