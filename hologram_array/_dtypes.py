"""Data types: the namespace's dtype objects are NumPy's own.

Why NumPy's: an Array's buffer is a NumPy (or CuPy) ndarray, so its dtype *is* a
``numpy.dtype``; exporting NumPy's scalar types (``float32`` ...) means
``x.dtype == hologram_array.float32`` holds, ``np.float32(3)`` still builds a
scalar in drop-in scripts, and nothing has to be translated at the boundary.
"""
from __future__ import annotations

import builtins
import sys

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
#: float16 in software, one rounded op at a time). bfloat16 joins once ``ml_dtypes`` has been
#: imported -- by the user, whose bfloat16 data needs it: see ``bfloat16()``. Readers that may meet
#: bfloat16 go through ``sixteen_bit_domain()``.
SIXTEEN_BIT_DOMAIN = {np.dtype(np.float16): 65536, np.dtype(np.int16): 65536, np.dtype(np.uint16): 65536}

_bfloat16: np.dtype | None = None


def bfloat16() -> np.dtype | None:
    """ml_dtypes' bfloat16 dtype, or None while ``ml_dtypes`` is not imported (optional extra:
    pip install "hologram_array[bf16]").

    ``import hologram_array`` does not import ml_dtypes (it costs several hundred ms): an array
    of bfloat16 can only exist once its program has imported ml_dtypes, so this looks the module
    up in ``sys.modules`` and re-checks on every call until it is there (then caches the dtype)."""
    global _bfloat16
    if _bfloat16 is None:
        mod = sys.modules.get("ml_dtypes")
        bf16 = getattr(mod, "bfloat16", None)  # None too while ml_dtypes is half-imported
        if bf16 is not None:
            _bfloat16 = np.dtype(bf16)
            SIXTEEN_BIT_DOMAIN[_bfloat16] = 65536
    return _bfloat16


def sixteen_bit_domain() -> dict:
    """``SIXTEEN_BIT_DOMAIN``, with bfloat16 in it if ml_dtypes has been imported."""
    if _bfloat16 is None:
        bfloat16()
    return SIXTEEN_BIT_DOMAIN


def __getattr__(name: str):
    # ``BFLOAT16``: the old eager constant, for callers that ask for it by name (tests, benchmarks);
    # asking imports ml_dtypes if it is installed. The package itself calls ``bfloat16()``.
    if name == "BFLOAT16":
        try:
            import ml_dtypes  # noqa: F401
        except ImportError:  # pragma: no cover - depends on the environment
            return None
        return bfloat16()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
