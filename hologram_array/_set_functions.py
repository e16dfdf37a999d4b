"""Set functions of the Array API standard, computed with NumPy 2's ``unique_*`` and ``isin``.

Each NaN is its own unique value (count 1), as the standard says; signed zeros
are one value. Results are namedtuples of Arrays with the standard's field
names; ``inverse_indices`` has ``x``'s shape.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._array import Array
from ._nonelementwise import buf, device_of, wrap
from ._promotion import is_python_scalar

__all__ = ["isin", "unique_all", "unique_counts", "unique_inverse", "unique_values",
           "UniqueAllResult", "UniqueCountsResult", "UniqueInverseResult"]


class UniqueAllResult(NamedTuple):
    values: Array
    indices: Array
    inverse_indices: Array
    counts: Array


class UniqueCountsResult(NamedTuple):
    values: Array
    counts: Array


class UniqueInverseResult(NamedTuple):
    values: Array
    inverse_indices: Array


def isin(x1: Array | int, x2: Array | int, /, *, invert: bool = False) -> Array:
    """Whether each element of ``x1`` is (``invert``: is not) in ``x2``, by value equality.

    Either argument may be a Python int, but not both (``TypeError``); a scalar
    ``x1`` gives a 0-d result.
    """
    if is_python_scalar(x1) and is_python_scalar(x2):
        raise TypeError("isin: at least one of x1, x2 must be an array")
    a = x1 if is_python_scalar(x1) else buf(x1, "isin", "x1")
    b = x2 if is_python_scalar(x2) else buf(x2, "isin", "x2")
    return wrap(np.isin(a, b, invert=invert), device_of(x1, x2))


def unique_all(x: Array, /) -> UniqueAllResult:
    """``(values, indices, inverse_indices, counts)`` of the flattened ``x`` (values sorted, NaNs last)."""
    r = np.unique_all(buf(x, "unique_all"))
    dev = device_of(x)
    return UniqueAllResult(wrap(r.values, dev), wrap(r.indices, dev),
                           wrap(r.inverse_indices, dev), wrap(r.counts, dev))


def unique_counts(x: Array, /) -> UniqueCountsResult:
    """``(values, counts)`` of the flattened ``x``."""
    r = np.unique_counts(buf(x, "unique_counts"))
    dev = device_of(x)
    return UniqueCountsResult(wrap(r.values, dev), wrap(r.counts, dev))


def unique_inverse(x: Array, /) -> UniqueInverseResult:
    """``(values, inverse_indices)``; ``values[inverse_indices]`` rebuilds ``x`` (its shape)."""
    r = np.unique_inverse(buf(x, "unique_inverse"))
    dev = device_of(x)
    return UniqueInverseResult(wrap(r.values, dev), wrap(r.inverse_indices, dev))


def unique_values(x: Array, /) -> Array:
    """The unique values of the flattened ``x``, as a 1-D array (order unspecified by the standard)."""
    return wrap(np.unique_values(buf(x, "unique_values")), device_of(x))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
