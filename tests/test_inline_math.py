"""The CPU backend's own vectorizable math (``backends/numba_vecmath.py``, ``cpu_numba.INLINE_MATH``).

Each function is checked as a generated kernel calls it: special values exactly (NaN, +-inf,
+-0.0 with its sign, subnormals, saturation thresholds), a large sample of the whole float32
range against a float64 reference within the function's proven bound (the max ULP error that
``benchmarks/accuracy.py`` measured over every float32, which is at most NumPy's own), no
floating-point flag that NumPy's function does not raise, and the code generator's switch
(``HOLOGRAM_INLINE_MATH=0`` restores NumPy's bit-identical algorithms).
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install 'hologram_array[cpu]')")

from hologram_array.backends import cpu_numba  # noqa: E402

#: Max ULP error over all 2^32 float32 inputs (``python benchmarks/accuracy.py --exhaustive``),
#: NumPy's own in brackets. A change to a function must re-measure and update this table.
BOUNDS = {
    ("tanh", "float32"): 1.13,   # NumPy 1.37
    ("exp", "float32"): 1.0,     # NumPy 2.54 (its SIMD algorithm stays in numba_ops.exp_simd_f32)
    ("expm1", "float32"): 0.51,  # NumPy 2.62
    ("log1p", "float32"): 0.51,  # NumPy 1.96
    ("log2", "float32"): 0.51,   # NumPy 2.12
    ("log10", "float32"): 0.51,  # NumPy 3.49
    ("exp2", "float32"): 0.51,   # NumPy 2.84
    ("sinh", "float32"): 0.51,   # NumPy 1.55
    ("cosh", "float32"): 0.51,   # NumPy 2.48
    ("atanh", "float32"): 0.51,  # NumPy 1.45
    ("atan", "float32"): 0.51,   # NumPy 2.30
    ("asinh", "float32"): 0.51,  # NumPy 1.01
    ("acosh", "float32"): 0.51,  # NumPy 1.16
    ("asin", "float32"): 0.51,   # NumPy 3.12
    ("acos", "float32"): 0.51,   # NumPy 2.10
    ("tan", "float32"): 0.51,    # NumPy 3.90; ours 0.500 (float64 tan rounded beyond 2^20)
}

F32_SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-45, -1e-45, 1.1754942e-38,
                         1.17549435e-38, -1.17549435e-38, 2.0 ** -20, 2.0 ** -19, 1e-7, 0.5, 1.0,
                         np.nextafter(np.float32(1), np.float32(0)), 1.0000001, 9.0, 9.01, 9.02, 9.5,
                         10.0, 87.0, 89.0, 1e30, 3.4028235e38, -3.4028235e38,
                         # exp / log families: domain edges, exact results, overflow thresholds
                         -1.0, -1.0000001, -0.99999994, -2.0, 2.0, 0.25, 100.0, 1e10, -17.0,
                         -18.0, -30.0, -88.0, 88.72283, 88.72284, 89.41598, 89.41599, -89.41599,
                         127.99999, 128.0, -126.0, -127.66167, -127.661674, -149.0, -149.5,
                         -150.0, -151.0, -1e30, 0.99999994, -0.99999994,
                         # inverse trigonometric / hyperbolic: reduction edges, domain edges
                         0.41421354, 0.41421357, 2.4142134, 2.4142137, -1.0000001, 1.5, -1.5,
                         1e20, 1.8446744e19, -0.5, 0.50000006, 0.49999997,
                         # tan: near odd multiples of pi/2, the reduction's limit 2^20 (2^17
                         # until 2026-12-04), the rounds-to-x threshold 2^-12
                         1.5707964, -1.5707963, 3.1415927, 4.712389, 131071.99, 131072.0,
                         -131072.0, 1048575.94, 1048576.0, -1048576.0, 2.4414062e-4, 2.4414065e-4,
                         0.7853982], np.float32)


def _kernel(helper):
    import numba
    from hologram_array.backends import numba_ops

    fn = getattr(numba_ops, helper)

    clear, read = numba_ops.fpe_clear, numba_ops.fpe_read

    @numba.njit(error_model="numpy")
    def run(x, out):
        clear()
        for i in range(x.size):
            out[i] = fn(x[i])
        return read()  # the hardware's flags: np.errstate never sees a bare Numba loop's

    return run


#: NumPy's flag bits (as numba_ops.fpe_read returns them) -> np.errstate's category names.
_FLAG_NAMES = {1: "divide by zero", 2: "overflow", 4: "underflow", 8: "invalid value"}


def _hw_flags(bits: int) -> set[str]:
    return {name for bit, name in _FLAG_NAMES.items() if bits & bit}


def _ulps(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    _, e = np.frexp(np.abs(ref))
    with np.errstate(invalid="ignore"):  # inf - inf: an exact infinity, zeroed by the callers
        return np.abs(got.astype(np.float64) - ref) / np.ldexp(1.0, np.maximum(e - 24, -149))


def _sample_f32(n: int = 1 << 21, seed: int = 0) -> np.ndarray:
    """Random bit patterns over the whole float32 range plus a dense stretch of [-12, 12]."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    dense = rng.uniform(-12, 12, n).astype(np.float32)
    return np.concatenate([bits, dense, F32_SPECIALS])


#: Two-argument functions have their own tests below.
TWO_ARGS = ("pow", "hypot", "atan2", "logaddexp", "logaddexp2")
#: One-argument functions.
F32_ENTRIES = sorted((op, h) for (op, dt), h in cpu_numba.INLINE_MATH.items()
                     if dt == "float32" and op not in TWO_ARGS)


def test_every_float32_entry_has_a_bound():
    assert {(op, "float32") for op, _ in F32_ENTRIES} == set(BOUNDS)


@pytest.mark.parametrize("op,helper", F32_ENTRIES)
def test_float32_within_bound_and_specials_exact(op, helper):
    run = _kernel(helper)
    ufunc = getattr(np, op)
    x = _sample_f32()
    got = np.empty_like(x)
    run(x, got)
    with np.errstate(all="ignore"):
        ref = ufunc(x.astype(np.float64))
        theirs = ufunc(x)
    nan = np.isnan(ref)
    assert np.array_equal(np.isnan(got), nan)
    fin = ~nan
    err = _ulps(got[fin], ref[fin])
    err[got[fin] == ref[fin]] = 0.0
    over = np.abs(ref[fin]) > np.finfo(np.float32).max   # rounds to +-inf in float32
    err[over & np.isinf(got[fin]) & ((got[fin] > 0) == (ref[fin] > 0))] = 0.0
    worst = int(np.argmax(err))
    assert err[worst] <= BOUNDS[(op, "float32")], (x[fin][worst], got[fin][worst], ref[fin][worst])
    # special values: what NumPy gives, bit for bit (zeros keep their sign, NaN stays NaN)
    sg = np.empty_like(F32_SPECIALS)
    run(F32_SPECIALS, sg)
    with np.errstate(all="ignore"):
        sr = ufunc(F32_SPECIALS)
        # the correctly rounded value (float64 reference): NumPy's is not always (SVML's
        # atanh(1e-7) is 1 ULP below it), ours may be that one instead
        sc = ufunc(F32_SPECIALS.astype(np.float64)).astype(np.float32)
    same = (sg.view(np.uint32) == sr.view(np.uint32)) | (np.isnan(sg) & np.isnan(sr)) \
        | (sg.view(np.uint32) == sc.view(np.uint32))
    # away from the thresholds a special may differ from NumPy by its bound, not more
    near = _ulps(sg, sr.astype(np.float64)) <= BOUNDS[(op, "float32")]
    exact_required = ~np.isfinite(F32_SPECIALS) | (F32_SPECIALS == 0) | (np.abs(sr) == 1) \
        | (np.abs(F32_SPECIALS) < 2 ** -19)
    assert np.all(same[exact_required]), F32_SPECIALS[exact_required & ~same]
    assert np.all(same | near)
    h = x.size // 2
    agree = (got[:h] == theirs[:h]) | (np.isnan(got[:h]) & np.isnan(theirs[:h]))
    assert np.mean(agree) > 0.5  # mostly NumPy's own bits (NaN out of the domain)


