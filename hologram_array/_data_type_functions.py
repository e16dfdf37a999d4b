"""Data type functions of the Array API standard: can_cast, finfo, iinfo, result_type, isdtype.

``astype`` (also in this chapter) is recorded lazily, so it lives with the
element-wise functions; it is re-exported here.
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._array import Array
from ._dtypes import as_dtype, isdtype
from ._elementwise_functions import astype
from ._promotion import is_python_scalar, result_type

__all__ = ["astype", "can_cast", "finfo", "finfo_object", "iinfo", "iinfo_object", "isdtype", "result_type"]


def _dtype_of(type_or_array: Any, func: str) -> np.dtype:
    if isinstance(type_or_array, (Array, np.ndarray, np.generic)):
        return type_or_array.dtype
    if is_python_scalar(type_or_array) or type_or_array is None:
        raise TypeError(f"{func}: expected a dtype or an array, got {type(type_or_array).__name__}")
    return as_dtype(type_or_array)


def can_cast(from_: Any, to: Any, /) -> builtins.bool:
    """Whether ``from_`` (a dtype or an array) can be cast to ``to`` under NumPy's "safe" rule.

    NumPy's safe casting contains the standard's promotion lattice; it also
    allows the cross-kind casts the standard leaves unspecified (int -> float).
    Python scalars raise ``TypeError`` (as in NumPy 2).
    """
    return builtins.bool(np.can_cast(_dtype_of(from_, "can_cast"), as_dtype(to)))


@dataclass(frozen=True)
class finfo_object:  # noqa: N801 - the standard's name
    """Machine limits of a floating-point dtype; values are Python floats (the standard).

    ``tiny``, ``resolution`` and ``precision`` are NumPy's extra attributes.
    """

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: np.dtype
    tiny: float
    resolution: float
    precision: int


@dataclass(frozen=True)
class iinfo_object:  # noqa: N801 - the standard's name
    """Machine limits of an integer dtype; values are Python ints."""

    bits: int
    max: int
    min: int
    dtype: np.dtype


def finfo(type: Any, /) -> finfo_object:  # noqa: A002 - the standard's name
    """Limits of a real or complex floating dtype (for complex: of its real component).

    Differs from NumPy: the values are Python floats (NumPy gives NumPy scalars).
    Non-floating dtypes raise ``ValueError`` (as NumPy does).
    """
    fi = np.finfo(_dtype_of(type, "finfo"))
    return finfo_object(
        bits=int(fi.bits), eps=float(fi.eps), max=float(fi.max), min=float(fi.min),
        smallest_normal=float(fi.smallest_normal), dtype=np.dtype(fi.dtype), tiny=float(fi.tiny),
        resolution=float(fi.resolution), precision=int(fi.precision),
    )


def iinfo(type: Any, /) -> iinfo_object:  # noqa: A002 - the standard's name
    """Limits of an integer dtype. Non-integer dtypes raise ``ValueError`` (as NumPy does)."""
    ii = np.iinfo(_dtype_of(type, "iinfo"))
    return iinfo_object(bits=int(ii.bits), max=int(ii.max), min=int(ii.min), dtype=np.dtype(ii.dtype))
