"""Reductions with NumPy's signatures: ``sum(a, axis=None, dtype=None, out=None, keepdims=False,
initial=..., where=...)`` and friends, plus NumPy-only ``cumsum``/``cumprod``/``ptp``/``nan*``...

A call the standard also allows (no ``out=``, ``where=``, ``initial=``, ``ddof``) goes to the
standard's function, so it keeps the standard's behaviour: a 0-d Array for a full reduction, and
a lazy element-wise argument is reduced chunk by chunk without a temporary (fused reductions).
Other calls run NumPy's function on the buffers; ``out=`` Arrays are written in place.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _searching_functions as _search
from .. import _statistical_functions as _stat
from .. import _utility_functions as _util
from .._array import Array
from .._nonelementwise import wrap
from ._convert import as_buffer, call_with_out, device_among, numpy_function, to_numpy

_NV = np._NoValue

__all__ = [
    "sum", "prod", "mean", "std", "var", "max", "min", "amax", "amin", "all", "any", "argmax",
    "argmin", "cumsum", "cumprod", "ptp", "median", "average", "percentile", "quantile",
    "nansum", "nanprod", "nanmean", "nanstd", "nanvar", "nanmax", "nanmin", "nanargmax",
    "nanargmin", "nancumsum", "nancumprod", "nanmedian", "nanpercentile", "nanquantile",
    "count_nonzero", "cumulative_sum", "cumulative_prod",
]


def _array(a: Any) -> Any:
    """Arrays (and ndarrays) as they are; other array-likes (lists, scalars) through NumPy."""
    if isinstance(a, (Array, np.ndarray, np.generic)):
        return a
    return np.asarray(as_buffer(a))


def _numpy(fn: Any, a: Any, out: Any, **kwargs: Any) -> Any:
    kwargs = {k: to_numpy(v) for k, v in kwargs.items() if v is not _NV}
    if out is not None:
        return call_with_out(fn, out, as_buffer(a), **kwargs)
    return wrap(fn(as_buffer(a), **kwargs), device_among((a,)))


def _kd(keepdims: Any) -> bool:
    return False if keepdims is _NV else bool(keepdims)


def sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NV,  # noqa: A001
        initial: Any = _NV, where: Any = _NV) -> Any:
    """NumPy's ``sum``; the standard's (fused when lazy) when neither ``out``, ``initial`` nor ``where``."""
    if out is None and initial is _NV and where is _NV:
        return _stat.sum(_array(a), axis=axis, dtype=dtype, keepdims=_kd(keepdims))
    return _numpy(np.sum, a, out, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def prod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NV,
         initial: Any = _NV, where: Any = _NV) -> Any:
    """NumPy's ``prod``; the standard's when neither ``out``, ``initial`` nor ``where``."""
    if out is None and initial is _NV and where is _NV:
        return _stat.prod(_array(a), axis=axis, dtype=dtype, keepdims=_kd(keepdims))
    return _numpy(np.prod, a, out, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NV, *,
         where: Any = _NV) -> Any:
    """NumPy's ``mean``; the standard's when neither ``dtype``, ``out`` nor ``where``."""
    if out is None and dtype is None and where is _NV:
        return _stat.mean(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.mean, a, out, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


def _moment(std_fn: Any, np_fn: Any, a: Any, axis: Any, dtype: Any, out: Any, ddof: Any, keepdims: Any,
            where: Any, mean: Any, correction: Any) -> Any:
    if out is None and dtype is None and where is _NV and mean is _NV and not ddof:
        corr = 0.0 if correction is _NV else correction
        return std_fn(_array(a), axis=axis, correction=corr, keepdims=_kd(keepdims))
    return _numpy(np_fn, a, out, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where,
                  mean=mean if mean is _NV else as_buffer(mean), correction=correction)


def std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = _NV, *,
        where: Any = _NV, mean: Any = _NV, correction: Any = _NV) -> Any:
    """NumPy's ``std`` (``ddof``); the standard's (``correction``) for a call the standard allows."""
    return _moment(_stat.std, np.std, a, axis, dtype, out, ddof, keepdims, where, mean, correction)


def var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = _NV, *,
        where: Any = _NV, mean: Any = _NV, correction: Any = _NV) -> Any:
    """NumPy's ``var`` (``ddof``); the standard's (``correction``) for a call the standard allows."""
    return _moment(_stat.var, np.var, a, axis, dtype, out, ddof, keepdims, where, mean, correction)


def max(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NV, initial: Any = _NV,  # noqa: A001
        where: Any = _NV) -> Any:
    """NumPy's ``max``; the standard's when neither ``out``, ``initial`` nor ``where``."""
    if out is None and initial is _NV and where is _NV:
        return _stat.max(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.max, a, out, axis=axis, keepdims=keepdims, initial=initial, where=where)


def min(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NV, initial: Any = _NV,  # noqa: A001
        where: Any = _NV) -> Any:
    """NumPy's ``min``; the standard's when neither ``out``, ``initial`` nor ``where``."""
    if out is None and initial is _NV and where is _NV:
        return _stat.min(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.min, a, out, axis=axis, keepdims=keepdims, initial=initial, where=where)


amax, amin = max, min


def all(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NV, *, where: Any = _NV) -> Any:  # noqa: A001
    """NumPy's ``all``; the standard's when neither ``out`` nor ``where``."""
    if out is None and where is _NV:
        return _util.all(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.all, a, out, axis=axis, keepdims=keepdims, where=where)


def any(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NV, *, where: Any = _NV) -> Any:  # noqa: A001
    """NumPy's ``any``; the standard's when neither ``out`` nor ``where``."""
    if out is None and where is _NV:
        return _util.any(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.any, a, out, axis=axis, keepdims=keepdims, where=where)


def argmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = _NV) -> Any:
    """NumPy's ``argmax`` (first occurrence; NaN counts as the maximum)."""
    if out is None:
        return _search.argmax(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.argmax, a, out, axis=axis, keepdims=keepdims)


def argmin(a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = _NV) -> Any:
    """NumPy's ``argmin`` (first occurrence; NaN counts as the minimum)."""
    if out is None:
        return _search.argmin(_array(a), axis=axis, keepdims=_kd(keepdims))
    return _numpy(np.argmin, a, out, axis=axis, keepdims=keepdims)


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> Any:
    """The standard's ``count_nonzero`` (a 0-d Array where NumPy gives an int) on any array-like."""
    return _search.count_nonzero(_array(a), axis=axis, keepdims=keepdims)


def cumulative_sum(x: Any, /, *, axis: Any = None, dtype: Any = None, include_initial: bool = False) -> Any:
    return _stat.cumulative_sum(_array(x), axis=axis, dtype=dtype, include_initial=include_initial)


def cumulative_prod(x: Any, /, *, axis: Any = None, dtype: Any = None, include_initial: bool = False) -> Any:
    return _stat.cumulative_prod(_array(x), axis=axis, dtype=dtype, include_initial=include_initial)


for _name in ("cumsum", "cumprod", "ptp", "median", "average", "percentile", "quantile",
              "nansum", "nanprod", "nanmean", "nanstd", "nanvar", "nanmax", "nanmin", "nanargmax",
              "nanargmin", "nancumsum", "nancumprod", "nanmedian", "nanpercentile", "nanquantile"):
    globals()[_name] = numpy_function(getattr(np, _name), _name)
del _name
