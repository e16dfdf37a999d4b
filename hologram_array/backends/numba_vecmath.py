"""Own transcendental functions, written so that LLVM vectorizes the fused loops that call them.

Why: a generated kernel is one loop over elements. If any op in it calls the C library (libm's
``tanhf``, ``expm1``...) the call is scalar and the whole loop runs one element at a time; if an
op looks a value up in a table (NumPy's own SIMD ``tanh`` reads 8 coefficients from a 32-row
table), LLVM emits ``vgatherdps``, which is slow on many x86 cores (Zen 1: the fused 12-op chain
ran 4x slower than the same loop without the table). The functions here use only arithmetic,
FMA, bit operations and selects, with no branches and no loads, so the loop vectorizes at the
machine's width.

Rules every function here keeps (tests/test_inline_math.py checks them):

* accuracy at least as good as NumPy's own implementation on this machine, measured against a
  higher-precision reference by ``benchmarks/accuracy.py`` (max ULP error per function, ours
  and NumPy's side by side; the figures are in ``docs/performance.md``);
* special values exact: NaN in -> NaN out, +-inf, +-0.0 with its sign, subnormals, and the
  thresholds where the result saturates, rounds to the argument, overflows or underflows;
* no floating-point flag NumPy's function would not raise: a NaN is replaced before any
  ordered comparison (``vcmpltps`` on a NaN raises "invalid"), and tiny arguments never reach a
  product that would underflow;
* no fast-math: every operation rounds as written; FMA only where written as ``fma``.

``cpu_numba.INLINE_MATH`` maps (op, loop dtype) to the helper the code generator calls instead
of the op table's template; ``HOLOGRAM_INLINE_MATH=0`` in the environment turns them off (then
NumPy's own algorithms, ported bit for bit in ``numba_ops``, or the C library are used).
Importing this module imports Numba; ``numba_ops`` re-exports it to the generated kernels.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .numba_ops import bits_f32, bits_f64, f32_bits, f64_bits, fma  # numba_ops imports this module at its end

__all__ = ["tanh_vec_f32", "exp_vec_f32", "exp_reduced_f32", "expm1_vec_f32", "log1p_vec_f32", "log2_vec_f32",
           "log10_vec_f32", "exp2_vec_f32", "sinh_vec_f32", "cosh_vec_f32", "atanh_vec_f32",
           "fl_expm1_over_f32", "fl_log1p_m1_f32", "fl_log1p_dom_f32", "fl_exp2_over_f32",
           "fl_exp2_under_f32", "fl_hyp_over_f32", "fl_atanh_one_f32", "fl_atanh_dom_f32",
           "atan_vec_f32", "asin_vec_f32", "acos_vec_f32", "asinh_vec_f32", "acosh_vec_f32",
           "fl_acosh_dom_f32", "pow_vec_f32", "pow_t_f64", "pow_exp2_t_f32", "pow_fix_f32", "pow_y_kind_f32", "fl_pow_invalid_f32",
           "fl_pow_divide_f32", "fl_pow_over_f32", "fl_pow_under_f32", "tan_fast_f32", "tan_big_f32", "hypot_vec_f32",
           "sin_fast_f32_own", "cos_fast_f32_own", "fl_trig_under_f32",
           "tanh_vec_f64", "exp_vec_f64", "exp64_arg", "exp64_poly", "exp64_fix", "exp2_vec_f64", "exp2_64_arg",
           "exp2_64_poly", "exp2_64_fix", "fl_exp2_over_f64", "fl_exp2_under_f64", "fl_exp_over_f64", "fl_exp_under_f64", "atan2_vec_f32", "fl_atan2_under_f32", "logaddexp_vec_f32",
           "fl_lae_over_f32", "fl_lae_under_f32", "lae_d_f64", "lae_fix_f32", "exp_neg_f64",
           "log1p_01_f64", "lae2_fix_f32", "lae2_d_f64", "logaddexp2_vec_f32", "fl_lae2_under_f32"]

_OPTS = dict(error_model="numpy", nogil=True)  # no inline="always": it defeats Numba's disk cache
_F = np.float32

# ---------------------------------------------------------------------------------------------
# float32 exp on a bounded range (a building block)

# (e^r - 1 - r) / r^2 on |r| <= ln2/2: Lawson-weighted least squares on Chebyshev nodes against
# mpmath (relative error 2.7e-9; the coefficients as float32).
_EQ0, _EQ1, _EQ2, _EQ3, _EQ4, _EQ5 = (_F(0.5), _F(0.1666666716337204), _F(0.04166646674275398),
                                      _F(0.008333360776305199), _F(0.0013933597365394235),
                                      _F(0.0001985778217203915))
# The same with Q of degree 4 (its constant 1/2 exact): relative error of 1 + r + r^2 Q 3.9e-9
# (float32 coefficients; the degree-5 one: 7.8e-10); exp_reduced_f32's.
_ER1, _ER2, _ER3, _ER4 = (_F(0.16666534543037415), _F(0.041667237877845764), _F(0.008367509581148624),
                          _F(0.0013863756321370602))
_LOG2E = _F(1.4426950408889634)
_MAGIC = _F(12582912.0)            # 0x1.8p23: (y + magic) - magic rounds y to an integer
_LN2_HI = _F(0.693359375)          # ln 2 in two parts (Cody-Waite): k * _LN2_HI is exact
_LN2_LO = _F(-2.12194440e-4)
_ONE, _ZERO = _F(1.0), _F(0.0)
_F_INF_E = _F(np.inf)


@njit(**_OPTS)
def exp_reduced_f32(y):
    """e^y for -87 <= y <= 88 (a normal result), float32, 1.03 ULP; no division, no table.

    y = k ln2 + r with |r| <= ln2/2; e^r = 1 + r + r^2 Q(r) with Q of degree 4 (one FMA fewer
    than exp_vec_f32's: tanh's 12-op chain runs 4% faster); 2^k added to the exponent bits.
    Its one caller, tanh_vec_f32, divides it into 1 - 2e/(1 + e), which scales e's error by
    0.31 at most (|x| >= 1): tanh's max error stays 1.131 ULP, in its other branch.
    Callers keep y in range (they clamp it first), so no overflow/underflow/NaN handling here.
    """
    q = fma(y, _LOG2E, _MAGIC) - _MAGIC
    r = fma(q, -_LN2_HI, y)
    r = fma(q, -_LN2_LO, r)
    p = fma(_ER4, r, _ER3)
    p = fma(p, r, _ER2)
    p = fma(p, r, _ER1)
    p = fma(p, r, _EQ0)
    p = fma(p * r, r, r) + _ONE
    k = np.int32(q)
    return bits_f32(np.uint32(np.int32(f32_bits(p)) + (k << np.int32(23))))


_EXP_HI = _F(88.72283935546875)    # from here on e^x rounds to inf (NumPy's threshold)
_EXP_LO = _F(-103.97208404541015625)  # from here down e^x rounds to 0 (NumPy's threshold)
_U_EXP_HI = np.uint32(_EXP_HI.view(np.uint32))  # bits of _EXP_HI
_U_EXP_LO = np.uint32((-_EXP_LO).view(np.uint32))  # bits of -_EXP_LO
_U_EXP_TINY = np.uint32(0x33000000)   # bits of 2^-25: below, e^x rounds to 1
_U_MAG_E, _U_SIGN_E, _U_INF_E = np.uint32(0x7FFFFFFF), np.uint32(0x80000000), np.uint32(0x7F800000)
_I_1 = np.int32(1)
_I_127 = np.int32(127)
_I_23 = np.int32(23)


@njit(**_OPTS)
def exp_vec_f32(x):
    """e^x, float32, < 1 ULP (NumPy's SIMD exp here: 2.54): exp_reduced_f32's polynomial and no
    division (NumPy's algorithm, ported in numba_ops.exp_simd_f32, divides by a rational's
    denominator and scales subnormals with integer min/max: 0.40 ns per element on one core
    against 0.27 here). 2^k as two exact power-of-two factors 2^(k/2) 2^(k - k/2): the first
    product is exact, the second rounds once (a subnormal result: the hardware's underflow flag,
    as NumPy's scalef). NaN, +-inf, and NumPy's overflow (software flag) and zero thresholds."""
    b = f32_bits(x)
    m = b & _U_MAG_E
    neg = b >= _U_SIGN_E
    # a finite result to compute: |x| below the overflow threshold, or negative down to the zero
    # threshold, and not below 2^-25 (e^x rounds to 1 there, and r * p would underflow); tested
    # on the bits (no flag on NaN, no float compare). Elsewhere x is replaced by 0 -- those lanes
    # are computed too and must raise no flag (e^88.7228 overflows, e^-103.97 underflows).
    ok = ((m < _U_EXP_HI) | (neg & (m < _U_EXP_LO))) & (m >= _U_EXP_TINY)
    xc = x if ok else _ZERO
    q = fma(xc, _LOG2E, _MAGIC) - _MAGIC
    r = fma(q, -_LN2_HI, xc)
    r = fma(q, -_LN2_LO, r)
    p = fma(_EQ5, r, _EQ4)
    p = fma(p, r, _EQ3)
    p = fma(p, r, _EQ2)
    p = fma(p, r, _EQ1)
    p = fma(p, r, _EQ0)
    p = fma(p * r, r, r) + _ONE
    k = np.int32(q)
    k1 = k >> _I_1
    s1 = bits_f32(np.uint32((k1 + _I_127) << _I_23))
    s2 = bits_f32(np.uint32((k - k1 + _I_127) << _I_23))
    res = (p * s1) * s2
    out = _ZERO if neg else _F_INF_E        # beyond the thresholds, +-inf
    out = x if m > _U_INF_E else out        # NaN
    return res if (ok | (m < _U_EXP_TINY)) else out


# ---------------------------------------------------------------------------------------------
# tanh

# (tanh(x) - x) / x^3 as a polynomial in s = x^2 on 0 <= x <= 1 (relative error 5.3e-9; fitted
# as above).
_TP = (_F(-0.3333333432674408), _F(0.13333310186862946), _F(-0.053963419049978256),
       _F(0.02182958275079727), _F(-0.00869794376194477), _F(0.0032069426961243153),
       _F(-0.000923601386602968), _F(0.00014282172196544707))
_TP0, _TP1, _TP2, _TP3, _TP4, _TP5, _TP6, _TP7 = _TP
_TANH_SAT = _F(9.5)           # tanh(x) rounds to 1.0f for x >= 9.01
_TANH_TINY = _F(2.0 ** -20)   # below: tanh(x) rounds to x (x^3/3 < 2^-25 x); x^2 would underflow
_U_TANH_SAT = np.uint32(_TANH_SAT.view(np.uint32))
_U_TANH_TINY = np.uint32(_TANH_TINY.view(np.uint32))
_U_ONE_T = np.uint32(0x3F800000)   # bits of 1.0


@njit(**_OPTS)
def tanh_vec_f32(x):
    """tanh, float32: odd polynomial below 1, 1 - 2e/(1+e) with e = exp(-2|x|) above.

    Max error 1.13 ULP (NumPy's SIMD tanh here: 1.37); see ``benchmarks/accuracy.py``.
    """
    b = f32_bits(x)
    m = b & _U_MAG_E
    # |x| clamped at the saturation point; inf and NaN too, so no NaN reaches the arithmetic
    # (the tests are on the bits: integer compares raise no flag, a float compare on NaN would)
    ac = m if m < _U_TANH_SAT else _U_TANH_SAT
    a = bits_f32(np.uint32(ac))
    # below _TANH_TINY tanh(x) rounds to x: the polynomial runs on a clamped up to _TANH_TINY
    # (its square 2^-40 is normal) and its result is replaced by a -- a tiny a itself must not
    # reach the arithmetic, even in lanes whose result is replaced (underflow). A 0/1 factor
    # zeroing the square does not do: LLVM proves a finite here, turns the factor into a select
    # and pushes it past the fma below, computing the tiny lanes anyway.
    at = bits_f32(np.uint32(max(ac, _U_TANH_TINY)))
    s = at * at
    p = fma(_TP7, s, _TP6)
    p = fma(p, s, _TP5)
    p = fma(p, s, _TP4)
    p = fma(p, s, _TP3)
    p = fma(p, s, _TP2)
    p = fma(p, s, _TP1)
    p = fma(p, s, _TP0)
    small = fma(at, s * p, at)
    small = a if m <= _U_TANH_TINY else small
    # the large-|x| form only from 1 on (elsewhere its argument is 0): a tiny a would make
    # exp_reduced_f32's r * p underflow in lanes that never use it
    lt1 = m < _U_ONE_T
    e = exp_reduced_f32(a * (_ZERO if lt1 else _F(-2.0)))
    big = _ONE - (e + e) / (_ONE + e)
    r = small if lt1 else big
    r = bits_f32(np.uint32(f32_bits(r) | (b & _U_SIGN_E)))   # x's sign (r >= 0)
    return x if m > _U_INF_E else r



# ---------------------------------------------------------------------------------------------
# float32 functions evaluated in float64 inside: exp and log families
#
# The float32 argument is widened to float64 (exact; float32 subnormals become normal doubles, so
# no product below underflows), the function is evaluated by range reduction and a polynomial to
# a relative error near 1e-12, and the result is rounded once to float32: correctly rounded
# except where the exact value lies within ~1e-12 of a float32 rounding boundary, so the max
# error is ~0.5 ULP (0.500 measured over all float32 for each). No table; one division (atanh
# only). The exponent scaling 2^k and the exponent/mantissa split use 64-bit integer adds and
# shifts on the bits (no float <-> int64 conversion, which AVX2 lacks). The loops run at half
# the float32 vector width (8 doubles per AVX-512 register). Results NumPy gives as special values (inf, -inf, NaN, -1, the argument itself)
# are selects at the end; the flags NumPy raises for them are software flags
# (``cpu_numba._SW_FLAGS_PORT``, the ``fl_*`` functions below), so the arithmetic raises none:
# out-of-domain arguments are replaced by harmless ones before it.

_D = np.float64
_D_ONE, _D_HALF = _D(1.0), _D(0.5)
_D_MAGIC = _D(6755399441055744.0)                # 0x1.8p52: y + magic rounds y to an integer
_I_MAGIC = np.int64(0x4338000000000000)          # its bits
_D_LOG2E = _D(1.4426950408889634)
_D_LN2_HI, _D_LN2_LO = _D(0.6931471805599453), _D(2.3190468138462996e-17)
_D_LOG10_2 = _D(0.3010299956639812)
_D_LOG10_E = _D(0.4342944819032518)
_I_SQRT_HALF = np.int64(0x3FE6A09E667F3BCD)      # bits of sqrt(0.5) (float64)
_I_1023 = np.int64(1023)
_I_52 = np.int64(52)
#: The NaN an invalid operation gives: x86's default NaN, sign bit set -- what NumPy's array
#: loops (SIMD and the C library) return, and a later signbit/copysign sees the sign
_F_INF, _F_NAN = _F(np.inf), np.uint32(0xFFC00000).view(_F)
_F_M1 = _F(-1.0)

# (e^r - 1 - r) / r^2 on |r| <= 1.01 ln2/2: Chebyshev interpolant from mpmath (abs error 5e-13).
_XQ = tuple(_D(c) for c in (
    0.49999999999951383, 0.16666666666662247, 0.04166666679362806, 0.008333333344872034,
    0.0013888837087667207, 0.00019841222761353435, 2.486920416652337e-05, 2.761877702984587e-06))
_XQ0, _XQ1, _XQ2, _XQ3, _XQ4, _XQ5, _XQ6, _XQ7 = _XQ
# (log1p(f) - f) / f^2 on sqrt(1/2) - 1 <= f <= sqrt(2) - 1: as above (abs error 3.3e-12).
_LQ = tuple(_D(c) for c in (
    -0.49999999999820705, 0.3333333332674602, -0.25000000137028106, 0.20000001919978497,
    -0.1666665070394823, 0.14285548798558848, -0.12500610205369486, 0.11117336334911962,
    -0.09992412115497984, 0.0897747491074773, -0.08298787919108902, 0.08637944223751945,
    -0.08455622952110388, 0.04401409864965619))
(_LQ0, _LQ1, _LQ2, _LQ3, _LQ4, _LQ5, _LQ6, _LQ7, _LQ8, _LQ9, _LQ10, _LQ11, _LQ12,
 _LQ13) = _LQ

_EXPM1_MAX = np.uint32(0x42B17217).view(_F)     # 88.722832: largest x with expm1(x) < inf
_EXPM1_MIN = _F(-30.0)                           # below: expm1(x) rounds to -1


@njit(**_OPTS)
def _expm1_poly_f64(r):
    """e^r - 1 for |r| <= ln2/2 (float64, relative error ~1e-12)."""
    q = fma(_XQ7, r, _XQ6)
    q = fma(q, r, _XQ5)
    q = fma(q, r, _XQ4)
    q = fma(q, r, _XQ3)
    q = fma(q, r, _XQ2)
    q = fma(q, r, _XQ1)
    q = fma(q, r, _XQ0)
    return fma(r * r, q, r)


@njit(**_OPTS)
def _log1p_poly_f64(f):
    """log(1 + f) for sqrt(1/2) - 1 <= f <= sqrt(2) - 1 (float64, relative error ~1e-12)."""
    q = fma(_LQ13, f, _LQ12)
    q = fma(q, f, _LQ11)
    q = fma(q, f, _LQ10)
    q = fma(q, f, _LQ9)
    q = fma(q, f, _LQ8)
    q = fma(q, f, _LQ7)
    q = fma(q, f, _LQ6)
    q = fma(q, f, _LQ5)
    q = fma(q, f, _LQ4)
    q = fma(q, f, _LQ3)
    q = fma(q, f, _LQ2)
    q = fma(q, f, _LQ1)
    q = fma(q, f, _LQ0)
    return fma(f * f, q, f)


@njit(**_OPTS)
def _pow2_f64(k):
    """2^k as a float64 for an int64 -1022 <= k <= 1023 (exponent bits; no conversion)."""
    return bits_f64(np.uint64((k + _I_1023) << _I_52))


@njit(**_OPTS)
def _int_f64(k):
    """float64(k) for an int64 |k| < 2^51 (magic-number bits; no int64 -> float conversion)."""
    return bits_f64(np.uint64(k + _I_MAGIC)) - _D_MAGIC


@njit(**_OPTS)
def _log_split_f64(u):
    """(k, m - 1) with u = m 2^k, sqrt(1/2) <= m < sqrt(2), for a positive normal float64 u."""
    b = np.int64(f64_bits(u))
    k = (b - _I_SQRT_HALF) >> _I_52
    m = bits_f64(np.uint64(b - (k << _I_52)))
    return k, m - _D_ONE


@njit(**_OPTS)
def expm1_vec_f32(x):
    """e^x - 1, float32, evaluated in float64: x = k ln2 + r, 2^k (e^r - 1) + (2^k - 1).

    ~0.5 ULP (correctly rounded nearly everywhere); overflow (inf, flag in software) above
    88.722832, -1 below -17.33, the argument itself for +-0.
    """
    nan = x != x
    xs = _ZERO if nan else x
    xc = xs if xs < _EXPM1_MAX else _EXPM1_MAX
    xc = xc if xc > _EXPM1_MIN else _EXPM1_MIN
    xd = _D(xc)
    y = fma(xd, _D_LOG2E, _D_MAGIC)
    kd = y - _D_MAGIC
    k = np.int64(f64_bits(y)) - _I_MAGIC
    r = fma(kd, -_D_LN2_HI, xd)
    r = fma(kd, -_D_LN2_LO, r)
    s = _pow2_f64(k)
    res = _F(fma(s, _expm1_poly_f64(r), s - _D_ONE))
    res = _F_INF if xs > _EXPM1_MAX else res
    return x if (nan | (x == _ZERO)) else res


@njit(**_OPTS)
def log1p_vec_f32(x):
    """log(1 + x), float32, evaluated in float64: 1 + x = m 2^k, k ln2 + log1p(m - 1).

    ~0.5 ULP. For k = 0 the polynomial gets x itself (1 + x may be inexact). -1 -> -inf
    (divide-by-zero flag in software), x < -1 -> NaN ("invalid" in software), +inf -> +inf.
    """
    nan = x != x
    xs = _ZERO if nan else x
    ok = (xs > _F_M1) & (xs < _F_INF)
    xd = _D(xs if ok else _ZERO)
    u = xd + _D_ONE
    k, f = _log_split_f64(u)
    f = xd if k == 0 else f
    res = _F(fma(_int_f64(k), _D_LN2_HI, _log1p_poly_f64(f)))
    res = _F_NAN if xs < _F_M1 else res
    res = -_F_INF if xs == _F_M1 else res
    return x if (nan | (x == _ZERO) | (x == _F_INF)) else res


@njit(**_OPTS)
def _log_f64_parts(x):
    """(k, log(m)) with x = m 2^k for a float32 x; x <= 0, inf, NaN give (0, 0) (selected later)."""
    xs = _ZERO if x != x else x
    ok = (xs > _ZERO) & (xs < _F_INF)
    k, f = _log_split_f64(_D(xs if ok else _ONE))
    return _int_f64(k), _log1p_poly_f64(f)


@njit(**_OPTS)
def _log_specials_f32(x, res):
    """NumPy's log results for NaN, x < 0 (NaN), +-0 (-inf), +inf (+inf); else ``res``."""
    nan = x != x
    xs = _ZERO if nan else x
    res = _F_NAN if xs < _ZERO else res
    res = -_F_INF if xs == _ZERO else res
    return x if (nan | (x == _F_INF)) else res


@njit(**_OPTS)
def log2_vec_f32(x):
    """log2, float32, evaluated in float64: k + log(m) log2(e). ~0.5 ULP; exact at powers of 2."""
    kd, lm = _log_f64_parts(x)
    return _log_specials_f32(x, _F(fma(lm, _D_LOG2E, kd)))


@njit(**_OPTS)
def log10_vec_f32(x):
    """log10, float32, evaluated in float64: k log10(2) + log(m) log10(e). ~0.5 ULP."""
    kd, lm = _log_f64_parts(x)
    return _log_specials_f32(x, _F(fma(kd, _D_LOG10_2, lm * _D_LOG10_E)))


# software flags (``cpu_numba._SW_FLAGS_PORT``): bit tests on the argument, no float compare

@njit(**_OPTS)
def fl_expm1_over_f32(x):
    """expm1 overflows for finite x > 88.722832."""
    b = f32_bits(x)
    return (b > np.uint32(0x42B17217)) & (b < np.uint32(0x7F800000))


@njit(**_OPTS)
def fl_log1p_m1_f32(x):
    """log1p(-1): divide-by-zero."""
    return f32_bits(x) == np.uint32(0xBF800000)


@njit(**_OPTS)
def fl_log1p_dom_f32(x):
    """log1p(x < -1), -inf included: invalid."""
    b = f32_bits(x)
    return (b > np.uint32(0xBF800000)) & (b <= np.uint32(0xFF800000))


_EXP2_MAX = np.uint32(0x42FFFFFF).view(_F)       # 127.99999: largest x with exp2(x) < inf
_EXP2_MIN = _F(-160.0)                           # below: exp2(x) rounds to +0
_D_MIN_NORMAL_F32 = _D(2.0 ** -126)
_D_2P149 = _D(2.0 ** 149)


@njit(**_OPTS)
def _round_f32(d):
    """float32(d) for a finite d >= 0 below float32's max, raising no underflow: a subnormal
    result is built from its bits (d 2^149 rounded to an integer), as SVML raises underflow
    only below its own threshold (software flag)."""
    normal = d >= _D_MIN_NORMAL_F32
    # d where normal, else 1: arithmetic, not a select (LLVM may turn a select feeding the
    # conversion into a select of conversions, converting a tiny d: underflow)
    nf = _D_ONE if normal else _D(0.0)
    rn = _F(fma(d, nf, _D_ONE - nf))
    y = fma(d, _D_2P149, _D_MAGIC)                  # d 2^149 is exact: one rounding, to even
    rs = bits_f32(np.uint32(np.int64(f64_bits(y)) - _I_MAGIC))
    return rn if normal else rs


@njit(**_OPTS)
def exp2_vec_f32(x):
    """2^x, float32, evaluated in float64: x = k + r, 2^k (1 + expm1(r ln2)). ~0.5 ULP; exact
    at integers; subnormal results correctly rounded; overflow (flag in software) at 128."""
    nan = x != x
    xs = _ZERO if nan else x
    xc = xs if xs < _EXP2_MAX else _EXP2_MAX
    xc = xc if xc > _EXP2_MIN else _EXP2_MIN
    xd = _D(xc)
    y = xd + _D_MAGIC
    k = np.int64(f64_bits(y)) - _I_MAGIC
    r = xd - (y - _D_MAGIC)                         # exact, |r| <= 1/2
    s = _pow2_f64(k)
    res = _round_f32(fma(s, _expm1_poly_f64(r * _D_LN2_HI), s))
    res = _F_INF if xs > _EXP2_MAX else res
    return x if nan else res


# cosh r and sinh r / r - 1 on |r| <= 1.01 ln2/2: Taylor (truncation below 1e-14 relative)
_CH = tuple(_D(1.0 / math.factorial(n)) for n in (2, 4, 6, 8, 10))
_SH = tuple(_D(1.0 / math.factorial(n)) for n in (3, 5, 7, 9, 11))
_CH1, _CH2, _CH3, _CH4, _CH5 = _CH
_SH1, _SH2, _SH3, _SH4, _SH5 = _SH
_HYP_MAX = np.uint32(0x42B2D4FC).view(_F)        # 89.415985: largest |x| with cosh(x) < inf
_I_ONE = np.int64(1)


@njit(**_OPTS)
def _hyp_parts(x):
    """For a float32 x: (k, 2^(k-1) e^r, 2^(-k-1) e^-r, sinh r) with |x| = k ln2 + r (float64),
    |x| clamped to 89.415985 and NaN to 0 (selected later)."""
    xs = _ZERO if x != x else x
    a = abs(xs)
    a = a if a < _HYP_MAX else _HYP_MAX
    ad = _D(a)
    y = fma(ad, _D_LOG2E, _D_MAGIC)
    kd = y - _D_MAGIC
    k = np.int64(f64_bits(y)) - _I_MAGIC
    r = fma(kd, -_D_LN2_HI, ad)
    r = fma(kd, -_D_LN2_LO, r)
    s = r * r
    c = fma(_CH5, s, _CH4)
    c = fma(c, s, _CH3)
    c = fma(c, s, _CH2)
    c = fma(c, s, _CH1)
    c = fma(c, s, _D_ONE)                           # cosh r
    p = fma(_SH5, s, _SH4)
    p = fma(p, s, _SH3)
    p = fma(p, s, _SH2)
    p = fma(p, s, _SH1)
    sh = fma(r * s, p, r)                           # sinh r
    return k, _pow2_f64(k - _I_ONE) * (c + sh), _pow2_f64(-k - _I_ONE) * (c - sh), sh


@njit(**_OPTS)
def sinh_vec_f32(x):
    """sinh, float32, evaluated in float64: (2^k e^r - 2^-k e^-r) / 2, sinh r itself for k = 0.
    ~0.5 ULP; +-inf (overflow flag in software) beyond 89.415985."""
    nan = x != x
    xs = _ZERO if nan else x
    k, ep, em, sh = _hyp_parts(x)
    res = _F(sh if k == 0 else ep - em)
    res = _F_INF if abs(xs) > _HYP_MAX else res
    res = math.copysign(res, x)
    return x if nan else res


@njit(**_OPTS)
def cosh_vec_f32(x):
    """cosh, float32, evaluated in float64: (2^k e^r + 2^-k e^-r) / 2. ~0.5 ULP; +inf (overflow
    flag in software) beyond 89.415985."""
    nan = x != x
    xs = _ZERO if nan else x
    k, ep, em, sh = _hyp_parts(x)
    res = _F(ep + em)
    res = _F_INF if abs(xs) > _HYP_MAX else res
    return x if nan else res


@njit(**_OPTS)
def atanh_vec_f32(x):
    """atanh, float32, evaluated in float64: log((1 + a) / (1 - a)) / 2 for a = |x| (one
    division), the log as in ``log1p_vec_f32``. ~0.5 ULP; +-1 -> +-inf (divide-by-zero flag in
    software), |x| > 1 -> NaN ("invalid" in software)."""
    nan = x != x
    xs = _ZERO if nan else x
    a = abs(xs)
    ok = a < _ONE
    ad = _D(a if ok else _ZERO)
    f0 = (ad + ad) / (_D_ONE - ad)                  # (1 + a) / (1 - a) - 1
    k, f = _log_split_f64(f0 + _D_ONE)
    f = f0 if k == 0 else f
    res = _F(_D_HALF * fma(_int_f64(k), _D_LN2_HI, _log1p_poly_f64(f)))
    res = _F_INF if a == _ONE else res
    res = math.copysign(res, x)
    res = _F_NAN if a > _ONE else res               # after the sign: NumPy's NaN, whatever x's
    return x if nan else res


# ---------------------------------------------------------------------------------------------
# inverse trigonometric functions, float32, evaluated in float64 inside (as above: ~0.5 ULP)

# (atan(t) - t) / t^3 as a polynomial in s = t^2 on 0 <= t <= tan(pi/8): least squares on
# Chebyshev nodes against mpmath (relative error ~4e-15)
_AQ = tuple(_D(c) for c in (-0.333333333333333, 0.20000000000000534, -0.14285714285807988, 0.11111111117077178, -0.09090909267291583, 0.07692309671849226, -0.06666643391734547, 0.058812616739691646, -0.05246569847364743, 0.04621067608313864, -0.03626891992863634, 0.01808304974036985))
(_AQ0, _AQ1, _AQ2, _AQ3, _AQ4, _AQ5, _AQ6, _AQ7, _AQ8, _AQ9, _AQ10, _AQ11) = _AQ
_D_PI_4 = _D(0.7853981633974483)
_D_PI_2 = _D(1.5707963267948966)
_D_TAN_PI_8 = _D(0.41421356237309503)
_D_TAN_3PI_8 = _D(2.414213562373095)


@njit(**_OPTS)
def _atan_poly_f64(t):
    """atan(t) for |t| <= tan(pi/8) (float64, relative error ~1e-14)."""
    s = t * t
    q = fma(_AQ11, s, _AQ10)
    q = fma(q, s, _AQ9)
    q = fma(q, s, _AQ8)
    q = fma(q, s, _AQ7)
    q = fma(q, s, _AQ6)
    q = fma(q, s, _AQ5)
    q = fma(q, s, _AQ4)
    q = fma(q, s, _AQ3)
    q = fma(q, s, _AQ2)
    q = fma(q, s, _AQ1)
    q = fma(q, s, _AQ0)
    return fma(t * s, q, t)


@njit(**_OPTS)
def atan_vec_f32(x):
    """arctan, float32, evaluated in float64: a = |x| reduced to |t| <= tan(pi/8) by one
    division (t = a, (a - 1) / (a + 1) + pi/4, or -1/a + pi/2). ~0.5 ULP; +-inf -> +-pi/2."""
    nan = x != x
    xs = _ZERO if nan else x
    ad = _D(abs(xs))
    mid = ad > _D_TAN_PI_8
    big = ad > _D_TAN_3PI_8
    num = ad - _D_ONE if mid else ad
    num = -_D_ONE if big else num
    den = ad + _D_ONE if mid else _D_ONE
    den = ad if big else den
    base = _D_PI_4 if mid else _D(0.0)
    base = _D_PI_2 if big else base
    res = _F(base + _atan_poly_f64(num / den))
    res = math.copysign(res, x)
    return x if nan else res


# (asin(t) - t) / t^3 as a polynomial in s = t^2 on 0 <= t <= 1/2 (fitted as _AQ; ~2e-14)
_SQ = tuple(_D(c) for c in (0.1666666666666696, 0.07499999999722223, 0.04464285758434296, 0.030381917180083495, 0.022373018507346208, 0.017337058638768735, 0.014142232295190514, 0.010281962932329861, 0.015472670581813099, -0.00687658791602416, 0.027917099289346357))
(_SQ0, _SQ1, _SQ2, _SQ3, _SQ4, _SQ5, _SQ6, _SQ7, _SQ8, _SQ9, _SQ10) = _SQ
_D_PI = _D(3.141592653589793)
_D_LN2 = _D(0.6931471805599453)   # (the module's _D_LN2_HI is rebound below, for tanh_vec_f64)


@njit(**_OPTS)
def _asin_poly_f64(t):
    """asin(t) for |t| <= 1/2 (float64, relative error ~1e-14)."""
    s = t * t
    q = fma(_SQ10, s, _SQ9)
    q = fma(q, s, _SQ8)
    q = fma(q, s, _SQ7)
    q = fma(q, s, _SQ6)
    q = fma(q, s, _SQ5)
    q = fma(q, s, _SQ4)
    q = fma(q, s, _SQ3)
    q = fma(q, s, _SQ2)
    q = fma(q, s, _SQ1)
    q = fma(q, s, _SQ0)
    return fma(t * s, q, t)


@njit(**_OPTS)
def asin_vec_f32(x):
    """arcsin, float32, evaluated in float64: the polynomial for |x| <= 1/2, else
    pi/2 - 2 asin(sqrt((1 - |x|) / 2)). ~0.5 ULP; |x| > 1 -> NaN ("invalid" in software)."""
    nan = x != x
    xs = _ZERO if nan else x
    a = abs(xs)
    ad = _D(a if a <= _ONE else _ZERO)
    small = ad <= _D_HALF
    t = ad if small else math.sqrt((_D_ONE - ad) * _D_HALF)
    p = _asin_poly_f64(t)
    res = _F(p if small else _D_PI_2 - (p + p))
    res = math.copysign(res, x)
    res = _F_NAN if a > _ONE else res               # after the sign: NumPy's NaN, whatever x's
    return x if nan else res


@njit(**_OPTS)
def acos_vec_f32(x):
    """arccos, float32, evaluated in float64: pi/2 - asin(x) for |x| <= 1/2, else
    2 asin(sqrt((1 - x) / 2)) or pi - 2 asin(sqrt((1 + x) / 2)). ~0.5 ULP; |x| > 1 -> NaN
    ("invalid" in software)."""
    nan = x != x
    xs = _ZERO if nan else x
    a = abs(xs)
    xd = _D(xs if a <= _ONE else _ZERO)
    ad = abs(xd)
    small = ad <= _D_HALF
    t = xd if small else math.sqrt((_D_ONE - ad) * _D_HALF)
    p = _asin_poly_f64(t)
    r = p + p
    r = _D_PI - r if xd < _D(0.0) else r
    res = _F(_D_PI_2 - p if small else r)
    res = _F_NAN if a > _ONE else res
    return x if nan else res


@njit(**_OPTS)
def _log1p_f64(f0):
    """log(1 + f0) for a float64 f0 >= 0 below 2^1000, as in ``log1p_vec_f32``."""
    k, f = _log_split_f64(f0 + _D_ONE)
    f = f0 if k == 0 else f
    return fma(_int_f64(k), _D_LN2, _log1p_poly_f64(f))


@njit(**_OPTS)
def asinh_vec_f32(x):
    """arcsinh, float32, evaluated in float64: log1p(a + a^2 / (1 + sqrt(1 + a^2))) for
    a = |x| (no cancellation). ~0.5 ULP; +-inf -> +-inf."""
    nan = x != x
    xs = _ZERO if nan else x
    a = abs(xs)
    ad = _D(a if a < _F_INF else _ZERO)
    s = ad * ad
    f0 = ad + s / (_D_ONE + math.sqrt(_D_ONE + s))
    res = _F(_log1p_f64(f0))
    res = _F_INF if a == _F_INF else res
    res = math.copysign(res, x)
    return x if nan else res


@njit(**_OPTS)
def acosh_vec_f32(x):
    """arccosh, float32, evaluated in float64: log1p((x - 1) + sqrt((x - 1)(x + 1))) (x - 1
    exact). ~0.5 ULP; x < 1 -> NaN ("invalid" in software), +inf -> +inf."""
    nan = x != x
    xs = _ZERO if nan else x
    ok = (xs >= _ONE) & (xs < _F_INF)
    xd = _D(xs if ok else _ONE)
    m1 = xd - _D_ONE
    res = _F(_log1p_f64(m1 + math.sqrt(m1 * (xd + _D_ONE))))
    res = _F_NAN if xs < _ONE else res
    return x if (nan | (x == _F_INF)) else res


@njit(**_OPTS)
def fl_acosh_dom_f32(x):
    """acosh(x < 1), -0.0 and -inf included: invalid."""
    b = f32_bits(x)
    return (b < np.uint32(0x3F800000)) | ((b >= np.uint32(0x80000000)) & (b <= np.uint32(0xFF800000)))


@njit(**_OPTS)
def fl_exp2_over_f32(x):
    """exp2 overflows for finite x >= 128."""
    b = f32_bits(x)
    return (b > np.uint32(0x42FFFFFF)) & (b < np.uint32(0x7F800000))


@njit(**_OPTS)
def fl_exp2_under_f32(x):
    """NumPy's (SVML's) exp2 raises underflow for finite x <= -127.661674 (not above, although
    results below 2^-126 are subnormal there)."""
    b = f32_bits(x)
    return (b >= np.uint32(0xC2FF52C7)) & (b < np.uint32(0xFF800000))


@njit(**_OPTS)
def fl_hyp_over_f32(x):
    """sinh and cosh overflow for finite |x| > 89.415985."""
    m = f32_bits(x) & np.uint32(0x7FFFFFFF)
    return (m > np.uint32(0x42B2D4FC)) & (m < np.uint32(0x7F800000))


@njit(**_OPTS)
def fl_atanh_one_f32(x):
    """atanh(+-1): divide-by-zero."""
    return (f32_bits(x) & np.uint32(0x7FFFFFFF)) == np.uint32(0x3F800000)


@njit(**_OPTS)
def fl_atanh_dom_f32(x):
    """atanh(|x| > 1), infinities included: invalid."""
    m = f32_bits(x) & np.uint32(0x7FFFFFFF)
    return (m > np.uint32(0x3F800000)) & (m <= np.uint32(0x7F800000))


# ---------------------------------------------------------------------------------------------
# float32 tan

# pi/2 in three float64 pieces, the first two of 33 significant bits: k * piece is exact for
# |k| < 2^20, so x - k pi/2 keeps ~100 bits of pi/2 (mpmath)
_D_PIO2_A = _D(1.5707963267341256)
_D_PIO2_B = _D(6.077100506303966e-11)
_D_PIO2_C = _D(2.0222662487959506e-21)
_D_TWO_OVER_PI = _D(0.6366197723675814)
# sin r and cos r on |r| <= pi/4: Taylor (truncation below 2e-16 relative)
_TS = tuple(_D((-1) ** n / math.factorial(2 * n + 1)) for n in range(1, 8))
_TC = tuple(_D((-1) ** n / math.factorial(2 * n)) for n in range(1, 9))
_TS1, _TS2, _TS3, _TS4, _TS5, _TS6, _TS7 = _TS
_TC1, _TC2, _TC3, _TC4, _TC5, _TC6, _TC7, _TC8 = _TC
_U_TAN_BIG = np.uint32(0x49800000)               # |x| >= 2^20: beyond the reduction above (k >= 2^20)
_U_TAN_TINY = np.uint32(0x39800000)              # |x| < 2^-12: tan(x) rounds to x
_I_ONE_TAN = np.int64(1)


@njit(**_OPTS)
def tan_big_f32(x):
    """Whether tan needs the float64 tan for ``x`` (tan_vec_f32): |x| >= 2^20, inf, NaN."""
    return (f32_bits(x) & np.uint32(0x7FFFFFFF)) >= _U_TAN_BIG


_SIN, _COS, _TAN = 0, 1, 2


def _trig_fast_f32(kind: int):
    """float32 sin (kind 0), cos (1) or tan (2) for |x| < 2^20 (other lanes: a meaningless value;
    the ``*_vec_f32`` wrappers in numba_vecmath64 send those to float64), in float64: x = k pi/2
    + r (three-piece Cody-Waite), sin r and cos r from Taylor polynomials, then the quadrant's
    choice (cos: k + 1), or tan's sin r / cos r (-cos r / sin r for an odd k); one rounding,
    ~0.5 ULP. ``kind`` is a constant of each compiled function (LLVM drops the other ends)."""
    @njit(**_OPTS)
    def fast(x):
        m = f32_bits(x) & np.uint32(0x7FFFFFFF)
        tiny = m < _U_TAN_TINY
        xg = _ONE if (tiny | (m >= _U_TAN_BIG)) else x   # tiny: no subnormal power, no flag
        xd = _D(xg)
        y = fma(xd, _D_TWO_OVER_PI, _D_MAGIC)
        kd = y - _D_MAGIC
        k = np.int64(f64_bits(y)) - _I_MAGIC
        r = fma(kd, -_D_PIO2_A, xd)
        r = fma(kd, -_D_PIO2_B, r)
        r = fma(kd, -_D_PIO2_C, r)
        r2 = r * r
        sp = fma(_TS7, r2, _TS6)
        sp = fma(sp, r2, _TS5)
        sp = fma(sp, r2, _TS4)
        sp = fma(sp, r2, _TS3)
        sp = fma(sp, r2, _TS2)
        sp = fma(sp, r2, _TS1)
        sn = fma(r * r2, sp, r)
        cp = fma(_TC8, r2, _TC7)
        cp = fma(cp, r2, _TC6)
        cp = fma(cp, r2, _TC5)
        cp = fma(cp, r2, _TC4)
        cp = fma(cp, r2, _TC3)
        cp = fma(cp, r2, _TC2)
        cp = fma(cp, r2, _TC1)
        cs = fma(r2, cp, _D_ONE)
        if kind == _TAN:
            odd = (k & _I_ONE_TAN) == _I_ONE_TAN
            num = -cs if odd else sn
            den = sn if odd else cs
            res = _F(num / den)
        else:
            q = k + np.int64(kind)
            d = cs if (q & _I_ONE_TAN) == _I_ONE_TAN else sn
            res = _F(-d if (q & np.int64(2)) != np.int64(0) else d)
        small = _ONE if kind == _COS else x
        return small if tiny else res

    return fast


tan_fast_f32 = _trig_fast_f32(_TAN)
sin_fast_f32_own = _trig_fast_f32(_SIN)
cos_fast_f32_own = _trig_fast_f32(_COS)


@njit(**_OPTS)
def fl_trig_under_f32(x):
    """float32 sin/cos of a nonzero |x| < 2^-61: underflow, a superset of what NumPy's flags can
    be (its SIMD polynomial here underflows below 2.66e-19, the C library for subnormals)."""
    m = f32_bits(x) & np.uint32(0x7FFFFFFF)
    return (m != np.uint32(0)) & (m < np.uint32(0x21000000))


# ---------------------------------------------------------------------------------------------
# float32 hypot

@njit(**_OPTS)
def hypot_vec_f32(x, y):
    """hypot, float32: sqrt(x^2 + y^2) in float64 (both squares exact, one rounding each for the
    sum and the root), rounded once -- the C library's hypotf, bit for bit and flag for flag
    (overflow and underflow come from the final conversion, as there), without its call: the
    loop vectorizes. +inf when either argument is infinite, NaN or not."""
    xd = _D(x)
    yd = _D(y)
    res = _F(math.sqrt(xd * xd + yd * yd))
    inf = ((f32_bits(x) & np.uint32(0x7FFFFFFF)) == np.uint32(0x7F800000)) | (
        (f32_bits(y) & np.uint32(0x7FFFFFFF)) == np.uint32(0x7F800000))
    return _F_INF if inf else res


# ---------------------------------------------------------------------------------------------
# float32 pow (x ** y): two arguments, C99's special cases as selects
#
# Split in three for the code generator (cpu_numba.INLINE_TEMPLATES): LLVM inlines a helper into
# the loop only below a size threshold (measured: a call left in the loop, 11-22 ns per element,
# vs 2.1 vectorized), and a call left there stops the loop vectorizing -- log2, exp2 and the
# special cases are each small enough, one function holding two of them is not. Found with LLVM's remarks (llvmlite: --pass-remarks-missed=loop-vectorize),
# as were two patterns to avoid here: a helper returning a tuple or an int64 code, and testing the
# same bits for == 0 and for != 0 & < inf (InstCombine fuses them into usub.with.overflow, which
# does not vectorize): zero is tested as a float compare (quiet: no flag on NaN).

_U_SIGN, _U_MAG, _U_INF32 = np.uint32(0x80000000), np.uint32(0x7FFFFFFF), np.uint32(0x7F800000)
_U_ONE32 = np.uint32(0x3F800000)
_U_2P23 = np.uint32(0x4B000000)                  # |y| >= 2^23: every float32 is an integer
_U_2P24 = np.uint32(0x4B800000)                  # |y| >= 2^24: every float32 is an even integer
_U_MIN_NORMAL32 = np.uint32(0x00800000)
_U_MANT = np.uint32(0x007FFFFF)
_U_ONE_BIT = np.uint32(1)
_F_2P23 = _F(8388608.0)                          # |y| + 2^23 rounds |y| < 2^23 to an integer
_F_HALF, _F_THREE = _F(0.5), _F(3.0)
# y log2|x| from here on rounds to inf (2^t >= FLT_MAX + half an ULP): overflow; t is clamped
# just below it, so the float32 conversion itself never overflows (no hardware flag on lanes
# whose result is replaced: a negative base with a non-integer exponent)
_D_POW_OVER = _D(128.0 + math.log2(1.0 - 2.0 ** -25))
_D_POW_HI = _D_POW_OVER - _D(1e-9)
_D_POW_LO = _D(-200.0)                           # below: the result rounds to 0


@njit(**_OPTS)
def pow_y_kind_f32(y):
    """For a float32 y: 1.0 if y is an even integer, 3.0 if an odd one, 0.0 otherwise (NaN and
    inf included). float32 arithmetic and bit tests only; a float result (an int or tuple result
    stops LLVM vectorizing the caller's loop)."""
    my = f32_bits(y) & _U_MAG
    small = my < _U_2P23
    ya = abs(y)
    ya = ya if small else _ZERO
    z = ya + _F_2P23
    is_int = ((z - _F_2P23) == ya) & (my < _U_INF32)
    # parity from ya / 2, for |y| >= 1 only (a subnormal y halved would underflow); a 0/1
    # factor, not a select, which LLVM may turn into a select of products
    h = ya * (_ONE if my >= _U_ONE32 else _ZERO) * _F_HALF
    hz = h + _F_2P23
    odd = is_int & ((hz - _F_2P23) != h)
    big_odd = (my >= _U_2P23) & (my < _U_2P24) & ((f32_bits(y) & _U_ONE_BIT) != np.uint32(0))
    k = _ONE if is_int else _ZERO
    return _F_THREE if (odd | big_odd) else k


@njit(**_OPTS)
def pow_t_f64(x, y):
    """y log2|x| in float64 for a finite y (others: y = 0); log2|x| to ~1e-12 relative. x = 0,
    inf or NaN give 0 (``_log_f64_parts``), replaced later by pow_fix_f32, without a flag."""
    xa = abs(x)
    my = f32_bits(y) & _U_MAG
    ys = y if (my < _U_INF32) else _ZERO
    kd, lm = _log_f64_parts(xa)
    return _D(ys) * fma(lm, _D_LOG2E, kd)


@njit(**_OPTS)
def pow_exp2_t_f32(t):
    """2^t rounded once to float32 (t from pow_t_f64: within ~1e-10 of exact, so the correctly
    rounded result nearly always); inf from the overflow threshold on (software flag:
    fl_pow_over_f32), subnormal results built without a hardware underflow flag."""
    over = t >= _D_POW_OVER
    t = t if t < _D_POW_HI else _D_POW_HI
    t = t if t > _D_POW_LO else _D_POW_LO
    z = t + _D_MAGIC
    k = np.int64(f64_bits(z)) - _I_MAGIC
    r = t - (z - _D_MAGIC)                         # exact, |r| <= 1/2
    s = _pow2_f64(k)
    mag = _round_f32(fma(s, _expm1_poly_f64(r * _D_LN2_HI), s))
    return _F_INF if over else mag


@njit(**_OPTS)
def pow_fix_f32(x, y, mag, k):
    """x ** y from ``mag`` = |x| ** y (pow_exp2_t_f32 of pow_t_f64) and ``k`` = pow_y_kind_f32(y)
    (an argument: inside, it made this function too large to be inlined): the sign of an odd power of a negative x, and
    every C99 special case as a select -- NaN for a negative finite x and a finite non-integer y;
    +-0 and +-inf bases; y = +-inf (1 for x = -1); NaN operands; 1 for x = 1 or y = +-0."""
    bx = f32_bits(x)
    by = f32_bits(y)
    mx = bx & _U_MAG
    my = by & _U_MAG
    xneg = bx >= _U_SIGN
    yneg = by >= _U_SIGN
    odd = k == _F_THREE
    neg_odd = xneg & odd
    res = -mag if neg_odd else mag
    res = _F_NAN if (xneg & (mx != np.uint32(0)) & (mx < _U_INF32) & (my < _U_INF32) & (k == _ZERO)) else res
    # x = +-0: y < 0 gives +inf, y > 0 gives +0; x's sign for an odd y
    zres = _F_INF if yneg else _ZERO
    zres = bits_f32(np.uint32(f32_bits(zres) | (bx & _U_SIGN))) if odd else zres
    res = zres if (x == _ZERO) else res
    # x = +-inf: y < 0 gives +0, y > 0 gives +inf; negative for x = -inf and an odd y
    ires = _ZERO if yneg else _F_INF
    ires = -ires if neg_odd else ires
    res = ires if (mx == _U_INF32) else res
    # y = +-inf, x not NaN: |x| = 1 gives 1; |x| < 1 with y = +inf, |x| > 1 with y = -inf give +0
    yres = _ZERO if ((mx < _U_ONE32) != yneg) else _F_INF
    yres = _ONE if mx == _U_ONE32 else yres
    res = yres if ((my == _U_INF32) & (mx <= _U_INF32)) else res
    res = y if (my > _U_INF32) else res
    res = x if (mx > _U_INF32) else res
    return _ONE if ((bx == _U_ONE32) | (my == np.uint32(0))) else res


@njit(**_OPTS)
def pow_vec_f32(x, y):
    """x ** y, float32, ~0.5 ULP (NumPy's SVML power here: 1.2 ULP). Generated kernels call the
    three pieces directly (cpu_numba.INLINE_TEMPLATES), see above."""
    return pow_fix_f32(x, y, pow_exp2_t_f32(pow_t_f64(x, y)), pow_y_kind_f32(y))


@njit(**_OPTS)
def fl_pow_invalid_f32(x, y):
    """pow: negative finite nonzero x, finite non-integer y: invalid."""
    mx = f32_bits(x) & _U_MAG
    my = f32_bits(y) & _U_MAG
    return ((f32_bits(x) >= _U_SIGN) & (mx != np.uint32(0)) & (mx < _U_INF32) & (my < _U_INF32)
            & (pow_y_kind_f32(y) == _ZERO))


@njit(**_OPTS)
def fl_pow_divide_f32(x, y):
    """pow(+-0, finite y < 0): divide-by-zero (the C library's rule: y = -inf raises none)."""
    my = f32_bits(y) & _U_MAG
    return (x == _ZERO) & (f32_bits(y) >= _U_SIGN) & (my != np.uint32(0)) & (my < _U_INF32)


@njit(**_OPTS)
def fl_pow_over_f32(x, y, r):
    """pow of a finite nonzero x and a finite y whose result ``r`` is infinite: overflow."""
    mx = f32_bits(x) & _U_MAG
    return (((f32_bits(r) & _U_MAG) == _U_INF32) & (mx != np.uint32(0)) & (mx < _U_INF32)
            & ((f32_bits(y) & _U_MAG) < _U_INF32))


@njit(**_OPTS)
def fl_pow_under_f32(x, y, r):
    """pow of a finite nonzero x and a finite y whose result ``r`` is below 2^-126 and inexact:
    underflow. An exact tiny result (x a power of two, y an integer) raises none, as in the C
    library; NumPy's SVML power (AVX512_SKX builds) raises it there too: the tests allow either."""
    mx = f32_bits(x) & _U_MAG
    exact = ((mx & _U_MANT) == np.uint32(0)) & (mx >= _U_MIN_NORMAL32) & (pow_y_kind_f32(y) != _ZERO)
    return (((f32_bits(r) & _U_MAG) < _U_MIN_NORMAL32) & (mx != np.uint32(0)) & (mx < _U_INF32)
            & ((f32_bits(y) & _U_MAG) < _U_INF32) & (exact == False))  # noqa: E712


# ---------------------------------------------------------------------------------------------
# float32 atan2: two arguments, evaluated in float64 (C99's special cases from the same formulas)

_D_PI_LO = _D(1.2246467991473532e-16)            # pi - _D_PI
_D_PI_2_LO = _D(6.123233995736766e-17)           # pi/2 - _D_PI_2
_D_CLAMP_HI = _D(1e200)                          # inf -> 1e200: inf/inf becomes 1, x/inf -> tiny
_D_CLAMP_LO = _D(1e-200)                         # 0 -> 1e-200: 0/0 becomes 0
_D_INF = _D(np.inf)
_D_ZERO_ = _D(0.0)


@njit(**_OPTS)
def atan2_vec_f32(y, x):
    """arctan2(y, x), float32, evaluated in float64. t = min(|x|,|y|) / max(|x|,|y|) in [0, 1]
    (one division: float32 ratios stay inside float64's normal range), atan(t) reduced to
    |t| <= tan(pi/8) as in atan_vec_f32, then the octant: pi/2 - a where |y| > |x|, pi - a where
    x is negative (-0.0 included), y's sign. ~0.5 ULP. C99's special cases come out of the same
    formulas: +-0/+-0 as t = 0, inf/inf as t = 1, a finite over an infinity as t = 0 (a 0/1
    factor: no select feeding arithmetic, see pow); NaN in -> that NaN out."""
    ynan = y != y
    xnan = x != x
    ys = _ZERO if ynan else y
    xs = _ZERO if xnan else x
    ay = _D(abs(ys))
    ax = _D(abs(xs))
    swap = ay > ax
    num = ax if swap else ay
    den = ay if swap else ax
    numc = num if num < _D_CLAMP_HI else _D_CLAMP_HI
    denc = den if den < _D_CLAMP_HI else _D_CLAMP_HI
    denc = denc if denc > _D_CLAMP_LO else _D_CLAMP_LO
    keep = _D_ZERO_ if ((den == _D_INF) & (num < _D_INF)) else _D_ONE
    t = numc / denc * keep
    mid = t > _D_TAN_PI_8
    u = (t - _D_ONE) / (t + _D_ONE) if mid else t
    a = (_D_PI_4 if mid else _D_ZERO_) + _atan_poly_f64(u)
    a = ((_D_PI_2 - a) + _D_PI_2_LO) if swap else a
    a = ((_D_PI - a) + _D_PI_LO) if (f32_bits(xs) >= _U_SIGN) else a
    res = math.copysign(_F(a), ys)
    res = y if ynan else res
    return x if xnan else res


@njit(**_OPTS)
def fl_atan2_under_f32(y, x, r):
    """arctan2 of a finite nonzero y whose result ``r`` is below 2^-126 (a finite x): underflow
    -- raised by NumPy (SVML here) even where the tiny result is exact, so in software."""
    my = f32_bits(y) & _U_MAG
    return (((f32_bits(r) & _U_MAG) < _U_MIN_NORMAL32) & (my != np.uint32(0)) & (my < _U_INF32)
            & ((f32_bits(x) & _U_MAG) < _U_INF32))


# ---------------------------------------------------------------------------------------------
# float32 logaddexp: log(e^x + e^y) = max + log1p(e^-|x - y|), in float64 to ~3e-16, so the
# float32 result is correctly rounded even where max and the log1p term nearly cancel

# 1/(2n+1) for n = 1..10: log1p(f) = 2 atanh(s), s = f / (2 + f), |s| <= 0.1716 (below 1e-17)
_AT = tuple(_D(1.0 / (2 * n + 1)) for n in range(1, 11))
(_AT1, _AT2, _AT3, _AT4, _AT5, _AT6, _AT7, _AT8, _AT9, _AT10) = _AT
_D_LN2_A = _D(0.6931471805599453)                # ln 2 = _D_LN2_A + _D_LN2_B
_D_LN2_B = _D(2.3190468138462996e-17)
_D_SQRT2_M1 = _D(0.41421356237309503)
_D_LAE_MIN = _D(-200.0)                          # e^-200: below float32's resolution of anything
_D_TWO = _D(2.0)
# float32(t) >= 87.33655 (0x42AEAC50, from where NumPy's expf(-t) underflows) for a float64 t
# from this midpoint on (a tie rounds to that even float32)
_D_LAE_UNDER = _D((np.uint32(0x42AEAC4F).view(_F).item() + np.uint32(0x42AEAC50).view(_F).item()) / 2)
_D_POW_OVF32 = _D(2.0 ** 128 - 2.0 ** 103)       # float32(t) overflows from here on (ties to even)


@njit(**_OPTS)
def exp_neg_f64(d):
    """e^d for -200 <= d <= 0 (float64, ~0.6 ULP): exp_vec_f64's reduction and expm1 tail
    (``_exp64_reduce``, ``_expm1_tail_f64``); 2^k is normal here, so one FMA scales."""
    q, r, c = _exp64_reduce(d)
    p = _expm1_tail_f64(r, c)
    s = _pow2_f64(np.int64(f64_bits(q + _D_MAGIC)) - _I_MAGIC)
    return fma(s, r + p, s)


@njit(**_OPTS)
def log1p_01_f64(e):
    """log(1 + e) for 0 <= e <= 1 (float64, relative error ~3e-16): 1 + e = 2^k (1 + f) with
    sqrt(1/2) - 1 <= f <= sqrt(2) - 1, then 2 atanh(f / (2 + f)) as a series."""
    big = e > _D_SQRT2_M1
    f = (e - _D_ONE) * _D_HALF if big else e
    s = f / (_D_TWO + f)
    s2 = s * s
    q = fma(_AT10, s2, _AT9)
    q = fma(q, s2, _AT8)
    q = fma(q, s2, _AT7)
    q = fma(q, s2, _AT6)
    q = fma(q, s2, _AT5)
    q = fma(q, s2, _AT4)
    q = fma(q, s2, _AT3)
    q = fma(q, s2, _AT2)
    q = fma(q, s2, _AT1)
    s2x = s + s
    lf = fma(s2x * s2, q, s2x)
    kb = _D_ONE if big else _D_ZERO_
    return fma(kb, _D_LN2_A, fma(kb, _D_LN2_B, lf))


@njit(**_OPTS)
def lae_d_f64(x, y):
    """min(x, y) - max(x, y) in float64, clamped to [-200, 0]; 0 wherever lae_fix_f32 selects
    its result instead (a NaN, an infinity): those lanes are computed too, and must raise no
    flag (an underflowing conversion)."""
    xs = _ZERO if x != x else x
    ys = _ZERO if y != y else y
    hi = xs if xs > ys else ys
    lo = ys if xs > ys else xs
    ok = (abs(hi) < _F_INF) & (abs(lo) < _F_INF) & (x == x) & (y == y)
    d = (_D(lo) - _D(hi)) if ok else _D_ZERO_
    d = d if d > _D_LAE_MIN else _D_LAE_MIN
    return d if d < _D_ZERO_ else _D_ZERO_


@njit(**_OPTS)
def lae_fix_f32(x, y, l):
    """logaddexp from ``l`` = log1p(e^d) (d from lae_d_f64): max(x, y) + l rounded once, and
    the special cases as selects: +inf wins, -inf gives the other argument (both -inf: -inf),
    NaN in -> that NaN (x's first, as NumPy's x - y)."""
    xs = _ZERO if x != x else x
    ys = _ZERO if y != y else y
    hi = xs if xs > ys else ys
    lo = ys if xs > ys else xs
    hfin = abs(hi) < _F_INF
    res = _F(_D(hi if hfin else _ZERO) + l)
    res = (hi + _ZERO) if ((lo == -_F_INF) | (hfin == False)) else res  # noqa: E712 (-0 + 0 = +0, as NumPy's)
    res = y if y != y else res
    return x if x != x else res


@njit(**_OPTS)
def logaddexp_vec_f32(x, y):
    """log(e^x + e^y), float32, evaluated in float64: max + log1p(e^(min - max)). ~0.5 ULP
    (NumPy's: float32 arithmetic, x + log1pf(expf(-(x - y))), with an exact 0 where the two
    terms cancel). NumPy's flags (invalid for a NaN, overflow where its float32 x - y overflows,
    underflow where its expf(-|x - y|) does) are software flags; the arithmetic here raises only
    the final conversion's underflow, where NumPy's result underflows too. Generated kernels
    call the four pieces (cpu_numba.INLINE_TEMPLATES; whole, LLVM leaves it a call)."""
    return lae_fix_f32(x, y, log1p_01_f64(exp_neg_f64(lae_d_f64(x, y))))


_D_LN2_E = _D(0.6931471805599453)
_D_LOG2E_E = _D(1.4426950408889634)
# float32(t) > 126 (from where NumPy's exp2f(-t) underflows) for a float64 t beyond this
# midpoint (a tie rounds to 126.0, even)
_D_LAE2_UNDER = _D((126.0 + np.nextafter(np.float32(126.0), np.float32(200.0)).item()) / 2)


@njit(**_OPTS)
def lae2_fix_f32(x, y, l):
    """logaddexp2 from ``l`` = log1p(2^d) in natural-log units (d from lae_d_f64, scaled by
    ln 2): max + l log2(e), with log2(2) = 1 exactly for x = y (the one case where the result is
    exact and a cancellation, -1 and -1 giving 0, would otherwise leave a 1e-16 residue); the
    special cases as logaddexp's."""
    return lae_fix_f32(x, y, _D_ONE if x == y else l * _D_LOG2E_E)


@njit(**_OPTS)
def lae2_d_f64(x, y):
    """(min(x, y) - max(x, y)) ln 2, as lae_d_f64 (the exponent of e for 2^d)."""
    return lae_d_f64(x, y) * _D_LN2_E


@njit(**_OPTS)
def logaddexp2_vec_f32(x, y):
    """log2(2^x + 2^y), float32, evaluated in float64 as logaddexp_vec_f32 (~0.5 ULP; NumPy's
    float32 arithmetic is thousands of ULP off where the terms cancel). Flags as NumPy's
    (invalid, overflow of x - y, underflow where exp2f(-|x - y|) does: |x - y| > 126)."""
    return lae2_fix_f32(x, y, log1p_01_f64(exp_neg_f64(lae2_d_f64(x, y))))


@njit(**_OPTS)
def fl_lae2_under_f32(x, y):
    """logaddexp2 of finite x, y with |x - y| (float32) > 126, where NumPy's exp2f(-|x - y|)
    underflows (over-approximated where the difference overflows, as fl_lae_under_f32)."""
    fin = ((f32_bits(x) & _U_MAG) < _U_INF32) & ((f32_bits(y) & _U_MAG) < _U_INF32)
    t = abs(_D(x) - _D(y)) if fin else _D_ZERO_
    return t > _D_LAE2_UNDER


@njit(**_OPTS)
def fl_lae_over_f32(x, y):
    """logaddexp of finite x, y whose float32 difference overflows (NumPy computes it): overflow."""
    fin = ((f32_bits(x) & _U_MAG) < _U_INF32) & ((f32_bits(y) & _U_MAG) < _U_INF32)
    t = abs(_D(x) - _D(y)) if fin else _D_ZERO_
    return t >= _D_POW_OVF32


@njit(**_OPTS)
def fl_lae_under_f32(x, y):
    """logaddexp of finite x, y with |x - y| (float32) >= 87.33655, where NumPy's expf(-|x - y|)
    underflows. Also true where the difference overflows (NumPy: expf(-inf) = 0, no underflow):
    excluding that, the complement of fl_lae_over_f32's compare, made LLVM fuse the two flag
    reductions into one it cannot vectorize (15 ns per element instead of 2); the overflow flag
    is raised there anyway, so the driver re-runs NumPy for the exact flags."""
    fin = ((f32_bits(x) & _U_MAG) < _U_INF32) & ((f32_bits(y) & _U_MAG) < _U_INF32)
    t = abs(_D(x) - _D(y)) if fin else _D_ZERO_
    return t >= _D_LAE_UNDER


# ---------------------------------------------------------------------------------------------
# float64 tanh (NumPy's own: a 16-interval table of polynomials, which a loop turns into 18
# gathers per vector -- 10x slower than NumPy in a fused kernel)

# (tanh(x) - x) / x^3 as a polynomial in s = x^2 on 0 <= x <= 0.75: Chebyshev fit by mpmath
# (mp.chebyfit, 50 digits), absolute error 5.7e-19
_TD = tuple(_D(v) for v in (
    -0.3333333333333333, 0.13333333333333294, -0.0539682539682076, 0.021869488534033452,
    -0.008863235479105364, 0.003592127305771337, -0.0014558275482916571, 0.0005899837682081133,
    -0.0002389332673687292, 9.628953316427487e-05, -3.784864316675998e-05, 1.3601729022897116e-05,
    -3.833589294501544e-06, 5.985399672039163e-07))
(_TD0, _TD1, _TD2, _TD3, _TD4, _TD5, _TD6, _TD7, _TD8, _TD9, _TD10, _TD11, _TD12, _TD13) = _TD
# (e^r - 1 - r) / r^2 on |r| <= ln2/2 (same fit; absolute error 1.4e-18)
_ED = tuple(_D(v) for v in (
    0.5, 0.1666666666666667, 0.04166666666666667, 0.008333333333326141, 0.0013888888888883752,
    0.00019841269874800493, 2.4801587325533363e-05, 2.7557255425746435e-06,
    2.7557273661348637e-07, 2.510520637395701e-08, 2.0914679376583935e-09))
_ED0, _ED1, _ED2, _ED3, _ED4, _ED5, _ED6, _ED7, _ED8, _ED9, _ED10 = _ED
# (_D, _D_LOG2E, _D_MAGIC, _D_ONE: defined above)
_TANH_LN2_HI = _D(6.93147180369123816490e-01)      # fdlibm's split: k * _TANH_LN2_HI is exact
_TANH_LN2_LO = _D(1.90821492927058770002e-10)
_D_ZERO = _D(0.0)


@njit(**_OPTS)
def tanh_vec_f64(x):
    """tanh, float64: odd polynomial below 0.75; above, 1 - 2/(e^2|x| + 1) with e^2|x| + 1
    formed by one FMA from 2^k and expm1(r) (so the +1 adds no rounding). Max error 1.04 ULP on
    200,000 sampled inputs (NumPy's own here: 1.18); ``benchmarks/accuracy.py``."""
    nan = x != x
    xs = _D_ZERO if nan else x
    a = abs(xs)
    a = a if a < _D(22.0) else _D(22.0)            # tanh rounds to 1 from 19.1
    # below 2^-27 tanh(x) rounds to x: the polynomial sees 0 (a 0/1 factor, not a select, which
    # LLVM may turn into a select of products: a tiny a squared would underflow)
    at = a * (_D_ONE if a > _D(2.0 ** -27) else _D_ZERO)
    s = at * at
    p = fma(_TD13, s, _TD12)
    p = fma(p, s, _TD11)
    p = fma(p, s, _TD10)
    p = fma(p, s, _TD9)
    p = fma(p, s, _TD8)
    p = fma(p, s, _TD7)
    p = fma(p, s, _TD6)
    p = fma(p, s, _TD5)
    p = fma(p, s, _TD4)
    p = fma(p, s, _TD3)
    p = fma(p, s, _TD2)
    p = fma(p, s, _TD1)
    p = fma(p, s, _TD0)
    small = fma(a, s * p, a)
    ab = a * (_D_ONE if a >= _D(0.75) else _D_ZERO)  # the large-|x| form's argument, 0 below it
    y = ab + ab
    q = fma(y, _D_LOG2E, _D_MAGIC) - _D_MAGIC
    r = fma(q, -_TANH_LN2_HI, y)
    r = fma(q, -_TANH_LN2_LO, r)
    t = fma(r * r, _expm1_q_f64(r), r)            # expm1(r)
    two_k = bits_f64(np.uint64(np.int64(q) + 1023) << np.uint64(52))
    d = fma(two_k, t, two_k + _D_ONE)              # e^y + 1
    big = _D_ONE - _D(2.0) / d
    res = small if a < _D(0.75) else big
    res = math.copysign(res, x)
    return x if nan else res


# ---------------------------------------------------------------------------------------------
# float64 exp (NumPy's own is SIMD too, but in a fused loop the C library's scalar exp was called)

_U64_MAG, _U64_SIGN, _U64_INF = (np.uint64(0x7FFFFFFFFFFFFFFF), np.uint64(0x8000000000000000),
                                  np.uint64(0x7FF0000000000000))
_U64_EXP_HI = np.uint64(0x40862E42FEFA39EF)      # 709.782712893384: e^x finite up to here
_U64_EXP_LO = np.uint64(0x4087500000000000)      # 746.0: e^x rounds to 0 from -746 down
_U64_EXP_TINY = np.uint64(0x3C90000000000000)    # 2^-54: below, e^x rounds to 1
_I64_0, _I64_1, _I64_1023, _U64_52 = np.int64(0), np.int64(1), np.int64(1023), np.uint64(52)
_I64_M1074, _I64_M1022, _I64_1074, _I64_63 = np.int64(-1074), np.int64(-1022), np.int64(1074), np.int64(63)
_D_INF = _D(np.inf)


@njit(**_OPTS)
def exp64_arg(x):
    """exp_vec_f64's argument: x where the result is computed, else 0 (NaN, +-inf, beyond the
    overflow and zero thresholds -- those lanes are computed too and must raise no flag -- and
    below 2^-54, where e^x rounds to 1). Range tests on the bits: integer compares, no flag."""
    b = f64_bits(x)
    m = b & _U64_MAG
    ok = ((m <= _U64_EXP_HI) | ((b >= _U64_SIGN) & (m < _U64_EXP_LO))) & (m >= _U64_EXP_TINY)
    return x if ok else _D_ZERO


@njit(**_OPTS)
def _exp64_reduce(xc):
    """(k as float64, r, c): xc = k ln2 + r + c, r + c the reduced argument as a rounded sum
    and its error (x - k ln2_hi is exact with fdlibm's split; Fast2Sum of the low part)."""
    q = fma(xc, _D_LOG2E, _D_MAGIC) - _D_MAGIC
    rh = fma(q, -_TANH_LN2_HI, xc)
    rl = q * -_TANH_LN2_LO
    r = rh + rl
    return q, r, (rh - r) + rl


@njit(**_OPTS)
def exp64_poly(xc):
    """e^(r + c) - 1 - r for xc reduced as ``_exp64_reduce`` does, to ~2^-58 (tanh_vec_f64's
    minimax polynomial for expm1)."""
    _, r, c = _exp64_reduce(xc)
    return _expm1_tail_f64(r, c)


@njit(**_OPTS)
def _expm1_q_f64(r):
    """(e^r - 1 - r) / r^2 for |r| <= ln2/2: the minimax polynomial tanh_vec_f64 and the exp
    family share."""
    e = fma(_ED10, r, _ED9)
    e = fma(e, r, _ED8)
    e = fma(e, r, _ED7)
    e = fma(e, r, _ED6)
    e = fma(e, r, _ED5)
    e = fma(e, r, _ED4)
    e = fma(e, r, _ED3)
    e = fma(e, r, _ED2)
    e = fma(e, r, _ED1)
    return fma(e, r, _ED0)


@njit(**_OPTS)
def _expm1_tail_f64(r, c):
    """e^(r + c) - 1 - r for |r| <= ln2/2 and a tiny c, to ~2^-58."""
    return fma(r * r, _expm1_q_f64(r), c)


@njit(**_OPTS)
def _exp64_scale(k, r, p):
    """2^k (1 + r + p) rounded once (exp64_fix, exp2_64_fix): 1 + r as hi + lo exactly
    (Fast2Sum). s = 2^kc, kc = k clamped to [-1074, 1023], a normal or a subnormal power of two
    (exact): normal results fma(s, lo + p, s hi) (s hi exact); below 2^-1022 fma(s, t, s),
    rounded once to the subnormal grid (t = r + p; the hardware's underflow flag, as NumPy's);
    k = 1024 times 2, exact; k < -1074: 2^-1074 times (1 + t) 2^(k + 1074), the product's one
    rounding (0 or 2^-1074). Integer selects; no lane overflows."""
    hi = _D_ONE + r
    tail = ((_D_ONE - hi) + r) + p
    t = r + p
    kc = min(max(k, _I64_M1074), _I64_1023)
    extra = k - kc
    sh = min(kc + _I64_1074, _I64_63)
    sb = ((kc + _I64_1023) << _U64_52) if kc >= _I64_M1022 else (_I64_1 << sh)
    sc = bits_f64(np.uint64(sb))
    up = bits_f64(np.uint64(((extra if extra > _I64_0 else _I64_0) + _I64_1023) << _U64_52))
    normal = (kc > _I64_M1022) | ((kc == _I64_M1022) & (hi >= _D_ONE))   # 2^-1022 (1 + t) >= 2^-1022
    res = (fma(sc, tail, sc * hi) if normal else fma(sc, t, sc)) * up
    low = extra < _I64_0
    h = bits_f64(np.uint64((extra + _I64_1023) << _U64_52)) if low else _D_ONE
    return ((sc if low else _D_ONE) * fma(t, h, h)) if low else res


@njit(**_OPTS)
def exp64_fix(x, p):
    """e^x from ``p`` = exp64_poly(exp64_arg(x)): 2^k (1 + r + p) rounded once
    (``_exp64_scale``), and the special cases."""
    xc = exp64_arg(x)
    q, r, _ = _exp64_reduce(xc)
    res = _exp64_scale(np.int64(f64_bits(q + _D_MAGIC)) - _I_MAGIC, r, p)
    b = f64_bits(x)
    m = b & _U64_MAG
    out = _D_ZERO if b >= _U64_SIGN else _D_INF     # beyond the thresholds, +-inf
    out = x if m > _U64_INF else out                # NaN
    return res if ((xc != _D_ZERO) | (m < _U64_EXP_TINY)) else out


@njit(**_OPTS)
def exp_vec_f64(x):
    """e^x, float64, 0.63 ULP max on 200,000 sampled inputs (NumPy's SIMD exp here: 0.71).
    Overflow (x > 709.78) and a zero result (x <= -746) are software flags. Generated kernels
    call the three pieces (cpu_numba.INLINE_TEMPLATES): whole, LLVM left it a call."""
    return exp64_fix(x, exp64_poly(exp64_arg(x)))


@njit(**_OPTS)
def fl_exp_over_f64(x):
    """exp of a finite x > 709.78: overflow (NumPy's)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    return (b < _U64_SIGN) & (m > _U64_EXP_HI) & (m < _U64_INF)


@njit(**_OPTS)
def fl_exp_under_f64(x):
    """exp of a finite x <= -746 (a zero result, selected): underflow (NumPy's)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    return (b >= _U64_SIGN) & (m >= _U64_EXP_LO) & (m < _U64_INF)


# float64 exp2: x = k + r (exact), 2^r = e^(r ln2) with r ln2 carried as y + c, then exp's tail
# and scaling (NumPy's own here: 0.682 ULP max, the C library's algorithm)

_U64_EXP2_HI = np.uint64(0x4090000000000000)     # 1024.0: 2^x overflows from here
_U64_EXP2_LO = np.uint64(0x4090D00000000000)     # 1076.0: 2^x rounds to 0 from -1076 down
_D_LN2_FULL_LO = _D(2.3190468138462996e-17)      # ln 2 - _D_LN2 (float64)


@njit(**_OPTS)
def exp2_64_arg(x):
    """exp2_vec_f64's argument: x where the result is computed, else 0 (as exp64_arg)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    ok = ((m < _U64_EXP2_HI) | ((b >= _U64_SIGN) & (m < _U64_EXP2_LO))) & (m >= _U64_EXP_TINY)
    return x if ok else _D_ZERO


@njit(**_OPTS)
def _exp2_64_reduce(xc):
    """(k as float64, y, c): xc = k + r exactly (|r| <= 1/2), r ln2 = y + c (c the product's
    rounding error by FMA, plus r times ln 2's own low part)."""
    q = (xc + _D_MAGIC) - _D_MAGIC
    r = xc - q
    y = r * _D_LN2
    return q, y, fma(r, _D_LN2, -y) + r * _D_LN2_FULL_LO


@njit(**_OPTS)
def exp2_64_poly(xc):
    """e^(y + c) - 1 - y for the reduced argument of ``_exp2_64_reduce``."""
    _, y, c = _exp2_64_reduce(xc)
    return _expm1_tail_f64(y, c)


@njit(**_OPTS)
def exp2_64_fix(x, p):
    """2^x from ``p`` = exp2_64_poly(exp2_64_arg(x)): 2^k (1 + y + p) rounded once, and the
    special cases (+-inf, NaN, overflow from 1024, 0 from -1076)."""
    xc = exp2_64_arg(x)
    q, y, _ = _exp2_64_reduce(xc)
    res = _exp64_scale(np.int64(f64_bits(q + _D_MAGIC)) - _I_MAGIC, y, p)
    b = f64_bits(x)
    m = b & _U64_MAG
    out = _D_ZERO if b >= _U64_SIGN else _D_INF
    out = x if m > _U64_INF else out
    return res if ((xc != _D_ZERO) | (m < _U64_EXP_TINY)) else out


@njit(**_OPTS)
def exp2_vec_f64(x):
    """2^x, float64; exact at integers (including subnormal results). Overflow (x >= 1024) and a
    zero result (x <= -1076) are software flags. Three pieces, as exp_vec_f64."""
    return exp2_64_fix(x, exp2_64_poly(exp2_64_arg(x)))


@njit(**_OPTS)
def fl_exp2_over_f64(x):
    """exp2 of a finite x >= 1024: overflow (NumPy's)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    return (b < _U64_SIGN) & (m >= _U64_EXP2_HI) & (m < _U64_INF)


@njit(**_OPTS)
def fl_exp2_under_f64(x):
    """exp2 of a finite x <= -1076 (a zero result, selected): underflow (NumPy's)."""
    b = f64_bits(x)
    m = b & _U64_MAG
    return (b >= _U64_SIGN) & (m >= _U64_EXP2_LO) & (m < _U64_INF)
