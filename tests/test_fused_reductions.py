"""Reductions over lazy expressions computed chunk by chunk (compiler/reduce.py), against NumPy.

Exact where the reduction does not depend on order (integers, bools, min/max/any/all) and for
last-axis reductions (each row is reduced whole by NumPy's loop); float sums over all axes
within NumPy's pairwise-summation accuracy (docs/semantics.md).
"""
import tracemalloc

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.compiler import reduce as fused

N = fused.FUSE_MIN * 2 + 12_345  # several chunks and a ragged tail
KINDS = ["sum", "prod", "max", "min", "mean", "any", "all"]
DTYPES = [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.uint64, np.float32, np.float64, np.complex128]


def _data(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 5, size=shape).astype(dtype)
    x = rng.standard_normal(shape) * 0.01 + 1.0
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape) * 0.01
    return x.astype(dtype)


def _check(got, ref, kind, exact):
    got = np.asarray(got)
    ref = np.asarray(ref)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    if exact or ref.dtype.kind in "biu":
        np.testing.assert_array_equal(got, ref)
    else:
        tol = 1e-5 if ref.dtype in (np.float32, np.complex64) else 1e-12
        np.testing.assert_allclose(got, ref, rtol=tol)


def _expr(m, a, b):
    return a * b + a if a.dtype != bool else (a & b) | a


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", KINDS)
def test_all_axes_match_numpy(kind, dtype, quiet_numpy):
    a, b = _data(dtype, N, 1), _data(dtype, N, 2)
    x, y = hx.asarray(a), hx.asarray(b)
    if kind == "mean" and np.dtype(dtype) == np.bool_:
        pytest.skip("the standard's mean takes real floating-point input only; NumPy's takes bool")
    ref = getattr(np, kind)(_expr(np, a, b))
    got = getattr(hx, kind)(_expr(hx, x, y))
    _check(got, ref, kind, exact=kind in ("max", "min", "any", "all"))


@pytest.mark.parametrize("dtype", [np.int16, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_last_axis_is_numpy_bit_for_bit(kind, dtype, keepdims, quiet_numpy):
    a, b = _data(dtype, (700, 301), 3), _data(dtype, (301,), 4)
    x, y = hx.asarray(a), hx.asarray(b)
    ref = getattr(np, kind)(a * b + a, axis=-1, keepdims=keepdims)
    got = getattr(hx, kind)(x * y + x, axis=1, keepdims=keepdims)
    _check(got, ref, kind, exact=True)


def test_strided_and_transposed_inputs(quiet_numpy):
    a = _data(np.float64, (600, 400), 5)
    x = hx.asarray(a)
    _check(hx.sum(x[::2] * 2.0 + 1.0, axis=-1), np.sum(a[::2] * 2.0 + 1.0, axis=-1), "sum", exact=True)
    _check(hx.max(x.T * 2.0 - x.T), np.max(a.T * 2.0 - a.T), "max", exact=True)
    _check(hx.sum(x.T * 3.0, keepdims=True), np.sum(a.T * 3.0, keepdims=True), "sum", exact=False)


def test_sum_dtype_argument():
    a = _data(np.int8, N, 6)
    x = hx.asarray(a)
    _check(hx.sum(x * 100, dtype=hx.int8), np.sum(a * np.int8(100), dtype=np.int8), "sum", exact=True)
    _check(hx.sum(x * 3, dtype=hx.float64), np.sum(a * np.int8(3), dtype=np.float64), "sum", exact=True)


def test_nan_propagates_through_max_and_sum():
    a = np.linspace(-1, 1, N)
    a[N - 7] = np.nan
    x = hx.asarray(a)
    assert np.isnan(float(hx.max(x * 2.0)))
    assert np.isnan(float(hx.sum(x + 1.0)))
    assert float(hx.min(hx.isnan(x) * 1.0)) == 0.0


def test_warnings_come_from_the_chunks_like_numpy():
    x = hx.asarray(np.linspace(0, 1, N))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        hx.sum(hx.log(x))


def test_unsupported_axes_still_reduce_correctly():
    a = _data(np.float64, (300, 200, 3), 7)
    x = hx.asarray(a)
    for axis in (0, (0, 2), 1):
        np.testing.assert_allclose(np.asarray(hx.sum(x * 2.0, axis=axis)), np.sum(a * 2.0, axis=axis))


def test_fused_sum_never_holds_the_expression():
    n = 4_000_000
    a, b, c = (np.random.default_rng(k).random(n) for k in range(3))
    x, y, z = hx.asarray(a), hx.asarray(b), hx.asarray(c)
    tracemalloc.start()
    tracemalloc.reset_peak()
    got = hx.sum(x * y + z)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < a.nbytes / 4, f"peak {peak} bytes: a full-size temporary was allocated"
    np.testing.assert_allclose(float(got), np.sum(a * b + c), rtol=1e-12)
