"""The Numba backend (backends/cpu_numba.py) against the NumPy executor, op by op and dtype by dtype.

Every op-table row is run on every dtype it supports, over edge values (NaN, +-inf, +-0.0,
subnormals, integer min/max, zero divisors, shifts past the width ...), and compared output by
output with ``numpy_exec`` (the reference, bit-identical to eager NumPy):

* equal values, NaN where NumPy has NaN, and the sign of every float that is not NaN;
* transcendental ops may differ by a few ULP (``MAX_ULP``) where NumPy uses code of its own
  (SIMD, SVML) that this machine's kernel does not reproduce -- on x86-64 with AVX2+FMA3 they
  are exact (the ports in numba_ops), but not on every CPU NumPy dispatches for;
* documented exceptions: float -> uint32 of NaN/inf/out-of-range values and the sign of
  fmax/fmin(+0.0, -0.0) (NumPy's own result depends on the element's position).

Compiling costs ~0.05 s per op on 2 cores, so the op x dtype matrix is a few big multi-output
circuits built directly (one per dtype for unary ops and casts, one per dtype pair for binary
ops), compiled without threads (``parallel=False``: the same loop body, a third of the compile
time); the structural tests (contiguous and broadcast/strided paths, parameters, multi-output
circuits, the disk cache) use the production ``parallel=True`` kernels.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install 'hologram_array[cpu]')")

import hologram_array as hx  # noqa: E402
from hologram_array.backends import cpu_numba, numba_reduce, numpy_exec  # noqa: E402
from hologram_array.compiler.circuit import Circuit, InputSig, Instr  # noqa: E402
from hologram_array.compiler.circuit import stretched_mask as cpu_stretched  # noqa: E402
from hologram_array.compiler.materialize import prepare  # noqa: E402
from hologram_array.expr.infer import resolve  # noqa: E402
from hologram_array.expr.ops import OPS, TRANSCENDENTAL  # noqa: E402

DTYPES = [np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                np.uint32, np.uint64, np.float16, np.float32, np.float64, np.complex64,
                                np.complex128)]
UNARY = sorted(n for n, s in OPS.items() if s.ufunc is not None and s.arity == 1)
BINARY = sorted(n for n, s in OPS.items() if s.ufunc is not None and s.arity == 2)
TERNARY = sorted(n for n, s in OPS.items() if s.ufunc is not None and s.arity == 3)
MAX_ULP = int(os.environ.get("HOLOGRAM_NUMBA_MAX_ULP", "4"))  # 0: demand bit-exact results
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MIXED_PAIRS = [(np.dtype(a), np.dtype(b)) for a, b in [
    ("?", "b"), ("B", "b"), ("b", "B"), ("H", "h"), ("I", "i"), ("l", "L"), ("L", "b"),
    ("b", "e"), ("H", "e"), ("i", "f"), ("L", "f"), ("e", "f"), ("d", "e"), ("f", "d"),
    ("f", "F"), ("d", "F"), ("F", "D"), ("b", "F"), ("?", "D"),
    ("e", "b"), ("f", "i"), ("d", "l"), ("f", "l"), ("d", "?"),  # ldexp's (float, int) loops
]]


# ---------------------------------------------------------------------------------------------
# fixtures and inputs


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """All kernels of this session in one fresh disk-cache directory."""
    d = tmp_path_factory.mktemp("hologram_numba_cache")
    old = os.environ.get("HOLOGRAM_CACHE_DIR")
    os.environ["HOLOGRAM_CACHE_DIR"] = str(d)
    yield d
    if old is None:
        os.environ.pop("HOLOGRAM_CACHE_DIR", None)
    else:
        os.environ["HOLOGRAM_CACHE_DIR"] = old


#: NumPy and hx warn alike here; the comparisons, not the warnings, are under test.
pytestmark = pytest.mark.usefixtures("quiet_numpy")


def edge_values(dt: np.dtype) -> np.ndarray:
    dt = np.dtype(dt)
    rng = np.random.default_rng(DTYPES.index(dt) + 7)
    if dt.kind == "b":
        return np.array([False, True, True, False, True, False])
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, 2, 3, 5, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127, 128, 255,
                int(info.max), int(info.max) - 1, int(info.max) // 2 + 1]
        if dt.kind == "i":
            vals += [-1, -2, -3, -7, -8, -64, int(info.min), int(info.min) + 1, int(info.min) // 2]
        vals = [v for v in vals if info.min <= v <= info.max]
        rnd = rng.integers(int(info.min), int(info.max), size=6, endpoint=True, dtype=dt)
        return np.concatenate([np.array(vals, dtype=dt), rnd])
    if dt.kind == "f":
        fi = np.finfo(dt)
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.5, 3.0, -3.0, 10.0, math.pi, 100.5,
                -700.0, 90.0, 1e5, float("nan"), float("inf"), float("-inf"), float(fi.tiny),
                -float(fi.tiny), float(fi.smallest_subnormal), -float(fi.smallest_subnormal),
                float(fi.max), -float(fi.max), float(fi.eps), 2.0 ** 31, -2.0 ** 31 - 512, 2.0 ** 63, 1e19]
        base = np.array(vals, dtype=np.float64).astype(dt)
        rnd = np.concatenate([rng.standard_normal(6) * 10, rng.uniform(-1, 1, 4)]).astype(dt)
        neg_nan = np.copysign(np.array(np.nan, dtype=dt), dt.type(-1))
        return np.concatenate([base, rnd, neg_nan[None]])
    part = np.dtype(dt.char.lower())
    f = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, np.nan, np.inf, -np.inf,
                  float(np.finfo(part).tiny), float(np.finfo(part).max), 1e-3, 20.0], dtype=part)
    re, im = np.repeat(f, len(f)), np.tile(f, len(f))
    z = np.zeros(len(re), dt)
    z.real, z.imag = re, im
    rnd = np.zeros(8, dt)
    rnd.real, rnd.imag = rng.standard_normal(8) * 3, rng.standard_normal(8) * 3
    return np.concatenate([z, rnd])


def grid(a: np.ndarray, b: np.ndarray, limit: int = 1600) -> tuple[np.ndarray, np.ndarray]:
    A, B = np.repeat(a, len(b)), np.tile(b, len(a))
    step = max(1, len(A) // limit)
    return A[::step], B[::step]


def circuit(in_dtypes, instrs_spec, out_ndim: int = 1) -> Circuit:
    """A circuit over 1-d inputs: ``instrs_spec`` = [(op, srcs[, dtype])], every result an output."""
    ni = len(in_dtypes)
    instrs, outs = [], []
    reg_dtypes = [np.dtype(d) for d in in_dtypes]
    for k, (op, srcs, *dt) in enumerate(instrs_spec):
        d = dt[0] if dt else resolve(op, tuple(reg_dtypes[s] for s in srcs))[1]
        reg_dtypes.append(np.dtype(d))
        instrs.append(Instr(op, ni + k, tuple(srcs), np.dtype(d)))
        outs.append(ni + k)
    inputs = tuple(InputSig(np.dtype(d), out_ndim, (False,) * out_ndim) for d in in_dtypes)
    return Circuit(inputs, (), tuple(instrs), tuple(outs), out_ndim)


def supported(op: str, dts) -> bool:
    try:
        resolve(op, tuple(dts))
        return True
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------
# comparing


def _same_float(a, b):
    return (np.isnan(a) & np.isnan(b)) | ((a == b) & (np.signbit(a) == np.signbit(b)))


def _ulps(got, ref):
    g, r = got.astype(np.float64), ref.astype(np.float64)
    sp = np.spacing(np.maximum(np.abs(ref), np.finfo(ref.dtype).tiny).astype(ref.dtype)).astype(np.float64)
    return np.abs(g - r) / sp


def assert_same(got, ref, what, *, transcendental=False, ignore=None):
    assert got.dtype == ref.dtype, (what, got.dtype, ref.dtype)
    if got.dtype.kind == "c":
        for part in ("real", "imag"):
            assert_same(np.ascontiguousarray(getattr(got, part)), np.ascontiguousarray(getattr(ref, part)),
                        f"{what}.{part}", transcendental=transcendental, ignore=ignore)
        return
    if got.dtype.kind == "f":
        ok = _same_float(got, ref)
        if transcendental:
            finite = np.isfinite(got) & np.isfinite(ref)
            ok |= finite & (_ulps(got, ref) <= MAX_ULP)
    else:
        ok = got == ref
    if ignore is not None:
        ok |= ignore
    if not ok.all():
        bad = np.flatnonzero(~ok)[:5]
        raise AssertionError(f"{what}: {(~ok).sum()} of {ok.size} differ; at {bad.tolist()}: "
                             f"got {got.ravel()[bad].tolist()} expected {ref.ravel()[bad].tolist()}")


def run_both(c: Circuit, buffers, values=(), *, parallel: bool = False, shape=None, order="C"):
    shape = shape if shape is not None else np.broadcast_shapes(*[np.shape(b) for b in buffers])
    kernel = cpu_numba.compile_circuit(c, parallel=parallel)
    got = [np.empty(shape, d, order=order) for d in c.output_dtypes]
    ref = [np.empty(shape, d) for d in c.output_dtypes]
    kernel(buffers, values, got)
    numpy_exec.run(numpy_exec.Plan(c), buffers, values, ref)
    return kernel, got, ref


def check_outputs(c: Circuit, buffers, got, ref):
    ni = c.n_inputs
    own_math: set[int] = set()  # registers computed from an INLINE_MATH function's result
    for j, (ins, g, r) in enumerate(zip(c.instrs, got, ref)):
        loop = (resolve(ins.op, tuple(c.reg_dtype(s) for s in ins.srcs))[0]
                if OPS[ins.op].ufunc is not None else (c.reg_dtype(ins.srcs[0]),))
        transcendental = OPS[ins.op].cost == TRANSCENDENTAL and loop[0].kind in "fc"
        if cpu_numba.inline_math(ins.op, loop[0]) or own_math.intersection(ins.srcs):
            own_math.add(ins.dst)
            if not transcendental and g.dtype.kind == "f":
                # a few ULP of the function's result, carried by later arithmetic
                eps = float(np.finfo(g.dtype).eps)
                close = np.abs(g.astype(np.float64) - r) <= MAX_ULP * eps * np.maximum(1.0, np.abs(r))
                assert np.all(close | _same_float(g, r)), (ins, g[~close][:5], r[~close][:5])
                continue
        ignore = None
        if (transcendental and cpu_numba.inline_math(ins.op, loop[0]) and g.dtype.kind == "f"
                and all(s < ni for s in ins.srcs)):
            # ours may be more accurate than NumPy's (float32 logaddexp: NumPy's float32
            # arithmetic is thousands of ULP off where the two terms cancel): within one ULP of
            # the long-double function counts as right too
            args = [np.broadcast_to(buffers[s], g.shape).astype(np.longdouble) for s in ins.srcs]
            with np.errstate(all="ignore"):
                exact = OPS[ins.op].ufunc(*args)
                sp = np.spacing(np.abs(exact).astype(g.dtype)).astype(np.longdouble)
                ignore = np.isfinite(exact) & (np.abs(g.astype(np.longdouble) - exact) <= sp)
        if ins.op in ("fmax", "fmin") and loop[0].kind == "f" and loop[0] != np.float16:
            a, b = (np.broadcast_to(buffers[s], g.shape) for s in ins.srcs)
            ignore = (a == 0) & (b == 0)  # NumPy: SIMD body and scalar tail pick different zeros
        if ins.op == "astype" and ins.dtype == np.uint32:
            x = buffers[ins.srcs[0]] if ins.srcs[0] < ni else None
            if x is not None and x.dtype.kind in "fc" and x.dtype != np.float16:
                xr = np.real(x).astype(np.float64)
                ignore = ~((xr > -2.0 ** 31) & (xr < 2.0 ** 32))  # position-dependent in NumPy
        assert_same(g, r, f"{ins.op}{tuple(str(d) for d in loop)} -> {ins.dtype}",
                    transcendental=transcendental, ignore=ignore)


# ---------------------------------------------------------------------------------------------
# every op x every dtype


def test_every_row_has_numba_templates():
    for name, s in OPS.items():
        assert s.numba, f"op-table row {name!r} has no numba templates"
        for kinds, template in s.numba:
            assert set(kinds) <= set("biuefcx"), (name, kinds)
            constant = name in ("isfinite", "isinf", "isnan", "imag")
            assert "{0}" in template or "{cmp}" in template or constant, (name, template)


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_unary_ops_and_casts(dt):
    names = [n for n in UNARY if supported(n, (dt,))]
    spec = [(n, (0,)) for n in names] + [("astype", (0,), d) for d in DTYPES]
    if dt.kind == "c":
        part = np.dtype(dt.char.lower())
        spec += [("real", (0,), part), ("imag", (0,), part)]
    else:
        spec += [("imag", (0,), dt)]
    c = circuit([dt], spec)
    x = edge_values(dt)
    _, got, ref = run_both(c, [x])
    check_outputs(c, [x], got, ref)


def _binary_spec(da, db, ci_nonneg: int, ci_cond: int):
    spec = []
    for n in BINARY:
        if not supported(n, (da, db)):
            continue
        if n == "pow" and np.result_type(da, db).kind in "iu" and db.kind in "ib":
            spec.append((n, (0, ci_nonneg)))  # NumPy raises for negative integer exponents
        else:
            spec.append((n, (0, 1)))
    spec.append(("where", (ci_cond, 0, 1), np.result_type(da, db)))
    return spec


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_binary_and_ternary_ops(dt):
    a, b = grid(edge_values(dt), edge_values(dt))
    nonneg = np.where(b > 0, b, 0).astype(dt) if dt.kind == "i" else b
    cond = (np.arange(len(a)) % 3) == 0
    hi = b[::-1].copy()
    spec = _binary_spec(dt, dt, 2, 3)
    for n in TERNARY:
        if supported(n, (dt, dt, dt)):
            spec.append((n, (0, 1, 4)))
    c = circuit([dt, dt, dt, np.dtype(bool), dt], spec)
    bufs = [a, b, nonneg, cond, hi]
    _, got, ref = run_both(c, bufs)
    check_outputs(c, bufs, got, ref)


@pytest.mark.parametrize("pair", MIXED_PAIRS, ids=lambda p: f"{p[0]}-{p[1]}")
def test_binary_ops_mixed_dtypes(pair):
    da, db = pair
    xa, xb = edge_values(da), edge_values(db)
    if da.kind == "c":
        xa = xa[::5]
    if db.kind == "c":
        xb = xb[::5]
    a, b = grid(xa, xb, 1200)
    nonneg = np.where(b > 0, b, 0).astype(db) if db.kind == "i" else b
    cond = (np.arange(len(a)) % 3) == 0
    c = circuit([da, db, db, np.dtype(bool)], _binary_spec(da, db, 2, 3))
    bufs = [a, b, nonneg, cond]
    _, got, ref = run_both(c, bufs)
    check_outputs(c, bufs, got, ref)


def test_negative_integer_power_raises():
    c = circuit([np.dtype(np.int32), np.dtype(np.int32)], [("pow", (0, 1))])
    kernel = cpu_numba.compile_circuit(c, parallel=False)
    out = [np.empty(3, np.int32)]
    kernel([np.array([2, 3, 4], np.int32), np.array([2, 0, 3], np.int32)], (), out)
    assert out[0].tolist() == [4, 1, 64]
    with pytest.raises(ValueError, match="negative integer powers"):
        kernel([np.array([2, 3, 4], np.int32), np.array([2, -1, 3], np.int32)], (), out)


# ---------------------------------------------------------------------------------------------
# parameters (weak and strong scalars), through the real recording + compiler path


def _lazy_cases():
    u8 = hx.asarray(np.arange(256, dtype=np.uint8))
    i64 = hx.asarray(np.array([-2**63, -1, 0, 1, 2**63 - 1] * 8, dtype=np.int64))
    u64 = hx.asarray(np.array([0, 1, 2**63, 2**64 - 1, 7] * 8, dtype=np.uint64))
    f16 = hx.asarray(np.array([0.5, -1.5, 65504, np.nan, -0.0, 1e-7, 3, -2] * 5, dtype=np.float16))
    f32 = hx.asarray(np.linspace(-3, 3, 40, dtype=np.float32))
    c64 = hx.asarray((np.linspace(-1, 1, 40) + 1j * np.linspace(2, -2, 40)).astype(np.complex64))
    s_f64 = hx.asarray(np.float64(2.5))   # 0-d arrays: strong scalars
    s_i8 = hx.asarray(np.int8(-3))
    s_b = hx.asarray(np.bool_(True))
    s_f16 = hx.asarray(np.float16(0.1))
    return {
        "uint8": [u8 < 300, u8 >= -1, 300 > u8, u8 == 256, u8 != -5, u8 + 3, u8 * 2.5, u8 + s_i8,
                  u8 & True, hx.where(u8 > 100, 7, -1), u8 // 7, u8 % 9, u8 << 3, (u8 + 3) * 2 - 3],
        "int64": [i64 < 2**63, i64 > -2**64, i64 == 2**63, i64 // -1, i64 % -1, i64 >> 70,
                  i64 << 64, i64 + s_i8, i64 * 3],
        "uint64": [u64 <= 2**64, u64 > -1, u64 == 2**63, u64 ** 3, u64 - 1, u64 >= 2**63],
        "float16": [f16 * 0.1 + 100000, f16 + 1e-8, hx.where(f16 > 0, 1e10, f16), f16 * s_f16,
                    f16 > 2**100, f16 * s_f64, hx.clip(f16, -1, 1)],
        "float32": [f32 * s_f64, f32 ** 2, f32 + 1j, hx.where(f32 > 0, 1.5, f32), hx.clip(f32, 0, 1),
                    hx.clip(f32, -0.0, 0.0), (f32 > 0) & s_b, f32 > 2**100, hx.sqrt(f32 * f32 * 3) - 1,
                    hx.exp(-f32 * f32) / 3, f32 / 0.0, f32 // -0.5, hx.maximum(f32, 0)],
        "complex64": [c64 * (1 + 2j), c64 / (0.5 - 1j), c64 ** 2, abs(c64), c64 + s_f64],
    }


@pytest.mark.parametrize("group", ["uint8", "int64", "uint64", "float16", "float32", "complex64"])
def test_params_weak_and_strong_multi_output(group):
    hx.config(eager_below=0)
    nodes = [e._node for e in _lazy_cases()[group]]
    prep = prepare(nodes)
    c, b = prep.circuit, prep.binding
    assert c.params, c.listing()
    assert len(c.outputs) > 1
    kernel, got, ref = run_both(c, b.buffers, b.values, parallel=True, shape=b.shape)
    own = _own_math_registers(c)
    for j, (g, r) in enumerate(zip(got, ref)):
        _assert_output(g, r, c.outputs[j] in own, f"output {j} of\n{c.listing()}")
    # other values, same circuit and kernel (values are arguments, not constants)
    kernel(b.buffers, b.values, got)
    for j, (g, r) in enumerate(zip(got, ref)):
        _assert_output(g, r, c.outputs[j] in own, "rerun")


def _own_math_registers(c: Circuit) -> set[int]:
    """Registers computed from an own (INLINE_MATH) function's result: within a few ULP of
    NumPy's, not bit-identical."""
    own: set[int] = set()
    for ins in c.instrs:
        loop = (resolve(ins.op, tuple(c.reg_dtype(s) for s in ins.srcs))[0]
                if OPS[ins.op].ufunc is not None else (c.reg_dtype(ins.srcs[0]),))
        if cpu_numba.inline_math(ins.op, loop[0]) or own.intersection(ins.srcs):
            own.add(ins.dst)
    return own