def _flags(fn) -> set[str]:
    seen = set()

    def record(kind, flag):
        seen.add(kind)

    with np.errstate(all="call", call=record):
        fn()
    return seen


#: Flags an own function's arithmetic may raise beyond NumPy's, per argument: exp's subnormal
#: results round in one multiply (the hardware's underflow), where NumPy's SIMD exp raises none
#: above -103.97; a circuit's flags still equal NumPy's (the driver re-runs NumPy on a flag the
#: program does not ignore), so this costs a re-run only under np.errstate(under=...).
EXTRA_FLAGS = {"exp": lambda v: {"underflow"} if -103.972084 < v < -87.33654 else set()}


@pytest.mark.parametrize("op,helper", F32_ENTRIES)
def test_float32_raises_no_flag_numpy_does_not(op, helper):
    """Through a compiled circuit: the kernel's FP flags equal NumPy's on the special values."""
    import hologram_array as hx

    run = _kernel(helper)
    for v in F32_SPECIALS:
        x = np.full(64, v, np.float32)
        out = np.empty_like(x)
        ours = _hw_flags(run(x, out))
        theirs = _flags(lambda: getattr(np, op)(x))  # noqa: B023
        allowed = theirs | EXTRA_FLAGS.get(op, lambda v: set())(v) | ({"invalid value"} if np.isnan(v) else set())
        assert ours <= allowed, (v, ours, theirs)
    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        x = _sample_f32(1 << 16)
        x = x[np.isfinite(x)]
        ours = _flags(lambda: np.asarray(getattr(hx, op)(hx.asarray(x))))
        theirs = _flags(lambda: getattr(np, op)(x))
        assert ours == theirs
    finally:
        hx.config(**old)


def test_generated_source_uses_the_helper_and_the_switch_restores_numpy():
    from hologram_array.compiler.circuit import Circuit, InputSig, Instr

    c = Circuit((InputSig(np.dtype(np.float32), 1, (False,)),), (),
                (Instr("tanh", 1, (0,), np.dtype(np.float32)),), (1,), 1)
    assert "tanh_vec_f32(" in cpu_numba.generate_source(c)
    code = textwrap.dedent("""
        import numpy as np
        from hologram_array.backends import cpu_numba
        from hologram_array.compiler.circuit import Circuit, InputSig, Instr
        c = Circuit((InputSig(np.dtype(np.float32), 1, (False,)),), (),
                    (Instr("tanh", 1, (0,), np.dtype(np.float32)),), (1,), 1)
        src = cpu_numba.generate_source(c)
        assert "tanh_vec_f32(" not in src, src
        k = cpu_numba.compile_circuit(c, parallel=False)
        x = np.linspace(-10, 10, 100_001, dtype=np.float32)
        out = np.empty_like(x)
        k([x], (), [out])
        assert np.array_equal(out, np.tanh(x))  # NumPy's own algorithm, bit for bit
    """)
    env = dict(os.environ, HOLOGRAM_INLINE_MATH="0")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]


# ---------------------------------------------------------------------------------------------
# fast helpers with a slow path (cpu_numba.SLOW_PATHS): a block re-runs exactly where needed


def _sin_cos_circuit():
    from hologram_array.compiler.circuit import Circuit, InputSig, Instr

    f = np.dtype(np.float32)
    return Circuit((InputSig(f, 1, (False,)),), (),
                   (Instr("sin", 1, (0,), f), Instr("cos", 2, (0,), f), Instr("multiply", 3, (1, 2), f)),
                   (3, 1), 1)


@pytest.mark.skipif(cpu_numba.simd_port("sin", np.dtype(np.float32)) is None,
                    reason="NumPy does not use its own SIMD float32 sin here (nothing to port)")
def test_slow_path_blocks_rerun_exactly_and_aliasing_uses_the_exact_loop():
    c = _sin_cos_circuit()
    src = cpu_numba.generate_source(c)
    assert "HAS_SLOW_PATH = True" in src and "sin_fast_f32(" in src and "if slow:" in src
    k = cpu_numba.compile_circuit(c)
    rng = np.random.default_rng(3)
    x = rng.uniform(-100, 100, 3 * cpu_numba.BLOCK + 1001).astype(np.float32)
    x[[7, cpu_numba.BLOCK + 5, -1]] = [1e30, -3e5, np.inf]  # beyond Cody-Waite: blocks 0, 1, 3
    x[11] = np.nan
    with np.errstate(all="ignore"):
        ref = [np.sin(x) * np.cos(x), np.sin(x)]
    outs = [np.empty_like(x), np.empty_like(x)]
    res = k.run([x], (), outs)
    assert res.variant == "contig"
    for g, r in zip(outs, ref):
        assert np.array_equal(g, r, equal_nan=True)  # NumPy's own algorithm: bit for bit
    assert res.flags & 8  # sin(inf): invalid, as NumPy
    assert res.block_flags[2] == 0  # a block without big arguments or NaN raised nothing
    # an output that is the input: the exact loop (a re-run would read overwritten values)
    y = x.copy()
    other = np.empty_like(y)
    res = k.run([y], (), [y, other])
    assert res.variant == "strided"
    assert np.array_equal(y, ref[0], equal_nan=True) and np.array_equal(other, ref[1], equal_nan=True)


# ---------------------------------------------------------------------------------------------
# float64

#: Max ULP error on ``benchmarks/accuracy.py``'s 200,000 sampled float64 inputs (mpmath), with
#: NumPy's own in brackets.
BOUNDS_F64 = {
    ("tanh", "float64"): 1.05,   # NumPy 1.13
    ("exp2", "float64"): 0.66,   # NumPy 1.00 (0.68 for normal results)
    ("log", "float64"): 0.502,   # NumPy 0.59 (the C library's; 0.61 on this test's sample)
    ("exp", "float64"): 0.66,    # NumPy 0.71 (its SIMD exp; 0.72 on this test's sample)
    # double-double to the one final rounding (numba_vecmath64): 0.500 on 200,000 mpmath samples
    ("expm1", "float64"): 0.502,  # NumPy 0.51
    ("log1p", "float64"): 0.502,  # NumPy 0.59
    ("log2", "float64"): 0.502,   # NumPy 0.51
    ("log10", "float64"): 0.502,  # NumPy 0.53
    ("sinh", "float64"): 0.502,   # NumPy 0.76
    ("cosh", "float64"): 0.502,   # NumPy 0.75
    ("asinh", "float64"): 0.502,  # NumPy 0.69
    ("acosh", "float64"): 0.502,  # NumPy 0.50
    ("atanh", "float64"): 0.502,  # NumPy 0.67
    ("atan", "float64"): 0.502,   # NumPy 0.54
    ("asin", "float64"): 0.502,   # NumPy 0.75
    ("acos", "float64"): 0.502,   # NumPy 0.73
    # (|x| >= 2^26, the Payne-Hanek reduction: test_float64_trig_huge_arguments_against_mpmath)
    ("sin", "float64"): 0.502,    # NumPy 0.51
    ("cos", "float64"): 0.502,    # NumPy 0.51
    ("tan", "float64"): 0.502,    # NumPy 0.56
}
F64_ENTRIES = sorted((op, h) for (op, dt), h in cpu_numba.INLINE_MATH.items()
                     if dt == "float64" and op not in TWO_ARGS)  # (two arguments: PAIR_OPS_F64)
