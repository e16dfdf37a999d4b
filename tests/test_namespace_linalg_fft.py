"""The non-element-wise namespace (part 3): main-namespace linear algebra, the linalg and fft
extensions -- compared against NumPy (values, dtype, shape), namedtuple fields, errors.
"""
from __future__ import annotations

import numpy as np
import pytest

import hologram_array as hx
from _namespace_helpers import arr, lazy, rng_array, same

FLOATS = [np.float32, np.float64, np.complex64, np.complex128]


def _tol(dt):
    return 2e-4 if np.dtype(dt) in (np.float32, np.complex64) else 1e-10


# ---- main-namespace linear algebra ----------------------------------------------------------


@pytest.mark.parametrize("s1,s2", [((3, 4), (4, 2)), ((2, 3, 4), (4,)), ((4,), (4,)), ((1, 3, 4), (5, 4, 2))])
@pytest.mark.parametrize("dt", [np.int16, np.float32, np.complex128])
def test_matmul(s1, s2, dt):
    a, b = rng_array(s1, dt), rng_array(s2, dt, seed=1)
    same(hx.matmul(lazy(a), arr(b)), np.asarray(np.matmul(a, b)), exact=np.dtype(dt).kind == "i", rtol=_tol(dt))
    same(hx.linalg.matmul(arr(a), arr(b)), np.asarray(np.matmul(a, b)), exact=np.dtype(dt).kind == "i",
         rtol=_tol(dt))


def test_matmul_errors_and_promotion():
    with pytest.raises(ValueError):
        hx.matmul(arr(np.ones((2, 3))), arr(np.ones((2, 3))))
    with pytest.raises(ValueError):
        hx.matmul(arr(np.float64(1)), arr(np.ones(3)))
    assert hx.matmul(arr(np.ones((2, 2), np.int8)), arr(np.ones((2, 2), np.uint8))).dtype == np.int16


def test_matrix_transpose():
    x = rng_array((2, 3, 4), np.float32)
    same(hx.matrix_transpose(arr(x)), np.matrix_transpose(x))
    r = hx.matrix_transpose(lazy(x) * 2.0)
    assert r.is_lazy
    same(r, np.matrix_transpose(x * np.float32(2.0)))
    with pytest.raises(ValueError):
        hx.matrix_transpose(arr([1.0, 2.0]))


@pytest.mark.parametrize("axes", [0, 1, 2, ([1, 0], [0, 1]), ([-1], [0]), ((2,), (-2,))])
def test_tensordot(axes):
    a, b = rng_array((2, 3, 4), np.float64), rng_array((3, 2, 5), np.float64, seed=1)
    if axes == 1:
        b = rng_array((4, 2), np.float64)
    elif axes == 2:
        b = rng_array((3, 4, 5), np.float64)
    elif axes in [([-1], [0]), ((2,), (-2,))]:
        b = rng_array((4, 4), np.float64)
    same(hx.tensordot(arr(a), lazy(b), axes=axes), np.tensordot(a, b, axes=axes), exact=False)


def test_tensordot_errors():
    a = arr(np.ones((2, 3)))
    with pytest.raises(ValueError):
        hx.tensordot(a, a, axes=-1)
    with pytest.raises(ValueError):
        hx.tensordot(a, arr(np.ones((1, 3))), axes=([0], [0]))  # contracted axes do not broadcast


@pytest.mark.parametrize("dt", [np.float32, np.complex64, np.complex128, np.int32])
@pytest.mark.parametrize("s1,s2,axis", [((3,), (3,), -1), ((2, 3), (3,), -1), ((4, 1, 3), (2, 3), -1),
                                        ((3, 2), (3, 2), -2)])
def test_vecdot(dt, s1, s2, axis):
    a, b = rng_array(s1, dt), rng_array(s2, dt, seed=1)
    ref = np.sum(np.conj(a) * b, axis=axis) if len(s1) == len(s2) else np.vecdot(a, b, axis=axis)
    ref = np.asarray(ref).astype(np.result_type(a, b))  # type promotion: int32 stays int32
    same(hx.vecdot(lazy(a), arr(b), axis=axis), ref, exact=np.dtype(dt).kind == "i", rtol=_tol(dt))


def test_vecdot_conjugates_first_argument_and_checks_size():
    a, b = arr([1j, 2.0]), arr([1j, 1.0])
    same(hx.vecdot(a, b), np.asarray(np.complex128(3)))
    with pytest.raises(ValueError):
        hx.vecdot(arr(np.ones((2, 3))), arr(np.ones((2, 1))))


