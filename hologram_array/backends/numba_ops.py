"""Scalar helpers for the Numba backend: NumPy's element-wise semantics, one element at a time.

Generated kernels (``cpu_numba.generate_source``) do ``from hologram_array.backends.numba_ops
import *`` and call these from the op templates of ``expr/ops.py`` (``numba=`` field). Each
helper reproduces what NumPy's C loop does for one element -- the same formula in the same
precision, so that results are bit-identical -- and the comments name the NumPy source it
follows. Importing this module imports Numba; only generated kernel modules import it.

Conventions:

* float16 values live in float32 registers holding a value exactly representable in float16;
  ``h2f`` / ``f2h`` convert from / to the IEEE binary16 bits (NumPy's own software conversion,
  ``half_private.hpp``) and ``hr`` rounds a float32 result to float16 (round to nearest even).
* integer helpers work in int64 (``*_i``) or uint64 (``*_u``); the generated code casts the
  result to the instruction's dtype (two's-complement wraparound, as NumPy's C loops).
* float helpers exist per precision (``*_f32`` / ``*_f64``) so every constant and every
  intermediate has NumPy's precision (float16 ops compute in float32, as NumPy's half loops).
* complex functions that NumPy takes from the C library (``cexp``, ``clog``, ``csqrt``, the
  trigonometric and hyperbolic ones, ``cpow``) are called from the same C library (glibc's
  libm), on x86-64 Linux only (the C ABI of ``float complex`` is platform specific);
  ``CLIBM`` says whether they are available.
"""
from __future__ import annotations

import ctypes.util
import platform
import sys

import numpy as np
from llvmlite import ir
import llvmlite.binding as _llvm
from numba import njit, prange as numba_prange, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = []  # filled at the bottom: every public helper

_OPTS = dict(error_model="numpy", nogil=True)

# ---------------------------------------------------------------------------------------------
# the C library

_LIBM = ctypes.util.find_library("m")
if _LIBM:
    try:
        _llvm.load_library_permanently(_LIBM)
    except Exception:  # pragma: no cover - the process has libm anyway on Linux
        pass

#: complex C functions callable with the x86-64 System V ABI (``double complex`` in xmm0:xmm1,
#: ``float complex`` packed in xmm0).
CLIBM = sys.platform.startswith("linux") and platform.machine().lower() in ("x86_64", "amd64")


def _declare(builder, name, ret, args):
    return cgutils.get_or_insert_function(builder.module, ir.FunctionType(ret, args), name)


def _libm_real(cname: str, nargs: int = 1):
    """An intrinsic calling libm's ``cname`` (float64) / ``cname + 'f'`` (float32)."""

    def typer(args):
        t = args[0]
        if t not in (types.float32, types.float64) or any(a != t for a in args):
            return None
        sig = t(*args)

        def codegen(context, builder, sig, llargs):
            lt = context.get_value_type(t)
            fn = _declare(builder, cname + ("f" if t == types.float32 else ""), lt, [lt] * nargs)
            return builder.call(fn, list(llargs))

        return sig, codegen

    if nargs == 1:
        @intrinsic
        def call(typingctx, a):
            return typer((a,))
    else:
        @intrinsic
        def call(typingctx, a, b):
            return typer((a, b))
    return call


def _libm_ldexp():
    @intrinsic
    def call(typingctx, x, n):
        if x not in (types.float32, types.float64) or n != types.int32:
            return None
        sig = x(x, n)

        def codegen(context, builder, sig, llargs):
            lt = context.get_value_type(x)
            fn = _declare(builder, "ldexp" + ("f" if x == types.float32 else ""), lt, [lt, ir.IntType(32)])
            return builder.call(fn, list(llargs))

        return sig, codegen

    return call


def _libm_complex(cname: str, nargs: int = 1):
    """An intrinsic calling libm's complex ``cname`` / ``cname + 'f'`` (x86-64 SysV ABI)."""

    def typer(args):
        t = args[0]
        if t not in (types.complex64, types.complex128) or any(a != t for a in args):
            return None
        sig = t(*args)

        def codegen(context, builder, sig, llargs):
            i32 = ir.IntType(32)
            parts = [context.make_complex(builder, t, value=v) for v in llargs]
            if t == types.complex128:
                d = ir.DoubleType()
                fn = _declare(builder, cname, ir.LiteralStructType([d, d]), [d, d] * nargs)
                flat = []
                for p in parts:
                    flat += [p.real, p.imag]
                r = builder.call(fn, flat)
                re, im = builder.extract_value(r, 0), builder.extract_value(r, 1)
            else:
                v2 = ir.VectorType(ir.FloatType(), 2)
                fn = _declare(builder, cname + "f", v2, [v2] * nargs)
                vecs = []
                for p in parts:
                    v = ir.Constant(v2, ir.Undefined)
                    v = builder.insert_element(v, p.real, ir.Constant(i32, 0))
                    v = builder.insert_element(v, p.imag, ir.Constant(i32, 1))
                    vecs.append(v)
                r = builder.call(fn, vecs)
                re = builder.extract_element(r, ir.Constant(i32, 0))
                im = builder.extract_element(r, ir.Constant(i32, 1))
            out = context.make_complex(builder, t)
            out.real, out.imag = re, im
            return out._getvalue()

        return sig, codegen

    if nargs == 1:
        @intrinsic
        def call(typingctx, a):
            return typer((a,))
    else:
        @intrinsic
        def call(typingctx, a, b):
            return typer((a, b))
    return call


# ---------------------------------------------------------------------------------------------
# bit casts, fused multiply-add, complex packing


def _bitcast(src, dst):
    @intrinsic
    def cast(typingctx, x):
        if x != src:
            return None

        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], context.get_value_type(dst))

        return dst(x), codegen

    return cast


f32_bits = _bitcast(types.float32, types.uint32)
bits_f32 = _bitcast(types.uint32, types.float32)
f64_bits = _bitcast(types.float64, types.uint64)
bits_f64 = _bitcast(types.uint64, types.float64)


@intrinsic
def fma(typingctx, a, b, c):
    """``a*b + c`` rounded once (``llvm.fma``), as NumPy's ``npyv_muladd`` with FMA3/NEON."""
    if a not in (types.float32, types.float64) or b != a or c != a:
        return None

    def codegen(context, builder, sig, args):
        t = args[0].type
        fn = builder.module.declare_intrinsic("llvm.fma", [t], ir.FunctionType(t, [t, t, t]))
        return builder.call(fn, list(args))

    return a(a, b, c), codegen


@intrinsic
def cpack(typingctx, re, im):
    """The complex ``re + im*j`` built from its parts (no arithmetic: inf/NaN parts kept)."""
    if re == types.float32 and im == types.float32:
        t = types.complex64
    elif re == types.float64 and im == types.float64:
        t = types.complex128
    else:
        return None

    def codegen(context, builder, sig, args):
        out = context.make_complex(builder, t)
        out.real, out.imag = args
        return out._getvalue()

    return t(re, im), codegen


# ---------------------------------------------------------------------------------------------
# float16 <-> float32 / float64 (numpy/_core/src/common/half_private.hpp)


@njit(**_OPTS)
def f2h(x):
    """float32 -> IEEE binary16 bits, round to nearest even (``FromFloatBits``)."""
    f = np.int64(f32_bits(x))
    h_sgn = (f & 0x80000000) >> 16
    f_exp = f & 0x7F800000
    if f_exp >= 0x47800000:
        if f_exp == 0x7F800000:
            f_sig = f & 0x007FFFFF
            if f_sig != 0:
                ret = 0x7C00 + (f_sig >> 13)
                if ret == 0x7C00:
                    ret += 1
                return np.uint16(h_sgn + ret)
            return np.uint16(h_sgn + 0x7C00)
        return np.uint16(h_sgn + 0x7C00)
    if f_exp <= 0x38000000:
        if f_exp < 0x33000000:
            return np.uint16(h_sgn)
        e = f_exp >> 23
        f_sig = 0x00800000 + (f & 0x007FFFFF)
        f_sig >>= 113 - e
        if ((f_sig & 0x00003FFF) != 0x00001000) or (f & 0x000007FF) != 0:
            f_sig += 0x00001000
        return np.uint16(h_sgn + (f_sig >> 13))
    h_exp = (f_exp - 0x38000000) >> 13
    f_sig = f & 0x007FFFFF
    if (f_sig & 0x00003FFF) != 0x00001000:
        f_sig += 0x00001000
    return np.uint16(h_sgn + h_exp + (f_sig >> 13))


@njit(**_OPTS)
def d2h(x):
    """float64 -> IEEE binary16 bits, one rounding (``FromDoubleBits``)."""
    d = f64_bits(x)
    h_sgn = np.int64(d >> np.uint64(48)) & 0x8000
    d_exp = np.int64(d >> np.uint64(52)) & 0x7FF   # biased exponent
    d_sig = np.int64(d & np.uint64(0x000FFFFFFFFFFFFF))
    if d_exp >= 0x40F:
        if d_exp == 0x7FF:
            if d_sig != 0:
                ret = 0x7C00 + (d_sig >> 42)
                if ret == 0x7C00:
                    ret += 1
                return np.uint16(h_sgn + ret)
            return np.uint16(h_sgn + 0x7C00)
        return np.uint16(h_sgn + 0x7C00)
    if d_exp <= 0x3F0:
        if d_exp < 0x3E6:
            return np.uint16(h_sgn)
        sig = np.uint64(0x0010000000000000 + d_sig)
        sig = sig << np.uint64(d_exp - 998)
        if (sig & np.uint64(0x003FFFFFFFFFFFFF)) != np.uint64(0x0010000000000000):
            sig += np.uint64(0x0010000000000000)
        return np.uint16(h_sgn + np.int64(sig >> np.uint64(53)))
    h_exp = (d_exp - 0x3F0) << 10
    if (d_sig & 0x000007FFFFFFFFFF) != 0x0000020000000000:
        d_sig += 0x0000020000000000
    return np.uint16(h_sgn + h_exp + (d_sig >> 42))


@njit(**_OPTS)
def h2f(h):
    """IEEE binary16 bits -> float32, exact (``ToFloatBits``)."""
    hh = np.int64(h)
    h_exp = hh & 0x7C00
    f_sgn = (hh & 0x8000) << 16
    if h_exp == 0:
        h_sig = hh & 0x03FF
        if h_sig == 0:
            return bits_f32(np.uint32(f_sgn))
        h_sig <<= 1
        e = 0
        while (h_sig & 0x0400) == 0:
            h_sig <<= 1
            e += 1
        return bits_f32(np.uint32(f_sgn + ((127 - 15 - e) << 23) + ((h_sig & 0x03FF) << 13)))
    if h_exp == 0x7C00:
        return bits_f32(np.uint32(f_sgn + 0x7F800000 + ((hh & 0x03FF) << 13)))
    return bits_f32(np.uint32(f_sgn + (((hh & 0x7FFF) + 0x1C000) << 13)))


@njit(**_OPTS)
def hr(x):
    """Round a float32 to the nearest float16 (kept in a float32)."""
    return h2f(f2h(x))


@njit(**_OPTS)
def hr64(x):
    """Round a float64 to the nearest float16, one rounding (kept in a float32)."""
    return h2f(d2h(x))


# ---------------------------------------------------------------------------------------------
# float -> int conversions: what NumPy's casts give on x86-64 (cvttsd2si: the "integer
# indefinite" value INT_MIN for NaN and out-of-range inputs; narrower types truncate an int32).


@njit(**_OPTS)
def cvt32(x):
    """float64 -> int32 as ``cvttsd2si`` (int32 result, widened to int64)."""
    if x > -2147483649.0 and x < 2147483648.0:
        return np.int64(x)
    return np.int64(-2147483648)


@njit(**_OPTS)
def cvt64(x):
    """float64 -> int64 as ``cvttsd2si`` with a 64-bit destination."""
    if x >= -9223372036854775808.0 and x < 9223372036854775808.0:
        return np.int64(x)
    return np.int64(-9223372036854775807 - 1)


@njit(**_OPTS)
def f2i_int8(x):
    return np.int8(cvt32(np.float64(x)))


@njit(**_OPTS)
def f2i_int16(x):
    return np.int16(cvt32(np.float64(x)))


