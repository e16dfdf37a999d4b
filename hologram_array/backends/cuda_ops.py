"""Device helpers for the CUDA backend (``gpu_cupy``): NumPy's element-wise semantics in CUDA C.

``PREAMBLE`` is CUDA C source text (no Python-side GPU code, nothing imported): every
generated kernel's translation unit starts with it. It is guarded (``HX_CUDA_OPS_H``), so
several generated kernels can be concatenated into one translation unit. It includes only
``cuda_fp16.h`` (available to both nvcc and NVRTC) and is written for C++11 or later.

Each helper reproduces what NumPy's C loop does for one element -- the same formula, in the
same precision -- and mirrors the Numba backend's ``numba_ops`` helper of the same name
(``hx_fdiv_i`` = ``fdiv_i`` ...), whose comments name the NumPy source followed. Conventions:

* float16 values live in ``float`` registers holding a value exactly representable in
  float16 (``hx_hr`` rounds a float result to float16, round to nearest even, via
  ``__float2half_rn``; ``hx_hr64`` rounds a double in one step via ``__double2half``);
* integer helpers work in ``long long`` (``*_i``) or ``unsigned long long`` (``*_u``); every
  signed operation that may overflow is done in unsigned arithmetic (no C++ undefined
  behaviour), and the generated code casts the result to the instruction's dtype
  (two's-complement wraparound, as NumPy's C loops);
* float helpers exist per precision (``*_f32`` / ``*_f64``); they must be compiled without
  contraction of ``a*b+c`` into FMA (``gpu_cupy.COMPILE_OPTIONS``: ``--fmad=false``), IEEE
  division and square root, no flush-to-zero;
* float -> integer casts give what NumPy's casts give on x86-64 (``cvttsd2si``: INT_MIN for
  NaN and out-of-range values), not CUDA's saturating conversion;
* complex numbers are ``hx_c64`` / ``hx_c128`` structs with NumPy's memory layout.
"""
from __future__ import annotations

from string import Template

import numpy as np