# ---- linalg -----------------------------------------------------------------------------------


def _spd(n, dt, batch=()):
    a = rng_array(batch + (n, n), dt)
    return (a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)).astype(dt)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(dt, upper):
    x = _spd(4, dt, (2,))
    same(hx.linalg.cholesky(lazy(x), upper=upper), np.linalg.cholesky(x, upper=upper), exact=False,
         rtol=_tol(dt), atol=_tol(dt))
    with pytest.raises(np.linalg.LinAlgError):
        hx.linalg.cholesky(arr(-np.eye(2)))


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex128])
def test_det_slogdet_inv(dt):
    x = _spd(3, dt, (2,))
    same(hx.linalg.det(arr(x)), np.linalg.det(x), exact=False, rtol=_tol(dt))
    s = hx.linalg.slogdet(lazy(x))
    assert type(s).__name__ == "SlogdetResult" and s._fields == ("sign", "logabsdet")
    es = np.linalg.slogdet(x)
    same(s.sign, es.sign, exact=False, rtol=_tol(dt))
    same(s.logabsdet, es.logabsdet, exact=False, rtol=_tol(dt))
    same(hx.linalg.inv(arr(x)), np.linalg.inv(x), exact=False, rtol=_tol(dt), atol=_tol(dt))
    with pytest.raises(np.linalg.LinAlgError):
        hx.linalg.inv(arr(np.zeros((2, 2))))
    with pytest.raises(np.linalg.LinAlgError):
        hx.linalg.det(arr(np.ones((2, 3))))


@pytest.mark.parametrize("offset", [-1, 0, 2])
def test_diagonal_trace(offset):
    x = rng_array((2, 3, 4), np.int16)
    same(hx.linalg.diagonal(arr(x), offset=offset), np.linalg.diagonal(x, offset=offset))
    same(hx.linalg.trace(arr(x), offset=offset), np.linalg.trace(x, offset=offset))
    assert hx.linalg.trace(arr(x)).dtype == np.int64
    same(hx.linalg.trace(arr(x), dtype=hx.float32), np.linalg.trace(x, dtype=np.float32))
    f = rng_array((3, 3), np.float32)
    assert hx.linalg.trace(arr(f)).dtype == np.float32


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64, np.complex128])
def test_eig_eigvals_always_complex(dt):
    x = np.diag(np.array([1.0, 2.0, 3.0])).astype(dt)  # real eigenvalues: NumPy would answer real
    ct = np.complex64 if np.dtype(dt) in (np.float32, np.complex64) else np.complex128
    r = hx.linalg.eig(arr(x))
    assert type(r).__name__ == "EigResult" and r._fields == ("eigenvalues", "eigenvectors")
    assert r.eigenvalues.dtype == ct and r.eigenvectors.dtype == ct
    assert r.eigenvalues.shape == (3,) and r.eigenvectors.shape == (3, 3)
    w, v = np.asarray(r.eigenvalues), np.asarray(r.eigenvectors)  # host values, any device
    np.testing.assert_allclose(x @ v, v * w, rtol=_tol(dt), atol=_tol(dt))
    ev = hx.linalg.eigvals(lazy(x))
    assert ev.dtype == ct
    np.testing.assert_allclose(np.sort_complex(np.asarray(ev)), [1, 2, 3], rtol=_tol(dt))
    rot = np.array([[0.0, -1.0], [1.0, 0.0]], dtype=dt)
    got = np.asarray(hx.linalg.eigvals(arr(rot)))
    np.testing.assert_allclose(got[np.argsort(got.imag)], [-1j, 1j], atol=_tol(dt))


@pytest.mark.parametrize("dt", FLOATS)
def test_eigh_eigvalsh(dt):
    x = _spd(4, dt, (3,))
    r = hx.linalg.eigh(arr(x))
    assert type(r).__name__ == "EighResult" and r._fields == ("eigenvalues", "eigenvectors")
    e = np.linalg.eigh(x)
    same(r.eigenvalues, e.eigenvalues, exact=False, rtol=_tol(dt))
    assert r.eigenvectors.dtype == e.eigenvectors.dtype and r.eigenvectors.shape == e.eigenvectors.shape
    same(hx.linalg.eigvalsh(arr(x)), np.linalg.eigvalsh(x), exact=False, rtol=_tol(dt))


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norm(ord, keepdims):
    x = rng_array((2, 3, 4), np.float32)
    same(hx.linalg.matrix_norm(arr(x), ord=ord, keepdims=keepdims),
         np.linalg.matrix_norm(x, ord=ord, keepdims=keepdims), exact=False, rtol=1e-5)