@njit(**_OPTS)
def f2i_int32(x):
    return np.int32(cvt32(np.float64(x)))


@njit(**_OPTS)
def f2i_int64(x):
    return cvt64(np.float64(x))


@njit(**_OPTS)
def f2i_uint8(x):
    return np.uint8(cvt32(np.float64(x)))


@njit(**_OPTS)
def f2i_uint16(x):
    return np.uint16(cvt32(np.float64(x)))


@njit(**_OPTS)
def f2i_uint32(x):
    # What NumPy's (AVX2) SIMD cast loop gives -- for all but the last few elements of an
    # array: NaN and out-of-range values differ in its scalar tail (documented in cpu_numba).
    d = np.float64(x)
    if d >= 2147483648.0:
        return np.uint32(cvt32(d - 2147483648.0)) ^ np.uint32(0x80000000)
    return np.uint32(cvt32(d))


@njit(**_OPTS)
def f2i_uint32_scalar(x):
    # NumPy's scalar cast (64-bit conversion, truncated): its float16 -> uint32 cast, and the
    # scalar tail of the float32/float64 ones
    return np.uint32(cvt64(np.float64(x)))


@njit(**_OPTS)
def f2i_uint64(x):
    d = np.float64(x)
    if d >= 9223372036854775808.0:
        return np.uint64(cvt64(d - 9223372036854775808.0)) ^ np.uint64(0x8000000000000000)
    return np.uint64(cvt64(d))


# ---------------------------------------------------------------------------------------------
# integers (numpy/_core/src/umath/loops_arithmetic, loops_modulo, npy_math_internal.h.src)


@njit(**_OPTS)
def fdiv_i(a, b):
    if b == 0:
        return np.int64(0)
    if b == -1:
        return -a  # MIN // -1 wraps to MIN, as NumPy
    return a // b


@njit(**_OPTS)
def fdiv_u(a, b):
    if b == np.uint64(0):
        return np.uint64(0)
    return a // b


@njit(**_OPTS)
def rem_i(a, b):
    if b == 0 or b == -1:
        return np.int64(0)
    return a % b


@njit(**_OPTS)
def rem_u(a, b):
    if b == np.uint64(0):
        return np.uint64(0)
    return a % b


@njit(**_OPTS)
def fmod_i(a, b):
    """C's ``%``: the sign of the dividend."""
    if b == 0 or b == -1:
        return np.int64(0)
    r = a % b
    if r != 0 and ((r < 0) != (a < 0)):
        r -= b
    return r


@njit(**_OPTS)
def pow_i(a, b, err):
    if b < 0:
        err[0] = 1  # NumPy: ValueError "Integers to negative integer powers are not allowed."
        return np.int64(0)
    r = np.int64(1)
    while b != 0:
        if b & 1:
            r *= a
        a *= a
        b >>= 1
    return r


@njit(**_OPTS)
def pow_u(a, b):
    r = np.uint64(1)
    one = np.uint64(1)
    while b != np.uint64(0):
        if b & one:
            r *= a
        a *= a
        b >>= one
    return r


@njit(**_OPTS)
def shl_i(a, b, bits):
    if b < 0 or b >= bits:
        return np.int64(0)
    return a << b


@njit(**_OPTS)
def shr_i(a, b, bits):
    if b < 0 or b >= bits:
        return np.int64(-1) if a < 0 else np.int64(0)
    return a >> b


@njit(**_OPTS)
def shl_u(a, b, bits):
    if b >= np.uint64(bits):
        return np.uint64(0)
    return a << b


@njit(**_OPTS)
def shr_u(a, b, bits):
    if b >= np.uint64(bits):
        return np.uint64(0)
    return a >> b


@njit(**_OPTS)
def uabs_i(a):
    """|a| as uint64 (no overflow at INT64_MIN)."""
    if a < 0:
        return np.uint64(0) - np.uint64(a)
    return np.uint64(a)


@njit(**_OPTS)
def gcd_u(a, b):
    while a != np.uint64(0):
        c = a
        a = b % a
        b = c
    return b


@njit(**_OPTS)
def lcm_u(a, b):
    g = gcd_u(a, b)
    if g == np.uint64(0):
        return np.uint64(0)
    return a // g * b


@njit(**_OPTS)
def gcd_i(a, b):
    return np.int64(gcd_u(uabs_i(a), uabs_i(b)))


@njit(**_OPTS)
def lcm_i(a, b):
    return np.int64(lcm_u(uabs_i(a), uabs_i(b)))


@njit(**_OPTS)
def cmp_su(a, b):
    """Exact three-way comparison of an int64 with a uint64: -1, 0 or 1."""
    if a < 0:
        return -1
    ua = np.uint64(a)
    if ua < b:
        return -1
    return 1 if ua > b else 0


@njit(**_OPTS)
def abs_i(a):
    return -a if a < 0 else a


@njit(**_OPTS)
def sign_i(a):
    if a > 0:
        return np.int64(1)
    if a < 0:
        return np.int64(-1)
    return np.int64(0)


@njit(**_OPTS)
def sign_u(a):
    return np.uint64(1) if a != np.uint64(0) else np.uint64(0)


@njit(**_OPTS)
def neg_u(a):
    return np.uint64(0) - a


# ---------------------------------------------------------------------------------------------
# floats: one implementation per precision, so that every constant and intermediate has the
# precision of NumPy's C loop (npy_math_internal.h.src, ieee754.cpp, loops_minmax ...)

_LOGE2 = 0.693147180559945309417232121458176568
_LOG2E = 1.442695040888963407359924681001892137
_LOG10E = 0.434294481903251827651128918916605082

libm_cbrt = _libm_real("cbrt")
libm_hypot = _libm_real("hypot", 2)
libm_nextafter = _libm_real("nextafter", 2)
libm_atan2 = _libm_real("atan2", 2)
libm_pow = _libm_real("pow", 2)
libm_ldexp = _libm_ldexp()


def _float_helpers(T, sfx, uint, bits_of, of_bits, nbits):
    """Float helpers for precision T (np.float32 / np.float64), suffixed ``_sfx``."""
    zero, one, half, two = T(0.0), T(1.0), T(0.5), T(2.0)
    nan, inf = T(np.nan), T(np.inf)
    loge2, log2e = T(_LOGE2), T(_LOG2E)
    deg2rad = T(T(np.pi) / T(180.0))
    rad2deg = T(T(180.0) / T(np.pi))
    sign_mask = uint(1 << (nbits - 1))
    mag_mask = uint((1 << (nbits - 1)) - 1)
    exp_all = uint(0x7F800000) if nbits == 32 else uint(0x7FF0000000000000)
    min_normal = uint(0x00800000) if nbits == 32 else uint(0x0010000000000000)
    one_u = uint(1)

    @njit(**_OPTS)
    def divmod_(a, b):
        # npy_divmod: CPython's float divmod
        mod = np.fmod(a, b)
        if b == zero:
            return a / b, mod
        div = (a - mod) / b
        if mod != zero:
            if (b < zero) != (mod < zero):
                mod = mod + b
                div = div - one
        else:
            mod = np.copysign(zero, b)
        if div != zero:
            floordiv = np.floor(div)
            if div - floordiv > half:
                floordiv = floordiv + one
        else:
            floordiv = np.copysign(zero, a / b)
        return floordiv, mod

    @njit(**_OPTS)
    def floor_divide(a, b):
        if b == zero:
            return a / b
        return divmod_(a, b)[0]

    @njit(**_OPTS)
    def remainder(a, b):
        if b == zero:
            return np.fmod(a, b)
        return divmod_(a, b)[1]

    @njit(**_OPTS)
    def maximum(a, b):
        # x86 ``maxss`` (second operand on ties and NaN) + NaN of the first propagated
        return a if ((a != a) | (a > b)) else b

    @njit(**_OPTS)
    def minimum(a, b):
        return a if ((a != a) | (a < b)) else b

    @njit(**_OPTS)
    def fmax(a, b):
        # NumPy's SIMD fmax (npyv_maxp): the first operand when the second is NaN
        return a if ((b != b) | (a > b)) else b

    @njit(**_OPTS)
    def fmin(a, b):
        return a if ((b != b) | (a < b)) else b

    @njit(**_OPTS)
    def sign(a):
        if a > zero:
            return one
        if a < zero:
            return -one
        if a == zero:
            return zero
        return a

    @njit(**_OPTS)
    def heaviside(x, h0):
        if x != x:
            return nan
        if x == zero:
            return h0
        if x < zero:
            return zero
        return one

    @njit(**_OPTS)
    def logaddexp(x, y):
        if x == y:
            return x + loge2
        tmp = x - y
        if tmp > zero:
            return x + np.log1p(np.exp(-tmp))
        if tmp <= zero:
            return y + np.log1p(np.exp(tmp))
        return tmp

    @njit(**_OPTS)
    def logaddexp2(x, y):
        if x == y:
            return x + one
        tmp = x - y
        if tmp > zero:
            return x + log2e * np.log1p(np.exp2(-tmp))
        if tmp <= zero:
            return y + log2e * np.log1p(np.exp2(tmp))
        return tmp

    @njit(**_OPTS)
    def spacing(x):
        # ieee754.cpp: _next(x, +1) - x
        if np.isinf(x):
            return nan
        if x != x:
            return x - x
        b = bits_of(x)
        if (b & mag_mask) == uint(0):
            return of_bits(one_u) - x
        nb = uint(b + one_u)
        if (nb & exp_all) == exp_all:
            return (x + x) - x
        return of_bits(nb) - x

    @njit(**_OPTS)
    def signbit(x):
        return (bits_of(x) & sign_mask) != uint(0)

    @njit(**_OPTS)
    def neg(x):
        return of_bits(uint(bits_of(x) ^ sign_mask))

    @njit(**_OPTS)
    def fabs(x):
        return of_bits(uint(bits_of(x) & mag_mask))

    @njit(**_OPTS)
    def d2r(x):
        return x * deg2rad

    @njit(**_OPTS)
    def r2d(x):
        return x * rad2deg

    @njit(**_OPTS)
    def recip(x):
        return one / x

    @njit(**_OPTS)
    def ldexp(x, n):
        # the int64 loop: exponents beyond int32 saturate (loops.c.src, *_ldexp_int64)
        if n > 2147483647:
            return libm_ldexp(x, np.int32(2147483647))
        if n < -2147483648:
            return libm_ldexp(x, np.int32(-2147483648))
        return libm_ldexp(x, np.int32(n))

    @njit(**_OPTS)
    def clip_const(x, lo, hi):
        # clip.cpp, constant bounds (stride 0): a NaN bound fills, else compare and replace
        x = lo if x < lo else x
        x = hi if x > hi else x
        x = hi if hi != hi else x
        return lo if lo != lo else x

    @njit(**_OPTS)
    def clip_const_nn(x, lo, hi):
        # clip_const with bounds that cannot be NaN (ints): its NaN tests dropped
        x = lo if x < lo else x
        return hi if x > hi else x

    @njit(**_OPTS)
    def clip(x, lo, hi):
        # clip.cpp, _NPY_MIN(_NPY_MAX(x, lo), hi) with NaN-propagating min/max
        t = x if ((x != x) | (x > lo)) else lo
        return t if ((t != t) | (t < hi)) else hi

    @njit(**_OPTS)
    def isfinite(x):
        # on the bits: Numba's ``x - x == 0`` raises "invalid" for infinities
        return (bits_of(x) & exp_all) != exp_all

    @njit(**_OPTS)
    def spacing_flags(x):
        # NumPy's _next raises underflow (x*x) when the neighbour is subnormal
        m = bits_of(x) & mag_mask
        return (m != uint(0)) & (m < min_normal)

    out = dict(divmod=divmod_, floor_divide=floor_divide, remainder=remainder, maximum=maximum,
               minimum=minimum, fmax=fmax, fmin=fmin, sign=sign, heaviside=heaviside,
               logaddexp=logaddexp, logaddexp2=logaddexp2, spacing=spacing, signbit=signbit,
               neg=neg, fabs=fabs, deg2rad=d2r, rad2deg=r2d, recip=recip, ldexp=ldexp,
               clip_const=clip_const, clip_const_nn=clip_const_nn, clip=clip, isfinite=isfinite, fl_spacing=spacing_flags)
    return {f"{k}_{sfx}": v for k, v in out.items()}