_HEAD = r"""
#ifndef HX_CUDA_OPS_H
#define HX_CUDA_OPS_H
#include <cuda_fp16.h>
#ifdef __CUDACC__
#pragma nv_diag_suppress 177 /* helpers a kernel does not use: "declared but never referenced" */
#define HX_DEV static __device__ __forceinline__
#else
/* Host emulation (tests only: a host C++ compiler, -ffp-contract=off): the device intrinsics
   used below, with the same IEEE round-to-nearest meaning, and the C library's functions. */
#include <math.h>
#include <string.h>
#include <cmath>
using std::isnan; using std::isinf; using std::isfinite;
#define HX_DEV static inline
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fsub_rn(float a, float b) { return a - b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fdiv_rn(float a, float b) { return a / b; }
static inline float __fsqrt_rn(float a) { return sqrtf(a); }
static inline double __dadd_rn(double a, double b) { return a + b; }
static inline double __dsub_rn(double a, double b) { return a - b; }
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline double __ddiv_rn(double a, double b) { return a / b; }
static inline double __dsqrt_rn(double a) { return sqrt(a); }
static inline unsigned int __float_as_uint(float x) { unsigned int u; memcpy(&u, &x, 4); return u; }
static inline float __uint_as_float(unsigned int u) { float x; memcpy(&x, &u, 4); return x; }
static inline long long __double_as_longlong(double x) { long long u; memcpy(&u, &x, 8); return u; }
static inline double __longlong_as_double(long long u) { double x; memcpy(&x, &u, 8); return x; }
#endif

struct __align__(8) hx_c64 { float re, im; };
struct __align__(16) hx_c128 { double re, im; };

HX_DEV hx_c64 hx_mk_c64(float re, float im) { hx_c64 z; z.re = re; z.im = im; return z; }
HX_DEV hx_c128 hx_mk_c128(double re, double im) { hx_c128 z; z.re = re; z.im = im; return z; }
HX_DEV hx_c64 hx_c64_of_c128(hx_c128 a) { return hx_mk_c64((float)a.re, (float)a.im); }
HX_DEV hx_c128 hx_c128_of_c64(hx_c64 a) { return hx_mk_c128((double)a.re, (double)a.im); }

/* ---- float16 (values carried in float) ------------------------------------------------ */
HX_DEV float hx_h2f(__half h) { return __half2float(h); }
HX_DEV __half hx_f2h(float x) { return __float2half_rn(x); }
HX_DEV float hx_hr(float x) { return __half2float(__float2half_rn(x)); }
HX_DEV float hx_hr64(double x) { return __half2float(__double2half(x)); }
HX_DEV long long hx_hbits(float x) { return (long long)__half_as_ushort(__float2half_rn(x)); }
HX_DEV float hx_bits_h(long long b) { return __half2float(__ushort_as_half((unsigned short)(b & 0xFFFF))); }

/* ---- float -> int casts as NumPy's on x86-64 (cvttsd2si "integer indefinite") ---------- */
HX_DEV long long hx_cvt32(double x) {
    if (x > -2147483649.0 && x < 2147483648.0) return (long long)x;
    return -2147483648LL;
}
HX_DEV long long hx_cvt64(double x) {
    if (x >= -9223372036854775808.0 && x < 9223372036854775808.0) return (long long)x;
    return (long long)0x8000000000000000ULL;
}
HX_DEV signed char hx_f2i_int8(double x) { return (signed char)(int)hx_cvt32(x); }
HX_DEV short hx_f2i_int16(double x) { return (short)(int)hx_cvt32(x); }
HX_DEV int hx_f2i_int32(double x) { return (int)hx_cvt32(x); }
HX_DEV long long hx_f2i_int64(double x) { return hx_cvt64(x); }
HX_DEV unsigned char hx_f2i_uint8(double x) { return (unsigned char)(unsigned int)hx_cvt32(x); }
HX_DEV unsigned short hx_f2i_uint16(double x) { return (unsigned short)(unsigned int)hx_cvt32(x); }
HX_DEV unsigned int hx_f2i_uint32(double x) {
    /* NumPy's (AVX2) SIMD cast loop body; its scalar tail differs for NaN/out-of-range */
    if (x >= 2147483648.0) return ((unsigned int)hx_cvt32(x - 2147483648.0)) ^ 0x80000000u;
    return (unsigned int)hx_cvt32(x);
}
HX_DEV unsigned int hx_f2i_uint32_scalar(double x) { return (unsigned int)(unsigned long long)hx_cvt64(x); }
HX_DEV unsigned long long hx_f2i_uint64(double x) {
    if (x >= 9223372036854775808.0)
        return ((unsigned long long)hx_cvt64(x - 9223372036854775808.0)) ^ 0x8000000000000000ULL;
    return (unsigned long long)hx_cvt64(x);
}

/* ---- integers -------------------------------------------------------------------------- */
typedef long long hx_i64;
typedef unsigned long long hx_u64;

HX_DEV hx_i64 hx_neg_wrap(hx_i64 a) { return (hx_i64)(0ULL - (hx_u64)a); }
HX_DEV hx_i64 hx_fdiv_i(hx_i64 a, hx_i64 b) {
    if (b == 0) return 0;
    if (b == -1) return hx_neg_wrap(a);  /* MIN // -1 wraps to MIN, as NumPy */
    hx_i64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    return q;
}
HX_DEV hx_u64 hx_fdiv_u(hx_u64 a, hx_u64 b) { return b == 0 ? 0ULL : a / b; }
HX_DEV hx_i64 hx_rem_i(hx_i64 a, hx_i64 b) {
    if (b == 0 || b == -1) return 0;
    hx_i64 r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}
HX_DEV hx_u64 hx_rem_u(hx_u64 a, hx_u64 b) { return b == 0 ? 0ULL : a % b; }
HX_DEV hx_i64 hx_fmod_i(hx_i64 a, hx_i64 b) {
    if (b == 0 || b == -1) return 0;
    return a % b;  /* C's %: the sign of the dividend */
}
HX_DEV hx_i64 hx_pow_i(hx_i64 a, hx_i64 b, int* err) {
    if (b < 0) { *err = 1; return 0; }  /* NumPy: ValueError, raised by the runtime */
    hx_u64 r = 1, x = (hx_u64)a;
    while (b != 0) {
        if (b & 1) r *= x;
        x *= x;
        b >>= 1;
    }
    return (hx_i64)r;
}
HX_DEV hx_u64 hx_pow_u(hx_u64 a, hx_u64 b) {
    hx_u64 r = 1;
    while (b != 0) {
        if (b & 1ULL) r *= a;
        a *= a;
        b >>= 1;
    }
    return r;
}
HX_DEV hx_i64 hx_shl_i(hx_i64 a, hx_i64 b, int bits) {
    if (b < 0 || b >= bits) return 0;
    return (hx_i64)((hx_u64)a << b);
}
HX_DEV hx_i64 hx_shr_i(hx_i64 a, hx_i64 b, int bits) {
    if (b < 0 || b >= bits) return a < 0 ? -1 : 0;
    return a >> b;  /* arithmetic shift */
}
HX_DEV hx_u64 hx_shl_u(hx_u64 a, hx_u64 b, int bits) { return b >= (hx_u64)bits ? 0ULL : a << b; }
HX_DEV hx_u64 hx_shr_u(hx_u64 a, hx_u64 b, int bits) { return b >= (hx_u64)bits ? 0ULL : a >> b; }
HX_DEV hx_u64 hx_uabs_i(hx_i64 a) { return a < 0 ? 0ULL - (hx_u64)a : (hx_u64)a; }
HX_DEV hx_u64 hx_abs_u64(hx_i64 a) { return hx_uabs_i(a); }
HX_DEV hx_u64 hx_gcd_u(hx_u64 a, hx_u64 b) {
    while (a != 0) { hx_u64 c = a; a = b % a; b = c; }
    return b;
}
HX_DEV hx_u64 hx_lcm_u(hx_u64 a, hx_u64 b) {
    hx_u64 g = hx_gcd_u(a, b);
    return g == 0 ? 0ULL : a / g * b;
}
HX_DEV hx_i64 hx_gcd_i(hx_i64 a, hx_i64 b) { return (hx_i64)hx_gcd_u(hx_uabs_i(a), hx_uabs_i(b)); }
HX_DEV hx_i64 hx_lcm_i(hx_i64 a, hx_i64 b) { return (hx_i64)hx_lcm_u(hx_uabs_i(a), hx_uabs_i(b)); }
HX_DEV int hx_cmp_su(hx_i64 a, hx_u64 b) {
    /* exact three-way comparison of an int64 with a uint64 */
    if (a < 0) return -1;
    hx_u64 ua = (hx_u64)a;
    if (ua < b) return -1;
    return ua > b ? 1 : 0;
}
HX_DEV hx_i64 hx_sign_i(hx_i64 a) { return a > 0 ? 1 : (a < 0 ? -1 : 0); }
template <typename T> HX_DEV T hx_clip_i(T x, T lo, T hi) {
    T t = x > lo ? x : lo;
    return t < hi ? t : hi;
}
template <typename T> HX_DEV T hx_max_i(T a, T b) { return a > b ? a : b; }
template <typename T> HX_DEV T hx_min_i(T a, T b) { return a < b ? a : b; }
"""

