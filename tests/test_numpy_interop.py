"""NumPy functions and operators applied to our arrays."""
import numpy as np
import pytest

import hologram_array as hx


def test_numpy_ufunc_on_array_records_lazily():
    x = np.linspace(0, 1, 10)
    a = hx.asarray(x)
    e = np.sin(a) * 2
    assert isinstance(e, hx.Array) and e.is_lazy
    np.testing.assert_array_equal(np.asarray(e), np.sin(x) * 2)


def test_ndarray_on_the_left_gives_our_array():
    x = np.arange(5.0)
    a = hx.asarray(x)
    for e, ref in ((x + a, x + x), (x * a, x * x), (x < a + 1, x < x + 1), (x ** a, x ** x)):
        assert isinstance(e, hx.Array)
        np.testing.assert_array_equal(np.asarray(e), ref)


def test_ufunc_methods_fall_back_to_numpy():
    x = np.arange(1.0, 7.0)
    a = hx.asarray(x)
    r = np.add.reduce(a * 2)
    assert isinstance(r, hx.Array) and float(r) == float(np.add.reduce(x * 2))
    np.testing.assert_array_equal(np.asarray(np.multiply.outer(a, a)), np.multiply.outer(x, x))
    np.testing.assert_array_equal(np.asarray(np.add.accumulate(a)), np.add.accumulate(x))


def test_ufunc_out_argument_protects_readers():
    a = hx.asarray(np.arange(4.0))
    b = a * 10            # lazy reader of a
    np.add(a, 1, out=a)   # writes a in place
    np.testing.assert_array_equal(np.asarray(a), np.arange(4.0) + 1)
    np.testing.assert_array_equal(np.asarray(b), np.arange(4.0) * 10)


def test_ufunc_with_unrecorded_keywords():
    x = np.array([1.0, -2.0, 3.0])
    a = hx.asarray(x)
    r = np.add(a, 1, dtype=np.float32)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(r), np.add(x, 1, dtype=np.float32))
    with pytest.raises(TypeError):
        np.bitwise_and(a, 1)
