"""Utility functions of the Array API standard (all, any, diff), computed with NumPy."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._array import Array
from ._nonelementwise import buf, device_of, fused_reduction, wrap
from ._promotion import is_python_scalar

__all__ = ["all", "any", "diff"]


def all(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:  # noqa: A001
    """Logical AND reduction (True when empty); always a bool array."""
    fused = fused_reduction(x, "all", axis, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.all(buf(x, "all"), axis=axis, keepdims=keepdims), device_of(x))


def any(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:  # noqa: A001
    """Logical OR reduction (False when empty); always a bool array."""
    fused = fused_reduction(x, "any", axis, keepdims=keepdims)
    if fused is not None:
        return fused
    return wrap(np.any(buf(x, "any"), axis=axis, keepdims=keepdims), device_of(x))


def diff(x: Array, /, *, axis: int = -1, n: int = 1, prepend: Array | None = None,
         append: Array | None = None) -> Array:
    """``n``-th forward difference along ``axis``, after joining ``prepend``/``append`` (arrays).

    As NumPy: boolean input gives ``x[i+1] != x[i]``; ``n < 0`` raises ``ValueError``;
    ``prepend``/``append`` may also be Python scalars (broadcast along ``axis``), a
    NumPy extra the standard does not require.
    """
    kwargs: dict[str, Any] = {}
    for key, val in (("prepend", prepend), ("append", append)):
        if val is not None:
            kwargs[key] = val if is_python_scalar(val) else buf(val, "diff", key)
    return wrap(np.diff(buf(x, "diff"), n=n, axis=axis, **kwargs), device_of(x, prepend, append))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
