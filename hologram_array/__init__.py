"""hologram_array: NumPy's results, faster -- a lazy, fusing Array API namespace.

This module only re-exports; see docs/architecture.md for where things live.
"""
from ._version import __version__
from ._array import Array
from ._config import config
from ._devices import Device
from ._dtypes import (
    bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
    float16, float32, float64, complex64, complex128, isdtype,
)
from ._promotion import result_type
from ._elementwise_functions import *  # noqa: F401,F403
from ._elementwise_functions import __all__ as _elementwise_all
from ._creation_functions import (
    arange, asarray, empty, empty_like, eye, full, full_like, linspace, ones, ones_like,
    zeros, zeros_like,
)
from ._utility import cache_info, clear_cache, explain, materialize

# --- non-element-wise namespace (chapters of the standard) -----------------------------------
from ._creation_functions import from_dlpack, meshgrid, tril, triu
from ._data_type_functions import can_cast, finfo, iinfo
from ._indexing_functions import take, take_along_axis
from ._info import __array_namespace_info__
from ._linear_algebra_functions import matmul, matrix_transpose, tensordot, vecdot
from ._manipulation_functions import (
    broadcast_arrays, broadcast_shapes, broadcast_to, concat, expand_dims, flip, moveaxis,
    permute_dims, repeat, reshape, roll, squeeze, stack, tile, unstack,
)
from ._searching_functions import argmax, argmin, count_nonzero, nonzero, searchsorted
from ._set_functions import isin, unique_all, unique_counts, unique_inverse, unique_values
from ._sorting_functions import argsort, sort
from ._statistical_functions import (
    cumulative_prod, cumulative_sum, max, mean, min, prod, std, sum, var,
)
from ._utility_functions import all, any, diff
# ``fft`` and ``linalg`` (and ``random`` below): submodules imported on first use (__getattr__).
# --- end of the non-element-wise namespace ---------------------------------------------------

# --- NumPy drop-in (docs/numpy_compat.md): NumPy's signatures as supersets of the standard's,
# ufunc objects, dtypes, random, io; other NumPy names through __getattr__ below.
from .numpy_compat.namespace import *  # noqa: F401,F403,E402

__array_api_version__ = "2025.12"

import math as _math

e = _math.e
pi = _math.pi
inf = float("inf")
nan = float("nan")
newaxis = None


#: Compile-once names (docs/compile_once.md), imported on first use: tracing costs ~20 ms of
#: import time that most programs never need.
_TRACE_NAMES = ("CompiledCircuit", "TraceError", "compile", "load_circuit")

#: Submodules imported on first use (``hologram_array.fft`` ...), so that ``import hologram_array``
#: stays cheap: the fusion compiler and its backends load with the first lazy array that needs
#: values, ``random`` (numpy.random), ``fft`` and ``linalg`` when asked for. They are listed by
#: ``dir()`` as when they were imported eagerly.
_LAZY_SUBMODULES = ("backends", "compiler", "fft", "linalg", "random")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))


def __getattr__(name: str):
    # ``hologram_array.wasm``: the namespace on the wasm device (docs/wasm.md), imported on first use.
    if name == "wasm" or name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module("." + name, __name__)  # binds the package's attribute
    if name in _TRACE_NAMES:
        from .compiler import trace

        value = globals()[name] = getattr(trace, name)
        return value
    from .numpy_compat.namespace import numpy_attribute

    value = numpy_attribute(name)  # NumPy's name, wrapped (AttributeError if NumPy has none)
    globals()[name] = value
    return value
