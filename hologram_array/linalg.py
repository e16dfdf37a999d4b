"""The Array API standard's ``linalg`` extension, computed with ``numpy.linalg``.

NumPy's errors are kept: ``numpy.linalg.LinAlgError`` (a ``ValueError``) for
singular / non-positive-definite / non-square input, ``ValueError`` for bad
shapes. Tuple results are namedtuples of Arrays with the standard's field names.
Integer input is computed in float64, as NumPy does.
"""
from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np

from ._array import Array
from ._linear_algebra_functions import matmul, matrix_transpose, tensordot, vecdot
from ._nonelementwise import buf, device_of, opt_dtype, wrap

__all__ = [
    "cholesky", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv", "matmul",
    "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet",
    "solve", "svd", "svdvals", "tensordot", "trace", "vecdot", "vector_norm",
    "EigResult", "EighResult", "QRResult", "SlogdetResult", "SVDResult",
]


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class EigResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


def _b(x: Any, func: str, arg: str = "x") -> np.ndarray:
    return buf(x, f"linalg.{func}", arg)


def _rtol(rtol: Any) -> Any:
    return buf(rtol, "linalg", "rtol") if isinstance(rtol, (Array, np.ndarray)) else rtol


def cholesky(x: Array, /, *, upper: bool = False) -> Array:
    """Cholesky factor ``L`` (``x = L @ L^H``), or ``U`` (``x = U^H @ U``) with ``upper=True``."""
    return wrap(np.linalg.cholesky(_b(x, "cholesky"), upper=upper), device_of(x))


