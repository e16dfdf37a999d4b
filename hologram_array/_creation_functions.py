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
    """Wrap a NumPy result for ``device`` (on a GPU: one host-to-device copy, so values are
    NumPy's exactly -- arange/linspace/eye/full)."""
    return Array._wrap(data, _devices.as_device(device))


def _blank(fn: str, shape: Any, dtype: Any, device: Any) -> Array:
    """zeros/ones/empty made where they live (no host buffer for a GPU array)."""
    dev = _devices.as_device(device)
    if dev.host:
        return Array._wrap(getattr(np, fn)(shape, dtype=_dt(dtype)), dev)
    dt = np.dtype(np.float64) if dtype is None else np.dtype(_dt(dtype))
    with _devices.context(dev):
        return Array._wrap(getattr(_devices.module(dev), fn)(_shape_arg(shape), dtype=dt), dev)


def _shape_arg(shape: Any) -> tuple[int, ...]:
    """A shape checked as NumPy checks it (TypeError for non-integers, ValueError for
    negative sizes) before CuPy sees it."""
    import operator

    dims = (operator.index(shape),) if not isinstance(shape, (tuple, list)) else tuple(
        operator.index(d) for d in shape)
    if any(d < 0 for d in dims):
        raise ValueError("negative dimensions are not allowed")
    return dims


def _gpu_source(obj: Any) -> bool:
    """Whether ``obj`` holds GPU memory (a CuPy array, a CUDA DLPack or CUDA-array-interface
    producer such as a PyTorch GPU tensor)."""
    if _devices.is_device_buffer(obj):
        return True
    if hasattr(obj, "__cuda_array_interface__"):
        return True
    dl = getattr(obj, "__dlpack_device__", None)
    if dl is not None and not isinstance(obj, np.ndarray):
        try:
            return int(dl()[0]) in (2, 13)  # kDLCUDA, kDLCUDAManaged
        except Exception:
            return False
    return False


def _asarray_gpu(obj: Any, dt: Any, device: Any, copy: bool | None) -> Array:
    """``asarray`` of GPU memory: zero-copy onto its GPU, unless a dtype, device or ``copy=True``
    asks for a copy; ``device='cpu'`` is an explicit device-to-host copy."""
    import cupy

    data = obj if _devices.is_device_buffer(obj) else cupy.from_dlpack(obj) \
        if hasattr(obj, "__dlpack__") else cupy.asarray(obj)
    src = _devices.device_of_buffer(data)
    dev = src if device is None else _devices.as_device(device)
    needs_copy = (dt is not None and np.dtype(dt) != data.dtype) or dev != src
    if copy is False and needs_copy:
        raise ValueError("asarray: a copy is needed (dtype or device change), but copy=False")
    if dev.host:
        host = data.get()
        return Array._wrap(host if dt is None else host.astype(dt, copy=False), dev)
    with _devices.context(dev):
        if dev != src:
            data = cupy.asarray(data)  # peer copy onto ``dev``
        if dt is not None and np.dtype(dt) != data.dtype:
            data = data.astype(dt)
        elif copy and not needs_copy:
            data = data.copy()
    return Array._wrap(data, dev)


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
    elif not isinstance(obj, np.ndarray) and _gpu_source(obj):
        return _asarray_gpu(obj, dt, device, copy)
    if copy is False and device is not None and not _devices.as_device(device).host:
        raise ValueError("asarray: moving host data to a GPU needs a copy, but copy=False")
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
    return _blank("zeros", shape, dtype, device)


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> Array:
    return _blank("ones", shape, dtype, device)


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> Array:
    return _blank("empty", shape, dtype, device)


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
    so the library's value semantics keep seeing the shared memory. GPU producers (CuPy
    arrays, PyTorch CUDA tensors) are shared zero-copy as ``cuda:N`` Arrays.
    """
    dev = None if device is None else _devices.as_device(device)
    if isinstance(x, Array):
        data = x._materialize()
        if copy:
            data = data.copy()
        return Array._wrap(data, dev if dev is not None else x.device)
    if _gpu_source(x):  # GPU memory (CuPy, PyTorch CUDA tensors): zero-copy through DLPack
        return _asarray_gpu(x, None, dev, copy)
    kwargs: dict[str, Any] = {}
    if copy is not None:
        kwargs["copy"] = copy
    if dev is not None:
        if not dev.host:  # host memory to a GPU: a copy (the standard allows it unless copy=False)
            if copy is False:
                raise BufferError(f"from_dlpack: x is in host memory; device={dev} needs a copy "
                                  "(copy=False given)")
            return Array._wrap(np.from_dlpack(x), dev)
        kwargs["device"] = "cpu"
    # no device given: the producer's (the standard), here the host -- not the default device
    return Array._wrap(np.from_dlpack(x, **kwargs), dev if dev is not None else _devices.HOST)
