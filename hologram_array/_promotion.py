"""Type promotion: NumPy 2 (NEP 50) rules, which contain the standard's table.

Python scalars are *weak*: they take the dtype of the array they meet
(``uint8 + 1`` stays uint8, ``float32 * 0.1`` stays float32) and a Python int
that does not fit an integer array's dtype raises ``OverflowError``, exactly as
NumPy 2 does. We ask NumPy itself (``ufunc.resolve_dtypes``), so the two can
never disagree; answers are cached by the operand signature.
"""
from __future__ import annotations

import builtins
import math
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


_INT_BOUNDS: dict = {}


def int_bounds(dtype: np.dtype) -> tuple[int, int]:
    """(min, max) of an integer dtype (``np.iinfo`` costs ~1 us: computed once per dtype)."""
    b = _INT_BOUNDS.get(dtype)
    if b is None:
        info = np.iinfo(dtype)
        b = _INT_BOUNDS[dtype] = (int(info.min), int(info.max))
    return b


def check_int_fits(value: int, dtype: np.dtype) -> None:
    """NumPy 2 raises ``OverflowError`` when a Python int does not fit the array's integer dtype."""
    b = int_bounds(dtype)
    if value < b[0] or value > b[1]:
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


# ---- weak scalars on the eager small-array path ------------------------------------------------

#: Ops whose loop for ``(float array, weak Python scalar)`` is the loop for ``(float array,
#: 0-d array of the same dtype)``: the same-dtype loop NEP 50 picks (not ``ldexp``'s int loop,
#: not the bitwise ops' TypeError).
WEAK_SAME_LOOP = frozenset((
    "add", "subtract", "multiply", "divide", "floor_divide", "remainder", "pow", "maximum",
    "minimum", "fmax", "fmin", "clip", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal",
))

_WEAK_MAX = 256
#: ``np.finfo(dtype).max`` of the float dtypes, by type char (no finfo call at import).
_FLOAT_MAX = {"e": 65504.0, "f": 3.4028234663852886e38, "d": 1.7976931348623157e308}


class WeakTable(dict):
    """Weak Python scalars (floats, or ints: one table each, as ``0 == 0.0``) meeting arrays of
    one float dtype: ``table[value]`` is the operand to pass the ufunc instead of ``value``.

    NumPy converts a weak Python float/int to the float array's dtype before the loop (NEP 50);
    that conversion costs a ufunc call on a small array as much as the loop (~250 ns at 1K
    elements). When ``value`` converts *exactly* (no rounding, overflow or underflow: no
    floating-point flag, so errstate and warnings cannot tell), the converted 0-d array gives
    the same loop and bit-identical results. Such arrays are kept here (bounded) and only ever
    passed to ufuncs as inputs. Any other value -- inexact, out of the dtype's range,
    non-finite, NaN -- is its own operand, for NumPy to convert as always (inexact ones are
    kept too, so that the next lookup finds them). A value is converted the second time it is
    met (a loop over ever new scalars pays no conversions); zeros are converted but not kept
    (``0.0 == -0.0`` as keys).
    """

    __slots__ = ("dtype", "top", "zeros", "seen")

    def __init__(self, dtype: np.dtype) -> None:
        super().__init__()
        self.dtype = dtype
        #: converting a value within the largest finite one raises no overflow (the only
        #: floating-point error NumPy reports for a conversion to a float dtype)
        self.top = _FLOAT_MAX[dtype.char]
        self.zeros = (np.array(0.0, dtype=dtype), np.array(-0.0, dtype=dtype))
        self.seen: dict = {}  # values met once

    def __missing__(self, value: float | int) -> Any:
        seen = self.seen
        if value not in seen:  # first met: as it is (``0.0 in seen`` answers for -0.0 too)
            if len(seen) >= _WEAK_MAX:
                seen.clear()
            seen[value] = None
            return value
        top = self.top
        if type(value) is float:
            if value == 0.0:
                return self.zeros[1] if math.copysign(1.0, value) < 0 else self.zeros[0]
            if not -top <= value <= top:  # NaN, inf, beyond the dtype's range
                return value
        elif not -top <= value <= top or not -(1 << 53) <= value <= (1 << 53):
            return value
        z = np.array(value, dtype=self.dtype)  # within range: no overflow, no warning or error
        operand = z if float(z) == value else value
        if len(self) >= _WEAK_MAX:
            self.clear()
        self[value] = operand
        return operand


_FLOAT_DTYPES = tuple(np.dtype(t) for t in (np.float16, np.float32, np.float64))
#: float dtype -> the ``WeakTable`` of Python floats / of Python ints meeting it.
WEAK_FLOAT: dict[np.dtype, WeakTable] = {dt: WeakTable(dt) for dt in _FLOAT_DTYPES}
WEAK_INT: dict[np.dtype, WeakTable] = {dt: WeakTable(dt) for dt in _FLOAT_DTYPES}