F64_SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308,
                         1e-300, 2.0 ** -27, 2.0 ** -26, 1e-8, 0.5, 0.75, np.nextafter(0.75, 0), 1.0,
                         19.0, 19.1, 22.0, 23.0, 710.0, 1e300, -1e300, 1.7976931348623157e308,
                         # exp: overflow and zero thresholds, subnormal results, rounds-to-1
                         709.782712893384, 709.7827128933841, -708.39, -708.4, -720.0, -744.4,
                         -745.0, -745.13, -745.14, -746.0, -800.0, 5.551115123125783e-17,
                         -5.551115123125783e-17, 1.1102230246251565e-16,
                         # exp2: integers (exact, subnormal ones too), its thresholds
                         -1022.0, -1022.5, -1074.0, -1074.5, -1075.0, -1075.5, -1076.0, 1023.0,
                         1023.9999, 1024.0, 3.0, -3.0, 0.5,
                         # expm1: where it rounds to -1; log1p: -1, below, both sides of its
                         # near-0 path; log2/log10: powers of two and ten; huge arguments
                         -36.0, -37.5, -40.0, -40.1, -1.0, -2.0, -0.9999999999999999, -0.29,
                         -0.2900000000000001, 0.41, 0.4099999999999999, 2.0 ** 53, 2.0 ** 1023,
                         0.125, 10.0, 100.0, 1e22, 1e-5, 0.1, 1e308,
                         # sinh/cosh: the overflow threshold, the series' end, rounds-to-x/1
                         710.4758600739439, 710.475860073944, -710.4758600739439, -710.475860073944,
                         0.3466, -0.3465, 2.0 ** -26, -1.4901161193847656e-08, 1e-9,
                         # asinh/acosh: log(2x) from 2^28; atanh: +-1, its rounds-to-x bound 2^-27
                         2.0 ** 28, 268435455.99999997, 1.0000000000000002, 0.9999999999999999,
                         -0.9999999999999999, 2.0 ** -27, 1.3e-8, 0.17, 0.5000000000000001,
                         # atan: its table's breakpoints, pi/2 from 2^60
                         0.0625, 0.1875, 0.9375, 2.0 ** 60, -1.1529215046068469e18, 1e-300,
                         # sin/cos/tan: multiples of pi/2 and pi/4, the vectorized path's end
                         # 2^26 (Payne-Hanek beyond), phases of millions of radians
                         1.5707963267948966, 3.141592653589793, 0.7853981633974483, 4.71238898038469,
                         1048575.9999999999, 1048576.0, -1e6, 67108863.99999999, 67108864.0, -6.5e7,
                         6283185.307179586])
#: Special values where ours must equal NumPy's bit for bit, per function (elsewhere: the bound).
F64_EXACT = {"tanh": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27) | (np.abs(x) >= 20),  # (NumPy rounds tanh(1.3e-8) down: 0.56 ULP)
             "exp": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -54) | (x > 709.79) | (x <= -746),
             "log": lambda x: ~np.isfinite(x) | (x <= 0) | (x == 1),
             "exp2": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -54) | (x >= 1024) | (x <= -1076)
             | ((x == np.round(x)) & (x >= -1074) & (x < 1024)),
             "expm1": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -54) | (x > 709.79) | (x <= -40),
             "log1p": lambda x: ~np.isfinite(x) | (x <= -1) | (np.abs(x) < 2.0 ** -54),
             "log2": lambda x: ~np.isfinite(x) | (x <= 0) | (np.frexp(x)[0] == 0.5),
             "log10": lambda x: ~np.isfinite(x) | (x <= 0) | np.isin(x, [1.0, 10.0, 100.0, 1e22]),
             "sinh": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -26) | (np.abs(x) > 710.476),
             "cosh": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -26) | (np.abs(x) > 710.476),
             "asinh": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -26),
             "acosh": lambda x: ~np.isfinite(x) | (x <= 1),
             "atanh": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27) | (np.abs(x) >= 1),
             "atan": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27) | (np.abs(x) >= 2.0 ** 60),
             "asin": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27) | (np.abs(x) >= 1),
             "acos": lambda x: ~np.isfinite(x) | (np.abs(x) >= 1) | (x == 0),
             "sin": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27),
             "cos": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27),
             "tan": lambda x: ~np.isfinite(x) | (np.abs(x) < 2.0 ** -27)}


def test_float64_constants():
    """numba_vecmath64's double-double constants, recomputed with mpmath (written as hex
    literals there: mpmath is a test dependency, not a runtime one)."""
    import mpmath as mp

    from hologram_array.backends import numba_ops  # noqa: F401 (first: it imports numba_vecmath64 at its end)
    from hologram_array.backends import numba_vecmath64 as m

    def split(c, bits=53):
        e = int(mp.floor(mp.log(abs(c), 2)))
        hi = float(mp.floor(c * mp.mpf(2) ** (bits - 1 - e)) / mp.mpf(2) ** (bits - 1 - e))
        return hi, float(c - hi)

    with mp.workdps(60):
        assert (m._IL_HI, m._IL_LO) == split(1 / mp.log(2))
        assert (m._D_LN2_53, m._D_LN2_53_LO) == split(mp.log(2))
        assert (m._LG2_HI, m._LG2_LO) == split(mp.log10(2), 42)
        assert (m._LGE_HI, m._LGE_LO) == split(1 / mp.log(10))
        assert m._LN2_LO == float(mp.log(2) - mp.mpf(float(m._LN2_HI)) - mp.mpf(float(m._LN2_MID)))
        assert (m._PIO2_HI, m._PIO2_LO) == split(mp.pi / 2)
    with mp.workprec(1400):
        bits = int(mp.floor(2 / mp.pi * mp.mpf(2) ** 1280))
    assert [int(c) for c in m._TWO_OVER_PI_BITS] == [(bits >> (32 * (39 - i))) & 0xFFFFFFFF for i in range(40)]