# Per precision. $T: C type, $S: suffix, $M: C math-function suffix, $U: same-width unsigned,
# $TOB/$OFB: bit casts, $SIGN/$MAG/$EXP: masks, $ONEU: 1 as $U; $ADD... rounding intrinsics.
_FLOAT = Template(r"""
/* ---- $T ($S) ------------------------------------------------------------------------------ */
HX_DEV $T hx_add_$S($T a, $T b) { return $ADD(a, b); }
HX_DEV $T hx_sub_$S($T a, $T b) { return $SUB(a, b); }
HX_DEV $T hx_mul_$S($T a, $T b) { return $MUL(a, b); }
HX_DEV $T hx_div_$S($T a, $T b) { return $DIV(a, b); }
HX_DEV $T hx_sqrt_$S($T a) { return $SQRT(a); }
HX_DEV $T hx_recip_$S($T a) { return $DIV(($T)1, a); }
HX_DEV $T hx_nan_$S() { return $OFB($NANBITS); }
HX_DEV $T hx_inf_$S() { return $OFB($EXP); }
HX_DEV $T hx_divmod_$S($T a, $T b, $T* modp) {
    /* npy_divmod: CPython's float divmod */
    $T mod = fmod$M(a, b);
    if (b == ($T)0) { *modp = mod; return $DIV(a, b); }
    $T div = $DIV($SUB(a, mod), b);
    if (mod != ($T)0) {
        if ((b < ($T)0) != (mod < ($T)0)) { mod = $ADD(mod, b); div = $SUB(div, ($T)1); }
    } else {
        mod = copysign$M(($T)0, b);
    }
    $T floordiv;
    if (div != ($T)0) {
        floordiv = floor$M(div);
        if ($SUB(div, floordiv) > ($T)0.5) floordiv = $ADD(floordiv, ($T)1);
    } else {
        floordiv = copysign$M(($T)0, $DIV(a, b));
    }
    *modp = mod;
    return floordiv;
}
HX_DEV $T hx_floor_divide_$S($T a, $T b) {
    if (b == ($T)0) return $DIV(a, b);
    $T m;
    return hx_divmod_$S(a, b, &m);
}
HX_DEV $T hx_remainder_$S($T a, $T b) {
    if (b == ($T)0) return fmod$M(a, b);
    $T m;
    hx_divmod_$S(a, b, &m);
    return m;
}
/* x86 maxss/minss tie rule (second operand) + NaN of the first operand propagated */
HX_DEV $T hx_maximum_$S($T a, $T b) { return ((a != a) || (a > b)) ? a : b; }
HX_DEV $T hx_minimum_$S($T a, $T b) { return ((a != a) || (a < b)) ? a : b; }
/* NumPy's SIMD fmax/fmin: the first operand when the second is NaN */
HX_DEV $T hx_fmax_$S($T a, $T b) { return ((b != b) || (a > b)) ? a : b; }
HX_DEV $T hx_fmin_$S($T a, $T b) { return ((b != b) || (a < b)) ? a : b; }
HX_DEV $T hx_sign_$S($T a) {
    if (a > ($T)0) return ($T)1;
    if (a < ($T)0) return ($T)-1;
    if (a == ($T)0) return ($T)0;
    return a;
}
HX_DEV $T hx_heaviside_$S($T x, $T h0) {
    if (x != x) return hx_nan_$S();
    if (x == ($T)0) return h0;
    if (x < ($T)0) return ($T)0;
    return ($T)1;
}
/* libdevice's hypot can round a result just below the largest finite value up to inf
   (hypot(DBL_MAX, 1)); NumPy's (the C library's) does not. Only then: the scaled form. */
HX_DEV $T hx_hypot_$S($T x, $T y) {
    $T h = hypot$M(x, y);
    if (isinf(h) && isfinite(x) && isfinite(y)) {
        $T ax = fabs$M(x), ay = fabs$M(y);
        $T a = ax > ay ? ax : ay, b = ax > ay ? ay : ax;
        $T r = $DIV(b, a);
        h = $MUL(a, $SQRT($ADD(($T)1, $MUL(r, r))));
    }
    return h;
}
HX_DEV $T hx_logaddexp_$S($T x, $T y) {
    if (x == y) return $ADD(x, $OFB($LOGE2));
    $T tmp = $SUB(x, y);
    if (tmp > ($T)0) return $ADD(x, log1p$M(exp$M(-tmp)));
    if (tmp <= ($T)0) return $ADD(y, log1p$M(exp$M(tmp)));
    return tmp;
}
HX_DEV $T hx_logaddexp2_$S($T x, $T y) {
    if (x == y) return $ADD(x, ($T)1);
    $T tmp = $SUB(x, y);
    if (tmp > ($T)0) return $ADD(x, $MUL($OFB($LOG2E), log1p$M(exp2$M(-tmp))));
    if (tmp <= ($T)0) return $ADD(y, $MUL($OFB($LOG2E), log1p$M(exp2$M(tmp))));
    return tmp;
}
HX_DEV $T hx_spacing_$S($T x) {
    /* ieee754.cpp: _next(x, +1) - x */
    if (isinf(x)) return hx_nan_$S();
    if (x != x) return $SUB(x, x);
    $U b = ($U)$TOB(x);
    if ((b & $MAG) == 0) return $SUB($OFB($ONEU), x);
    $U nb = b + $ONEU;
    if ((nb & $EXP) == $EXP) return $SUB($ADD(x, x), x);
    return $SUB($OFB(nb), x);
}
HX_DEV bool hx_signbit_$S($T x) { return (($U)$TOB(x) & $SIGN) != 0; }
HX_DEV $T hx_neg_$S($T x) { return $OFB(($U)$TOB(x) ^ $SIGN); }
HX_DEV $T hx_fabs_$S($T x) { return $OFB(($U)$TOB(x) & $MAG); }
HX_DEV $T hx_deg2rad_$S($T x) { return $MUL(x, $OFB($DEG2RAD)); }
HX_DEV $T hx_rad2deg_$S($T x) { return $MUL(x, $OFB($RAD2DEG)); }
HX_DEV $T hx_ldexp_$S($T x, long long n) {
    /* the int64 loop: exponents beyond int32 saturate */
    if (n > 2147483647LL) return ldexp$M(x, 2147483647);
    if (n < -2147483648LL) return ldexp$M(x, (int)(-2147483647 - 1));
    return ldexp$M(x, (int)n);
}
HX_DEV $T hx_clip_const_$S($T x, $T lo, $T hi) {
    /* clip.cpp, constant bounds: a NaN bound fills, else compare and replace */
    x = x < lo ? lo : x;
    x = x > hi ? hi : x;
    x = hi != hi ? hi : x;
    return lo != lo ? lo : x;
}
HX_DEV $T hx_clip_$S($T x, $T lo, $T hi) {
    /* clip.cpp, _NPY_MIN(_NPY_MAX(x, lo), hi) with NaN-propagating min/max */
    $T t = ((x != x) || (x > lo)) ? x : lo;
    return ((t != t) || (t < hi)) ? t : hi;
}
""")

