"""The non-element-wise namespace (part 2): set, sorting, statistical and utility functions,
compared against NumPy (values, dtype, shape), plus the standard's special cases.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import hologram_array as hx
from _namespace_helpers import arr, lazy, rng_array, same

# ---- sets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [np.int8, np.uint32, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (0,)])
def test_unique_functions_match_numpy(dt, shape):
    x = rng_array(shape, dt) // 2 if np.dtype(dt).kind in "iu" else rng_array(shape, dt)
    if np.dtype(dt).kind == "f" and x.size:
        x.flat[::2] = x.flat[0]
    a = lazy(x)
    ua, ea = hx.unique_all(a), np.unique_all(x)
    assert type(ua).__name__ == "UniqueAllResult"
    assert ua._fields == ("values", "indices", "inverse_indices", "counts")
    for f in ua._fields:
        same(getattr(ua, f), getattr(ea, f))
    uc, ec = hx.unique_counts(a), np.unique_counts(x)
    assert uc._fields == ("values", "counts")
    same(uc.values, ec.values)
    same(uc.counts, ec.counts)
    ui, ei = hx.unique_inverse(a), np.unique_inverse(x)
    assert ui._fields == ("values", "inverse_indices")
    same(ui.values, ei.values)
    same(ui.inverse_indices, ei.inverse_indices)
    assert ui.inverse_indices.shape == x.shape
    # the standard leaves unique_values' order unspecified: NumPy 2.5 hashes (unsorted), CuPy
    # and NumPy 2.4 sort -- compare as sorted
    uv = hx.unique_values(a)
    assert isinstance(uv, hx.Array) and uv.dtype == np.unique_values(x).dtype
    np.testing.assert_array_equal(np.sort(np.asarray(uv)), np.sort(np.unique_values(x)))


def test_unique_nans_are_distinct_and_signed_zeros_are_not():
    x = arr([np.nan, 1.0, np.nan, -0.0, 0.0, 1.0])
    vals = np.asarray(hx.unique_values(x))
    assert vals.shape == (4,)
    assert np.isnan(vals).sum() == 2
    r = hx.unique_all(x)
    v, c = np.asarray(r.values), np.asarray(r.counts)
    assert list(c[np.isnan(v)]) == [1, 1]
    assert c[v == 0].tolist() == [2] and c[v == 1].tolist() == [2]
    assert sorted(np.asarray(r.indices)[np.isnan(v)].tolist()) == [0, 2]
    inv = np.asarray(hx.unique_inverse(x).inverse_indices)
    rebuilt = np.asarray(hx.unique_inverse(x).values)[inv]
    np.testing.assert_array_equal(rebuilt, np.asarray(x))  # NaN == NaN for assert_array_equal
    z = arr([complex(np.nan, 0), complex(np.nan, 0), 1 + 1j])
    assert hx.unique_values(z).shape == (3,)


def test_unique_values_of_0d_is_1d():
    assert hx.unique_values(arr(np.float32(3))).shape == (1,)


@pytest.mark.parametrize("invert", [False, True])
def test_isin(invert):
    x1, x2 = rng_array((3, 4), np.int32), np.array([1, 2, 3, -4, 40])
    same(hx.isin(lazy(x1), arr(x2), invert=invert), np.isin(x1, x2, invert=invert))
    same(hx.isin(3, arr(x2), invert=invert), np.asarray(np.isin(3, x2, invert=invert)))
    same(hx.isin(arr(x1), 2, invert=invert), np.isin(x1, 2, invert=invert))
    same(hx.isin(arr([np.nan, 1.0]), arr([np.nan])), np.array([False, False]))
    with pytest.raises(TypeError):
        hx.isin(1, 2)


# ---- sorting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [np.int16, np.uint8, np.float32, np.float64, np.bool_])
@pytest.mark.parametrize("axis", [0, -1])
def test_sort_argsort_ascending(dt, axis):
    x = rng_array((6, 5), dt) // 10 if np.dtype(dt).kind in "iu" else rng_array((6, 5), dt)
    same(hx.sort(lazy(x), axis=axis), np.sort(x, axis=axis, stable=True))
    same(hx.argsort(arr(x), axis=axis), np.argsort(x, axis=axis, stable=True))
    same(hx.sort(arr(x), axis=axis, stable=False), np.sort(x, axis=axis))
    unstable = np.asarray(hx.argsort(arr(x), axis=axis, stable=False))
    np.testing.assert_array_equal(np.take_along_axis(x, unstable, axis=axis), np.sort(x, axis=axis))


def _stable_descending_argsort(x, axis):
    """Reference: indices of a stable descending sort (ties keep increasing original index)."""
    x = np.moveaxis(x, axis, -1)
    out = np.empty(x.shape, dtype=np.int64)
    for idx in np.ndindex(x.shape[:-1]):
        row = x[idx]
        keys = sorted(range(len(row)), key=lambda i: (-row[i].item(), i))
        out[idx] = keys
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("dt", [np.int16, np.uint8, np.float32, np.bool_])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_sort_argsort_descending_is_stable(dt, axis):
    x = (rng_array((4, 7), dt) // 20) if np.dtype(dt).kind in "iu" else rng_array((4, 7), dt)
    if np.dtype(dt).kind == "f":
        x = np.round(x)  # many ties
    idx = hx.argsort(arr(x), axis=axis, descending=True)
    ref = _stable_descending_argsort(x, axis)
    same(idx, ref)
    same(hx.sort(lazy(x), axis=axis, descending=True), np.take_along_axis(x, ref, axis=axis))


def test_sort_descending_keeps_signed_zero_order():
    x = np.array([0.0, -0.0, 1.0, -0.0, 0.0])
    got = hx.sort(arr(x), descending=True)._materialize()
    assert got[0] == 1.0
    assert np.signbit(got[1:]).tolist() == [False, True, True, False]  # original order of the zeros
    assert hx.argsort(arr(x), descending=True)._materialize().tolist() == [2, 0, 1, 3, 4]


def test_sort_nan_placement():
    x = arr([np.nan, 1.0, 3.0, np.nan, 2.0])
    assert np.isnan(hx.sort(x)._materialize()[-2:]).all()  # ascending: NaNs last (NumPy)
    d = hx.sort(x, descending=True)._materialize()
    assert np.isnan(d[:2]).all() and d[2:].tolist() == [3.0, 2.0, 1.0]  # descending: NaNs first
    assert hx.argsort(x, descending=True)._materialize().tolist() == [0, 3, 2, 4, 1]


def test_sort_errors():
    with pytest.raises(IndexError):
        hx.sort(arr([1, 2]), axis=1)
    with pytest.raises(IndexError):
        hx.argsort(arr([1, 2]), axis=-2, descending=True)


# ---- statistics -----------------------------------------------------------------------------

AXES = [None, 0, -1, (0, 2), ()]


@pytest.mark.parametrize("name", ["sum", "prod"])
@pytest.mark.parametrize("dt", [np.int8, np.uint16, np.int64, np.float32, np.complex64, np.bool_])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_prod(name, dt, axis, keepdims):
    x = rng_array((2, 3, 4), dt) % 3 if np.dtype(dt).kind in "iu" else rng_array((2, 3, 4), dt)
    f, g = getattr(hx, name), getattr(np, name)
    same(f(lazy(x), axis=axis, keepdims=keepdims), np.asarray(g(x, axis=axis, keepdims=keepdims)),
         exact=np.dtype(dt).kind in "biu", rtol=1e-5)


def test_sum_prod_dtype_argument_and_empty():
    x = rng_array((3, 4), np.int8)
    same(hx.sum(arr(x), dtype=hx.int8), np.asarray(np.sum(x, dtype=np.int8)))
    same(hx.sum(arr(x), axis=1, dtype=hx.float32), np.sum(x, axis=1, dtype=np.float32))
    same(hx.prod(arr(x), axis=0, dtype=hx.int16), np.prod(x, axis=0, dtype=np.int16))
    assert hx.sum(arr(np.ones(3, np.uint8))).dtype == np.uint64
    assert hx.sum(arr(np.ones(3, np.int32))).dtype == np.int64
    assert hx.sum(arr(np.ones(3, np.float32))).dtype == np.float32
    same(hx.sum(arr(np.zeros((0,), np.float32))), np.asarray(np.float32(0)))
    same(hx.prod(arr(np.zeros((0,), np.int32))), np.asarray(np.int64(1)))


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("dt", [np.int8, np.uint64, np.float64, np.bool_])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_min(name, dt, axis, keepdims):
    x = rng_array((2, 3, 4), dt)
    same(getattr(hx, name)(lazy(x), axis=axis, keepdims=keepdims),
         np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims)))


def test_max_min_nan_and_empty():
    x = arr([1.0, np.nan, 3.0])
    assert np.isnan(hx.max(x)._materialize()) and np.isnan(hx.min(x)._materialize())
    with pytest.raises(ValueError):
        hx.max(arr(np.zeros((0,))))
    with pytest.raises(ValueError):
        hx.min(arr(np.zeros((2, 0))), axis=1)
    same(hx.max(arr(np.zeros((2, 0))), axis=0), np.zeros((0,)))


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64, np.int32])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_mean(dt, axis, keepdims):
    x = rng_array((2, 3, 4), dt)
    same(hx.mean(lazy(x), axis=axis, keepdims=keepdims), np.asarray(np.mean(x, axis=axis, keepdims=keepdims)),
         exact=False, rtol=1e-5)


def test_mean_empty_is_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = hx.mean(arr(np.zeros((0,), np.float32)))
    assert r.dtype == np.float32 and np.isnan(r._materialize())


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("axis", [None, 1, (0, 2)])
@pytest.mark.parametrize("correction", [0, 1, 1.5])
@pytest.mark.parametrize("keepdims", [False, True])
def test_var_std(name, dt, axis, correction, keepdims):
    x = rng_array((2, 3, 4), dt)
    same(getattr(hx, name)(arr(x), axis=axis, correction=correction, keepdims=keepdims),
         np.asarray(getattr(np, name)(x, axis=axis, ddof=correction, keepdims=keepdims)), exact=False, rtol=1e-5)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_nan_when_correction_too_large(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = getattr(hx, name)(arr([1.0, 2.0, 3.0]), correction=3)  # NumPy gives inf here
        r2 = getattr(hx, name)(arr(np.ones((2, 2), np.float32)), axis=0, correction=5)
    assert r.dtype == np.float64 and r.shape == () and np.isnan(r._materialize())
    assert r2.dtype == np.float32 and r2.shape == (2,) and np.isnan(r2._materialize()).all()


@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
@pytest.mark.parametrize("dt", [np.int8, np.uint32, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize("include_initial", [False, True])
def test_cumulative(name, dt, include_initial):
    x = rng_array((3, 4), dt) % 3 if np.dtype(dt).kind in "iu" else rng_array((3, 4), dt)
    f, g = getattr(hx, name), getattr(np, name)
    for axis in (0, 1, -1):
        same(f(lazy(x), axis=axis, include_initial=include_initial),
             g(x, axis=axis, include_initial=include_initial), exact=np.dtype(dt).kind in "biu", rtol=1e-5)
    same(f(arr(x[0]), include_initial=include_initial), g(x[0], include_initial=include_initial),
         exact=np.dtype(dt).kind in "biu", rtol=1e-5)
    if dt is not np.complex128:
        same(f(arr(x[0]), dtype=hx.float64), g(x[0], dtype=np.float64), exact=False)
    with pytest.raises(ValueError):
        f(arr(x))  # axis is required for ndim > 1


def test_cumulative_dtypes():
    assert hx.cumulative_sum(arr(np.ones(3, np.int16))).dtype == np.int64
    assert hx.cumulative_sum(arr(np.ones(3, np.uint8))).dtype == np.uint64
    assert hx.cumulative_prod(arr(np.ones(3, np.float32))).dtype == np.float32
    assert hx.cumulative_sum(arr(np.ones(0, np.float32)), include_initial=True).shape == (1,)


# ---- utilities ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("dt", [np.bool_, np.int32, np.float64, np.complex64])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_all_any(name, dt, axis, keepdims):
    x = rng_array((2, 3, 4), dt)
    if np.dtype(dt).kind != "b":
        x = x * (rng_array((2, 3, 4), np.bool_, seed=3) | (rng_array((2, 3, 4), np.bool_, seed=4)))
    same(getattr(hx, name)(lazy(x), axis=axis, keepdims=keepdims),
         np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims)))


def test_all_any_empty():
    same(hx.all(arr(np.zeros((0,)))), np.asarray(True))
    same(hx.any(arr(np.zeros((0,)))), np.asarray(False))


@pytest.mark.parametrize("dt", [np.int32, np.uint8, np.float32, np.bool_])
@pytest.mark.parametrize("n,axis", [(1, -1), (2, 0), (0, 1), (3, 1)])
def test_diff(dt, n, axis):
    x = rng_array((4, 5), dt)
    same(hx.diff(lazy(x), n=n, axis=axis), np.diff(x, n=n, axis=axis))


def test_diff_prepend_append_and_errors():
    x = rng_array((3, 4), np.float64)
    p, a = rng_array((3, 1), np.float64, seed=5), rng_array((3, 2), np.float32, seed=6)
    same(hx.diff(arr(x), prepend=arr(p), append=arr(a)), np.diff(x, prepend=p, append=a))
    same(hx.diff(arr(x), axis=0, prepend=arr(x[:1])), np.diff(x, axis=0, prepend=x[:1]))
    with pytest.raises(ValueError):
        hx.diff(arr(x), n=-1)
    with pytest.raises(ValueError):
        hx.diff(arr(x), prepend=arr(np.ones((2, 1))))
    same(hx.diff(arr(x), prepend=1.0, append=0), np.diff(x, prepend=1.0, append=0))  # scalars: NumPy's extra
    # lists: NumPy's drop-in (docs/numpy_compat.md)
    same(hx.diff(arr(x), prepend=[[1.0]] * 3), np.diff(x, prepend=[[1.0]] * 3))