def test_own_math_imports_without_mpmath():
    """The CPU backend's runtime needs NumPy and Numba only."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['mpmath'] = None\n"
            "from hologram_array.backends import numba_ops\n"
            "print(numba_ops.log2_vec_f64(8.0))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "3.0", r.stderr[-2000:]


def test_every_float64_entry_has_a_bound():
    assert {(op, "float64") for op, _ in F64_ENTRIES} == set(BOUNDS_F64)



@pytest.mark.parametrize("op", ["sin", "cos"])
def test_float32_sin_cos_own_fallback_where_the_port_does_not_apply(op, monkeypatch):
    """Where NumPy's float32 sin/cos is not the algorithm cpu_numba's port reproduces (another
    NumPy build or version), the kernel calls our own (``cpu_numba.OWN_FALLBACK``) instead of the
    C library: 0.501 ULP of the float64 function, NumPy's special values, at least NumPy's
    flags, and a loop that still vectorizes."""
    import re

    from hologram_array.compiler.circuit import Circuit, InputSig, Instr

    monkeypatch.setitem(cpu_numba._ports_ok, (op, "float32"), False)   # as if NumPy differed
    dt = np.dtype(np.float32)
    c = Circuit((InputSig(dt, 1, (False,)),), (), (Instr(op, 1, (0,), dt),), (1,), 1)
    k = cpu_numba.compile_circuit(c, parallel=False, disk_cache=False)
    assert f"{op}_fast_f32_own(" in k.source and "slow |= tan_big_f32(" in k.source, k.source
    x = _sample_f32()
    got = np.empty_like(x)
    k([x], (), [got])
    ufunc = getattr(np, op)
    with np.errstate(all="ignore"):
        ref = ufunc(x.astype(np.float64))
        theirs = ufunc(F32_SPECIALS)
    nan = np.isnan(ref)
    assert np.array_equal(np.isnan(got), nan)
    err = _ulps(got[~nan], ref[~nan])
    assert err.max() <= 0.501, x[~nan][np.argmax(err)]
    sg = np.empty_like(F32_SPECIALS)
    k([F32_SPECIALS], (), [sg])
    exact = ~np.isfinite(F32_SPECIALS) | (F32_SPECIALS == 0) | (np.abs(F32_SPECIALS) < 2 ** -19)
    same = (sg.view(np.uint32) == theirs.view(np.uint32)) | (np.isnan(sg) & np.isnan(theirs))
    assert np.all(same[exact]), F32_SPECIALS[exact & ~same]
    for v in F32_SPECIALS:
        a = np.full(16, v, np.float32)
        ours = _hw_flags(k([a], (), [np.empty_like(a)]))
        assert _flags(lambda: ufunc(a)) <= ours, v  # noqa: B023 -- never fewer than NumPy's
    ir = "".join(k.dispatcher("contig").inspect_llvm().values())
    calls = set(re.findall(r"call [^\n]*?@(\S+?)\(", ir))
    assert not [name for name in calls if f"{op}_fast_f32_own" in name]
    assert re.search(r"<\d+ x (float|double)>", ir)

#: Arguments whose reduction modulo pi/2 is hardest: the doubles closest to a multiple of pi/2
#: (Muller, "Elementary Functions", table 11.1: 6381956970095103 x 2^797 leaves r ~ 2^-60.9),
#: both ends of the fast path's range, the largest double.
HUGE_TRIG = [6381956970095103 * 2.0 ** 797, float.fromhex("0x1.6ac5b262ca1ffp+851"),
             5319372648326541 * 2.0 ** 200, float.fromhex("0x1.fffffffffffffp+1023"), 2.0 ** 26,
             float.fromhex("0x1.0000000000001p+26"), 1e22, 2.0 ** 52 + 1, 1e300, 2.0 ** 1000]


@pytest.mark.parametrize("op", ["sin", "cos", "tan"])
def test_float64_trig_huge_arguments_against_mpmath(op):
    """|x| >= 2^26: the exact Payne-Hanek reduction (trig64_payne_hanek) then the same double-double
    sin r / cos r: within 0.501 ULP of mpmath at 1,400 bits on the hard cases and random
    magnitudes up to 2^1024; 2^20..2^26 (the vectorized path's five-part reduction), doubles
    nearest to multiples of pi/2 there included; float32 tan (float64 tan rounded beyond 2^20)
    too; and a compiled circuit (fast loop, then the block re-run) gives the helper's bits."""
    import mpmath as mp

    from hologram_array.backends import numba_ops

    rng = np.random.default_rng(7)
    x = np.ldexp(rng.uniform(1, 2, 400), rng.integers(20, 1024, 400)) * rng.choice([-1.0, 1.0], 400)
    with mp.workprec(200):   # the doubles nearest to k pi/2 for k up to 2^25: the smallest r there
        near = [float(mp.mpf(int(k)) * mp.pi / 2) for k in rng.integers(1 << 20, 1 << 25, 200)]
    x = np.concatenate([HUGE_TRIG, np.negative(HUGE_TRIG), x, near])
    run = _kernel(f"{op}_vec_f64")
    got = np.empty_like(x)
    assert run(x, got) & 0b1111 == 0                      # no flag (inexact is not one of them)
    ref_fn = getattr(mp, op)
    with mp.workprec(1400):
        refs = [ref_fn(mp.mpf(float(v))) for v in x]
        err = [float(abs(mp.mpf(float(g)) - r) / mp.mpf(math.ulp(float(r)))) for g, r in zip(got, refs)]
    worst = int(np.argmax(err))
    assert err[worst] <= 0.501, (x[worst], got[worst], float(refs[worst]))
    import hologram_array as hx

    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        arr = np.concatenate([np.linspace(-10, 10, 20000), x])   # mostly fast lanes, one slow block
        want = np.empty_like(arr)
        run(arr, want)
        circuit = np.asarray(getattr(hx, op)(hx.asarray(arr) * 1.0))
        assert np.array_equal(circuit.view(np.uint64), want.view(np.uint64))
    finally:
        hx.config(**old)
    if op != "tan":
        return
    x32 = rng.integers(0x48000000, 0x7F800000, 400, dtype=np.uint32).view(np.float32)
    run32 = _kernel("tan_vec_f32")
    g32 = np.empty_like(x32)
    run32(x32, g32)
    with mp.workprec(400):
        e32 = [float(abs(mp.mpf(float(g)) - mp.tan(mp.mpf(float(v)))) / mp.mpf(float(np.spacing(np.abs(g)))))
               for g, v in zip(g32, x32)]
    assert max(e32) <= 0.501


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="needs an 80-bit long double reference")
@pytest.mark.parametrize("op,helper", F64_ENTRIES)
def test_float64_within_bound_and_specials_exact(op, helper):
    run = _kernel(helper)
    ufunc = getattr(np, op)
    rng = np.random.default_rng(4)
    n = 1 << 19
    x = np.concatenate([np.exp2(rng.uniform(-60, 6, n)) * rng.choice([-1.0, 1.0], n),
                        rng.uniform(-25, 25, n), F64_SPECIALS])
    got = np.empty_like(x)
    run(x, got)
    with np.errstate(all="ignore"):
        ref = ufunc(x.astype(np.longdouble))  # the C library's long double: 11 more bits
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    fin = np.isfinite(ref) & (np.abs(ref) <= np.finfo(np.float64).max)
    _, e = np.frexp(np.abs(ref[fin]).astype(np.float64))
    err = np.abs(got[fin].astype(np.longdouble) - ref[fin]) / np.ldexp(1.0, np.maximum(e - 53, -1074))
    err = err.astype(np.float64)
    worst = int(np.argmax(err))
    # the reference's own error (2^-11 ULP) is inside the margin of the bound
    assert err[worst] <= BOUNDS_F64[(op, "float64")], (x[fin][worst], got[fin][worst])
    sg = np.empty_like(F64_SPECIALS)
    run(F64_SPECIALS, sg)
    with np.errstate(all="ignore"):
        sr = ufunc(F64_SPECIALS)
    exact = F64_EXACT[op](F64_SPECIALS)
    same = (sg.view(np.uint64) == sr.view(np.uint64)) | (np.isnan(sg) & np.isnan(sr))
    assert np.all(same[exact]), F64_SPECIALS[exact & ~same]
    with np.errstate(all="ignore"):
        ref_sp = ufunc(F64_SPECIALS.astype(np.longdouble))
    fin = np.isfinite(ref_sp) & (np.abs(ref_sp) <= np.finfo(np.float64).max)
    _, e = np.frexp(np.abs(ref_sp[fin]).astype(np.float64))
    err = (np.abs(sg[fin].astype(np.longdouble) - ref_sp[fin]) / np.ldexp(1.0, np.maximum(e - 53, -1074))).astype(float)
    assert err.max() <= 1.0, (F64_SPECIALS[fin][np.argmax(err)], err.max())  # subnormal results too
    for v in F64_SPECIALS:  # the helper's arithmetic raises no flag NumPy's function does not
        a = np.full(16, v)
        flags_ours = _hw_flags(run(a, np.empty_like(a)))
        flags_numpy = _flags(lambda: ufunc(a))  # noqa: B023
        assert flags_ours <= flags_numpy, (v, flags_ours, flags_numpy)
    # through a compiled circuit (software flags included): NumPy's flags
    import hologram_array as hx

    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        for v in F64_SPECIALS:
            a = np.full(4096, v)
            assert _flags(lambda: np.asarray(getattr(hx, op)(hx.asarray(a)))) == _flags(lambda: ufunc(a)), v  # noqa: B023
    finally:
        hx.config(**old)


