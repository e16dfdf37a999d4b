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
    """Wrap a NumPy result (an ndarray or a NumPy scalar) as an Array, without copying."""
    if type(res) is not np.ndarray:
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
        res = res.reshape((1,) * nd if where is None else x.shape[:-1] + (1,))
    return wrap(res, device_of(x))