def _assert_output(g, r, own_math: bool, what: str):
    if own_math and g.dtype.kind == "f":
        eps = float(np.finfo(g.dtype).eps)
        close = np.abs(g.astype(np.float64) - r) <= MAX_ULP * eps * np.maximum(1.0, np.abs(r))
        assert np.all(close | _same_float(g, r)), (what, g[~close][:5], r[~close][:5])
    else:
        assert_same(g, r, what)



@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_nan_free_operands_drop_nan_tests(dt):
    """maximum/minimum/fmax/fmin with a Python-int (or integer-array) operand, and clip with
    int bounds, use the shorter templates (``cpu_numba._NAN_FREE_TEMPLATES``, ``clip_const_nn``):
    bit-identical to NumPy on edge values (NaN of either sign, +-0.0 ties with 0, +-inf), the
    sign of every zero included. A float scalar (which may be NaN) keeps the op table's helper."""
    hx.config(eager_below=0)
    x = hx.asarray(edge_values(np.dtype(dt)))
    ints = hx.asarray(np.resize(np.array([0, 1, -1, 3, 0, -2], np.int32), x.shape))
    exprs = [hx.maximum(x, 0), hx.maximum(0, x), hx.minimum(x, 0), hx.minimum(0, x),
             hx.maximum(x, -2), hx.minimum(x, 3), hx.fmax(x, 0), hx.fmin(x, 0), hx.fmax(x, 2),
             hx.clip(x, 0, 4), hx.clip(x, -1, 0), hx.maximum(x, ints), hx.minimum(ints, x),
             hx.maximum(x, 0.5)]
    prep = prepare([e._node for e in exprs])
    src = cpu_numba.generate_source(prep.circuit)
    assert "clip_const_nn_" in src and " if not (" in src and "maximum_f" in src  # the last: 0.5
    _, got, ref = run_both(prep.circuit, prep.binding.buffers, prep.binding.values, shape=prep.binding.shape)
    for j, (g, r) in enumerate(zip(got, ref)):
        assert_same(g, r, f"output {j} of\n{prep.circuit.listing()}")
    ex = np.asarray(x)
    with np.errstate(all="ignore"):
        assert_same(got[0], np.maximum(ex, 0), "maximum(x, 0) vs NumPy")
        assert_same(got[9], np.clip(ex, 0, 4), "clip(x, 0, 4) vs NumPy")

