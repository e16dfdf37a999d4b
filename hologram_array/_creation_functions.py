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
