"""Searching functions of the Array API standard, computed with NumPy.

``where`` is element-wise and recorded lazily: it lives with the element-wise
functions and is re-exported here.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _devices
from ._array import Array
from ._dtypes import DEFAULT_INDEX
from ._elementwise_functions import where
from ._nonelementwise import buf, device_of, fused_reduction, wrap, wrap_all
from ._promotion import is_python_scalar

__all__ = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where"]


def _fused_arg(x: Any, kind: str, axis: Any, keepdims: bool) -> Array | None:
    """argmax/argmin of a lazy expression chunk by chunk (axis None or the last axis), or None.
    Only a single integer axis: anything else goes to NumPy, which raises its own error."""
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, (int, np.integer))):
        return None
    return fused_reduction(x, kind, axis, None, keepdims=keepdims)


def argmax(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the first maximum (flattened if ``axis`` is None); NaN counts as the maximum (NumPy)."""
    fused = _fused_arg(x, "argmax", axis, keepdims)
    if fused is not None:
        return fused
    return wrap(np.argmax(buf(x, "argmax"), axis=axis, keepdims=keepdims), device_of(x))


def argmin(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the first minimum (flattened if ``axis`` is None); NaN counts as the minimum (NumPy)."""
    fused = _fused_arg(x, "argmin", axis, keepdims)
    if fused is not None:
        return fused
    return wrap(np.argmin(buf(x, "argmin"), axis=axis, keepdims=keepdims), device_of(x))


def count_nonzero(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Number of non-zero elements, in the default index dtype (always an array, never an int)."""
    res = np.count_nonzero(buf(x, "count_nonzero"), axis=axis, keepdims=keepdims)
    return wrap(_devices.as_buffer(res, DEFAULT_INDEX), device_of(x))


def nonzero(x: Array, /) -> tuple[Array, ...]:
    """Indices of the non-zero elements, one array per axis; a 0-d input raises ``ValueError``."""
    return wrap_all(np.nonzero(buf(x, "nonzero")), device_of(x))


def searchsorted(x1: Array, x2: Array | int | float, /, *, side: str = "left",
                 sorter: Array | None = None) -> Array:
    """Insertion indices of ``x2`` into the sorted 1-D ``x1``.

    Differs from NumPy: a Python scalar ``x2`` is *weak* (the standard's
    scalar rules): it is first converted to ``x1``'s dtype when it fits
    (NumPy would compare in float64 against a float32 ``x1``).
    """
    a = buf(x1, "searchsorted", "x1")
    if a.ndim != 1:
        raise ValueError(f"searchsorted: x1 must be 1-dimensional, got {a.ndim} dimensions")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if is_python_scalar(x2):
        v: Any = x2
        try:
            v = np.asarray(x2, dtype=np.result_type(a.dtype, x2))
        except (OverflowError, TypeError, ValueError):
            pass  # out of range for x1's dtype: NumPy's comparison still gives the right index
    else:
        v = buf(x2, "searchsorted", "x2")
    s = None if sorter is None else buf(sorter, "searchsorted", "sorter")
    return wrap(np.searchsorted(a, v, side=side, sorter=s), device_of(x1, x2, sorter))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