# ---------------------------------------------------------------------------------------------
# layouts: contiguous, broadcast, strided, non-contiguous outputs, 0-d, empty


def test_broadcast_and_strided_inputs_and_outputs():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 1, 5)).astype(np.float32)
    b = rng.standard_normal((40, 5))
    c16 = rng.standard_normal((5, 40)).T.astype(np.float16)      # transposed: strided
    d = rng.integers(-5, 5, (5,)).astype(np.int8)
    e = rng.integers(0, 2, (3, 40, 5)).astype(bool)[:, ::-1, :]  # negative strides
    dts = [a.dtype, b.dtype, c16.dtype, d.dtype, e.dtype]
    shape = (3, 40, 5)
    inputs = tuple(InputSig(dt, 3, cpu_stretched(v.shape, shape)) for dt, v in zip(dts, (a, b, c16, d, e)))
    r = len(inputs)
    spec = [("multiply", (0, 1)), ("add", (r, 2)), ("divide", (r + 1, 3)),
            ("where", (4, 2, 3), np.dtype(np.float16)), ("astype", (0,), np.dtype(np.int16)),
            ("logical_xor", (4, 0))]
    instrs = []
    for k, (op, srcs, *dt) in enumerate(spec):
        tokens = tuple(inputs[s].dtype if s < r else instrs[s - r].dtype for s in srcs)
        dd = dt[0] if dt else resolve(op, tokens)[1]
        instrs.append(Instr(op, r + k, srcs, np.dtype(dd)))
    outs = (r + 2, r + 3, r + 4, r + 5, 1, r + 2)  # an input as an output, one register twice
    c = Circuit(inputs, (), tuple(instrs), outs, 3)
    bufs = [a, b, c16, d, e]
    for order in ("C", "F"):
        kernel, got, ref = run_both(c, bufs, parallel=True, shape=(3, 40, 5), order=order)
        for j, (g, rr) in enumerate(zip(got, ref)):
            assert_same(g, rr, f"output {j} (order {order})")
    assert "strided" in kernel._ready
    # full-shape C-contiguous inputs and outputs take the flat kernel
    full = [np.ascontiguousarray(np.broadcast_to(v, (3, 40, 5))) for v in bufs]
    c_full = Circuit(tuple(InputSig(s.dtype, 3, (False,) * 3) for s in inputs), (), c.instrs, outs, 3)
    kernel, got, ref = run_both(c_full, full, parallel=True, shape=(3, 40, 5))
    for g, rr in zip(got, ref):
        assert_same(g, rr, "contiguous")
    assert list(kernel._ready) == ["contig"]