# ---- two arguments: float32 pow ----------------------------------------------------------------

#: Max ULP error of pow_vec_f32 against float64's power, rounded, over the sample of
#: ``test_pow_float32_accuracy`` (``benchmarks/accuracy.py pow``: ours 0.500 on 4M sampled pairs,
#: NumPy's own float32 power here 1.21 with SVML).
POW_BOUND = 0.51

POW_SPECIALS = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, np.inf, -np.inf, np.nan,
                         1e-45, -1e-45, 1.5, -1.5, 2.2, 1e30, -1e30, 0.3333, 7.0, -7.0, 16777216.0,
                         16777217.0, 8388609.0, -8388609.0, 8388608.5, 100.0, -100.5, 1e-20,
                         3.4028235e38, 0.99999994, 1.0000001, -126.0, -149.0, -150.0, 128.0, 127.5],
                        np.float32)


def _pow_kernel():
    return _pair_kernel("pow_vec_f32")


def _pow_grid():
    return np.repeat(POW_SPECIALS, POW_SPECIALS.size), np.tile(POW_SPECIALS, POW_SPECIALS.size)


def test_pow_float32_special_cases_exact():
    """Every pair of special values (signed zeros, infinities, NaN, +-1, integer and non-integer
    exponents, odd and even, results that overflow, underflow or are exact): the C99 answer,
    which NumPy's float64 power gives exactly here, rounded once -- and NaN exactly where NumPy's
    float32 power gives NaN."""
    x, y = _pow_grid()
    got = np.empty_like(x)
    _pow_kernel()(x, y, got)
    with np.errstate(all="ignore"):
        ref = np.power(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)
        numpy32 = np.power(x, y)
    same = ((got == ref) & (np.signbit(got) == np.signbit(ref))) | (np.isnan(got) & np.isnan(ref))
    assert same.all(), list(zip(x[~same][:8], y[~same][:8], got[~same][:8], ref[~same][:8]))
    assert np.array_equal(np.isnan(got), np.isnan(numpy32))


