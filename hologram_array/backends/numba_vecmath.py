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

from .numba_ops import bits_f32, f32_bits, fma  # numba_ops imports this module at its end

__all__ = ["tanh_vec_f32", "exp_reduced_f32"]

_OPTS = dict(error_model="numpy", nogil=True)  # no inline="always": it defeats Numba's disk cache
_F = np.float32

# ---------------------------------------------------------------------------------------------
# float32 exp on a bounded range (a building block)

# (e^r - 1 - r) / r^2 on |r| <= ln2/2: Lawson-weighted least squares on Chebyshev nodes against
# mpmath (relative error 2.7e-9; the coefficients as float32).
_EQ0, _EQ1, _EQ2, _EQ3, _EQ4, _EQ5 = (_F(0.5), _F(0.1666666716337204), _F(0.04166646674275398),
                                      _F(0.008333360776305199), _F(0.0013933597365394235),
                                      _F(0.0001985778217203915))
_LOG2E = _F(1.4426950408889634)
_MAGIC = _F(12582912.0)            # 0x1.8p23: (y + magic) - magic rounds y to an integer
_LN2_HI = _F(0.693359375)          # ln 2 in two parts (Cody-Waite): k * _LN2_HI is exact
_LN2_LO = _F(-2.12194440e-4)
_ONE, _ZERO = _F(1.0), _F(0.0)


@njit(**_OPTS)
def exp_reduced_f32(y):
    """e^y for -87 <= y <= 88 (a normal result), float32, about 0.6 ULP; no division, no table.

    y = k ln2 + r with |r| <= ln2/2; e^r = 1 + r + r^2 Q(r); 2^k added to the exponent bits.
    Callers keep y in range (they clamp it first), so no overflow/underflow/NaN handling here.
    """
    q = fma(y, _LOG2E, _MAGIC) - _MAGIC
    r = fma(q, -_LN2_HI, y)
    r = fma(q, -_LN2_LO, r)
    p = fma(_EQ5, r, _EQ4)
    p = fma(p, r, _EQ3)
    p = fma(p, r, _EQ2)
    p = fma(p, r, _EQ1)
    p = fma(p, r, _EQ0)
    p = fma(p * r, r, r) + _ONE
    k = np.int32(q)
    return bits_f32(np.uint32(np.int32(f32_bits(p)) + (k << np.int32(23))))


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


@njit(**_OPTS)
def tanh_vec_f32(x):
    """tanh, float32: odd polynomial below 1, 1 - 2e/(1+e) with e = exp(-2|x|) above.

    Max error 1.13 ULP (NumPy's SIMD tanh here: 1.37); see ``benchmarks/accuracy.py``.
    """
    nan = x != x                       # unordered compare: quiet on NaN
    xs = _ZERO if nan else x
    a = abs(xs)
    a = a if a < _TANH_SAT else _TANH_SAT
    at = a if a > _TANH_TINY else _ZERO
    s = at * at
    p = fma(_TP7, s, _TP6)
    p = fma(p, s, _TP5)
    p = fma(p, s, _TP4)
    p = fma(p, s, _TP3)
    p = fma(p, s, _TP2)
    p = fma(p, s, _TP1)
    p = fma(p, s, _TP0)
    small = fma(a, s * p, a)
    e = exp_reduced_f32(_F(-2.0) * a)
    big = _ONE - (e + e) / (_ONE + e)
    r = small if a < _ONE else big
    r = math.copysign(r, x)            # a bit copy (vectorizes; integer OR-ing here does not)
    return x if nan else r

