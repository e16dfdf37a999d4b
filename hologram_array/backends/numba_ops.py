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
from numba import njit, types
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
        return builder.fma(*args)

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
        return a if (a != a or a > b) else b

    @njit(**_OPTS)
    def minimum(a, b):
        return a if (a != a or a < b) else b

    @njit(**_OPTS)
    def fmax(a, b):
        # NumPy's SIMD fmax (npyv_maxp): the first operand when the second is NaN
        return a if (b != b or a > b) else b

    @njit(**_OPTS)
    def fmin(a, b):
        return a if (b != b or a < b) else b

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
        if lo != lo:
            return lo
        if hi != hi:
            return hi
        if x < lo:
            x = lo
        if x > hi:
            x = hi
        return x

    @njit(**_OPTS)
    def clip(x, lo, hi):
        # clip.cpp, _NPY_MIN(_NPY_MAX(x, lo), hi) with NaN-propagating min/max
        t = x if (x != x or x > lo) else lo
        return t if (t != t or t < hi) else hi

    out = dict(divmod=divmod_, floor_divide=floor_divide, remainder=remainder, maximum=maximum,
               minimum=minimum, fmax=fmax, fmin=fmin, sign=sign, heaviside=heaviside,
               logaddexp=logaddexp, logaddexp2=logaddexp2, spacing=spacing, signbit=signbit,
               neg=neg, fabs=fabs, deg2rad=d2r, rad2deg=r2d, recip=recip, ldexp=ldexp,
               clip_const=clip_const, clip=clip)
    return {f"{k}_{sfx}": v for k, v in out.items()}


globals().update(_float_helpers(np.float32, "f32", np.uint32, f32_bits, bits_f32, 32))
globals().update(_float_helpers(np.float64, "f64", np.uint64, f64_bits, bits_f64, 64))


# ---------------------------------------------------------------------------------------------
# float16 ops NumPy does on the bits (halffloat.cpp) or with its own tie rules (loops.c.src)


@njit(**_OPTS)
def nextafter_h(x, y):
    hx = np.int64(f2h(x))
    hy = np.int64(f2h(y))
    if x != x or y != y:
        return np.float32(np.nan)
    if x == y:
        return x  # NumPy 2's half loop returns x (nextafter(0.0, -0.0) is 0.0)
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
    return a if (a >= b or a != a) else b


@njit(**_OPTS)
def minimum_h(a, b):
    return a if (a <= b or a != a) else b


@njit(**_OPTS)
def fmax_h(a, b):
    return a if (a >= b or b != b) else b


@njit(**_OPTS)
def fmin_h(a, b):
    return a if (a <= b or b != b) else b


@njit(**_OPTS)
def clip_h(x, lo, hi):
    t = x if (x != x or x >= lo) else lo
    return t if (t != t or t <= hi) else hi


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
        return (xr > yr and xi == xi and yi == yi) or (xr == yr and xi > yi)

    @njit(**_OPTS)
    def ge(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return (xr > yr and xi == xi and yi == yi) or (xr == yr and xi >= yi)

    @njit(**_OPTS)
    def lt(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return (xr < yr and xi == xi and yi == yi) or (xr == yr and xi < yi)

    @njit(**_OPTS)
    def le(a, b):
        xr, xi, yr, yi = a.real, a.imag, b.real, b.imag
        return (xr < yr and xi == xi and yi == yi) or (xr == yr and xi <= yi)

    @njit(**_OPTS)
    def eq(a, b):
        return a.real == b.real and a.imag == b.imag

    @njit(**_OPTS)
    def ne(a, b):
        return a.real != b.real or a.imag != b.imag

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
        return a.real != zero or a.imag != zero

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
        return np.isnan(a.real) or np.isnan(a.imag)

    @njit(**_OPTS)
    def isinf(a):
        return np.isinf(a.real) or np.isinf(a.imag)

    @njit(**_OPTS)
    def isfinite(a):
        return np.isfinite(a.real) and np.isfinite(a.imag)

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
# misc


@njit(**_OPTS)
def bool_(x):
    return x != 0


__all__ = sorted(k for k, v in list(globals().items())
                 if not k.startswith("_") and (hasattr(v, "py_func") or hasattr(v, "_defn")
                                               or type(v).__name__ == "_Intrinsic"))
__all__ += ["CLIBM", "cvt32", "cvt64"]
__all__ = sorted(set(__all__))