def test_pow_float32_accuracy():
    rng = np.random.default_rng(7)
    n = 1 << 20
    x = (np.exp2(rng.uniform(-40, 40, n)) * rng.choice([1.0, -1.0], n)).astype(np.float32)
    y = rng.uniform(-10, 10, n).astype(np.float32)
    y[::2] = np.round(y[::2])                      # negative bases need integer exponents
    x[1::4] = rng.uniform(0.9, 1.1, n // 4).astype(np.float32)   # near 1: large exponents matter
    y[1::4] = rng.uniform(-3000, 3000, n // 4).astype(np.float32)
    got = np.empty_like(x)
    _pow_kernel()(x, y, got)
    with np.errstate(all="ignore"):
        ref = np.power(x.astype(np.float64), y.astype(np.float64))
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    fin = np.isfinite(ref) & (np.abs(ref) < 3.4e38)
    err = _ulps(got[fin], ref[fin])
    assert err.max() <= POW_BOUND, (x[fin][np.argmax(err)], y[fin][np.argmax(err)], err.max())


def test_pow_float32_flags_like_numpy():
    """The helper's own arithmetic raises nothing NumPy's power does not (special grid); through
    a compiled circuit, the flags (raised in software) equal NumPy's -- except that NumPy's SVML
    power (AVX512_SKX builds) also raises underflow for an exact tiny result, which the C
    library does not."""
    import hologram_array as hx
    from numpy._core._multiarray_umath import __cpu_features__ as feats

    x, y = _pow_grid()
    out = np.empty_like(x)
    run = _pow_kernel()
    for a, b in zip(x.reshape(-1, POW_SPECIALS.size), y.reshape(-1, POW_SPECIALS.size)):
        ours = _hw_flags(run(a, b, out[:a.size]))
        theirs = _flags(lambda: np.power(a, b))  # noqa: B023
        assert ours <= theirs | {"invalid value"}, (a[0], ours, theirs)
    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        rng = np.random.default_rng(8)
        for xs, ys in [(rng.uniform(0.5, 2, 4096), rng.uniform(-5, 5, 4096)),          # no flag
                       (rng.uniform(2, 10, 4096), rng.uniform(60, 200, 4096)),        # overflow
                       (rng.uniform(3, 10, 4096), rng.uniform(-200, -60, 4096)),      # underflow
                       (-rng.uniform(1, 2, 4096), rng.uniform(0.1, 0.9, 4096)),       # invalid
                       (np.zeros(4096), -rng.uniform(1, 3, 4096))]:                   # divide
            xs, ys = xs.astype(np.float32), ys.astype(np.float32)
            ours = _flags(lambda: np.asarray(hx.pow(hx.asarray(xs), hx.asarray(ys))))  # noqa: B023
            theirs = _flags(lambda: np.power(xs, ys))  # noqa: B023
            assert ours == theirs or (feats.get("AVX512_SKX") and ours | {"underflow"} == theirs), (ours, theirs)
    finally:
        hx.config(**old)


def test_pow_generated_source_calls_the_pieces():
    from hologram_array.compiler.circuit import Circuit, InputSig, Instr

    f32 = np.dtype(np.float32)
    c = Circuit((InputSig(f32, 1, (False,)), InputSig(f32, 1, (False,))), (),
                (Instr("pow", 2, (0, 1), f32),), (2,), 1)
    src = cpu_numba.generate_source(c)
    assert "pow_fix_f32(" in src and "pow_t_f64(" in src and "fl_pow_over_f32(" in src


# ---- two arguments: float32 hypot (the C library's, bit for bit) -------------------------------


def test_hypot_float32_is_the_c_librarys_bit_for_bit_with_its_flags():
    import numba

    import hologram_array as hx
    from hologram_array.backends import numba_ops

    fn = numba_ops.hypot_vec_f32

    @numba.njit(error_model="numpy")
    def run(x, y, out):
        for i in range(x.size):
            out[i] = fn(x[i], y[i])

    rng = np.random.default_rng(9)
    n = 1 << 20
    bits = rng.integers(0, 1 << 32, (2, n), dtype=np.uint64).astype(np.uint32).view(np.float32)
    grid_x, grid_y = _pow_grid()
    x = np.concatenate([bits[0], rng.uniform(-10, 10, n).astype(np.float32), grid_x])
    y = np.concatenate([bits[1], rng.uniform(-10, 10, n).astype(np.float32), grid_y])
    got = np.empty_like(x)
    run(x, y, got)
    with np.errstate(all="ignore"):
        ref = np.hypot(x, y)
    assert np.array_equal(got.view(np.uint32)[~np.isnan(ref)], ref.view(np.uint32)[~np.isnan(ref)])
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    # flags through a compiled circuit (the kernel reports the hardware's; a bare Numba loop's
    # are invisible to np.errstate): no flag, overflow, underflow of an inexact tiny result
    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        for xs, ys in [(rng.uniform(-10, 10, 4096), rng.uniform(-10, 10, 4096)),
                       (np.full(4096, 3e38), rng.uniform(1e38, 3e38, 4096)),
                       (np.full(4096, 1e-45), np.full(4096, 1e-45)),
                       (np.full(4096, 1e-45), np.zeros(4096))]:
            xs, ys = xs.astype(np.float32), ys.astype(np.float32)
            ours = _flags(lambda: np.asarray(hx.hypot(hx.asarray(xs), hx.asarray(ys))))  # noqa: B023
            assert ours == _flags(lambda: np.hypot(xs, ys))  # noqa: B023
    finally:
        hx.config(**old)


# ---- two arguments: float32 atan2 and logaddexp (float64 inside, ~0.5 ULP) -------------------

#: Max ULP error against the long-double function over ``benchmarks/accuracy.py``'s 4M sampled
#: pairs: ours 0.500 for both; NumPy's float32 functions here 3.27 (arctan2, SVML) and 3.3e6
#: (logaddexp: float32 arithmetic, 0 where the terms cancel).
PAIR_BOUND = 0.51
PAIR_OPS = {"atan2": ("atan2_vec_f32", np.arctan2), "logaddexp": ("logaddexp_vec_f32", np.logaddexp),
            "logaddexp2": ("logaddexp2_vec_f32", np.logaddexp2)}
PAIR_SPECIALS = np.concatenate([POW_SPECIALS, np.array(
    [87.33654, 87.33655, -87.33655, 0.6931472, -0.6931472, -0.69314712, 1e-40, -1e-40, 3e38, -3e38,
     1.1754944e-38, 126.0, 126.00001, -126.00001, 150.0, -1.0, -2.0, -3.0], np.float32)])


def _pair_kernel(helper):
    """A loop calling a two-argument helper element by element; returns the hardware's flags."""
    import numba
    from hologram_array.backends import numba_ops

    fn = getattr(numba_ops, helper)
    clear, read = numba_ops.fpe_clear, numba_ops.fpe_read

    @numba.njit(error_model="numpy")
    def run(x, y, out):
        clear()
        for i in range(x.size):
            out[i] = fn(x[i], y[i])
        return read()

    return run


def _pair_sample(op, n=1 << 20, seed=12):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 1 << 32, (2, n), dtype=np.uint64).astype(np.uint32).view(np.float32)
    u = rng.uniform(-100, 100, (2, n)).astype(np.float32)
    x = np.concatenate([bits[0], u[0]])
    y = np.concatenate([bits[1], u[1]])
    if op in ("logaddexp", "logaddexp2"):  # the result nearly cancels: x near -ln 2 (-1), y below x
        c = rng.uniform(-0.75, -0.6, n).astype(np.float32) * np.float32(1.0 if op == "logaddexp" else 1.5)
        x = np.concatenate([x, c])
        y = np.concatenate([y, (c - rng.uniform(0, 0.2, n)).astype(np.float32)])
    return x, y


@pytest.mark.parametrize("op", sorted(PAIR_OPS))
def test_pair_float32_special_cases_exact(op):
    """Every pair of special values (signed zeros, infinities, NaN, subnormals, the overflow and
    underflow thresholds): the long-double function's answer rounded once, sign included."""
    helper, npfn = PAIR_OPS[op]
    x, y = np.repeat(PAIR_SPECIALS, PAIR_SPECIALS.size), np.tile(PAIR_SPECIALS, PAIR_SPECIALS.size)
    got = np.empty_like(x)
    _pair_kernel(helper)(x, y, got)
    with np.errstate(all="ignore"):
        ref = npfn(x.astype(np.longdouble), y.astype(np.longdouble)).astype(np.float32)
    same = ((got == ref) & (np.signbit(got) == np.signbit(ref))) | (np.isnan(got) & np.isnan(ref))
    assert same.all(), list(zip(x[~same][:8], y[~same][:8], got[~same][:8], ref[~same][:8]))


@pytest.mark.parametrize("op", sorted(PAIR_OPS))
def test_pair_float32_accuracy(op):
    helper, npfn = PAIR_OPS[op]
    x, y = _pair_sample(op)
    got = np.empty_like(x)
    _pair_kernel(helper)(x, y, got)
    with np.errstate(all="ignore"):
        ref = npfn(x.astype(np.longdouble), y.astype(np.longdouble))
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    fin = np.isfinite(ref) & (np.abs(ref) < 3.4e38)
    _, e = np.frexp(np.abs(ref[fin]).astype(np.float64))
    err = (np.abs(got[fin].astype(np.longdouble) - ref[fin]) / np.ldexp(1.0, np.maximum(e - 24, -149))).astype(float)
    assert err.max() <= PAIR_BOUND, (x[fin][np.argmax(err)], y[fin][np.argmax(err)], err.max())


@pytest.mark.parametrize("op", sorted(PAIR_OPS))
def test_pair_float32_flags_like_numpy(op):
    """The helper's own arithmetic raises no flag NumPy's function does not (special grid, row
    by row); through a compiled circuit the flags equal NumPy's: its own where the kernel's
    software flags say NumPy raises (overflow, underflow, invalid), NumPy re-run where they
    over-approximate."""
    import hologram_array as hx

    helper, npfn = PAIR_OPS[op]
    run = _pair_kernel(helper)
    out = np.empty(PAIR_SPECIALS.size, np.float32)
    for v in PAIR_SPECIALS:
        a = np.full(PAIR_SPECIALS.size, v, np.float32)
        ours = _hw_flags(run(a, PAIR_SPECIALS, out))
        assert ours <= _flags(lambda: npfn(a, PAIR_SPECIALS)), (v, ours)  # noqa: B023
    hxfn = getattr(hx, op)
    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        rng = np.random.default_rng(13)
        n = 4096
        for xs, ys in [(rng.uniform(-5, 5, n), rng.uniform(-5, 5, n)),             # no flag
                       (np.full(n, 50.0), rng.uniform(-60, -40, n)),                  # expf underflows
                       (np.full(n, 3e38), np.full(n, -3e38)),                         # x - y overflows
                       (np.full(n, np.nan), rng.uniform(-5, 5, n)),                   # NaN
                       (np.zeros(n), np.full(n, -100.0)),                             # tiny result
                       (np.full(n, 1e-40), rng.uniform(1, 5, n)),                     # atan2: tiny
                       (np.full(n, 1e-30), np.full(n, 1e30))]:
            xs, ys = xs.astype(np.float32), ys.astype(np.float32)
            ours = _flags(lambda: np.asarray(hxfn(hx.asarray(xs), hx.asarray(ys))))  # noqa: B023
            assert ours == _flags(lambda: npfn(xs, ys)), (op, xs[0], ys[0])  # noqa: B023
    finally:
        hx.config(**old)


# ---- two arguments: float64 (double-double to one rounding) ------------------------------------

#: Max ULP error against the long-double function (64-bit significands: 2^-11 of a float64 ULP)
#: over ``_pair_sample_f64``; ``benchmarks/accuracy.py``'s mpmath run: 0.500 for each.
PAIR_BOUND_F64 = 0.502
PAIR_OPS_F64 = {op: (h, {"atan2": np.arctan2, "pow": np.power}.get(op) or getattr(np, op))
                for (op, dt), h in cpu_numba.INLINE_MATH.items() if dt == "float64" and op in TWO_ARGS}
PAIR_SPECIALS_F64 = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0,
                              -3.0, 2.5, -2.5, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e-300,
                              1e300, -1e300, 1.7976931348623157e308, -1.7976931348623157e308, 1e-20,
                              1e20, 709.78, -745.0, 1024.0, -1074.0, 0.9999999999999999,
                              1.0000000000000002, 7.0, 1e-8])