_FLOAT16 = r"""
/* ---- float16 ops NumPy does on the bits (halffloat.cpp) or with its own tie rules ------- */
HX_DEV float hx_nextafter_h(float x, float y) {
    long long hx = hx_hbits(x), hy = hx_hbits(y);
    if (x != x || y != y) return hx_nan_f32();
    if (x == y) return HX_HALF_NEXTAFTER_EQUAL_GIVES_Y ? y : x;  /* the installed NumPy's rule */
    long long ret;
    if (x == 0.0f) {
        ret = (hy & 0x8000) + 1;
    } else if ((hx & 0x8000) == 0) {
        long long sx = hx < 0x8000 ? hx : hx - 0x10000;
        long long sy = hy < 0x8000 ? hy : hy - 0x10000;
        ret = sx > sy ? hx - 1 : hx + 1;
    } else {
        if ((hy & 0x8000) == 0 || (hx & 0x7FFF) > (hy & 0x7FFF)) ret = hx - 1;
        else ret = hx + 1;
    }
    return hx_bits_h(ret);
}
HX_DEV float hx_spacing_h(float x) {
    long long h = hx_hbits(x);
    long long h_exp = h & 0x7C00, h_sig = h & 0x03FF, ret;
    if (h_exp == 0x7C00) ret = 0x7E00;
    else if (h == 0x7BFF) ret = 0x7C00;
    else if ((h & 0x8000) != 0 && h_sig == 0) {
        if (h_exp > 0x2C00) ret = h_exp - 0x2C00;
        else if (h_exp > 0x0400) ret = 1LL << ((h_exp >> 10) - 2);
        else ret = 0x0001;
    } else if (h_exp > 0x2800) ret = h_exp - 0x2800;
    else if (h_exp > 0x0400) ret = 1LL << ((h_exp >> 10) - 1);
    else ret = 0x0001;
    return hx_bits_h(ret);
}
HX_DEV float hx_maximum_h(float a, float b) { return ((a >= b) || (a != a)) ? a : b; }
HX_DEV float hx_minimum_h(float a, float b) { return ((a <= b) || (a != a)) ? a : b; }
HX_DEV float hx_fmax_h(float a, float b) { return ((a >= b) || (b != b)) ? a : b; }
HX_DEV float hx_fmin_h(float a, float b) { return ((a <= b) || (b != b)) ? a : b; }
HX_DEV float hx_clip_h(float x, float lo, float hi) {
    float t = ((x != x) || (x >= lo)) ? x : lo;
    return ((t != t) || (t <= hi)) ? t : hi;
}
HX_DEV float hx_sign_h(float a) {
    if (a != a) return a;
    if (a == 0.0f) return 0.0f;
    return __float_as_uint(a) < 0x80000000u ? 1.0f : -1.0f;
}
"""

