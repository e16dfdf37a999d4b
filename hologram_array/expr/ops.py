"""The op table: one row per element-wise operation, read by every layer.

A row says what the op is called, how many operands it takes, which NumPy
function is its reference implementation (called as ``f(*operands, out=dst)``,
by the NumPy executor and by the class-map builder), and its cost class for the
cost model. Code-generating backends add their templates per row (``numba``,
``cuda``); a backend that lacks a row's template must say so, never guess.

Adding an element-wise op = adding one row here (plus its tests).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
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
    #: Numba backend templates: ``((kinds, template), ...)``, see ``numba_templates`` below.
    numba: tuple[tuple[str, str], ...] | None = None
    #: CUDA backend templates: ``((kinds, template), ...)``, see ``cuda_templates`` below.
    cuda: tuple[tuple[str, str], ...] | None = None


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

_T = [  # ternary ufuncs
    ("clip", np._core.umath.clip, ARITH),  # np.clip's loop for two bounds (its signed-zero rules)
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
for _name, _uf, _cost in _T:
    OPS[_name] = _row(_name, 3, _uf, _cost)
for _spec in _SPECIAL:
    OPS[_spec.name] = _spec

# ---------------------------------------------------------------------------------------------
# Numba templates (backends/cpu_numba.py; helpers in backends/numba_ops.py).
#
# Per row: {kinds: template}. The kind of the op's first loop dtype picks the template:
# ``b`` bool, ``i`` signed int, ``u`` unsigned int, ``e`` float16 (else the ``f`` entry),
# ``f`` float32/float64, ``c`` complex; ``x`` a comparison of int64 with uint64 (NumPy compares
# exactly: ``{cmp}`` is -1, 0 or 1). Operands ``{0}`` ``{1}`` ``{2}`` are already cast to
# the loop dtypes (float16 values are carried in float32); the backend casts the template's
# value to the result dtype (wraparound for ints, rounding to float16 after every op).
# Fields: ``{T}`` the loop dtype's scalar type (np.float32 for float16), ``{s}`` the precision
# suffix of the helpers (f32/f64, c64/c128), ``{bits}`` the loop dtype's width, ``{F2I}`` the
# float -> loop-int cast helper, ``{fma}`` "_fma" where NumPy's complex multiply fuses,
# ``{bounds}`` "_const" where clip's bounds are scalars (NumPy's constant-bounds loop).
# A template starting with "@" calls the C library's complex functions (numba_ops.CLIBM).
# A dtype kind missing from a row is not supported: the backend raises, naming op and dtype.

_NUMBA: dict[str, dict[str, str]] = {
    # unary
    "abs": {"bu": "{0}", "i": "abs_i(np.int64({0}))", "ef": "fabs_{s}({0})", "c": "cabs{fma}_{s}({0})"},
    "acos": {"ef": "np.arccos({0})", "c": "@libm_cacos({0})"},
    "acosh": {"ef": "np.arccosh({0})", "c": "@libm_cacosh({0})"},
    "asin": {"ef": "np.arcsin({0})", "c": "@libm_casin({0})"},
    "asinh": {"ef": "np.arcsinh({0})", "c": "@libm_casinh({0})"},
    "atan": {"ef": "np.arctan({0})", "c": "@libm_catan({0})"},
    "atanh": {"ef": "np.arctanh({0})", "c": "@libm_catanh({0})"},
    "bitwise_invert": {"b": "not {0}", "iu": "~{0}"},
    "ceil": {"biu": "{0}", "ef": "np.ceil({0})"},
    "conj": {"biuef": "{0}", "c": "cconj_{s}({0})"},
    "cos": {"ef": "np.cos({0})", "c": "@libm_ccos({0})"},
    "cosh": {"ef": "np.cosh({0})", "c": "@libm_ccosh({0})"},
    "exp": {"ef": "np.exp({0})", "c": "@libm_cexp({0})"},
    "expm1": {"ef": "np.expm1({0})", "c": "@cexpm1_{s}({0})"},
    "floor": {"biu": "{0}", "ef": "np.floor({0})"},
    "isfinite": {"biu": "True", "ef": "np.isfinite({0})", "c": "cisfinite_{s}({0})"},
    "isinf": {"biu": "False", "ef": "np.isinf({0})", "c": "cisinf_{s}({0})"},
    "isnan": {"biu": "False", "ef": "np.isnan({0})", "c": "cisnan_{s}({0})"},
    "log": {"ef": "np.log({0})", "c": "@libm_clog({0})"},
    "log1p": {"ef": "np.log1p({0})", "c": "clog1p_{s}({0})"},
    "log2": {"ef": "np.log2({0})", "c": "@clog2_{s}({0})"},
    "log10": {"ef": "np.log10({0})", "c": "@clog10_{s}({0})"},
    "logical_not": {"b": "not {0}", "iuef": "not ({0} != 0)", "c": "not cto_bool_{s}({0})"},
    "negative": {"i": "-np.int64({0})", "u": "neg_u(np.uint64({0}))", "ef": "neg_{s}({0})",
                 "c": "cneg_{s}({0})"},
    "positive": {"iuefc": "{0}"},
    "reciprocal": {"iu": "{F2I}(1.0 / np.float64({0}))", "ef": "recip_{s}({0})", "c": "crecip_{s}({0})"},
    "rint": {"ef": "np.rint({0})", "c": "crint_{s}({0})"},
    "sign": {"i": "sign_i(np.int64({0}))", "u": "sign_u(np.uint64({0}))", "e": "sign_h({0})",
             "f": "sign_{s}({0})", "c": "csign_{s}({0})"},
    "signbit": {"ef": "signbit_{s}({0})"},
    "sin": {"ef": "np.sin({0})", "c": "@libm_csin({0})"},
    "sinh": {"ef": "np.sinh({0})", "c": "@libm_csinh({0})"},
    "square": {"iuef": "{0} * {0}", "c": "cmul{fma}_{s}({0}, {0})"},
    "sqrt": {"ef": "np.sqrt({0})", "c": "@libm_csqrt({0})"},
    "tan": {"ef": "np.tan({0})", "c": "@libm_ctan({0})"},
    "tanh": {"ef": "np.tanh({0})", "c": "@libm_ctanh({0})"},
    "trunc": {"biu": "{0}", "ef": "np.trunc({0})"},
    "exp2": {"ef": "np.exp2({0})", "c": "@cexp2_{s}({0})"},
    "cbrt": {"ef": "libm_cbrt({0})"},
    "deg2rad": {"ef": "deg2rad_{s}({0})"},
    "rad2deg": {"ef": "rad2deg_{s}({0})"},
    "fabs": {"ef": "fabs_{s}({0})"},
    "spacing": {"e": "spacing_h({0})", "f": "spacing_{s}({0})"},
    # binary
    "add": {"b": "{0} | {1}", "iuef": "{0} + {1}", "c": "cadd_{s}({0}, {1})"},
    "atan2": {"ef": "np.arctan2({0}, {1})"},
    "bitwise_and": {"biu": "{0} & {1}"},
    "bitwise_left_shift": {"i": "shl_i(np.int64({0}), np.int64({1}), {bits})",
                           "u": "shl_u(np.uint64({0}), np.uint64({1}), {bits})"},
    "bitwise_or": {"biu": "{0} | {1}"},
    "bitwise_right_shift": {"i": "shr_i(np.int64({0}), np.int64({1}), {bits})",
                            "u": "shr_u(np.uint64({0}), np.uint64({1}), {bits})"},
    "bitwise_xor": {"biu": "{0} ^ {1}"},
    "copysign": {"ef": "np.copysign({0}, {1})"},
    "divide": {"ef": "{0} / {1}", "c": "cdiv_{s}({0}, {1})"},
    "equal": {"biuef": "{0} == {1}", "x": "{cmp} == 0", "c": "ceq_{s}({0}, {1})"},
    "floor_divide": {"i": "fdiv_i(np.int64({0}), np.int64({1}))", "u": "fdiv_u(np.uint64({0}), np.uint64({1}))",
                     "ef": "floor_divide_{s}({0}, {1})"},
    "greater": {"biuef": "{0} > {1}", "x": "{cmp} > 0", "c": "cgt_{s}({0}, {1})"},
    "greater_equal": {"biuef": "{0} >= {1}", "x": "{cmp} >= 0", "c": "cge_{s}({0}, {1})"},
    "hypot": {"ef": "libm_hypot({0}, {1})"},
    "less": {"biuef": "{0} < {1}", "x": "{cmp} < 0", "c": "clt_{s}({0}, {1})"},
    "less_equal": {"biuef": "{0} <= {1}", "x": "{cmp} <= 0", "c": "cle_{s}({0}, {1})"},
    "logaddexp": {"ef": "logaddexp_{s}({0}, {1})"},
    "logical_and": {"b": "{0} & {1}", "iuef": "({0} != 0) & ({1} != 0)",
                    "c": "cto_bool_{s}({0}) & cto_bool_{s}({1})"},
    "logical_or": {"b": "{0} | {1}", "iuef": "({0} != 0) | ({1} != 0)",
                   "c": "cto_bool_{s}({0}) | cto_bool_{s}({1})"},
    "logical_xor": {"b": "{0} != {1}", "iuef": "({0} != 0) != ({1} != 0)",
                    "c": "cto_bool_{s}({0}) != cto_bool_{s}({1})"},
    "maximum": {"b": "{0} | {1}", "iu": "{0} if {0} > {1} else {1}", "e": "maximum_h({0}, {1})",
                "f": "maximum_{s}({0}, {1})", "c": "cmaximum_{s}({0}, {1})"},
    "minimum": {"b": "{0} & {1}", "iu": "{0} if {0} < {1} else {1}", "e": "minimum_h({0}, {1})",
                "f": "minimum_{s}({0}, {1})", "c": "cminimum_{s}({0}, {1})"},
    "multiply": {"b": "{0} & {1}", "iuef": "{0} * {1}", "c": "cmul{fma}_{s}({0}, {1})"},
    "nextafter": {"e": "nextafter_h({0}, {1})", "f": "libm_nextafter({0}, {1})"},
    "not_equal": {"biuef": "{0} != {1}", "x": "{cmp} != 0", "c": "cne_{s}({0}, {1})"},
    "pow": {"i": "pow_i(np.int64({0}), np.int64({1}), err)", "u": "pow_u(np.uint64({0}), np.uint64({1}))",
            "ef": "libm_pow({0}, {1})", "c": "@cpow_{s}({0}, {1})"},
    "remainder": {"i": "rem_i(np.int64({0}), np.int64({1}))", "u": "rem_u(np.uint64({0}), np.uint64({1}))",
                  "ef": "remainder_{s}({0}, {1})"},
    "subtract": {"iuef": "{0} - {1}", "c": "csub_{s}({0}, {1})"},
    "fmod": {"i": "fmod_i(np.int64({0}), np.int64({1}))", "u": "rem_u(np.uint64({0}), np.uint64({1}))",
             "ef": "np.fmod({0}, {1})"},
    "fmax": {"b": "{0} | {1}", "iu": "{0} if {0} > {1} else {1}", "e": "fmax_h({0}, {1})",
             "f": "fmax_{s}({0}, {1})", "c": "cfmax_{s}({0}, {1})"},
    "fmin": {"b": "{0} & {1}", "iu": "{0} if {0} < {1} else {1}", "e": "fmin_h({0}, {1})",
             "f": "fmin_{s}({0}, {1})", "c": "cfmin_{s}({0}, {1})"},
    "logaddexp2": {"ef": "logaddexp2_{s}({0}, {1})"},
    "heaviside": {"ef": "heaviside_{s}({0}, {1})"},
    "ldexp": {"ef": "ldexp_{s}({0}, np.int64({1}))"},
    "float_power": {"f": "libm_pow({0}, {1})", "c": "@cpow_{s}({0}, {1})"},
    "gcd": {"i": "gcd_i(np.int64({0}), np.int64({1}))", "u": "gcd_u(np.uint64({0}), np.uint64({1}))"},
    "lcm": {"i": "lcm_i(np.int64({0}), np.int64({1}))", "u": "lcm_u(np.uint64({0}), np.uint64({1}))"},
    # ternary
    "clip": {"biu": "clip_i({0}, {1}, {2})", "e": "clip_h({0}, {1}, {2})",
             "f": "clip{bounds}_{s}({0}, {1}, {2})", "c": "cclip_{s}({0}, {1}, {2})"},
    # special rows: the backend casts the operands to the result dtype (astype, where)
    "astype": {"biuefc": "{0}"},
    "where": {"biuefc": "{1} if {0} else {2}"},
    "real": {"c": "{0}.real"},
    "imag": {"c": "{0}.imag", "biuef": "{T}(0)"},
}
for _name, _templates in _NUMBA.items():
    if _name in OPS:
        OPS[_name] = replace(OPS[_name], numba=tuple(_templates.items()))


def numba_templates(name: str) -> dict[str, str]:
    """The Numba templates of op ``name`` by dtype kind (``{}`` when it has none)."""
    return dict(spec(name).numba or ())


#: Ops whose two operands commute exactly (used by CSE to order operands). Not
#: maximum/minimum/fmax/fmin: for (-0.0, +0.0) NumPy returns one operand by position.
COMMUTATIVE = frozenset(
    {"add", "multiply", "equal", "not_equal", "bitwise_and",
     "bitwise_or", "bitwise_xor", "logical_and", "logical_or", "logical_xor", "hypot",
     "logaddexp", "logaddexp2", "gcd", "lcm"}
)

#: Comparison ops: a Python int out of the array dtype's range is allowed (NumPy 2).
COMPARISONS = frozenset({"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"})


def spec(name: str) -> OpSpec:
    try:
        return OPS[name]
    except KeyError:
        raise NotImplementedError(f"hologram_array: no element-wise op named {name!r}") from None


# ---------------------------------------------------------------------------------------------
# CUDA templates (backends/gpu_cupy.py; device helpers in backends/cuda_ops.py, CUDA C).
#
# Per row: {kinds: template}, kinds as in the Numba block above (``b`` ``i`` ``u`` ``e`` ``f``
# ``c`` ``x``; float16 falls back to the ``f`` entry). A template is a CUDA C expression;
# operands ``{0}`` ``{1}`` ``{2}`` are already cast to the loop dtypes (float16 carried in
# ``float``, complex as ``hx_c64``/``hx_c128``); the backend casts the value to the result dtype
# (wraparound for ints, rounding to float16 after every op). Fields: ``{T}`` the loop dtype's C
# type (``float`` for float16), ``{U}`` the unsigned type signed/unsigned integer arithmetic is
# done in (``unsigned int`` up to 32 bits, else ``unsigned long long``: no C++ overflow UB,
# NumPy's wraparound), ``{s}`` the helpers' suffix (f32/f64, c64/c128), ``{m}`` the C math
# library's suffix (``f`` for float32/float16, empty for float64), ``{bits}`` the loop dtype's
# width, ``{F2I}`` the float -> loop-int cast helper, ``{fma}`` "_fma" where NumPy's complex
# multiply fuses, ``{bounds}`` "_const" where clip's bounds are scalars, ``{cmp}`` the exact
# int64/uint64 three-way comparison.
# Missing on purpose (NotImplementedError naming op and dtype): complex functions NumPy takes
# from the C library (exp, log, sqrt, the trigonometric and hyperbolic ones and their inverses,
# exp2/log2/log10 built on cexp/clog, power) -- glibc's algorithms are not reproduced on the GPU.

_CUDA: dict[str, dict[str, str]] = {
    # unary
    "abs": {"bu": "{0}", "i": "({0} < 0 ? ({U})0 - ({U}){0} : ({U}){0})", "ef": "hx_fabs_{s}({0})",
            "c": "hx_cabs{fma}_{s}({0})"},
    "acos": {"ef": "acos{m}({0})"},
    "acosh": {"ef": "acosh{m}({0})"},
    "asin": {"ef": "asin{m}({0})"},
    "asinh": {"ef": "asinh{m}({0})"},
    "atan": {"ef": "atan{m}({0})"},
    "atanh": {"ef": "atanh{m}({0})"},
    "bitwise_invert": {"b": "!{0}", "iu": "~({U}){0}"},
    "ceil": {"biu": "{0}", "ef": "ceil{m}({0})"},
    "conj": {"biuef": "{0}", "c": "hx_cconj_{s}({0})"},
    "cos": {"ef": "cos{m}({0})"},
    "cosh": {"ef": "cosh{m}({0})"},
    "exp": {"ef": "exp{m}({0})"},
    "expm1": {"ef": "expm1{m}({0})", "c": "hx_cexpm1_{s}({0})"},
    "floor": {"biu": "{0}", "ef": "floor{m}({0})"},
    "isfinite": {"biu": "true", "ef": "isfinite({0})", "c": "hx_cisfinite_{s}({0})"},
    "isinf": {"biu": "false", "ef": "isinf({0})", "c": "hx_cisinf_{s}({0})"},
    "isnan": {"biu": "false", "ef": "isnan({0})", "c": "hx_cisnan_{s}({0})"},
    "log": {"ef": "log{m}({0})"},
    "log1p": {"ef": "log1p{m}({0})", "c": "hx_clog1p_{s}({0})"},
    "log2": {"ef": "log2{m}({0})"},
    "log10": {"ef": "log10{m}({0})"},
    "logical_not": {"b": "!{0}", "iuef": "!({0} != 0)", "c": "!hx_cto_bool_{s}({0})"},
    "negative": {"iu": "({U})0 - ({U}){0}", "ef": "hx_neg_{s}({0})", "c": "hx_cneg_{s}({0})"},
    "positive": {"iuefc": "{0}"},
    "reciprocal": {"iu": "{F2I}(1.0 / (double){0})", "ef": "hx_recip_{s}({0})", "c": "hx_crecip_{s}({0})"},
    "rint": {"ef": "rint{m}({0})", "c": "hx_crint_{s}({0})"},
    "sign": {"i": "hx_sign_i((long long){0})", "u": "({0} != 0)", "e": "hx_sign_h({0})",
             "f": "hx_sign_{s}({0})", "c": "hx_csign_{s}({0})"},
    "signbit": {"ef": "hx_signbit_{s}({0})"},
    "sin": {"ef": "sin{m}({0})"},
    "sinh": {"ef": "sinh{m}({0})"},
    "square": {"iu": "({U}){0} * ({U}){0}", "ef": "hx_mul_{s}({0}, {0})", "c": "hx_cmul{fma}_{s}({0}, {0})"},
    "sqrt": {"ef": "hx_sqrt_{s}({0})"},
    "tan": {"ef": "tan{m}({0})"},
    "tanh": {"ef": "tanh{m}({0})"},
    "trunc": {"biu": "{0}", "ef": "trunc{m}({0})"},
    "exp2": {"ef": "exp2{m}({0})"},
    "cbrt": {"ef": "cbrt{m}({0})"},
    "deg2rad": {"ef": "hx_deg2rad_{s}({0})"},
    "rad2deg": {"ef": "hx_rad2deg_{s}({0})"},
    "fabs": {"ef": "hx_fabs_{s}({0})"},
    "spacing": {"e": "hx_spacing_h({0})", "f": "hx_spacing_{s}({0})"},
    # binary
    "add": {"b": "({0} | {1})", "iu": "({U}){0} + ({U}){1}", "ef": "hx_add_{s}({0}, {1})",
            "c": "hx_cadd_{s}({0}, {1})"},
    "atan2": {"ef": "atan2{m}({0}, {1})"},
    "bitwise_and": {"biu": "({0} & {1})"},
    "bitwise_left_shift": {"i": "hx_shl_i((long long){0}, (long long){1}, {bits})",
                           "u": "hx_shl_u((unsigned long long){0}, (unsigned long long){1}, {bits})"},
    "bitwise_or": {"biu": "({0} | {1})"},
    "bitwise_right_shift": {"i": "hx_shr_i((long long){0}, (long long){1}, {bits})",
                            "u": "hx_shr_u((unsigned long long){0}, (unsigned long long){1}, {bits})"},
    "bitwise_xor": {"biu": "({0} ^ {1})"},
    "copysign": {"ef": "copysign{m}({0}, {1})"},
    "divide": {"ef": "hx_div_{s}({0}, {1})", "c": "hx_cdiv_{s}({0}, {1})"},
    "equal": {"biuef": "({0} == {1})", "x": "({cmp} == 0)", "c": "hx_ceq_{s}({0}, {1})"},
    "floor_divide": {"i": "hx_fdiv_i((long long){0}, (long long){1})",
                     "u": "hx_fdiv_u((unsigned long long){0}, (unsigned long long){1})",
                     "ef": "hx_floor_divide_{s}({0}, {1})"},
    "greater": {"biuef": "({0} > {1})", "x": "({cmp} > 0)", "c": "hx_cgt_{s}({0}, {1})"},
    "greater_equal": {"biuef": "({0} >= {1})", "x": "({cmp} >= 0)", "c": "hx_cge_{s}({0}, {1})"},
    "hypot": {"ef": "hx_hypot_{s}({0}, {1})"},
    "less": {"biuef": "({0} < {1})", "x": "({cmp} < 0)", "c": "hx_clt_{s}({0}, {1})"},
    "less_equal": {"biuef": "({0} <= {1})", "x": "({cmp} <= 0)", "c": "hx_cle_{s}({0}, {1})"},
    "logaddexp": {"ef": "hx_logaddexp_{s}({0}, {1})"},
    "logical_and": {"b": "({0} && {1})", "iuef": "(({0} != 0) && ({1} != 0))",
                    "c": "(hx_cto_bool_{s}({0}) && hx_cto_bool_{s}({1}))"},
    "logical_or": {"b": "({0} || {1})", "iuef": "(({0} != 0) || ({1} != 0))",
                   "c": "(hx_cto_bool_{s}({0}) || hx_cto_bool_{s}({1}))"},
    "logical_xor": {"b": "({0} != {1})", "iuef": "(({0} != 0) != ({1} != 0))",
                    "c": "(hx_cto_bool_{s}({0}) != hx_cto_bool_{s}({1}))"},
    "maximum": {"b": "({0} || {1})", "iu": "hx_max_i<{T}>({0}, {1})", "e": "hx_maximum_h({0}, {1})",
                "f": "hx_maximum_{s}({0}, {1})", "c": "hx_cmaximum_{s}({0}, {1})"},
    "minimum": {"b": "({0} && {1})", "iu": "hx_min_i<{T}>({0}, {1})", "e": "hx_minimum_h({0}, {1})",
                "f": "hx_minimum_{s}({0}, {1})", "c": "hx_cminimum_{s}({0}, {1})"},
    "multiply": {"b": "({0} && {1})", "iu": "({U}){0} * ({U}){1}", "ef": "hx_mul_{s}({0}, {1})",
                 "c": "hx_cmul{fma}_{s}({0}, {1})"},
    "nextafter": {"e": "hx_nextafter_h({0}, {1})", "f": "nextafter{m}({0}, {1})"},
    "not_equal": {"biuef": "({0} != {1})", "x": "({cmp} != 0)", "c": "hx_cne_{s}({0}, {1})"},
    "pow": {"i": "hx_pow_i((long long){0}, (long long){1}, err)",
            "u": "hx_pow_u((unsigned long long){0}, (unsigned long long){1})", "ef": "pow{m}({0}, {1})"},
    "remainder": {"i": "hx_rem_i((long long){0}, (long long){1})",
                  "u": "hx_rem_u((unsigned long long){0}, (unsigned long long){1})",
                  "ef": "hx_remainder_{s}({0}, {1})"},
    "subtract": {"iu": "({U}){0} - ({U}){1}", "ef": "hx_sub_{s}({0}, {1})", "c": "hx_csub_{s}({0}, {1})"},
    "fmod": {"i": "hx_fmod_i((long long){0}, (long long){1})",
             "u": "hx_rem_u((unsigned long long){0}, (unsigned long long){1})", "ef": "fmod{m}({0}, {1})"},
    "fmax": {"b": "({0} || {1})", "iu": "hx_max_i<{T}>({0}, {1})", "e": "hx_fmax_h({0}, {1})",
             "f": "hx_fmax_{s}({0}, {1})", "c": "hx_cfmax_{s}({0}, {1})"},
    "fmin": {"b": "({0} && {1})", "iu": "hx_min_i<{T}>({0}, {1})", "e": "hx_fmin_h({0}, {1})",
             "f": "hx_fmin_{s}({0}, {1})", "c": "hx_cfmin_{s}({0}, {1})"},
    "logaddexp2": {"ef": "hx_logaddexp2_{s}({0}, {1})"},
    "heaviside": {"ef": "hx_heaviside_{s}({0}, {1})"},
    "ldexp": {"ef": "hx_ldexp_{s}({0}, (long long){1})"},
    "float_power": {"f": "pow{m}({0}, {1})"},
    "gcd": {"i": "hx_gcd_i((long long){0}, (long long){1})",
            "u": "hx_gcd_u((unsigned long long){0}, (unsigned long long){1})"},
    "lcm": {"i": "hx_lcm_i((long long){0}, (long long){1})",
            "u": "hx_lcm_u((unsigned long long){0}, (unsigned long long){1})"},
    # ternary
    "clip": {"biu": "hx_clip_i<{T}>({0}, {1}, {2})", "e": "hx_clip_h({0}, {1}, {2})",
             "f": "hx_clip{bounds}_{s}({0}, {1}, {2})", "c": "hx_cclip_{s}({0}, {1}, {2})"},
    # special rows: the backend casts the operands to the result dtype (astype, where)
    "astype": {"biuefc": "{0}"},
    "where": {"biuefc": "({0} ? {1} : {2})"},
    "real": {"c": "{0}.re"},
    "imag": {"c": "{0}.im", "biuef": "({T})0"},
}
for _name, _templates in _CUDA.items():
    if _name in OPS:
        OPS[_name] = replace(OPS[_name], cuda=tuple(_templates.items()))


def cuda_templates(name: str) -> dict[str, str]:
    """The CUDA templates of op ``name`` by dtype kind (``{}`` when it has none)."""
    return dict(spec(name).cuda or ())
