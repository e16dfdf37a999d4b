"""Laziness must never be observable: in-place writes see NumPy's eager values.

Each test runs the same script against NumPy and hologram_array and compares
every array the script keeps.
"""
import numpy as np
import pytest

import hologram_array as hx


def both(script):
    """Run ``script(xp, asarray)`` for NumPy and for hx; return both result dicts."""
    ref = script(np, np.asarray)
    got = script(hx, hx.asarray)
    return ref, got


def assert_same(ref, got):
    assert ref.keys() == got.keys()
    for k in ref:
        r, g = np.asarray(ref[k]), np.asarray(got[k])
        assert r.dtype == g.dtype, k
        np.testing.assert_array_equal(g, r, err_msg=k)


def test_issue_example():
    def script(xp, asarray):
        a = asarray(np.arange(6.0))
        b = a * 2
        a += 1
        a[0] = 9
        v = a[1:]
        v[:] = 0
        return {"a": a, "b": b}

    assert_same(*both(script))


def test_write_through_view_protects_reader_of_base():
    def script(xp, asarray):
        a = asarray(np.arange(10, dtype=np.int32))
        v = a[2:5]
        c = a + 1          # reads a's memory
        d = v * 3          # reads the view
        v[...] = -1        # write through the view
        e = a - 1
        return {"a": a, "c": c, "d": d, "e": e}

    ref, got = both(script)
    assert_same(ref, got)


def test_chain_of_lazy_readers():
    def script(xp, asarray):
        a = asarray(np.linspace(0, 1, 7))
        b = a * 2
        c = b + 1
        d = xp.sin(c) * b
        a *= 10
        return {"a": a, "b": b, "c": c, "d": d}

    assert_same(*both(script))


def test_write_into_materialized_intermediate():
    # b is materialized and memoized; c shares b's node. Writing b must not change c.
    def script(xp, asarray):
        a = asarray(np.arange(5.0))
        b = a * 2
        c = b + 1
        _ = float(b[0]) if xp is np else b.materialize()
        b[1] = 100.0
        return {"a": a, "b": b, "c": c}

    assert_same(*both(script))


def test_inplace_ops_on_lazy_array_rebind():
    def script(xp, asarray):
        a = asarray(np.arange(4, dtype=np.int64))
        b = a * 3          # lazy
        keep = b + 0
        b += 1             # lazy in-place
        b *= 2
        return {"a": a, "b": b, "keep": keep}

    assert_same(*both(script))


def test_inplace_overlapping_views():
    def script(xp, asarray):
        a = asarray(np.arange(10.0))
        a[1:] += a[:-1]
        b = asarray(np.arange(10.0))
        b[:-1] -= b[1:] * 2
        return {"a": a, "b": b}

    assert_same(*both(script))


def test_setitem_with_lazy_value_reading_target():
    def script(xp, asarray):
        a = asarray(np.arange(8.0))
        a[::2] = a[1::2] * 10
        return {"a": a}

    assert_same(*both(script))


def test_inplace_casting_errors_match_numpy():
    for xp, asarray in ((np, np.asarray), (hx, hx.asarray)):
        a = asarray(np.arange(3, dtype=np.int64))
        with pytest.raises(TypeError):
            a += 1.5
    a = hx.asarray(np.arange(3))
    with pytest.raises(ValueError):
        a += hx.asarray(np.ones((2, 3), dtype=np.int64))


def test_inplace_keeps_buffer_identity():
    base = np.arange(6.0)
    a = hx.asarray(base)
    v = a[::2]
    a += 1
    np.testing.assert_array_equal(np.asarray(v), base[::2])
    assert np.asarray(a) is base or np.shares_memory(np.asarray(a), base)
    np.testing.assert_array_equal(base, np.arange(6.0) + 1)


def test_unreferenced_expression_is_not_computed_on_write():
    a = hx.asarray(np.arange(4.0))
    b = a * 2
    assert b.is_lazy
    a[0] = 5.0
    assert not b.is_lazy   # protected: materialized before the write
    np.testing.assert_array_equal(np.asarray(b), [0.0, 2.0, 4.0, 6.0])
    c = a * 2
    del c
    a[1] = 7.0  # a dead reader costs nothing and breaks nothing


def test_transpose_of_lazy_expression_stays_lazy_and_correct():
    x = np.arange(12.0).reshape(3, 4)
    y = np.arange(4.0)
    a = hx.asarray(x)
    e = (a * 2 + hx.asarray(y)).T
    assert e.is_lazy and e.shape == (4, 3)
    np.testing.assert_array_equal(np.asarray(e), (x * 2 + y).T)
    m = (hx.asarray(np.arange(24.0).reshape(2, 3, 4)) + 1).mT
    assert m.shape == (2, 4, 3)
    np.testing.assert_array_equal(np.asarray(m), (np.arange(24.0).reshape(2, 3, 4) + 1).swapaxes(-1, -2))


@pytest.mark.parametrize("write", [
    lambda xp, a: xp.copyto(a, 5.0),
    lambda xp, a: np.copyto(a, 5.0),                 # NumPy's own function (NEP 18 dispatch)
    lambda xp, a: np.cumsum(a, out=a),
    lambda xp, a: np.put(a, [0, 3], [9.0, -1.0]),
    lambda xp, a: np.putmask(a, np.asarray(a) > 2, 0.0),
    lambda xp, a: np.place(a, np.asarray(a) > 2, [7.0]),
], ids=["hx.copyto", "np.copyto", "np.cumsum-out", "np.put", "np.putmask", "np.place"])
def test_numpy_functions_writing_into_an_array_protect_its_readers(write):
    def script(xp, asarray):
        a = asarray(np.arange(6.0))
        b = a * 2
        c = xp.sin(a) + a
        write(xp, a)
        return {"a": a, "b": b, "c": c}

    old = hx.config(eager_below=0)  # record lazily: the readers must be lazy to be at risk
    try:
        assert_same(*both(script))
    finally:
        hx.config(**old)


def test_a_numpy_function_outside_the_namespace_protects_its_out_argument(monkeypatch):
    # every NumPy function with out= has a namespace version today; one without (a NumPy
    # newer than the namespace) takes the generic NEP 18 path, which must protect out= too
    from hologram_array.numpy_compat import dispatch

    monkeypatch.delitem(dispatch.TABLE, np.cumsum)
    old = hx.config(eager_below=0)
    try:
        a = hx.asarray(np.arange(6.0))
        b = a * 2
        r = np.cumsum(a, out=a)
        assert r is a
        np.testing.assert_array_equal(np.asarray(b), np.arange(6.0) * 2)
        np.testing.assert_array_equal(np.asarray(a), np.cumsum(np.arange(6.0)))
    finally:
        hx.config(**old)