# Per complex precision. $C: struct, $S: suffix, $T/$R: part type and its float suffix.
_COMPLEX = Template(r"""
/* ---- $C ($S) ------------------------------------------------------------------------------ */
HX_DEV $C hx_cadd_$S($C a, $C b) { return hx_mk_$S($ADD(a.re, b.re), $ADD(a.im, b.im)); }
HX_DEV $C hx_csub_$S($C a, $C b) { return hx_mk_$S($SUB(a.re, b.re), $SUB(a.im, b.im)); }
HX_DEV $C hx_cmul_$S($C a, $C b) {
    /* the scalar loop: no fused multiply-add */
    return hx_mk_$S($SUB($MUL(a.re, b.re), $MUL(a.im, b.im)), $ADD($MUL(a.re, b.im), $MUL(a.im, b.re)));
}
HX_DEV $C hx_cmul_fma_$S($C a, $C b) {
    /* NumPy's SIMD complex multiply with FMA3/NEON (npyv_muladdsub) */
    return hx_mk_$S(fma$M(a.re, b.re, -$MUL(a.im, b.im)), fma$M(a.re, b.im, $MUL(a.im, b.re)));
}
HX_DEV $C hx_cdiv_$S($C a, $C b) {
    $T ar = a.re, ai = a.im, br = b.re, bi = b.im;
    $T abr = fabs$M(br), abi = fabs$M(bi);
    if (abr >= abi) {
        if (abr == ($T)0 && abi == ($T)0) return hx_mk_$S($DIV(ar, abr), $DIV(ai, abi));
        $T rat = $DIV(bi, br);
        $T scl = $DIV(($T)1, $ADD(br, $MUL(bi, rat)));
        return hx_mk_$S($MUL($ADD(ar, $MUL(ai, rat)), scl), $MUL($SUB(ai, $MUL(ar, rat)), scl));
    }
    $T rat = $DIV(br, bi);
    $T scl = $DIV(($T)1, $ADD(bi, $MUL(br, rat)));
    return hx_mk_$S($MUL($ADD($MUL(ar, rat), ai), scl), $MUL($SUB($MUL(ai, rat), ar), scl));
}
HX_DEV $C hx_crecip_$S($C a) {
    $T ar = a.re, ai = a.im;
    if (fabs$M(ai) <= fabs$M(ar)) {
        $T r = $DIV(ai, ar);
        $T d = $ADD(ar, $MUL(ai, r));
        return hx_mk_$S($DIV(($T)1, d), $DIV(-r, d));
    }
    $T r = $DIV(ar, ai);
    $T d = $ADD($MUL(ar, r), ai);
    return hx_mk_$S($DIV(r, d), $DIV(($T)-1, d));
}
HX_DEV $T hx_cabs_any_$S($C a, bool fused) {
    /* loops_unary_complex.dispatch.c.src simd_cabsolute, one lane */
    $T inf = hx_inf_$R(), nan = hx_nan_$R();
    $T re = fabs$M(a.re), im = fabs$M(a.im);
    bool re_inf = re == inf, im_inf = im == inf;
    if (re_inf) im = inf;
    if (im_inf) re = inf;
    bool re_nn = re == re, im_nn = im == im;
    if (!re_nn) im = nan;
    if (!im_nn) re = nan;
    $T larger = re > im ? re : im;
    $T smaller = im < re ? im : re;
    $T ratio = (larger == ($T)0 || smaller == inf) ? ($T)0 : $DIV(smaller, larger);
    $T h = fused ? $SQRT(fma$M(ratio, ratio, ($T)1)) : $SQRT($ADD($MUL(ratio, ratio), ($T)1));
    return $MUL(h, larger);
}
HX_DEV $T hx_cabs_$S($C a) { return hx_cabs_any_$S(a, false); }
HX_DEV $T hx_cabs_fma_$S($C a) { return hx_cabs_any_$S(a, true); }
HX_DEV $C hx_csign_$S($C a) {
    $T re = a.re, im = a.im;
    $T ab = hypot$M(re, im);
    if (ab != ab) return hx_mk_$S(hx_nan_$R(), hx_nan_$R());
    if (isinf(ab)) {
        if (isinf(re)) {
            if (isinf(im)) return hx_mk_$S(hx_nan_$R(), hx_nan_$R());
            return hx_mk_$S(re > ($T)0 ? ($T)1 : ($T)-1, ($T)0);
        }
        return hx_mk_$S(($T)0, im > ($T)0 ? ($T)1 : ($T)-1);
    }
    if (ab == ($T)0) return hx_mk_$S(($T)0, ($T)0);
    return hx_mk_$S($DIV(re, ab), $DIV(im, ab));
}
HX_DEV bool hx_cgt_$S($C a, $C b) {
    return ((a.re > b.re) && (a.im == a.im) && (b.im == b.im)) || ((a.re == b.re) && (a.im > b.im));
}
HX_DEV bool hx_cge_$S($C a, $C b) {
    return ((a.re > b.re) && (a.im == a.im) && (b.im == b.im)) || ((a.re == b.re) && (a.im >= b.im));
}
HX_DEV bool hx_clt_$S($C a, $C b) {
    return ((a.re < b.re) && (a.im == a.im) && (b.im == b.im)) || ((a.re == b.re) && (a.im < b.im));
}
HX_DEV bool hx_cle_$S($C a, $C b) {
    return ((a.re < b.re) && (a.im == a.im) && (b.im == b.im)) || ((a.re == b.re) && (a.im <= b.im));
}
HX_DEV bool hx_ceq_$S($C a, $C b) { return (a.re == b.re) && (a.im == b.im); }
HX_DEV bool hx_cne_$S($C a, $C b) { return (a.re != b.re) || (a.im != b.im); }
HX_DEV $C hx_cmaximum_$S($C a, $C b) { return (a.re != a.re || a.im != a.im || hx_cge_$S(a, b)) ? a : b; }
HX_DEV $C hx_cminimum_$S($C a, $C b) { return (a.re != a.re || a.im != a.im || hx_cle_$S(a, b)) ? a : b; }
HX_DEV $C hx_cfmax_$S($C a, $C b) { return (b.re != b.re || b.im != b.im || hx_cge_$S(a, b)) ? a : b; }
HX_DEV $C hx_cfmin_$S($C a, $C b) { return (b.re != b.re || b.im != b.im || hx_cle_$S(a, b)) ? a : b; }
HX_DEV bool hx_cto_bool_$S($C a) { return (a.re != ($T)0) || (a.im != ($T)0); }
HX_DEV $C hx_cclip_$S($C x, $C lo, $C hi) {
    /* clip.cpp complex _NPY_MAX / _NPY_MIN (lexicographic, NaN of the first operand kept) */
    if (!(x.re != x.re || x.im != x.im || (x.re == lo.re ? x.im > lo.im : x.re > lo.re))) x = lo;
    if (!(x.re != x.re || x.im != x.im || (x.re == hi.re ? x.im < hi.im : x.re < hi.re))) x = hi;
    return x;
}
HX_DEV bool hx_cisnan_$S($C a) { return isnan(a.re) || isnan(a.im); }
HX_DEV bool hx_cisinf_$S($C a) { return isinf(a.re) || isinf(a.im); }
HX_DEV bool hx_cisfinite_$S($C a) { return isfinite(a.re) && isfinite(a.im); }
HX_DEV $C hx_cneg_$S($C a) { return hx_mk_$S(-a.re, -a.im); }
HX_DEV $C hx_cconj_$S($C a) { return hx_mk_$S(a.re, -a.im); }
HX_DEV $C hx_crint_$S($C a) { return hx_mk_$S(rint$M(a.re), rint$M(a.im)); }
HX_DEV $C hx_cexpm1_$S($C a) {
    /* funcs.inc.src nc_expm1 */
    $T x = a.re, y = a.im;
    $T s = sin$M($DIV(y, ($T)2));
    return hx_mk_$S($SUB($MUL(expm1$M(x), cos$M(y)), $MUL($MUL(($T)2, s), s)), $MUL(exp$M(x), sin$M(y)));
}
HX_DEV $C hx_clog1p_$S($C a) {
    /* funcs.inc.src nc_log1p */
    $T l = hypot$M($ADD(a.re, ($T)1), a.im);
    return hx_mk_$S(log$M(l), atan2$M(a.im, $ADD(a.re, ($T)1)));
}
""")