def test_in_place_output_aliasing_an_input():
    x = np.linspace(-2, 2, 1000).astype(np.float64)
    c = circuit([x.dtype, x.dtype], [("multiply", (0, 1)), ("add", (2, 0))])
    c = Circuit(c.inputs, (), c.instrs, (3,), 1)
    expected = x * x + x
    kernel = cpu_numba.compile_circuit(c)
    kernel([x, x], (), [x])  # x += x*x, as ``a += a*a`` evaluates
    assert_same(x, expected, "in place")


def test_zero_dim_and_empty():
    c = Circuit((InputSig(np.dtype(np.float32), 0, ()),), (float,),
                (Instr("multiply", 2, (0, 1), np.dtype(np.float32)),), (2,), 0)
    kernel = cpu_numba.compile_circuit(c)
    out = np.empty((), np.float32)
    kernel([np.array(3.0, np.float32)], (0.5,), [out])
    assert out[()] == np.float32(1.5)
    c1 = circuit([np.dtype(np.int16)], [("negative", (0,))])
    kernel = cpu_numba.compile_circuit(c1)
    kernel([np.empty(0, np.int16)], (), [np.empty(0, np.int16)])  # nothing to do, no error
    kernel([], (), [])


# ---------------------------------------------------------------------------------------------
# the generated source


def test_generate_source_is_readable_and_deterministic():
    hx.config(eager_below=0)
    x = hx.asarray(np.arange(10, dtype=np.float32))
    p1 = prepare([(x * 2 + 1)._node])
    p2 = prepare([(x * 3 + 5)._node])
    s1 = cpu_numba.generate_source(p1.circuit)
    assert s1 == cpu_numba.generate_source(p2.circuit)  # same structure, different values
    assert s1 == cpu_numba.generate_source(p1.circuit)
    assert "def kernel_contig(" in s1 and "def kernel_strided(" in s1
    # contig, its non-temporal-store twin (x86-64), strided
    assert s1.count("numba.prange(") == 2 + cpu_numba.STREAMING
    assert ("def kernel_contig_nt(" in s1) == cpu_numba.STREAMING
    assert "parallel=True" in s1 and "cache=True" in s1 and "error_model='numpy'" in s1
    assert "fastmath" not in s1
    for ins in p1.circuit.instrs:  # one comment per instruction, naming op and dtypes
        assert f"= {ins.op}(" in s1 and f"-> {ins.dtype.name}" in s1
    compile(s1, "<kernel>", "exec")
    assert "parallel=False" in cpu_numba.generate_source(p1.circuit, parallel=False)


