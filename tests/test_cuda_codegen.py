"""The CUDA backend (backends/gpu_cupy.py): generated kernels compile, and -- on a GPU -- agree
with NumPy.

Compilation (needs ``nvcc``, no GPU): CUDA C is generated for a broad corpus -- every op-table
row on every dtype it supports (and mixed-dtype pairs, every cast, where/real/imag), circuits
recorded through the real front end (weak and strong parameters, out-of-range Python ints in
comparisons, broadcasting and strided layouts, multi-output, 0-d), and class-map kernels (1 and
2 inputs, every output dtype) -- and compiled with ``nvcc -arch=sm_90 --ptx`` and the backend's
``COMPILE_OPTIONS``. nvcc starts slowly, so kernels are compiled in a few big translation units,
two nvcc processes at a time, once per session; a kernel that fails to compile fails its test,
naming the op and dtype (nvcc's error lines are mapped back to the kernel they are in).

Differential test (needs CuPy and a GPU; skipped otherwise, never mocked): the same op x dtype
corpus runs on the GPU and through the NumPy executor, compared value by value (transcendental
functions within a few ULP: CUDA's libdevice is not glibc).
"""
from __future__ import annotations

import concurrent.futures
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.backends import gpu_cupy, numpy_exec
from hologram_array.backends.cuda_ops import PREAMBLE
from hologram_array.compiler import classmap
from hologram_array.compiler.circuit import Circuit, InputSig, Instr
from hologram_array.compiler.materialize import prepare
from hologram_array.expr.infer import resolve
from hologram_array.expr.ops import OPS, TRANSCENDENTAL

DTYPES = [np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                np.uint32, np.uint64, np.float16, np.float32, np.float64, np.complex64,
                                np.complex128)]
UNARY = sorted(n for n, s in OPS.items() if s.ufunc is not None and s.arity == 1)
BINARY = sorted(n for n, s in OPS.items() if s.ufunc is not None and s.arity == 2)
TERNARY = sorted(n for n, s in OPS.items() if s.ufunc is not None and s.arity == 3)
MIXED_PAIRS = [(np.dtype(a), np.dtype(b)) for a, b in [
    ("?", "b"), ("B", "b"), ("b", "B"), ("H", "h"), ("I", "i"), ("l", "L"), ("L", "b"),
    ("b", "e"), ("H", "e"), ("i", "f"), ("L", "f"), ("e", "f"), ("d", "e"), ("f", "d"),
    ("f", "F"), ("d", "F"), ("F", "D"), ("b", "F"), ("?", "D"),
    ("e", "b"), ("f", "i"), ("d", "l"), ("f", "l"), ("d", "?"),
]]
#: Complex functions NumPy takes from the C library: documented as not implemented on the GPU.
CLIB_COMPLEX = {"acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "exp", "exp2",
                "log", "log2", "log10", "sin", "sinh", "sqrt", "tan", "tanh", "pow", "float_power"}

NVCC = shutil.which("nvcc")
ARCH = os.environ.get("HOLOGRAM_NVCC_ARCH", "sm_90")
MAX_ULP = int(os.environ.get("HOLOGRAM_CUDA_MAX_ULP", "4"))
N_BATCHES = 6   # translation units
N_PROCS = 2     # nvcc processes at a time

pytestmark = pytest.mark.usefixtures("quiet_numpy")


# ---------------------------------------------------------------------------------------------
# circuits


def supported(op: str, dts) -> bool:
    try:
        resolve(op, tuple(dts))
        return True
    except Exception:
        return False


def circuit(in_dtypes, instrs_spec, out_ndim: int = 1, params=()) -> Circuit:
    """A circuit over full-shape inputs: ``instrs_spec`` = [(op, srcs[, dtype])], every result an
    output. Registers: inputs, then ``params`` (dtype or weak Python type), then results."""
    ni, np_ = len(in_dtypes), len(params)
    reg = [np.dtype(d) for d in in_dtypes] + list(params)
    instrs, outs = [], []
    for k, (op, srcs, *dt) in enumerate(instrs_spec):
        d = np.dtype(dt[0]) if dt else resolve(op, tuple(reg[s] for s in srcs))[1]
        reg.append(d)
        instrs.append(Instr(op, ni + np_ + k, tuple(srcs), d))
        outs.append(ni + np_ + k)
    inputs = tuple(InputSig(np.dtype(d), out_ndim, (False,) * out_ndim) for d in in_dtypes)
    return Circuit(inputs, tuple(params), tuple(instrs), tuple(outs), out_ndim)


def op_dtype_cases():
    """(label, op, loop-dtype description, circuit) for every op-table row on every dtype."""
    cases = []
    for n in UNARY:
        for dt in DTYPES:
            if supported(n, (dt,)):
                cases.append((f"{n}[{dt}]", n, str(dt), circuit([dt], [(n, (0,))])))
    for n in BINARY:
        for da, db in [(d, d) for d in DTYPES] + MIXED_PAIRS:
            if supported(n, (da, db)):
                cases.append((f"{n}[{da},{db}]", n, str(resolve(n, (da, db))[0][0]),
                              circuit([da, db], [(n, (0, 1))])))
    for n in TERNARY:
        for dt in DTYPES:
            if supported(n, (dt, dt, dt)):
                cases.append((f"{n}[{dt}x3]", n, str(dt), circuit([dt, dt, dt], [(n, (0, 1, 2))])))
                # scalar bounds: NumPy's constant-bounds loop (the ``_const`` helpers)
                cases.append((f"{n}[{dt},scalar bounds]", n, str(dt),
                              circuit([dt], [(n, (0, 1, 2))], params=(dt, dt))))
    for dt in DTYPES:
        cases.append((f"astype[{dt}->*]", "astype", str(dt),
                      circuit([dt], [("astype", (0,), d) for d in DTYPES])))
        cases.append((f"where[{dt}]", "where", str(dt),
                      circuit([np.dtype(bool), dt, dt], [("where", (0, 1, 2), dt)])))
        if dt.kind == "c":
            part = np.dtype(dt.char.lower())
            cases.append((f"real/imag[{dt}]", "real", str(dt),
                          circuit([dt], [("real", (0,), part), ("imag", (0,), part)])))
        else:
            cases.append((f"imag[{dt}]", "imag", str(dt), circuit([dt], [("imag", (0,), dt)])))
    return cases