_TAIL = r"""
#endif /* HX_CUDA_OPS_H */
"""


def _float_block(bits: int) -> str:
    import struct

    import numpy as np

    if bits == 32:
        T, npT = np.float32, "float"

        def hexbits(v):
            return f"0x{struct.unpack('<I', struct.pack('<f', float(v)))[0]:08x}u"

        d = dict(T=npT, S="f32", M="f", U="unsigned int", TOB="__float_as_uint", OFB="__uint_as_float",
                 SIGN="0x80000000u", MAG="0x7fffffffu", EXP="0x7f800000u", ONEU="1u",
                 NANBITS="0x7fc00000u", ADD="__fadd_rn", SUB="__fsub_rn", MUL="__fmul_rn",
                 DIV="__fdiv_rn", SQRT="__fsqrt_rn")
    else:
        T, npT = np.float64, "double"

        def hexbits(v):
            return f"0x{struct.unpack('<Q', struct.pack('<d', float(v)))[0]:016x}ULL"

        d = dict(T=npT, S="f64", M="", U="unsigned long long", TOB="__double_as_longlong",
                 OFB="hx_bits_f64", SIGN="0x8000000000000000ULL", MAG="0x7fffffffffffffffULL",
                 EXP="0x7ff0000000000000ULL", ONEU="1ULL", NANBITS="0x7ff8000000000000ULL",
                 ADD="__dadd_rn", SUB="__dsub_rn", MUL="__dmul_rn", DIV="__ddiv_rn", SQRT="__dsqrt_rn")
    # the constants with NumPy's precision (numba_ops: T(T(pi)/T(180)) ...)
    d["LOGE2"] = hexbits(T(0.693147180559945309417232121458176568))
    d["LOG2E"] = hexbits(T(1.442695040888963407359924681001892137))
    d["DEG2RAD"] = hexbits(T(T(np.pi) / T(180.0)))
    d["RAD2DEG"] = hexbits(T(T(180.0) / T(np.pi)))
    return _FLOAT.substitute(d)


