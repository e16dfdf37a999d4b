"""Shared plumbing for the non-element-wise chapters of the namespace.

Those functions compute eagerly with NumPy: their arguments are materialized
(``_materialize()``), NumPy does the work, and the result is wrapped without a
copy (``Array._wrap``) on the device of the input arrays. NumPy scalars become
0-d arrays. Nothing here records lazily.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _devices
from ._array import Array, materialize_many
from ._dtypes import as_dtype
from numpy.lib.array_utils import normalize_axis_tuple


def buf(x: Any, func: str, arg: str = "x") -> np.ndarray:
    """The NumPy buffer of an array argument (an Array, or a NumPy array / scalar)."""
    if isinstance(x, Array):
        return x._materialize()
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, np.generic):
        return np.asarray(x)
    raise TypeError(f"{func}: {arg} must be an array, got {type(x).__name__}")


def bufs(xs: Any, func: str, arg: str = "arrays") -> list:
    """The buffers of several array arguments; lazy ones are computed together (shared work once)."""
    lazy = [x for x in xs if isinstance(x, Array) and x.is_lazy]
    if len(lazy) > 1:
        materialize_many(lazy)
    return [buf(x, func, arg) for x in xs]


def device_of(*xs: Any) -> _devices.Device:
    """The device shared by the Arrays among ``xs`` (the default device when there are none)."""
    dev = None
    for x in xs:
        if isinstance(x, Array):
            if dev is None:
                dev = x.device
            elif x.device != dev:
                raise ValueError(f"arrays on different devices: {dev} and {x.device}")
    return dev if dev is not None else _devices.default_device()


def wrap(res: Any, device: _devices.Device) -> Array:
    """Wrap a NumPy result (an ndarray or a NumPy scalar; a CuPy array on a GPU) as an Array,
    without copying."""
    if type(res) is not np.ndarray and not _devices.is_device_buffer(res):
        res = np.asarray(res)
    return Array._wrap(res, device)


def wrap_all(results: Any, device: _devices.Device) -> tuple:
    return tuple(wrap(r, device) for r in results)


def opt_dtype(dtype: Any) -> Any:
    return None if dtype is None else as_dtype(dtype)


def arrays_arg(arrays: Any, func: str) -> list:
    """The buffers of a tuple/list of arrays (``concat``, ``stack``)."""
    if not isinstance(arrays, (tuple, list)):
        raise TypeError(f"{func}: arrays must be a tuple or list of arrays, got {type(arrays).__name__}")
    return bufs(arrays, func)


#: Set by ``compiler/trace.py`` (``@hologram_array.compile``): records a reduction of a traced
#: Array instead of computing it; returns None for any other Array.
TRACE_HOOK = None


#: Reductions ``TRACE_HOOK`` records; the others (var/std/argmax/argmin) are only fused eagerly.
_TRACED_KINDS = frozenset({"sum", "prod", "min", "max", "mean", "any", "all"})


def fused_reduction(x: Any, kind: str, axis: Any, dtype: Any = None, keepdims: bool = False,
                    correction: Any = 0.0) -> Array | None:
    """``kind`` of a lazy element-wise Array without materializing it (``compiler/reduce.py``),
    or None when that case is not fused (the caller then reduces the materialized buffer).
    ``correction``: ``var``/``std``'s divisor is ``M - correction``."""
    if TRACE_HOOK is not None and kind in _TRACED_KINDS:
        traced = TRACE_HOOK(x, kind, axis, dtype, keepdims)
        if traced is not None:
            return traced
    if not isinstance(x, Array) or not x.is_lazy:
        return None
    if not x.device.host:  # on a GPU: any axes, in one CUDA reduction kernel
        from .compiler import reduce as fused_reduce

        res = fused_reduce.reduce_gpu(x._node, kind, axis, opt_dtype(dtype), keepdims, x.device.name)
        return None if res is None else wrap(res, x.device)
    nd = len(x.shape)
    if axis is None:
        where = None
    else:
        try:
            axes = normalize_axis_tuple(axis, nd)
        except Exception:
            return None  # let NumPy raise its own error for a bad axis
        if len(set(axes)) == nd:
            where = None
        elif axes == (nd - 1,):
            where = "last"
        elif axes == (0,):
            where = "first"  # compiled kernels only (compiler/reduce.supported)
        else:
            return None
    if where == "last" and nd == 1:
        where = None
    from .compiler import reduce as fused_reduce  # the compiler loads on first use

    if not fused_reduce.supported(x._node, kind, where, correction):
        return None
    res = fused_reduce.reduce_expr(x._node, kind, where, opt_dtype(dtype), threads=x.device != _devices.WASM,
                                   correction=correction)
    if res is None:
        return None
    res = np.asarray(res)
    if keepdims:
        res = res.reshape((1,) * nd if where is None else
                          (x.shape[:-1] + (1,) if where == "last" else (1,) + x.shape[1:]))
    return wrap(res, device_of(x))


# ---- GPU arrays: functions CuPy lacks run on a host copy ---------------------------------------


def _devices_in(values: Any, found: set) -> set:
    for v in values:
        if isinstance(v, Array):
            found.add(v.device)
        elif isinstance(v, (list, tuple)):
            _devices_in(v, found)
    return found


def _moved(value: Any, device: _devices.Device) -> Any:
    if isinstance(value, Array):
        return value.to_device(device)
    if isinstance(value, tuple):
        items = [_moved(v, device) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [_moved(v, device) for v in value]
    return value


def device_fallback(fn: Any) -> Any:
    """``fn`` on GPU Arrays: NumPy's function reaches CuPy's through ``__array_function__``;
    where CuPy lacks it or a keyword (``TypeError``/``NotImplementedError``/``AttributeError``),
    the call is repeated on host copies and the results are moved back to the GPU -- slower,
    never wrong. Errors from the host call are NumPy's own and propagate. Host Arrays: ``fn``
    itself, one ``try`` more."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (TypeError, NotImplementedError, AttributeError):
            found = _devices_in(kwargs.values(), _devices_in(args, set()))
            gpus = [d for d in found if not d.host]
            if not gpus:
                raise
            if len(found) > 1:
                raise ValueError(f"{getattr(fn, '__name__', 'function')}: arrays on different devices: "
                                 f"{sorted(d.name for d in found)}") from None
            gpu = gpus[0]
        host = _devices.HOST
        res = fn(*_moved(args, host), **{k: _moved(v, host) for k, v in kwargs.items()})
        return _moved(res, gpu)

    wrapper._device_fallback = True  # type: ignore[attr-defined]
    return wrapper


def wrap_module(namespace: dict, names: Any) -> None:
    """Apply ``device_fallback`` to the public functions ``names`` of a namespace module -- only
    where CuPy is installed: the wrapper costs ~0.4 us a call, and without CuPy there is no GPU
    Array for it to serve."""
    if not _devices.cupy_installed():
        return
    for name in names:
        fn = namespace[name]
        if callable(fn) and not getattr(fn, "_device_fallback", False):  # re-exports stay identical
            namespace[name] = device_fallback(fn)
