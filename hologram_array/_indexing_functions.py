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


def _check_bounds_on_device(data: object, ind: object, axis: int | None, func: str) -> None:
    """CuPy's take / take_along_axis wrap an out-of-bounds index around; NumPy raises
    ``IndexError``, so on a GPU the indices are checked first (one reduction and a sync). Host
    buffers: nothing (NumPy raises itself)."""
    if type(data) is np.ndarray or getattr(ind, "size", 0) == 0:
        return
    ndim = data.ndim  # type: ignore[attr-defined]
    n = data.size if axis is None else data.shape[axis if axis >= 0 else axis + ndim]  # type: ignore[attr-defined]
    bad = (ind >= n) if ind.dtype.kind == "u" else ((ind < -n) | (ind >= n))  # type: ignore[attr-defined]
    if bool(bad.any()):
        first = int(ind[bad].ravel()[0])  # type: ignore[index]
        raise IndexError(f"{func}: index {first} is out of bounds for axis {axis or 0} with size {n}")


def take(x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
    """Elements of ``x`` at ``indices`` along ``axis`` (negative indices count from the end).

    Differs from NumPy: ``axis`` is required when ``x`` has more than one
    dimension (``ValueError``), as the standard says; NumPy would flatten.
    Out-of-bounds indices raise ``IndexError`` (NumPy).
    """
    data = buf(x, "take")
    if axis is None and data.ndim > 1:
        raise ValueError(f"take: axis is required for a {data.ndim}-dimensional array")
    ind = _indices(indices, "take")
    _check_bounds_on_device(data, ind, axis, "take")
    return wrap(np.take(data, ind, axis=axis), device_of(x, indices))


def take_along_axis(x: Array, indices: Array, /, *, axis: int = -1) -> Array:
    """Pick values along ``axis`` with an index array of the same rank (other axes broadcast)."""
    data = buf(x, "take_along_axis")
    ind = _indices(indices, "take_along_axis")
    if data.ndim:
        _check_bounds_on_device(data, ind, axis, "take_along_axis")
    return wrap(np.take_along_axis(data, ind, axis=axis), device_of(x, indices))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
