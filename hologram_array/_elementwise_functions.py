"""Element-wise functions of the Array API standard (and NumPy's common extras).

Every one records a node lazily. Most are generated from the op table (one
function per row, under the standard's name); the few whose dtype rule is not
a ufunc's (``astype``, ``where``, ``clip``, ``real``, ``imag``, ``round``) are
written out below.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _devices
from ._array import Array, _concrete_fits, _device_of, _eager_result, _operand, apply
from ._config import settings
from ._dtypes import as_dtype
from ._promotion import WEAK_FLOAT as _WEAK_FLOAT
from ._promotion import WEAK_INT as _WEAK_INT
from .expr.infer import broadcast
from .expr.nodes import Const, Op
from .expr.ops import OPS

#: The standard's element-wise functions that map 1:1 onto an op-table row.
STANDARD_UNARY = (
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "bitwise_invert", "ceil", "conj",
    "cos", "cosh", "exp", "expm1", "floor", "isfinite", "isinf", "isnan", "log", "log1p", "log2",
    "log10", "logical_not", "negative", "positive", "reciprocal", "sign", "signbit", "sin", "sinh",
    "square", "sqrt", "tan", "tanh", "trunc",
)
STANDARD_BINARY = (
    "add", "atan2", "bitwise_and", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift",
    "bitwise_xor", "copysign", "divide", "equal", "floor_divide", "greater", "greater_equal",
    "hypot", "less", "less_equal", "logaddexp", "logical_and", "logical_or", "logical_xor",
    "maximum", "minimum", "multiply", "nextafter", "not_equal", "pow", "remainder", "subtract",
)


def _make(name: str, arity: int):
    if arity == 1:
        def f(x: Any, /) -> Array:
            return apply(name, x)
    else:
        def f(x1: Any, x2: Any, /) -> Array:
            return apply(name, x1, x2)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Element-wise ``{name}``, recorded lazily; NumPy's ``{OPS[name].numpy.__name__}`` semantics."
    return f


#: name -> generated function, for every op-table row with a ufunc (extras included).
GENERATED = {name: _make(name, s.arity) for name, s in OPS.items() if s.ufunc is not None}
globals().update(GENERATED)


def astype(x: Array, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Array:
    """Cast to ``dtype`` (NumPy's unsafe casting, as ``ndarray.astype``); lazy."""
    dt = as_dtype(dtype)
    if device is not None:
        x = x.to_device(_devices.as_device(device))
    if not copy and dt == x.dtype:
        return x
    dev = _device_of((x,))
    node = _operand(x, dev)
    return Array._lazy(Op("astype", (node,), dt, node.shape), dev)


def where(condition: Any, x1: Any, x2: Any, /) -> Array:
    """``x1`` where ``condition`` is true, else ``x2``; Python scalars are weak."""
    device = _device_of((condition, x1, x2))
    c, a, b = (_operand(v, device) for v in (condition, x1, x2))
    if c is None or a is None or b is None:
        raise TypeError("where: operands must be arrays or Python scalars")
    if c.dtype != np.bool_:
        c = Op("astype", (c,), np.dtype(np.bool_), c.shape) if type(c) is not Const else Const(bool(c.value))
    dt = np.result_type(*[v.value if type(v) is Const else v.dtype for v in (a, b)])
    for v in (a, b):
        if type(v) is Const and type(v.value) is int and dt.kind in "fc":
            float(v.value)  # OverflowError for ints beyond float64, as NumPy
    if dt.kind in "iub" and (_is_int_const(a) or _is_int_const(b)):
        a, b = _where_ints(a, b)
    shape = broadcast(c.shape, a.shape, b.shape)
    if type(c) is Const and type(a) is Const and type(b) is Const:
        return Array._wrap(np.asarray(a.value if c.value else b.value, dtype=dt), device)
    return Array._lazy(Op("where", (c, a, b), dt, shape), device)


def _is_int_const(v: Any) -> bool:
    return type(v) is Const and type(v.value) is int


def _where_ints(a: Any, b: Any) -> tuple:
    """Python int operands of an integer ``where`` as NumPy converts them -- asked of NumPy
    itself on one element, since that differs by version and platform: NumPy 2.4 wraps an int
    that does not fit the result dtype around, 2.5 raises OverflowError, and where C ``long``
    is 32-bit (wasm32) a default-int result overflows beyond 2**31."""
    ops = [v.value if type(v) is Const else np.zeros(1, dtype=v.dtype) for v in (a, b)]
    out = [a, b]
    for i, v in enumerate((a, b)):
        if _is_int_const(v):
            out[i] = Const(int(np.where(np.array([i == 0]), *ops)[0]))
    return out[0], out[1]


def clip(x: Array, /, min: Any = None, max: Any = None) -> Array:
    """Clamp to [min, max] (either may be None); the result keeps ``x``'s dtype (the standard).

    As ``np.clip``: one bound is ``maximum``/``minimum``, two bounds the ``clip``
    ufunc (whose signed-zero and NaN rules differ from max-then-min).
    """
    if type(x) is Array:
        fits = settings.eager_below
        tl = type(min)
        th = type(max)
        if (tl is float or tl is int) and (th is float or th is int) and _concrete_fits(x, fits):
            dt = x._dtype
            floats = _WEAK_FLOAT.get(dt)
            if floats is not None:
                # Small, concrete, a float array and two scalar bounds: the clip ufunc that
                # np.clip calls (it only preprocesses integer dtypes), without np.clip's Python
                # layers; the bounds as the operators pass weak scalars.
                lo = (floats if tl is float else _WEAK_INT[dt])[min]
                hi = (floats if th is float else _WEAK_INT[dt])[max]
                return _eager_result(_clip_ufunc(x._data, lo, hi), x._device, fits, x._shape)
    dt = x.dtype
    lo, hi = _clamp(min, dt), _clamp(max, dt)
    if lo is None and hi is None:
        return astype(x, dt)
    d = getattr(x, "_data", None)
    if (d is not None and d.size <= settings.eager_below and type(lo) in _SCALARS and type(hi) in _SCALARS
            and x._device.host):
        # small and concrete: NumPy's own clip now (it picks the same ufunc as below)
        return Array._wrap(_devices.as_buffer(np.clip(d, lo, hi)), _device_of((x,)))
    if hi is None:
        out = apply("maximum", x, lo)
    elif lo is None:
        out = apply("minimum", x, hi)
    else:
        out = apply("clip", x, lo, hi)
    if out.dtype != dt and (isinstance(min, Array) or isinstance(max, Array)):
        out = astype(out, dt)
    return out


_SCALARS = (int, float, bool, type(None))
#: The ufunc behind ``np.clip`` with both bounds given (``numpy._core._methods._clip``).
_clip_ufunc = OPS["clip"].ufunc


def _clamp(bound: Any, dt: np.dtype) -> Any:
    """NumPy 2's clip accepts Python int bounds outside an integer dtype's range: clamp them."""
    if type(bound) is int and dt.kind in "iu":
        info = np.iinfo(dt)
        return builtins_min(builtins_max(bound, int(info.min)), int(info.max))
    return bound


def real(x: Array, /) -> Array:
    if x.dtype.kind == "c":
        dev = _device_of((x,))  # an ndarray's own ``.device`` is the string "cpu"
        node = _operand(x, dev)
        return Array._lazy(Op("real", (node,), np.dtype(x.dtype.char.lower()), x.shape), dev)
    return astype(x, x.dtype)


def imag(x: Array, /) -> Array:
    dev = _device_of((x,))
    node = _operand(x, dev)
    dt = np.dtype(x.dtype.char.lower()) if x.dtype.kind == "c" else x.dtype
    return Array._lazy(Op("imag", (node,), dt, x.shape), dev)


def round(x: Array, /) -> Array:  # noqa: A001 - the standard's name
    """Round half to even (``rint``); integers are returned unchanged (as a copy)."""
    if x.dtype.kind in "fc":
        return apply("rint", x)
    return astype(x, x.dtype)


import builtins as _builtins  # noqa: E402

builtins_min, builtins_max = _builtins.min, _builtins.max

__all__ = sorted(set(STANDARD_UNARY + STANDARD_BINARY) | set(GENERATED)
                 | {"astype", "where", "clip", "real", "imag", "round"})
