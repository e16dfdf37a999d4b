"""Indexing functions of the Array API standard (take, take_along_axis), computed with NumPy."""
from __future__ import annotations

import numpy as np

from ._array import Array
from ._nonelementwise import buf, device_of, wrap

__all__ = ["take", "take_along_axis"]


def _indices(indices: Array, func: str) -> np.ndarray:
    ind = buf(indices, func, "indices")
    if ind.dtype.kind not in "iu":
        raise TypeError(f"{func}: indices must have an integer dtype, got {ind.dtype}")
    return ind


def take(x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
    """Elements of ``x`` at ``indices`` along ``axis`` (negative indices count from the end).

    Differs from NumPy: ``axis`` is required when ``x`` has more than one
    dimension (``ValueError``), as the standard says; NumPy would flatten.
    Out-of-bounds indices raise ``IndexError`` (NumPy).
    """
    data = buf(x, "take")
    if axis is None and data.ndim > 1:
        raise ValueError(f"take: axis is required for a {data.ndim}-dimensional array")
    return wrap(np.take(data, _indices(indices, "take"), axis=axis), device_of(x, indices))


def take_along_axis(x: Array, indices: Array, /, *, axis: int = -1) -> Array:
    """Pick values along ``axis`` with an index array of the same rank (other axes broadcast)."""
    return wrap(np.take_along_axis(buf(x, "take_along_axis"), _indices(indices, "take_along_axis"), axis=axis),
                device_of(x, indices))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
