"""Type promotion: NumPy 2 (NEP 50) rules, which contain the standard's table.

Python scalars are *weak*: they take the dtype of the array they meet
(``uint8 + 1`` stays uint8, ``float32 * 0.1`` stays float32) and a Python int
that does not fit an integer array's dtype raises ``OverflowError``, exactly as
NumPy 2 does. We ask NumPy itself (``ufunc.resolve_dtypes``), so the two can
never disagree; answers are cached by the operand signature.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ._dtypes import BOOL, PYTHON_SCALAR_DTYPES, as_dtype

PY_SCALARS = (builtins.bool, int, float, complex)


def is_python_scalar(x: object) -> builtins.bool:
    return type(x) in PY_SCALARS


def weak_token(x: object) -> Any:
    """The token ``resolve_dtypes`` takes for a Python scalar: its type, but bool is strong."""
    t = type(x)
    if t is builtins.bool:
        return BOOL
    return t


def check_int_fits(value: int, dtype: np.dtype) -> None:
    """NumPy 2 raises ``OverflowError`` when a Python int does not fit the array's integer dtype."""
    info = np.iinfo(dtype)
    if value < info.min or value > info.max:
        raise OverflowError(f"Python integer {value} out of bounds for {dtype}")


def result_type(*arrays_and_dtypes: object) -> np.dtype:
    """The standard's ``result_type``: arrays, dtypes and (2023.12+) Python scalars.

    Python scalars are weak; at least one array or dtype is required.
    """
    strong = []
    weak = []
    for a in arrays_and_dtypes:
        if is_python_scalar(a):
            weak.append(a)
        elif hasattr(a, "dtype") and not isinstance(a, (type, np.dtype)):
            strong.append(as_dtype(a.dtype))
        else:
            strong.append(as_dtype(a))
    if not strong:
        if not weak:
            raise ValueError("result_type: at least one array or dtype is required")
        raise TypeError("result_type: at least one array or dtype is required besides Python scalars")
    # NumPy 2's result_type treats Python scalars as weak.
    return np.result_type(*strong, *weak)


def python_scalar_dtype(x: object) -> np.dtype:
    """The dtype a lone Python scalar becomes (bool, int64, float64, complex128)."""
    return PYTHON_SCALAR_DTYPES[type(x)]
