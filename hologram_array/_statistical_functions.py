"""Statistical functions of the Array API standard (reductions), computed with NumPy.

NumPy's dtype rules are the standard's: ``sum``/``prod``/``cumulative_*`` of a
smaller integer dtype accumulate in the default (u)int64, ``mean``/``var``/``std``
of integers give float64, floating dtypes are kept. Differences from NumPy are
noted per function.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from . import _devices
from ._array import Array
from ._nonelementwise import buf, device_of, fused_reduction, opt_dtype, wrap

__all__ = ["cumulative_prod", "cumulative_sum", "max", "mean", "min", "prod", "std", "sum", "var"]

_Axis = Any  # int | tuple[int, ...] | None


def cumulative_sum(x: Array, /, *, axis: int | None = None, dtype: Any = None,
                   include_initial: bool = False) -> Array:
    """Running sums along ``axis`` (required for ndim > 1); ``include_initial`` prepends 0."""
    return wrap(np.cumulative_sum(buf(x, "cumulative_sum"), axis=axis, dtype=opt_dtype(dtype),
                                  include_initial=include_initial), device_of(x))


def cumulative_prod(x: Array, /, *, axis: int | None = None, dtype: Any = None,
                    include_initial: bool = False) -> Array:
    """Running products along ``axis`` (required for ndim > 1); ``include_initial`` prepends 1."""
    return wrap(np.cumulative_prod(buf(x, "cumulative_prod"), axis=axis, dtype=opt_dtype(dtype),
                                   include_initial=include_initial), device_of(x))


def max(x: Array, /, *, axis: _Axis = None, keepdims: bool = False) -> Array:  # noqa: A001
    """Maximum (NaNs propagate); an empty reduction raises ``ValueError`` (NumPy)."""
    fused = fused_reduction(x, "max", axis, None, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.max(buf(x, "max"), axis=axis, keepdims=keepdims), device_of(x))


def min(x: Array, /, *, axis: _Axis = None, keepdims: bool = False) -> Array:  # noqa: A001
    """Minimum (NaNs propagate); an empty reduction raises ``ValueError`` (NumPy)."""
    fused = fused_reduction(x, "min", axis, None, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.min(buf(x, "min"), axis=axis, keepdims=keepdims), device_of(x))


def mean(x: Array, /, *, axis: _Axis = None, keepdims: bool = False) -> Array:
    """Arithmetic mean (float64 for integer input; NaN with a RuntimeWarning when empty)."""
    fused = fused_reduction(x, "mean", axis, None, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.mean(buf(x, "mean"), axis=axis, keepdims=keepdims), device_of(x))


def prod(x: Array, /, *, axis: _Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:
    """Product (1 when empty)."""
    fused = fused_reduction(x, "prod", axis, dtype, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.prod(buf(x, "prod"), axis=axis, dtype=opt_dtype(dtype), keepdims=keepdims), device_of(x))


def sum(x: Array, /, *, axis: _Axis = None, dtype: Any = None, keepdims: bool = False) -> Array:  # noqa: A001
    """Sum (0 when empty)."""
    fused = fused_reduction(x, "sum", axis, dtype, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.sum(buf(x, "sum"), axis=axis, dtype=opt_dtype(dtype), keepdims=keepdims), device_of(x))


def _count(data: np.ndarray, axis: _Axis) -> int:
    if axis is None:
        return data.size
    return math.prod(data.shape[a] for a in normalize_axis_tuple(axis, data.ndim))


def _moment(fn: Any, name: str, x: Array, axis: _Axis, correction: float, keepdims: bool) -> Array:
    fused = fused_reduction(x, name, axis, None, keepdims=keepdims, correction=correction)
    if fused is not None:
        return fused  # a lazy expression's var/std chunk by chunk (M - correction > 0 only)
    data = buf(x, name)
    res = _devices.as_buffer(fn(data, axis=axis, ddof=correction, keepdims=keepdims))
    if np.intp(_count(data, axis)) - correction <= 0:  # intp, as NumPy: np.int8(3) must not overflow
        res = np.full_like(res, np.nan)  # the standard: NaN (NumPy may give inf)
    return wrap(res, device_of(x))


def var(x: Array, /, *, axis: _Axis = None, correction: int | float = 0.0, keepdims: bool = False) -> Array:
    """Variance with divisor ``M - correction``.

    Differs from NumPy: when ``M - correction <= 0`` the result is NaN (the
    standard), where NumPy can give ``inf``; NumPy's RuntimeWarning is kept.
    """
    return _moment(np.var, "var", x, axis, correction, keepdims)


def std(x: Array, /, *, axis: _Axis = None, correction: int | float = 0.0, keepdims: bool = False) -> Array:
    """Standard deviation with divisor ``M - correction`` (NaN when ``M - correction <= 0``, as ``var``)."""
    return _moment(np.std, "std", x, axis, correction, keepdims)


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
