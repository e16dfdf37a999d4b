"""Data types: the namespace's dtype objects are NumPy's own.

Why NumPy's: an Array's buffer is a NumPy (or CuPy) ndarray, so its dtype *is* a
``numpy.dtype``; exporting NumPy's scalar types (``float32`` ...) means
``x.dtype == hologram_array.float32`` holds, ``np.float32(3)`` still builds a
scalar in drop-in scripts, and nothing has to be translated at the boundary.
"""
from __future__ import annotations

import builtins

import numpy as np

# The standard's dtypes (plus float16, which NumPy scripts use and 16-bit class
# maps need). Names are the namespace's public names.
bool = np.bool_  # noqa: A001 - the standard names it ``bool``
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
float16, float32, float64 = np.float16, np.float32, np.float64
complex64, complex128 = np.complex64, np.complex128

BOOL = np.dtype(np.bool_)
SIGNED = tuple(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
UNSIGNED = tuple(np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
INTEGRAL = SIGNED + UNSIGNED
REAL_FLOATING = tuple(np.dtype(t) for t in (np.float32, np.float64))
COMPLEX_FLOATING = tuple(np.dtype(t) for t in (np.complex64, np.complex128))
#: The dtypes the standard requires (float16 is supported but not listed here).
STANDARD = (BOOL,) + INTEGRAL + REAL_FLOATING + COMPLEX_FLOATING

DEFAULT_INT = np.dtype(np.int64)
DEFAULT_FLOAT = np.dtype(np.float64)
DEFAULT_COMPLEX = np.dtype(np.complex128)
DEFAULT_INDEX = np.dtype(np.int64)

#: Python scalar type -> the dtype a lone Python scalar becomes.
PYTHON_SCALAR_DTYPES = {
    builtins.bool: BOOL,
    int: DEFAULT_INT,
    float: DEFAULT_FLOAT,
    complex: DEFAULT_COMPLEX,
}

#: 8-bit dtypes whose chains collapse into class maps (table size per dtype). bool
#: covers all 256 bytes: a bool array may hold any nonzero byte (``u8.view(bool)``),
#: which NumPy reads as True -- the table, indexed by the raw byte, must too.
EIGHT_BIT_DOMAIN = {np.dtype(np.uint8): 256, np.dtype(np.int8): 256, BOOL: 256}

#: 16-bit dtypes whose one-input chains collapse into 65,536-entry tables (issue: NumPy computes
#: float16 in software, one rounded op at a time). bfloat16 joins when ``ml_dtypes`` is installed.
SIXTEEN_BIT_DOMAIN = {np.dtype(np.float16): 65536, np.dtype(np.int16): 65536, np.dtype(np.uint16): 65536}
try:  # optional extra (pip install "hologram_array[bf16]")
    import ml_dtypes as _ml_dtypes

    BFLOAT16: np.dtype | None = np.dtype(_ml_dtypes.bfloat16)
    SIXTEEN_BIT_DOMAIN[BFLOAT16] = 65536
except ImportError:  # pragma: no cover - depends on the environment
    BFLOAT16 = None

_KIND_SETS = {
    "bool": lambda dt: dt == BOOL,
    "signed integer": lambda dt: dt.kind == "i",
    "unsigned integer": lambda dt: dt.kind == "u",
    "integral": lambda dt: dt.kind in "iu",
    "real floating": lambda dt: dt.kind == "f",
    "complex floating": lambda dt: dt.kind == "c",
    "numeric": lambda dt: dt.kind in "iufc",
}


def as_dtype(dtype: object) -> np.dtype:
    """Normalize anything NumPy accepts as a dtype (scalar types, strings, dtypes)."""
    if isinstance(dtype, np.dtype):
        return dtype
    try:
        return np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{dtype!r} is not a data type") from exc


def isdtype(dtype: object, kind: object) -> builtins.bool:
    """The standard's ``isdtype``: ``kind`` is a dtype, a kind name or a tuple of them."""
    if not isinstance(dtype, (np.dtype, type)):
        raise TypeError(f"isdtype: expected a dtype, got {type(dtype).__name__}")
    dt = as_dtype(dtype)
    if isinstance(kind, tuple):
        return any(isdtype(dt, k) for k in kind)
    if isinstance(kind, str):
        try:
            return _KIND_SETS[kind](dt)
        except KeyError:
            raise ValueError(f"isdtype: unknown kind {kind!r}") from None
    return dt == as_dtype(kind)


def is_numeric(dt: np.dtype) -> builtins.bool:
    return dt.kind in "biufc"
