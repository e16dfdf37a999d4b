"""The op table: one row per element-wise operation, read by every layer.

A row says what the op is called, how many operands it takes, which NumPy
function is its reference implementation (called as ``f(*operands, out=dst)``,
by the NumPy executor and by the class-map builder), and its cost class for the
cost model. Code-generating backends add their templates per row (``numba``,
``cuda``); a backend that lacks a row's template must say so, never guess.

Adding an element-wise op = adding one row here (plus its tests).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# Cost classes, cheapest first. The cost model prices them per element.
ARITH = "arith"          # add, compare, bitwise, select: a cycle or so per element
DIV = "div"              # divide, sqrt, remainder: tens of cycles
TRANSCENDENTAL = "transcendental"  # exp, log, sin, pow ...: libm-class work


@dataclass(frozen=True)
class OpSpec:
    """Everything the compiler and the backends know about one element-wise op."""

    name: str                 # the namespace's name (Array API spelling)
    arity: int
    numpy: Callable           # reference implementation, ``f(*srcs, out=dst)``
    cost: str = ARITH
    #: NumPy ufunc used for dtype resolution (``None``: the op has its own rule below).
    ufunc: np.ufunc | None = None
    #: Safe to write the result over an operand's buffer (single-pass ufunc).
    inplace_ok: bool = True
    numba: str | None = None  # expression template for the Numba backend ({0}, {1} ...)
    cuda: str | None = None   # expression template for the CUDA backend


def _astype(x, out):
    np.copyto(out, x, casting="unsafe")


def _where(cond, a, b, out):
    # Two passes over ``out``: not in-place safe (marked below).
    np.copyto(out, b, casting="unsafe")
    np.copyto(out, a, casting="unsafe", where=cond)


def _real(x, out):
    np.copyto(out, np.real(x), casting="unsafe")


def _imag(x, out):
    if np.iscomplexobj(x):
        np.copyto(out, np.imag(x), casting="unsafe")
    else:
        out[...] = 0


def _row(name: str, arity: int, ufunc: np.ufunc, cost: str = ARITH) -> OpSpec:
    return OpSpec(name=name, arity=arity, numpy=ufunc, cost=cost, ufunc=ufunc)


_U = [  # (name, numpy ufunc, cost) -- unary
    ("abs", np.absolute, ARITH),
    ("acos", np.arccos, TRANSCENDENTAL),
    ("acosh", np.arccosh, TRANSCENDENTAL),
    ("asin", np.arcsin, TRANSCENDENTAL),
    ("asinh", np.arcsinh, TRANSCENDENTAL),
    ("atan", np.arctan, TRANSCENDENTAL),
    ("atanh", np.arctanh, TRANSCENDENTAL),
    ("bitwise_invert", np.invert, ARITH),
    ("ceil", np.ceil, ARITH),
    ("conj", np.conjugate, ARITH),
    ("cos", np.cos, TRANSCENDENTAL),
    ("cosh", np.cosh, TRANSCENDENTAL),
    ("exp", np.exp, TRANSCENDENTAL),
    ("expm1", np.expm1, TRANSCENDENTAL),
    ("floor", np.floor, ARITH),
    ("isfinite", np.isfinite, ARITH),
    ("isinf", np.isinf, ARITH),
    ("isnan", np.isnan, ARITH),
    ("log", np.log, TRANSCENDENTAL),
    ("log1p", np.log1p, TRANSCENDENTAL),
    ("log2", np.log2, TRANSCENDENTAL),
    ("log10", np.log10, TRANSCENDENTAL),
    ("logical_not", np.logical_not, ARITH),
    ("negative", np.negative, ARITH),
    ("positive", np.positive, ARITH),
    ("reciprocal", np.reciprocal, DIV),
    ("rint", np.rint, ARITH),
    ("sign", np.sign, ARITH),
    ("signbit", np.signbit, ARITH),
    ("sin", np.sin, TRANSCENDENTAL),
    ("sinh", np.sinh, TRANSCENDENTAL),
    ("square", np.square, ARITH),
    ("sqrt", np.sqrt, DIV),
    ("tan", np.tan, TRANSCENDENTAL),
    ("tanh", np.tanh, TRANSCENDENTAL),
    ("trunc", np.trunc, ARITH),
    # NumPy's extras that drop-in scripts use
    ("exp2", np.exp2, TRANSCENDENTAL),
    ("cbrt", np.cbrt, TRANSCENDENTAL),
    ("deg2rad", np.deg2rad, ARITH),
    ("rad2deg", np.rad2deg, ARITH),
    ("fabs", np.fabs, ARITH),
    ("spacing", np.spacing, ARITH),
]

_B = [  # (name, numpy ufunc, cost) -- binary
    ("add", np.add, ARITH),
    ("atan2", np.arctan2, TRANSCENDENTAL),
    ("bitwise_and", np.bitwise_and, ARITH),
    ("bitwise_left_shift", np.left_shift, ARITH),
    ("bitwise_or", np.bitwise_or, ARITH),
    ("bitwise_right_shift", np.right_shift, ARITH),
    ("bitwise_xor", np.bitwise_xor, ARITH),
    ("copysign", np.copysign, ARITH),
    ("divide", np.divide, DIV),
    ("equal", np.equal, ARITH),
    ("floor_divide", np.floor_divide, DIV),
    ("greater", np.greater, ARITH),
    ("greater_equal", np.greater_equal, ARITH),
    ("hypot", np.hypot, TRANSCENDENTAL),
    ("less", np.less, ARITH),
    ("less_equal", np.less_equal, ARITH),
    ("logaddexp", np.logaddexp, TRANSCENDENTAL),
    ("logical_and", np.logical_and, ARITH),
    ("logical_or", np.logical_or, ARITH),
    ("logical_xor", np.logical_xor, ARITH),
    ("maximum", np.maximum, ARITH),
    ("minimum", np.minimum, ARITH),
    ("multiply", np.multiply, ARITH),
    ("nextafter", np.nextafter, ARITH),
    ("not_equal", np.not_equal, ARITH),
    ("pow", np.power, TRANSCENDENTAL),
    ("remainder", np.remainder, DIV),
    ("subtract", np.subtract, ARITH),
    # NumPy's extras
    ("fmod", np.fmod, DIV),
    ("fmax", np.fmax, ARITH),
    ("fmin", np.fmin, ARITH),
    ("logaddexp2", np.logaddexp2, TRANSCENDENTAL),
    ("heaviside", np.heaviside, ARITH),
    ("ldexp", np.ldexp, ARITH),
    ("float_power", np.float_power, TRANSCENDENTAL),
    ("gcd", np.gcd, DIV),
    ("lcm", np.lcm, DIV),
]

#: Ops whose result dtype is not a ufunc's: the recording layer gives their dtype.
_SPECIAL = [
    OpSpec("astype", 1, _astype),
    OpSpec("where", 3, _where, inplace_ok=False),
    OpSpec("real", 1, _real),
    OpSpec("imag", 1, _imag),
]

OPS: dict[str, OpSpec] = {}
for _name, _uf, _cost in _U:
    OPS[_name] = _row(_name, 1, _uf, _cost)
for _name, _uf, _cost in _B:
    OPS[_name] = _row(_name, 2, _uf, _cost)
for _spec in _SPECIAL:
    OPS[_spec.name] = _spec

#: Ops whose two operands commute exactly (used by CSE to order operands).
COMMUTATIVE = frozenset(
    {"add", "multiply", "maximum", "minimum", "equal", "not_equal", "bitwise_and",
     "bitwise_or", "bitwise_xor", "logical_and", "logical_or", "logical_xor", "hypot",
     "logaddexp", "logaddexp2", "fmax", "fmin", "gcd", "lcm"}
)

#: Comparison ops: a Python int out of the array dtype's range is allowed (NumPy 2).
COMPARISONS = frozenset({"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"})


def spec(name: str) -> OpSpec:
    try:
        return OPS[name]
    except KeyError:
        raise NotImplementedError(f"hologram_array: no element-wise op named {name!r}") from None