def _pair_sample_f64(op, n=1 << 18, seed=21):
    """Random bit patterns (NaN, inf, subnormals: everywhere), log-uniform magnitudes 2^-60..2^60
    and a dense stretch of [-20, 20]^2."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 1 << 64, (2, n), dtype=np.uint64).view(np.float64)
    mag = np.exp2(rng.uniform(-60, 60, (2, n))) * rng.choice([-1.0, 1.0], (2, n))
    u = rng.uniform(-20, 20, (2, n))
    return np.concatenate([bits[0], mag[0], u[0]]), np.concatenate([bits[1], mag[1], u[1]])


def _pair_ulp_f64(got, ref):
    fin = np.isfinite(ref) & (np.abs(ref) <= np.finfo(np.float64).max)
    _, e = np.frexp(np.abs(ref[fin]).astype(np.float64))
    err = np.abs(got[fin].astype(np.longdouble) - ref[fin]) / np.ldexp(1.0, np.maximum(e - 53, -1074))
    return fin, err.astype(np.float64)


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="needs an 80-bit long double reference")
@pytest.mark.parametrize("op", sorted(PAIR_OPS_F64))
def test_pair_float64_specials_exact_and_accuracy(op):
    """Every pair of special values: NumPy's answer bit for bit where either operand is 0, inf
    or NaN (C99's special cases), within the bound elsewhere; a large sample within the bound
    of the long-double function."""
    helper, npfn = PAIR_OPS_F64[op]
    run = _pair_kernel(helper)
    x, y = np.repeat(PAIR_SPECIALS_F64, PAIR_SPECIALS_F64.size), np.tile(PAIR_SPECIALS_F64, PAIR_SPECIALS_F64.size)
    got = np.empty_like(x)
    run(x, y, got)
    with np.errstate(all="ignore"):
        ref = npfn(x, y)
        ref_ld = npfn(x.astype(np.longdouble), y.astype(np.longdouble))
    special = (~np.isfinite(x)) | (~np.isfinite(y))
    if op in ("atan2", "hypot", "pow"):  # C99's special cases of zero operands too
        special |= (x == 0) | (y == 0)
    same = (got.view(np.uint64) == ref.view(np.uint64)) | (np.isnan(got) & np.isnan(ref))
    assert same[special].all(), list(zip(x[special & ~same][:6], y[special & ~same][:6], got[special & ~same][:6]))
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    fin, err = _pair_ulp_f64(got, ref_ld)
    assert err.max() <= 1.0, (x[fin][np.argmax(err)], y[fin][np.argmax(err)], err.max())  # subnormal results too
    xs, ys = _pair_sample_f64(op)
    got = np.empty_like(xs)
    run(xs, ys, got)
    with np.errstate(all="ignore"):
        ref = npfn(xs.astype(np.longdouble), ys.astype(np.longdouble))
        ref64 = npfn(xs, ys)
    assert np.array_equal(np.isnan(got), np.isnan(ref64))
    # where the result cancels (logaddexp: max + log1p(e^-d) near 0), the long double's 11 more
    # bits are not enough: those points are checked against mpmath instead
    with np.errstate(invalid="ignore"):  # NaN operands
        scale = np.maximum(np.maximum(np.abs(xs), np.abs(ys)), 1.0).astype(np.longdouble)
        cancels = np.isfinite(ref) & (np.abs(ref) < scale * 2.0 ** -8) if op.startswith("logaddexp") \
            else np.zeros(xs.size, bool)
    fin, err = _pair_ulp_f64(got, ref)
    keep = ~cancels[fin]
    normal = (np.abs(ref[fin]) >= np.finfo(np.float64).tiny) & keep  # subnormal: absolute error
    worst = int(np.argmax(np.where(normal, err, 0)))
    assert err[normal].max() <= PAIR_BOUND_F64, (xs[fin][worst], ys[fin][worst], err[worst])
    assert err[~normal & keep].max(initial=0) <= 1.0
    import mpmath as mp

    mpf = {"logaddexp": lambda a, b: max(a, b) + mp.log1p(mp.exp(-abs(a - b))),   # no cancellation
           "logaddexp2": lambda a, b: max(a, b) + mp.log1p(mp.power(2, -abs(a - b))) / mp.log(2)}.get(op)
    with mp.workprec(160):
        for a, b, g in list(zip(xs[cancels], ys[cancels], got[cancels]))[:3000]:
            r = mpf(mp.mpf(float(a)), mp.mpf(float(b)))
            if r == 0:  # e.g. logaddexp(0, -inf)
                assert g == 0, (a, b, g)
                continue
            ulp = 2.0 ** max(int(mp.floor(mp.log(abs(r), 2))) - 52, -1074)
            assert float(abs(mp.mpf(float(g)) - r)) / ulp <= PAIR_BOUND_F64, (a, b, g)


@pytest.mark.parametrize("op", sorted(PAIR_OPS_F64))
def test_pair_float64_flags_like_numpy(op):
    """The helper's arithmetic raises no flag NumPy's function does not on ordinary values, and
    through a compiled circuit the flags equal NumPy's (software flags where NumPy raises one
    the arithmetic does not; the driver's NumPy re-run where they over-approximate)."""
    import hologram_array as hx

    helper, npfn = PAIR_OPS_F64[op]
    rng = np.random.default_rng(17)
    n = 4096
    cases = [(rng.uniform(-5, 5, n), rng.uniform(-5, 5, n)),                 # no flag
             (np.full(n, 1e-310), np.full(n, 1.0)),                          # tiny results
             (np.full(n, 1e-310), np.full(n, 3e-310)), (np.full(n, 5e-324), np.full(n, 5e-324)),
             (np.full(n, 1e-300), np.full(n, 1e10)),
             (np.full(n, 1e300), np.full(n, 1e-300)),                        # huge ratios
             (np.full(n, np.nan), rng.uniform(-5, 5, n)),
             (np.full(n, 1e308), np.full(n, 1e308)),                         # overflow
             (np.full(n, -1e308), np.full(n, 3.0)),
             (np.zeros(n), np.full(n, -100.0)),
             (np.full(n, 2.0), np.full(n, 1100.0)), (np.full(n, 2.0), np.full(n, -1100.0))]
    xs, ys = cases[0]
    a = _hw_flags(_pair_kernel(helper)(xs, ys, np.empty(n)))
    assert a <= _flags(lambda: npfn(xs, ys)), a
    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        for xs, ys in cases:
            ours = _flags(lambda: np.asarray(getattr(hx, op)(hx.asarray(xs), hx.asarray(ys))))  # noqa: B023
            assert ours == _flags(lambda: npfn(xs, ys)), (op, xs[0], ys[0])  # noqa: B023
    finally:
        hx.config(**old)


# ---- the generated kernels call the pieces as the whole helper would --------------------------


_OWN_ENTRIES = sorted((op, dt, h) for (op, dt), h in cpu_numba.INLINE_MATH.items()
                      if dt in ("float32", "float64"))


@pytest.mark.parametrize("op,dt,helper", _OWN_ENTRIES)
def test_kernel_pieces_equal_the_helper(op, dt, helper, monkeypatch):
    """A compiled circuit calls the helper's pieces (cpu_numba.INLINE_TEMPLATES, SLOW_PATHS' fast
    helpers): on random bit patterns, magnitudes and specials its results are the whole helper's,
    bit for bit (a piece wired wrongly would show here first)."""
    import hologram_array as hx
    from hologram_array.compiler import jit

    # the compiled kernel, whatever the driver is measuring at the moment (an earlier test may
    # have run this circuit: its next run could be the NumPy executor's turn, 1 ulp apart)
    monkeypatch.setattr(jit, "choose", lambda *a, **k: jit.NUMBA)

    rng = np.random.default_rng(31)
    n = 1 << 14
    two = op in TWO_ARGS
    f64 = dt == "float64"
    cols = []
    for _ in range(2 if two else 1):
        bits = (rng.integers(0, 1 << 64, n, dtype=np.uint64).view(np.float64) if f64 else
                rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32).view(np.float32))
        mag = (np.exp2(rng.uniform(-40, 40, n)) * rng.choice([-1.0, 1.0], n)).astype(dt)
        specials = F64_SPECIALS if f64 else F32_SPECIALS
        cols.append(np.concatenate([bits, mag, rng.uniform(-20, 20, n).astype(dt), rng.permutation(specials)]))
    m = min(c.size for c in cols)
    cols = [c[:m] for c in cols]
    want = np.empty(m, dt)
    (_pair_kernel(helper)(*cols, want) if two else _kernel(helper)(cols[0], want))
    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        with np.errstate(all="ignore"):
            got = np.asarray(getattr(hx, op)(*[hx.asarray(c) for c in cols]))
    finally:
        hx.config(**old)
    u = np.uint64 if f64 else np.uint32
    assert got.dtype == want.dtype
    same = (got.view(u) == want.view(u)) | (np.isnan(got) & np.isnan(want))
    assert same.all(), [(tuple(c[i] for c in cols), got[i], want[i]) for i in np.flatnonzero(~same)[:5]]


