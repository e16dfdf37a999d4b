"""NumPy's dtype machinery, scalar types, constants and floating-point error state, re-exported.

They are NumPy's own objects (the namespace's dtypes already are NumPy's), so
``hologram_array.dtype("int16") == numpy.dtype("int16")``, ``a.dtype.itemsize`` works, and
``errstate``/``seterr`` set the one state both NumPy and our executors obey (the compiled
kernels re-run NumPy for categories the caller's ``errstate`` does not ignore).
"""
from __future__ import annotations

import numpy as np

from .._array import Array

_NAMES = (
    # dtype objects and the scalar type hierarchy
    "dtype", "generic", "number", "integer", "signedinteger", "unsignedinteger", "inexact",
    "floating", "complexfloating", "character", "flexible", "bool_", "int_", "intp", "uintp",
    "uint", "intc", "uintc", "short", "ushort", "byte", "ubyte", "long", "ulong", "longlong",
    "ulonglong", "half", "single", "double", "longdouble", "csingle", "cdouble", "clongdouble",
    "float128", "complex256", "object_", "str_", "bytes_", "void", "datetime64", "timedelta64",
    "busday_count", "datetime_as_string", "datetime_data",
    # dtype functions
    "issubdtype", "promote_types", "min_scalar_type", "common_type", "mintypecode", "typename",
    "format_float_positional", "format_float_scientific",
    # printing and error state
    "set_printoptions", "get_printoptions", "printoptions", "errstate", "seterr", "geterr",
    "seterrcall", "geterrcall", "getbufsize", "setbufsize",
    # constants
    "euler_gamma",
    # classes that come back from functions
    "poly1d", "vectorize", "frompyfunc", "ndindex", "ndenumerate", "nditer", "broadcast",
    "memmap", "recarray", "matrix",
)
__all__ = [n for n in _NAMES if hasattr(np, n)] + ["ndarray"]
globals().update({n: getattr(np, n) for n in __all__ if n != "ndarray"})

#: ``isinstance(x, hologram_array.ndarray)`` holds for the namespace's arrays (which are not
#: NumPy ndarrays); construct arrays with ``array``/``zeros``/``empty``, not ``ndarray(shape)``.
ndarray = Array