globals().update(_float_helpers(np.float32, "f32", np.uint32, f32_bits, bits_f32, 32))
globals().update(_float_helpers(np.float64, "f64", np.uint64, f64_bits, bits_f64, 64))


# ---------------------------------------------------------------------------------------------
# float16 ops NumPy does on the bits (halffloat.cpp) or with its own tie rules (loops.c.src)


#: NumPy's float16 ``nextafter(x, y)`` for x == y: y (C99; NumPy 2.5) or x (NumPy 2.4), asked
#: of the installed NumPy (it differs only for 0.0 and -0.0).
HALF_NEXTAFTER_EQUAL_GIVES_Y = bool(np.signbit(np.nextafter(np.float16(0.0), np.float16(-0.0))))


@njit(**_OPTS)
def nextafter_h(x, y):
    hx = np.int64(f2h(x))
    hy = np.int64(f2h(y))
    if x != x or y != y:
        return np.float32(np.nan)
    if x == y:  # NumPy <= 2.4's half loop returns x, 2.5's y (C99): the installed one's rule
        return y if HALF_NEXTAFTER_EQUAL_GIVES_Y else x
    if x == 0:
        ret = (hy & 0x8000) + 1
    elif (hx & 0x8000) == 0:
        # x > 0: compare the bit patterns as int16
        sx = hx if hx < 0x8000 else hx - 0x10000
        sy = hy if hy < 0x8000 else hy - 0x10000
        ret = hx - 1 if sx > sy else hx + 1
    else:
        if (hy & 0x8000) == 0 or (hx & 0x7FFF) > (hy & 0x7FFF):
            ret = hx - 1
        else:
            ret = hx + 1
    return h2f(np.uint16(ret & 0xFFFF))


@njit(**_OPTS)
def spacing_h(x):
    h = np.int64(f2h(x))
    h_exp = h & 0x7C00
    h_sig = h & 0x03FF
    if h_exp == 0x7C00:
        ret = 0x7E00
    elif h == 0x7BFF:
        ret = 0x7C00
    elif (h & 0x8000) != 0 and h_sig == 0:
        if h_exp > 0x2C00:
            ret = h_exp - 0x2C00
        elif h_exp > 0x0400:
            ret = 1 << ((h_exp >> 10) - 2)
        else:
            ret = 0x0001
    elif h_exp > 0x2800:
        ret = h_exp - 0x2800
    elif h_exp > 0x0400:
        ret = 1 << ((h_exp >> 10) - 1)
    else:
        ret = 0x0001
    return h2f(np.uint16(ret))


@njit(**_OPTS)
def maximum_h(a, b):
    return a if ((a >= b) | (a != a)) else b


@njit(**_OPTS)
def minimum_h(a, b):
    return a if ((a <= b) | (a != a)) else b


@njit(**_OPTS)
def fmax_h(a, b):
    return a if ((a >= b) | (b != b)) else b


@njit(**_OPTS)
def fmin_h(a, b):
    return a if ((a <= b) | (b != b)) else b


@njit(**_OPTS)
def clip_h(x, lo, hi):
    t = x if ((x != x) | (x >= lo)) else lo
    return t if ((t != t) | (t <= hi)) else hi


@njit(**_OPTS)
def clip_i(x, lo, hi):
    t = x if x > lo else lo
    return t if t < hi else hi


@njit(**_OPTS)
def sign_h(a):
    if a != a:
        return a
    if a == 0:
        return np.float32(0.0)
    return np.float32(1.0) if f32_bits(a) < np.uint32(0x80000000) else np.float32(-1.0)


# ---------------------------------------------------------------------------------------------
# complex (loops.c.src COMPLEX LOOPS, loops_arithm_fp, loops_unary_complex, funcs.inc.src,
# npy_math_complex.c.src)