# ---- the generated loops vectorize ------------------------------------------------------------

#: Helpers the contiguous loop calls per op (after INLINE_TEMPLATES and SLOW_PATHS): none of
#: them may be left as a call -- LLVM's inliner works to a size threshold, a helper a little
#: too large stays a call, and the whole fused loop then runs one element at a time (pow went
#: from 3 to 24 ns per element that way).
VECTOR_LOOPS = {"tanh": ("tanh_vec_f32",), "exp": ("exp_vec_f32",), "expm1": ("expm1_vec_f32",),
                "tan": ("tan_fast_f32",),
                "hypot": ("hypot_vec_f32",), "atan2": ("atan2_vec_f32",),
                "logaddexp": ("lae_fix_f32", "log1p_01_f64", "exp_neg_f64", "lae_d_f64"),
                "logaddexp2": ("lae2_fix_f32", "log1p_01_f64", "exp_neg_f64", "lae2_d_f64"),
                "exp64": ("exp64_fix", "exp64_poly", "exp64_arg"),
                "exp264": ("exp2_64_fix", "exp2_64_poly", "exp2_64_arg"),
                "log64": ("log64_fix", "log64_l", "log64_m"),
                "log264": ("log2_64_fix", "log64_l", "log64_m"),
                "log1064": ("log10_64_fix", "log64_l", "log64_m"),
                "log1p64": ("log1p_64_fix", "log1p_dd_l", "log1p_64_t"),
                "expm164": ("expm1_64_fix", "expm1_64_e", "expm1_64_arg"),
                "sinh64": ("sinh_64_fix", "expm1_64_e", "sinh_64_small", "hyp64_arg"),
                "cosh64": ("cosh_64_fix", "expm1_64_e", "hyp64_arg"),
                "asinh64": ("asinh_64_fix", "asinh_64_t", "log1p_dd_kfc", "log1p_dd_fc"),
                "acosh64": ("acosh_64_fix", "acosh_64_t", "log1p_dd_kfc", "log1p_dd_fc"),
                "atanh64": ("atanh_64_fix", "atanh_64_t", "log1p_dd_l"),
                "atan64": ("atan_64_fix", "atan_64_w", "atan_dd_s", "atan_dd_t", "atan_clamp_w"),
                "asin64": ("asin_64_fix", "asin_64_w", "atan_dd_s", "atan_dd_t", "atan_clamp_w"),
                "acos64": ("acos_64_fix", "acos_64_w", "atan_dd_s", "atan_dd_t", "atan_clamp_w"),
                "atan264": ("atan2_64_fix", "atan2_64_w", "atan_dd_s", "atan_dd_t", "atan_clamp_w"),
                "hypot64": ("hypot_64_fix", "hypot_64_s"),
                "sin64": ("sin64_fix", "trig64_red", "trig64_s", "trig64_c"),
                "cos64": ("cos64_fix", "trig64_red", "trig64_s", "trig64_c"),
                "tan64": ("tan64_fix", "trig64_red", "trig64_s", "trig64_c"),
                "pow64": ("pow64_fix", "pow64_mag", "pow64_p", "pow64_e", "pow64_y_kind", "pow64_ax", "log64_l", "log64_m"),
                "logaddexp64": ("lae64_fix", "lae64_near", "lae64_lt", "lae_dd_t", "lae64_r", "lae64_nd", "log1p_dd_kfc", "log1p_dd_fc",
                                "exp64_fix", "exp64_poly", "exp64_arg"),
                "logaddexp264": ("lae2_64_fix", "lae2_64_near", "lae2_64_lt", "lae_dd_t", "lae2_64_r", "lae64_nd", "log1p_dd_kfc",
                                 "log1p_dd_fc", "exp2_64_fix", "exp2_64_poly", "exp2_64_arg"),
                "pow": ("pow_fix_f32", "pow_exp2_t_f32", "pow_t_f64", "pow_y_kind_f32")}


@pytest.mark.parametrize("op", sorted(VECTOR_LOOPS))
def test_generated_loop_inlines_its_helpers_and_vectorizes(op):
    import re

    from hologram_array.compiler.circuit import Circuit, InputSig, Instr

    dt = np.dtype(np.float64 if op.endswith("64") else np.float32)
    name = op[:-2] if op.endswith("64") else op
    nin = 2 if name in TWO_ARGS else 1
    c = Circuit(tuple(InputSig(dt, 1, (False,)) for _ in range(nin)), (),
                (Instr(name, nin, tuple(range(nin)), dt),), (nin,), 1)
    k = cpu_numba.compile_circuit(c, parallel=False)
    k([np.linspace(0.5, 2, 1000, dtype=dt) for _ in range(nin)], (), [np.empty(1000, dt)])
    ir = "".join(k.dispatcher("contig").inspect_llvm().values())
    calls = set(re.findall(r"call [^\n]*?@(\S+?)\(", ir))
    left = [name for name in calls if any(h in name for h in VECTOR_LOOPS[op])]
    assert not left, f"{op}: helpers left as calls in the loop: {left}"
    assert re.search(r"<\d+ x (float|double)>", ir), f"{op}: no vector instructions in the kernel"


# ---- the NaN of an invalid operation --------------------------------------------------------

#: Out-of-domain arguments of own functions; NumPy's array loops return x86's default NaN there
#: (sign bit set), which a later signbit or copysign sees.
INVALID_ARGS = {"asin": (2.0, -2.0), "acos": (2.0, -2.0), "atanh": (2.0, -2.0), "acosh": (0.5, -3.0),
                "log1p": (-2.0,), "log2": (-1.0,), "log10": (-1.0,), "log": (-1.0, -np.inf)}


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("op", sorted(INVALID_ARGS))
def test_invalid_results_carry_numpys_nan_sign(op, dt):
    import hologram_array as hx

    if dt == np.float64 and (op, "float64") not in cpu_numba.INLINE_MATH:
        pytest.skip(f"float64 {op}: the C library's (not an own function yet)")

    old = hx.config(compile="sync", jit_min=0, eager_below=0)
    try:
        for v in INVALID_ARGS[op]:
            x = np.full(4096, v, dt)
            with np.errstate(all="ignore"):
                ref = getattr(np, {"asin": "arcsin", "acos": "arccos", "atanh": "arctanh",
                                   "acosh": "arccosh"}.get(op, op))(x)
                got = np.asarray(getattr(hx, op)(hx.asarray(x)))
            assert np.isnan(got).all() and np.array_equal(np.signbit(got), np.signbit(ref)), (op, v)
    finally:
        hx.config(**old)
