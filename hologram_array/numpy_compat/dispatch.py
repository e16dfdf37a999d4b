"""``Array.__array_function__``: NumPy's functions called on our arrays.

``numpy.mean(a)``, ``numpy.concatenate([a, b])``, ``numpy.linalg.svd(a)`` ... with Arrays among
the arguments come here (NEP 18). A function whose namespace version has NumPy's exact
signature and semantics (``TABLE``: reductions, ``where``, ``clip``, ``transpose``, ``reshape``,
``zeros_like`` ...) runs that version -- so ``numpy.sum(a * b)`` is a fused reduction and
``numpy.where(c, a, b)`` stays lazy. Any other NumPy function runs NumPy's implementation on
the buffers (``func._implementation``: no second dispatch) and its ndarray results come back
as Arrays, NumPy scalars as NumPy's. Arguments of types we do not know (other array libraries)
give ``NotImplemented``, so NumPy raises its ``TypeError``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._array import Array
from ._convert import call_with_out, device_among, from_numpy, to_numpy

#: NumPy function -> the namespace's function with NumPy's signature (filled by ``namespace``).
TABLE: dict[Any, Any] = {}

#: Names whose namespace version deliberately follows the standard where NumPy differs (weak
#: scalars in ``searchsorted``, ``take`` without ``axis``, ``isin`` of two scalars, an int from
#: ``count_nonzero``) or returns a copy where NumPy returns a view (``real``, ``imag``): NumPy's
#: own implementation runs for them.
NOT_DISPATCHED = {"take", "searchsorted", "isin", "count_nonzero", "real", "imag", "sort", "argsort"}


def build_table(namespace: dict) -> None:
    for name, ours in namespace.items():
        theirs = getattr(np, name, None)
        if (name in NOT_DISPATCHED or theirs is None or isinstance(theirs, (np.ufunc, type))
                or not hasattr(theirs, "_implementation")):
            continue
        # (a wrapper of NumPy's own function, ``numpy_function``, too: it protects the lazy
        # readers of the Arrays NumPy writes into -- ``copyto(a, ...)``, ``out=a``)
        TABLE[theirs] = ours


def array_function(func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    for t in types:
        if not (issubclass(t, Array) or issubclass(t, np.ndarray)):
            return NotImplemented
    ours = TABLE.get(func)
    if ours is not None:
        return ours(*args, **kwargs)
    dev = device_among(args, kwargs)
    impl = getattr(func, "_implementation", None)
    if impl is None:  # a ``like=`` call of a C function (``numpy.asarray(x, like=a)``)
        kwargs = {k: v for k, v in kwargs.items() if k != "like"}
        impl = func
    out = kwargs.get("out")
    if out is not None:  # NumPy writes into it: its lazy readers keep their values
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
        return call_with_out(impl, out, *args, **kwargs)
    return from_numpy(impl(*to_numpy(args), **to_numpy(kwargs)), dev)