def _complex_helpers(T, sfx):
    isfinite_r = globals()["isfinite_" + ("f32" if T is np.float32 else "f64")]
    zero, one, two = T(0.0), T(1.0), T(2.0)
    nan, inf = T(np.nan), T(np.inf)
    loge2, log2e, log10e = T(_LOGE2), T(_LOG2E), T(_LOG10E)
    fsfx = "f32" if T is np.float32 else "f64"

    @njit(**_OPTS)
    def mul(a, b):
        # the scalar loop / npy_math_complex cmul: no fused multiply-add
        ar, ai, br, bi = a.real, a.imag, b.real, b.imag
        return cpack(ar * br - ai * bi, ar * bi + ai * br)

    @njit(**_OPTS)
    def mul_fma(a, b):
        # NumPy's SIMD complex multiply with FMA3/NEON (npyv_muladdsub)
        ar, ai, br, bi = a.real, a.imag, b.real, b.imag
        return cpack(fma(ar, br, -(ai * bi)), fma(ar, bi, ai * br))

    @njit(**_OPTS)
    def div(a, b):
        ar, ai, br, bi = a.real, a.imag, b.real, b.imag
        abr = np.abs(br)
        abi = np.abs(bi)
        if abr >= abi:
            if abr == zero and abi == zero:
                return cpack(ar / abr, ai / abi)
            rat = bi / br
            scl = one / (br + bi * rat)
            return cpack((ar + ai * rat) * scl, (ai - ar * rat) * scl)
        rat = br / bi
        scl = one / (bi + br * rat)
        return cpack((ar * rat + ai) * scl, (ai * rat - ar) * scl)

    @njit(**_OPTS)
    def recip(a):
        ar, ai = a.real, a.imag
        if np.abs(ai) <= np.abs(ar):
            r = ai / ar
            d = ar + ai * r
            return cpack(one / d, -r / d)
        r = ar / ai
        d = ar * r + ai
        return cpack(r / d, -one / d)

    def make_abs(fused):
        @njit(**_OPTS)
        def cabs(a):
            # loops_unary_complex.dispatch.c.src simd_cabsolute, one lane
            re = np.abs(a.real)
            im = np.abs(a.imag)
            re_inf = re == inf
            im_inf = im == inf
            if re_inf:
                im = inf
            if im_inf:
                re = inf
            re_nn = re == re
            im_nn = im == im
            if not re_nn:
                im = nan
            if not im_nn:
                re = nan
            larger = re if re > im else im      # maxps(re, im)
            smaller = im if im < re else re     # minps(im, re)
            if larger == zero or smaller == inf:
                ratio = zero
            else:
                ratio = smaller / larger
            if fused:
                h = np.sqrt(fma(ratio, ratio, one))
            else:
                h = np.sqrt(ratio * ratio + one)
            return h * larger
        return cabs

    @njit(**_OPTS)
    def sign(a):
        re, im = a.real, a.imag
        ab = libm_hypot(re, im)
        if ab != ab:
            return cpack(nan, nan)
        if np.isinf(ab):
            if np.isinf(re):
                if np.isinf(im):
                    return cpack(nan, nan)
                return cpack(one if re > zero else -one, zero)
            return cpack(zero, one if im > zero else -one)
        if ab == zero:
            return cpack(zero, zero)
        return cpack(re / ab, im / ab)

    @njit(**_OPTS)
    def isnan_(x):
        return x != x

    @njit(**_OPTS)
    def gt(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return ((xr > yr) & (xi == xi) & (yi == yi)) | ((xr == yr) & (xi > yi))

    @njit(**_OPTS)
    def ge(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return ((xr > yr) & (xi == xi) & (yi == yi)) | ((xr == yr) & (xi >= yi))

    @njit(**_OPTS)
    def lt(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return ((xr < yr) & (xi == xi) & (yi == yi)) | ((xr == yr) & (xi < yi))

    @njit(**_OPTS)
    def le(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return ((xr < yr) & (xi == xi) & (yi == yi)) | ((xr == yr) & (xi <= yi))

    @njit(**_OPTS)
    def eq(a, b):
        return (a.real == b.real) & (a.imag == b.imag)

    @njit(**_OPTS)
    def ne(a, b):
        return (a.real != b.real) | (a.imag != b.imag)

    @njit(**_OPTS)
    def maximum(a, b):
        if a.real != a.real or a.imag != a.imag or ge(a, b):
            return a
        return b

    @njit(**_OPTS)
    def minimum(a, b):
        if a.real != a.real or a.imag != a.imag or le(a, b):
            return a
        return b

    @njit(**_OPTS)
    def fmax(a, b):
        if b.real != b.real or b.imag != b.imag or ge(a, b):
            return a
        return b

    @njit(**_OPTS)
    def fmin(a, b):
        if b.real != b.real or b.imag != b.imag or le(a, b):
            return a
        return b

    @njit(**_OPTS)
    def to_bool(a):
        return (a.real != zero) | (a.imag != zero)

    @njit(**_OPTS)
    def clip(x, lo, hi):
        # clip.cpp complex _NPY_MAX / _NPY_MIN (lexicographic, NaN of the first operand kept)
        if not (x.real != x.real or x.imag != x.imag
                or (x.imag > lo.imag if x.real == lo.real else x.real > lo.real)):
            x = lo
        if not (x.real != x.real or x.imag != x.imag
                or (x.imag < hi.imag if x.real == hi.real else x.real < hi.real)):
            x = hi
        return x

    @njit(**_OPTS)
    def isnan(a):
        return np.isnan(a.real) | np.isnan(a.imag)

    @njit(**_OPTS)
    def isinf(a):
        return np.isinf(a.real) | np.isinf(a.imag)

    @njit(**_OPTS)
    def isfinite(a):
        return isfinite_r(a.real) & isfinite_r(a.imag)

    @njit(**_OPTS)
    def neg(a):
        return cpack(-a.real, -a.imag)

    @njit(**_OPTS)
    def conj(a):
        return cpack(a.real, -a.imag)

    @njit(**_OPTS)
    def rint(a):
        return cpack(np.rint(a.real), np.rint(a.imag))

    @njit(**_OPTS)
    def add(a, b):
        return cpack(a.real + b.real, a.imag + b.imag)

    @njit(**_OPTS)
    def sub(a, b):
        return cpack(a.real - b.real, a.imag - b.imag)

    out = dict(mul=mul, mul_fma=mul_fma, div=div, recip=recip, abs=make_abs(False),
               abs_fma=make_abs(True), sign=sign, gt=gt, ge=ge, lt=lt, le=le, eq=eq, ne=ne,
               maximum=maximum, minimum=minimum, fmax=fmax, fmin=fmin, to_bool=to_bool,
               isnan=isnan, isinf=isinf, isfinite=isfinite, neg=neg, conj=conj, rint=rint,
               add=add, sub=sub, clip=clip)
    return {f"c{k}_{sfx}": v for k, v in out.items()}


globals().update(_complex_helpers(np.float32, "c64"))
globals().update(_complex_helpers(np.float64, "c128"))

# C library complex functions (CLIBM) and NumPy's formulas built on them (funcs.inc.src)
_CFUNCS = ["cexp", "clog", "csqrt", "csin", "ccos", "ctan", "csinh", "ccosh", "ctanh",
           "casin", "cacos", "catan", "casinh", "cacosh", "catanh"]
for _n in _CFUNCS:
    globals()["libm_" + _n] = _libm_complex(_n)
libm_cpow = _libm_complex("cpow", 2)


def _complex_funcs(T, sfx):
    zero, one, two = T(0.0), T(1.0), T(2.0)
    nan = T(np.nan)
    loge2, log2e, log10e = T(_LOGE2), T(_LOG2E), T(_LOG10E)
    cmul = globals()[f"cmul_{sfx}"]
    cdiv = globals()[f"cdiv_{sfx}"]
    cexp, clog = libm_cexp, libm_clog

    @njit(**_OPTS)
    def exp2(a):
        return cexp(cpack(a.real * loge2, a.imag * loge2))

    @njit(**_OPTS)
    def expm1(a):
        x, y = a.real, a.imag
        s = np.sin(y / two)
        return cpack(np.expm1(x) * np.cos(y) - two * s * s, np.exp(x) * np.sin(y))

    @njit(**_OPTS)
    def log1p(a):
        l = libm_hypot(a.real + one, a.imag)
        return cpack(np.log(l), libm_atan2(a.imag, a.real + one))

    @njit(**_OPTS)
    def log2(a):
        r = clog(a)
        return cpack(r.real * log2e, r.imag * log2e)

    @njit(**_OPTS)
    def log10(a):
        r = clog(a)
        return cpack(r.real * log10e, r.imag * log10e)

    @njit(**_OPTS)
    def cpow(a, b):
        # npy_cpow (npy_math_complex.c.src)
        ar, ai, br, bi = a.real, a.imag, b.real, b.imag
        if br == zero and bi == zero:
            return cpack(one, zero)
        if ar == zero and ai == zero:
            if br > zero:
                return cpack(zero, zero)
            return cpack(nan, nan)
        if bi == zero and br > T(-100.0) and br < T(100.0):
            n = np.int64(br)
            if np.float64(n) == np.float64(br):
                if n == 1:
                    return cpack(ar, ai)
                if n == 2:
                    return cmul(a, a)
                if n == 3:
                    return cmul(a, cmul(a, a))
                if n < 0:
                    n = -n
                aa = cpack(one, zero)
                p = cpack(ar, ai)
                mask = np.int64(1)
                while True:
                    if n & mask:
                        aa = cmul(aa, p)
                    mask <<= 1
                    if n < mask or mask <= 0:
                        break
                    p = cmul(p, p)
                if br < zero:
                    aa = cdiv(cpack(one, zero), aa)
                return aa
        return libm_cpow(a, b)

    out = dict(exp2=exp2, expm1=expm1, log1p=log1p, log2=log2, log10=log10, pow=cpow)
    return {f"c{k}_{sfx}": v for k, v in out.items()}


globals().update(_complex_funcs(np.float32, "c64"))
globals().update(_complex_funcs(np.float64, "c128"))


# ---------------------------------------------------------------------------------------------
# NumPy's own SIMD algorithms, one lane at a time: where NumPy does not call the C library
# (float32 exp, log, sin, cos, tanh; float64 tanh -- on x86-64 with AVX2+FMA3 or AVX-512F, and
# for sin/cos/tanh also on NEON), these give its results bit for bit. ``cpu_numba`` checks at run
# time that NumPy does use them (``simd_ports_match``) before generating calls to them.

# loops_exponent_log.dispatch.c.src (npy_simd_data.h constants)
_F = np.float32
_EXP_P = [_F(9.999999999980870924916e-01), _F(7.257664613233124478488e-01),
          _F(2.473615434895520810817e-01), _F(5.114512081637298353406e-02),
          _F(6.757896990527504603057e-03), _F(5.082762527590693718096e-04)]
_EXP_Q = [_F(1.0), _F(-2.742335390411667452936e-01), _F(2.159509375685829852307e-02)]
_LOG_P = [_F(0.0), _F(9.999999999999998702752e-01), _F(2.112677543073053063722e+00),
          _F(1.480000633576506585156e+00), _F(3.808837741388407920751e-01),
          _F(2.589979117907922693523e-02)]
_LOG_Q = [_F(1.0), _F(2.612677543073109236779e+00), _F(2.453006071784736363091e+00),
          _F(9.864942958519418960339e-01), _F(1.546476374983906719538e-01),
          _F(5.875095403124574342950e-03)]
_EP0, _EP1, _EP2, _EP3, _EP4, _EP5 = _EXP_P
_EQ0, _EQ1, _EQ2 = _EXP_Q
_LP0, _LP1, _LP2, _LP3, _LP4, _LP5 = _LOG_P
_LQ0, _LQ1, _LQ2, _LQ3, _LQ4, _LQ5 = _LOG_Q
_F_MAGIC = _F(12582912.0)               # 0x1.8p+23: x + magic - magic rounds to an integer
_F_LOG2E = _F(_LOG2E)
_F_LOGE2 = _F(_LOGE2)
_F_SQRT1_2 = _F(0.707106781186547524400844362104849039)
_CW_LN2_HI = _F(-6.93145752e-1)
_CW_LN2_LO = _F(-1.42860677e-6)
_F_ZERO, _F_ONE = _F(0.0), _F(1.0)
_F_NAN, _F_INF = _F(np.nan), _F(np.inf)
_F_DEFAULT_NAN = np.uint32(0xFFC00000).view(_F)
_F_MIN = _F(np.finfo(np.float32).tiny)
_F_2P100 = _F(2.0 ** 100)


# The ports are written without early returns (selects instead): LLVM then vectorizes the loops
# that call them, as NumPy's own SIMD code is vectorized. Their range tests compare the bits
# as integers (``_mag``): a vectorized ordered float comparison (``cmpps``) of a NaN raises
# "invalid", which NumPy's quiet comparisons do not -- and LLVM sees through a float select
# that would hide the NaN from it.

_U_INF = np.uint32(0x7F800000)


@njit(**_OPTS)
def _mag(x):
    """|x|'s bits (uint32): ordered like |x| for non-NaN x; NaN above ``_U_INF``."""
    return f32_bits(x) & np.uint32(0x7FFFFFFF)


@njit(**_OPTS)
def _is_neg(x):
    """x < 0 (not -0.0, not NaN), without a float comparison."""
    m = _mag(x)
    return (f32_bits(x) >= np.uint32(0x80000000)) & (m != np.uint32(0)) & (m <= _U_INF)

@njit(**_OPTS)
def exp_simd_f32(x):
    """simd_exp_FLOAT (AVX2/FMA3, AVX-512F): Cody-Waite reduction, rational minimax, 2^k."""
    nan = x != x
    m = _mag(x)
    neg = f32_bits(x) >= np.uint32(0x80000000)
    hi = (~neg) & (m >= f32_bits(_F(88.72283935546875))) & (m <= _U_INF)       # x >= 88.72...
    lo = neg & (m >= f32_bits(_F(103.97208404541015625))) & (m <= _U_INF)      # x <= -103.97...
    xs = _F_ZERO if (nan or hi or lo) else x
    q = xs * _F_LOG2E
    q = (q + _F_MAGIC) - _F_MAGIC
    r = fma(q, _CW_LN2_HI, xs)
    r = fma(q, _CW_LN2_LO, r)
    r = fma(q, _F_ZERO, r)
    num = fma(_EP5, r, _EP4)
    num = fma(num, r, _EP3)
    num = fma(num, r, _EP2)
    num = fma(num, r, _EP1)
    num = fma(num, r, _EP0)
    den = fma(_EQ2, r, _EQ1)
    den = fma(den, r, _EQ0)
    poly = num / den
    # poly * 2^k by adding k to the exponent; below 2^-125 (a subnormal result): scale to
    # 2^-125, then divide by 2^(-125-k), one rounding -- as fma_scalef_ps
    k = np.int32(q)
    kk = max(k, np.int32(-125))
    scaled = bits_f32(np.uint32(np.int32(f32_bits(poly)) + (kk << 23)))
    d = max(min(np.int32(-125) - k, np.int32(30)), np.int32(0))
    # / 2^d as * 2^-d (0 <= d <= 30: 2^-d is exact, so both are the one correctly rounded
    # quotient; a multiply, not a divide, on every lane), 2^-d built from its bits (an int ->
    # float conversion would not vectorize with AVX2)
    p2 = bits_f32(np.uint32((np.int32(127) - d) << np.int32(23)))
    res = scaled * p2 if k <= -125 else scaled
    res = _F_NAN if nan else res
    res = _F_INF if hi else res
    return _F_ZERO if lo else res


@njit(**_OPTS)
def log_simd_f32(x):
    """simd_log_FLOAT (AVX2/FMA3, AVX-512F): mantissa/exponent split, rational minimax."""
    neg = _is_neg(x)
    # 0 <= x < FLT_MIN: scale by 2^100 (exact); negative x give NaN whatever the scaling
    sub = f32_bits(x) < f32_bits(_F_MIN)
    # not x*2^100 on every lane (what LLVM makes of a select of products): it would overflow;
    # fma(x, s, +0.0) is x*s exactly here (+-0 and negative x give -inf / NaN regardless)
    xs = fma(x, _F_2P100 if sub else _F_ONE, _F_ZERO)
    b = np.int32(f32_bits(xs))
    e = _F((b >> 23) - np.int32(126))
    e = e - _F(100.0) if sub else e
    m = bits_f32(np.uint32((b & np.int32(0x7FFFFF)) | np.int32(126 << 23)))
    small = m <= _F_SQRT1_2
    m = m + m if small else m
    e = e - _F_ONE if small else e
    m = m - _F_ONE
    num = fma(_LP5, m, _LP4)
    num = fma(num, m, _LP3)
    num = fma(num, m, _LP2)
    num = fma(num, m, _LP1)
    num = fma(num, m, _LP0)
    den = fma(_LQ5, m, _LQ4)
    den = fma(den, m, _LQ3)
    den = fma(den, m, _LQ2)
    den = fma(den, m, _LQ1)
    den = fma(den, m, _LQ0)
    res = fma(e, _F_LOGE2, num / den)
    res = _F_NAN if x != x else res
    res = _F_DEFAULT_NAN if neg else res   # x86's default NaN (sign set), as NumPy's loop
    res = -_F_INF if x == _F_ZERO else res
    return _F_INF if x == _F_INF else res


# loops_trigonometric.dispatch.cpp (simd_sincos_f32)
_TWO_OVER_PI = _F(float.fromhex("0x1.45f306p-1"))
_PIO2_HI = _F(float.fromhex("-0x1.921fb0p+00"))
_PIO2_MED = _F(float.fromhex("-0x1.5110b4p-22"))
_PIO2_LO = _F(float.fromhex("-0x1.846988p-48"))
_COS8 = _F(float.fromhex("0x1.98e616p-16"))
_COS6 = _F(float.fromhex("-0x1.6c06dcp-10"))
_COS4 = _F(float.fromhex("0x1.55553cp-05"))
_COS2 = _F(float.fromhex("-0x1.000000p-01"))
_SIN9 = _F(float.fromhex("0x1.7d3bbcp-19"))
_SIN7 = _F(float.fromhex("-0x1.a06bbap-13"))
_SIN5 = _F(float.fromhex("0x1.11119ap-07"))
_SIN3 = _F(float.fromhex("-0x1.555556p-03"))
libm_sin = _libm_real("sin")
libm_cos = _libm_real("cos")


def _make_sincos(is_cos):
    """(exact, fast, big) for NumPy's float32 sin or cos: ``exact`` is NumPy's algorithm with
    its C-library call for arguments beyond Cody-Waite's range; ``fast`` is the same without
    that call (those lanes get a meaningless value), so a loop calling it vectorizes;
    ``big(x)`` says whether ``x`` needs the call. Generated kernels run ``fast`` and, in a
    block where ``big`` held anywhere, run the block again with ``exact`` (cpu_numba
    ``SLOW_PATHS``)."""
    max_cody = _F(71476.0625) if is_cos else _F(117435.992)
    add = 1 if is_cos else 0

    @njit(**_OPTS)
    def big(x):
        m = _mag(x)
        return (m > f32_bits(max_cody)) & (m <= _U_INF)

    @njit(**_OPTS)
    def fast(x):
        nan = x != x
        xs = _F_ZERO if (nan or big(x)) else x
        # NumPy's build contracts x*(2/pi) + magic into one FMA
        q = fma(xs, _TWO_OVER_PI, _F_MAGIC) - _F_MAGIC
        r = fma(q, _PIO2_HI, xs)
        r = fma(q, _PIO2_MED, r)
        r = fma(q, _PIO2_LO, r)
        r2 = r * r
        c = fma(_COS8, r2, _COS6)
        c = fma(c, r2, _COS4)
        c = fma(c, r2, _COS2)
        c = fma(c, r2, _F_ONE)
        s = fma(_SIN9, r2, _SIN7)
        s = fma(s, r2, _SIN5)
        s = fma(s, r2, _SIN3)
        s = fma(s, r2, _F_ZERO)
        s = fma(s, r, r)
        iq = np.int32(q) + np.int32(add)
        res = s if (iq & np.int32(1)) == 0 else c
        res = _F_ZERO - res if (iq & np.int32(2)) != 0 else res
        return _F_NAN if nan else res

    @njit(**_OPTS)
    def exact(x):
        res = fast(x)
        if big(x):  # |x| beyond Cody-Waite's range: the C library, as NumPy
            res = libm_cos(x) if is_cos else libm_sin(x)
        return res

    return exact, fast, big


sin_simd_f32, sin_fast_f32, sin_big_f32 = _make_sincos(False)
cos_simd_f32, cos_fast_f32, cos_big_f32 = _make_sincos(True)

# loops_hyperbolic.dispatch.cpp.src (from SVML): per-interval polynomials, table rows b, c0, c1 ...
_TANH_F32_LUT = np.array([
    0x00000000, 0x3d700000, 0x3d900000, 0x3db00000, 0x3dd00000, 0x3df00000, 0x3e100000, 0x3e300000,
    0x3e500000, 0x3e700000, 0x3e900000, 0x3eb00000, 0x3ed00000, 0x3ef00000, 0x3f100000, 0x3f300000,
    0x3f500000, 0x3f700000, 0x3f900000, 0x3fb00000, 0x3fd00000, 0x3ff00000, 0x40100000, 0x40300000,
    0x40500000, 0x40700000, 0x40900000, 0x40b00000, 0x40d00000, 0x40f00000, 0x41100000, 0x00000000,
    0x00000000, 0x3d6fb9c9, 0x3d8fc35f, 0x3daf9169, 0x3dcf49ab, 0x3deee849, 0x3e0f0ee8, 0x3e2e4984,
    0x3e4d2f8e, 0x3e6bb32e, 0x3e8c51cd, 0x3ea96163, 0x3ec543f1, 0x3edfd735, 0x3f028438, 0x3f18abf0,
    0x3f2bc480, 0x3f3bec1c, 0x3f4f2e5b, 0x3f613c53, 0x3f6ce37d, 0x3f743c4f, 0x3f7a5feb, 0x3f7dea85,
    0x3f7f3b3d, 0x3f7fb78c, 0x3f7fefd4, 0x3f7ffdd0, 0x3f7fffb4, 0x3f7ffff6, 0x3f7fffff, 0x3f800000,
    0x3f800000, 0x3f7f1f84, 0x3f7ebd11, 0x3f7e1e5f, 0x3f7d609f, 0x3f7c842d, 0x3f7b00e5, 0x3f789580,
    0x3f75b8ad, 0x3f726fd9, 0x3f6cc59b, 0x3f63fb92, 0x3f59ff97, 0x3f4f11d7, 0x3f3d7573, 0x3f24f360,
    0x3f0cbfe7, 0x3eec1a69, 0x3eb0a801, 0x3e6753a2, 0x3e132f1a, 0x3db7e7d3, 0x3d320845, 0x3c84d3d4,
    0x3bc477b7, 0x3b10d3da, 0x3a01601e, 0x388c1a3b, 0x3717b0da, 0x35a43bce, 0x338306c6, 0x00000000,
    0xb0343c7b, 0xbd6ee69d, 0xbd8f0da7, 0xbdae477d, 0xbdcd2a1f, 0xbdeba80d, 0xbe0c443b, 0xbe293cf3,
    0xbe44f282, 0xbe5f3651, 0xbe81c7c0, 0xbe96d7ca, 0xbea7fb8e, 0xbeb50e9e, 0xbec12efe, 0xbec4be92,
    0xbebce070, 0xbead510e, 0xbe8ef7d6, 0xbe4b8704, 0xbe083237, 0xbdaf7449, 0xbd2e1ec4, 0xbc83bf06,
    0xbbc3e0b5, 0xbb10aadc, 0xba0157db, 0xb88c18f2, 0xb717b096, 0xb5a43bae, 0xb383012c, 0x00000000,
    0xbeaaaaa5, 0xbeab0612, 0xbea7f01f, 0xbea4e120, 0xbea387b7, 0xbea15962, 0xbe9d57f7, 0xbe976b5a,
    0xbe90230d, 0xbe880dff, 0xbe7479b3, 0xbe4c3d88, 0xbe212482, 0xbdeb8cba, 0xbd5e78ad, 0x3c6b5e6e,
    0x3d839143, 0x3dc21ee1, 0x3de347af, 0x3dcbec96, 0x3d99ef2d, 0x3d542ea1, 0x3cdde701, 0x3c2cca67,
    0x3b81cb27, 0x3ac073a1, 0x39ac3032, 0x383a94d9, 0x36ca081d, 0x355abd4c, 0x332b3cb6, 0x00000000,
    0xb76dd6b9, 0xbe1c276d, 0x3c1dcf2f, 0x3dc1a78d, 0x3d96f985, 0x3da2b61b, 0x3dc13397, 0x3dd2f670,
    0x3df48a0a, 0x3e06c5a8, 0x3e1a3aba, 0x3e27c405, 0x3e2e78d0, 0x3e2c3e44, 0x3e1d3097, 0x3df4a8f4,
    0x3da38508, 0x3d31416a, 0x3b562657, 0xbcaeeac9, 0xbcce9419, 0xbcaaeac4, 0xbc49e7d0, 0xbba71ddd,
    0xbb003b0e, 0xba3f9a05, 0xb92c08a7, 0xb7ba9232, 0xb64a0b0f, 0xb4dac169, 0xb2ab78ac, 0x00000000,
    0x3e0910e9, 0x43761143, 0x4165ecdc, 0xc190f756, 0xc08c097d, 0xc02ba813, 0xbf7f6bda, 0x3f2b1dc0,
    0x3ece105d, 0x3f426a94, 0xbadb0dc4, 0x3da43b17, 0xbd51ab88, 0xbcaea23d, 0xbd3b6d8d, 0xbd6caaad,
    0xbd795bed, 0xbd5fddda, 0xbd038f3b, 0xbc1cad63, 0x3abb4766, 0x3b95f10b, 0x3b825873, 0x3afaea66,
    0x3a49f878, 0x39996bf3, 0x388f3e6c, 0x371bb0e3, 0x35a8a5e6, 0x34369b17, 0x322487b0, 0x00000000,
    0xbc0e2f66, 0x460bda12, 0x43d638ef, 0xc3e11c3e, 0xc2baa4e9, 0xc249da2d, 0xc1859b82, 0x40dd5b57,
    0x40494640, 0x40c730a8, 0xbf0f160e, 0x3e30e76f, 0xbea81387, 0xbdb26a1c, 0xbd351e57, 0xbb4c01a0,
    0x3c1d7bfb, 0x3c722cd1, 0x3c973f1c, 0x3c33a31b, 0x3b862ef4, 0x3a27b3d0, 0xba3b5907, 0xba0efc22,
    0xb97f9f0f, 0xb8c8af50, 0xb7bdddfb, 0xb64f2950, 0xb4e085b1, 0xb3731dfa, 0xb15a1f04, 0x00000000,
], dtype=np.uint32).view(np.float32).reshape(8, 32)

_TANH_F64_LUT = np.array([
    0x0000000000000000, 0x3fcc000000000000, 0x3fd4000000000000, 0x3fdc000000000000,
    0x3fe4000000000000, 0x3fec000000000000, 0x3ff4000000000000, 0x3ffc000000000000,
    0x4004000000000000, 0x400c000000000000, 0x4014000000000000, 0x401c000000000000,
    0x4024000000000000, 0x402c000000000000, 0x4034000000000000, 0x0000000000000000,
    0x0000000000000000, 0x3fcb8fd0416a7c92, 0x3fd35f98a0ea650e, 0x3fda5729ee488037,
    0x3fe1bf47eabb8f95, 0x3fe686650b8c2015, 0x3feb2523bb6b2dee, 0x3fee1fbf97e33527,
    0x3fef9258260a71c2, 0x3feff112c63a9077, 0x3fefff419668df11, 0x3feffffc832750f2,
    0x3feffffffdc96f35, 0x3fefffffffffcf58, 0x3ff0000000000000, 0x3ff0000000000000,
    0x3ff0000000000000, 0x3fee842ca3f08532, 0x3fed11574af58f1b, 0x3fea945b9c24e4f9,
    0x3fe6284c3374f815, 0x3fe02500a09f8d6e, 0x3fd1f25131e3a8c0, 0x3fbd22ca1c24a139,
    0x3f9b3afe1fba5c76, 0x3f6dd37d19b22b21, 0x3f27ccec13a9ef96, 0x3ecbe6c3f33250ae,
    0x3e41b4865394f75f, 0x3d8853f01bda5f28, 0x3c73953c0197ef58, 0x0000000000000000,
    0xbbf0b3ea3fdfaa19, 0xbfca48aaeb53bc21, 0xbfd19921f4329916, 0xbfd5e0f09bef8011,
    0xbfd893b59c35c882, 0xbfd6ba7cb7576538, 0xbfce7291743d7555, 0xbfbb6d85a01efb80,
    0xbf9addae58c7141a, 0xbf6dc59376c7aa19, 0xbf27cc5e74677410, 0xbecbe6c0e8b4cc87,
    0xbe41b486526b0565, 0xbd8853f01bef63a4, 0xbc73955be519be31, 0x0000000000000000,
    0xbfd5555555555555, 0xbfd183afc292ba11, 0xbfcc1a4b039c9bfa, 0xbfc16e1e6d8d0be6,
    0xbf92426c751e48a2, 0x3fb4f152b2bad124, 0x3fbbba40cbef72be, 0x3fb01ba038be6a3d,
    0x3f916df44871efc8, 0x3f63c6869dfc8870, 0x3f1fb9aef915d828, 0x3ec299d1e27c6e11,
    0x3e379b5ddcca334c, 0x3d8037f57bc62c9a, 0x3c6a2d4b50a2cff7, 0x0000000000000000,
    0xbce6863ee44ed636, 0x3fc04dcd0476c75e, 0x3fc43d3449a80f08, 0x3fc5c26f3699b7e7,
    0x3fc1a686f6ab2533, 0x3faf203c316ce730, 0xbf89c7a02788557c, 0xbf98157e26e0d541,
    0xbf807b55c1c7d278, 0xbf53a18d5843190f, 0xbf0fb6bbc89b1a5b, 0xbeb299c9c684a963,
    0xbe279b5dd4fb3d01, 0xbd7037f57ae72aa6, 0xbc5a2ca2bba78e86, 0x0000000000000000,
    0x3fc1111111112ab5, 0x3fb5c19efdfc08ad, 0x3fa74c98dc34fbac, 0xbf790d6a8eff0a77,
    0xbfac3c021789a786, 0xbfae2196b7326859, 0xbf93a7a011ff8c2a, 0x3f6e4709c7e8430e,
    0x3f67682afa611151, 0x3f3ef2ee77717cbf, 0x3ef95a4482f180b7, 0x3e9dc2c27da3b603,
    0x3e12e2afd9f7433e, 0x3d59f320348679ba, 0x3c44b61d9bbcc940, 0x0000000000000000,
    0xbda1ea19ddddb3b4, 0xbfb0b8df995ce4df, 0xbfb2955cf41e8164, 0xbfaf9d05c309f7c6,
    0xbf987d27ccff4291, 0x3f8b2ca62572b098, 0x3f8f1cf6c7f5b00a, 0x3f60379811e43dd5,
    0xbf4793826f78537e, 0xbf2405695e36240f, 0xbee0e08de39ce756, 0xbe83d709ba5f714e,
    0xbdf92e3fc5ee63e0, 0xbd414cc030f2110e, 0xbc2ba022e8d82a87, 0x0000000000000000,
    0xbfaba1ba1990520b, 0xbf96e37bba52f6fc, 0x3ecff7df18455399, 0x3f97362834d33a4e,
    0x3f9e7f8380184b45, 0x3f869543e7c420d4, 0xbf7326bd4914222a, 0xbf5fc15b0a9d98fa,
    0x3f14cffcfa69fbb6, 0x3f057e48e5b79d10, 0x3ec33b66d7d77264, 0x3e66ac4e578b9b10,
    0x3ddcc74b8d3d5c42, 0x3d23c589137f92b4, 0x3c107f8e2c8707a1, 0x0000000000000000,
    0xbe351ca7f096011f, 0x3f9eaaf3320c3851, 0x3f9cf823fe761fc1, 0x3f9022271754ff1f,
    0xbf731fe77c9c60af, 0xbf84a6046865ec7d, 0xbf4ca3f1f2b9192b, 0x3f4c77dee0afd227,
    0x3f04055bce68597a, 0xbee2bf0cb4a71647, 0xbea31eaafe73efd5, 0xbe46abb02c4368ed,
    0xbdbcc749ca8079dd, 0xbd03c5883836b9d2, 0xbbf07a5416264aec, 0x0000000000000000,
    0x3f9664f94e6ac14e, 0xbf94d3343bae39dd, 0xbf7bc748e60df843, 0xbf8c89372b43ba85,
    0xbf8129a092de747a, 0x3f60c85b4d538746, 0x3f5be9392199ec18, 0xbf2a0c68a4489f10,
    0xbf00462601dc2faa, 0x3eb7b6a219dea9f4, 0x3e80cbcc8d4c5c8a, 0x3e2425bb231a5e29,
    0x3d9992a4beac8662, 0x3ce191ba5ed3fb67, 0x3bc892450bad44c4, 0x0000000000000000,
    0xbea8c4c1fd7852fe, 0xbfccce16b1046f13, 0xbf81a16f224bb7b6, 0xbf62cbf00406bc09,
    0x3f75b29bb02cf69b, 0x3f607df0f9f90c17, 0xbf4b852a6e0758d5, 0xbf0078c63d1b8445,
    0x3eec12eadd55be7a, 0xbe6fa600f593181b, 0xbe5a3c935dce3f7d, 0xbe001c6d95e3ae96,
    0xbd74755a00ea1fd3, 0xbcbc1c6c063bb7ac, 0xbba3be9a4460fe00, 0x0000000000000000,
    0xbf822404577aa9dd, 0x403d8b07f7a82aa3, 0xbf9f44ab92fbab0a, 0x3fb2eac604473d6a,
    0x3f45f87d903aaac8, 0xbf5e104671036300, 0x3f19bc98ddf0f340, 0x3f0d4304bc9246e8,
    0xbed13c415f7b9d41, 0xbe722b8d9720cdb0, 0x3e322666d739bec0, 0x3dd76a553d7e7918,
    0x3d4de0fa59416a39, 0x3c948716cf3681b4, 0x3b873f9f2d2fda99, 0x0000000000000000,
    0xbefdd99a221ed573, 0x4070593a3735bab4, 0xbfccab654e44835e, 0x3fd13ed80037dbac,
    0xbf6045b9076cc487, 0x3f2085ee7e8ac170, 0x3f23524622610430, 0xbeff12a6626911b4,
    0x3eab9008bca408af, 0x3e634df71865f620, 0xbe05bb1bcf83ca73, 0xbdaf2ac143fb6762,
    0xbd23eae52a3dbf57, 0xbc6b5e3e9ca0955e, 0xbb5eca68e2c1ba2e, 0x0000000000000000,
    0x3f6e3be689423841, 0xc0d263511f5baac1, 0x40169f73b15ebe5c, 0xc025c1dd41cd6cb5,
    0xbf58fd89fe05e0d1, 0x3f73f7af01d5af7a, 0xbf1e40bdead17e6b, 0x3ee224cd6c4513e5,
    0xbe24b645e68eeaa3, 0xbe4abfebfb72bc83, 0x3dd51c38f8695ed3, 0x3d8313ac38c6832b,
    0x3cf7787935626685, 0x3c401ffc49c6bc29, 0xbabf0b21acfa52ab, 0x0000000000000000,
    0xbf2a1306713a4f3a, 0xc1045e509116b066, 0x4041fab9250984ce, 0xc0458d090ec3de95,
    0xbf74949d60113d63, 0x3f7c9fd6200d0ade, 0x3f02cd40e0ad0a9f, 0xbe858ab8e019f311,
    0xbe792fa6323b7cf8, 0x3e2df04d67876402, 0xbd95c72be95e4d2c, 0xbd55a89c30203106,
    0xbccad6b3bb9eff65, 0xbc12705ccd3dd884, 0xba8e0a4c47ae75f5, 0x0000000000000000,
    0xbf55d7e76dc56871, 0x41528c38809c90c7, 0xc076d57fb5190b02, 0x4085f09f888f8ada,
    0x3fa246332a2fcba5, 0xbfb29d851a896fcd, 0x3ed9065ae369b212, 0xbeb8e1ba4c98a030,
    0x3e6ffd0766ad4016, 0xbe0c63c29f505f5b, 0xbd7fab216b9e0e49, 0x3d2826b62056aa27,
    0x3ca313e31762f523, 0x3bea37aa21895319, 0x3ae5c7f1fd871496, 0x0000000000000000,
    0x3f35e67ab76a26e7, 0x41848ee0627d8206, 0xc0a216d618b489ec, 0x40a5b89107c8af4f,
    0x3fb69d8374520eda, 0xbfbded519f981716, 0xbef02d288b5b3371, 0x3eb290981209c1a6,
    0xbe567e924bf5ff6e, 0x3de3f7f7de6b0eb6, 0x3d69ed18bae3ebbc, 0xbcf7534c4f3dfa71,
    0xbc730b73f1eaff20, 0xbbba2cff8135d462, 0xbab5a71b5f7d9035, 0x0000000000000000,
], dtype=np.uint64).view(np.float64).reshape(18, 16)


@njit(**_OPTS)
def tanh_simd_f32(x):
    b = np.int32(f32_bits(x))
    nd = b & np.int32(0x7FE00000)
    idx = min(max(nd - np.int32(0x3D400000), np.int32(0)), np.int32(0x3E00000)) >> 21
    t = _TANH_F32_LUT
    y = np.abs(x) - t[0, idx]
    y = _F_ZERO if nd > np.int32(0x7F000000) else y  # inf, NaN: no 0*inf ("invalid")
    r = fma(t[7, idx], y, t[6, idx])
    r = fma(r, y, t[5, idx])
    r = fma(r, y, t[4, idx])
    r = fma(r, y, t[3, idx])
    r = fma(r, y, t[2, idx])
    r = fma(r, y, t[1, idx])
    r = _F_ONE if nd > np.int32(0x7F000000) else r
    r = bits_f32(np.uint32(np.int32(f32_bits(r)) | (b & np.int32(-2147483648))))
    return _F_NAN if x != x else r


@njit(**_OPTS)
def tanh_simd_f64(x):
    b = f64_bits(x)
    nd = np.int64(b >> np.uint64(32)) & 0x7FF80000  # high word of the bits & 0x7ff8....
    idx = min(max(nd - 0x3FC00000, 0), 0x780000) >> 19
    t = _TANH_F64_LUT
    y = np.abs(x) - t[0, idx]
    y = np.float64(0.0) if nd > 0x7FE00000 else y  # inf, NaN: no 0*inf ("invalid")
    r = fma(t[17, idx], y, t[16, idx])
    r = fma(r, y, t[15, idx])
    r = fma(r, y, t[14, idx])
    r = fma(r, y, t[13, idx])
    r = fma(r, y, t[12, idx])
    r = fma(r, y, t[11, idx])
    r = fma(r, y, t[10, idx])
    r = fma(r, y, t[9, idx])
    r = fma(r, y, t[8, idx])
    r = fma(r, y, t[7, idx])
    r = fma(r, y, t[6, idx])
    r = fma(r, y, t[5, idx])
    r = fma(r, y, t[4, idx])
    r = fma(r, y, t[3, idx])
    r = fma(r, y, t[2, idx])
    r = fma(r, y, t[1, idx])
    r = np.float64(1.0) if nd > 0x7FE00000 else r
    r = bits_f64(f64_bits(r) | (b & np.uint64(0x8000000000000000)))
    return np.float64(np.nan) if x != x else r


# ---------------------------------------------------------------------------------------------
# floating-point error flags (NumPy's bits: 1 divide-by-zero, 2 overflow, 4 underflow, 8 invalid)
#
# Generated kernels clear the x86 MXCSR exception bits at the start of each block of elements
# and read them at its end (``fpe_clear`` / ``fpe_read``: what the hardware raised), and OR in
# the flags NumPy raises in software (``fl_*``: integer division by zero, float16 rounding,
# its SIMD exp/log, float -> int casts), so that a fused kernel reports what NumPy's ufuncs
# would have. Elsewhere (no MXCSR) ``FPE_HW`` is False and the backend reports a conservative
# answer.

FPE_HW = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")
_MXCSR_FLAGS = 0x3F


def _mxcsr_fns(builder):
    i8p = ir.IntType(8).as_pointer()
    fnty = ir.FunctionType(ir.VoidType(), [i8p])
    st = builder.module.declare_intrinsic("llvm.x86.sse.stmxcsr", (), fnty)
    ld = builder.module.declare_intrinsic("llvm.x86.sse.ldmxcsr", (), fnty)
    return st, ld, i8p


@intrinsic
def fpe_clear(typingctx):
    """Clear the MXCSR exception flags of this thread (masks and rounding mode kept)."""
    def codegen(context, builder, sig, args):
        if FPE_HW:
            i32 = ir.IntType(32)
            st, ld, i8p = _mxcsr_fns(builder)
            slot = cgutils.alloca_once(builder, i32)
            p = builder.bitcast(slot, i8p)
            builder.call(st, [p])
            builder.store(builder.and_(builder.load(slot), ir.Constant(i32, ~_MXCSR_FLAGS & 0xFFFFFFFF)), slot)
            builder.call(ld, [p])
        return ir.Constant(ir.IntType(64), 0)

    return types.int64(), codegen


@intrinsic
def fpe_read(typingctx):
    """The MXCSR exception flags raised since ``fpe_clear``, as NumPy's bits (0 without MXCSR)."""
    def codegen(context, builder, sig, args):
        i64 = ir.IntType(64)
        if not FPE_HW:
            return ir.Constant(i64, 0)
        i32 = ir.IntType(32)
        st, _, i8p = _mxcsr_fns(builder)
        slot = cgutils.alloca_once(builder, i32)
        builder.call(st, [builder.bitcast(slot, i8p)])
        m = builder.zext(builder.load(slot), i64)
        one = ir.Constant(i64, 1)
        ie = builder.shl(builder.and_(m, one), ir.Constant(i64, 3))       # IE -> 8 invalid
        rest = builder.and_(builder.lshr(m, ir.Constant(i64, 2)), ir.Constant(i64, 7))
        return builder.or_(ie, rest)                                       # ZE 1, OE 2, UE 4

    return types.int64(), codegen


# ---------------------------------------------------------------------------------------------
# streaming (non-temporal) stores
#
# A result larger than the caches is written through the caches for nothing: an ordinary store
# first reads the line it writes (read-for-ownership), so a fused ``out = f(a)`` moves three
# bytes per byte of output instead of two. ``stream_store`` marks the store non-temporal; LLVM's
# loop vectorizer then emits ``vmovntps`` / ``vmovntdq`` (measured on the Zen 5 machine, 16M
# float32 ``a*1.5+0.25`` on two threads: 2.42 ms against 2.91). The vectorizer only widens a
# non-temporal store whose alignment is the vector's width, and takes that alignment from the
# scalar store's: the store claims 64 bytes. That is true of every vector store only when the
# output's address and each block's first element are 64-byte aligned, which the caller checks
# (``cpu_numba.Kernel.run``, ``compiler/jit.variant_for``; pooled results are 64-byte aligned);
# a scalar remainder store never faults on its alignment (``movnti`` / ``movntss`` / a plain
# ``mov``). Non-temporal stores are weakly ordered: ``stream_fence`` (``sfence``) ends each
# block so that the thread that joins the workers sees them. Only x86-64 (``STREAMING``): elsewhere
# both are ordinary.

STREAMING = platform.machine().lower() in ("x86_64", "amd64")


@intrinsic
def stream_store(typingctx, arr, idx, val):
    """``arr[idx] = val`` (1-D C-contiguous ``arr``) as a non-temporal store; see above."""
    sig = types.void(arr, idx, val)

    def codegen(context, builder, sig, args):
        arrty, _, valty = sig.args
        ary = context.make_array(arrty)(context, builder, args[0])
        ptr = builder.gep(ary.data, [args[1]])
        v = context.cast(builder, args[2], valty, arrty.dtype)
        v = context.data_model_manager[arrty.dtype].as_data(builder, v)  # a bool as its byte
        if STREAMING:
            st = builder.store(v, ptr, align=64)
            st.set_metadata("nontemporal", builder.module.add_metadata([ir.Constant(ir.IntType(32), 1)]))
        else:
            builder.store(v, ptr)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def stream_fence(typingctx):
    """``sfence``: this thread's non-temporal stores are visible before what follows."""
    def codegen(context, builder, sig, args):
        if STREAMING:
            fn = builder.module.declare_intrinsic("llvm.x86.sse.sfence", (), ir.FunctionType(ir.VoidType(), []))
            builder.call(fn, [])
        return context.get_dummy_value()

    return types.void(), codegen


# ---------------------------------------------------------------------------------------------
# vector width
#
# LLVM vectorizes for 256-bit registers on Intel's AVX-512 server cores (its tuning
# ``prefer-256-bit``, from the Skylake-SP days when 512-bit code lowered the clock), and for
# 512-bit ones on AMD's Zen 4 / Zen 5. Measured on an Intel Xeon (Emerald Rapids, 2026-12-05):
# the generated transc12 float32 kernel 1.0 vs 1.2-1.9 ms at 1M elements and 14.1-14.4 vs
# 16.7-17.6 ms at 16M with 512-bit vectors (the compute-bound inline math gains, memory-bound
# arithmetic is unchanged). Generated kernels call ``prefer_wide_vectors()`` in their parallel
# loop's body where ``WIDE_VECTORS``; it sets the enclosing function's ``prefer-vector-width``
# to 512, which LLVM reads per function -- no process-wide Numba setting changes, so a user's own
# Numba code is compiled as before.

#: CPUs whose 512-bit instructions cost clock speed (the first AVX-512 server cores, Xeon Phi):
#: left at LLVM's choice.
_NARROW_AVX512_CPUS = frozenset({"skylake-avx512", "cascadelake", "cooperlake", "knl", "knm"})


def _wide_vectors() -> bool:
    import os
    forced = os.environ.get("HOLOGRAM_WIDE_VECTORS", "").strip().lower()
    if forced in ("0", "false", "no", "off"):
        return False
    if "avx512f" not in _jit_features() or "avx512f" not in _host_features():
        return False
    if forced in ("1", "true", "yes", "on"):
        return True
    try:
        return _llvm.get_host_cpu_name() not in _NARROW_AVX512_CPUS
    except Exception:  # pragma: no cover
        return False


@intrinsic
def prefer_wide_vectors(typingctx):
    """Vectorize the enclosing (compiled) function for 512-bit registers (see above)."""
    def codegen(context, builder, sig, args):
        # a string attribute: llvmlite's FunctionAttributes lists only the enum ones
        set.add(builder.function.attributes, '"prefer-vector-width"="512"')
        return context.get_dummy_value()

    return types.void(), codegen


@njit(**_OPTS)
def sw_bits(sw1, sw2, sw4, sw8):
    """NumPy's flag bits from the four boolean accumulators of generated kernels."""
    return (np.int64(1) if sw1 else np.int64(0)) | (np.int64(2) if sw2 else np.int64(0)) | \
        (np.int64(4) if sw4 else np.int64(0)) | (np.int64(8) if sw8 else np.int64(0))


# Each ``fl_*`` predicate says whether NumPy raises one flag for one element; generated code
# ORs it into a boolean accumulator per flag bit (``swN |= ...``), which vectorizes cheaply.

@njit(**_OPTS)
def fl_div0(b):
    """Integer division / remainder by zero: NumPy sets divide-by-zero (1)."""
    return b == 0


@njit(**_OPTS)
def fl_fdiv_ovf(a, b, bits):
    """Signed floor_divide ``MIN // -1``: NumPy sets overflow (2)."""
    return (b == -1) & (a == -(np.int64(1) << (bits - 1)))


@njit(**_OPTS)
def fl_cvt32(d):
    """``cvt32``'s input (float64) out of int32 range or NaN: invalid (8)."""
    return not (d > -2147483649.0 and d < 2147483648.0)


@njit(**_OPTS)
def fl_cvt64(d):
    return not (d >= -9223372036854775808.0 and d < 9223372036854775808.0)


@njit(**_OPTS)
def fl_f2i_small(x):
    """float -> int8/16/32, uint8/16 (a 32-bit conversion, as NumPy's casts): invalid (8)."""
    return fl_cvt32(np.float64(x))


@njit(**_OPTS)
def fl_f2i_int64(x):
    return fl_cvt64(np.float64(x))


@njit(**_OPTS)
def fl_f2i_uint32(x):
    d = np.float64(x)
    return fl_cvt32(d - 2147483648.0) if d >= 2147483648.0 else fl_cvt32(d)


@njit(**_OPTS)
def fl_f2i_uint32_scalar(x):
    return fl_cvt64(np.float64(x))


@njit(**_OPTS)
def fl_f2i_uint64(x):
    d = np.float64(x)
    return fl_cvt64(d - 9223372036854775808.0) if d >= 9223372036854775808.0 else fl_cvt64(d)


@njit(**_OPTS)
def fl_f2h_over(x):
    """NumPy's float32 -> float16 rounding (``FromFloatBits``): a finite value rounds to inf."""
    return ((f32_bits(x) & np.uint32(0x7F800000)) != np.uint32(0x7F800000)) & \
        ((np.int64(f2h(x)) & 0x7FFF) == 0x7C00)


@njit(**_OPTS)
def fl_f2h_under(x):
    """... a nonzero value is inexact below 2^-14 (underflow)."""
    f = np.int64(f32_bits(x))
    f_exp = f & 0x7F800000
    if f_exp > 0x38000000:
        return False
    if f_exp < 0x33000000:
        return (f & 0x7FFFFFFF) != 0
    e = f_exp >> 23
    f_sig = 0x00800000 + (f & 0x007FFFFF)
    return (f_sig & ((np.int64(1) << (126 - e)) - 1)) != 0


@njit(**_OPTS)
def fl_d2h_over(x):
    """NumPy's float64 -> float16 rounding (``FromDoubleBits``): a finite value rounds to inf."""
    return ((f64_bits(x) & np.uint64(0x7FF0000000000000)) != np.uint64(0x7FF0000000000000)) & \
        ((np.int64(d2h(x)) & 0x7FFF) == 0x7C00)


@njit(**_OPTS)
def fl_d2h_under(x):
    d = f64_bits(x)
    d_exp = np.int64(d >> np.uint64(52)) & 0x7FF
    if d_exp > 0x3F0:
        return False
    if d_exp < 0x3E6:
        return (d & np.uint64(0x7FFFFFFFFFFFFFFF)) != np.uint64(0)
    sig = np.uint64(0x0010000000000000) + (d & np.uint64(0x000FFFFFFFFFFFFF))
    mask = (np.uint64(1) << np.uint64(1051 - d_exp)) - np.uint64(1)
    return (sig & mask) != np.uint64(0)


@njit(**_OPTS)
def fl_spacing_h_invalid(x):
    """NumPy's half spacing: invalid for inf/NaN ..."""
    return (np.int64(f2h(x)) & 0x7C00) == 0x7C00


@njit(**_OPTS)
def fl_spacing_h_over(x):
    """... overflow for the largest finite half."""
    return np.int64(f2h(x)) == 0x7BFF


@njit(**_OPTS)
def fl_nextafter_h(x, y):
    """NumPy's half nextafter: overflow when the result is infinite and x finite."""
    rr = np.int64(f2h(nextafter_h(x, y))) & 0x7FFF
    xx = np.int64(f2h(x)) & 0x7FFF
    return (rr == 0x7C00) & (xx < 0x7C00)


@njit(**_OPTS)
def fl_cpow(a, b):
    """npy_cpow raises invalid for 0 ** b (b not > 0, its NaN result), and compares ``b.real``
    with C's signaling ``>`` when ``b.imag == 0`` (invalid for a NaN)."""
    br = np.float64(b.real)
    if a.real == 0 and a.imag == 0 and not (b.real == 0 and b.imag == 0) and not (br > 0.0):
        return True
    if b.imag == 0 and br != br:
        return True  # ``br > -100`` with C's signaling comparison
    # a negative integer power ends with 1 / a**n: C's signaling compares on a NaN part
    return (b.imag == 0 and br < 0.0 and br > -100.0 and np.float64(np.int64(br)) == br
            and (a.real != a.real or a.imag != a.imag))


@njit(**_OPTS)
def fl_nan2(x, y):
    """NumPy's logaddexp compares ``x - y > 0`` with C's signaling ``>``: invalid for a NaN."""
    return (x != x) | (y != y)


@njit(**_OPTS)
def fl_cnan(a):
    """NumPy's complex reciprocal / divide compare the parts with C's ``<=``: invalid for NaN."""
    return (a.real != a.real) | (a.imag != a.imag)


@njit(**_OPTS)
def fl_exp_over_f32(x):
    """NumPy's SIMD exp sets overflow itself for finite x >= 88.72... (bits: no float compare)."""
    m = _mag(x)
    return (f32_bits(x) < np.uint32(0x80000000)) & (m >= f32_bits(_F(88.72283935546875))) & (m < _U_INF)


@njit(**_OPTS)
def fl_exp_under_f32(x):
    """... and underflow for finite x <= -103.97..."""
    m = _mag(x)
    return (f32_bits(x) >= np.uint32(0x80000000)) & (m >= f32_bits(_F(103.97208404541015625))) & (m < _U_INF)


@njit(**_OPTS)
def fl_log_zero_f32(x):
    """NumPy's SIMD log sets divide-by-zero for +-0 ..."""
    return _mag(x) == np.uint32(0)


@njit(**_OPTS)
def fl_log_neg_f32(x):
    """... and invalid for x < 0."""
    return _is_neg(x)


# ---------------------------------------------------------------------------------------------
# class-map gathers: ``out[i] = table[idx(i)]`` with idx = a byte (256-entry table) or
# a*256 + b (65536 entries); used by ``cpu_numba.gather_kernel``.

GATHER_BLOCK = 1 << 16  # elements per parallel block


def _host_features() -> set:
    try:
        return {f[1:] for f in _llvm.get_host_cpu_features().flatten().split(",") if f.startswith("+")}
    except Exception:  # pragma: no cover
        return set()


def _jit_features() -> set:
    """The CPU features Numba compiles for: ``NUMBA_CPU_FEATURES`` when set (then only those
    instructions can be selected), else the host's -- as ``numba.core.codegen`` decides."""
    from numba.core import config
    if config.CPU_FEATURES is None:
        return _host_features()
    return {f.strip()[1:] for f in config.CPU_FEATURES.split(",") if f.strip().startswith("+")}


#: The features both this CPU runs and Numba compiles for (a SIMD lookup needs both).
_SIMD_FEATURES = (_host_features() & _jit_features()) if FPE_HW else set()
#: Whether AVX2's ``vpshufb`` lookup can be compiled and run here.
HAS_AVX2 = "avx2" in _SIMD_FEATURES
#: Whether AVX-512 VBMI's ``vpermi2b`` lookup can be compiled and run here.
HAS_VBMI = {"avx512f", "avx512bw", "avx512vbmi"} <= _SIMD_FEATURES
#: Whether generated kernels ask for 512-bit vectors (``prefer_wide_vectors``): AVX-512 here and
#: in Numba's target, not one of ``_NARROW_AVX512_CPUS``; ``HOLOGRAM_WIDE_VECTORS=0`` / ``1``
#: overrides the CPU list (read at import).
WIDE_VECTORS = FPE_HW and _wide_vectors()


def _lut_typing_ok(table, src, dst, lo, hi) -> bool:
    """The signature every lookup intrinsic accepts: three arrays and two integers."""
    return (isinstance(table, types.Array) and isinstance(src, types.Array)
            and isinstance(dst, types.Array) and isinstance(lo, types.Integer)
            and isinstance(hi, types.Integer))


def _lut_operands(context, builder, sig, args, chunk):
    """(table, src, dst byte pointers, lo as int64, number of whole ``chunk``-element steps in
    [lo, hi)) -- the setup every lookup intrinsic's codegen shares."""
    i8, i64 = ir.IntType(8), ir.IntType(64)
    lo_v = context.cast(builder, args[3], sig.args[3], types.int64)
    hi_v = context.cast(builder, args[4], sig.args[4], types.int64)
    ptrs = [builder.bitcast(context.make_array(sig.args[k])(context, builder, args[k]).data, i8.as_pointer())
            for k in range(3)]
    n = builder.sdiv(builder.sub(hi_v, lo_v), ir.Constant(i64, chunk))
    n = builder.select(builder.icmp_signed("<", n, ir.Constant(i64, 0)), ir.Constant(i64, 0), n)
    return ptrs[0], ptrs[1], ptrs[2], lo_v, n


def _interleave_masks(width: int) -> list[list[int]]:
    """shufflevector masks that interleave ``width`` byte planes of 64 bytes into 64 elements of
    ``width`` bytes: level k joins pairs of vectors by alternating 2^k-byte units."""
    masks = []
    unit, size = 1, 64
    while unit < width:
        m = []
        for j in range(size // unit):
            m += [j * unit + b for b in range(unit)] + [size + j * unit + b for b in range(unit)]
        masks.append(m)
        unit, size = unit * 2, size * 2
    return masks


def _vbmi_planes_intrinsic(width: int, stream: bool = False):
    """An intrinsic ``(planes, src, dst, lo, hi) -> i``: ``dst`` bytes of elements ``[lo, i)``
    = the ``width``-byte table entries of ``src``'s bytes, ``i = lo + 64*k`` the most whole
    64-element chunks of ``[lo, hi)``. ``planes``: ``width`` x 256 bytes (C-contiguous), plane p
    holding byte p (little-endian) of every entry, four 512-bit registers per plane. Per chunk:
    each plane looked up by two ``vpermi2b`` (each a 128-entry lookup by the low 7 bits of the
    index, over the plane's first and second halves) and a byte blend on the index's top bit;
    then (width > 1) the planes interleaved into elements by shufflevectors (LLVM emits
    ``vpermt2b``), one ``64 * width``-byte store. Unaligned loads and stores (``align=1``), so
    any start offset works. Width 1 is ``vbmi_lut_range``, the byte-table lookup.

    ``stream``: non-temporal stores (see ``stream_store``), each claiming 64-byte alignment --
    the caller's promise: ``dst`` 64-byte aligned and ``lo * width`` a multiple of 64."""
    masks = _interleave_masks(width)
    nt = stream and STREAMING

    @intrinsic
    def vbmi_planes_range(typingctx, planes, src, dst, lo, hi):
        if not _lut_typing_ok(planes, src, dst, lo, hi):
            return None

        def codegen(context, builder, sig, args):
            i8, i32, i64 = ir.IntType(8), ir.IntType(32), ir.IntType(64)
            v64 = ir.VectorType(i8, 64)
            v64p = v64.as_pointer()
            vout = ir.VectorType(i8, 64 * width)
            tbase, sbase, dbase, lo_v, nchunks = _lut_operands(context, builder, sig, args, 64)
            t = [[builder.load(builder.bitcast(builder.gep(tbase, [ir.Constant(i64, 256 * p + 64 * k)]), v64p),
                               align=1) for k in range(4)] for p in range(width)]
            fn = builder.module.declare_intrinsic("llvm.x86.avx512.vpermi2var.qi.512", (),
                                                  ir.FunctionType(v64, [v64, v64, v64]))
            zero = ir.Constant(v64, [0] * 64)
            with cgutils.for_range(builder, nchunks) as loop:
                off = builder.add(lo_v, builder.mul(loop.index, ir.Constant(i64, 64)))
                x = builder.load(builder.bitcast(builder.gep(sbase, [off]), v64p), align=1)
                top = builder.icmp_signed("<", x, zero)
                vs = []
                for p in range(width):
                    low_half = builder.call(fn, [t[p][0], x, t[p][1]])
                    high_half = builder.call(fn, [t[p][2], x, t[p][3]])
                    vs.append(builder.select(top, high_half, low_half))
                for m in masks:
                    mask = ir.Constant(ir.VectorType(i32, len(m)), m)
                    vs = [builder.shuffle_vector(vs[2 * j], vs[2 * j + 1], mask) for j in range(len(vs) // 2)]
                dst_off = builder.mul(off, ir.Constant(i64, width))
                st = builder.store(vs[0], builder.bitcast(builder.gep(dbase, [dst_off]), vout.as_pointer()),
                                   align=64 if nt else 1)
                if nt:
                    st.set_metadata("nontemporal", builder.module.add_metadata([ir.Constant(i32, 1)]))
            return builder.add(lo_v, builder.mul(nchunks, ir.Constant(i64, 64)))

        return types.int64(planes, src, dst, lo, hi), codegen

    return vbmi_planes_range


#: ``dst[i] = T[src[i]]`` for a 256-byte table T, 64 bytes per step (see above).
vbmi_lut_range = _vbmi_planes_intrinsic(1)
#: The same with non-temporal stores (``dst`` and ``lo`` 64-byte aligned).
vbmi_lut_range_nt = _vbmi_planes_intrinsic(1, stream=True)


@intrinsic
def pshufb_lut_range(typingctx, tabs, src, dst, lo, hi):
    """``dst[i] = T[src[i]]`` for i in ``[lo, lo + 32*k)``, the most whole 32-byte chunks of
    ``[lo, hi)``; returns ``lo + 32*k``. T (256 bytes) is given as ``tabs``: 16 rows of 32
    bytes, row k = T[16k:16k+16] twice (one copy per 128-bit lane), loaded into registers once.
    Per chunk and row: ``vpshufb`` by the low nibble, kept where the high nibble is k
    (``vpcmpeqb`` + blend)."""
    if not _lut_typing_ok(tabs, src, dst, lo, hi):
        return None

    def codegen(context, builder, sig, args):
        i8, i64 = ir.IntType(8), ir.IntType(64)
        v32 = ir.VectorType(i8, 32)
        v32p = v32.as_pointer()
        tbase, sbase, dbase, lo_v, nchunks = _lut_operands(context, builder, sig, args, 32)
        tp = builder.bitcast(tbase, v32p)
        rows = [builder.load(builder.gep(tp, [ir.Constant(i64, k)]), align=1) for k in range(16)]
        fn = builder.module.declare_intrinsic("llvm.x86.avx2.pshuf.b", (), ir.FunctionType(v32, [v32, v32]))
        low = ir.Constant(v32, [0x0F] * 32)
        four = ir.Constant(v32, [4] * 32)
        with cgutils.for_range(builder, nchunks) as loop:
            off = builder.add(lo_v, builder.mul(loop.index, ir.Constant(i64, 32)))
            x = builder.load(builder.bitcast(builder.gep(sbase, [off]), v32p), align=1)
            nib = builder.and_(x, low)
            hib = builder.lshr(x, four)
            res = ir.Constant(v32, [0] * 32)
            for k in range(16):
                sh = builder.call(fn, [rows[k], nib])
                m = builder.icmp_unsigned("==", hib, ir.Constant(v32, [k] * 32))
                res = builder.select(m, sh, res)
            builder.store(res, builder.bitcast(builder.gep(dbase, [off]), v32p), align=1)
        return builder.add(lo_v, builder.mul(nchunks, ir.Constant(i64, 32)))

    return types.int64(tabs, src, dst, lo, hi), codegen


_GOPTS = dict(parallel=True, nogil=True, cache=True, error_model="numpy", boundscheck=False)


@njit(**_GOPTS)
def gather1_contig(table, x, out):
    n = out.shape[0]
    nb = (n + GATHER_BLOCK - 1) // GATHER_BLOCK
    for b in numba_prange(nb):
        lo = b * GATHER_BLOCK
        hi = min(lo + GATHER_BLOCK, n)
        for i in range(lo, hi):
            out[i] = table[x[i]]


@njit(**_GOPTS)
def gather2_contig(table, x, y, out):
    n = out.shape[0]
    nb = (n + GATHER_BLOCK - 1) // GATHER_BLOCK
    for b in numba_prange(nb):
        lo = b * GATHER_BLOCK
        hi = min(lo + GATHER_BLOCK, n)
        for i in range(lo, hi):
            out[i] = table[(np.intp(x[i]) << 8) | np.intp(y[i])]


@njit(**_GOPTS)
def gather1_pshufb(tabs, table, x, out):
    n = out.shape[0]
    nb = (n + GATHER_BLOCK - 1) // GATHER_BLOCK
    for b in numba_prange(nb):
        lo = b * GATHER_BLOCK
        hi = min(lo + GATHER_BLOCK, n)
        i = pshufb_lut_range(tabs, x, out, lo, hi)
        while i < hi:
            out[i] = table[x[i]]
            i += 1


@njit(**_GOPTS)
def gather1_vbmi(table, x, out, stream):
    """``out[i] = table[x[i]]`` (1-D C-contiguous uint8 operands, 256-entry byte table): 64
    bytes per ``vbmi_lut_range`` step in parallel blocks, the last block's tail scalar.
    ``stream``: non-temporal stores (``out`` 64-byte aligned: ``cpu_numba.streams``)."""
    n = out.shape[0]
    nb = (n + GATHER_BLOCK - 1) // GATHER_BLOCK
    for b in numba_prange(nb):
        lo = b * GATHER_BLOCK
        hi = min(lo + GATHER_BLOCK, n)
        if stream:
            i = vbmi_lut_range_nt(table, x, out, lo, hi)
        else:
            i = vbmi_lut_range(table, x, out, lo, hi)
        while i < hi:
            out[i] = table[x[i]]
            i += 1
        if stream:
            stream_fence()


vbmi_planes2_range = _vbmi_planes_intrinsic(2)
vbmi_planes4_range = _vbmi_planes_intrinsic(4)
vbmi_planes8_range = _vbmi_planes_intrinsic(8)
vbmi_planes2_range_nt = _vbmi_planes_intrinsic(2, True)
vbmi_planes4_range_nt = _vbmi_planes_intrinsic(4, True)
vbmi_planes8_range_nt = _vbmi_planes_intrinsic(8, True)


@njit(**_OPTS)
def _planes_range(planes, x, out, lo, hi, width, stream):
    """The ``vbmi_planes*_range`` step of this width and store kind."""
    if stream:
        if width == 2:
            return vbmi_planes2_range_nt(planes, x, out, lo, hi)
        if width == 4:
            return vbmi_planes4_range_nt(planes, x, out, lo, hi)
        return vbmi_planes8_range_nt(planes, x, out, lo, hi)
    if width == 2:
        return vbmi_planes2_range(planes, x, out, lo, hi)
    if width == 4:
        return vbmi_planes4_range(planes, x, out, lo, hi)
    return vbmi_planes8_range(planes, x, out, lo, hi)


# One module-level function, width and store kind arguments: a closure per width would put its
# intrinsic in Numba's cache key, which pickles it with a fresh uuid in every process -- the
# cache would never hit and gain an entry per process.
@njit(**_GOPTS)
def gather1_vbmi_planes(planes, x, out, width, stream):
    """``out`` (the result's bytes, ``width`` = 2, 4 or 8 per element) = ``planes``' entries of
    ``x``: 64 elements per ``vbmi_planes*_range`` step in parallel blocks, the tail scalar.
    ``stream``: non-temporal stores (``out`` 64-byte aligned)."""
    n = x.shape[0]
    nb = (n + GATHER_BLOCK - 1) // GATHER_BLOCK
    for b in numba_prange(nb):
        lo = b * GATHER_BLOCK
        hi = min(lo + GATHER_BLOCK, n)
        i = _planes_range(planes, x, out, lo, hi, width, stream)
        while i < hi:
            for p in range(width):
                out[i * width + p] = planes[p * 256 + np.intp(x[i])]
            i += 1
        if stream:
            stream_fence()


@njit(**_GOPTS)
def gather1_2d(table, x, out):
    for r in numba_prange(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = table[x[r, c]]


@njit(**_GOPTS)
def gather2_2d(table, x, y, out):
    for r in numba_prange(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = table[(np.intp(x[r, c]) << 8) | np.intp(y[r, c])]


# ---------------------------------------------------------------------------------------------
# misc


@njit(**_OPTS)
def bool_(x):
    return x != 0


from .numba_vecmath import *  # noqa: E402,F401,F403 -- own vectorizable math, same namespace
from .numba_vecmath64 import *  # noqa: E402,F401,F403 -- own float64 math, same namespace

__all__ = sorted(k for k, v in list(globals().items())
                 if not k.startswith("_") and (hasattr(v, "py_func") or hasattr(v, "_defn")
                                               or type(v).__name__ == "_Intrinsic"))
__all__ += ["CLIBM", "cvt32", "cvt64"]
__all__ = sorted(set(__all__))
