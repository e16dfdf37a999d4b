"""Sorting functions of the Array API standard (argsort, sort), computed with NumPy.

Differs from NumPy: ``descending=True`` is provided (NumPy has no such option)
and is stable like the ascending sort -- equal elements keep their original
order. It is computed by sorting the reversed array stably and reversing the
result, so NaNs (which NumPy sorts last) come *first* in a descending sort.
"""
from __future__ import annotations

import numpy as np

from ._array import Array
from ._nonelementwise import buf, device_of, wrap

__all__ = ["argsort", "sort"]


def argsort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """Indices that sort ``x`` along ``axis`` (stable by default; descending is stable too)."""
    data = buf(x, "argsort")
    if not descending:
        return wrap(np.argsort(data, axis=axis, stable=stable if stable else None), device_of(x))
    rev = np.flip(data, axis=axis)
    idx = np.argsort(rev, axis=axis, stable=True)
    # idx indexes the reversed array; reversing it gives descending order with ties in
    # decreasing reversed position, i.e. increasing original position.
    n = data.shape[axis]
    return wrap(np.flip(n - 1 - idx, axis=axis), device_of(x))


def sort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """A sorted copy of ``x`` along ``axis`` (stable by default; descending is stable too)."""
    data = buf(x, "sort")
    if not descending:
        return wrap(np.sort(data, axis=axis, stable=stable if stable else None), device_of(x))
    res = np.flip(np.sort(np.flip(data, axis=axis), axis=axis, stable=True), axis=axis)
    return wrap(np.ascontiguousarray(res), device_of(x))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