def cross(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Cross product of 3-element vectors along ``axis`` (other axes broadcast; ``ValueError`` if size != 3)."""
    a, b = _b(x1, "cross", "x1"), _b(x2, "cross", "x2")
    if type(a) is not np.ndarray and a.shape != b.shape:  # CuPy's cross does not broadcast
        a, b = np.broadcast_arrays(a, b)
    return wrap(np.linalg.cross(a, b, axis=axis), device_of(x1, x2))


def det(x: Array, /) -> Array:
    """Determinant of each square matrix (``LinAlgError`` if not square)."""
    return wrap(np.linalg.det(_b(x, "det")), device_of(x))


def diagonal(x: Array, /, *, offset: int = 0) -> Array:
    """Diagonals of the last two axes; a read-only view, as NumPy's ``linalg.diagonal``."""
    return wrap(np.linalg.diagonal(_b(x, "diagonal"), offset=offset), device_of(x))


def _complex_of(dt: np.dtype) -> np.dtype:
    return np.dtype(np.complex64) if dt in (np.float32, np.complex64) else np.dtype(np.complex128)


def eig(x: Array, /) -> EigResult:
    """Eigenvalues and right eigenvectors of general square matrices.

    Differs from NumPy: the results are always complex (complex64 for
    float32/complex64 input), as the standard requires; NumPy returns real
    arrays when every eigenvalue happens to be real.
    """
    data = _b(x, "eig")
    w, v = np.linalg.eig(data)
    ct = _complex_of(data.dtype)
    dev = device_of(x)
    return EigResult(wrap(w.astype(ct, copy=False), dev), wrap(v.astype(ct, copy=False), dev))


def eigvals(x: Array, /) -> Array:
    """Eigenvalues of general square matrices; always complex (see ``eig``)."""
    data = _b(x, "eigvals")
    return wrap(np.linalg.eigvals(data).astype(_complex_of(data.dtype), copy=False), device_of(x))


def eigh(x: Array, /) -> EighResult:
    """Eigenvalues (ascending, real) and eigenvectors of symmetric/Hermitian matrices (lower triangle used)."""
    w, v = np.linalg.eigh(_b(x, "eigh"))
    dev = device_of(x)
    return EighResult(wrap(w, dev), wrap(v, dev))


def eigvalsh(x: Array, /) -> Array:
    """Eigenvalues (ascending, real) of symmetric/Hermitian matrices."""
    return wrap(np.linalg.eigvalsh(_b(x, "eigvalsh")), device_of(x))


def inv(x: Array, /) -> Array:
    """Inverse of each square matrix (``LinAlgError`` if singular)."""
    return wrap(np.linalg.inv(_b(x, "inv")), device_of(x))


def matrix_norm(x: Array, /, *, keepdims: bool = False,
                ord: int | float | Literal["fro", "nuc"] | None = "fro") -> Array:  # noqa: A002
    """Matrix norm over the last two axes (``ord``: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf)."""
    return wrap(np.linalg.matrix_norm(_b(x, "matrix_norm"), keepdims=keepdims, ord=ord), device_of(x))


def matrix_power(x: Array, n: int, /) -> Array:
    """``x`` multiplied by itself ``n`` times (``n < 0``: of the inverse; ``n == 0``: identity)."""
    return wrap(np.linalg.matrix_power(_b(x, "matrix_power"), n), device_of(x))


def matrix_rank(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Number of singular values above ``rtol * largest`` (default ``rtol``: ``max(M, N) * eps``)."""
    return wrap(np.linalg.matrix_rank(_b(x, "matrix_rank"), rtol=_rtol(rtol)), device_of(x, rtol))


def outer(x1: Array, x2: Array, /) -> Array:
    """Outer product of two 1-D arrays (``ValueError`` otherwise)."""
    return wrap(np.linalg.outer(_b(x1, "outer", "x1"), _b(x2, "outer", "x2")), device_of(x1, x2))


def pinv(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Moore-Penrose pseudo-inverse; singular values below ``rtol * largest`` are dropped.

    The default ``rtol`` is the standard's ``max(M, N) * eps`` (NumPy's
    ``pinv`` without arguments uses ``1e-15``).
    """
    return wrap(np.linalg.pinv(_b(x, "pinv"), rtol=_rtol(rtol)), device_of(x, rtol))


def qr(x: Array, /, *, mode: Literal["reduced", "complete"] = "reduced") -> QRResult:
    """QR factorization; ``mode`` is 'reduced' or 'complete' (``ValueError`` otherwise)."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"linalg.qr: mode must be 'reduced' or 'complete', got {mode!r}")
    q, r = np.linalg.qr(_b(x, "qr"), mode=mode)
    dev = device_of(x)
    return QRResult(wrap(q, dev), wrap(r, dev))


def slogdet(x: Array, /) -> SlogdetResult:
    """``(sign, logabsdet)`` of the determinant (``sign`` 0 and ``logabsdet`` -inf when singular)."""
    s, l = np.linalg.slogdet(_b(x, "slogdet"))  # noqa: E741
    dev = device_of(x)
    return SlogdetResult(wrap(s, dev), wrap(l, dev))


def solve(x1: Array, x2: Array, /) -> Array:
    """Solve ``x1 @ out = x2``; a 1-D ``x2`` is one vector (NumPy 2's rule, the standard's)."""
    return wrap(np.linalg.solve(_b(x1, "solve", "x1"), _b(x2, "solve", "x2")), device_of(x1, x2))


def svd(x: Array, /, *, full_matrices: bool = True) -> SVDResult:
    """``(U, S, Vh)`` with ``x = U @ diag(S) @ Vh``; singular values descending."""
    u, s, vh = np.linalg.svd(_b(x, "svd"), full_matrices=full_matrices)
    dev = device_of(x)
    return SVDResult(wrap(u, dev), wrap(s, dev), wrap(vh, dev))


def svdvals(x: Array, /) -> Array:
    """Singular values, descending (real, of ``x``'s precision)."""
    return wrap(np.linalg.svdvals(_b(x, "svdvals")), device_of(x))


def trace(x: Array, /, *, offset: int = 0, dtype: Any = None) -> Array:
    """Sum of the diagonals of the last two axes (``sum``'s dtype rules)."""
    return wrap(np.linalg.trace(_b(x, "trace"), offset=offset, dtype=opt_dtype(dtype)), device_of(x))


def vector_norm(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False,
                ord: int | float = 2) -> Array:  # noqa: A002
    """Vector p-norm over ``axis`` (all axes if None); real result of ``x``'s precision."""
    return wrap(np.linalg.vector_norm(_b(x, "vector_norm"), axis=axis, keepdims=keepdims, ord=ord),
                device_of(x))


def _raising_on_device(fn: Any) -> Any:
    """``fn`` run under ``cupyx.errstate(linalg="raise")`` for GPU Arrays: CuPy reports a
    singular or non-positive-definite matrix only so (else its results are NaN/inf), NumPy
    raises ``LinAlgError``. Host Arrays: ``fn`` itself, one device test more."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        x = args[0] if args else None
        if not isinstance(x, Array) or x._device.host:
            return fn(*args, **kwargs)
        import cupyx

        with cupyx.errstate(linalg="raise"):
            return fn(*args, **kwargs)

    return wrapper


# ---- numpy.linalg's signatures and functions (docs/numpy_compat.md) -------------------------
from ._devices import cupy_installed as _cupy_installed  # noqa: E402
from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

if _cupy_installed():
    for _name in ("cholesky", "inv", "solve"):
        globals()[_name] = _raising_on_device(globals()[_name])
_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy

from .numpy_compat.linalg import *  # noqa: E402,F401,F403
from .numpy_compat.linalg import __all__ as _numpy_all  # noqa: E402

__all__ = sorted(set(__all__) | set(_numpy_all))
