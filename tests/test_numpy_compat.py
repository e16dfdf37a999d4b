"""The NumPy-compatible namespace (issue 5), differential against NumPy: each case runs the same
code with ``m = numpy`` and ``m = hologram_array`` and compares types, dtypes, shapes and values
(tests/_numpy_compat_helpers.py). Part 2 (ufunc objects, array methods) is
test_numpy_compat_ufuncs_methods.py; part 3 (random, io) test_numpy_compat_random_io.py;
part 4 (NumPy/SciPy/scikit-learn/matplotlib on our arrays) test_numpy_compat_interop.py; part 5
(ordinary scripts) test_numpy_compat_scripts.py."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import hologram_array as hx
from _numpy_compat_helpers import assert_same, both, same_error

RNG = np.random.default_rng(7)
X = RNG.normal(size=(3, 4))
XN = X.copy()
XN[1, 2] = np.nan
I = RNG.integers(-5, 9, size=(3, 4)).astype(np.int32)  # noqa: E741
U8 = RNG.integers(0, 256, size=(2, 5)).astype(np.uint8)
V = RNG.normal(size=6)
B = X > 0


def lz(m, a):
    """``a`` as an array of module ``m``; for hologram_array a *lazy* one (x * 1 recorded)."""
    a = m.asarray(a)
    return a * 1 if m is hx and a.dtype.kind in "iuf" else a


# ---- reductions with NumPy's signatures -------------------------------------------------------------

REDUCTIONS = ["sum", "prod", "mean", "std", "var", "max", "min", "amax", "amin", "all", "any", "argmax",
              "argmin", "ptp", "median", "cumsum", "cumprod", "nansum", "nanmean", "nanstd", "nanvar",
              "nanmax", "nanmin", "nanargmax", "nanargmin", "nanprod", "nancumsum", "nanmedian"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_reductions_positional_axis(name, axis):
    data = XN if name.startswith("nan") else X
    both(lambda m: getattr(m, name)(lz(m, data), axis), exact=False)
    both(lambda m: getattr(m, name)(lz(m, I), axis), exact=False)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "max", "min", "all", "any", "std", "var"])
def test_reductions_keepdims_and_lists(name):
    both(lambda m: getattr(m, name)(lz(m, X), 1, keepdims=True), exact=False)
    both(lambda m: getattr(m, name)(lz(m, X), axis=(0, 1), keepdims=True), exact=False)
    both(lambda m: getattr(m, name)([1.0, 2.5, 4.0]), exact=False)
    both(lambda m: getattr(m, name)(m.asarray(U8), 0), exact=False)


def test_reductions_dtype_out_initial_where():
    both(lambda m: m.sum(m.asarray(U8), axis=1, dtype=m.uint8))
    both(lambda m: m.sum(m.asarray(I), 0, m.float32))
    both(lambda m: m.mean(m.asarray(I), dtype=m.float32))
    both(lambda m: m.sum(lz(m, X), initial=10.0))
    both(lambda m: m.max(lz(m, X), axis=0, initial=5.0))
    both(lambda m: m.sum(lz(m, X), where=m.asarray(X) > 0))
    both(lambda m: m.mean(lz(m, X), axis=1, where=m.asarray(B)), exact=False)
    both(lambda m: m.std(lz(m, X), ddof=1), exact=False)
    both(lambda m: m.var(lz(m, X), 0, None, None, 1), exact=False)
    both(lambda m: m.std(lz(m, X), correction=1), exact=False)

    def with_out(m):
        out = m.zeros(4)
        r = m.sum(m.asarray(X), axis=0, out=out)
        assert r is out
        return out
    both(with_out)

    def argmax_out(m):
        out = m.zeros(3, dtype=m.intp)
        m.argmax(m.asarray(X), axis=1, out=out)
        return out
    both(argmax_out)


def test_full_reduction_is_0d_array_with_numpys_value():
    r = hx.sum(hx.asarray(X) * 2)
    assert isinstance(r, hx.Array) and r.shape == () and r.dtype == np.float64
    assert float(r) == pytest.approx(float(np.sum(X * 2)), rel=1e-14)
    assert f"{r:.3f}" == f"{np.sum(X * 2):.3f}" and round(hx.sum(hx.asarray([1.25])), 1) == 1.2


def test_reduction_errors_are_numpys():
    same_error(lambda m: m.max(m.asarray(np.zeros(0))))
    same_error(lambda m: m.sum(m.asarray(X), axis=2))
    same_error(lambda m: m.argmax(m.asarray(X), axis=5))
    same_error(lambda m: m.sum(m.asarray(X), axis=0, out=m.zeros(5)))


# ---- creation ---------------------------------------------------------------------------------------


def test_creation_with_numpy_signatures():
    both(lambda m: m.zeros(3, int))
    both(lambda m: m.zeros((2, 3), m.float32, "F"))
    both(lambda m: m.ones((2, 2), dtype="uint8"))
    both(lambda m: m.full((2, 2), 7, m.int16))
    both(lambda m: m.full(3, 1.5))
    both(lambda m: m.empty(0))
    both(lambda m: m.eye(3, 4, 1, int))
    both(lambda m: m.identity(3))
    both(lambda m: m.arange(5))
    both(lambda m: m.arange(1, 10, 3))
    both(lambda m: m.arange(0.0, 1.0, 0.25))
    both(lambda m: m.arange(2, 8, dtype=m.int8))
    both(lambda m: m.linspace(0, 1))
    both(lambda m: m.linspace(0, 1, 7, endpoint=False))
    both(lambda m: m.linspace(0, 1, 5, retstep=True))
    both(lambda m: m.linspace(m.asarray([0.0, 1.0]), 2.0, 3, axis=1))
    both(lambda m: m.logspace(0, 3, 4), exact=False)
    both(lambda m: m.geomspace(1, 1000, 4), exact=False)
    both(lambda m: m.array([[1, 2], [3, 4]]))
    both(lambda m: m.array([1, 2], dtype=m.float32, ndmin=3))
    both(lambda m: m.array(m.asarray(X)))
    both(lambda m: m.asarray([1.5, 2], m.float32))
    both(lambda m: m.asarray(X, order="F"))
    both(lambda m: m.zeros_like(lz(m, X)))
    both(lambda m: m.ones_like([1, 2, 3]))
    both(lambda m: m.full_like(lz(m, I), 3, m.float64))
    both(lambda m: m.empty_like(m.asarray(X), shape=(2,)).shape)
    both(lambda m: m.tri(3, 3, 0, int))
    both(lambda m: m.tril(m.asarray(X), -1))
    both(lambda m: m.triu(m.asarray(X), 1))
    both(lambda m: m.diag(m.asarray(V)))
    both(lambda m: m.diag(m.asarray(X), 1))
    both(lambda m: m.meshgrid(m.arange(3), m.arange(2), sparse=True))
    both(lambda m: m.meshgrid(m.arange(3), m.arange(2), indexing="ij"))
    both(lambda m: m.mgrid[0:3, 0:2])
    both(lambda m: m.r_[m.asarray([1, 2]), 3, 4])
    both(lambda m: m.c_[m.asarray([1, 2]), m.asarray([3, 4])])
    both(lambda m: m.fromfunction(lambda i, j: i + j, (2, 3)))
    both(lambda m: m.vander(m.asarray([1, 2, 3]), 3))
    both(lambda m: m.indices((2, 3)))


def test_array_of_strings_stays_numpys():
    a = hx.array(["a", "bb"])
    assert type(a) is np.ndarray and a.dtype == np.dtype("<U2")


def test_copy_is_lazy_and_independent():
    a = hx.asarray(X.copy())
    c = hx.copy(a)
    a[0, 0] = 100.0
    assert float(c[0, 0]) == X[0, 0]
    both(lambda m: m.copy(m.asarray(X), order="F"))


# ---- manipulation ---------------------------------------------------------------------------------------


def test_manipulation():
    both(lambda m: m.reshape(lz(m, X), (4, 3)))
    both(lambda m: m.reshape(lz(m, X), -1))
    both(lambda m: m.reshape(lz(m, X), (2, 6), order="F"))
    both(lambda m: m.ravel(lz(m, X)))
    both(lambda m: m.ravel(m.asarray(X), "F"))
    both(lambda m: m.transpose(lz(m, X)))
    both(lambda m: m.transpose(m.asarray(np.zeros((2, 3, 4))), (1, 2, 0)))
    both(lambda m: m.swapaxes(lz(m, X), 0, 1))
    both(lambda m: m.moveaxis(m.asarray(np.zeros((2, 3, 4))), 0, -1))
    both(lambda m: m.squeeze(m.asarray(np.zeros((1, 3, 1)))))
    both(lambda m: m.squeeze(m.asarray(np.zeros((1, 3, 1))), 2))
    both(lambda m: m.expand_dims(lz(m, X), 0))
    both(lambda m: m.atleast_1d(3.0))
    both(lambda m: m.atleast_2d(m.asarray(V)))
    both(lambda m: m.atleast_3d(m.asarray(X)))
    both(lambda m: m.concatenate([lz(m, X), m.asarray(X)]))
    both(lambda m: m.concatenate((m.asarray(X), m.asarray(I)), axis=1))
    both(lambda m: m.concatenate([m.asarray(X), m.asarray(X)], axis=None))
    both(lambda m: m.stack([m.asarray(V), m.asarray(V)], 1))
    both(lambda m: m.vstack([m.asarray(V), m.asarray(V)]))
    both(lambda m: m.hstack([m.asarray(V), lz(m, V)]))
    both(lambda m: m.dstack([m.asarray(V), m.asarray(V)]))
    both(lambda m: m.column_stack([m.asarray(V), m.asarray(V)]))
    both(lambda m: m.split(m.arange(6), 3))
    both(lambda m: m.array_split(m.arange(7), 3))
    both(lambda m: m.flip(lz(m, X), 0))
    both(lambda m: m.fliplr(m.asarray(X)))
    both(lambda m: m.flipud(m.asarray(X)))
    both(lambda m: m.rot90(m.asarray(X)))
    both(lambda m: m.roll(lz(m, X), 1, 1))
    both(lambda m: m.roll(m.asarray(V), -2))
    both(lambda m: m.tile(m.asarray(V), 2))
    both(lambda m: m.tile(m.asarray(X), (2, 1)))
    both(lambda m: m.repeat(m.asarray(V), 2))
    both(lambda m: m.repeat(m.asarray(X), [1, 2, 0], axis=0))
    both(lambda m: m.append(m.asarray(V), [1.0, 2.0]))
    both(lambda m: m.insert(m.asarray(V), 1, 5.0))
    both(lambda m: m.delete(m.asarray(V), [0, 2]))
    both(lambda m: m.pad(m.asarray(X), 1))
    both(lambda m: m.broadcast_to(m.asarray(V), (2, 6)))
    both(lambda m: m.broadcast_arrays(m.asarray(V), m.asarray(X[:, :1])))
    both(lambda m: m.diff(m.asarray(V)))
    both(lambda m: m.diff(m.asarray(X), 2, 0))
    both(lambda m: m.diff(m.asarray(V), prepend=0.0, append=[1.0]))
    both(lambda m: m.shape(m.asarray(X)))
    both(lambda m: m.ndim([[1, 2]]))
    both(lambda m: m.size(lz(m, X), 1))


def test_manipulation_errors():
    same_error(lambda m: m.reshape(m.asarray(X), (5, 3)))
    same_error(lambda m: m.concatenate([m.asarray(X), m.asarray(V)]))
    same_error(lambda m: m.squeeze(m.asarray(X), 0))
    same_error(lambda m: m.swapaxes(m.asarray(X), 0, 3))
    same_error(lambda m: m.stack([m.asarray(X), m.asarray(V)]))


def test_transpose_and_swapaxes_keep_lazy_expressions_lazy():
    a = hx.asarray(X) * 2 + 1
    assert hx.transpose(a).is_lazy and hx.swapaxes(a, 0, 1).is_lazy
    np.testing.assert_array_equal(np.asarray(hx.transpose(a)), (X * 2 + 1).T)


# ---- element-wise functions that are not ufuncs ----------------------------------------------------------


def test_where_clip_round():
    both(lambda m: m.where(m.asarray(B), lz(m, X), 0.0))
    both(lambda m: m.where(m.asarray(B), 1, [[2], [3], [4]]))
    both(lambda m: m.where(m.asarray(B)))
    both(lambda m: m.where([0, 3, 0, 5]))
    both(lambda m: m.clip(lz(m, X), -0.5, 0.5))
    both(lambda m: m.clip(lz(m, I), 0, None))
    both(lambda m: m.clip(lz(m, I), a_min=None, a_max=2))
    both(lambda m: m.clip(lz(m, X), min=0.0))
    both(lambda m: m.round(lz(m, X)))
    both(lambda m: m.round(lz(m, X), 2))
    both(lambda m: m.around(m.asarray(X * 100), -1))
    both(lambda m: m.round(m.asarray(I), -1))
    both(lambda m: m.real(m.asarray(X + 2j)))
    both(lambda m: m.imag(m.asarray(X + 2j)))
    both(lambda m: m.nan_to_num(m.asarray(XN)))

    def clip_out(m):
        out = m.zeros((3, 4))
        m.clip(m.asarray(X), 0, 1, out=out)
        return out
    both(clip_out)
    same_error(lambda m: m.where(m.asarray(B), m.asarray(X)))
    assert hx.where(hx.asarray(B), hx.asarray(X) * 2, 0.0).is_lazy
    assert hx.clip(hx.asarray(X) * 2, 0, 1).is_lazy and hx.round(hx.asarray(X) * 2).is_lazy


# ---- searching, sorting, sets, comparisons ---------------------------------------------------------------


def test_searching_sorting_sets():
    both(lambda m: m.nonzero(m.asarray(B)))
    both(lambda m: m.argwhere(lz(m, X) > 0))
    both(lambda m: m.flatnonzero(m.asarray(B)))
    both(lambda m: m.count_nonzero(m.asarray(B), axis=0))
    both(lambda m: m.sort(m.asarray(X)))
    both(lambda m: m.sort(m.asarray(X), axis=None))
    both(lambda m: m.sort(m.asarray(X), 0, kind="stable"))
    both(lambda m: m.sort([3, 1, 2]))
    both(lambda m: m.argsort(m.asarray(V)))
    both(lambda m: m.argsort(m.asarray(X), axis=None))
    both(lambda m: m.argsort(m.asarray([2, 1, 2, 1, 0]), kind="stable"))
    both(lambda m: m.lexsort((m.asarray(V), m.asarray(V) > 0)))
    both(lambda m: m.partition(m.asarray(V), 2)[2])
    both(lambda m: m.searchsorted(m.asarray([1, 3, 5]), [2, 6]))
    both(lambda m: m.searchsorted(m.asarray([1.0, 3.0]), 3.0, "right"))
    both(lambda m: m.unique(m.asarray(I)))
    both(lambda m: m.unique(m.asarray(I), return_counts=True))
    both(lambda m: m.unique(m.asarray(I), return_index=True, return_inverse=True, return_counts=True))
    both(lambda m: m.unique(m.asarray([[1, 2], [1, 2], [0, 1]]), axis=0))
    both(lambda m: m.unique_values(m.asarray(I)))
    both(lambda m: m.isin(m.asarray(I), [1, 2, 3]))
    both(lambda m: m.isin(m.asarray(I), [1, 2, 3], invert=True))
    both(lambda m: m.intersect1d(m.asarray(I), [1, 2, 3]))
    both(lambda m: m.union1d([5, 1], m.asarray([2, 1])))
    both(lambda m: m.setdiff1d(m.asarray(I), [1, 2]))
    both(lambda m: m.take(m.asarray(V), [0, 2]))
    both(lambda m: m.take(m.asarray(X), [0, 2], axis=1))
    both(lambda m: m.take(m.asarray(X), 5))
    both(lambda m: m.take_along_axis(m.asarray(X), m.argsort(m.asarray(X), axis=1), axis=1))
    both(lambda m: m.allclose(m.asarray(X), m.asarray(X) + 1e-12))
    both(lambda m: m.allclose(m.asarray(X), m.asarray(X) + 1))
    both(lambda m: m.isclose(m.asarray(XN), m.asarray(XN), equal_nan=True))
    both(lambda m: m.array_equal(m.asarray(X), X.copy()))
    both(lambda m: m.array_equal(m.asarray(XN), m.asarray(XN), equal_nan=True))
    both(lambda m: m.array_equiv(m.asarray(V), m.asarray([V, V])))
    both(lambda m: m.digitize(m.asarray(V), [-1.0, 0.0, 1.0]))
    both(lambda m: m.bincount(m.asarray([0, 1, 1, 3])))
    both(lambda m: m.select([m.asarray(X) < 0, m.asarray(X) > 1], [m.asarray(X), 1.0], 5.0))
    both(lambda m: m.unravel_index(7, (3, 4)))


# ---- products, statistics, polynomials -------------------------------------------------------------------


def test_products_statistics_polynomials():
    Y = RNG.normal(size=(4, 2))
    both(lambda m: m.dot(lz(m, X), m.asarray(Y)), exact=False)
    both(lambda m: m.dot(m.asarray(V), m.asarray(V)), exact=False)
    both(lambda m: m.dot(3, 4))
    both(lambda m: m.vdot(m.asarray(V), m.asarray(V)), exact=False)
    both(lambda m: m.inner(m.asarray(X), m.asarray(X)), exact=False)
    both(lambda m: m.outer(m.asarray(V), m.arange(3)))
    both(lambda m: m.matmul(m.asarray(X), m.asarray(Y)), exact=False)
    both(lambda m: m.einsum("ij,jk->ik", m.asarray(X), m.asarray(Y)), exact=False)
    both(lambda m: m.einsum("ii", m.asarray(np.eye(3))))
    both(lambda m: m.tensordot(m.asarray(X), m.asarray(Y), 1), exact=False)
    both(lambda m: m.kron(m.asarray(np.eye(2)), m.ones((2, 2))))
    both(lambda m: m.cross(m.asarray([1.0, 0, 0]), m.asarray([0.0, 1, 0])))
    both(lambda m: m.trace(m.asarray(X)))
    both(lambda m: m.diagonal(m.asarray(X), 1))
    both(lambda m: m.histogram(m.asarray(V), bins=3))
    both(lambda m: m.histogram(m.asarray(V), bins=[-3, 0, 3], density=True), exact=False)
    both(lambda m: m.histogram2d(m.asarray(V), m.asarray(V[::-1]), bins=2))
    both(lambda m: m.percentile(m.asarray(X), [25, 75], axis=0), exact=False)
    both(lambda m: m.quantile(m.asarray(V), 0.3), exact=False)
    both(lambda m: m.average(m.asarray(X), axis=1, weights=[1, 2, 3, 4]), exact=False)
    both(lambda m: m.cov(m.asarray(X)), exact=False)
    both(lambda m: m.corrcoef(m.asarray(X)), exact=False)
    both(lambda m: m.interp([0.5, 1.5], m.asarray([0.0, 1.0, 2.0]), m.asarray([0.0, 10.0, 0.0])))
    both(lambda m: m.convolve(m.asarray(V), [1.0, 1.0]), exact=False)
    both(lambda m: m.gradient(m.asarray(V)))
    both(lambda m: m.trapezoid(m.asarray(V)), exact=False)
    both(lambda m: m.polyfit(m.arange(6.0), m.asarray(V), 2), exact=False, rtol=1e-9)
    both(lambda m: m.polyval([1.0, -2.0, 3.0], m.asarray(V)), exact=False)
    both(lambda m: m.polyval([1.0, -2.0, 3.0], 2.0))
    both(lambda m: m.roots([1.0, -3.0, 2.0]), exact=False)
    both(lambda m: m.cumsum([[1, 2], [3, 4]], axis=1))
    both(lambda m: m.cumprod(m.asarray(I), 0))
    same_error(lambda m: m.dot(m.asarray(X), m.asarray(X)))
    same_error(lambda m: m.einsum("ij,jk->ik", m.asarray(X), m.asarray(X)))


# ---- dtypes, constants, error state ---------------------------------------------------------------------


def test_dtypes_and_scalar_types():
    assert hx.dtype("int16") == np.dtype("int16") and hx.dtype("int16").itemsize == 2
    assert hx.float32 is np.float32 and hx.float32(3) == np.float32(3)
    assert hx.zeros(3, dtype=hx.float32).dtype.itemsize == 4
    for name in ("intp", "int_", "uint", "double", "single", "half", "bool_", "complex64", "generic",
                 "number", "integer", "floating", "object_", "str_", "datetime64", "longdouble"):
        assert getattr(hx, name) is getattr(np, name), name
    assert hx.issubdtype(hx.float32, hx.floating) and not hx.issubdtype(hx.int8, hx.floating)
    assert hx.promote_types("int8", "uint8") == np.dtype("int16")
    assert hx.finfo(hx.float32).eps == np.finfo(np.float32).eps and hx.iinfo("int8").max == 127
    assert isinstance(hx.asarray([1]), hx.ndarray)
    assert (hx.pi, hx.e, hx.inf, hx.newaxis, hx.euler_gamma) == (np.pi, np.e, np.inf, None, np.euler_gamma)
    assert hx.isnan(hx.nan)
    assert hx.asarray(X)[:, hx.newaxis].shape == (3, 1, 4)


def test_errstate_is_numpys_state():
    with hx.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            np.asarray(hx.log(hx.zeros(3) * 1))
    old = hx.seterr(all="ignore")
    try:
        assert np.geterr()["divide"] == "ignore"
        np.asarray(hx.log(hx.zeros(3) * 1))
    finally:
        hx.seterr(**old)
    assert hx.geterr() == np.geterr()


# ---- the fallback to NumPy for names we do not define ------------------------------------------------------


def test_unknown_numpy_function_falls_back_wrapped():
    both(lambda m: m.cumulative_sum(m.asarray(V)))
    both(lambda m: m.sinc(m.asarray(V)), exact=False)
    both(lambda m: m.bartlett(5))
    both(lambda m: m.packbits(m.asarray(U8 > 100), axis=1))
    assert hx.testing is np.testing and hx.ma is np.ma
    with pytest.raises(AttributeError):
        hx.definitely_not_numpy  # noqa: B018
    with pytest.raises(AttributeError):
        hx._private_name  # noqa: B018


def test_top_level_signatures_accept_both_forms():
    # the standard's keyword forms ...
    a = hx.asarray(X)
    assert hx.sum(a, axis=1, keepdims=True).shape == (3, 1)
    assert hx.std(a, correction=1, axis=0).shape == (4,)
    assert hx.linspace(0, 1, num=5, endpoint=False).shape == (5,)
    assert hx.reshape(a, shape=(12,)).shape == (12,)
    assert hx.squeeze(hx.zeros((1, 3)), axis=0).shape == (3,)
    assert hx.sort(a, axis=0, descending=True)[0, 0] == X[:, 0].max()
    # ... and the reported signature is the standard's (the standard's tooling reads it)
    for f in (hx.sum, hx.fft.fft, hx.linspace, hx.linalg.svd):
        params = list(inspect.signature(f).parameters.values())
        assert params[0].kind is inspect.Parameter.POSITIONAL_ONLY, f
        assert params[-1].kind is inspect.Parameter.KEYWORD_ONLY, f
