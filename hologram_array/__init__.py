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

__array_api_version__ = "2025.12"

import math as _math

e = _math.e
pi = _math.pi
inf = float("inf")
nan = float("nan")
newaxis = None
