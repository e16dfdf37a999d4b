"""Creation functions of the Array API standard: new concrete Arrays.

They build NumPy buffers (NumPy's own dtype defaults and errors) and wrap them;
``asarray`` honours the standard's ``copy=`` semantics and keeps an Array that
needs no conversion as it is (lazy or not).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _devices
from ._array import Array
from ._dtypes import as_dtype
from ._elementwise_functions import astype
from ._nonelementwise import buf, bufs, device_of, wrap, wrap_all


def _dt(dtype: Any) -> Any:
    return None if dtype is None else as_dtype(dtype)


def _wrap(data: np.ndarray, device: Any) -> Array:
    return Array._wrap(data, _devices.as_device(device))


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Array:
    """Convert to an Array. ``copy=True`` always copies; ``copy=False`` never (else ValueError)."""
    dt = _dt(dtype)
    if isinstance(obj, Array):
        if device is not None and _devices.as_device(device) != obj.device:
            if copy is False:
                raise ValueError("asarray: changing the device needs a copy, but copy=False")
            obj = obj.to_device(device)
        if dt is not None and dt != obj.dtype:
            if copy is False:
                raise ValueError(f"asarray: casting {obj.dtype} to {dt} needs a copy, but copy=False")
            return astype(obj, dt)
        return astype(obj, obj.dtype) if copy else obj
    if isinstance(obj, (list, tuple)):
        obj = _unwrap_nested(obj)
    if copy is False:
        data = np.asarray(obj, dtype=dt, copy=False)
    else:
        data = np.array(obj, dtype=dt, copy=bool(copy)) if copy else np.asarray(obj, dtype=dt)
    return _wrap(data, device)


def _unwrap_nested(seq: Any) -> Any:
    """Nested sequences may hold Arrays: give NumPy their buffers."""
    if isinstance(seq, Array):
        return seq._materialize()
    if isinstance(seq, (list, tuple)):
        return type(seq)(_unwrap_nested(s) for s in seq)
    return seq


def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> Array:
    return _wrap(np.zeros(shape, dtype=_dt(dtype)), device)


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> Array:
    return _wrap(np.ones(shape, dtype=_dt(dtype)), device)


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> Array:
    return _wrap(np.empty(shape, dtype=_dt(dtype)), device)


def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Array:
    if isinstance(fill_value, Array):
        fill_value = fill_value._materialize()
    return _wrap(np.full(shape, fill_value, dtype=_dt(dtype)), device)


def _like(x: Array, dtype: Any, device: Any) -> tuple[Any, Any]:
    return (x.dtype if dtype is None else as_dtype(dtype)), (x.device if device is None else device)


def zeros_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    dt, dev = _like(x, dtype, device)
    return zeros(x.shape, dtype=dt, device=dev)


def ones_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    dt, dev = _like(x, dtype, device)
    return ones(x.shape, dtype=dt, device=dev)


def empty_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    dt, dev = _like(x, dtype, device)
    return empty(x.shape, dtype=dt, device=dev)


def full_like(x: Array, /, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Array:
    dt, dev = _like(x, dtype, device)
    return full(x.shape, fill_value, dtype=dt, device=dev)


def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None) -> Array:
    if stop is None:
        start, stop = 0, start
    return _wrap(np.arange(start, stop, step, dtype=_dt(dtype)), device)


def linspace(start: Any, stop: Any, /, num: int, *, dtype: Any = None, device: Any = None,
             endpoint: bool = True) -> Array:
    return _wrap(np.linspace(start, stop, num, dtype=_dt(dtype), endpoint=endpoint), device)


def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None, device: Any = None) -> Array:
    return _wrap(np.eye(n_rows, n_cols, k=k, dtype=_dt(dtype)), device)


# ---- the rest of the standard's creation functions (computed with NumPy) ---------------


def meshgrid(*arrays: Array, indexing: str = "xy") -> tuple[Array, ...]:
    """Coordinate matrices from 1-D coordinate vectors; a tuple (the 2025.12 standard), as NumPy 2."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    return wrap_all(np.meshgrid(*bufs(arrays, "meshgrid"), indexing=indexing), device_of(*arrays))


def tril(x: Array, /, *, k: int = 0) -> Array:
    """Lower triangle (on and below diagonal ``k``) of each matrix in ``x``; a new array."""
    return wrap(np.tril(buf(x, "tril"), k=k), device_of(x))


def triu(x: Array, /, *, k: int = 0) -> Array:
    """Upper triangle (on and above diagonal ``k``) of each matrix in ``x``; a new array."""
    return wrap(np.triu(buf(x, "triu"), k=k), device_of(x))


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Array:
    """An Array over the data of any object with ``__dlpack__`` (NumPy's ``from_dlpack``).

    An Array of this library is not round-tripped through a DLPack capsule: its
    buffer is shared directly (``copy=None``/``False``) or copied (``copy=True``),
    so the library's value semantics keep seeing the shared memory. ``device``
    must be one of this library's (host-memory) devices.
    """
    dev = None if device is None else _devices.as_device(device)
    if isinstance(x, Array):
        data = x._materialize()
        if copy:
            data = data.copy()
        return Array._wrap(data, dev if dev is not None else x.device)
    kwargs: dict[str, Any] = {}
    if copy is not None:
        kwargs["copy"] = copy
    if dev is not None:
        kwargs["device"] = "cpu"
    return Array._wrap(np.from_dlpack(x, **kwargs), dev if dev is not None else _devices.default_device())