@pytest.mark.parametrize("ord", [2, 1, 0, -1, 3.5, np.inf, -np.inf])
@pytest.mark.parametrize("axis", [None, 0, (1, 2), -1])
@pytest.mark.parametrize("dt", [np.float32, np.complex64, np.float64])
def test_vector_norm(ord, axis, dt):
    x = rng_array((2, 3, 4), dt)
    res = hx.linalg.vector_norm(lazy(x), axis=axis, ord=ord, keepdims=axis == 0)
    same(res, np.asarray(np.linalg.vector_norm(x, axis=axis, ord=ord, keepdims=axis == 0)), exact=False,
         rtol=_tol(dt))
    assert res.dtype == (np.float32 if np.dtype(dt) in (np.float32, np.complex64) else np.float64)


@pytest.mark.parametrize("n", [-2, 0, 1, 3])
def test_matrix_power(n):
    x = _spd(3, np.float64)
    same(hx.linalg.matrix_power(arr(x), n), np.linalg.matrix_power(x, n), exact=False)
    with pytest.raises(TypeError):
        hx.linalg.matrix_power(arr(x), 1.5)


def test_matrix_rank_and_pinv():
    x = rng_array((2, 4, 3), np.float64)
    x[1, :, 2] = x[1, :, 0] + x[1, :, 1]  # rank 2
    same(hx.linalg.matrix_rank(arr(x)), np.linalg.matrix_rank(x))
    assert hx.linalg.matrix_rank(arr(x)).tolist() == [3, 2]
    same(hx.linalg.matrix_rank(arr(x), rtol=0.5), np.linalg.matrix_rank(x, rtol=0.5))
    same(hx.linalg.matrix_rank(arr(x), rtol=arr([1e-12, 0.5])), np.linalg.matrix_rank(x, rtol=np.array([1e-12, 0.5])))
    same(hx.linalg.pinv(arr(x)), np.linalg.pinv(x, rtol=None), exact=False, atol=1e-10)
    same(hx.linalg.pinv(arr(x), rtol=0.5), np.linalg.pinv(x, rtol=0.5), exact=False, atol=1e-10)
    # the standard's default rtol is max(M, N) * eps (not NumPy's 1e-15)
    tiny = np.diag([1.0, 1e-16 * 2])
    same(hx.linalg.pinv(arr(tiny)), np.diag([1.0, 0.0]))


def test_outer_cross():
    a, b = rng_array((3,), np.float64), rng_array((4,), np.int8)
    same(hx.linalg.outer(arr(a), arr(b)), np.linalg.outer(a, b))
    with pytest.raises(ValueError):
        hx.linalg.outer(arr(np.ones((2, 2))), arr(b))
    u, v = rng_array((2, 3), np.float32), rng_array((1, 3), np.float32, seed=1)
    same(hx.linalg.cross(arr(u), lazy(v)), np.linalg.cross(u, v), exact=False, rtol=1e-6)
    same(hx.linalg.cross(arr(u.T.copy()), arr(v.T.copy()), axis=-2), np.cross(u.T, v.T, axis=-2), exact=False)
    with pytest.raises(ValueError):
        hx.linalg.cross(arr(np.ones(2)), arr(np.ones(2)))


@pytest.mark.parametrize("mode", ["reduced", "complete"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)])
def test_qr(mode, shape):
    x = rng_array(shape, np.float64)
    r = hx.linalg.qr(arr(x), mode=mode)
    assert type(r).__name__ == "QRResult" and r._fields == ("Q", "R")
    e = np.linalg.qr(x, mode=mode)
    same(r.Q, e.Q, exact=False)
    same(r.R, e.R, exact=False)
    with pytest.raises(ValueError):
        hx.linalg.qr(arr(x), mode="raw")


def test_solve():
    a = _spd(3, np.float64, (2,))
    b1, b2 = rng_array((3,), np.float64), rng_array((2, 3, 4), np.float64)
    same(hx.linalg.solve(arr(a), arr(b1)), np.linalg.solve(a, b1), exact=False)
    assert hx.linalg.solve(arr(a), arr(b1)).shape == (2, 3)  # a 1-D x2 is one vector
    same(hx.linalg.solve(arr(a), lazy(b2)), np.linalg.solve(a, b2), exact=False)
    assert hx.linalg.solve(arr(a.astype(np.float32)), arr(b1.astype(np.float32))).dtype == np.float32
    with pytest.raises(np.linalg.LinAlgError):
        hx.linalg.solve(arr(np.zeros((2, 2))), arr(np.ones(2)))


