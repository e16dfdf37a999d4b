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


# ---- var/std and argmax/argmin (compiler/reduce.py: per-chunk moments / first extremes) ----

M = 3 * fused.CHUNK + 17  # crosses three chunk boundaries, ragged tail
MOMENT_DTYPES = [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.uint64, np.float32, np.float64,
                 np.complex64, np.complex128]
ARG_DTYPES = [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.uint64, np.float16, np.float32,
              np.float64, np.complex128]


@pytest.fixture
def fused_calls(monkeypatch):
    """Counts the reductions that went through compiler/reduce.py (not the materializing path)."""
    calls = []
    real = fused.reduce_expr

    def spy(root, kind, *args, **kwargs):
        res = real(root, kind, *args, **kwargs)
        calls.append((kind, res is not None))
        return res

    monkeypatch.setattr(fused, "reduce_expr", spy)
    return calls


def _exact(got, ref):
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype and got.shape == ref.shape, (got.dtype, got.shape, ref.dtype, ref.shape)
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("dtype", MOMENT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["var", "std"])
@pytest.mark.parametrize("correction", [0, 1, 2.5])
def test_var_std_all_axes_match_numpy(kind, dtype, correction, fused_calls, quiet_numpy):
    a, b = _data(dtype, M, 11), _data(dtype, M, 12)
    x, y = hx.asarray(a), hx.asarray(b)
    ref = getattr(np, kind)(_expr(np, a, b), ddof=correction)
    got = getattr(hx, kind)(_expr(hx, x, y), correction=correction)
    assert fused_calls == [(kind, True)]
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype and got.shape == ref.shape == ()
    tol = 2e-6 if ref.dtype == np.float32 else 1e-13
    np.testing.assert_allclose(got, ref, rtol=tol)


