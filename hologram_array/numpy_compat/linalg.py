"""``numpy.linalg``'s signatures for ``hologram_array.linalg`` (which imports ``__all__`` here).

The standard's functions keep their behaviour for every call the standard allows; NumPy's
extra parameters (``svd(a, full_matrices, compute_uv, hermitian)``, ``eigh(a, UPLO)``,
``qr(a, mode='r'|'raw')``, ``pinv(a, rcond, hermitian)``, ``matrix_rank(A, tol, hermitian)``)
run ``numpy.linalg``'s function; array-likes (lists) are accepted. NumPy-only functions
(``norm``, ``lstsq``, ``multi_dot``, ``cond``, ``tensorinv``, ``tensorsolve``) are NumPy's on the
buffers. Kept from the standard where NumPy differs: ``eig``/``eigvals`` always return complex
results; ``pinv``'s default cutoff is ``max(M, N) * eps`` (NumPy: ``1e-15``).
"""
from __future__ import annotations

import types
from typing import Any

import numpy as np

from .. import linalg as _std_module
from ._convert import as_buffer, device_among, from_numpy, numpy_function, standard_signature

#: The standard's functions, taken before ``hologram_array.linalg`` re-exports ours over them.
_std = types.SimpleNamespace(**vars(_std_module))

from .functions import matmul, matrix_transpose, tensordot, vecdot  # noqa: E402,F401 (the main namespace's)

LinAlgError = np.linalg.LinAlgError

_NV = np._NoValue


def _a(x: Any) -> Any:
    from .._array import Array

    return x if isinstance(x, (Array, np.ndarray, np.generic)) else np.asarray(as_buffer(x))


def _np(fn: Any, *args: Any, **kwargs: Any) -> Any:
    return from_numpy(fn(*[as_buffer(a) for a in args], **kwargs), device_among(args))


def _unary(name: str) -> Any:
    std = getattr(_std, name)

    def f(a: Any, /) -> Any:
        return std(_a(a))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = std.__doc__
    return standard_signature(f, std)


def _binary(name: str) -> Any:
    std = getattr(_std, name)

    def f(a: Any, b: Any, /) -> Any:
        return std(_a(a), _a(b))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = std.__doc__
    return standard_signature(f, std)


det, inv, slogdet, eig, eigvals, svdvals = (_unary(n) for n in ("det", "inv", "slogdet", "eig", "eigvals",
                                                               "svdvals"))
solve, outer = _binary("solve"), _binary("outer")


def matrix_power(a: Any, n: int, /) -> Any:
    return _std.matrix_power(_a(a), n)


def cholesky(a: Any, /, *, upper: bool = False) -> Any:
    return _std.cholesky(_a(a), upper=upper)


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    return _std.cross(_a(x1), _a(x2), axis=axis)


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    return _std.diagonal(_a(x), offset=offset)


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    return _std.trace(_a(x), offset=offset, dtype=dtype)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:  # noqa: A002
    return _std.matrix_norm(_a(x), keepdims=keepdims, ord=ord)


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:  # noqa: A002
    return _std.vector_norm(_a(x), axis=axis, keepdims=keepdims, ord=ord)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False) -> Any:
    """The standard's ``svd`` (an ``SVDResult``); ``compute_uv=False`` gives the singular values
    and ``hermitian=True`` NumPy's Hermitian method, as ``numpy.linalg.svd``."""
    if compute_uv and not hermitian:
        return _std.svd(_a(a), full_matrices=full_matrices)
    return _np(np.linalg.svd, a, full_matrices=full_matrices, compute_uv=compute_uv, hermitian=hermitian)


def eigh(a: Any, UPLO: str = "L") -> Any:  # noqa: N803
    """The standard's ``eigh`` (lower triangle); ``UPLO='U'`` reads the upper one, as NumPy."""
    if UPLO == "L":
        return _std.eigh(_a(a))
    w, v = np.linalg.eigh(as_buffer(a), UPLO=UPLO)
    dev = device_among((a,))
    return _std.EighResult(from_numpy(w, dev), from_numpy(v, dev))


def eigvalsh(a: Any, UPLO: str = "L") -> Any:  # noqa: N803
    if UPLO == "L":
        return _std.eigvalsh(_a(a))
    return _np(np.linalg.eigvalsh, a, UPLO=UPLO)


def qr(a: Any, mode: str = "reduced") -> Any:
    """The standard's ``qr`` for 'reduced'/'complete'; NumPy's 'r' mode (R only) too. NumPy's
    'raw' (LAPACK's internal format) raises ``ValueError``, as the standard's ``qr``."""
    if mode != "r":
        return _std.qr(_a(a), mode=mode)
    return _np(np.linalg.qr, a, mode=mode)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """The standard's ``pinv`` (default cutoff ``max(M, N) * eps``); ``rcond``/``hermitian`` as NumPy's."""
    if rcond is None and not hermitian:
        return _std.pinv(_a(a), rtol=rtol)
    kw = {} if rtol is None else {"rtol": as_buffer(rtol)}
    return _np(np.linalg.pinv, a, rcond=1e-15 if rcond is None else as_buffer(rcond), hermitian=hermitian, **kw)


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:  # noqa: N803
    if tol is None and not hermitian:
        return _std.matrix_rank(_a(A), rtol=rtol)
    return _np(np.linalg.matrix_rank, A, tol=None if tol is None else as_buffer(tol), hermitian=hermitian,
               rtol=None if rtol is None else as_buffer(rtol))


for _f, _name in ((svd, "svd"), (eigh, "eigh"), (eigvalsh, "eigvalsh"), (qr, "qr"), (pinv, "pinv"),
                  (matrix_rank, "matrix_rank"), (matrix_power, "matrix_power"), (cholesky, "cholesky"),
                  (cross, "cross"), (diagonal, "diagonal"), (trace, "trace"), (matrix_norm, "matrix_norm"),
                  (vector_norm, "vector_norm")):
    standard_signature(_f, getattr(_std, _name))

norm = numpy_function(np.linalg.norm, "norm")
lstsq = numpy_function(np.linalg.lstsq, "lstsq")
multi_dot = numpy_function(np.linalg.multi_dot, "multi_dot")
cond = numpy_function(np.linalg.cond, "cond")
tensorinv = numpy_function(np.linalg.tensorinv, "tensorinv")
tensorsolve = numpy_function(np.linalg.tensorsolve, "tensorsolve")

__all__ = [
    "LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh",
    "inv", "lstsq", "matmul", "matrix_transpose", "tensordot", "vecdot", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "outer", "pinv",
    "qr", "slogdet", "solve", "svd", "svdvals", "tensorinv", "tensorsolve", "trace", "vector_norm",
]