@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("dt", [np.float32, np.complex128])
def test_svd_svdvals(full, dt):
    x = rng_array((2, 4, 3), dt)
    r = hx.linalg.svd(arr(x), full_matrices=full)
    assert type(r).__name__ == "SVDResult" and r._fields == ("U", "S", "Vh")
    e = np.linalg.svd(x, full_matrices=full)
    for got, exp in zip(r, e):
        assert got.shape == exp.shape and got.dtype == exp.dtype
    same(r.S, e.S, exact=False, rtol=_tol(dt))
    same(hx.linalg.svdvals(lazy(x)), np.linalg.svdvals(x), exact=False, rtol=_tol(dt))


# ---- fft ------------------------------------------------------------------------------------


ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fftn", "ifftn", "rfftn", "irfftn"]
#: input kind each transform takes, and output kind (c: complex, r: real)
KINDS = {"fft": ("c", "c"), "ifft": ("c", "c"), "rfft": ("r", "c"), "irfft": ("c", "r"), "hfft": ("c", "r"),
         "ihfft": ("r", "c"), "fftn": ("c", "c"), "ifftn": ("c", "c"), "rfftn": ("r", "c"), "irfftn": ("c", "r")}


def _fft_input(name, single, shape):
    kin = KINDS[name][0]
    dt = {("c", True): np.complex64, ("c", False): np.complex128, ("r", True): np.float32,
          ("r", False): np.float64}[kin, single]
    return rng_array(shape, dt)


def _expected_dtype(name, single):
    kout = KINDS[name][1]
    return np.dtype({("c", True): np.complex64, ("c", False): np.complex128, ("r", True): np.float32,
                     ("r", False): np.float64}[kout, single])


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize("n,axis,norm", [(None, -1, "backward"), (6, 0, "ortho"), (3, 1, "forward")])
def test_fft_1d(name, single, n, axis, norm):
    x = _fft_input(name, single, (4, 5))
    res = getattr(hx.fft, name)(lazy(x), n=n, axis=axis, norm=norm)
    exp = getattr(np.fft, name)(x, n=n, axis=axis, norm=norm)
    assert res.dtype == _expected_dtype(name, single)  # single precision is kept (the standard)
    same(res, exp.astype(res.dtype), exact=False, rtol=1e-4 if single else 1e-10, atol=1e-4 if single else 1e-10)


@pytest.mark.parametrize("name", N_D)
@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize("s,axes", [(None, None), ((3, 4), (0, 2)), (None, (-1,)), ((4, 6), None)])
def test_fft_nd(name, single, s, axes):
    x = _fft_input(name, single, (4, 3, 5))
    if s is not None and axes is None:
        axes = (-2, -1)
    res = getattr(hx.fft, name)(arr(x), s=s, axes=axes)
    exp = getattr(np.fft, name)(x, s=s, axes=axes)
    assert res.dtype == _expected_dtype(name, single)
    same(res, exp.astype(res.dtype), exact=False, rtol=1e-4 if single else 1e-10, atol=1e-4 if single else 1e-10)


def test_fft_integer_input_and_errors():
    assert hx.fft.fft(arr([1, 2, 3])).dtype == np.complex128
    assert hx.fft.irfft(arr(np.ones(3, np.complex128))).dtype == np.float64
    with pytest.raises(ValueError):
        hx.fft.fft(arr(np.ones(3, np.complex64)), n=0)
    with pytest.raises(ValueError):
        hx.fft.fft(arr(np.ones(3, np.complex64)), norm="nope")
    with pytest.raises(IndexError):
        hx.fft.fft(arr(np.ones(3, np.complex64)), axis=1)


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n,d", [(1, 1.0), (8, 0.5), (7, 2.0)])
@pytest.mark.parametrize("dtype", [None, hx.float32, hx.float64])
def test_fftfreq(name, n, d, dtype):
    res = getattr(hx.fft, name)(n, d=d, dtype=dtype)
    exp = getattr(np.fft, name)(n, d=d).astype(dtype or np.float64)
    same(res, exp, exact=False)
    info = hx.__array_namespace_info__()
    assert getattr(hx.fft, name)(n, device=info.default_device()).device == info.default_device()
    with pytest.raises(ValueError):
        getattr(hx.fft, name)(n, dtype=hx.int32)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("axes", [None, 0, (0, 1), -1])
def test_fftshift(name, axes):
    x = rng_array((4, 5), np.float32)
    same(getattr(hx.fft, name)(lazy(x), axes=axes), getattr(np.fft, name)(x, axes=axes))