def _lazy_cases():
    """Expressions recorded through the real front end (parameters weak and strong)."""
    u8 = hx.asarray(np.arange(256, dtype=np.uint8))
    i64 = hx.asarray(np.array([-2**63, -1, 0, 1, 2**63 - 1] * 8, dtype=np.int64))
    u64 = hx.asarray(np.array([0, 1, 2**63, 2**64 - 1, 7] * 8, dtype=np.uint64))
    f16 = hx.asarray(np.array([0.5, -1.5, 65504, np.nan, -0.0, 1e-7, 3, -2] * 5, dtype=np.float16))
    f32 = hx.asarray(np.linspace(-3, 3, 40, dtype=np.float32))
    f64 = hx.asarray(np.linspace(-3, 3, 40))
    c64 = hx.asarray((np.linspace(-1, 1, 40) + 1j * np.linspace(2, -2, 40)).astype(np.complex64))
    c128 = hx.asarray(np.linspace(-1, 1, 40) + 1j * np.linspace(2, -2, 40))
    s_f64 = hx.asarray(np.float64(2.5))   # 0-d arrays: strong scalars
    s_i8 = hx.asarray(np.int8(-3))
    s_b = hx.asarray(np.bool_(True))
    s_f16 = hx.asarray(np.float16(0.1))
    s_c = hx.asarray(np.complex64(1 - 2j))
    return {
        "uint8": [u8 < 300, u8 >= -1, 300 > u8, u8 == 256, u8 != -5, u8 + 3, u8 * 2.5, u8 + s_i8,
                  u8 & True, hx.where(u8 > 100, 7, -1), u8 // 7, u8 % 9, u8 << 3, (u8 + 3) * 2 - 3],
        "int64": [i64 < 2**63, i64 > -2**64, i64 == 2**63, i64 // -1, i64 % -1, i64 >> 70,
                  i64 << 64, i64 + s_i8, i64 * 3, i64 ** 2],
        "uint64": [u64 <= 2**64, u64 > -1, u64 == 2**63, u64 ** 3, u64 - 1, u64 >= 2**63],
        "float16": [f16 * 0.1 + 100000, f16 + 1e-8, hx.where(f16 > 0, 1e10, f16), f16 * s_f16,
                    f16 > 2**100, f16 * s_f64, hx.clip(f16, -1, 1)],
        "float32": [f32 * s_f64, f32 ** 2, f32 + 1j, hx.where(f32 > 0, 1.5, f32), hx.clip(f32, 0, 1),
                    hx.clip(f32, -0.0, 0.0), (f32 > 0) & s_b, f32 > 2**100, hx.tanh(f32 * 3) - 1,
                    hx.exp(-f32 * f32) / 3, f32 / 0.0, f32 // -0.5, hx.maximum(f32, 0)],
        "float64": [hx.sqrt(f64 * f64 + 1) - f64, hx.log1p(hx.abs(f64)), f64 % 0.7, hx.sign(f64) * 2],
        "complex64": [c64 * (1 + 2j), c64 / (0.5 - 1j), c64 ** 2, abs(c64), c64 + s_f64, c64 * s_c,
                      hx.expm1(c64), c64 == 1j],
        "complex128": [c128 * c128 + 1, abs(c128), hx.log1p(c128), -c128, hx.conj(c128) - 2j],
    }


def lazy_circuits():
    old = hx.config(eager_below=0)  # collection-time: restore, or eager tests see 0
    try:
        cases = []
        for group, exprs in _lazy_cases().items():
            p = prepare([e._node for e in exprs])
            cases.append((f"lazy {group}", p.circuit, p.binding))
        # broadcasting and strided layouts, through the front end
        rng = np.random.default_rng(0)
        a = hx.asarray(rng.standard_normal((3, 1, 5)).astype(np.float32))
        b = hx.asarray(rng.standard_normal((40, 5)))
        c16 = hx.asarray(rng.standard_normal((5, 40)).T.astype(np.float16))
        d = hx.asarray(rng.integers(-5, 5, (5,)).astype(np.int8))
        e = hx.asarray(rng.integers(0, 2, (3, 40, 5)).astype(bool)[:, ::-1, :])
        exprs = [a * b + c16, (a * b + c16) / d, hx.where(e, c16, d), hx.astype(a, hx.int16) + d,
                 hx.logical_xor(e, a)]
        p = prepare([x._node for x in exprs])
        cases.append(("broadcast/strided 3-d", p.circuit, p.binding))
        x4 = hx.asarray(rng.standard_normal((2, 3, 1, 4)).astype(np.float32))
        y4 = hx.asarray(rng.integers(0, 9, (5, 1)).astype(np.uint16))
        p = prepare([(x4 * y4 - 1)._node, (y4 // 2 + x4)._node])
        cases.append(("broadcast 4-d", p.circuit, p.binding))
        z = hx.asarray(np.float32(3.0))
        p = prepare([(z * 2.5 + 1)._node])
        cases.append(("0-d", p.circuit, p.binding))
        return cases
    finally:
        hx.config(**old)


def classmap_circuits():
    """Class-map-eligible circuits: 1 and 2 inputs of every 8-bit dtype, every output dtype, 0-3-d."""
    cases = []
    for ni in (1, 2):
        for k, dt in enumerate([np.dtype(np.uint8), np.dtype(np.int8), np.dtype(bool)]):
            ins = [dt] * ni
            spec = [("astype", (0,), d) for d in DTYPES]
            if ni == 2:
                spec.append(("add", (0, 1)))
            for nd in (0, 1, 2, 3) if k == 0 else (1,):
                c = circuit(ins, spec, out_ndim=nd)
                cases.append((f"classmap {ni} input(s) {dt} {nd}-d", c))
    # one byte in, one byte out: the 16-bytes-per-step path (gpu_cupy.classmap_vectorizable)
    for dt, out in ((np.dtype(np.uint8), np.dtype(np.uint8)), (np.dtype(np.int8), np.dtype(np.int8)),
                    (np.dtype(np.uint8), np.dtype(bool))):
        for nd in (1, 2):
            full = circuit([dt], [("multiply", (0, 0)), ("astype", (1,), out)], out_ndim=nd)
            one = Circuit(full.inputs, full.params, full.instrs, full.outputs[-1:], full.out_ndim)
            cases.append((f"classmap 1 input(s) {dt} -> {out} {nd}-d", one))
    for dt in (np.dtype(np.float16), np.dtype(np.uint16), np.dtype(np.int16)):  # 16-bit class maps
        c = circuit([dt], [("multiply", (0, 0)), ("astype", (0,), np.dtype(np.float32))], out_ndim=2)
        if classmap.eligible(c):
            cases.append((f"classmap 1 input(s) {dt} 2-d", c))
    return cases


def instr_label(c: Circuit) -> str:
    return "; ".join(f"{i.op}({','.join(str(c.reg_dtype(s)) for s in i.srcs)})->{i.dtype}"
                     for i in c.instrs)


# ---------------------------------------------------------------------------------------------
# nvcc


@dataclass
class Unit:
    label: str
    source: str  # the kernel alone (no helpers)
    error: str = ""


@dataclass
class Compiled:
    units: dict[str, Unit] = field(default_factory=dict)
    seconds: float = 0.0
    kernels: int = 0
    ptx: dict[str, str] = field(default_factory=dict)  # label -> the PTX of its batch


def nvcc_cmd(src: str, out: str) -> list[str]:
    return [NVCC, f"-arch={ARCH}", "--ptx", *gpu_cupy.COMPILE_OPTIONS, "-o", out, src]


def _compile_batch(units: list[Unit], tmp: str, idx: int) -> tuple[list[Unit], str, str]:
    """Compile ``units`` as one translation unit; on errors, attribute each to its kernel."""
    text = [PREAMBLE]
    spans = []
    line = PREAMBLE.count("\n") + 1
    for u in units:
        body = f"/* >>> {u.label} */\n{u.source}\n"
        spans.append((line, line + body.count("\n"), u))
        text.append(body)
        line += body.count("\n")
    src = os.path.join(tmp, f"batch{idx}.cu")
    out = os.path.join(tmp, f"batch{idx}.ptx")
    with open(src, "w") as f:
        f.write("".join(text))
    p = subprocess.run(nvcc_cmd(src, out), capture_output=True, text=True, timeout=600)
    log = p.stdout + p.stderr
    if p.returncode != 0:
        blamed = False
        for m in re.finditer(r"\((\d+)\): (?:error|catastrophic error)[^\n]*(?:\n(?!\S*\(\d+\):)[^\n]*)*", log):
            ln = int(m.group(1))
            for lo, hi, u in spans:
                if lo <= ln < hi:
                    # name the instruction: the nearest "/* rN = op(in:dtype ...) -> dtype */" above
                    src_lines = u.source.splitlines()
                    where = next((x.strip() for x in reversed(src_lines[:ln - lo]) if x.strip().startswith("/* r")),
                                 "")
                    u.error += f"[{where}] " + m.group(0) + "\n"
                    blamed = True
        if not blamed:  # an error outside every kernel (helpers, nvcc itself): blame them all
            for u in units:
                u.error += log
    ptx = open(out).read() if p.returncode == 0 and os.path.exists(out) else ""
    return units, ptx, log


def compile_all(units: list[Unit]) -> Compiled:
    import time

    res = Compiled()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hx_nvcc_") as tmp:
        n = max(1, min(N_BATCHES, len(units)))
        batches = [units[k::n] for k in range(n)]
        with concurrent.futures.ThreadPoolExecutor(N_PROCS) as ex:
            futs = [ex.submit(_compile_batch, b, tmp, k) for k, b in enumerate(batches)]
            for f in futs:
                done, ptx, _ = f.result()
                for u in done:
                    res.units[u.label] = u
                    res.ptx[u.label] = ptx
    res.seconds = time.perf_counter() - t0
    res.kernels = len(units)
    return res


@pytest.fixture(scope="module")
def corpus():
    """Every kernel of this file, generated once; NotImplementedError cases kept apart."""
    units, not_impl, meta, group_of = [], {}, {}, {}
    seen = set()

    def add(label, c, classmap_variant=False):
        try:
            if classmap_variant:
                name = gpu_cupy.kernel_name(c, "classmap")
                src = gpu_cupy.classmap_kernel_source(c, name)
            else:
                name = gpu_cupy.kernel_name(c)
                src = gpu_cupy.kernel_source(c, name)
        except NotImplementedError as e:
            not_impl[label] = str(e)
            return
        meta[label] = c
        if name in seen:  # the same structure twice: one kernel
            return
        seen.add(name)
        units.append(Unit(label, src))

    ops = op_dtype_cases()
    for label, _, _, c in ops:  # each op x dtype alone: which ones raise NotImplementedError
        try:
            gpu_cupy.kernel_source(c)
        except NotImplementedError as e:
            not_impl[label] = str(e)
    # nvcc: the same ops grouped into multi-output circuits (nvcc's cost is per kernel; an error
    # is attributed to its instruction, "op(dtypes) -> dtype", by _compile_batch)
    groups: dict[tuple, list] = {}
    for label, op, _, c in ops:
        if label in not_impl:
            continue
        key = (tuple(i.dtype.str for i in c.inputs), c.params)
        groups.setdefault(key, []).append((label, c))
    for (ins, params), members in groups.items():
        n_in = len(ins)
        spec, labels = [], []
        for label, c in members:
            for i in c.instrs:  # single-level circuits: sources are inputs/params
                spec.append((i.op, i.srcs, i.dtype))
            labels.append(label)
        g = circuit([np.dtype(d) for d in ins], spec, params=params)
        glabel = f"ops on ({', '.join(str(np.dtype(d)) for d in ins)}{', params' if params else ''})"
        add(glabel, g)
        for lb in labels:
            group_of[lb] = glabel
    for label, c, _ in lazy_circuits():
        add(label, c)
    for label, c in classmap_circuits():
        add(label, c, classmap_variant=True)
    # fused full reductions (gpu_cupy.FullReduction) of every single-output lazy circuit
    from hologram_array.compiler.reduce import _numpy_accumulator

    for label, full, _ in lazy_circuits():
        for j, reg in enumerate(full.outputs):  # each output alone (a reduction has one)
            c = Circuit(full.inputs, full.params, full.instrs, (reg,), full.out_ndim)
            for kind in sorted(gpu_cupy.REDUCE_KINDS):
                if not gpu_cupy.reduction_supported(c, kind):
                    continue
                acc = _numpy_accumulator(kind, c.output_dtypes[0], None)
                name = gpu_cupy.kernel_name(c, f"all_{kind}_{acc.name}")
                if name in seen:  # the same structure twice: one kernel
                    continue
                seen.add(name)
                src, _uses = gpu_cupy.full_reduction_source(c, kind, acc, name)
                meta[f"{label} output {j} reduce {kind}"] = c
                units.append(Unit(f"{label} output {j} reduce {kind}", src))
    return dict(units=units, not_impl=not_impl, meta=meta, ops=ops, group_of=group_of)


@pytest.fixture(scope="module")
def compiled(corpus):
    if NVCC is None:
        pytest.skip("nvcc is not installed (the CUDA toolkit's compiler is needed to check kernels)")
    res = compile_all(corpus["units"])
    print(f"\nnvcc: {res.kernels} kernels in {N_BATCHES} translation units, {res.seconds:.1f} s")
    return res


def _failures(compiled, labels):
    bad = [(lb, compiled.units[lb].error) for lb in labels if lb in compiled.units and compiled.units[lb].error]
    return "\n\n".join(f"{lb}:\n{err[:2000]}" for lb, err in bad)


# ---------------------------------------------------------------------------------------------
# the op table


def test_every_row_has_cuda_templates():
    for name, s in OPS.items():
        assert s.cuda, f"op-table row {name!r} has no cuda templates"
        for kinds, template in s.cuda:
            assert set(kinds) <= set("biuefcx"), (name, kinds)
            constant = name in ("isfinite", "isinf", "isnan", "imag")
            assert "{0}" in template or "{cmp}" in template or constant, (name, template)


def test_not_implemented_only_for_clibrary_complex_functions(corpus):
    """Every (op, dtype) the Numba backend has a template for has a CUDA one, except the
    documented complex C-library functions -- and those raise naming op and dtype."""
    not_impl = corpus["not_impl"]
    expected = set()
    for label, op, loop0, c in corpus["ops"]:
        if op in CLIB_COMPLEX and loop0.startswith("complex"):
            expected.add(label)
    assert set(not_impl) == expected, (sorted(set(not_impl) - expected), sorted(expected - set(not_impl)))
    for label, msg in not_impl.items():
        op = label.split("[")[0]
        assert f"'{op}'" in msg and "complex" in msg, (label, msg)
    assert len(expected) >= 2 * len(CLIB_COMPLEX) - 2  # pow/float_power resolve to complex too


def test_missing_template_raises_naming_op_and_dtype(monkeypatch):
    from dataclasses import replace
    monkeypatch.setitem(OPS, "add", replace(OPS["add"], cuda=(("b", "({0} | {1})"),)))
    c = circuit([np.dtype(np.float64), np.dtype(np.float64)], [("add", (0, 1))])
    with pytest.raises(NotImplementedError, match=r"'add'.*float64"):
        gpu_cupy.generate_cuda_source(c)
    monkeypatch.undo()
    c = circuit([np.dtype(np.longdouble)], [("negative", (0,))])
    with pytest.raises(NotImplementedError, match="longdouble|float128|float96"):
        gpu_cupy.generate_cuda_source(c)
    c = circuit([np.dtype(np.complex64)], [("exp", (0,))])
    with pytest.raises(NotImplementedError, match=r"'exp'.*complex64"):
        gpu_cupy.generate_cuda_source(c)


# ---------------------------------------------------------------------------------------------
# the generated source


def test_source_is_deterministic_and_shared_by_structure():
    x = hx.asarray(np.arange(10, dtype=np.float32))
    p1 = prepare([(x * 2 + 1)._node])
    p2 = prepare([(x * 3 + 5)._node])
    s1 = gpu_cupy.generate_cuda_source(p1.circuit)
    assert s1 == gpu_cupy.generate_cuda_source(p2.circuit)  # same structure, other values
    assert s1.count('extern "C" __global__') == 1  # ONE kernel per circuit
    name = gpu_cupy.kernel_name(p1.circuit)
    assert f"void {name}(" in s1
    assert "contig" in s1 and "step = (long long)gridDim.x * blockDim.x" in s1
    for ins in p1.circuit.instrs:
        assert f"= {ins.op}(" in s1 and f"-> {ins.dtype.name}" in s1
    p3 = prepare([(x * 2 - 1)._node])
    assert gpu_cupy.kernel_name(p3.circuit) != name
    assert "fast" not in " ".join(gpu_cupy.COMPILE_OPTIONS) and "--fmad=false" in gpu_cupy.COMPILE_OPTIONS


def test_parameters_are_converted_as_numpy():
    c = Circuit((InputSig(np.dtype(np.uint8), 1, (False,)),), (int, float, np.dtype(np.float64), complex),
                (Instr("less", 5, (0, 1), np.dtype(bool)),       # weak int out of uint8's range
                 Instr("multiply", 6, (0, 2), np.dtype(np.float64)),
                 Instr("add", 7, (0, 3), np.dtype(np.float64)),
                 Instr("multiply", 8, (6, 4), np.dtype(np.complex128))), (5, 6, 7, 8), 1)
    g = gpu_cupy._Gen(c)
    g.source("k")
    args = gpu_cupy.bind(c, g.use_list, (300, 0.1, 2.5, 1 - 2j))
    kinds = [(k, dt.name, fl) for k, dt, fl in g.use_list]
    assert (0, "uint8", True) in kinds  # the flag of the out-of-range int
    flat = [a.item() for a in args]
    assert 1 in flat                      # 300 > 255: above the range
    assert 0.1 in flat and 2.5 in flat and 1.0 in flat and -2.0 in flat
    assert all(isinstance(a, (np.int64, np.uint64, np.float32, np.float64)) for a in args)
    f16 = Circuit((InputSig(np.dtype(np.float16), 1, (False,)),), (float,),
                  (Instr("multiply", 2, (0, 1), np.dtype(np.float16)),), (2,), 1)
    g = gpu_cupy._Gen(f16)
    g.source("k")
    (a,) = gpu_cupy.bind(f16, g.use_list, (0.1,))
    assert a.dtype == np.float32 and a == np.float32(np.float16(0.1))  # NumPy's conversion to half


def test_cupy_not_imported_with_hologram_array():
    code = ("import sys, hologram_array, hologram_array.backends.gpu_cupy as g\n"
            "assert 'cupy' not in sys.modules\n"
            "print(g.available() in (True, False))")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True"]


# ---------------------------------------------------------------------------------------------
# nvcc


def test_nvcc_compiles_every_op_on_every_dtype(compiled, corpus):
    labels = [lb for lb, *_ in corpus["ops"] if lb not in corpus["not_impl"]]
    assert len(labels) > 600
    groups = {corpus["group_of"][lb] for lb in labels}  # every op x dtype is in a compiled kernel
    msg = _failures(compiled, sorted(groups))
    assert not msg, "kernels that do not compile:\n" + msg
    for lb in labels:
        c = corpus["meta"][corpus["group_of"][lb]]
        op = lb.split("[")[0]
        assert any(i.op == op.split("/")[0] for i in c.instrs), lb


def test_nvcc_compiles_lazy_broadcast_strided_multi_output(compiled, corpus):
    labels = [lb for lb in corpus["meta"] if lb.startswith(("lazy", "broadcast", "0-d"))]
    assert len(labels) >= 10
    msg = _failures(compiled, labels)
    assert not msg, "kernels that do not compile:\n" + msg
    c = corpus["meta"]["broadcast/strided 3-d"]
    assert len(c.outputs) > 1 and any(any(i.stretched) for i in c.inputs)


def test_nvcc_compiles_full_reduction_kernels(compiled, corpus):
    labels = [u.label for u in corpus["units"] if " reduce " in u.label]
    assert len(labels) >= 12, labels  # several circuits x sum/prod/max/min/any/all
    bad = _failures(compiled, labels)
    assert not bad, bad


def test_nvcc_compiles_classmap_kernels(compiled, corpus):
    labels = [lb for lb in corpus["meta"] if lb.startswith("classmap")]
    assert len(labels) >= 8
    msg = _failures(compiled, labels)
    assert not msg, "kernels that do not compile:\n" + msg
    assert ".shared" in compiled.ptx[labels[0]]  # the tables go to shared memory


def test_nvcc_ptx_has_one_entry_per_kernel_and_no_contraction(compiled, corpus):
    entries = set()
    for ptx in set(compiled.ptx.values()):
        entries |= set(re.findall(r"\.entry\s+(hx_\w+)\(", ptx))
    assert len(entries) == compiled.kernels
    # a*b+c in float32/float64 stays two roundings (--fmad=false, __fmul_rn/__fadd_rn)
    c = circuit([np.dtype(np.float64)] * 3 + [np.dtype(np.float32)] * 3,
                [("multiply", (0, 1)), ("add", (6, 2)), ("multiply", (3, 4)), ("add", (8, 5))])
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "k.cu"), os.path.join(tmp, "k.ptx")
        open(src, "w").write(gpu_cupy.generate_cuda_source(c))
        p = subprocess.run(nvcc_cmd(src, out), capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
        ptx = open(out).read()
    assert "mul.rn.f64" in ptx and "add.rn.f64" in ptx and "mul.rn.f32" in ptx and "add.rn.f32" in ptx
    assert "fma.rn" not in ptx


def test_nvcc_rejects_a_broken_kernel_and_names_it():
    """The harness itself: a kernel that does not compile is reported, by label."""
    if NVCC is None:
        pytest.skip("nvcc is not installed")
    good = circuit([np.dtype(np.int32)], [("negative", (0,))])
    bad_src = gpu_cupy.kernel_source(good, "hx_broken").replace("hx_neg", "hx_no_such_helper", 1)
    if bad_src == gpu_cupy.kernel_source(good, "hx_broken"):
        bad_src = gpu_cupy.kernel_source(good, "hx_broken").replace(";", " undefined_symbol;", 1)
    res = compile_all([Unit("good", gpu_cupy.kernel_source(good, "hx_good")), Unit("bad op[int32]", bad_src)])
    assert res.units["bad op[int32]"].error
    assert not res.units["good"].error


# ---------------------------------------------------------------------------------------------
# without a GPU: the generated code's semantics, compiled for the host
#
# The element functions (casts, templates, helpers: everything but the launch and indexing) are
# compiled with the host C++ compiler (cuda_ops' host shims: the same IEEE round-to-nearest
# operations, -ffp-contract=off; the C library's transcendental functions instead of libdevice's)
# and run on the op x dtype corpus against the NumPy executor. This checks wraparound, division
# by zero, NaN/signed-zero rules, float16 rounding, casts and parameter conversion without a GPU.

CXX = shutil.which("g++") or shutil.which("c++")
CUDA_INCLUDE = next((d for d in (os.environ.get("CUDA_HOME", "") + "/include", "/usr/local/cuda/include")
                     if os.path.exists(os.path.join(d, "cuda_fp16.h"))), None)


@pytest.fixture(scope="module")
def emulated(corpus):
    import ctypes

    if CXX is None or CUDA_INCLUDE is None:
        pytest.skip("needs a host C++ compiler and the CUDA headers (cuda_fp16.h)")
    names, srcs = {}, []
    for label, op, loop0, c in corpus["ops"]:
        if label in corpus["not_impl"]:
            continue
        name = gpu_cupy.kernel_name(c)
        if name not in names.values():
            srcs.append(gpu_cupy.kernel_source(c, name, host=True))
        names[label] = name
    tmp = tempfile.mkdtemp(prefix="hx_emu_")

    def build(k):
        src, lib = os.path.join(tmp, f"emu{k}.cpp"), os.path.join(tmp, f"emu{k}.so")
        with open(src, "w") as f:
            f.write(PREAMBLE + "".join(srcs[k::N_PROCS]))
        p = subprocess.run([CXX, "-O0", "-ffp-contract=off", "-shared", "-fPIC", f"-I{CUDA_INCLUDE}",
                            "-o", lib, src], capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr[-5000:]
        return ctypes.CDLL(lib)

    with concurrent.futures.ThreadPoolExecutor(N_PROCS) as ex:
        libs = list(ex.map(build, range(N_PROCS)))
    yield names, libs
    shutil.rmtree(tmp, ignore_errors=True)


def _host_run(names, libs):
    import ctypes

    ctype_of = {np.int64: ctypes.c_longlong, np.uint64: ctypes.c_ulonglong, np.float32: ctypes.c_float,
                np.float64: ctypes.c_double}

    def run(c, label, bufs, values, shape):
        name = names[label]
        fn = None
        for lib in libs:
            try:
                fn = getattr(lib, f"{name}_host")
                break
            except AttributeError:
                pass
        assert fn is not None, f"{label}: {name}_host not in the libraries"
        g = gpu_cupy._Gen(c)
        g.source(name)
        params = gpu_cupy.bind(c, g.use_list, values)
        ins = [np.ascontiguousarray(b) for b in bufs]
        outs = [np.empty(shape, d) for d in c.output_dtypes]
        err = np.zeros(1, np.int32)
        args = [ctypes.c_void_p(a.ctypes.data) for a in ins]
        args += [ctype_of[type(p)](p) for p in params]
        args += [ctypes.c_void_p(o.ctypes.data) for o in outs]
        args += [ctypes.c_void_p(err.ctypes.data), ctypes.c_longlong(int(np.prod(shape)))]
        fn.restype = None
        fn(*args)
        if err[0]:
            raise ValueError("Integers to negative integer powers are not allowed.")
        return outs

    return run


def test_host_emulation_matches_numpy_on_every_op_and_dtype(emulated, corpus):
    names, libs = emulated
    failures = check_op_cases(corpus["ops"], corpus["not_impl"], _host_run(names, libs))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])


def test_host_emulation_lazy_circuits_params_and_broadcasting():
    """Front-end circuits: weak/strong parameters (NumPy's conversion, out-of-range Python ints
    in comparisons), multi-output, broadcast inputs (passed expanded: the host loop is flat)."""
    import ctypes

    if CXX is None or CUDA_INCLUDE is None:
        pytest.skip("needs a host C++ compiler and the CUDA headers (cuda_fp16.h)")
    cases = lazy_circuits()
    names = {label: gpu_cupy.kernel_name(c) for label, c, _ in cases}
    with tempfile.TemporaryDirectory(prefix="hx_emu_lazy_") as tmp:
        src, lib = os.path.join(tmp, "lazy.cpp"), os.path.join(tmp, "lazy.so")
        with open(src, "w") as f:
            f.write(PREAMBLE + "".join(gpu_cupy.kernel_source(c, names[lb], host=True) for lb, c, _ in cases))
        p = subprocess.run([CXX, "-O0", "-ffp-contract=off", "-shared", "-fPIC", f"-I{CUDA_INCLUDE}",
                            "-o", lib, src], capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr[-5000:]
        run = _host_run(names, [ctypes.CDLL(lib)])
        failures = []
        for label, c, b in cases:
            shape = b.shape
            ref = [np.empty(shape, d) for d in c.output_dtypes]
            numpy_exec.run(numpy_exec.Plan(c), b.buffers, b.values, ref)
            full = [np.ascontiguousarray(np.broadcast_to(x, shape)) for x in b.buffers]
            got = run(c, label, full, b.values, shape)
            for j, (g, r) in enumerate(zip(got, ref)):
                try:
                    check_output(c, j, g, r, f"{label} output {j}")
                except AssertionError as e:
                    failures.append(f"{e}\n{c.listing()}")
        assert not failures, "\n".join(failures)


def check_output(c: Circuit, j: int, g, r, what: str) -> None:
    if after_transcendental(c, c.outputs[j]) and r.dtype.kind == "f":
        # a transcendental result a few ULP off, then magnified by later ops (tanh(x) - 1):
        # an absolute bound at the intermediate's scale
        tol = MAX_ULP * float(np.finfo(r.dtype).eps) * np.maximum(1.0, np.abs(r.astype(np.float64)))
        ok = (np.isnan(g) & np.isnan(r)) | (np.abs(g.astype(np.float64) - r) <= tol)
        assert ok.all(), f"{what}: {g[~ok][:5]} vs {r[~ok][:5]}"
    else:
        by_dst = {i.dst: i for i in c.instrs}
        ins = by_dst.get(c.outputs[j])
        _same(g, r, what, transcendental=True, floor=1.0 if ins is not None and ins.op in _LOG_FAMILY else 0.0)


def after_transcendental(c: Circuit, reg: int) -> bool:
    """Whether register ``reg`` is computed from a transcendental op's result by further ops."""
    by_dst = {i.dst: i for i in c.instrs}
    ins = by_dst.get(reg)
    if ins is None:
        return False
    stack = [s for s in ins.srcs if s in by_dst]
    while stack:
        i = by_dst[stack.pop()]
        if OPS[i.op].cost == TRANSCENDENTAL:
            return True
        stack += [s for s in i.srcs if s in by_dst]
    return False


# ---------------------------------------------------------------------------------------------
# on a GPU: the kernels against NumPy


def _gpu():
    if not gpu_cupy.available():
        pytest.skip("needs CuPy and a CUDA GPU (gpu_cupy.available() is False)")
    import cupy
    return cupy


def edge_values(dt: np.dtype) -> np.ndarray:
    dt = np.dtype(dt)
    rng = np.random.default_rng(DTYPES.index(dt) + 11)
    if dt.kind == "b":
        return np.array([False, True, True, False, True, False])
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, 2, 3, 5, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127, 128, 255,
                int(info.max), int(info.max) - 1]
        if dt.kind == "i":
            vals += [-1, -2, -3, -7, -8, -64, int(info.min), int(info.min) + 1]
        vals = [v for v in vals if info.min <= v <= info.max]
        rnd = rng.integers(int(info.min), int(info.max), size=6, endpoint=True, dtype=dt)
        return np.concatenate([np.array(vals, dtype=dt), rnd])
    if dt.kind == "f":
        fi = np.finfo(dt)
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.5, 3.0, -3.0, 10.0, math.pi, 100.5,
                -700.0, 90.0, 1e5, float("nan"), float("inf"), float("-inf"), float(fi.tiny),
                -float(fi.tiny), float(fi.smallest_subnormal), float(fi.max), -float(fi.max),
                float(fi.eps), 2.0 ** 31, 2.0 ** 63, 1e19]
        base = np.array(vals, dtype=np.float64).astype(dt)
        rnd = (rng.standard_normal(8) * 10).astype(dt)
        return np.concatenate([base, rnd])
    part = np.dtype(dt.char.lower())
    f = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, np.nan, np.inf, -np.inf, 1e-3, 20.0], dtype=part)
    z = np.zeros(len(f) ** 2, dt)
    z.real, z.imag = np.repeat(f, len(f)), np.tile(f, len(f))
    return z


#: Complex functions whose real part is log|.|: absolute error at the scale max(1, |z|).
_LOG_FAMILY = frozenset({"log", "log1p", "log2", "log10", "logaddexp", "logaddexp2"})


def _same(got, ref, what, transcendental, scale=None, floor=0.0):
    """Bit-identical (NaN == NaN, signed zeros told apart), or for ``transcendental`` results
    within MAX_ULP units in the last place of ``scale`` (default: the value itself; complex
    parts: the larger part's magnitude, as complex accuracy is measured -- a part that cancels
    to near zero carries the absolute error of the whole; ``floor``: a least scale, 1.0 for the
    log family, whose results near zero carry the absolute error of log near 1)."""
    assert got.dtype == ref.dtype, (what, got.dtype, ref.dtype)
    if got.dtype.kind == "c":
        mag = np.maximum(np.maximum(np.abs(ref.real), np.abs(ref.imag)), floor)
        for part in ("real", "imag"):
            _same(np.ascontiguousarray(getattr(got, part)), np.ascontiguousarray(getattr(ref, part)),
                  f"{what}.{part}", transcendental, mag)
        return
    if got.dtype.kind == "f":
        ok = (np.isnan(got) & np.isnan(ref)) | ((got == ref) & (np.signbit(got) == np.signbit(ref)))
        if transcendental:
            g, r = got.astype(np.float64), ref.astype(np.float64)
            base = np.abs(ref) if scale is None else np.where(np.isfinite(scale), scale, np.abs(ref))
            sp = np.spacing(np.maximum(base, np.finfo(ref.dtype).tiny).astype(ref.dtype)).astype(np.float64)
            ok |= np.isfinite(got) & np.isfinite(ref) & (np.abs(g - r) <= MAX_ULP * sp)
    else:
        ok = got == ref
    if not ok.all():
        bad = np.flatnonzero(~ok)[:5]
        raise AssertionError(f"{what}: {(~ok).sum()} of {ok.size} differ; at {bad.tolist()}: "
                             f"got {got.ravel()[bad].tolist()} expected {ref.ravel()[bad].tolist()}")


def _inputs_for(c: Circuit):
    bufs = []
    n = None
    for k, i in enumerate(c.inputs):
        v = edge_values(i.dtype)
        bufs.append(v)
    n = max(len(b) for b in bufs)
    bufs = [np.resize(b, n) if k == 0 else np.resize(np.roll(b, 3 * k), n) for k, b in enumerate(bufs)]
    # grid the first two inputs so binary ops see every pair of edge values
    if len(bufs) >= 2:
        a, b = edge_values(c.inputs[0].dtype), edge_values(c.inputs[1].dtype)
        A, B = np.repeat(a, len(b)), np.tile(b, len(a))
        bufs = [A, B] + [np.resize(x, len(A)) for x in bufs[2:]]
    return bufs


def _values_for(c: Circuit):
    return tuple(np.dtype(p).type(0.5).item() if isinstance(p, np.dtype) and p.kind in "fc"
                 else (np.dtype(p).type(1).item() if isinstance(p, np.dtype) else p(1)) for p in c.params)


def check_op_cases(cases, not_impl, run):
    """Run every op x dtype case with ``run(circuit, label, buffers, values, shape) -> outputs``
    (NumPy arrays) and compare with the NumPy executor; returns the failures."""
    failures = []
    for label, op, loop0, c in cases:
        if label in not_impl:
            continue
        bufs = _inputs_for(c)
        if op == "pow" and loop0[:1] in ("i", "u") or op == "pow" and c.inputs[1].dtype.kind == "i":
            e = bufs[1]
            bufs[1] = np.where(e > 0, e, 0).astype(e.dtype)  # negative exponents raise (tested below)
        values = _values_for(c)
        shape = bufs[0].shape
        ref = [np.empty(shape, d) for d in c.output_dtypes]
        numpy_exec.run(numpy_exec.Plan(c), bufs, values, ref)
        try:
            outs = run(c, label, bufs, values, shape)
        except Exception as e:  # noqa: BLE001 - reported with the case's name
            failures.append(f"{label}: {type(e).__name__}: {e}")
            continue
        # complex sign is z / |z|: |z| is libdevice's hypot on the GPU
        transcendental = (OPS[op].cost == TRANSCENDENTAL or op in ("logaddexp",)
                          or (op == "sign" and c.inputs[0].dtype.kind == "c"))
        floor = 1.0 if op in _LOG_FAMILY else 0.0
        for j, (got, r) in enumerate(zip(outs, ref)):
            try:
                keep = None
                if op == "astype" and c.output_dtypes[j] == np.uint32 and c.inputs[0].dtype.kind in "fc":
                    xr = np.real(bufs[0]).astype(np.float64)
                    keep = (xr > -2.0 ** 31) & (xr < 2.0 ** 32)  # NumPy: position-dependent
                if op in ("fmax", "fmin") and c.inputs[0].dtype.kind in "fc":
                    keep = ~((bufs[0] == 0) & (bufs[1] == 0))  # NumPy: SIMD body vs scalar tail
                scale = None
                if op in ("logaddexp", "logaddexp2") and r.dtype.kind == "f":
                    # log(e^x + e^y) = max(x, y) + log1p(...): its error is at the inputs' scale
                    xs = [np.abs(np.asarray(b, dtype=np.float64)) for b in bufs[:2]]
                    scale = np.maximum(np.maximum(xs[0], xs[1]), np.abs(r.astype(np.float64)))
                if keep is not None:
                    got, r = got[keep], r[keep]
                    scale = None if scale is None else scale[keep]
                _same(got, r, f"{label} output {j}", transcendental and c.output_dtypes[j].kind in "fc",
                      scale, floor)
            except AssertionError as e:
                failures.append(str(e))
    return failures


def test_gpu_matches_numpy_on_every_op_and_dtype(corpus):
    cp = _gpu()
    gpu_cupy.compile_many([c for label, _, _, c in corpus["ops"] if label not in corpus["not_impl"]])

    def run(c, label, bufs, values, shape):
        outs = [cp.empty(shape, d) for d in c.output_dtypes]
        gpu_cupy.compile_circuit(c)([cp.asarray(b) for b in bufs], values, outs)
        return [cp.asnumpy(o) for o in outs]

    failures = check_op_cases(corpus["ops"], corpus["not_impl"], run)
    assert not failures, "\n".join(failures[:40])


def test_gpu_lazy_broadcast_strided_and_in_place():
    cp = _gpu()
    gpu_cupy.compile_many([c for _, c, _ in lazy_circuits()])
    for label, c, b in lazy_circuits():
        shape = b.shape
        ref = [np.empty(shape, d) for d in c.output_dtypes]
        numpy_exec.run(numpy_exec.Plan(c), b.buffers, b.values, ref)
        for order in ("C", "F"):
            outs = [cp.empty(shape, d, order=order) for d in c.output_dtypes]
            gpu_cupy.compile_circuit(c)([cp.asarray(x) for x in b.buffers], b.values, outs)
            for j, (g, r) in enumerate(zip(outs, ref)):
                check_output(c, j, cp.asnumpy(g), r, f"{label} ({order}) output {j}")
    x = np.linspace(-2, 2, 1000)
    c = circuit([x.dtype, x.dtype], [("multiply", (0, 1)), ("add", (2, 0))])
    c = Circuit(c.inputs, (), c.instrs, (3,), 1)
    dx = cp.asarray(x)
    gpu_cupy.compile_circuit(c)([dx, dx], (), [dx])  # x += x*x
    _same(cp.asnumpy(dx), x * x + x, "in place", False)


def test_gpu_negative_integer_power_raises():
    cp = _gpu()
    c = circuit([np.dtype(np.int32), np.dtype(np.int32)], [("pow", (0, 1))])
    k = gpu_cupy.compile_circuit(c)
    out = [cp.empty(3, np.int32)]
    k([cp.asarray(np.array([2, 3, 4], np.int32)), cp.asarray(np.array([2, 0, 3], np.int32))], (), out)
    assert cp.asnumpy(out[0]).tolist() == [4, 1, 64]
    with pytest.raises(ValueError, match="negative integer powers"):
        k([cp.asarray(np.array([2, 3, 4], np.int32)), cp.asarray(np.array([2, -1, 3], np.int32))], (), out)


def test_gpu_classmap_kernels_match_tables():
    cp = _gpu()
    gpu_cupy.compile_many((), [c for _, c in classmap_circuits()])
    for label, c in classmap_circuits():
        plan = numpy_exec.Plan(c)
        cm = classmap.build(c, lambda ins, vals, outs: numpy_exec.run(plan, ins, vals, outs), ())
        assert cm is not None, label
        shape = {0: (), 1: (1000,), 2: (20, 50), 3: (4, 5, 50)}[c.out_ndim]
        rng = np.random.default_rng(1)
        bufs = [rng.integers(0, 1 << (8 * i.dtype.itemsize), shape,
                             dtype=np.uint8 if i.dtype.itemsize == 1 else np.uint16).view(i.dtype)
                for i in c.inputs]
        if c.out_ndim >= 2:  # a strided input
            bufs[0] = np.ascontiguousarray(np.swapaxes(bufs[0], 0, 1)).swapaxes(0, 1)
        ref = [np.empty(shape, d) for d in c.output_dtypes]
        numpy_exec.run(plan, bufs, (), ref)
        outs = [cp.empty(shape, d) for d in c.output_dtypes]
        gpu_cupy.compile_classmap(c)([cp.asarray(b) for b in bufs], [cp.asarray(t) for t in cm.tables], outs)
        for j, (g, r) in enumerate(zip(outs, ref)):
            _same(cp.asnumpy(g), r, f"{label} output {j}", False)