def _complex_block(bits: int) -> str:
    if bits == 64:
        d = dict(C="hx_c64", S="c64", T="float", R="f32", M="f", ADD="__fadd_rn", SUB="__fsub_rn",
                 MUL="__fmul_rn", DIV="__fdiv_rn", SQRT="__fsqrt_rn")
    else:
        d = dict(C="hx_c128", S="c128", T="double", R="f64", M="", ADD="__dadd_rn", SUB="__dsub_rn",
                 MUL="__dmul_rn", DIV="__ddiv_rn", SQRT="__dsqrt_rn")
    return _COMPLEX.substitute(d)


_BITS_F64 = r"""
HX_DEV double hx_bits_f64(unsigned long long b) { return __longlong_as_double((long long)b); }
"""

#: Version-dependent NumPy rules, asked of the installed NumPy (numba_ops does the same).
_NUMPY_RULES = (f"#define HX_HALF_NEXTAFTER_EQUAL_GIVES_Y "
                f"{int(np.signbit(np.nextafter(np.float16(0.0), np.float16(-0.0))))}\n")

#: The device helpers, CUDA C source (include-guarded).
PREAMBLE: str = (_HEAD + _NUMPY_RULES + _BITS_F64 + _float_block(32) + _float_block(64) + _FLOAT16
                 + _complex_block(64) + _complex_block(128) + _TAIL)
