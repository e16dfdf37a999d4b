"""Own float64 functions beyond exp/exp2/log/tanh (those live in ``numba_vecmath``), written so
that a fused loop calling them vectorizes (see ``numba_vecmath``'s docstring for the rules).

NumPy's float64 functions here are the C library's (or SIMD ports of it) at 0.50-0.76 ULP max,
several of them within 0.01 ULP of correct rounding (expm1, log2). An algorithm that rounds
twice cannot get there: each function below carries its result as an unevaluated sum of two
doubles (hi + lo, "double-double": TwoSum/Fast2Sum for sums, FMA for the exact error of a
product) until one final rounding, so its error is 0.5 ULP plus a few thousandths
(``benchmarks/accuracy.py``: ours and NumPy's side by side, mpmath reference).

Each function is split into pieces the code generator calls in a nest
(``cpu_numba.INLINE_TEMPLATES``): LLVM inlines a helper into the loop only below a size
threshold, and one call left in the loop stops the whole loop vectorizing. Pieces recompute
what they need of each other (a reduction, a split, k) rather than pass it: once every piece is
inlined, LLVM computes each such value once.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from numba import njit

from .numba_ops import bits_f64, f64_bits, fma  # numba_ops imports this module at its end
from .numba_vecmath import (_exp64_scale, _D_MAGIC, _D_ONE, _D_TWO, _D_ZERO, _I_MAGIC, _OPTS, _TANH_LN2_HI,
                            _TANH_LN2_LO, _U64_EXP_HI, _U64_EXP_TINY, _U64_INF, _U64_MAG, _U64_SIGN,
                            _exp64_reduce, _int_f64, exp2_64_arg, exp2_64_fix, exp2_64_poly, exp64_arg,
                            exp64_fix, exp64_poly, tan_big_f32, tan_fast_f32,
                            sin_fast_f32_own, cos_fast_f32_own)

__all__ = ["expm1_vec_f64", "expm1_64_arg", "expm1_64_e", "expm1_64_fix", "fl_expm1_over_f64",
           "log_vec_f64", "log64_m", "log64_l", "log64_fix", "fl_log_zero_f64", "fl_log_neg_f64",
           "log2_vec_f64", "log2_64_fix", "log10_vec_f64", "log10_64_fix",
           "log1p_vec_f64", "log1p_64_t", "log1p_dd_l", "log1p_dd_fc", "log1p_dd_kfc", "log1p_64_fix", "fl_log1p_m1_f64",
           "fl_log1p_dom_f64", "sinh_vec_f64", "cosh_vec_f64", "hyp64_arg", "sinh_64_small",
           "sinh_64_fix", "cosh_64_fix", "fl_hyp_over_f64", "asinh_vec_f64", "asinh_64_t",
           "asinh_64_fix", "acosh_vec_f64", "acosh_64_t", "acosh_64_fix", "atanh_vec_f64", "atanh_64_t",
           "atanh_64_fix", "fl_acosh_dom_f64", "fl_atanh_one_f64", "fl_atanh_dom_f64",
           "atan_vec_f64", "atan_64_w", "atan_dd_l", "atan_dd_t", "atan_dd_s", "atan_64_fix", "asin_vec_f64", "asin_64_w",
           "asin_64_fix", "acos_vec_f64", "acos_64_w", "acos_64_fix", "atan_clamp_w",
           "atan2_vec_f64", "atan2_64_w", "atan2_64_fix", "fl_atan2_under_f64", "hypot_vec_f64",
           "hypot_64_s", "hypot_64_fix", "logaddexp_vec_f64", "logaddexp2_vec_f64", "lae64_r",
           "lae2_64_r", "lae_dd_t", "lae64_nd", "lae64_lt", "lae2_64_lt", "lae64_near", "lae2_64_near", "lae64_fix", "lae2_64_fix", "fl_lae_over_f64", "fl_lae_under_f64",
           "fl_lae2_under_f64", "pow_vec_f64", "pow64_ax", "pow64_p", "pow64_e", "pow64_mag", "pow64_fix",
           "pow64_y_kind", "fl_pow_invalid_f64", "fl_pow_divide_f64", "fl_pow_over_f64",
           "fl_pow_under_f64", "sin_vec_f64", "cos_vec_f64", "tan_vec_f64", "sin_fast_f64",
           "cos_fast_f64", "tan_fast_f64", "trig64_big", "trig64_red", "trig64_payne_hanek", "trig64_s", "trig64_c",
           "sin64_fix", "cos64_fix", "tan64_fix", "fl_sin_under_f64", "tan_vec_f32", "sin_vec_f32", "cos_vec_f32"]

_D = np.float64
_F32 = np.float32
_D_INF = _D(np.inf)
_D_HALF = _D(0.5)


def _split(v: float) -> tuple[np.float64, np.float64]:
    """A constant as hi + lo (both float64), from its exact rational value."""
    hi = float(v)
    return _D(hi), _D(float(Fraction(v) - Fraction(hi)))


# ---------------------------------------------------------------------------------------------
# float64 expm1: x = k ln2 + r + c (exp's reduction), E = e^(r + c) - 1 as a double-double,
# then 2^k (1 + E) - 1 = 2^k ((1 - 2^-k) + E) with 1 - 2^-k split exactly (NumPy's: the C
# library's expm1, 0.51 ULP max)

_S6_HI, _S6_LO = _split(Fraction(1, 6))
_S24_HI, _S24_LO = _split(Fraction(1, 24))
# r^5 (1/120 + r/720 + ...): Taylor to r^15/15! (truncation below 2^-64 |r| for |r| <= 0.35)
_EQ = tuple(_D(1.0 / math.factorial(n)) for n in range(5, 16))
(_EQ0, _EQ1, _EQ2, _EQ3, _EQ4, _EQ5, _EQ6, _EQ7, _EQ8, _EQ9, _EQ10) = _EQ
_U64_FORTY = np.uint64(0x4044000000000000)      # 40.0: from -40 down, expm1 rounds to -1
_I64_200, _I64_1023, _U64_52 = np.int64(200), np.int64(1023), np.uint64(52)
_I64_0, _I64_1 = np.int64(0), np.int64(1)


@njit(**_OPTS)
def expm1_64_arg(x):
    """expm1_vec_f64's argument: x where the result is computed, else 0 (NaN, +-inf, beyond the
    overflow threshold, below -40 where the result rounds to -1, and below 2^-54 in magnitude,
    where it rounds to x -- r*r would underflow there). Integer compares on the bits."""
    b = f64_bits(x)
    m = b & _U64_MAG
    ok = (((b < _U64_SIGN) & (m <= _U64_EXP_HI)) | ((b >= _U64_SIGN) & (m <= _U64_FORTY))) \
        & (m >= _U64_EXP_TINY)
    return x if ok else _D_ZERO


@njit(**_OPTS)
def expm1_64_e(xc):
    """e^(r + c) - 1 as (hi, lo), relative error ~2^-64, for xc reduced as ``_exp64_reduce``
    does: r + r^2/2 + r^3/6 + r^4/24 carried exactly enough (powers with their FMA errors, 1/6
    and 1/24 as double-doubles, the sum by Fast2Sums), the rest r^5 Q(r) in plain arithmetic
    (below 6e-5 of the result), and the reduction's low part c as c e^r (to r^3/6: c is up
    to half an ULP of r, not negligible)."""
    _, r, c = _exp64_reduce(xc)
    return _expm1_dd_rc(r, c)


@njit(**_OPTS)
def _expm1_dd_rc(r, c):
    """e^(r + c) - 1 as (hi, lo) for |r| <= ~0.35 and |c| <= ~2^-53 |r| (expm1_64_e's body)."""
    z = r * r
    zl = fma(r, r, -z)
    w = r * z
    wl = fma(r, z, -w) + r * zl
    t = w * _S6_HI
    tl = fma(w, _S6_HI, -t) + (w * _S6_LO + wl * _S6_HI)
    u = z * z
    ul = fma(z, z, -u) + (z + z) * zl
    v = u * _S24_HI
    vl = fma(u, _S24_HI, -v) + (u * _S24_LO + ul * _S24_HI)
    q = fma(_EQ10, r, _EQ9)
    q = fma(q, r, _EQ8)
    q = fma(q, r, _EQ7)
    q = fma(q, r, _EQ6)
    q = fma(q, r, _EQ5)
    q = fma(q, r, _EQ4)
    q = fma(q, r, _EQ3)
    q = fma(q, r, _EQ2)
    q = fma(q, r, _EQ1)
    q = fma(q, r, _EQ0)
    p5 = (u * r) * q
    zh = z * _D_HALF
    a = r + zh                      # Fast2Sums: each term below the previous partial sum
    ea = zh - (a - r)
    b = a + t
    eb = t - (b - a)
    hi = b + v
    ec = v - (hi - b)
    lo = ((ea + eb) + ec) + ((zl * _D_HALF + tl) + (vl + (p5 + fma(c, r + (zh + t), c))))
    h = hi + lo                     # normalized (|lo| <= half an ULP of h): sinh/cosh divide by 1 + E
    return h, lo - (h - hi)


@njit(**_OPTS)
def expm1_64_fix(x, e):
    """expm1 x from ``e`` = expm1_64_e(expm1_64_arg(x)): 2^k ((1 - 2^-k) + E), where 1 - 2^-k
    is A + A_lo exactly (Fast2Sum either way round; 2^-k clamped at 2^-200, far below any
    effect), A + E_hi a TwoSum, the low parts added and the whole rounded once, then scaled by
    2^k in two exact halves (k reaches 1024 just below the overflow threshold). Special cases
    as selects: NaN, +inf, -inf and x <= -40 give -1, beyond 709.78 inf, tiny x itself."""
    eh, el = e
    xc = expm1_64_arg(x)
    qd, _, _ = _exp64_reduce(xc)
    k = np.int64(f64_bits(qd + _D_MAGIC)) - _I_MAGIC
    km = min(k, _I64_200)
    neg = bits_f64(np.uint64((_I64_1023 - km) << _U64_52))        # 2^-k, exact
    big = _D_ONE - neg
    alo = (-neg - (big - _D_ONE)) if k >= _I64_0 else (_D_ONE - (big + neg))
    sh = big + eh                                                   # TwoSum
    bb = sh - big
    sl = (big - (sh - bb)) + (eh - bb)
    tot = sh + (sl + (alo + el))
    h = k >> _I64_1
    res = (tot * bits_f64(np.uint64((h + _I64_1023) << _U64_52))) \
        * bits_f64(np.uint64((k - h + _I64_1023) << _U64_52))
    b = f64_bits(x)
    m = b & _U64_MAG
    out = -_D_ONE if b >= _U64_SIGN else _D_INF      # x <= -40, -inf; x > 709.78, +inf
    out = x if m < _U64_EXP_TINY else out           # tiny: x itself (signed zeros too)
    out = (x + _D_ZERO) if m > _U64_INF else out   # NaN (quiet; not x + x: LLVM may compute it in every lane, and x + x overflows)
    return res if xc != _D_ZERO else out


@njit(**_OPTS)
def expm1_vec_f64(x):
    """e^x - 1, float64: see expm1_64_fix. Overflow (x > 709.78) is a software flag. Generated
    kernels call the three pieces (cpu_numba.INLINE_TEMPLATES)."""
    return expm1_64_fix(x, expm1_64_e(expm1_64_arg(x)))


@njit(**_OPTS)
def fl_expm1_over_f64(x):
    """expm1 of a finite x > 709.78: overflow (NumPy's)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    return (b < _U64_SIGN) & (m > _U64_EXP_HI) & (m < _U64_INF)


# ---------------------------------------------------------------------------------------------
# float64 log family: x = m 2^k (sqrt(1/2) <= m < sqrt(2)), log1p(f) for f = m - 1 as
# 2 atanh(s), s = f / (2 + f), as a double-double; then k ln2 + L (log), k + L / ln2 (log2),
# k log10(2) + L log10(e) (log10), each with its constant as a double-double, rounded once.
# log1p(x): f = x itself near 0, else 1 + x as u + c exactly and c / u added.

_U64_MIN_NORMAL = np.uint64(0x0010000000000000)
_D_2P54 = _D(2.0 ** 54)
_I64_52 = np.int64(52)
_I64_SQRT_HALF = np.int64(0x3FE6A09E667F3BCD)     # bits of sqrt(1/2)
_D_NAN = np.uint64(0xFFF8000000000000).view(_D)   # x86's default NaN (sign set), as NumPy's loops
_C23_HI, _C23_LO = _split(Fraction(2, 3))
# 2 atanh(s) = 2s + (2/3) s^3 + 2 s^5 (1/5 + s^2/7 + ...): the bracket to 1/25 (|s| <= 0.1716:
# the first term left out is below 2^-64 of the result)
_LG = tuple(_D(1.0 / (2 * n + 1)) for n in range(2, 13))
(_LG0, _LG1, _LG2, _LG3, _LG4, _LG5, _LG6, _LG7, _LG8, _LG9, _LG10) = _LG


# Constants as hi + lo double-doubles (hex: exact), from mpmath at 60 digits
# (tests/test_inline_math.py::test_float64_constants recomputes them; mpmath is not a runtime
# dependency). log10(2)'s high part has 42 significant bits, so k times it is exact.
_IL_HI, _IL_LO = _D(float.fromhex("0x1.71547652b82fep+0")), _D(float.fromhex("0x1.777d0ffda0d24p-56"))  # 1/ln2
_D_LN2_53, _D_LN2_53_LO = _D(float.fromhex("0x1.62e42fefa39efp-1")), _D(float.fromhex("0x1.abc9e3b39803fp-56"))  # ln2
_D_DMAX = _D(np.finfo(np.float64).max)
_LG2_HI, _LG2_LO = _D(float.fromhex("0x1.34413509f7800p-2")), _D(float.fromhex("0x1.fef311f12b358p-46"))  # log10(2)
_LGE_HI, _LGE_LO = _D(float.fromhex("0x1.bcb7b1526e50ep-2")), _D(float.fromhex("0x1.95355baaafad3p-57"))  # log10(e)


@njit(**_OPTS)
def _log1p_dd(f, uh, ul, d):
    """log1p(f) = 2 atanh(s) as (hi, lo), relative error ~2^-64, for |f| <= sqrt(2) - 1 with
    2 + f = uh + ul exactly and d = 1 / uh: the quotient s = f d with its error s_lo (FMA
    remainder), (2/3) s^3 from the exact square and cube (FMA) and 2/3 as a double-double,
    2s + that by Fast2Sum, the rest of the series and 2 s_lo (1 + s^2 + s^4) in the low part
    (the derivative 2 / (1 - s^2): the s^4 term is 2^-64 of the result)."""
    s = f * d
    s_lo = (fma(-s, uh, f) - s * ul) * d
    z = s * s
    zl = fma(s, s, -z)
    w = s * z
    wl = fma(s, z, -w) + s * zl
    t = w * _C23_HI
    tl = fma(w, _C23_HI, -t) + (w * _C23_LO + wl * _C23_HI)
    q = fma(_LG10, z, _LG9)
    q = fma(q, z, _LG8)
    q = fma(q, z, _LG7)
    q = fma(q, z, _LG6)
    q = fma(q, z, _LG5)
    q = fma(q, z, _LG4)
    q = fma(q, z, _LG3)
    q = fma(q, z, _LG2)
    q = fma(q, z, _LG1)
    q = fma(q, z, _LG0)
    p = ((w + w) * z) * q
    s2 = s + s
    hi = s2 + t
    e = t - (hi - s2)
    return hi, e + (tl + (fma(s_lo, fma(z, z, z), s_lo) * _D_TWO + p))


@njit(**_OPTS)
def _log64_split(xn):
    """(k, f, 2 + f as uh + ul, d = 1/uh) for a positive normal xn = m 2^k, sqrt(1/2) <= m <
    sqrt(2), f = m - 1 (exact)."""
    bi = np.int64(f64_bits(xn))
    k = (bi - _I64_SQRT_HALF) >> _I64_52
    f = bits_f64(np.uint64(bi - (k << _I64_52))) - _D_ONE
    uh = _D_TWO + f
    return k, f, uh, f - (uh - _D_TWO), _D_ONE / uh


@njit(**_OPTS)
def log64_m(x):
    """The log family's argument, normalized: a positive finite x, subnormals times 2^54
    (exact); anything else 1.0 (its result is selected later, and must raise no flag)."""
    b = f64_bits(x)
    ok = (b > np.uint64(0)) & (b < _U64_INF)          # +0 < x < inf, not NaN, sign clear
    xs = x if ok else _D_ONE
    return xs * (_D_2P54 if b < _U64_MIN_NORMAL else _D_ONE)


@njit(**_OPTS)
def log64_l(xn):
    """log1p(f) as (hi, lo) for xn = (1 + f) 2^k (``log64_m``'s output)."""
    _, f, uh, ul, d = _log64_split(xn)
    return _log1p_dd(f, uh, ul, d)


@njit(**_OPTS)
def _log64_k(x):
    """k of x = m 2^k as a float64 (subnormals included), from log64_m's normalization."""
    k, _, _, _, _ = _log64_split(log64_m(x))
    return _int_f64(k) - (_D(54.0) if f64_bits(x) < _U64_MIN_NORMAL else _D_ZERO)


@njit(**_OPTS)
def _log_specials(x, res):
    """The log family's special cases as selects: +-0 -inf, +inf inf, NaN quiet, x < 0 NaN."""
    b = f64_bits(x)
    m = b & _U64_MAG
    res = -_D_INF if m == np.uint64(0) else res               # +-0
    res = _D_INF if b == _U64_INF else res                     # +inf
    res = (x + _D_ZERO) if m > _U64_INF else res   # NaN (quiet; not x + x: LLVM may compute it in every lane, and x + x overflows)
    return _D_NAN if ((b >= _U64_SIGN) & (m != np.uint64(0)) & (m <= _U64_INF)) else res


@njit(**_OPTS)
def _add_dd(a, al, hi, lo):
    """a + al + hi + lo rounded once, for a exact and |al| << |a|: TwoSum of a + hi, then the
    low parts."""
    h = a + hi
    bb = h - a
    e = (a - (h - bb)) + (hi - bb)
    return h + (e + (al + lo))


@njit(**_OPTS)
def log64_fix(x, l):
    """log x from ``l`` = log64_l(log64_m(x)): k ln2_hi (exact, fdlibm's split) + L, the low
    parts (k ln2_lo among them) added before the one rounding; special cases as selects."""
    hi, lo = l
    kd = _log64_k(x)
    return _log_specials(x, _add_dd(kd * _TANH_LN2_HI, kd * _TANH_LN2_LO, hi, lo))


@njit(**_OPTS)
def log_vec_f64(x):
    """log, float64: see log64_fix. Generated kernels call the three pieces
    (cpu_numba.INLINE_TEMPLATES)."""
    return log64_fix(x, log64_l(log64_m(x)))


@njit(**_OPTS)
def _mul_dd(hi, lo, c_hi, c_lo):
    """(hi + lo) (c_hi + c_lo) as a double-double (the product's error by FMA)."""
    p = hi * c_hi
    return p, fma(hi, c_hi, -p) + (hi * c_lo + lo * c_hi)


@njit(**_OPTS)
def log2_64_fix(x, l):
    """log2 x from ``l`` = log64_l(log64_m(x)): k + L / ln2 (1/ln2 a double-double), rounded
    once; exact at powers of two (L = 0)."""
    hi, lo = l
    ph, pl = _mul_dd(hi, lo, _IL_HI, _IL_LO)
    return _log_specials(x, _add_dd(_log64_k(x), _D_ZERO, ph, pl))


@njit(**_OPTS)
def log2_vec_f64(x):
    """log2, float64: see log2_64_fix. Three pieces, as log_vec_f64."""
    return log2_64_fix(x, log64_l(log64_m(x)))


@njit(**_OPTS)
def log10_64_fix(x, l):
    """log10 x from ``l`` = log64_l(log64_m(x)): k log10(2) (its high part of 42 bits, so k
    times it is exact) + L log10(e), both constants double-doubles, rounded once."""
    hi, lo = l
    ph, pl = _mul_dd(hi, lo, _LGE_HI, _LGE_LO)
    kd = _log64_k(x)
    return _log_specials(x, _add_dd(kd * _LG2_HI, kd * _LG2_LO, ph, pl))


@njit(**_OPTS)
def log10_vec_f64(x):
    """log10, float64: see log10_64_fix. Three pieces, as log_vec_f64."""
    return log10_64_fix(x, log64_l(log64_m(x)))


@njit(**_OPTS)
def fl_log_zero_f64(x):
    """log(+-0) (log2, log10 too): divide-by-zero (NumPy's)."""
    return (f64_bits(x) & _U64_MAG) == np.uint64(0)


@njit(**_OPTS)
def fl_log_neg_f64(x):
    """log of x < 0 (-inf included, -0 not): invalid (NumPy's)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    return (b >= _U64_SIGN) & (m != np.uint64(0)) & (m <= _U64_INF)


_U64_ONE = np.uint64(0x3FF0000000000000)          # bits of 1.0
_D_SMALL_LO, _D_SMALL_HI = _D(-0.29), _D(0.41)     # inside (sqrt(1/2) - 1, sqrt(2) - 1)
_I64_1000 = np.int64(1000)


@njit(**_OPTS)
def _log1p_split(t):
    """(k, f, c) for t = (th, tl, big): the value is V = 1 + th + tl, or 2 th where ``big``
    (asinh/acosh far out: log(2 th)), and V = (1 + f) 2^k + c. Near 0 (-0.29 < th < 0.41) f = th
    itself, k = 0, c = tl; else 1 + th = u + c exactly (TwoSum, tl added to c), or u = th with
    k one more where big, and u = (1 + f) 2^k as log's split. c = 0 where k > 1000: c / u is
    below 10^-3 ULP of the result there, and 2^-k would be subnormal."""
    th, tl, big = t
    u = _D_ONE + th
    bv = u - _D_ONE
    c = ((_D_ONE - (u - bv)) + (th - bv)) + tl
    u = th if big else u
    bi = np.int64(f64_bits(u))
    k = (bi - _I64_SQRT_HALF) >> _I64_52
    fb = bits_f64(np.uint64(bi - (k << _I64_52))) - _D_ONE
    small = (th > _D_SMALL_LO) & (th < _D_SMALL_HI) & ~big
    k = _I64_0 if small else (k + (_I64_1 if big else _I64_0))
    c = tl if small else c
    c = _D_ZERO if (big | (k > _I64_1000)) else c
    return k, (th if small else fb), c


@njit(**_OPTS)
def log1p_dd_fc(t):
    """``_log1p_split(t)``: a piece of its own for the code generator (asinh's and acosh's
    arguments leave too little of LLVM's inlining budget for log1p_dd_l whole)."""
    return _log1p_split(t)


@njit(**_OPTS)
def log1p_dd_l(t):
    """log1p(f) + c / u as (hi, lo) for ``_log1p_split(t)``'s parts (``log1p_dd_kfc``)."""
    return log1p_dd_kfc(_log1p_split(t))


@njit(**_OPTS)
def log1p_dd_kfc(kfc):
    """log1p(f) + c / u as (hi, lo) for (k, f, c) = ``_log1p_split(t)``: c / u = c 2^-k /
    (1 + f), 1 / (1 + f) = (1 - s) / (1 + s) to s^5 (c / u is at most ~2^-53 of the result:
    its relative error may be 10^-4)."""
    k, f, c = kfc
    uh = _D_TWO + f
    d = _D_ONE / uh
    hi, lo = _log1p_dd(f, uh, f - (uh - _D_TWO), d)
    s = f * d
    inv = fma(s, fma(s, fma(s, fma(s, _D_TWO - s - s, _D(-2.0)), _D_TWO), _D(-2.0)), _D_ONE)
    km = min(k, _I64_1000)
    cu = (c * bits_f64(np.uint64((_I64_1023 - km) << _U64_52))) * inv
    return hi, lo + cu


@njit(**_OPTS)
def _log1p_dd_round(t, l):
    """k ln2 + L rounded once, for ``l`` = log1p_dd_l(t) (as log64_fix)."""
    hi, lo = l
    k, _, _ = _log1p_split(t)
    kd = _int_f64(k)
    return _add_dd(kd * _TANH_LN2_HI, kd * _TANH_LN2_LO, hi, lo)


@njit(**_OPTS)
def log1p_64_t(x):
    """log1p's argument for ``log1p_dd_l``: (x, 0, False) where the result is computed
    (-1 < x < inf, |x| >= 2^-54), else (0, 0, False) (NaN, +-inf, x <= -1, and tiny x, where
    log1p rounds to x)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    ok = ((b < _U64_INF) | ((b >= _U64_SIGN) & (m < _U64_ONE))) & (m >= _U64_EXP_TINY)
    return (x if ok else _D_ZERO), _D_ZERO, False


@njit(**_OPTS)
def log1p_64_fix(x, l):
    """log1p x from ``l`` = log1p_dd_l(log1p_64_t(x)): k ln2 + L rounded once (as log64_fix);
    special cases as selects: -1 -inf, x < -1 NaN, +inf inf, NaN quiet, tiny x itself."""
    res = _log1p_dd_round(log1p_64_t(x), l)
    b = f64_bits(x)
    m = b & _U64_MAG
    res = x if m < _U64_EXP_TINY else res                          # tiny, +-0
    res = _D_INF if b == _U64_INF else res                         # +inf
    res = -_D_INF if b == (_U64_SIGN | _U64_ONE) else res          # -1
    res = _D_NAN if ((b > (_U64_SIGN | _U64_ONE)) & (m <= _U64_INF)) else res   # x < -1
    return (x + _D_ZERO) if m > _U64_INF else res   # NaN (quiet; not x + x: LLVM may compute it in every lane, and x + x overflows)


@njit(**_OPTS)
def log1p_vec_f64(x):
    """log(1 + x), float64: see log1p_64_fix. Three pieces, as log_vec_f64."""
    return log1p_64_fix(x, log1p_dd_l(log1p_64_t(x)))


@njit(**_OPTS)
def fl_log1p_m1_f64(x):
    """log1p(-1): divide-by-zero (NumPy's)."""
    return f64_bits(x) == (_U64_SIGN | _U64_ONE)


@njit(**_OPTS)
def fl_log1p_dom_f64(x):
    """log1p of x < -1 (-inf included): invalid (NumPy's)."""
    b = f64_bits(x)
    return (b > (_U64_SIGN | _U64_ONE)) & ((b & _U64_MAG) <= _U64_INF)


# ---------------------------------------------------------------------------------------------
# float64 sinh and cosh: for a = |x| = k ln2 + r + c, e^a = 2^k H with H = 1 + E (expm1's
# double-double E), e^-a = 2^-k Y with Y = 1 / H as a double-double (one division and its FMA
# residual); cosh = 2^(k-1) (H + 2^-2k Y), sinh = 2^(k-1) (H - 2^-2k Y), each rounded once and
# scaled exactly. Where k = 0 (a < 0.35) sinh cancels: there it is the odd series, a + a^3/6
# (double-double) + a^5 P(a^2). (NumPy's: the C library's, 0.76 / 0.75 ULP max.)

_U64_HYP_MAX = np.uint64(0x408633CE8FB9F87D)      # 710.4758600739439: largest a with cosh finite
_U64_2M26 = np.uint64(0x3E50000000000000)         # 2^-26: below, sinh a rounds to a, cosh to 1
_I64_40, _I64_600 = np.int64(40), np.int64(600)
# a^5 (1/120 + a^2/5040 + ...): Taylor to a^17/17! (truncation below 2^-64 a for a <= 0.35)
_SHQ = tuple(_D(1.0 / math.factorial(n)) for n in range(5, 18, 2))
(_SHQ0, _SHQ1, _SHQ2, _SHQ3, _SHQ4, _SHQ5, _SHQ6) = _SHQ


@njit(**_OPTS)
def hyp64_arg(x):
    """sinh/cosh's argument: |x| where the result is computed (2^-26 <= |x| <= 710.476), else
    0 (NaN, inf, beyond the overflow threshold, tiny)."""
    m = f64_bits(x) & _U64_MAG
    return bits_f64(m) if ((m <= _U64_HYP_MAX) & (m >= _U64_2M26)) else _D_ZERO


@njit(**_OPTS)
def sinh_64_small(a):
    """sinh a for 0 <= a < 0.35 as (hi, lo): a + a^3/6 (exact cube by FMA, 1/6 a double-double,
    Fast2Sum) + a^5 P(a^2) (below 1.2e-4 of the result: plain arithmetic)."""
    ac = a
    z = ac * ac
    zl = fma(ac, ac, -z)
    w = ac * z
    wl = fma(ac, z, -w) + ac * zl
    t = w * _S6_HI
    tl = fma(w, _S6_HI, -t) + (w * _S6_LO + wl * _S6_HI)
    q = fma(_SHQ6, z, _SHQ5)
    q = fma(q, z, _SHQ4)
    q = fma(q, z, _SHQ3)
    q = fma(q, z, _SHQ2)
    q = fma(q, z, _SHQ1)
    q = fma(q, z, _SHQ0)
    hi = ac + t
    return hi, (t - (hi - ac)) + (tl + (w * z) * q)


@njit(**_OPTS)
def _hyp_parts(a, e):
    """(k, H as hh + hl, 2^-2k Y as yh + yl) for a reduced as expm1's, e = E (its double-double):
    H = 1 + E by Fast2Sum, Y = 1 / H to ~2^-104 (y0 = 1 / hh, y0 (1 - y0 H) by FMA), 2^-2k
    exact (k clamped at 40: beyond, the term is below 2^-80 of H)."""
    eh, el = e
    qd, _, _ = _exp64_reduce(a)
    k = np.int64(f64_bits(qd + _D_MAGIC)) - _I_MAGIC
    hh = _D_ONE + eh
    hl = (eh - (hh - _D_ONE)) + el
    y0 = _D_ONE / hh
    rho = fma(-y0, hh, _D_ONE) - y0 * hl
    sc = bits_f64(np.uint64((_I64_1023 - (min(k, _I64_40) << _I64_1)) << _U64_52))
    return k, hh, hl, y0 * sc, (y0 * rho) * sc


@njit(**_OPTS)
def _scale_km1(v, k):
    """v 2^(k-1), exact for a normal result (two power-of-two factors: k - 1 reaches 1024)."""
    km = k - _I64_1
    h = km >> _I64_1
    return (v * bits_f64(np.uint64((h + _I64_1023) << _U64_52))) \
        * bits_f64(np.uint64((km - h + _I64_1023) << _U64_52))


@njit(**_OPTS)
def cosh_64_fix(x, e):
    """cosh x from ``e`` = expm1_64_e(hyp64_arg(x)): 2^(k-1) (H + 2^-2k Y), the two highs by
    TwoSum, the lows added, rounded once and scaled exactly."""
    a = hyp64_arg(x)
    k, hh, hl, yh, yl = _hyp_parts(a, e)
    res = _scale_km1(_add_dd(hh, hl, yh, yl), k)
    m = f64_bits(x) & _U64_MAG
    res = _D_INF if m > _U64_HYP_MAX else res        # overflow, +-inf
    res = _D_ONE if m < _U64_2M26 else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def cosh_vec_f64(x):
    """cosh, float64: see cosh_64_fix. Overflow (|x| > 710.476) is a software flag. Pieces as
    log_vec_f64."""
    return cosh_64_fix(x, expm1_64_e(hyp64_arg(x)))


@njit(**_OPTS)
def sinh_64_fix(x, e, sm):
    """sinh x from ``e`` = expm1_64_e(hyp64_arg(x)) and ``sm`` = sinh_64_small(hyp64_arg(x)):
    2^(k-1) (H - 2^-2k Y) rounded once (as cosh), or the series near 0; x's sign."""
    a = hyp64_arg(x)
    k, hh, hl, yh, yl = _hyp_parts(a, e)
    big = _scale_km1(_add_dd(hh, hl, -yh, -yl), k)
    sh, sl = sm
    # the series below 0.34 (k = 0 up to 0.3466; not "k != 0": LLVM fuses that test with
    # _scale_km1's k - 1 into an overflow-checked subtraction, which does not vectorize)
    res = big if a >= _D(0.34) else sh + sl
    b = f64_bits(x)
    neg = b >= _U64_SIGN
    m = b & _U64_MAG
    res = -res if neg else res
    res = (-_D_INF if neg else _D_INF) if m > _U64_HYP_MAX else res   # overflow, +-inf
    res = x if m < _U64_2M26 else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def sinh_vec_f64(x):
    """sinh, float64: see sinh_64_fix. Overflow is a software flag. Pieces as log_vec_f64."""
    return sinh_64_fix(x, expm1_64_e(hyp64_arg(x)), sinh_64_small(hyp64_arg(x)))


@njit(**_OPTS)
def fl_hyp_over_f64(x):
    """sinh/cosh of a finite |x| > 710.476: overflow (NumPy's)."""
    m = f64_bits(x) & _U64_MAG
    return (m > _U64_HYP_MAX) & (m < _U64_INF)


# ---------------------------------------------------------------------------------------------
# float64 asinh, acosh, atanh: each is log1p of a double-double t (``log1p_dd_l``), t built with
# exact squares (FMA), double-double square roots and quotients:
#   asinh a = log1p(a + a^2 / (1 + sqrt(1 + a^2))), log(2a) from 2^28 on
#   acosh x = log1p((x - 1) + sqrt((x - 1)(x + 1))), log(2x) from 2^28 on
#   atanh a = log1p(2a / (1 - a)) / 2
# (NumPy's: the C library's, 0.69 / 0.50 / 0.67 ULP max.)

_U64_2P28 = np.uint64(0x41B0000000000000)         # 2^28: beyond, sqrt(x^2 +- 1) is x to 2^-57
_U64_2M27 = np.uint64(0x3E40000000000000)         # 2^-27: below, atanh/atan/asin/sin/tan x round to x
_U64_2P60 = np.uint64(0x43B0000000000000)         # 2^60: beyond, atan x rounds to pi/2


@njit(**_OPTS)
def _sqrt_dd(vh, vl):
    """sqrt(vh + vl) as (hi, lo) for vh > 0 (the residual by FMA, one division)."""
    s0 = np.sqrt(vh)
    return s0, (fma(-s0, s0, vh) + vl) / (s0 + s0)


@njit(**_OPTS)
def asinh_64_t(x):
    """asinh's t for ``log1p_dd_l``: a = |x| in [2^-26, 2^28): a + a^2 / (1 + sqrt(1 + a^2))
    as th + tl; from 2^28 (inf included: its result is selected) (a, 0, big); tiny and NaN:
    a harmless 1."""
    m = f64_bits(x) & _U64_MAG
    big = m >= _U64_2P28
    a = bits_f64(m)
    ac = a if ((m >= _U64_2M26) & ~big) else _D_ONE
    z = ac * ac
    zl = fma(ac, ac, -z)
    wh = _D_ONE + z                                   # Fast2Sum (z may be below 1: TwoSum)
    bv = wh - _D_ONE
    wl = ((_D_ONE - (wh - bv)) + (z - bv)) + zl
    s0, sl = _sqrt_dd(wh, wl)
    dh = s0 + _D_ONE                                  # Fast2Sum: s0 >= 1
    dl = (_D_ONE - (dh - s0)) + sl
    q = z / dh
    ql = ((fma(-q, dh, z) + zl) - q * dl) / dh
    th = ac + q                                       # Fast2Sum: a >= q
    tl = (q - (th - ac)) + ql
    ab = a if m < _U64_INF else _D_ONE
    return (ab if big else th), (_D_ZERO if big else tl), big


@njit(**_OPTS)
def asinh_64_fix(x, t, l):
    """asinh x from t = asinh_64_t(x), l = log1p_dd_l(t): rounded once, x's sign; tiny x
    itself, +-inf, NaN."""
    res = _log1p_dd_round(t, l)
    b = f64_bits(x)
    m = b & _U64_MAG
    res = -res if b >= _U64_SIGN else res
    res = x if ((m < _U64_2M26) | (m == _U64_INF)) else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def asinh_vec_f64(x):
    """asinh, float64: see asinh_64_fix. Pieces as log_vec_f64."""
    return asinh_64_fix(x, asinh_64_t(x), log1p_dd_l(asinh_64_t(x)))


@njit(**_OPTS)
def acosh_64_t(x):
    """acosh's t for ``log1p_dd_l``: x in (1, 2^28): (x - 1) + sqrt((x - 1)(x + 1)) as th + tl
    (x - 1 and x + 1 by TwoSum, their product by FMA); from 2^28 (x, 0, big); anything else
    (x <= 1, NaN, inf) a harmless 2."""
    b = f64_bits(x)
    big = (b >= _U64_2P28) & (b < _U64_INF)
    xc = x if ((b > _U64_ONE) & ~big & (b < _U64_INF)) else _D_TWO
    eh = xc - _D_ONE                                  # exact for x <= 2; TwoSum beyond
    bv = eh - xc
    el = (xc - (eh - bv)) + (-_D_ONE - bv)
    ph = xc + _D_ONE
    bv = ph - xc
    pl = (xc - (ph - bv)) + (_D_ONE - bv)
    vh = eh * ph
    vl = fma(eh, ph, -vh) + (eh * pl + el * ph)
    s0, sl = _sqrt_dd(vh, vl)
    th = s0 + eh                                      # Fast2Sum: sqrt((x-1)(x+1)) >= x - 1
    tl = (eh - (th - s0)) + (sl + el)
    return (x if big else th), (_D_ZERO if big else tl), big


@njit(**_OPTS)
def acosh_64_fix(x, t, l):
    """acosh x from t = acosh_64_t(x), l = log1p_dd_l(t): rounded once; 1 gives +0, x < 1
    NaN (invalid), +inf inf, NaN quiet."""
    res = _log1p_dd_round(t, l)
    b = f64_bits(x)
    m = b & _U64_MAG
    res = _D_ZERO if b == _U64_ONE else res
    res = _D_INF if b == _U64_INF else res
    res = _D_NAN if ((b < _U64_ONE) | ((b >= _U64_SIGN) & (m <= _U64_INF))) else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def acosh_vec_f64(x):
    """acosh, float64: see acosh_64_fix. Pieces as log_vec_f64."""
    return acosh_64_fix(x, acosh_64_t(x), log1p_dd_l(acosh_64_t(x)))


@njit(**_OPTS)
def fl_acosh_dom_f64(x):
    """acosh of x < 1 (-inf included): invalid (NumPy's)."""
    b = f64_bits(x)
    return (b < _U64_ONE) | ((b >= _U64_SIGN) & ((b & _U64_MAG) <= _U64_INF))


@njit(**_OPTS)
def atanh_64_t(x):
    """atanh's t for ``log1p_dd_l``: a = |x| in [2^-27, 1): 2a / (1 - a) as th + tl (1 - a by
    TwoSum, the quotient's error by FMA); anything else a harmless 1/2."""
    m = f64_bits(x) & _U64_MAG
    a = bits_f64(m)
    ac = a if ((m >= _U64_2M27) & (m < _U64_ONE)) else _D_HALF
    dh = _D_ONE - ac
    bv = dh - _D_ONE
    dl = (_D_ONE - (dh - bv)) + (-ac - bv)
    n = ac + ac
    th = n / dh
    return th, (fma(-th, dh, n) - th * dl) / dh, False


@njit(**_OPTS)
def fl_atanh_dom_f64(x):
    """atanh, asin, acos of |x| > 1 (+-inf included): invalid (NumPy's)."""
    m = f64_bits(x) & _U64_MAG
    return (m > _U64_ONE) & (m <= _U64_INF)


@njit(**_OPTS)
def atanh_64_fix(x, t, l):
    """atanh x from t = atanh_64_t(x), l = log1p_dd_l(t): half of it rounded once, x's sign;
    +-1 +-inf, |x| > 1 NaN, tiny x itself, NaN quiet."""
    res = _log1p_dd_round(t, l) * _D_HALF
    b = f64_bits(x)
    m = b & _U64_MAG
    neg = b >= _U64_SIGN
    res = -res if neg else res
    res = x if m < _U64_2M27 else res
    res = (-_D_INF if neg else _D_INF) if m == _U64_ONE else res
    res = _D_NAN if fl_atanh_dom_f64(x) else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def atanh_vec_f64(x):
    """atanh, float64: see atanh_64_fix. Pieces as log_vec_f64."""
    return atanh_64_fix(x, atanh_64_t(x), log1p_dd_l(atanh_64_t(x)))


@njit(**_OPTS)
def fl_atanh_one_f64(x):
    """atanh(+-1): divide-by-zero (NumPy's)."""
    return (f64_bits(x) & _U64_MAG) == _U64_ONE


# ---------------------------------------------------------------------------------------------
# float64 atan, asin, acos: atan of a ratio w = n / d <= 1 of two non-negative double-doubles
# (else d / n and pi/2 minus the result), reduced with a table of atan(i/8), i = round(8w):
# t = (w - i/8) / (1 + w i/8) as a double-double, |t| <= 1/16, atan(t) = t - t^3/3 + t^5 P(t^2)
# with the cube exact and 1/3 a double-double; atan(i/8) (hi + lo) + atan(t) rounded once.
#   atan x = atan2(|x|, 1), asin x = atan2(|x|, sqrt(1 - x^2)), acos x = atan2(sqrt(1 - x^2), x)
# (1 - x^2 as (1 - x)(1 + x), double-double). NumPy's: 0.54 / 0.75 / 0.73 ULP max.

_AT_HI = tuple(_D(v) for v in (0.0, 0.12435499454676144, 0.24497866312686414, 0.35877067027057225,
                                0.4636476090008061, 0.5585993153435624, 0.6435011087932844,
                                0.7188299996216245, 0.7853981633974483))
_AT_LO = tuple(_D(v) for v in (0.0, -3.1253241424539383e-18, 1.0698755618734451e-17,
                                -2.4623815582638635e-17, 2.2698777452961687e-17, -5.4556305485916264e-18,
                                1.5834785051444286e-17, -2.1478388444456983e-17, 3.061616997868383e-17))
_PIO2_HI, _PIO2_LO = _D(1.5707963267948966), _D(6.123233995736766e-17)
_PI_HI, _PI_LO = _D(3.141592653589793), _D(1.2246467991473532e-16)
_THIRD_HI, _THIRD_LO = _split(Fraction(1, 3))
# t^5 (1/5 - t^2/7 + ...) to t^19/19 (|t| <= 1/16: truncation below 2^-64 t)
_ATP = tuple(_D((-1) ** j / (2 * j + 5)) for j in range(8))
(_ATP0, _ATP1, _ATP2, _ATP3, _ATP4, _ATP5, _ATP6, _ATP7) = _ATP
_D_EIGHTH = _D(0.125)
_D_EIGHT = _D(8.0)
# 2^-32: below, atan w is w to 2^-64 (w a double-double ratio: its own rounding counts too)
_U64_2M32 = np.uint64(0x3DF0000000000000)


@njit(**_OPTS)
def _pick9(fi, c):
    """c[i] for i = fi (0.0 .. 8.0, a float): eight selects, no table load (a gather)."""
    v = c[0]
    v = c[1] if fi > _D(0.5) else v
    v = c[2] if fi > _D(1.5) else v
    v = c[3] if fi > _D(2.5) else v
    v = c[4] if fi > _D(3.5) else v
    v = c[5] if fi > _D(4.5) else v
    v = c[6] if fi > _D(5.5) else v
    v = c[7] if fi > _D(6.5) else v
    return c[8] if fi > _D(7.5) else v


@njit(**_OPTS)
def _ratio(nh, nl, dh, dl):
    """(wh, wl, flip) with w = min / max of n = nh + nl and d = dh + dl (non-negative, d > 0 or
    n > 0) as a double-double (the quotient's error by FMA), flip where n > d."""
    flip = nh > dh
    ah = dh if flip else nh
    al = dl if flip else nl
    bh = nh if flip else dh
    bl = nl if flip else dl
    wh = ah / bh
    return wh, ((fma(-wh, bh, ah) + al) - wh * bl) / bh, flip


@njit(**_OPTS)
def atan_dd_l(w):
    """atan(wh + wl) as (hi, lo) for w = (wh, wl, flip), 2^-27 <= w <= 1 (see the section's
    comment; ``flip`` is used by the fix). Generated kernels call its two pieces."""
    return atan_dd_s(atan_dd_t(w))


@njit(**_OPTS)
def atan_dd_t(w):
    """(th, tl, i): t = (w - i/8) / (1 + w i/8) as a double-double, i = round(8w) (a float)."""
    wh, wl, _ = w
    fi = (wh * _D_EIGHT + _D_MAGIC) - _D_MAGIC        # round(8w), as a float
    c = fi * _D_EIGHTH
    n0 = wh - c                                       # exact (Sterbenz; c = 0)
    nh = n0 + wl                                      # TwoSum
    bv = nh - n0
    nl = (n0 - (nh - bv)) + (wl - bv)
    dh = fma(c, wh, _D_ONE)                           # 1 + c w; 1 - dh is exact
    dl = fma(c, wh, _D_ONE - dh) + c * wl
    th = nh / dh
    return th, ((fma(-th, dh, nh) + nl) - th * dl) / dh, fi


@njit(**_OPTS)
def atan_dd_s(t):
    """atan(i/8) + atan(th + tl) as (hi, lo), for t = (th, tl, i) from ``atan_dd_t``."""
    th, tl, fi = t
    z = th * th
    zl = fma(th, th, -z)
    w3 = th * z
    w3l = fma(th, z, -w3) + th * zl
    u = w3 * _THIRD_HI
    ul = fma(w3, _THIRD_HI, -u) + (w3 * _THIRD_LO + w3l * _THIRD_HI)
    q = fma(_ATP7, z, _ATP6)
    q = fma(q, z, _ATP5)
    q = fma(q, z, _ATP4)
    q = fma(q, z, _ATP3)
    q = fma(q, z, _ATP2)
    q = fma(q, z, _ATP1)
    q = fma(q, z, _ATP0)
    a1 = th - u                                       # Fast2Sum: |t| >= t^3/3
    alo = ((-u) - (a1 - th)) + ((fma(-tl, z, tl) - ul) + (w3 * z) * q)
    ch = _pick9(fi, _AT_HI)
    h = ch + a1                                       # TwoSum
    bv = h - ch
    e = (ch - (h - bv)) + (a1 - bv)
    return h, e + (_pick9(fi, _AT_LO) + alo)


@njit(**_OPTS)
def _atan_quadrant(w, l, neg):
    """The angle as (hi, lo) before its rounding: A = atan w (w itself below 2^-32), pi/2 - A
    where w was flipped, pi minus that where ``neg`` (a negative x for acos and atan2); each a
    TwoSum with the constant's high part, its low part carried."""
    wh, wl, flip = w
    h, lo = l
    tiny = f64_bits(wh) < _U64_2M32
    h = wh if tiny else h
    lo = (wl if flip else _D_ZERO) if tiny else lo    # unflipped: wh is the correctly rounded w
                                                      # (wl may have lost bits below 2^-1022)
    ph = _PIO2_HI - h
    bv = ph - _PIO2_HI
    pl = ((_PIO2_HI - (ph - bv)) + (-h - bv)) + (_PIO2_LO - lo)
    ah = ph if flip else h
    al = pl if flip else lo
    nh = _PI_HI - ah
    bv = nh - _PI_HI
    nl = ((_PI_HI - (nh - bv)) + (-ah - bv)) + (_PI_LO - al)
    return (nh if neg else ah), (nl if neg else al)


@njit(**_OPTS)
def _atan_round(w, l):
    """atan w (pi/2 - atan where flipped) rounded once."""
    h, lo = _atan_quadrant(w, l, False)
    return h + lo


@njit(**_OPTS)
def atan_clamp_w(w):
    """The core's argument: w itself, or 1/2 where w < 2^-32 (its result is w, selected)."""
    wh, wl, flip = w
    tiny = f64_bits(wh) < _U64_2M32
    return (_D_HALF if tiny else wh), (_D_ZERO if tiny else wl), flip


@njit(**_OPTS)
def atan_64_w(x):
    """atan's ratio: min(a, 1) / max(a, 1) for a = |x| below 2^60 (1 / a as a double-double
    beyond 1); NaN, inf and huge a give 1 (their results are selected)."""
    m = f64_bits(x) & _U64_MAG
    a = bits_f64(m) if m < _U64_2P60 else _D_ONE
    return _ratio(a, _D_ZERO, _D_ONE, _D_ZERO)


@njit(**_OPTS)
def atan_64_fix(x, w, l):
    """atan x from w = atan_64_w(x), l = atan_dd_l(clamped w): rounded once, x's sign; tiny x
    itself, +-inf and |x| >= 2^60 +-pi/2, NaN quiet."""
    res = _atan_round(w, l)
    b = f64_bits(x)
    m = b & _U64_MAG
    res = _PIO2_HI if m >= _U64_2P60 else res
    res = -res if b >= _U64_SIGN else res
    res = x if m < _U64_2M27 else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def atan_vec_f64(x):
    """atan, float64: see atan_64_fix. Pieces as log_vec_f64."""
    return atan_64_fix(x, atan_64_w(x), atan_dd_l(atan_clamp_w(atan_64_w(x))))


@njit(**_OPTS)
def _one_minus_sq(a):
    """sqrt(1 - a^2) as a double-double for 0 <= a <= 1: (1 - a)(1 + a), each factor by TwoSum,
    their product by FMA, then the double-double square root (a = 1: exactly 0)."""
    eh = _D_ONE - a
    bv = eh - _D_ONE
    el = (_D_ONE - (eh - bv)) + (-a - bv)
    ph = _D_ONE + a
    bv = ph - _D_ONE
    pl = (_D_ONE - (ph - bv)) + (a - bv)
    vh = eh * ph
    vl = fma(eh, ph, -vh) + (eh * pl + el * ph)
    pos = vh > _D_ZERO
    s0 = np.sqrt(vh)
    sc = s0 if pos else _D_ONE
    return s0, ((fma(-s0, s0, vh) + vl) / (sc + sc) if pos else _D_ZERO)


@njit(**_OPTS)
def asin_64_w(x):
    """asin's ratio: |x| against sqrt(1 - x^2) (``_ratio``); |x| > 1, NaN and inf give 1/2."""
    m = f64_bits(x) & _U64_MAG
    a = bits_f64(m) if m <= _U64_ONE else _D_HALF
    sh, sl = _one_minus_sq(a)
    return _ratio(a, _D_ZERO, sh, sl)


@njit(**_OPTS)
def asin_64_fix(x, w, l):
    """asin x from w = asin_64_w(x), l = atan_dd_l(clamped w): rounded once, x's sign; tiny x
    itself, |x| > 1 NaN (invalid), NaN quiet."""
    res = _atan_round(w, l)
    b = f64_bits(x)
    m = b & _U64_MAG
    res = -res if b >= _U64_SIGN else res
    res = x if m < _U64_2M27 else res
    res = _D_NAN if fl_atanh_dom_f64(x) else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def asin_vec_f64(x):
    """asin, float64: see asin_64_fix. Pieces as log_vec_f64."""
    return asin_64_fix(x, asin_64_w(x), atan_dd_l(atan_clamp_w(asin_64_w(x))))


@njit(**_OPTS)
def acos_64_w(x):
    """acos's ratio: sqrt(1 - x^2) against |x| (``_ratio``); |x| > 1, NaN and inf give 1/2."""
    m = f64_bits(x) & _U64_MAG
    a = bits_f64(m) if m <= _U64_ONE else _D_HALF
    sh, sl = _one_minus_sq(a)
    return _ratio(sh, sl, a, _D_ZERO)


@njit(**_OPTS)
def acos_64_fix(x, w, l):
    """acos x from w = acos_64_w(x), l = atan_dd_l(clamped w): acos |x| as a double-double (not
    rounded), for x < 0 pi minus it, rounded once; |x| > 1 NaN (invalid), NaN quiet. (x = 0:
    the ratio 1/0 is flipped to 0/1, pi/2.)"""
    b = f64_bits(x)
    m = b & _U64_MAG
    h, lo = _atan_quadrant(w, l, b >= _U64_SIGN)       # x < 0: pi - acos|x|
    res = h + lo
    res = _D_NAN if fl_atanh_dom_f64(x) else res
    return (x + _D_ZERO) if m > _U64_INF else res


@njit(**_OPTS)
def acos_vec_f64(x):
    """acos, float64: see acos_64_fix. Pieces as log_vec_f64."""
    return acos_64_fix(x, acos_64_w(x), atan_dd_l(atan_clamp_w(acos_64_w(x))))


# ---------------------------------------------------------------------------------------------
# float64 atan2: atan of min(|y|, |x|) / max(|y|, |x|) (as atan), the quadrant in double-double
# (pi/2 - A where |y| > |x|, pi - A where x < 0 or is -0), rounded once, y's sign; C99's special
# cases fall out of the same formulas (both infinite: w = 1; both zero: w = 0). NumPy's: the C
# library's, 0.74 ULP max.

_U64_MIN_NORMAL_D = np.uint64(0x0010000000000000)
_U64_2M500 = np.uint64(0x20B0000000000000)        # 2^-500
_D_2P600 = _D(2.0 ** 600)


@njit(**_OPTS)
def atan2_64_w(y, x):
    """atan2's ratio (``_ratio`` of |y| and |x|): both infinite give 1/1, one infinite 1 against
    0, both zero 0/1, NaN 1/1 (its result is selected); both tiny are scaled up first."""
    my = f64_bits(y) & _U64_MAG
    mx = f64_bits(x) & _U64_MAG
    nan = (my > _U64_INF) | (mx > _U64_INF)
    both_inf = (my == _U64_INF) & (mx == _U64_INF)
    zero = (my | mx) == np.uint64(0)
    inf_y = (my == _U64_INF) & (mx < _U64_INF)         # one infinite: it is 1, the other 0
    inf_x = (mx == _U64_INF) & (my < _U64_INF)
    ay = _D_ONE if (nan | both_inf | inf_y) else (_D_ZERO if inf_x else bits_f64(my))
    ax = _D_ONE if (nan | both_inf | zero | inf_x) else (_D_ZERO if inf_y else bits_f64(mx))
    # both below 2^-500: times 2^600 (exact), so the quotient's FMA residual stays normal
    sc = _D_2P600 if ((my < _U64_2M500) & (mx < _U64_2M500)) else _D_ONE
    return _ratio(ay * sc, _D_ZERO, ax * sc, _D_ZERO)


@njit(**_OPTS)
def atan2_64_fix(y, x, w, l):
    """atan2(y, x) from w = atan2_64_w(y, x), l = atan_dd_l(clamped w): A = atan w, pi/2 - A where flipped, pi - that where x's sign is set, each a TwoSum with the
    constant's low part carried; rounded once; y's sign; a NaN operand itself (y's first).
    (A = w itself below 2^-32.)"""
    h, lo = _atan_quadrant(w, l, f64_bits(x) >= _U64_SIGN)
    res = h + lo
    res = -res if f64_bits(y) >= _U64_SIGN else res
    res = x if (f64_bits(x) & _U64_MAG) > _U64_INF else res      # NaN: y's, else x's (selects:
    return y if (f64_bits(y) & _U64_MAG) > _U64_INF else res     # y + x overflows in other lanes)


@njit(**_OPTS)
def atan2_vec_f64(y, x):
    """atan2, float64: see atan2_64_fix. Pieces as log_vec_f64."""
    w = atan2_64_w(y, x)
    return atan2_64_fix(y, x, w, atan_dd_s(atan_dd_t(atan_clamp_w(w))))


@njit(**_OPTS)
def fl_atan2_under_f64(y, x, r):
    """atan2 of a finite nonzero y with a result ``r`` below 2^-1022 (finite x): underflow --
    NumPy's C library raises it for some such results and not others (atan2(1e-310, 1) yes,
    atan2(1e-300, 1e10) no), so this over-approximates and the driver's NumPy re-run settles
    which."""
    my = f64_bits(y) & _U64_MAG
    return (((f64_bits(r) & _U64_MAG) < _U64_MIN_NORMAL_D) & (my != np.uint64(0)) & (my < _U64_INF)
            & ((f64_bits(x) & _U64_MAG) < _U64_INF))


# ---------------------------------------------------------------------------------------------
# float64 hypot: both scaled by the same power of two (the larger into [1, 2)), the sum of
# squares as a double-double (FMA), its double-double square root rounded once, scaled back
# (exact for a normal result; overflow where the result does). The smaller is dropped below
# 2^-60 of the larger (it cannot change the rounded result). NumPy's: the C library's, 0.54 ULP.

_U64_EXPMASK = np.uint64(0x7FF0000000000000)
_U64_2P500 = np.uint64(0x5F30000000000000)        # 2^500
_D_2PM600 = _D(2.0 ** -600)
_U64_60E = np.uint64(60 << 52)


@njit(**_OPTS)
def hypot_64_s(x, y):
    """(B, S, k): max(|x|, |y|) = B 2^k with 1 <= B < 2 and min(|x|, |y|) = S 2^k (0 where it is
    below 2^-60 of the max); infinities and NaN give (1, 0, 0) (selected later). Prescaled by
    2^+-600 outside [2^-500, 2^500] so every scaling is a normal power of two."""
    mx = f64_bits(x) & _U64_MAG
    my = f64_bits(y) & _U64_MAG
    mb = max(mx, my)
    ms = min(mx, my)
    bad = mb >= _U64_INF
    ms = np.uint64(0) if (bad | (ms + _U64_60E < mb)) else ms
    mb = _U64_ONE if bad else mb
    pre = _D_2P600 if mb < _U64_2M500 else (_D_2PM600 if mb > _U64_2P500 else _D_ONE)
    b = bits_f64(mb) * pre
    sm = bits_f64(ms) * pre
    e = (f64_bits(b) & _U64_EXPMASK)                  # b = 1.f 2^k: 2^-k's bits are 2046 - (k + 1023)
    inv = bits_f64(np.uint64(0x7FE0000000000000) - e)
    kb = np.int64(e >> _U64_52) - _I64_1023
    kp = _I64_600 if mb > _U64_2P500 else (-_I64_600 if mb < _U64_2M500 else _I64_0)
    return b * inv, sm * inv, kb + kp


@njit(**_OPTS)
def hypot_64_fix(x, y, s):
    """hypot from s = hypot_64_s(x, y): B^2 + S^2 as a double-double (exact squares by FMA,
    TwoSum), its square root (residual by FMA, one division), rounded once, times 2^k in two
    exact factors; +-inf in either operand +inf (NaN or not), else the NaN operand."""
    bb, ss, k = s
    p = bb * bb
    pl = fma(bb, bb, -p)
    q = ss * ss
    ql = fma(ss, ss, -q)
    th = p + q                                        # Fast2Sum: B >= S
    tl = ((q - (th - p)) + pl) + ql
    r0 = np.sqrt(th)
    den = (r0 + r0) if th > _D_ZERO else _D_ONE           # both zero: no 0/0 in any lane
    r = r0 + (fma(-r0, r0, th) + tl) / den
    h = k >> _I64_1
    res = (r * bits_f64(np.uint64((h + _I64_1023) << _U64_52))) \
        * bits_f64(np.uint64((k - h + _I64_1023) << _U64_52))
    mx = f64_bits(x) & _U64_MAG
    my = f64_bits(y) & _U64_MAG
    res = y if my > _U64_INF else res                   # NaN: x's, else y's (selects: x + y
    res = x if mx > _U64_INF else res                   # would raise flags in other lanes)
    return _D_INF if ((mx == _U64_INF) | (my == _U64_INF)) else res


@njit(**_OPTS)
def hypot_vec_f64(x, y):
    """hypot, float64: see hypot_64_fix. Two pieces."""
    return hypot_64_fix(x, y, hypot_64_s(x, y))


# ---------------------------------------------------------------------------------------------
# float64 logaddexp and logaddexp2: M = max(x, y), d = M - min as an exact double-double,
# T = e^-d (2^-d) as a double-double from expm1's core (the base-2 exponent carried as y + c),
# then M + log1p(T) (M + log1p(T) / ln2) rounded once, log1p of a double-double (log1p_dd_l)
# and ln 2 in three parts (where M and ln 2 nearly cancel). From d > 41.5 (2^-60 of M) the
# log1p is T itself, rounded once with M (T from the exp scaling: subnormal too). NumPy's:
# max + log1p(exp(-d)) in plain float64, 0.67 / 0.84 ULP max.

_LN2_HI, _LN2_MID = _TANH_LN2_HI, _TANH_LN2_LO
_LN2_LO = _D(float.fromhex("0x1.cc01f97b57a08p-87"))   # ln 2 - hi - mid (mpmath; tested)
_D_LAE_DD = _D(41.5)                               # e^-d >= 2^-60 below: log1p(T); beyond, T
_D_2_DD = _D(60.0)                                 # 2^-d >= 2^-60 below
_D_LAE_NORMAL = _D(708.0)                          # e^-d normal (T as a double-double) up to here
_D_2_NORMAL = _D(1021.0)
_D_BIG = _D(1e300)
_D_LAE_UNDER64 = _D(708.39)                        # e^-d < 2^-1022 beyond ~708.396 (over-approximated)
_D_LAE2_UNDER64 = _D(1022.0)
_D_1P5E3 = _D(1500.0)


@njit(**_OPTS)
def _lae_md(x, y):
    """(M, dh, dl, far): M = max(x, y), d = M - min(x, y) = dh + dl exactly (TwoSum), both
    operands clamped first (NaN, inf and magnitudes beyond 1e300 give 0, so no lane overflows;
    ``far`` marks those, whose result is selected)."""
    fin = (np.abs(x) < _D_BIG) & (np.abs(y) < _D_BIG)     # False for NaN and inf too
    xc = x if fin else _D_ZERO
    yc = y if fin else _D_ZERO
    m = xc if xc > yc else yc
    n = yc if xc > yc else xc
    dh = m - n
    bv = dh - m
    dl = (m - (dh - bv)) + (-n - bv)
    return m, dh, dl, ~fin


@njit(**_OPTS)
def lae_dd_t(rcd):
    """T = 2^k (1 + E) as (th, tl, False) for rcd = (k, r, c, dl_s): the reduced exponent -d =
    k ln2 + r + c - dl_s (the difference's low part folded into r + c), k >= -1021 (exact
    scaling)."""
    kq, r, c, dl_scaled = rcd
    cc = c - dl_scaled
    r2 = r + cc
    c2 = cc - (r2 - r)
    eh, el = _expm1_dd_rc(r2, c2)
    hh = _D_ONE + eh
    hl = (eh - (hh - _D_ONE)) + el
    k = np.int64(f64_bits(kq + _D_MAGIC)) - _I_MAGIC
    sc = bits_f64(np.uint64((k + _I64_1023) << _U64_52))
    return hh * sc, hl * sc, False


@njit(**_OPTS)
def lae64_r(x, y):
    """logaddexp's reduced -d for ``lae_dd_t`` (d <= 708, where e^-d is normal; beyond, a
    harmless d = 708)."""
    _, dh, dl, _ = _lae_md(x, y)
    near = dh <= _D_LAE_NORMAL
    q, r, c = _exp64_reduce(-(dh if near else _D_LAE_NORMAL))
    return q, r, c, (dl if near else _D_ZERO)


@njit(**_OPTS)
def lae64_lt(x, y, t):
    """log1p's argument: T where d <= 41.5 (beyond, log1p(T) is T: a harmless 1/2)."""
    _, dh, _, _ = _lae_md(x, y)
    return t if dh <= _D_LAE_DD else (_D_HALF, _D_ZERO, False)


@njit(**_OPTS)
def lae2_64_lt(x, y, t):
    """logaddexp2's log1p argument: T where d <= 60, else a harmless 1/2."""
    _, dh, _, _ = _lae_md(x, y)
    return t if dh <= _D_2_DD else (_D_HALF, _D_ZERO, False)


@njit(**_OPTS)
def lae64_nd(x, y):
    """-d, clamped at -1500 (where the result is max + e^-d rounded once: e^-d from exp's
    pieces, subnormal or 0 far out)."""
    _, dh, _, _ = _lae_md(x, y)
    return -min(dh, _D_1P5E3)


@njit(**_OPTS)
def _lae_sum(m, t, l, two):
    """M + log1p(T) (two: M + log1p(T)/ln2) as hi + lo before the last rounding: M + k ln2 (k
    from log1p's split; three parts of ln 2) + L, by TwoSums."""
    hi, lo = l
    k, _, _ = _log1p_split(t)
    kd = _int_f64(k)
    if two:   # log2(1 + T) = k + L / ln2
        ph = hi * _IL_HI
        pl = fma(hi, _IL_HI, -ph) + (hi * _IL_LO + lo * _IL_HI)
        a = m + kd                                    # TwoSum (exact: kd is 0 or 1)
        bv = a - m
        ae = (m - (a - bv)) + (kd - bv)
        b = a + ph
        bv = b - a
        be = (a - (b - bv)) + (ph - bv)
        return b + ((ae + be) + pl)
    a = m + kd * _LN2_HI
    bv = a - m
    ae = (m - (a - bv)) + (kd * _LN2_HI - bv)
    b = a + hi
    bv = b - a
    be = (a - (b - bv)) + (hi - bv)
    return b + ((ae + be) + ((kd * _LN2_MID + lo) + kd * _LN2_LO))


@njit(**_OPTS)
def _lae_specials(x, y, res, far_res):
    """NaN: x's, else y's (NumPy returns x - y); +inf in either: +inf; -inf: the other."""
    bx = f64_bits(x)
    by = f64_bits(y)
    res = far_res if (((bx & _U64_MAG) >= _U64_INF) | ((by & _U64_MAG) >= _U64_INF)
                      | (np.abs(x) >= _D_BIG) | (np.abs(y) >= _D_BIG)) else res
    res = y if (by & _U64_MAG) > _U64_INF else res
    return x if (bx & _U64_MAG) > _U64_INF else res


@njit(**_OPTS)
def _lae_far(x, y):
    """The result where an operand is infinite or beyond 1e300 in magnitude: the max (+ 0: -0
    becomes +0, as NumPy's max + log1p(0)); +inf wins, -inf gives the other. NaN lanes are
    overwritten by _lae_specials."""
    xs = _D_ZERO if x != x else x
    ys = _D_ZERO if y != y else y
    return (xs if xs > ys else ys) + _D_ZERO


@njit(**_OPTS)
def _lae_lin(m, t, two):
    """M + T (two: M + T / ln2) rounded once, T = th + tl (log1p(T) = T to 2^-60)."""
    th, tl, _ = t
    ph = th * _IL_HI if two else th
    pl = (fma(th, _IL_HI, -ph) + (th * _IL_LO + tl * _IL_HI)) if two else tl
    a = m + ph
    bv = a - m
    return a + (((m - (a - bv)) + (ph - bv)) + pl)


@njit(**_OPTS)
def lae64_near(x, y, t, l):
    """M + log1p(T) rounded once, for l = log1p_dd_l(lae64_lt(x, y, t))."""
    m, _, _, _ = _lae_md(x, y)
    return _lae_sum(m, lae64_lt(x, y, t), l, False)


@njit(**_OPTS)
def lae64_fix(x, y, t, near, tiny):
    """logaddexp(x, y) from t = lae_dd_t(lae64_r(x, y)), near = lae64_near(x, y, t, ...) and
    tiny = e^-d (exp's pieces on lae64_nd(x, y)): M + log1p(T) to d = 41.5, M + T to 708
    (both T double-doubles), M + tiny beyond (T subnormal or 0)."""
    m, dh, _, _ = _lae_md(x, y)
    res = near if dh <= _D_LAE_DD else (_lae_lin(m, t, False) if dh <= _D_LAE_NORMAL else m + tiny)
    return _lae_specials(x, y, res, _lae_far(x, y))


@njit(**_OPTS)
def logaddexp_vec_f64(x, y):
    """logaddexp, float64: see lae64_fix. Pieces as log_vec_f64."""
    t = lae_dd_t(lae64_r(x, y))
    nd = lae64_nd(x, y)
    near = lae64_near(x, y, t, log1p_dd_l(lae64_lt(x, y, t)))
    return lae64_fix(x, y, t, near, exp64_fix(nd, exp64_poly(exp64_arg(nd))))


@njit(**_OPTS)
def lae2_64_r(x, y):
    """logaddexp2's reduced -d for ``lae_dd_t``: -d = k + r exactly (|r| <= 1/2), r ln2 as
    y + c (FMA), the difference's low part dl ln2 (d <= 1021; beyond, a harmless 1021)."""
    _, dh, dl, _ = _lae_md(x, y)
    near = dh <= _D_2_NORMAL
    dc = -(dh if near else _D_2_NORMAL)
    q = (dc + _D_MAGIC) - _D_MAGIC
    r = dc - q
    yy = r * _D_LN2_53
    c = fma(r, _D_LN2_53, -yy) + r * _D_LN2_53_LO
    return q, yy, c, (dl if near else _D_ZERO) * _D_LN2_53


@njit(**_OPTS)
def lae2_64_near(x, y, t, l):
    """M + log1p(T) / ln2 rounded once, for l = log1p_dd_l(lae2_64_lt(x, y, t))."""
    m, _, _, _ = _lae_md(x, y)
    return _lae_sum(m, lae2_64_lt(x, y, t), l, True)


@njit(**_OPTS)
def lae2_64_fix(x, y, t, near, tiny):
    """logaddexp2(x, y) from t = lae_dd_t(lae2_64_r(x, y)), near = lae2_64_near(x, y, t, ...)
    and tiny = 2^-d (exp2's pieces on lae64_nd(x, y)): as lae64_fix (limits 60 and 1021)."""
    m, dh, _, _ = _lae_md(x, y)
    res = near if dh <= _D_2_DD else (_lae_lin(m, t, True) if dh <= _D_2_NORMAL else m + tiny * _IL_HI)
    return _lae_specials(x, y, res, _lae_far(x, y))


@njit(**_OPTS)
def logaddexp2_vec_f64(x, y):
    """logaddexp2, float64: see lae2_64_fix. Pieces as log_vec_f64."""
    t = lae_dd_t(lae2_64_r(x, y))
    nd = lae64_nd(x, y)
    near = lae2_64_near(x, y, t, log1p_dd_l(lae2_64_lt(x, y, t)))
    return lae2_64_fix(x, y, t, near, exp2_64_fix(nd, exp2_64_poly(exp2_64_arg(nd))))


@njit(**_OPTS)
def fl_lae_over_f64(x, y):
    """logaddexp(2) of finite x, y whose difference overflows (NumPy computes x - y): overflow."""
    fin = (np.abs(x) <= _D_DMAX) & (np.abs(y) <= _D_DMAX)
    return fin & (np.abs(x) >= _D_BIG) & (np.abs(y) >= _D_BIG) & ((x > _D_ZERO) != (y > _D_ZERO))


@njit(**_OPTS)
def _lae_apart(x, y, t):
    """Finite x, y more than ``t`` apart: compared as x >= y + t or y >= x + t on operands
    whose NaN and infinities were replaced by 0 on the bits (no x - y: inf - inf, or a NaN in
    an ordered compare, raises invalid; LLVM may compute arithmetic before a float select)."""
    mx = f64_bits(x) & _U64_MAG
    my = f64_bits(y) & _U64_MAG
    fin = (mx < _U64_INF) & (my < _U64_INF)
    xs = bits_f64(f64_bits(x) if fin else np.uint64(0))
    ys = bits_f64(f64_bits(y) if fin else np.uint64(0))
    return fin & ((xs >= ys + t) | (ys >= xs + t))


@njit(**_OPTS)
def fl_lae_under_f64(x, y):
    """logaddexp of finite x, y with |x - y| beyond ~708.39, where NumPy's exp(-|x - y|)
    underflows (over-approximated: the driver's NumPy re-run settles it)."""
    return _lae_apart(x, y, _D_LAE_UNDER64)


@njit(**_OPTS)
def fl_lae2_under_f64(x, y):
    """logaddexp2 of finite x, y with |x - y| beyond 1022 (NumPy's exp2 underflows; as above)."""
    return _lae_apart(x, y, _D_LAE2_UNDER64)


# ---------------------------------------------------------------------------------------------
# float64 pow (x ** y): |x|^y = e^P, P = y ln|x| as a double-double (ln|x| = k ln2 (three parts)
# + log1p(f) from the log family's double-double; the product's error by FMA), e^P = 2^q
# (1 + E) with E expm1's double-double of the reduced P, rounded once by exp's scaling
# (subnormal results included); C99's special cases as selects, as float32's pow_fix_f32.
# NumPy's: 0.64 ULP max.

_U64_2P52 = np.uint64(0x4330000000000000)         # |y| >= 2^52: every float64 is an integer
_U64_2P64 = np.uint64(0x43F0000000000000)
_D_2P64 = _D(2.0 ** 64)
_U64_2P53 = np.uint64(0x4340000000000000)         # |y| >= 2^53: every float64 is even
_U64_MANT = np.uint64(0x000FFFFFFFFFFFFF)
_D_2P52 = _D(2.0 ** 52)
_D_THREE = _D(3.0)
_D_POW_OVER64 = _D(709.782712893384)               # e^P overflows beyond (exp's threshold)
_D_POW_UNDER64 = _D(-746.0)                        # e^P rounds to 0 below


@njit(**_OPTS)
def pow64_y_kind(y):
    """For a float64 y: 1.0 if y is an even integer, 3.0 if an odd one, 0.0 otherwise (NaN and
    inf included); as pow_y_kind_f32."""
    my = f64_bits(y) & _U64_MAG
    small = my < _U64_2P52
    ya = bits_f64(my) if small else _D_ZERO
    z = ya + _D_2P52
    is_int = ((z - _D_2P52) == ya) & (my < _U64_INF)
    h = ya * (_D_ONE if my >= _U64_ONE else _D_ZERO) * _D_HALF
    hz = h + _D_2P52
    odd = is_int & ((hz - _D_2P52) != h)
    big_odd = (my >= _U64_2P52) & (my < _U64_2P53) & ((f64_bits(y) & np.uint64(1)) != np.uint64(0))
    k = _D_ONE if is_int else _D_ZERO
    return _D_THREE if (odd | big_odd) else k


@njit(**_OPTS)
def pow64_ax(x):
    """|x| for the log family's normalization (log64_m): 0, inf and NaN give 1 there."""
    return bits_f64(f64_bits(x) & _U64_MAG)


@njit(**_OPTS)
def pow64_p(x, y, l):
    """P = y ln|x| as (hi, lo) from l = log64_l(log64_m(|x|)): ln|x| = k ln2_hi + L_hi by TwoSum,
    the low parts (k ln2 mid and low, L_lo) after; y (a non-finite y 0, |y| at most 2^64)
    times it by FMA."""
    hi, lo = l
    kd = _log64_k(pow64_ax(x))
    a = kd * _LN2_HI
    ah = a + hi
    bv = ah - a
    al = ((a - (ah - bv)) + (hi - bv)) + ((kd * _LN2_MID + lo) + kd * _LN2_LO)
    my = f64_bits(y) & _U64_MAG
    ys = y if my < _U64_INF else _D_ZERO
    # |y| beyond 2^64: 2^64 (|y ln x| > 746 either way, as |ln x| >= 2^-53 for x != 1; the
    # product of a larger y could overflow in a lane)
    ys = ys if my < _U64_2P64 else (_D_2P64 if f64_bits(y) < _U64_SIGN else -_D_2P64)
    ph = ys * ah
    return ph, fma(ys, ah, -ph) + ys * al


@njit(**_OPTS)
def pow64_e(p):
    """(q, E_hi, E_lo): e^P = 2^q (1 + E) for P = p (clamped to [-746, 709.79]: beyond, the
    result is selected), E from expm1's double-double core with P's low part folded in."""
    ph, pl = p
    inside = (ph <= _D_POW_OVER64) & (ph >= _D_POW_UNDER64)
    pc = ph if inside else _D_ZERO
    q, r, c = _exp64_reduce(pc)
    cc = c + (pl if inside else _D_ZERO)
    r2 = r + cc
    eh, el = _expm1_dd_rc(r2, cc - (r2 - r))
    return q, eh, el


@njit(**_OPTS)
def pow64_mag(p, e):
    """|x|^y from p = pow64_p(...) and e = pow64_e(p): 2^q (1 + E) rounded once (exp's scaling:
    subnormal results too), inf beyond the overflow threshold, 0 below the zero one."""
    ph, _ = p
    q, eh, el = e
    mag = _exp64_scale(np.int64(f64_bits(q + _D_MAGIC)) - _I_MAGIC, eh, el)
    mag = _D_INF if ph > _D_POW_OVER64 else mag
    return _D_ZERO if ph < _D_POW_UNDER64 else mag


@njit(**_OPTS)
def pow64_fix(x, y, mag, kind):
    """x ** y from mag = pow64_mag(...) and kind = pow64_y_kind(y): the sign of an odd power of
    a negative x; C99's special cases as pow_fix_f32."""
    bx = f64_bits(x)
    by = f64_bits(y)
    mx = bx & _U64_MAG
    my = by & _U64_MAG
    xneg = bx >= _U64_SIGN
    yneg = by >= _U64_SIGN
    odd = kind == _D_THREE
    neg_odd = xneg & odd
    res = -mag if neg_odd else mag
    res = _D_NAN if (xneg & (mx != np.uint64(0)) & (mx < _U64_INF) & (my < _U64_INF) & (kind == _D_ZERO)) else res
    zres = _D_INF if yneg else _D_ZERO                 # x = +-0
    zres = bits_f64(f64_bits(zres) | (bx & _U64_SIGN)) if odd else zres
    res = zres if (x == _D_ZERO) else res
    ires = _D_ZERO if yneg else _D_INF                 # x = +-inf
    ires = -ires if neg_odd else ires
    res = ires if (mx == _U64_INF) else res
    yres = _D_ZERO if ((mx < _U64_ONE) != yneg) else _D_INF   # y = +-inf
    yres = _D_ONE if mx == _U64_ONE else yres
    res = yres if ((my == _U64_INF) & (mx <= _U64_INF)) else res
    res = y if (my > _U64_INF) else res
    res = x if (mx > _U64_INF) else res
    return _D_ONE if ((bx == _U64_ONE) | (my == np.uint64(0))) else res


@njit(**_OPTS)
def pow_vec_f64(x, y):
    """x ** y, float64: see the section's comment. Pieces as log_vec_f64."""
    p = pow64_p(x, y, log64_l(log64_m(pow64_ax(x))))
    return pow64_fix(x, y, pow64_mag(p, pow64_e(p)), pow64_y_kind(y))


@njit(**_OPTS)
def fl_pow_invalid_f64(x, y):
    """pow: negative finite nonzero x, finite non-integer y: invalid."""
    mx = f64_bits(x) & _U64_MAG
    my = f64_bits(y) & _U64_MAG
    return ((f64_bits(x) >= _U64_SIGN) & (mx != np.uint64(0)) & (mx < _U64_INF) & (my < _U64_INF)
            & (pow64_y_kind(y) == _D_ZERO))


@njit(**_OPTS)
def fl_pow_divide_f64(x, y):
    """pow(+-0, finite y < 0): divide-by-zero (the C library's rule: y = -inf raises none)."""
    my = f64_bits(y) & _U64_MAG
    return (x == _D_ZERO) & (f64_bits(y) >= _U64_SIGN) & (my != np.uint64(0)) & (my < _U64_INF)


@njit(**_OPTS)
def fl_pow_over_f64(x, y, r):
    """pow of a finite nonzero x and a finite y whose result ``r`` is infinite: overflow."""
    mx = f64_bits(x) & _U64_MAG
    return (((f64_bits(r) & _U64_MAG) == _U64_INF) & (mx != np.uint64(0)) & (mx < _U64_INF)
            & ((f64_bits(y) & _U64_MAG) < _U64_INF))


@njit(**_OPTS)
def fl_pow_under_f64(x, y, r):
    """pow of a finite nonzero x and a finite y whose result ``r`` is below 2^-1022 and inexact
    (an exact tiny result -- a power of two to an integer, not rounded to 0 -- raises none):
    underflow (where the scaling rounds, the hardware raises it too)."""
    mx = f64_bits(x) & _U64_MAG
    exact = (((mx & _U64_MANT) == np.uint64(0)) & (mx >= _U64_MIN_NORMAL) & (pow64_y_kind(y) != _D_ZERO)
             & (r != _D_ZERO))
    return (((f64_bits(r) & _U64_MAG) < _U64_MIN_NORMAL) & (mx != np.uint64(0)) & (mx < _U64_INF)
            & ((f64_bits(y) & _U64_MAG) < _U64_INF) & (exact == False))  # noqa: E712


# ---------------------------------------------------------------------------------------------
# float64 sin, cos, tan: x = k pi/2 + r, r as a double-double (pi/2 in five parts, the first
# four of 27 bits so that k times each is exact for |x| < 2^26 -- sines of phases of millions of
# radians stay on the vectorized path -- their sums by TwoSums), then sin r and cos r as
# double-doubles (the leading terms r^3/6, r^5/120, r^2/2, r^4/24 exactly enough, the rest in
# plain arithmetic), the quadrant's choice, tan as their double-double quotient; one rounding.
# |x| >= 2^26 (scalar -- a branch: generated kernels re-run the block, cpu_numba.SLOW_PATHS):
# the same sin r, cos r and quadrant after an exact Payne-Hanek reduction (trig64_payne_hanek:
# integer arithmetic on 2/pi's bits); inf and NaN: x - x (NaN; invalid for inf, as the C
# library). NumPy's: 0.51 / 0.51 / 0.54 ULP max.

_P1, _P2, _P3, _P4, _P5 = (_D(float.fromhex(v)) for v in (
    "0x1.921fb54000000p+0", "0x1.10b4610000000p-30", "0x1.a626330000000p-58", "0x1.45c06e0000000p-86",
    "0x1.cd129024e088ap-115"))
_D_2_OVER_PI = _D(0.6366197723675814)
_U64_2P26 = np.uint64(0x4190000000000000)         # 2^26: from here on, trig64_payne_hanek
_S120_HI, _S120_LO = _split(Fraction(1, 120))
# r^7 (-1/5040 + r^2/362880 - ...) to r^21/21! and r^6 (-1/720 + ...) to r^20/20! (|r| <= pi/4:
# truncation below 2^-64 of the result)
_SN = tuple(_D((-1) ** (j + 1) / math.factorial(2 * j + 7)) for j in range(8))
(_SN0, _SN1, _SN2, _SN3, _SN4, _SN5, _SN6, _SN7) = _SN
_CS = tuple(_D((-1) ** (j + 1) / math.factorial(2 * j + 6)) for j in range(8))
(_CS0, _CS1, _CS2, _CS3, _CS4, _CS5, _CS6, _CS7) = _CS
_I64_3 = np.int64(3)


@njit(**_OPTS)
def trig64_big(x):
    """Whether sin/cos/tan need the Payne-Hanek reduction for ``x``: |x| >= 2^26, inf, NaN."""
    return (f64_bits(x) & _U64_MAG) >= _U64_2P26


@njit(**_OPTS)
def trig64_red(x):
    """(k, rh, rl): x = k pi/2 + rh + rl, |r| <= pi/4, for 2^-27 <= |x| < 2^26 (others: x = 1/2,
    their results are selected or re-run). k pi/2's first four parts are exact products, x minus
    the first exact (Sterbenz), the next three by TwoSums, the fifth rounded (2^-130 at most)."""
    m = f64_bits(x) & _U64_MAG
    xc = x if ((m < _U64_2P26) & (m >= _U64_2M27)) else _D_HALF   # tiny: no underflowing square
    y = fma(xc, _D_2_OVER_PI, _D_MAGIC)
    kd = y - _D_MAGIC
    a = fma(-kd, _P1, xc)
    b = -kd * _P2
    s1 = a + b
    bv = s1 - a
    e1 = (a - (s1 - bv)) + (b - bv)
    c = -kd * _P3
    s2 = s1 + c
    bv = s2 - s1
    e2 = (s1 - (s2 - bv)) + (c - bv)
    d = -kd * _P4
    s3 = s2 + d
    bv = s3 - s2
    e3 = (s2 - (s3 - bv)) + (d - bv)
    lo = ((e1 + e2) + e3) - kd * _P5
    rh = s3 + lo
    return kd, rh, lo - (rh - s3)


@njit(**_OPTS)
def trig64_s(red):
    """sin r as (hi, lo), normalized, for red = (k, rh, rl): r - r^3/6 + r^5/120 (each power
    with its FMA error and rl's share, 1/6 and 1/120 double-doubles, Fast2Sums) + r^7 P(r^2)."""
    _, rh, rl = red
    z = rh * rh
    zl = fma(rh, rh, -z) + (rh + rh) * rl
    w = rh * z
    wl = fma(rh, z, -w) + (rh * zl + rl * z)
    t3 = w * _S6_HI
    t3l = fma(w, _S6_HI, -t3) + (w * _S6_LO + wl * _S6_HI)
    v = w * z
    vl = fma(w, z, -v) + (w * zl + wl * z)
    t5 = v * _S120_HI
    t5l = fma(v, _S120_HI, -t5) + (v * _S120_LO + vl * _S120_HI)
    q = fma(_SN7, z, _SN6)
    q = fma(q, z, _SN5)
    q = fma(q, z, _SN4)
    q = fma(q, z, _SN3)
    q = fma(q, z, _SN2)
    q = fma(q, z, _SN1)
    q = fma(q, z, _SN0)
    a1 = rh - t3
    e1 = (rh - a1) - t3
    a2 = a1 + t5
    e2 = t5 - (a2 - a1)
    lo = (e1 + e2) + ((rl - t3l + t5l) + (v * z) * q)
    h = a2 + lo                       # normalized: tan divides by it
    return h, lo - (h - a2)


@njit(**_OPTS)
def trig64_c(red):
    """cos r as (hi, lo) for red = (k, rh, rl): 1 - r^2/2 + r^4/24 (exactly enough, as sin's)
    + r^6 P(r^2)."""
    _, rh, rl = red
    z = rh * rh
    zl = fma(rh, rh, -z) + (rh + rh) * rl
    h = z * _D_HALF
    u = z * z
    ul = fma(z, z, -u) + (z + z) * zl
    t4 = u * _S24_HI
    t4l = fma(u, _S24_HI, -t4) + (u * _S24_LO + ul * _S24_HI)
    q = fma(_CS7, z, _CS6)
    q = fma(q, z, _CS5)
    q = fma(q, z, _CS4)
    q = fma(q, z, _CS3)
    q = fma(q, z, _CS2)
    q = fma(q, z, _CS1)
    q = fma(q, z, _CS0)
    a1 = _D_ONE - h
    e1 = (_D_ONE - a1) - h
    a2 = a1 + t4
    e2 = t4 - (a2 - a1)
    lo = (e1 + e2) + ((t4l - zl * _D_HALF) + (u * z) * q)
    h = a2 + lo
    return h, lo - (h - a2)


@njit(**_OPTS)
def _quadrant(red):
    """k mod 4 as an int64."""
    kd, _, _ = red
    return (np.int64(f64_bits(kd + _D_MAGIC)) - _I_MAGIC) & _I64_3


@njit(**_OPTS)
def sin64_fix(x, red, sn, cs):
    """sin x from red = trig64_red(x) and sin r, cos r (trig64_s, trig64_c): the quadrant's
    +-sin r or +-cos r, rounded once; tiny x itself."""
    q = _quadrant(red)
    sh, sl = sn
    ch, cl = cs
    res = (ch + cl) if (q & _I64_1) != _I64_0 else (sh + sl)
    res = -res if q >= np.int64(2) else res
    return x if (f64_bits(x) & _U64_MAG) < _U64_2M27 else res


@njit(**_OPTS)
def cos64_fix(x, red, sn, cs):
    """cos x (as sin64_fix): cos r, -sin r, -cos r, sin r by quadrant; tiny x 1."""
    q = _quadrant(red)
    sh, sl = sn
    ch, cl = cs
    res = (sh + sl) if (q & _I64_1) != _I64_0 else (ch + cl)
    res = -res if ((q == _I64_1) | (q == np.int64(2))) else res
    return _D_ONE if (f64_bits(x) & _U64_MAG) < _U64_2M27 else res


@njit(**_OPTS)
def tan64_fix(x, red, sn, cs):
    """tan x (as sin64_fix): sin r / cos r, or -cos r / sin r for an odd k, a double-double
    quotient (its error by FMA) rounded once; tiny x itself."""
    q = _quadrant(red)
    sh, sl = sn
    ch, cl = cs
    odd = (q & _I64_1) != _I64_0
    nh = -ch if odd else sh
    nl = -cl if odd else sl
    dh = sh if odd else ch
    dl = sl if odd else cl
    dh = dh if dh != _D_ZERO else _D_ONE      # r = 0 exactly (x = 0): no 0/0 in any lane
    t = nh / dh
    res = t + ((fma(-t, dh, nh) + nl) - t * dl) / dh
    return x if (f64_bits(x) & _U64_MAG) < _U64_2M27 else res


# 2/pi's first 1,280 fraction bits as 32-bit chunks, most significant first (fdlibm's ipio2;
# tests/test_inline_math.py recomputes them with mpmath). x < 2^1024 needs chunks up to the 38th.
_TWO_OVER_PI_BITS = np.array((
    0xA2F9836E, 0x4E441529, 0xFC2757D1, 0xF534DDC0, 0xDB629599, 0x3C439041, 0xFE5163AB, 0xDEBBC561,
    0xB7246E3A, 0x424DD2E0, 0x06492EEA, 0x09D1921C, 0xFE1DEB1C, 0xB129A73E, 0xE88235F5, 0x2EBB4484,
    0xE99C7026, 0xB45F7E41, 0x3991D639, 0x835339F4, 0x9C845F8B, 0xBDF9283B, 0x1FF897FF, 0xDE05980F,
    0xEF2F118B, 0x5A0A6D1F, 0x6D367ECF, 0x27CB09B7, 0x4F463F66, 0x9E5FEA2D, 0x7527BAC7, 0xEBE5F17B,
    0x3D0739F7, 0x8A5292EA, 0x6BFB5FB1, 0x1F8D5D08, 0x56033046, 0xFC7B6BAB, 0xF0CFBC20, 0x9AF4361D),
    dtype=np.uint64)
_PH_CHUNKS = 8                    # chunks of 2/pi multiplied: >= 223 fraction bits of x 2/pi
_PH_FRAC = 6                      # fraction chunks kept (192 bits; |r| >= 2^-61 for any double)
_PIO2_HI, _PIO2_LO = _D(float.fromhex("0x1.921fb54442d18p+0")), _D(float.fromhex("0x1.1a62633145c07p-54"))
_U64_M32 = np.uint64(0xFFFFFFFF)
_U64_U1, _U64_U32 = np.uint64(1), np.uint64(32)


@njit(**_OPTS)
def _bits32(p, lo):
    """Bits [lo, lo + 32) of the little-endian 32-bit-limb integer ``p`` (lo >= 0)."""
    j = lo // 32
    s = np.uint64(lo - 32 * j)
    return ((p[j] >> s) | (p[j + 1] << (_U64_U32 - s))) & _U64_M32


@njit(**_OPTS)
def trig64_payne_hanek(x):
    """(k mod 4, rh, rl) for finite |x| >= 2^17 (used from 2^26 on): x = k pi/2 + rh + rl, |r| <= pi/4 (Payne-Hanek).

    x = m 2^e (m the 53-bit significand). m times the chunks of 2/pi that matter -- those whose
    product with 2^e is not a multiple of 4 -- as an exact integer (32-bit limbs); its bits at
    the binary point are k mod 4, the 192 below it the fraction f (truncation error < 2^-200).
    f >= 1/2 rounds k up (f - 1, by two's complement); f as a double-double (its limbs summed by
    TwoSums, most significant first), times pi/2 as a double-double. The closest double to a
    multiple of pi/2 leaves |r| ~ 2^-61, so r keeps over 100 correct bits."""
    b = f64_bits(x)
    m = (b & _U64_MANT) | np.uint64(0x0010000000000000)
    e = np.int64((b >> np.uint64(52)) & np.uint64(0x7FF)) - np.int64(1075)
    j0 = max((e - 2) // 32 + 1, np.int64(1))      # first chunk whose product is not 0 mod 4
    m0 = m & _U64_M32
    m1 = m >> _U64_U32
    w = np.empty(_PH_CHUNKS + 3 + _PH_FRAC, np.uint64)   # one allocation: product, then fraction
    p = w[:_PH_CHUNKS + 3]
    p[0] = p[1] = p[_PH_CHUNKS + 2] = 0            # the rest is written before it is read
    for t in range(_PH_CHUNKS):                    # least significant chunk first
        c = _TWO_OVER_PI_BITS[j0 + _PH_CHUNKS - 2 - t]
        s = m0 * c + p[t]
        p[t] = s & _U64_M32
        s = m1 * c + p[t + 1] + (s >> _U64_U32)
        p[t + 1] = s & _U64_M32
        p[t + 2] = s >> _U64_U32
    sh = 32 * (j0 + _PH_CHUNKS - 1) - e             # fraction bits of p
    k = np.int64(_bits32(p, sh) & np.uint64(3))
    f = w[_PH_CHUNKS + 3:]
    for i in range(_PH_FRAC):
        f[i] = _bits32(p, sh - 32 * (i + 1))
    sign = _D_ONE
    if f[0] >= np.uint64(0x80000000):              # f >= 1/2: k + 1, f - 1 = -(2^192 - f) 2^-192
        k += 1
        sign = -_D_ONE
        carry = _U64_U1
        for i in range(_PH_FRAC - 1, -1, -1):
            v = (~f[i] & _U64_M32) + carry
            f[i] = v & _U64_M32
            carry = v >> _U64_U32
    hi = _D_ZERO
    lo = _D_ZERO
    scale = _D(2.0 ** -32)
    for i in range(_PH_FRAC):
        t = _D(f[i]) * scale                       # exact: 32 bits
        s = hi + t
        bv = s - hi
        lo += (hi - (s - bv)) + (t - bv)
        hi = s
        scale *= _D(2.0 ** -32)
    fh = hi + lo
    fl = lo - (fh - hi)
    rh = fh * _PIO2_HI
    rl = fma(fh, _PIO2_HI, -rh) + (fh * _PIO2_LO + fl * _PIO2_HI)
    h = rh + rl
    rl = rl - (h - rh)
    if b >= _U64_SIGN:                             # -x = -k pi/2 - r
        k = -k
        sign = -sign
    return _D(k & _I64_3), sign * h, sign * rl


def _trig(fix, name):
    """(fast, whole) for one of sin/cos/tan: ``fast`` for |x| < 2^26 (the generated loops' body,
    cpu_numba.SLOW_PATHS), ``whole`` with the Payne-Hanek reduction beyond; inf and NaN give
    x - x (the C library's: NaN, invalid for inf, a NaN argument kept)."""
    @njit(**_OPTS)
    def fast(x):
        red = trig64_red(x)
        return fix(x, red, trig64_s(red), trig64_c(red))

    @njit(**_OPTS)
    def huge(x):
        m = f64_bits(x) & _U64_MAG
        if m >= _U64_INF:
            return x - x
        red = trig64_payne_hanek(x)
        return fix(x, red, trig64_s(red), trig64_c(red))

    @njit(**_OPTS)
    def whole(x):
        res = fast(x)
        if trig64_big(x):
            res = huge(x)
        return res

    fast.__doc__ = f"{name} for |x| < 2^26 (see the section's comment)."
    whole.__doc__ = f"{name}, float64: {name}_fast_f64, the Payne-Hanek reduction for |x| >= 2^26, inf, NaN."
    return fast, whole


sin_fast_f64, sin_vec_f64 = _trig(sin64_fix, "sin")
cos_fast_f64, cos_vec_f64 = _trig(cos64_fix, "cos")
tan_fast_f64, tan_vec_f64 = _trig(tan64_fix, "tan")


def _f32_trig(fast, whole64, name):
    """The float32 ``name``: ``fast`` (numba_vecmath's float64-inside form, |x| < 2^20), and the
    float64 function rounded to float32 for |x| >= 2^20, inf and NaN (0.5 ULP of float64, then
    one rounding: the float64 reduction is exact there). A branch: generated kernels run
    ``fast`` and re-run a block that met such an argument (cpu_numba.SLOW_PATHS). sin and cos
    serve where NumPy's SIMD algorithm is not the port's (cpu_numba.OWN_FALLBACK)."""
    @njit(**_OPTS)
    def whole(x):
        res = fast(x)
        if tan_big_f32(x):
            res = _F32(whole64(_D(x)))
        return res

    whole.__doc__ = f"{name}, float32 (see _f32_trig)."
    return whole


sin_vec_f32 = _f32_trig(sin_fast_f32_own, sin_vec_f64, "sin")
cos_vec_f32 = _f32_trig(cos_fast_f32_own, cos_vec_f64, "cos")
tan_vec_f32 = _f32_trig(tan_fast_f32, tan_vec_f64, "tan")


@njit(**_OPTS)
def fl_sin_under_f64(x):
    """sin of a subnormal x (the result x itself): underflow, as NumPy's C library sin raises
    (its tan and cos do not)."""
    m = f64_bits(x) & _U64_MAG
    return (m != np.uint64(0)) & (m < _U64_MIN_NORMAL)