@pytest.mark.parametrize("kind", ["var", "std"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_var_all_axes_large_mean_small_spread(kind, dtype):
    """Catastrophic-cancellation data (mean 1e4, spread 1e-2): per-chunk deviations are taken from
    the chunk's own mean, so the result keeps NumPy's two-pass accuracy."""
    rng = np.random.default_rng(13)
    a = (1e4 + 1e-2 * rng.standard_normal(M)).astype(dtype)
    x = hx.asarray(a)
    ref = getattr(np, kind)(a * 1.0 + 0.5, dtype=np.float64)  # float64 accumulation: the reference
    got = getattr(hx, kind)(x * 1.0 + 0.5)
    got_np = getattr(np, kind)(a * 1.0 + 0.5)  # NumPy in the input dtype
    err, err_np = abs(float(got) - float(ref)), abs(float(got_np) - float(ref))
    assert err <= max(2 * err_np, 1e-12 * float(ref)), (float(got), float(got_np), float(ref))


@pytest.mark.parametrize("dtype", [np.int16, np.uint8, np.float32, np.float64, np.complex64],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["var", "std"])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("correction", [0, 1])
def test_var_std_last_axis_is_numpy_bit_for_bit(kind, dtype, keepdims, correction, fused_calls, quiet_numpy):
    a, b = _data(dtype, (700, 301), 14), _data(dtype, (301,), 15)
    x, y = hx.asarray(a), hx.asarray(b)
    ref = getattr(np, kind)(a * b + a, axis=-1, keepdims=keepdims, ddof=correction)
    got = getattr(hx, kind)(x * y + x, axis=1, keepdims=keepdims, correction=correction)
    assert fused_calls == [(kind, True)]
    _exact(got, ref)
    # C-contiguous inputs (flat chunks of whole rows), and rows longer than a chunk
    for shape in [(3 * fused.CHUNK // 1000 + 1, 1000), (3, fused.CHUNK + 5)]:
        c = _data(dtype, shape, 16)
        z = hx.asarray(c)
        _exact(getattr(hx, kind)(z * z + z, axis=-1, keepdims=keepdims, correction=correction),
               getattr(np, kind)(c * c + c, axis=-1, keepdims=keepdims, ddof=correction))


@pytest.mark.parametrize("keepdims", [False, True])
def test_var_keepdims_and_nan_all_axes(keepdims, quiet_numpy):
    a = _data(np.float64, (400, 700), 17)
    x = hx.asarray(a)
    ref = np.var(a * 2.0 - 1.0, keepdims=keepdims, ddof=1)
    got = hx.var(x * 2.0 - 1.0, keepdims=keepdims, correction=1)
    assert np.asarray(got).shape == ref.shape
    np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-13)
    a[123, 456] = np.nan
    assert np.isnan(float(hx.std(hx.asarray(a) + 1.0)))


def test_var_without_degrees_of_freedom_falls_back(fused_calls, quiet_numpy):
    """M - correction <= 0 is not fused: the namespace's NaN rule applies as before."""
    x = hx.asarray(_data(np.float64, (M, 1), 18))
    got = np.asarray(hx.var(x * 2.0, axis=-1, correction=1))
    assert got.shape == (M,) and np.isnan(got).all()
    assert fused_calls == []


def _arg_data(dtype, n, seed):
    """Few distinct values: the extreme occurs many times, in many chunks (ties)."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.random(n) < 0.001
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 5, size=n).astype(dtype)
    x = rng.integers(-3, 4, size=n).astype(np.float64)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.integers(-2, 3, size=n)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ARG_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["argmax", "argmin"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin_all_axes_exact(kind, dtype, keepdims, fused_calls, quiet_numpy):
    a, b = _arg_data(dtype, M, 21), _arg_data(dtype, M, 22)
    x, y = hx.asarray(a), hx.asarray(b)
    ref = getattr(np, kind)(_expr(np, a, b), keepdims=keepdims)
    got = getattr(hx, kind)(_expr(hx, x, y), keepdims=keepdims)
    assert fused_calls == [(kind, True)]
    _exact(got, ref)
    # the extreme only in the last chunk; 2-d with a broadcast input (row chunks, C-order offsets)
    a2 = np.zeros(M, dtype=dtype)
    a2[M - 5] = 1
    _exact(getattr(hx, kind)(hx.asarray(a2) * 1 - 0 if dtype != np.bool_ else ~hx.asarray(a2)),
           getattr(np, kind)(a2 * 1 - 0 if dtype != np.bool_ else ~a2))
    c, d = _arg_data(dtype, (700, 301), 23), _arg_data(dtype, (301,), 24)
    _exact(getattr(hx, kind)(_expr(hx, hx.asarray(c), hx.asarray(d)), keepdims=keepdims),
           getattr(np, kind)(_expr(np, c, d), keepdims=keepdims))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["argmax", "argmin"])
@pytest.mark.parametrize("nans", [[fused.CHUNK - 1], [fused.CHUNK], [fused.CHUNK, 2 * fused.CHUNK - 1],
                                  [2 * fused.CHUNK + 3, fused.CHUNK + 1], [0], [M - 1], [M - 1, 3 * fused.CHUNK]])
def test_argmax_argmin_first_nan_at_chunk_edges(kind, dtype, nans, fused_calls, quiet_numpy):
    a = _arg_data(dtype, M, 25)
    a[nans] = np.nan
    x = hx.asarray(a)
    ref = getattr(np, kind)(a * 2 + 1)
    got = getattr(hx, kind)(x * 2 + 1)
    assert int(ref) == min(nans)
    _exact(got, ref)
    assert fused_calls == [(kind, True)]


def test_argmax_signed_zero_and_inf_ties(quiet_numpy):
    a = np.full(M, -1.0)
    a[fused.CHUNK + 7] = -0.0  # -0.0 == 0.0: the first of the two is the maximum
    a[2 * fused.CHUNK + 1] = 0.0
    x = hx.asarray(a)
    _exact(hx.argmax(x * 1.0), np.argmax(a * 1.0))
    assert int(hx.argmax(x * 1.0)) == fused.CHUNK + 7
    a[[5, fused.CHUNK + 2]] = -np.inf
    _exact(hx.argmin(hx.asarray(a) + 0.0), np.argmin(a + 0.0))
    c = np.zeros(M, dtype=np.complex128)
    c[[fused.CHUNK + 9, 3 * fused.CHUNK]] = complex(0, np.nan)
    _exact(hx.argmax(hx.asarray(c) * 2), np.argmax(c * 2))
    _exact(hx.argmin(hx.asarray(c) * 2), np.argmin(c * 2))


@pytest.mark.parametrize("dtype", [np.int16, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["argmax", "argmin"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin_last_axis_exact(kind, dtype, keepdims, fused_calls, quiet_numpy):
    a, b = _arg_data(dtype, (700, 301), 26), _arg_data(dtype, (301,), 27)
    if dtype != np.int16:
        a[::97, 150] = np.nan
        a[5, [0, 300]] = np.nan
    x, y = hx.asarray(a), hx.asarray(b)
    for axis in (1, -1):
        _exact(getattr(hx, kind)(x * y + x, axis=axis, keepdims=keepdims),
               getattr(np, kind)(a * b + a, axis=axis, keepdims=keepdims))
    assert fused_calls == [(kind, True)] * 2
    for shape in [(3, fused.CHUNK + 5), (M,)]:  # rows longer than a chunk; 1-d with axis=0
        c = _arg_data(dtype, shape, 28)
        _exact(getattr(hx, kind)(hx.asarray(c) * 3, axis=-1, keepdims=keepdims),
               getattr(np, kind)(c * np.asarray(3, dtype), axis=-1, keepdims=keepdims))


def test_argmax_other_axes_and_layouts_still_numpy(quiet_numpy):
    a = _arg_data(np.float64, (600, 400), 29)
    x = hx.asarray(a)
    _exact(hx.argmax(x.T * 2.0), np.argmax(a.T * 2.0))  # F-ordered: flat indices are C-order ones
    _exact(hx.argmin(x * 2.0, axis=0), np.argmin(a * 2.0, axis=0))
    with pytest.raises(TypeError):
        hx.argmax(x * 2.0, axis=(0, 1))
    with pytest.raises(Exception):
        hx.argmax(x * 2.0, axis=2)


@pytest.mark.parametrize("kind", ["var", "std", "argmax", "argmin"])
def test_fused_var_and_argmax_never_hold_the_expression(kind):
    n = 4_000_000
    a, b, c = (np.random.default_rng(k).random(n) for k in range(3))
    x, y, z = hx.asarray(a), hx.asarray(b), hx.asarray(c)
    tracemalloc.start()
    tracemalloc.reset_peak()
    got = getattr(hx, kind)(x * y + z)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < a.nbytes / 4, f"peak {peak} bytes: a full-size temporary was allocated"
    ref = getattr(np, kind)(a * b + c)
    if kind.startswith("arg"):
        _exact(got, ref)
    else:
        np.testing.assert_allclose(float(got), ref, rtol=1e-12)