def test_not_implemented_is_raised_naming_op_and_dtype(monkeypatch):
    c = circuit([np.dtype(np.longdouble)], [("negative", (0,))])
    with pytest.raises(NotImplementedError, match="longdouble|float128|float96"):
        cpu_numba.compile_circuit(c)
    monkeypatch.setattr(cpu_numba, "clibm_available", lambda: False)
    c = circuit([np.dtype(np.complex128)], [("exp", (0,))])
    with pytest.raises(NotImplementedError, match=r"'exp'.*complex128"):
        cpu_numba.generate_source(c)
    monkeypatch.undo()
    monkeypatch.setitem(OPS, "add", replace(OPS["add"], numba=(("b", "{0} | {1}"),)))
    c = circuit([np.dtype(np.float64), np.dtype(np.float64)], [("add", (0, 1))])
    with pytest.raises(NotImplementedError, match=r"'add'.*float64"):
        cpu_numba.compile_circuit(c)


def test_numba_not_imported_with_hologram_array():
    code = ("import sys, hologram_array, hologram_array.backends.cpu_numba as c\n"
            "assert 'numba' not in sys.modules and 'llvmlite' not in sys.modules\n"
            "print(c.available(), 'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


# ---------------------------------------------------------------------------------------------
# the disk cache

_CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    from hologram_array.backends import cpu_numba
    from hologram_array.compiler.circuit import Circuit, InputSig, Instr
    c = Circuit((InputSig(np.dtype(np.float32), 1, (False,)),), (float,),
                (Instr("multiply", 2, (0, 1), np.dtype(np.float32)),
                 Instr("tanh", 3, (2,), np.dtype(np.float32))), (3,), 1)
    k = cpu_numba.compile_circuit(c)
    out = np.empty(1000, np.float32)
    k([np.linspace(-2, 2, 1000, dtype=np.float32)], (1.5,), [out])
    ref = np.tanh(np.linspace(-2, 2, 1000, dtype=np.float32) * np.float32(1.5))
    close = np.abs(out - ref) <= 2 * np.spacing(np.abs(ref))  # own tanh: within its ULP bound
    print(json.dumps({"hits": k.cache_hits(), "disk": k.disk_cached, "ok": bool(close.all()),
                      "dir": cpu_numba.cache_dir()}))
""")


def _child(cache: str, *, wait=True):
    env = dict(os.environ, HOLOGRAM_CACHE_DIR=cache, PYTHONPATH=REPO)
    p = subprocess.Popen([sys.executable, "-c", _CHILD], cwd=REPO, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return p
    return _result(p)


def _result(p):
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_disk_cache_second_process_loads_without_compiling(tmp_path):
    cache = str(tmp_path / "cache")
    first = [_child(cache, wait=False), _child(cache, wait=False)]  # concurrent, empty cache
    r1 = [_result(p) for p in first]
    assert all(r["ok"] and r["disk"] for r in r1), r1
    r2 = _child(cache)
    assert r2["ok"] and r2["disk"] and r2["hits"] >= 1, r2
    files = [f for f in os.listdir(r2["dir"]) if f.endswith(".py")]
    assert len(files) == 1 and files[0].startswith("hologram_")
    assert not [f for f in os.listdir(r2["dir"]) if f.startswith(".tmp")]


def _fresh(c: Circuit):
    cpu_numba._kernels.clear()
    return cpu_numba.compile_circuit(c)


def test_disk_cache_survives_corrupt_files_and_unwritable_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("HOLOGRAM_CACHE_DIR", str(tmp_path / "c"))
    c = circuit([np.dtype(np.int32)], [("bitwise_left_shift", (0, 0)), ("negative", (0,))])
    x = np.arange(-5, 40, dtype=np.int32)
    expected = [np.left_shift(x, x), -x]

    def check(k):
        out = [np.empty_like(x), np.empty_like(x)]
        k([x], (), out)
        for g, r in zip(out, expected):
            assert_same(g, r, "after cache trouble")

    k = _fresh(c)
    check(k)
    assert k.disk_cached
    d = cpu_numba.cache_dir()
    path = os.path.join(d, f"hologram_{__import__('hashlib').sha256(k.source.encode()).hexdigest()}.py")
    assert open(path).read() == k.source
    for garbage in ("this is not python (", k.source[: len(k.source) // 2], "x = 1\n", b"\xff\xfe\x00"):
        with open(path, "wb") as f:
            f.write(garbage if isinstance(garbage, bytes) else garbage.encode())
        k = _fresh(c)
        check(k)
        assert k.disk_cached and open(path).read() == k.source
    # Numba's own cache files corrupted
    pyc = os.path.join(d, "__pycache__")
    nb = [f for f in os.listdir(pyc) if f.endswith((".nbi", ".nbc"))]
    assert nb
    for f in nb:
        with open(os.path.join(pyc, f), "wb") as fh:
            fh.write(b"garbage")
    check(_fresh(c))
    # an unwritable cache location: compiled without the disk cache
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("HOLOGRAM_CACHE_DIR", str(blocker))
    k = _fresh(c)
    check(k)
    assert not k.disk_cached
    cpu_numba._kernels.clear()


# ---------------------------------------------------------------------------------------------
# floating-point error flags: ``Kernel.__call__`` returns the bits NumPy's ufuncs would raise


def np_flags(fn) -> int:
    """NumPy's floating-point error bits raised while running ``fn`` (errstate callback)."""
    got = [0]

    def note(kind, flag):
        got[0] |= int(flag)

    with np.errstate(all="call", call=note):
        fn()
    return got[0]


_BENIGN = [1, 2, 3, 0.5, 0, True]


def _nan_any(v) -> bool:
    v = np.asarray(v)
    return bool(np.isnan(v.real).any() or (v.dtype.kind == "c" and np.isnan(v.imag).any()))


def _flag_allowed(op: str, out_dt, vals, ref: int, got: int) -> bool:
    """Documented supersets (module doc of cpu_numba): "invalid" where an operand is NaN
    (vectorized ordered comparisons signal it; NumPy's are quiet or clear the flag), float ->
    uint32 out of range (NumPy's own flag depends on the element's position) and complex abs of
    huge values (NumPy clears the flags its SIMD loop raises)."""
    extra = got & ~ref
    if any(_nan_any(v) for v in vals):
        extra &= ~8
    if op == "astype" and out_dt == np.uint32:
        extra &= ~8
    if op == "abs" and any(np.asarray(v).dtype.kind == "c" for v in vals):
        extra &= ~6
    if _svml_half(op, out_dt):
        extra &= ~4
    return extra == 0


def _flag_missing_allowed(op: str, out_dt, ref: int, got: int) -> int:
    """Flags NumPy raises that the kernel may not (and, via ``_svml_half``, the reverse)."""
    return (ref & ~got) & ~(7 if _svml_half(op, out_dt) else 0)


def _svml_half(op: str, out_dt) -> bool:
    """On AVX512_SKX machines NumPy computes many transcendental functions with SVML (float16
    through SVML's float32 code), whose underflow flag for tiny arguments and results is its own
    (seen: ``asin``, ``asinh``, ``atan``, ``atanh``, ``expm1``, ``log1p`` of the smallest
    subnormal raise none; float16 ``expm1`` / ``log1p`` near float16's subnormal range differ
    both ways; ``pow(-0.0, -inf)`` raises divide-by-zero and ``pow(-huge, inf)`` overflow, which
    the C library does not); the kernel computes them as NumPy's baseline loops do (the C library), and
    raises what that raises. Documented in docs/semantics.md."""
    from numpy._core._multiarray_umath import __cpu_features__ as feats
    return (np.dtype(out_dt).kind == "f" and feats.get("AVX512_SKX", False)
            and OPS[op].cost == TRANSCENDENTAL)


def flag_check(ops_spec, in_dts, values, rep: int):
    """Every op of ``ops_spec`` in one circuit, each on inputs of its own holding ``values`` in
    its own segment and a value NumPy does not flag elsewhere; each value repeated ``rep``
    times and run as one block of ``rep`` elements (``rep=1``: the loops' scalar code,
    ``rep=64``: their vectorized code), so each block's flags are one op's on one value.
    Compared with NumPy's flags for that op and value: none missed, no unexplained extra."""
    ar, m, K = len(in_dts), len(values[0]), len(ops_spec)
    ni = K * ar
    instrs, plans, benign = [], [], []
    for j, (op, dt) in enumerate(ops_spec):
        d = np.dtype(dt if dt is not None else resolve(op, tuple(in_dts))[1])
        instrs.append(Instr(op, ni + j, tuple(range(j * ar, j * ar + ar)), d))
        one = Circuit(tuple(InputSig(np.dtype(x), 1, (False,)) for x in in_dts), (),
                      (Instr(op, ar, tuple(range(ar)), d),), (ar,), 1)
        plans.append(numpy_exec.Plan(one))
        for b in _BENIGN:
            bv = [np.array([b]).astype(x) for x in in_dts]
            try:
                if np_flags(lambda: numpy_exec.run(plans[-1], bv, (), [np.empty(1, d)])) == 0:
                    benign.append(bv)
                    break
            except ValueError:
                pass
        else:
            raise AssertionError(f"no unflagged value for {op}")
    c = Circuit(tuple(InputSig(np.dtype(in_dts[k % ar]), 1, (False,)) for k in range(ni)), (),
                tuple(instrs), tuple(range(ni, ni + K)), 1)
    bufs = []
    for j in range(K):
        for p in range(ar):
            a = np.full(K * m, benign[j][p][0], dtype=in_dts[p])
            a[j * m:(j + 1) * m] = values[p]
            bufs.append(np.repeat(a, rep))
    kernel = cpu_numba.compile_circuit(c, parallel=False)
    outs = [np.empty(K * m * rep, d) for d in c.output_dtypes]
    res = kernel.run(bufs, (), outs, block=rep)
    assert res.block == rep and res.block_flags.shape == (K * m,)
    assert res.flags == int(np.bitwise_or.reduce(res.block_flags))
    bad = []
    for j in range(K):
        d = instrs[j].dtype
        for i in range(m):
            vals = [values[p][i:i + 1] for p in range(ar)]
            try:
                ref = np_flags(lambda: numpy_exec.run(plans[j], vals, (), [np.empty(1, d)]))
            except ValueError:
                ref = 0
            got = int(res.block_flags[j * m + i])
            if _flag_missing_allowed(ops_spec[j][0], d, ref, got) or \
                    not _flag_allowed(ops_spec[j][0], d, vals, ref, got):
                bad.append(f"{ops_spec[j][0]}->{d} on {[v[0] for v in vals]}: NumPy {ref}, kernel {got}")
    assert not bad, f"{len(bad)} flag mismatches, e.g.\n" + "\n".join(bad[:12])


FLAG_DTYPES = [np.dtype(t) for t in (np.bool_, np.int8, np.int64, np.uint16, np.uint64, np.float16,
                                     np.float32, np.float64, np.complex64)]


@pytest.mark.parametrize("rep", [1, 64])
@pytest.mark.parametrize("dt", FLAG_DTYPES, ids=str)
def test_fp_flags_unary_ops_and_casts(dt, rep):
    names = [n for n in UNARY if supported(n, (dt,))]
    spec = [(n, None) for n in names] + [("astype", d) for d in DTYPES]
    flag_check(spec, [dt], [edge_values(dt)], rep)


@pytest.mark.parametrize("dt", FLAG_DTYPES, ids=str)
def test_fp_flags_binary_ops(dt):
    a, b = grid(edge_values(dt), edge_values(dt), 100000)
    sel = np.random.default_rng(1).permutation(len(a))[:500]
    a, b = a[sel], b[sel]
    spec = [(n, None) for n in BINARY if supported(n, (dt, dt)) and not (n == "pow" and dt.kind in "iu")]
    flag_check(spec, [dt, dt], [a, b], 64)


def _chain_flags(fn, xs, values=()):
    """(kernel flags, NumPy's flags) of the lazy chain ``fn`` on ``xs`` (C-contiguous or not)."""
    hx.config(eager_below=0)
    node = fn(*[hx.asarray(x) for x in xs])._node
    p = prepare([node])
    c, b = p.circuit, p.binding
    kernel = cpu_numba.compile_circuit(c)
    outs = [np.empty(b.shape, d) for d in c.output_dtypes]
    got = kernel(b.buffers, b.values, outs)
    ref_outs = [np.empty(b.shape, d) for d in c.output_dtypes]
    ref = np_flags(lambda: numpy_exec.run(numpy_exec.Plan(c), b.buffers, b.values, ref_outs, threads=False))
    for g, r in zip(outs, ref_outs):
        if g.dtype.kind == "f" and any(OPS[i.op].cost == TRANSCENDENTAL for i in c.instrs):
            # own vectorizable math (cpu_numba.INLINE_MATH) is within a few ULP of NumPy's,
            # which later ops may turn into a larger relative difference near zero
            eps = float(np.finfo(g.dtype).eps)
            np.testing.assert_allclose(g, r, rtol=MAX_ULP * eps, atol=MAX_ULP * eps)
        else:
            assert_same(g, r, "flags run")
    return got, ref


def test_fp_flags_chains_whole_arrays():
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, 300_001).astype(np.float32)
    big = x * np.float32(1e37)
    zeros = np.where(rng.random(x.size) < 0.001, 0, x).astype(np.float32)
    ints = rng.integers(-5, 5, x.size).astype(np.int32)
    chains = [
        (lambda a: hx.clip(abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1, [x], 0),
        (lambda a: hx.tanh(hx.maximum(a * 1.5 + 0.25, 0)) * hx.exp(-a * a) + hx.sqrt(abs(a)) - 0.5, [x], 0),
        (lambda a: hx.sqrt(a) + 1, [x], 8),                  # invalid
        (lambda a: hx.exp(a * 40), [x], 6),                   # overflow (and underflow)
        (lambda a: 1 / a + a, [zeros], 1),                    # divide by zero
        (lambda a: hx.log(a * a), [zeros], 1),                # log(0): NumPy's own flag
        (lambda a: a * a * 100, [big], 2),                    # overflow in a multiply
        (lambda a, b: a // b + a % b, [ints, ints[::-1].copy()], 1),  # integer division by zero
        (lambda a: hx.astype(a * 1e5, hx.float16), [x], 2),     # float16 rounding overflow
        (lambda a: hx.astype(a * 1e3, hx.int8) + 1, [big], 8),  # float -> int cast of out-of-range
        (lambda a: a + 1, [x.astype(np.float16)], 0),
    ]
    for fn, xs, expect in chains:
        got, ref = _chain_flags(fn, xs)
        assert ref & expect == expect and (expect or not ref), (ref, expect)
        assert got == ref, (got, ref)
    # no data flagged: a chain of float16 in strided layout
    s = x[:300_000].astype(np.float16).reshape(3, -1)[:, ::2]
    got, ref = _chain_flags(lambda a: a * 2 - 1, [s])
    assert got == ref == 0
    # parameter conversions: a weak 1e10 overflows float16 (NumPy flags it once per call)
    h = np.ones(100_000, np.float16)
    got, ref = _chain_flags(lambda a: a * 1e10, [h])
    assert ref == 2 and got == 2


def test_fp_flags_per_block():
    c = circuit([np.dtype(np.float64), np.dtype(np.float64)], [("divide", (0, 1))])
    kernel = cpu_numba.compile_circuit(c)
    a = np.ones(100_000)
    b = np.ones(100_000)
    b[12_345] = 0.0
    out = [np.empty(100_000)]
    res = kernel.run([a, b], (), out, block=1000)
    assert res.variant == "contig" and res.block == 1000 and res.flags == 1
    assert np.flatnonzero(res.block_flags).tolist() == [12]
    assert kernel([a, b], (), out) == 1
    b[12_345] = 2.0
    assert kernel([a, b], (), out) == 0
    # strided: blocks are ranges of axis 0
    c2 = Circuit(tuple(InputSig(np.dtype(np.float64), 2, (False, False)) for _ in range(2)), (),
                 (Instr("divide", 2, (0, 1), np.dtype(np.float64)),), (2,), 2)
    kernel2 = cpu_numba.compile_circuit(c2)
    A = np.ones((300, 200)).T
    B = np.ones((300, 200)).T
    B[150, 7] = 0.0
    o = [np.empty((200, 300))]
    res = kernel2.run([A, B], (), o, block=3000)   # 10 rows of 300 per block
    assert res.variant == "strided" and res.block == 10 and res.flags == 1
    assert np.flatnonzero(res.block_flags).tolist() == [15]


# ---------------------------------------------------------------------------------------------
# class-map gathers


def _gather_ref(table, xs, shape):
    idx = np.asarray(xs[0]).view(np.uint8).astype(np.intp)
    if len(xs) == 2:
        idx = (idx << 8) | np.asarray(xs[1]).view(np.uint8)
    return table[np.broadcast_to(idx, shape)]


def _same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == np.ascontiguousarray(b).tobytes()


GATHER_METHODS = list(cpu_numba.gather_methods_available())  # vbmi / pshufb as this CPU allows; tests/test_classmap_simd.py


@pytest.mark.parametrize("method", GATHER_METHODS)
@pytest.mark.parametrize("in_dt", [np.uint8, np.int8, np.bool_], ids=lambda d: np.dtype(d).name)
def test_gather_one_input(method, in_dt):
    rng = np.random.default_rng(3)
    for out_dt in (np.uint8, np.int8, np.bool_, np.float16, np.int32, np.float64, np.complex128):
        raw = rng.integers(0, 256, 256 * np.dtype(out_dt).itemsize, dtype=np.uint8)
        table = raw.view(out_dt).copy()  # arbitrary bits: NaN payloads, non-0/1 bools
        if out_dt == np.bool_:
            table = rng.integers(0, 2, 256).astype(bool)
        for n in (0, 1, 31, 32, 33, 1000, 200_003):
            bits = rng.integers(0, 256, n, dtype=np.uint8)
            x = bits.view(in_dt)
            out = np.empty(n, out_dt)
            cpu_numba.gather(table, [x], out, method=method)
            assert _same_bits(out, _gather_ref(table, [x], out.shape)), (out_dt, n)
    # layouts: strided input, 2-D broadcast, Fortran output, 3-D, 0-d
    table = rng.integers(0, 256, 256).astype(np.uint8)
    bits = rng.integers(0, 256, (64, 300), dtype=np.uint8)
    x = bits.view(in_dt)
    for xin, shape, order in ((x[:, ::3], (64, 100), "C"), (x[:1, :], (64, 300), "C"),
                              (x, (64, 300), "F"), (x[:, :1], (64, 300), "C"),
                              (x.reshape(4, 16, 300)[:, ::2], (4, 8, 300), "C"),
                              (x.reshape(4, 16, 300), (4, 16, 300), "F"), (x[0, 0], (), "C")):
        out = np.empty(shape, np.uint8, order=order)
        cpu_numba.gather(table, [xin], out, method=method)
        assert _same_bits(out, _gather_ref(table, [xin], shape)), (shape, order)


def test_gather_two_inputs_broadcast_and_strided():
    rng = np.random.default_rng(4)
    for out_dt in (np.uint8, np.float32, np.int64, np.bool_):
        table = rng.integers(0, 256, 65536 * np.dtype(out_dt).itemsize, dtype=np.uint8).view(out_dt)
        if out_dt == np.bool_:
            table = rng.integers(0, 2, 65536).astype(bool)
        a = rng.integers(0, 256, (300, 1), dtype=np.uint8)
        b = rng.integers(0, 256, (1, 257), dtype=np.uint8).view(np.int8)
        out = np.empty((300, 257), out_dt)
        cpu_numba.gather(table, [a, b], out)
        assert _same_bits(out, _gather_ref(table, [a, b], out.shape))
        n = 100_001
        x = rng.integers(0, 256, n, dtype=np.uint8).view(np.bool_)
        y = rng.integers(0, 256, 2 * n, dtype=np.uint8)[::2]
        out = np.empty(n, out_dt)
        cpu_numba.gather(table, [x, y], out)
        assert _same_bits(out, _gather_ref(table, [x, y], out.shape))
        yc = np.ascontiguousarray(y)
        cpu_numba.gather(table, [x, yc], out)
        assert _same_bits(out, _gather_ref(table, [x, yc], out.shape))


def test_gather_rejects_bad_arguments():
    with pytest.raises(ValueError):
        cpu_numba.gather(np.zeros(255, np.uint8), [np.zeros(3, np.uint8)], np.empty(3, np.uint8))
    with pytest.raises(TypeError):
        cpu_numba.gather(np.zeros(256, np.uint8), [np.zeros(3, np.uint8)], np.empty(3, np.int16))
    with pytest.raises(TypeError):
        cpu_numba.gather(np.zeros(256, np.uint8), [np.zeros(3, np.int16)], np.empty(3, np.uint8))
    with pytest.raises(ValueError):
        cpu_numba.gather_kernel(3)


# ---------------------------------------------------------------------------------------------
# fused reductions


@pytest.mark.parametrize("case", ["f32", "f32nan", "i8", "f64", "bool", "u16"])
def test_fused_reductions_match_numpy(case):
    rng = np.random.default_rng(7)
    hx.config(eager_below=0)
    if case == "f32":
        xs, fn = [rng.uniform(-3, 3, (300, 1001)).astype(np.float32)], lambda a: a * 1.5 + 0.25
    elif case == "f32nan":
        x = rng.uniform(-3, 3, 1_000_003).astype(np.float32)
        x[[5, 700_000]] = np.nan
        xs, fn = [x], lambda a: hx.sqrt(a + 2.5) - 0.5  # a few negative: invalid
    elif case == "i8":
        xs, fn = [rng.integers(-100, 100, (500, 777)).astype(np.int8)], lambda a: a * 3 + 1
    elif case == "f64":
        xs, fn = [rng.standard_normal((64, 4097)), rng.standard_normal(4097)], lambda a, b: hx.sqrt(abs(a)) * b + a
        # (sqrt, not exp: NumPy's float64 exp is its own SIMD code on AVX-512 machines, the
        # kernel's the C library's, an ULP apart -- and this test wants NumPy's sums exactly)
    elif case == "bool":
        xs, fn = [rng.standard_normal((70, 999)).astype(np.float32)], lambda a: a > 1.5
    else:
        xs, fn = [rng.integers(0, 60000, 300_001).astype(np.uint16)], lambda a: a * 7 // 3
    p = prepare([fn(*[hx.asarray(x) for x in xs])._node])
    c, b = p.circuit, p.binding
    # (f64: a broadcast row, expanded per block into the thread's scratch -- numba_reduce.expand)
    assert (case == "f64") == any(bb.shape != b.shape for bb in b.buffers)
    full = np.empty(b.shape, c.output_dtypes[0])
    numpy_exec.run(numpy_exec.Plan(c), b.buffers, b.values, [full])
    for kind in numba_reduce.REDUCTIONS:
        kernel = numba_reduce.compile_reduction(c, kind)
        axes = (None, -1) if len(b.shape) > 1 else (None,)
        for axis in axes:
            got, flags = kernel(b.buffers, b.values, axis)
            with np.errstate(all="ignore"):
                ref = getattr(np, kind)(full, axis=axis)
            got, ref = np.asarray(got), np.asarray(ref)
            assert got.dtype == ref.dtype and got.shape == ref.shape, (kind, axis, got.dtype, ref.dtype)
            assert np.array_equal(got, ref, equal_nan=ref.dtype.kind == "f"), (kind, axis, got, ref)
            assert isinstance(flags, int)
        if case == "f32nan":
            assert flags & 8  # sqrt of negative values: invalid, as NumPy


# ---- 512-bit vectors on AVX-512 CPUs where LLVM would choose 256 (numba_ops.WIDE_VECTORS) ----

def test_generated_kernels_ask_for_wide_vectors_exactly_when_enabled(monkeypatch):
    from hologram_array.backends import numba_ops

    x = hx.asarray(np.linspace(-2, 2, 1 << 17, dtype=np.float32))
    circuit = prepare([(hx.tanh(x * 1.5) + 0.25)._node]).circuit
    for flag in (True, False):
        monkeypatch.setattr(numba_ops, "WIDE_VECTORS", flag)
        src = cpu_numba.generate_source(circuit)
        # every parallel loop of the kernels (contig, contig_nt where streamable, strided)
        assert src.count("prefer_wide_vectors()") == (src.count("numba.prange(") if flag else 0)
        rsrc, _ = numba_reduce.generate_reduction_source(circuit, "sum")
        assert rsrc.count("prefer_wide_vectors()") == (rsrc.count("numba.prange(") if flag else 0)


@pytest.mark.skipif(not __import__("hologram_array.backends.numba_ops", fromlist=["x"])._wide_vectors()
                    and os.environ.get("HOLOGRAM_WIDE_VECTORS", "") == "",
                    reason="needs an AVX-512 CPU (and Numba compiling for it)")
def test_prefer_wide_vectors_gives_512_bit_loops():
    import numba

    from hologram_array.backends.numba_ops import prefer_wide_vectors

    def body(a, out):
        for b in numba.prange((a.shape[0] + 8191) // 8192):
            prefer_wide_vectors()
            for i in range(np.uint64(b * 8192), np.uint64(min(b * 8192 + 8192, a.shape[0]))):
                out[i] = a[i] * np.float32(1.5) + np.float32(0.25)

    fn = numba.njit(parallel=True)(body)
    a = np.arange(20000, dtype=np.float32)
    out = np.empty_like(a)
    fn(a, out)
    np.testing.assert_array_equal(out, a * np.float32(1.5) + np.float32(0.25))
    assert "zmm" in fn.inspect_asm(fn.signatures[0])


def test_wide_vectors_can_be_turned_off_by_the_environment():
    code = "from hologram_array.backends import numba_ops as o, cpu_numba as c; print(o.WIDE_VECTORS, c.wide_vectors())"
    env = {**os.environ, "HOLOGRAM_WIDE_VECTORS": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
