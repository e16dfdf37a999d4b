"""Ufunc objects: ``hologram_array.add``, ``maximum``, ``sin`` ... as NumPy's ufuncs.

A ``Ufunc`` wraps one NumPy ufunc. Calling it with array / scalar operands and no keywords
records lazily (the op-table row of the same ufunc, exactly as the standard's functions do);
calls with keywords (``out=``, ``where=``, ``dtype=``, ``casting=`` ...) and ufuncs without an
op-table row run NumPy's ufunc on the buffers. ``reduce`` of a lazy expression by ``add``,
``multiply``, ``maximum``, ``minimum``, ``logical_and``, ``logical_or`` over all axes or the last
axis is fused (``compiler/reduce.py``, no temporary); every other ``reduce``, ``accumulate``,
``outer``, ``reduceat`` and ``at`` is NumPy's on the buffers. Attributes (``nin``, ``nout``,
``nargs``, ``identity``, ``types``, ``signature`` ...) are the NumPy ufunc's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._array import _LAZY_RULES, Array, _UFUNC_NAMES, _binary_slow, _concrete_fits, _eager_result, apply, wrap_result
from ..expr.infer import resolve
from ..expr.nodes import Const, Op
from .._config import settings
from .._promotion import WEAK_FLOAT as _WEAK_FLOAT
from .._promotion import WEAK_INT as _WEAK_INT
from .._promotion import WEAK_SAME_LOOP
from .._nonelementwise import fused_reduction
from ._convert import as_buffer, call_with_out, device_among, from_numpy, to_numpy, writable_buffer

_PY_SCALARS = (float, int, bool, complex)
_FAST = frozenset((Array, float, int, bool, complex))
_FUSED_REDUCE = {np.add: "sum", np.multiply: "prod", np.maximum: "max", np.minimum: "min",
                 np.logical_and: "all", np.logical_or: "any"}


class Ufunc:
    """A NumPy ufunc whose plain calls on arrays record lazily; see the module docstring."""

    __slots__ = ("_ufunc", "_op", "_nin", "__name__", "__qualname__", "__dict__")

    def __new__(cls, ufunc: np.ufunc, name: str | None = None) -> "Ufunc":
        # A ufunc with an op-table row gets a subclass whose ``__call__`` runs the eager
        # small-array case with no attribute lookups (``_eager_class``).
        return object.__new__(_eager_class(ufunc) if cls is Ufunc else cls)

    def __init__(self, ufunc: np.ufunc, name: str | None = None) -> None:
        self._ufunc = ufunc
        self._op = _UFUNC_NAMES.get(ufunc)
        self._nin = ufunc.nin
        self.__name__ = self.__qualname__ = name or ufunc.__name__
        self.__doc__ = ufunc.__doc__

    # ---- calling ----------------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        op = self._op
        if op is not None and not kwargs and len(args) == self._nin:
            x = args[0]
            if len(args) == 1 and type(x) is Array:  # eager small unary: no detour through apply
                d = x._data
                if d is not None and d.size <= settings.eager_below and x._device.host:
                    return wrap_result(self._ufunc(d), x._device)
            if type(x) is Array and (len(args) == 1 or type(args[1]) in _FAST):
                return apply(op, *args)  # the common case, first
            arrays = convert = False
            for a in args:
                t = type(a)
                if t is Array or t is np.ndarray:
                    arrays = True
                elif t is list or t is tuple:
                    arrays = convert = True
                elif not (t in _PY_SCALARS or isinstance(a, (Array, np.ndarray, np.generic))):
                    break  # something else (an object with __array__ ...): NumPy decides
            else:
                if arrays:  # record lazily, as the standard's functions do
                    if convert:
                        args = tuple(np.asarray(to_numpy(a)) if type(a) in (list, tuple) else a for a in args)
                    return apply(op, *args)
        return self._numpy("__call__", args, kwargs)

    def _numpy(self, method: str, args: tuple, kwargs: dict, inplace: bool = False) -> Any:
        dev = device_among(args, kwargs)
        fn = getattr(self._ufunc, method)
        out = kwargs.pop("out", None)
        if out is not None:
            if isinstance(out, tuple) and len(out) == 1:
                out = out[0]
            if isinstance(out, Array) or (isinstance(out, tuple) and any(isinstance(o, Array) for o in out)):
                return call_with_out(fn, out, *args, **kwargs)
            kwargs["out"] = out
        if inplace:
            writable_buffer(args[0], f"{self.__name__}.{method}", "a")
        res = fn(*to_numpy(args), **to_numpy(kwargs))
        if inplace:
            return None
        if out is not None:
            return out
        return from_numpy(res, dev)

    # ---- methods --------------------------------------------------------------------------

    def reduce(self, array: Any, axis: Any = 0, dtype: Any = None, out: Any = None,
               keepdims: bool = False, **kwargs: Any) -> Any:
        kind = _FUSED_REDUCE.get(self._ufunc)
        if (kind is not None and out is None and not kwargs and isinstance(array, Array)
                and array.is_lazy and (dtype is None or kind in ("sum", "prod"))):
            res = fused_reduction(array, kind, axis, dtype, keepdims=keepdims)
            if res is not None:
                return res._materialize()[()] if res.ndim == 0 else res  # NumPy's scalar, as below
        kw = dict(kwargs, axis=axis, dtype=dtype, keepdims=keepdims)
        if out is not None:
            kw["out"] = out
        return self._numpy("reduce", (array,), kw)

    def accumulate(self, array: Any, *args: Any, **kwargs: Any) -> Any:
        return self._numpy("accumulate", (array, *args), kwargs)

    def reduceat(self, array: Any, indices: Any, *args: Any, **kwargs: Any) -> Any:
        return self._numpy("reduceat", (array, indices, *args), kwargs)

    def outer(self, A: Any, B: Any, /, **kwargs: Any) -> Any:
        return self._numpy("outer", (A, B), kwargs)

    def at(self, a: Any, indices: Any, b: Any = None, /) -> None:
        """In place on ``a`` (an Array: its buffer; lazy readers of it keep their values)."""
        args = (a, indices) if b is None else (a, indices, b)
        return self._numpy("at", args, {}, inplace=True)

    def resolve_dtypes(self, *args: Any, **kwargs: Any) -> Any:
        return self._ufunc.resolve_dtypes(*args, **kwargs)

    # ---- everything else is the NumPy ufunc's ----------------------------------------------

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ufunc, name)

    def __repr__(self) -> str:
        return f"<ufunc '{self.__name__}'>"

    def __reduce__(self) -> Any:
        return (_ufunc_by_name, (self.__name__,))

    @property
    def numpy_ufunc(self) -> np.ufunc:
        """The wrapped ``numpy.ufunc``."""
        return self._ufunc


_generic_call = Ufunc.__call__
_new = object.__new__
_lazy = Array._lazy
_EAGER_CLASSES: dict[np.ufunc, type] = {}
_NONE = object()  # no argument given


def _eager_class(ufunc: np.ufunc) -> type:
    """``Ufunc``, or for a ufunc with an op-table row its subclass whose ``__call__`` computes
    small concrete calls at once, as the Array operators do (``_array.py``): the ufunc on the
    buffers, everything it needs in the closure -- at 1K elements the Python around the call
    costs as much as the call. Other calls take ``Ufunc.__call__``."""
    cls = _EAGER_CLASSES.get(ufunc)
    if cls is None:
        op = _UFUNC_NAMES.get(ufunc)
        if op is None or ufunc.nout != 1 or ufunc.nin not in (1, 2):
            cls = Ufunc
        else:
            call = _unary_call(ufunc) if ufunc.nin == 1 else _binary_call(ufunc, op in WEAK_SAME_LOOP)
            cls = type("Ufunc", (Ufunc,), {"__slots__": (), "__call__": call, "__module__": __name__,
                                           "__qualname__": "Ufunc", "__doc__": Ufunc.__doc__})
        _EAGER_CLASSES[ufunc] = cls
    return cls


def _unary_call(ufunc: np.ufunc):
    name = _UFUNC_NAMES[ufunc]

    # x positional-only: no argument tuple for the common call
    def __call__(self: Ufunc, x: Any = _NONE, /, *args: Any, **kwargs: Any) -> Any:
        if type(x) is Array and not args and not kwargs:
            fits = settings.eager_below
            if x._fits is fits:  # concrete, at least 1-d, small (Array._fits): the eager case first
                r = ufunc(x._data)
                a = _new(Array)
                a._data = r
                a._node = None
                a._dtype = r.dtype
                a._shape = x._shape  # a unary ufunc keeps the shape
                a._fits = fits
                a._device = x._device
                return a
            xn = x._node
            if xn is not None:  # recording onto a lazy operand, as the Array operators do
                return _lazy(Op(name, (xn,), resolve(name, (xn.dtype,))[1], xn.shape), x._device)
            if _concrete_fits(x, fits):
                return _eager_result(ufunc(x._data), x._device, fits, x._shape)
        return _generic_call(self, *args, **kwargs) if x is _NONE else _generic_call(self, x, *args, **kwargs)
    return __call__


def _binary_call(ufunc: np.ufunc, weak_ok: bool):
    name = _UFUNC_NAMES[ufunc]
    rules = _LAZY_RULES.setdefault((name, False), {})  # shared with the Array operator, if any

    def __call__(self: Ufunc, x: Any = _NONE, y: Any = _NONE, /, *args: Any, **kwargs: Any) -> Any:
        if type(x) is Array and y is not _NONE and not args and not kwargs:
            ty = type(y)
            xn = x._node
            if xn is not None and (ty is float or ty is int):
                # recording onto a lazy operand with a Python scalar: the operators' cached
                # rule (result dtype, int range), else their recording path, which fills it
                hit = rules.get((xn.dtype, ty))
                if hit is not None and (hit[1] is None or hit[1] <= y <= hit[2]):
                    return _lazy(Op(name, (xn, Const(y)), hit[0], xn.shape), x._device)
                return _binary_slow(name, False, x, y)
            fits = settings.eager_below
            if x._fits is fits:  # concrete, at least 1-d, small (Array._fits)
                if ty is float or ty is int:
                    if weak_ok:  # the cached exact conversion, as the operators pass it
                        table = (_WEAK_FLOAT if ty is float else _WEAK_INT).get(x._dtype)
                        if table is not None:
                            y = table[y]
                    r = ufunc(x._data, y)
                    a = _new(Array)
                    a._data = r
                    a._node = None
                    a._dtype = r.dtype
                    a._shape = x._shape
                    a._fits = fits
                    a._device = x._device
                    return a
                if (ty is Array and y._fits is fits and y._device is x._device
                        and (y._shape is x._shape or y._shape == x._shape)):
                    r = ufunc(x._data, y._data)
                    a = _new(Array)
                    a._data = r
                    a._node = None
                    a._dtype = r.dtype
                    a._shape = x._shape
                    a._fits = fits
                    a._device = x._device
                    return a
            if _concrete_fits(x, fits):
                r = None
                if ty is Array:
                    if y._device is x._device and _concrete_fits(y, fits):
                        r = ufunc(x._data, y._data)
                elif ty is float or ty is int or ty is bool or ty is complex:
                    if weak_ok and (ty is float or ty is int):
                        table = (_WEAK_FLOAT if ty is float else _WEAK_INT).get(x._dtype)
                        if table is not None:
                            y = table[y]
                    r = ufunc(x._data, y)
                if r is not None:
                    return _eager_result(r, x._device, fits, x._shape)
        if y is not _NONE:
            return _generic_call(self, x, y, *args, **kwargs)
        return _generic_call(self, *args, **kwargs) if x is _NONE else _generic_call(self, x, **kwargs)
    return __call__


def _ufunc_by_name(name: str) -> Ufunc:
    return UFUNCS[name]


#: Every ufunc NumPy exports, under NumPy's names (aliases included: ``abs``, ``pow``, ``acos`` ...).
UFUNCS: dict[str, Ufunc] = {}
for _name, _obj in sorted(vars(np).items()):  # vars, not dir: dir() would import NumPy's lazy submodules
    if isinstance(_obj, np.ufunc) and not _name.startswith("_"):
        UFUNCS[_name] = Ufunc(_obj, _name)

__all__ = sorted(UFUNCS) + ["Ufunc"]
globals().update(UFUNCS)
