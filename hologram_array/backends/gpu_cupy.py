"""The CUDA backend: a circuit becomes one fused CUDA C kernel, run through CuPy.

Code generation (no GPU, no CuPy needed)
----------------------------------------

``generate_cuda_source(circuit)`` returns one translation unit: the device helpers
(``cuda_ops.PREAMBLE``, include-guarded, only ``cuda_fp16.h`` included) and ONE
``extern "C" __global__`` kernel named ``kernel_name(circuit)``, specialised on the circuit's
dtypes and ndim. Its arguments, in order::

    in0 .. in{I-1}        const pointers to the input buffers (bool as bytes, float16 as __half)
    a_p{k}_{dtype}[_cmp]  one argument per (parameter, loop dtype) use, already converted by the
                          host to that loop dtype as NumPy converts (``bind``): integers and bools
                          as long long (uint64 as unsigned long long), float16/float32 as float,
                          float64 as double, complex as two reals (``_re``, ``_im``); ``_cmp``:
                          -1/0/+1 for a Python int below/inside/above an integer dtype's range
    out0 .. out{O-1}      pointers to the outputs
    err                   int* (device), set to 1 by an integer power with a negative exponent
    n                     number of elements (long long)
    contig                1: every input has the output's shape and every buffer is C-contiguous
                          (flat indexing, the fast path); 0: the strided/broadcast path
    shape0 ..             the output shape (long long per axis)
    st_in{k}_{a}, st_out{j}_{a}   byte strides per buffer and axis; 0 on broadcast axes (the
                          inputs are passed as ``cupy.broadcast_to(buf, shape)`` views)

Both paths share one grid-stride loop and one inlined element function: byte offsets come from
the flat index (``contig``) or from the coordinates and strides; then load the inputs (float16
-> float, bool bytes -> ``!= 0``), run the instructions, store the outputs.
Each instruction casts its operands to the loop dtypes NumPy's ufunc would use
(``expr.infer.resolve``), applies the op's ``cuda`` template from the op table (``expr/ops.py``,
``_CUDA`` block) and casts the value to the instruction's dtype: integer arithmetic in unsigned
types (NumPy's wraparound, no C++ overflow UB); NumPy's results for integer division and
remainder by zero (0) and ``MIN // -1`` (MIN); float16 computed in float and rounded to float16
after every op; maximum/minimum/clip/fmax/fmin with NumPy's NaN and signed-zero rules; float ->
int casts as NumPy's on x86-64 (not CUDA's saturating conversion).

``generate_classmap_source(circuit)``: the class-map variant (``compiler/classmap.py``) -- a
kernel that applies the circuit's tables (256 entries for one 8-bit input, 256x256 for two,
65,536 for one 16-bit input; one table per output, in the output's dtype, built on the host by ``classmap.build``) to the
input bytes. Arguments: ``in0 [, in1], tab0 .. tab{O-1}, out0 .., n, contig, use_shared,
shape.., strides..``; with ``use_shared`` the block first copies the tables into dynamic shared
memory (``shared_mem`` bytes = ``classmap_table_bytes(circuit)``), else it reads them from
global memory (tables larger than the device's shared memory per block).

Exactness (what differs from NumPy)
-----------------------------------

Compiled with ``COMPILE_OPTIONS`` (``--fmad=false``: no a*b+c contraction; IEEE division and
square root; no flush-to-zero). Add, subtract, multiply, divide, sqrt use the ``__*_rn``
intrinsics, so they are IEEE-754 round-to-nearest whatever the flags. Results are NumPy's bit
for bit (same formulas as the Numba backend, ``cpu_numba``), except:

* transcendental functions (exp, log, sin, pow, hypot, cbrt, atan2, the hyperbolic and inverse
  functions ...) come from CUDA's libdevice, within its documented ULP bounds (1-4 ULP for most
  float32 and float64 functions), not glibc's or NumPy's SIMD results; float16 results, rounded
  to 11 bits, rarely differ;
* complex functions NumPy takes from the C library -- exp, log, sqrt, sin, cos, tan, sinh, cosh,
  tanh, arcsin, arccos, arctan, arcsinh, arccosh, arctanh, exp2, log2, log10 (built on cexp /
  clog) and power/float_power -- have NO template: they raise ``NotImplementedError`` naming the
  op and dtype (glibc's special-value and accuracy behaviour is not reproduced). Complex
  expm1/log1p/sign use NumPy's own formulas on the real functions (libdevice ULPs);
* NaN payloads and the sign of NaNs produced by arithmetic or float16 conversion;
* float -> uint32 of NaN/inf/out-of-range values, fmax/fmin(+0.0, -0.0), clip's signed-zero
  rule: as the Numba backend (NumPy's own results depend on the element's position there);
* no floating-point error flags: GPUs have none, so the kernel cannot report NumPy's
  RuntimeWarnings (``divide``, ``over``, ``under``, ``invalid``); ``Kernel.__call__`` returns
  ``None`` ("unknown"), see below.

Runtime (only where ``cupy`` imports and a GPU is present)
----------------------------------------------------------

``available()`` -- never raises, imports CuPy only when called (never at ``import
hologram_array``). ``compile_circuit(circuit) -> Kernel``: ``cupy.RawKernel`` on the generated
source with ``COMPILE_OPTIONS``, cached per circuit key in this process (CuPy caches the compiled
binary on disk too). ``kernel(buffers, values, outs)`` has ``numpy_exec.run``'s contract with
CuPy arrays (NumPy inputs are copied to the device); it raises ``ValueError`` like NumPy for an
integer power with a negative exponent. ``compile_classmap(circuit) -> ClassMapKernel``:
``kernel(buffers, tables, outs)``.

The driver (``compiler/materialize._execute_gpu``) calls it for Arrays on a ``cuda:N`` device:
class maps through ``compile_classmap`` (tables built on the host, copied once), everything else
through ``compile_circuit``; a ``NotImplementedError`` circuit runs on the host.
``compile_full_reduction`` / ``compile_reduction``: fused ``sum``/``prod``/``max``/``min``/
``any``/``all`` over every axis (our two-stage kernel) or some axes (CuPy's ``ReductionKernel``
with the element function as its map). ``compile_many``: a batch of circuits in a few NVRTC
translation units (test corpora). CuPy adds ``-ftz=true`` to every compile; ``_keep_subnormals``
removes it from ours.
"""
from __future__ import annotations

import hashlib
import math
import threading
from typing import Any, Sequence

import numpy as np

from ..compiler.circuit import Circuit
from .codegen_names import CircuitNames
from ..expr.infer import resolve
from ..expr.ops import COMPARISONS, OPS, cuda_templates
from .cuda_ops import PREAMBLE

#: Bump when the generated code's meaning changes without its text changing.
CODEGEN_VERSION = 1

#: NVRTC (CuPy) options; nvcc accepts the same spellings. No fast math: no FMA contraction,
#: IEEE division and square root, subnormals kept.
#: ``-D`` marks our compiles: CuPy appends ``-ftz=true`` to every NVRTC compile (it flushes
#: float32 subnormals to zero; cupy/cupy#9576), and ``_keep_subnormals`` drops it for ours only.
IEEE_MARK = "-DHOLOGRAM_IEEE_SUBNORMALS=1"
COMPILE_OPTIONS = ("--fmad=false", "--prec-div=true", "--prec-sqrt=true", "--ftz=false", IEEE_MARK)

_NEG_POW_MSG = "Integers to negative integer powers are not allowed."

_SUPPORTED = {np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                                    np.uint16, np.uint32, np.uint64, np.float16, np.float32,
                                    np.float64, np.complex64, np.complex128)}
_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_BOOL = np.dtype(np.bool_)
_U32 = np.dtype(np.uint32)

_CTYPES = {
    "bool": "bool", "int8": "signed char", "int16": "short", "int32": "int", "int64": "long long",
    "uint8": "unsigned char", "uint16": "unsigned short", "uint32": "unsigned int",
    "uint64": "unsigned long long", "float16": "float", "float32": "float", "float64": "double",
    "complex64": "hx_c64", "complex128": "hx_c128",
}


def _ctype(dt: np.dtype) -> str:
    """C type of a register of dtype ``dt`` (float16 is carried in float)."""
    return _CTYPES[dt.name]


def _mem_ctype(dt: np.dtype) -> str:
    """C type of a buffer element of dtype ``dt``."""
    if dt == _F16:
        return "__half"
    if dt == _BOOL:
        return "unsigned char"
    return _CTYPES[dt.name]


def _sfx(dt: np.dtype) -> str:
    if dt.kind == "c":
        return "c64" if dt.itemsize == 8 else "c128"
    if dt.kind == "f":
        return "f64" if dt.itemsize == 8 else "f32"
    return ""


def _part(dt: np.dtype) -> np.dtype:
    return _F32 if dt.itemsize == 8 else _F64


def _kind(dt: np.dtype) -> str:
    if dt == _F16:
        return "e"
    return {"b": "b", "i": "i", "u": "u", "f": "f", "c": "c"}[dt.kind]


def _check_dtype(dt: Any, what: str) -> np.dtype:
    if not isinstance(dt, np.dtype) or dt not in _SUPPORTED or not dt.isnative:
        raise NotImplementedError(f"hologram_array gpu_cupy: {what} has unsupported dtype {dt!r}")
    return dt


def _cast(expr: str, src: np.dtype, dst: np.dtype) -> str:
    """C expression converting ``expr`` (a register value of dtype ``src``) to ``dst`` as NumPy."""
    if src == dst:
        return expr
    sk, dk = src.kind, dst.kind
    if dk == "b":
        if sk == "c":
            return f"hx_cto_bool_{_sfx(src)}({expr})"
        return f"(({expr}) != 0)"
    if sk == "c" and dk != "c":
        expr, src, sk = f"({expr}).re", _part(src), "f"
        if src == dst:
            return expr
    if dk in "iu":
        if sk == "f":
            if src == _F16 and dst == _U32:
                return f"hx_f2i_uint32_scalar((double)({expr}))"  # NumPy's half -> uint32 is scalar
            return f"hx_f2i_{dst.name}((double)({expr}))"
        return f"(({_ctype(dst)})({expr}))"
    if dst == _F16:
        if src == _F64:
            return f"hx_hr64({expr})"
        if sk in "iu" and src.itemsize == 8:
            return f"hx_hr64((double)({expr}))"  # one rounding (via float64, exact below 2**53)
        return f"hx_hr((float)({expr}))"
    if dk == "f":
        return f"(({_ctype(dst)})({expr}))"
    # complex destination
    if sk == "c":
        return f"hx_{_sfx(dst)}_of_{_sfx(src)}({expr})"
    part = _part(dst)
    return f"hx_mk_{_sfx(dst)}({_cast(expr, src, part)}, ({_ctype(part)})0)"


def _normalize(expr: str, dt: np.dtype) -> str:
    """A template's value as a register of dtype ``dt`` (float16: rounded)."""
    if dt == _F16:
        return f"hx_hr({expr})"
    if dt.kind == "c":
        return expr
    return f"(({_ctype(dt)})({expr}))"


def _loop_dtypes(c: Circuit, ins) -> tuple[tuple[np.dtype, ...], np.dtype]:
    spec = OPS[ins.op]
    if spec.ufunc is not None:
        loop, out = resolve(ins.op, tuple(c.reg_dtype(s) for s in ins.srcs))
        return tuple(loop), out
    if ins.op == "astype":
        return (ins.dtype,), ins.dtype
    if ins.op == "where":
        return (_BOOL, ins.dtype, ins.dtype), ins.dtype
    if ins.op in ("real", "imag"):
        src = c.reg_dtype(ins.srcs[0])
        if not isinstance(src, np.dtype):
            raise NotImplementedError(f"hologram_array gpu_cupy: op {ins.op!r} on a weak scalar")
        return (src,), ins.dtype
    raise NotImplementedError(f"hologram_array gpu_cupy: op {ins.op!r} has no loop-dtype rule")


def _template(op: str, loop: Sequence[np.dtype]) -> str:
    kind = _kind(loop[0])
    if len(loop) == 2 and {loop[0].kind, loop[1].kind} == {"i", "u"}:
        kind = "x"  # int64 with uint64: NumPy's exact mixed-sign comparison loops
    table = cuda_templates(op)
    for kinds, t in table.items():
        if kind in kinds:
            return t
    if kind == "e":
        for kinds, t in table.items():
            if "f" in kinds:
                return t
    raise NotImplementedError(
        f"hologram_array gpu_cupy: no CUDA template for op {op!r} on dtype {loop[0]}")


_fma_cache: dict[str, bool] = {}


def complex_mul_is_fused() -> bool:
    """Whether this NumPy's complex multiply rounds once per part (FMA) -- cpu_numba's probe."""
    hit = _fma_cache.get("mul")
    if hit is None:
        e = 2.0 ** -30
        a = np.full(64, complex(1 + e, 1.0))
        b = np.full(64, complex(1 + e, 1 + 2 * e))
        hit = _fma_cache["mul"] = bool((a * b).real[0] != 0.0)
    return hit


def kernel_name(circuit: Circuit, variant: str = "direct") -> str:
    """The kernel's symbol: ``hx_`` + a digest of the circuit's structure (its cache key)."""
    h = hashlib.sha256(repr((CODEGEN_VERSION, variant, circuit.key)).encode()).hexdigest()
    return f"hx_{'cm_' if variant == 'classmap' else ''}{h[:20]}"


class _Gen(CircuitNames):
    """Generates the kernel of one circuit."""

    def __init__(self, c: Circuit, fma: bool | None = None):
        if not c.outputs:
            raise NotImplementedError("hologram_array gpu_cupy: a circuit without outputs")
        self.c = c
        self.ni, self.first = c.n_inputs, c.first_instr_reg
        for k, i in enumerate(c.inputs):
            _check_dtype(i.dtype, f"input {k}")
        for k, p in enumerate(c.params):
            if isinstance(p, np.dtype):
                _check_dtype(p, f"parameter {k}")
            elif p not in (int, float, complex, bool):
                raise NotImplementedError(f"hologram_array gpu_cupy: parameter {k} of type {p!r}")
        for ins in c.instrs:
            _check_dtype(ins.dtype, f"op {ins.op!r}")
        for d in c.output_dtypes:
            if not isinstance(d, np.dtype):
                raise NotImplementedError("hologram_array gpu_cupy: a weak scalar as a circuit output")
        self.uses: dict[tuple[int, str, bool], str] = {}
        self.use_list: list[tuple[int, np.dtype, bool]] = []
        fused = complex_mul_is_fused() if fma is None else fma
        self.fma = "_fma" if fused else ""

    # names
    def operand(self, r: int, dt: np.dtype) -> str:
        if self.ni <= r < self.first:
            return self.param_arg(r, dt)
        return _cast(self.reg(r), self.c.reg_dtype(r), dt)

    def instr_lines(self, ins) -> list[str]:
        c = self.c
        loop, out_dt = _loop_dtypes(c, ins)
        for d in loop:
            _check_dtype(d, f"op {ins.op!r} loop")
        t = _template(ins.op, loop)
        toks = [c.reg_dtype(s) for s in ins.srcs]
        desc = ", ".join(
            f"{self.label(s)}:{(tok.name if isinstance(tok, np.dtype) else 'weak ' + tok.__name__)}"
            + (f"->{d.name}" if (not isinstance(tok, np.dtype) or tok != d) else "")
            for s, tok, d in zip(ins.srcs, toks, loop))
        lines = [f"/* {self.label(ins.dst)} = {ins.op}({desc}) -> {ins.dtype.name} */"]
        flag_side = None
        if ins.op in COMPARISONS and loop[0].kind in "iub":
            for j, (s, tok) in enumerate(zip(ins.srcs, toks)):
                if tok is int and self.ni <= s < self.first:
                    flag_side = j
        ops = [self.operand(s, d) for s, d in zip(ins.srcs, loop)]
        l0 = loop[0]
        fields = dict(
            T=_ctype(l0),
            U=("unsigned long long" if l0.itemsize == 8 else "unsigned int") if l0.kind in "iub" else "",
            s="f32" if l0 == _F16 else _sfx(l0),
            m="" if l0 in (_F64, np.dtype(np.complex128)) else "f",
            bits=l0.itemsize * 8,
            fma=self.fma,
            F2I=f"hx_f2i_{l0.name}" if l0.kind in "iu" else "",
        )
        if "{bounds}" in t:
            fields["bounds"] = "_const" if all(self.is_scalar(s) for s in ins.srcs[1:]) else ""
        if "{cmp}" in t:
            if l0.kind == "i":
                fields["cmp"] = f"hx_cmp_su((long long)({ops[0]}), (unsigned long long)({ops[1]}))"
            else:
                fields["cmp"] = f"(-hx_cmp_su((long long)({ops[1]}), (unsigned long long)({ops[0]})))"
        expr = t.format(*ops, **fields)
        if flag_side is not None:
            flag = self.param_arg(ins.srcs[flag_side], loop[flag_side], flagged=True)
            const_ops = ["0LL"] * len(ops)
            const_ops[flag_side] = flag
            const = t.format(*const_ops, **fields)
            expr = f"(({flag} != 0) ? ({const}) : ({expr}))"
        value = _normalize(expr, out_dt)
        if out_dt != ins.dtype:
            value = _cast(value, out_dt, ins.dtype)
        lines.append(f"{_ctype(ins.dtype)} {self.reg(ins.dst)} = {value};")
        return lines

    def output_value(self, r: int) -> str:
        if r < self.ni or r >= self.first:
            return self.reg(r)
        return self.param_arg(r, self.c.params[r - self.ni])

    # -- the kernel -------------------------------------------------------------------------
    def source(self, name: str, host: bool = False, reduce: tuple[str, str] | None = None) -> str:
        """The element function and the kernel; ``host=True``: the element function and a serial
        host loop ``{name}_host`` over contiguous buffers instead of the kernel (tests only: the
        generated code's semantics checked with a host C++ compiler, see cuda_ops).

        ``reduce=(acc_ctype, map_expr)``: the first stage of a full reduction instead -- each
        thread folds the values it visits (``map_expr`` of ``y0``) with ``{name}_combine``,
        each block folds its threads' values in shared memory (blocks of ``REDUCE_THREADS``) and
        writes one partial to ``partials[blockIdx.x]``; no output is stored."""
        c = self.c
        body = []
        for ins in c.instrs:
            body += self.instr_lines(ins)
        out_vals = [self.output_value(o) for o in c.outputs]
        nd = c.out_ndim
        out_dts = c.output_dtypes

        # element function: loaded inputs, converted params -> output registers
        ef_args = [f"{_ctype(i.dtype)} x{k}" for k, i in enumerate(c.inputs)]
        ef_args += [f"{self._param_ctype(dt, fl)} {self.uses[(k, dt.str, fl)]}"
                    for k, dt, fl in self.use_list]
        ef_args += ["int* err"] + [f"{_ctype(d)}* y{j}" for j, d in enumerate(out_dts)]
        ef = [f"HX_DEV void {name}_element({', '.join(ef_args)}) {{"]
        ef += ["    " + line for line in body]
        ef += [f"    *y{j} = {v};" for j, v in enumerate(out_vals)]
        ef.append("}")

        # kernel arguments
        k_args = [f"const {_mem_ctype(i.dtype)}* in{k}" for k, i in enumerate(c.inputs)]
        conv = []  # element-function parameter expressions
        for k, dt, fl in self.use_list:
            base = f"a_p{k}_{dt.name}" + ("_cmp" if fl else "")
            if fl:
                k_args.append(f"long long {base}")
                conv.append(base)
            elif dt.kind == "c":
                pt = _ctype(_part(dt))
                k_args += [f"{pt} {base}_re", f"{pt} {base}_im"]
                conv.append(f"hx_mk_{_sfx(dt)}({base}_re, {base}_im)")
            else:
                k_args.append(f"{self._pass_ctype(dt)} {base}")
                conv.append(f"(({_ctype(dt)}){base})" if dt.kind in "biu" else base)
        n_out = 0 if reduce else len(out_dts)
        k_args += [f"{_mem_ctype(d)}* out{j}" for j, d in enumerate(out_dts[:n_out])]
        if reduce:
            k_args.append(f"{reduce[0]}* partials")
        k_args += ["int* err", "long long n", "int contig"]
        k_args += [f"long long shape{a}" for a in range(nd)]
        k_args += [f"long long st_in{k}_{a}" for k in range(self.ni) for a in range(nd)]
        k_args += [f"long long st_out{j}_{a}" for j in range(n_out) for a in range(nd)]

        def load(k: int, ptr: str) -> str:
            dt = c.inputs[k].dtype
            if dt == _F16:
                return f"__half2float({ptr})"
            if dt == _BOOL:
                return f"({ptr} != 0)"
            return ptr

        def store(j: int, ptr: str) -> str:
            dt = out_dts[j]
            v = f"y{j}"
            if dt == _F16:
                v = f"__float2half_rn(y{j})"
            elif dt == _BOOL:
                v = f"(unsigned char)y{j}"
            return f"{ptr} = {v};"

        def call(in_ptr, out_ptr, ind: str) -> list[str]:
            lines = [f"{ind}{_ctype(d)} y{j};" for j, d in enumerate(out_dts)]
            args = [load(k, in_ptr(k)) for k in range(self.ni)] + conv + ["err"]
            args += [f"&y{j}" for j in range(len(out_dts))]
            lines.append(f"{ind}{name}_element({', '.join(args)});")
            if reduce:
                lines.append(f"{ind}acc = {name}_combine(acc, {reduce[1].format('y0')});")
            else:
                lines += [ind + store(j, out_ptr(j)) for j in range(len(out_dts))]
            return lines

        if host:
            h_args = [a for a in k_args if not a.startswith(("long long n", "int contig", "long long shape",
                                                              "long long st_"))]
            kern = [f'extern "C" void {name}_host(', "    " + ",\n    ".join(h_args + ["long long n"]) + ") {",
                    "    for (long long i = 0; i < n; ++i) {"]
            kern += call(lambda k: f"in{k}[i]", lambda j: f"out{j}[i]", "        ")
            kern += ["    }", "}"]
            return "\n".join(ef + [""] + kern) + "\n"
        kern = [f'extern "C" __global__ void {name}(', "    " + ",\n    ".join(k_args) + ") {",
                "    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;",
                "    const long long step = (long long)gridDim.x * blockDim.x;"]
        if reduce:
            kern.append(f"    {reduce[0]} acc = {name}_identity();")
        if nd == 0:
            kern += ["    (void)contig;", "    for (; i < n; i += step) {"]
            kern += call(lambda k: f"in{k}[0]", lambda j: f"out{j}[0]", "        ")
            kern += ["    }", "}"]
        else:
            # one loop, one inlined element function: byte offsets from the flat index (contig)
            # or from the coordinates and strides (broadcast/strided), then load/compute/store
            bufs = [f"in{k}" for k in range(self.ni)] + [f"out{j}" for j in range(n_out)]
            sizes = [i.dtype.itemsize for i in c.inputs] + [d.itemsize for d in out_dts[:n_out]]
            # two loops, the layout test hoisted out: the contiguous one indexes by i alone
            load_in = lambda k: f"*(const {_mem_ctype(c.inputs[k].dtype)}*)((const char*)in{k} + o_in{k})"  # noqa: E731
            store_out = lambda j: f"*({_mem_ctype(out_dts[j])}*)((char*)out{j} + o_out{j})"  # noqa: E731
            # contiguous: UNROLL elements per thread per step, every input loaded before any is
            # used -- UNROLL times the bytes in flight per thread (one 4-byte load per thread at
            # a time cannot cover HBM's latency: measured 1.2 of 3.6 TB/s); loads come before
            # stores, so an output that is an input (x += 1) still reads old values
            u_n = UNROLL
            kern += ["    if (contig) {", f"        for (; i + {u_n - 1} * step < n; i += {u_n} * step) {{"]
            for k in range(self.ni):
                mt = _mem_ctype(c.inputs[k].dtype)
                kern += [f"            const {mt} v{k}_{u} = in{k}[i + {u} * step];" for u in range(u_n)]
            for u in range(u_n):
                kern.append("            {")
                kern += [f"                const long long o_out{j} = (i + {u} * step) * {out_dts[j].itemsize};"
                         for j in range(n_out)]
                kern += call(lambda k, u=u: f"v{k}_{u}", store_out, "                ")
                kern.append("            }")
            kern += ["        }", "        for (; i < n; i += step) {"]
            kern += [f"            const long long o_{b} = i * {sz};" for b, sz in zip(bufs, sizes)]
            kern += call(load_in, store_out, "            ")
            kern += ["        }", "    } else {", "        for (; i < n; i += step) {"]
            kern += [f"            long long o_{b};" for b in bufs]
            kern += self._offsets("            ", bufs)
            kern += call(load_in, store_out, "            ")
            kern += ["        }", "    }"]
            if not reduce:
                kern.append("}")
        if reduce:
            if nd == 0:
                kern.pop()  # the closing brace: the block fold follows
            kern += [f"    __shared__ {reduce[0]} sh[{REDUCE_THREADS}];",
                     "    sh[threadIdx.x] = acc;",
                     "    __syncthreads();",
                     f"    for (int s = {REDUCE_THREADS // 2}; s > 0; s >>= 1) {{",
                     f"        if (threadIdx.x < s) sh[threadIdx.x] = {name}_combine(sh[threadIdx.x], sh[threadIdx.x + s]);",
                     "        __syncthreads();",
                     "    }",
                     "    if (threadIdx.x == 0) partials[blockIdx.x] = sh[0];",
                     "}"]
        return "\n".join(ef + [""] + kern) + "\n"

    def _offsets(self, ind: str, bufs: list[str]) -> list[str]:
        """Byte offsets ``o_<buf>`` of flat index ``i`` (C order over the output shape)."""
        nd = self.c.out_ndim
        lines = [f"{ind}long long rem = i, c;"]
        for a in range(nd - 1, -1, -1):
            if a > 0:
                lines.append(f"{ind}c = rem % shape{a}; rem /= shape{a};")
            else:
                lines.append(f"{ind}c = rem;")
            for b in bufs:
                op = "=" if a == nd - 1 else "+="
                lines.append(f"{ind}o_{b} {op} c * st_{b}_{a};")
        return lines

    @staticmethod
    def _pass_ctype(dt: np.dtype) -> str:
        """C type a (non-complex) parameter is passed in (robust CuPy argument ABI)."""
        if dt.kind in "bi" or dt.kind == "u" and dt.itemsize < 8:
            return "long long"
        if dt.kind == "u":
            return "unsigned long long"
        return "double" if dt == _F64 else "float"

    @staticmethod
    def _param_ctype(dt: np.dtype, flagged: bool) -> str:
        return "long long" if flagged else _ctype(dt)


def _header(c: Circuit, what: str) -> str:
    lines = [f"/* Generated by hologram_array.backends.gpu_cupy ({what}, codegen {CODEGEN_VERSION})"
             " -- do not edit.", " * circuit:"]
    lines += [" *   " + line for line in c.listing().splitlines()]
    return "\n".join(lines) + "\n */\n"


def kernel_source(circuit: Circuit, name: str | None = None, *, fma: bool | None = None,
                  host: bool = False) -> str:
    """The kernel alone (its element function and ``__global__`` function), without helpers.

    ``host=True``: a host loop instead of the kernel (``_Gen.source``), for emulation tests."""
    g = _Gen(circuit, fma)
    return _header(circuit, "direct") + g.source(name or kernel_name(circuit), host=host)


def generate_cuda_source(circuit: Circuit, name: str | None = None) -> str:
    """One translation unit: the device helpers and the circuit's kernel (see the module doc).

    Raises ``NotImplementedError`` naming the op and dtype for anything without a template.
    """
    return PREAMBLE + "\n" + kernel_source(circuit, name)


# ---------------------------------------------------------------------------------------------
# class maps


def _index_bytes(dt: np.dtype) -> int:
    """Bytes of an input's bit pattern that index the table (1; 2 for 16-bit class maps)."""
    return 2 if dt.itemsize == 2 else 1


def classmap_table_bytes(circuit: Circuit) -> int:
    """Bytes of all the circuit's tables (one entry per input bit-pattern combination)."""
    entries = 1
    for i in circuit.inputs:
        entries *= 1 << (8 * _index_bytes(i.dtype))
    return sum(entries * d.itemsize for d in circuit.output_dtypes)


def classmap_kernel_source(circuit: Circuit, name: str | None = None) -> str:
    from ..compiler import classmap

    c = circuit
    if not classmap.eligible(c):
        raise NotImplementedError("hologram_array gpu_cupy: circuit not eligible for a class map "
                                  "(needs 1-2 inputs, all 8-bit)")
    for d in c.output_dtypes:
        _check_dtype(d, "class-map output")
    name = name or kernel_name(c, "classmap")
    nd, ni, out_dts = c.out_ndim, c.n_inputs, c.output_dtypes
    no = len(out_dts)
    wide = [_index_bytes(i.dtype) == 2 for i in c.inputs]  # 16-bit class maps: one input
    entries = 1
    for w in wide:
        entries *= 65536 if w else 256
    args = [f"const unsigned {'short' if w else 'char'}* in{k}" for k, w in enumerate(wide)]
    args += [f"const {_mem_ctype(d)}* tab{j}" for j, d in enumerate(out_dts)]
    args += [f"{_mem_ctype(d)}* out{j}" for j, d in enumerate(out_dts)]
    args += ["long long n", "int contig", "int use_shared"]
    args += [f"long long shape{a}" for a in range(nd)]
    args += [f"long long st_in{k}_{a}" for k in range(ni) for a in range(nd)]
    args += [f"long long st_out{j}_{a}" for j in range(no) for a in range(nd)]
    lines = [_header(c, "class map").rstrip("\n"),
             f'extern "C" __global__ void {name}(', "    " + ",\n    ".join(args) + ") {",
             "    extern __shared__ __align__(16) unsigned char hx_smem[];"]
    off = 0
    for j, d in enumerate(out_dts):
        lines.append(f"    const {_mem_ctype(d)}* t{j} = tab{j};")
    lines.append("    if (use_shared) {")
    for j, d in enumerate(out_dts):
        nbytes = entries * d.itemsize  # a multiple of 256: 16-byte aligned offsets, whole words
        lines += [f"        for (int w = threadIdx.x; w < {nbytes // 4}; w += blockDim.x)",
                  f"            ((unsigned int*)(hx_smem + {off}))[w] = ((const unsigned int*)tab{j})[w];",
                  f"        t{j} = (const {_mem_ctype(d)}*)(hx_smem + {off});"]
        off += nbytes
    lines += ["        __syncthreads();", "    }",
              "    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;",
              "    const long long step = (long long)gridDim.x * blockDim.x;"]

    def body(in_ptr, out_ptr, ind):
        idx = f"(unsigned int){in_ptr(0)}"
        if ni == 2:
            idx = f"((unsigned int){in_ptr(0)} << 8) | (unsigned int){in_ptr(1)}"
        out = [f"{ind}unsigned int e = {idx};"]
        out += [f"{ind}{out_ptr(j)} = t{j}[e];" for j in range(no)]
        return out

    if nd == 0:
        lines += ["    (void)contig;", "    for (; i < n; i += step) {"]
        lines += body(lambda k: f"in{k}[0]", lambda j: f"out{j}[0]", "        ")
        lines += ["    }", "}"]
    else:
        if classmap_vectorizable(c):
            # contig == 2 (host: one byte in, one byte out, both 16-byte aligned): 16 lookups per
            # step on one 16-byte load and store -- a quarter of the memory instructions of four
            # byte loads, so the lookup runs at copy speed
            def lut4(v: str) -> str:
                parts = [f"(unsigned int)(unsigned char)t0[({v} >> {8 * b}) & 0xffu] << {8 * b}" for b in range(4)]
                return " | ".join(f"({p})" for p in parts)
            lines += ["    if (contig == 2) {",
                      "        const uint4* w_in = (const uint4*)in0;",
                      "        uint4* w_out = (uint4*)out0;",
                      "        const long long nw = n >> 4;",
                      "        for (long long w = i; w < nw; w += step) {",
                      "            const uint4 v = w_in[w];",
                      "            uint4 r;"]
            lines += [f"            r.{f} = {lut4('v.' + f)};" for f in "xyzw"]
            lines += ["            w_out[w] = r;", "        }",
                      "        for (long long t = (nw << 4) + i; t < n; t += step) out0[t] = t0[in0[t]];",
                      "        return;", "    }"]
        lines += ["    if (contig) {", "        for (; i < n; i += step) {"]
        lines += body(lambda k: f"in{k}[i]", lambda j: f"out{j}[i]", "            ")
        lines += ["        }", "        return;", "    }", "    for (; i < n; i += step) {"]
        g = _Gen.__new__(_Gen)
        g.c = c
        bufs = [f"in{k}" for k in range(ni)] + [f"out{j}" for j in range(no)]
        lines += [f"        long long o_{b};" for b in bufs]
        lines += g._offsets("        ", bufs)
        lines += body(lambda k: f"*(const unsigned {'short' if wide[k] else 'char'}*)((const char*)in{k} + o_in{k})",
                      lambda j: f"*({_mem_ctype(out_dts[j])}*)((char*)out{j} + o_out{j})", "        ")
        lines += ["    }", "}"]
    return "\n".join(lines) + "\n"


def classmap_vectorizable(circuit: Circuit) -> bool:
    """One 8-bit input, one 1-byte output: the class-map kernel has a 16-bytes-per-step path."""
    return (circuit.n_inputs == 1 and _index_bytes(circuit.inputs[0].dtype) == 1
            and len(circuit.output_dtypes) == 1 and circuit.output_dtypes[0].itemsize == 1)


def generate_classmap_source(circuit: Circuit, name: str | None = None) -> str:
    """One translation unit: helpers and the class-map kernel of ``circuit`` (see the module doc)."""
    return PREAMBLE + "\n" + classmap_kernel_source(circuit, name)


# ---------------------------------------------------------------------------------------------
# runtime (CuPy)

_available: bool | None = None


def available() -> bool:
    """Whether CuPy imports and a CUDA device is present. Never raises."""
    global _available
    if _available is None:
        try:
            import cupy

            _available = cupy.cuda.runtime.getDeviceCount() > 0
        except Exception:
            _available = False
        if _available:
            _keep_subnormals()
    return _available


#: Whether our kernels keep float32 subnormals (NumPy's results); False where this CuPy's
#: compiler could not be told (then float32 subnormal inputs and results flush to zero).
SUBNORMALS_KEPT = False


def _keep_subnormals() -> None:
    """CuPy's compile path adds ``-ftz=true`` after the caller's options (cupy/cupy#9576), so
    NVRTC flushes float32 subnormals in every kernel -- NumPy never does. Wrap the NVRTC call of
    ``cupy.cuda.compiler`` so that compiles carrying ``IEEE_MARK`` (ours, nothing else) lose that
    option; CuPy's own kernels are untouched, and its cache keys still tell ours apart."""
    global SUBNORMALS_KEPT
    try:
        from cupy.cuda import compiler
    except Exception:  # noqa: BLE001
        return
    inner = getattr(compiler, "_compile_using_nvrtc_no_warning", None)
    if inner is None:
        return
    if getattr(inner, "_hologram_keeps_subnormals", False):
        SUBNORMALS_KEPT = True
        return

    def compile_keeping_subnormals(source: Any, options: Any = (), *args: Any, **kwargs: Any) -> Any:
        if IEEE_MARK in options:
            options = tuple(o for o in options if o not in ("-ftz=true", "--ftz=true"))
        return inner(source, options, *args, **kwargs)

    compile_keeping_subnormals._hologram_keeps_subnormals = True  # type: ignore[attr-defined]
    compiler._compile_using_nvrtc_no_warning = compile_keeping_subnormals
    SUBNORMALS_KEPT = True


def bind(circuit: Circuit, uses: Sequence[tuple[int, np.dtype, bool]], values: Sequence[Any]) -> list:
    """Parameter arguments: each value converted to the loop dtype of its use, as NumPy does
    (``dtype.type(v)`` for weak Python scalars, ``astype`` for strong ones), then put in the
    C type it is passed in (complex values become two reals)."""
    out: list = []
    for k, dt, flagged in uses:
        v = values[k]
        tok = circuit.params[k]
        if flagged:  # a Python int compared with an integer dtype
            info = np.iinfo(dt) if dt.kind in "iu" else None
            lo, hi = (int(info.min), int(info.max)) if info else (0, 1)
            out.append(np.int64(1 if v > hi else (-1 if v < lo else 0)))
            continue
        if isinstance(tok, np.dtype):
            x = np.asarray(v, dtype=tok).astype(dt)[()]
        else:
            try:
                with np.errstate(all="ignore"):
                    x = dt.type(v)
            except OverflowError:
                x = dt.type(0)  # only reachable for comparisons (flagged): the value is unused
        if dt.kind == "c":
            part = np.float32 if dt.itemsize == 8 else np.float64
            out += [part(x.real), part(x.imag)]
        elif dt.kind in "bi" or (dt.kind == "u" and dt.itemsize < 8):
            out.append(np.int64(x))
        elif dt.kind == "u":
            out.append(np.uint64(x))
        elif dt == _F64:
            out.append(np.float64(x))
        else:
            out.append(np.float32(x))  # float32, and float16 carried in float
    return out


#: Elements per thread per step in the contiguous loops of direct and full-reduction kernels.
UNROLL = 4


def _launch_dims(n: int) -> tuple[int, int]:
    """Blocks of 256 threads, at most 8 per multiprocessor (a full GPU at 2048 resident threads
    per SM); the kernels' grid-stride loops cover the rest -- one table copy per block for class
    maps instead of one per 256 elements."""
    import cupy

    threads = 256
    blocks = max(1, min((n + threads - 1) // threads, 8 * _multiprocessors(cupy)))
    return blocks, threads


def _layout(cp, buffers, outs, shape):
    """(contig flag, input arrays, shape args, stride args)."""
    nd = len(shape)
    nd_type = cp.ndarray
    bufs = [b if type(b) is nd_type else cp.asarray(b) for b in buffers]
    contig = nd == 0 or (all(tuple(b.shape) == shape and b.flags.c_contiguous for b in bufs)
                         and all(o.flags.c_contiguous for o in outs))
    if contig:
        return 1, bufs, [np.int64(s) for s in shape], [np.int64(0)] * (nd * (len(bufs) + len(outs)))
    views = [cp.broadcast_to(b, shape) for b in bufs]
    strides = [np.int64(s) for v in views for s in v.strides]
    strides += [np.int64(s) for o in outs for s in o.strides]
    return 0, views, [np.int64(s) for s in shape], strides


class Kernel:
    """A compiled circuit: ``kernel(buffers, values, outs)``, ``numpy_exec.run``'s contract on CuPy
    arrays. Returns ``None``: floating-point error flags are unknown on the GPU."""

    def __init__(self, circuit: Circuit, raw: Any = None):
        g = _Gen(circuit)
        self.circuit = circuit
        self.name = kernel_name(circuit)
        self.body = _header(circuit, "direct") + g.source(self.name)
        self.source = PREAMBLE + "\n" + self.body
        self.uses = list(g.use_list)
        self._raw = raw if raw is not None else _raw_kernel(self.source, self.name)
        # only an integer power can set the error flag: other kernels get a shared scratch word
        # (no allocation, no memset, no read-back per call)
        self.checks_err = any(i.op == "pow" for i in circuit.instrs)
        self._bound: tuple | None = None

    def __call__(self, buffers: Sequence[Any], values: Sequence[Any], outs: Sequence[Any]) -> None:
        import cupy as cp

        if not outs:
            return None
        shape = tuple(outs[0].shape)
        n = math.prod(shape)
        if n == 0:
            return None
        contig, ins, shp, strides = _layout(cp, buffers, outs, shape)
        params = _bound_params(self, values)
        err = cp.zeros(1, dtype=np.int32) if self.checks_err else _scratch_word(cp)
        blocks, threads = _launch_dims(n)
        self._raw((blocks,), (threads,),
                  (*ins, *params, *outs, err, np.int64(n), np.int32(contig), *shp, *strides))
        if self.checks_err and int(err.get()[0]):
            raise ValueError(_NEG_POW_MSG)
        return None


def _bound_params(kernel: Any, values: Sequence[Any]) -> Sequence[Any]:
    """``bind``'s arguments, reused while the same values tuple comes back: the plan cache hands
    a repeated expression the very tuple it stored, so a loop binds its scalars once."""
    if not kernel.uses:
        return ()
    last = kernel._bound
    if last is not None and last[0] is values:
        return last[1]
    params = bind(kernel.circuit, kernel.uses, values)
    kernel._bound = (values, params)
    return params


_scratch: dict[int, Any] = {}


def _scratch_word(cp: Any) -> Any:
    """One int32 on the current GPU that kernels without an error flag may be handed."""
    dev = cp.cuda.runtime.getDevice() if _several_gpus() else 0
    w = _scratch.get(dev)
    if w is None:
        w = _scratch[dev] = cp.zeros(1, dtype=np.int32)
    return w


_gpu_count: int | None = None


def _several_gpus() -> bool:
    global _gpu_count
    if _gpu_count is None:
        import cupy

        _gpu_count = cupy.cuda.runtime.getDeviceCount()
    return _gpu_count > 1


def device_context(index: int) -> Any:
    """Make GPU ``index`` current for the block (a no-op on a one-GPU machine, where switching
    costs CUDA runtime calls per launch and changes nothing)."""
    if not _several_gpus():
        import contextlib

        return contextlib.nullcontext()
    import cupy

    return cupy.cuda.Device(index)


class ClassMapKernel:
    """``kernel(buffers, tables, outs)``: the circuit's class-map tables applied on the GPU."""

    def __init__(self, circuit: Circuit, raw: Any = None):
        import cupy as cp

        self.circuit = circuit
        self.name = kernel_name(circuit, "classmap")
        self.body = classmap_kernel_source(circuit, self.name)
        self.source = PREAMBLE + "\n" + self.body
        self.table_bytes = classmap_table_bytes(circuit)
        self._raw = raw if raw is not None else _raw_kernel(self.source, self.name)
        self.vec16 = classmap_vectorizable(circuit)
        dev = cp.cuda.Device()
        limit = int(dev.attributes.get("MaxSharedMemoryPerBlockOptin", 48 << 10))
        self.use_shared = self.table_bytes <= limit
        if self.use_shared and self.table_bytes > (48 << 10):
            self._raw.max_dynamic_shared_size_bytes = self.table_bytes

    def __call__(self, buffers: Sequence[Any], tables: Sequence[Any], outs: Sequence[Any]) -> None:
        import cupy as cp

        if not outs:
            return None
        shape = tuple(outs[0].shape)
        n = math.prod(shape)
        if n == 0:
            return None
        contig, ins, shp, strides = _layout(cp, buffers, outs, shape)
        # the bit patterns index the tables
        ins = [x.view(np.uint16 if _index_bytes(i.dtype) == 2 else np.uint8)
               for x, i in zip(ins, self.circuit.inputs)]
        work = n
        if contig and self.vec16 and ins[0].data.ptr % 16 == 0 and outs[0].data.ptr % 16 == 0:
            contig, work = 2, max(1, n // 16)
        tabs = [cp.ascontiguousarray(cp.asarray(t).reshape(-1).astype(d, copy=False))
                for t, d in zip(tables, self.circuit.output_dtypes)]
        blocks, threads = _launch_dims(work)
        shared = self.table_bytes if self.use_shared else 0
        self._raw((blocks,), (threads,),
                  (*ins, *tabs, *outs, np.int64(n), np.int32(contig), np.int32(1 if self.use_shared else 0),
                   *shp, *strides), shared_mem=shared)
        return None


# ---------------------------------------------------------------------------------------------
# fused reductions: the circuit's element function inside CuPy's reduction kernel

#: kind -> (reduce expression on ``a``/``b`` for floats, for integers and bools); NaN propagates
#: through max/min as in NumPy; integer sums and products wrap (computed unsigned).
_REDUCE_EXPR = {
    "sum": ("a + b", "(_type_reduce)((unsigned long long)a + (unsigned long long)b)"),
    "prod": ("a * b", "(_type_reduce)((unsigned long long)a * (unsigned long long)b)"),
    "max": ("(a != a) ? a : ((b != b) ? b : (b > a ? b : a))", "(b > a ? b : a)"),
    "min": ("(a != a) ? a : ((b != b) ? b : (b < a ? b : a))", "(b < a ? b : a)"),
    "any": ("a || b", "a || b"),
    "all": ("a && b", "a && b"),
}
REDUCE_KINDS = frozenset(_REDUCE_EXPR)
#: C types of the reduction's parameters as CuPy passes them (``_Gen._pass_ctype``'s dtypes).
_PASS_DTYPE = {"long long": "int64", "unsigned long long": "uint64", "double": "float64", "float": "float32"}


def _identity(kind: str, dt: np.dtype) -> str:
    """The reduction's starting value, as a C expression of the accumulator type."""
    if kind in ("sum", "any"):
        return "0"
    if kind in ("prod", "all"):
        return "1"
    lowest = kind == "max"
    if dt.kind == "f":
        inf = "__int_as_float(0x7f800000)" if dt.itemsize <= 4 else "__longlong_as_double(0x7ff0000000000000LL)"
        return f"-{inf}" if lowest else inf
    if dt.kind == "b":
        return "0" if lowest else "1"
    info = np.iinfo(dt)
    v = int(info.min if lowest else info.max)
    if dt == np.int64 and lowest:
        return "(-9223372036854775807LL - 1)"
    return f"{v}ULL" if dt.kind == "u" else f"{v}LL"


_reduction_support: dict[tuple, bool] = {}


def reduction_supported(circuit: Circuit, kind: str) -> bool:
    """Fused on the GPU: one output, real (non-float16) dtypes, at least one input buffer.
    Answered once per circuit key and kind (it generates the circuit's source)."""
    key = (circuit.key, kind)
    ok = _reduction_support.get(key)
    if ok is None:
        ok = _reduction_support[key] = _reduction_supported(circuit, kind)
    return ok


def _reduction_supported(circuit: Circuit, kind: str) -> bool:
    dts = [i.dtype for i in circuit.inputs] + list(circuit.output_dtypes)
    if not (kind in _REDUCE_EXPR and len(circuit.outputs) == 1 and len(circuit.inputs) > 0
            and all(d.kind in "biuf" and d != _F16 for d in dts)):
        return False
    g = _Gen(circuit)
    try:
        g.source("probe")
    except NotImplementedError:
        return False
    return all(dt.kind != "c" for _, dt, _ in g.use_list)


class ReductionKernel:
    """``kernel(buffers, values, axis, keepdims)``: ``kind`` over the circuit's output without
    storing it -- CuPy's ``ReductionKernel`` with the circuit's element function as its map
    (one pass over the inputs, broadcasting and any axes handled by CuPy). ``acc``: the
    accumulator and result dtype (NumPy's: int64/uint64 for small integer sums, the dtype
    argument, bool for any/all)."""

    def __init__(self, circuit: Circuit, kind: str, acc: np.dtype):
        import cupy as cp

        self.circuit = circuit
        g = _Gen(circuit)
        name = kernel_name(circuit, f"reduce_{kind}_{acc.name}")
        body = g.source(name)
        self.uses = list(g.use_list)
        out_dt = circuit.output_dtypes[0]
        w_args, call, in_params = [], [], []
        for k, i in enumerate(circuit.inputs):
            w_args.append(f"{_ctype(i.dtype)} x{k}")
            call.append(f"x{k}")
            in_params.append(f"{i.dtype.name} in{k}")
        self.param_dtypes = []
        for k, dt, fl in g.use_list:
            base = f"a_p{k}_{dt.name}" + ("_cmp" if fl else "")
            pt = "long long" if fl else g._pass_ctype(dt)
            w_args.append(f"{pt} {base}")
            call.append(base if fl or dt.kind not in "biu" else f"(({_ctype(dt)}){base})")
            in_params.append(f"{_PASS_DTYPE[pt]} {base}")
            self.param_dtypes.append(np.dtype(_PASS_DTYPE[pt]))
        acc_c = "bool" if kind in ("any", "all") else _ctype(acc)
        value = "(y0 != 0)" if kind in ("any", "all") else f"({acc_c})y0"
        wrapper = (f"HX_DEV {acc_c} {name}_map({', '.join(w_args)}) {{\n"
                   f"    int err = 0; {_ctype(out_dt)} y0;\n"
                   f"    {name}_element({', '.join(call + ['&err', '&y0'])});\n"
                   f"    return {value};\n}}\n")
        self.source = PREAMBLE + "\n" + _header(circuit, f"reduce {kind}") + body + wrapper
        expr = _REDUCE_EXPR[kind][0 if acc.kind == "f" else 1]
        out_name = "bool" if kind in ("any", "all") else acc.name
        ins = ", ".join(f"in{k}" for k in range(len(circuit.inputs)))
        args = ", ".join([ins] + [p.split()[1] for p in in_params[len(circuit.inputs):]])
        self._red = cp.ReductionKernel(
            ", ".join(in_params), f"{out_name} out0", f"{name}_map({args})", expr,
            "out0 = a", _identity(kind, np.dtype(bool) if kind in ("any", "all") else acc),
            name=name + "_red", preamble=self.source, options=COMPILE_OPTIONS)

    def __call__(self, buffers: Sequence[Any], values: Sequence[Any], axis: Any, keepdims: bool) -> Any:
        import cupy as cp

        params = [cp.asarray(np.asarray(v, dtype=d)) for v, d in
                  zip(bind(self.circuit, self.uses, values), self.param_dtypes)]
        return self._red(*buffers, *params, axis=axis, keepdims=keepdims)


#: Threads per block of the full-reduction kernels (the shared-memory fold is unrolled for it).
REDUCE_THREADS = 256


def full_reduction_source(circuit: Circuit, kind: str, acc: np.dtype, name: str | None = None) -> tuple[str, list]:
    """CUDA source of the first stage of ``kind`` over every element of the circuit's output:
    the element function inside a grid-stride loop that folds instead of storing, then a
    shared-memory fold per block (``_Gen.source(reduce=...)``); returns (source, param uses).
    CuPy's generic reduction puts one block on a single output, so a full reduction is ours."""
    logical = kind in ("any", "all")
    acc_c = "bool" if logical else _ctype(acc)
    name = name or kernel_name(circuit, f"all_{kind}_{acc.name}")
    expr = _REDUCE_EXPR[kind][0 if acc.kind == "f" else 1]
    ident = _identity(kind, np.dtype(bool) if logical else acc)
    helpers = (f"HX_DEV {acc_c} {name}_combine({acc_c} a, {acc_c} b) {{\n"
               f"    typedef {acc_c} _type_reduce;\n    return {expr};\n}}\n"
               f"HX_DEV {acc_c} {name}_identity() {{ return ({acc_c})({ident}); }}\n")
    g = _Gen(circuit)
    body = g.source(name, reduce=(acc_c, "({0} != 0)" if logical else f"(({acc_c}){{0}})"))
    return _header(circuit, f"full reduction {kind}") + helpers + body, list(g.use_list)


class FullReduction:
    """``kernel(buffers, values, shape)``: ``kind`` over all of a circuit's output, never stored:
    one launch folds everything into one partial per block (at most 8 blocks per multiprocessor,
    grid-stride), then CuPy reduces the few hundred partials (NumPy's NaN rule for max/min)."""

    _FINISH = {"sum": "sum", "prod": "prod", "max": "max", "min": "min", "any": "any", "all": "all"}

    def __init__(self, circuit: Circuit, kind: str, acc: np.dtype):
        self.circuit, self.kind = circuit, kind
        self.acc = np.dtype(bool) if kind in ("any", "all") else acc
        self.name = kernel_name(circuit, f"all_{kind}_{acc.name}")
        body, self.uses = full_reduction_source(circuit, kind, acc, self.name)
        self.source = PREAMBLE + "\n" + body
        self._raw = _raw_kernel(self.source, self.name)
        self.checks_err = any(i.op == "pow" for i in circuit.instrs)
        self._bound: tuple | None = None

    def __call__(self, buffers: Sequence[Any], values: Sequence[Any], shape: tuple) -> Any:
        import cupy as cp

        n = math.prod(shape)
        blocks = max(1, min((n + REDUCE_THREADS - 1) // REDUCE_THREADS, 8 * _multiprocessors(cp)))
        partials = cp.empty(blocks, dtype=self.acc)
        contig, ins, shp, strides = _layout(cp, buffers, [], tuple(shape))
        params = _bound_params(self, values)
        err = cp.zeros(1, dtype=np.int32) if self.checks_err else _scratch_word(cp)
        self._raw((blocks,), (REDUCE_THREADS,),
                  (*ins, *params, partials, err, np.int64(n), np.int32(contig), *shp, *strides))
        if self.checks_err and int(err.get()[0]):
            raise ValueError(_NEG_POW_MSG)
        finish = getattr(partials, self._FINISH[self.kind])
        return finish(dtype=self.acc) if self.kind in ("sum", "prod") else finish()


_sm_count: int | None = None


def _multiprocessors(cp: Any) -> int:
    global _sm_count
    if _sm_count is None:
        _sm_count = int(cp.cuda.Device().attributes["MultiProcessorCount"])
    return _sm_count


def compile_full_reduction(circuit: Circuit, kind: str, acc: np.dtype) -> FullReduction:
    """The ``FullReduction`` of ``circuit``, compiled once per circuit key, kind and accumulator."""
    return _cached(("reduce_all", CODEGEN_VERSION, circuit.key, kind, acc.str),
                   lambda: FullReduction(circuit, kind, acc))


def compile_reduction(circuit: Circuit, kind: str, acc: np.dtype) -> ReductionKernel:
    """The fused ``kind`` reduction of ``circuit`` into ``acc``, built once per circuit key
    (CuPy compiles it at first call, per input dtypes/ndim/axes, and caches the binary)."""
    return _cached(("reduce", CODEGEN_VERSION, circuit.key, kind, acc.str),
                   lambda: ReductionKernel(circuit, kind, acc))


_kernels: dict[tuple, Any] = {}
_lock = threading.Lock()


def _cached(key: tuple, build: Any, check: Any = None) -> Any:
    """The kernel cached under ``key``, built once per process: ``check()`` first (it raises
    NotImplementedError for a circuit without a template, before CuPy is touched), then
    RuntimeError without CuPy and a GPU, then ``build()``."""
    k = _kernels.get(key)
    if k is None:
        if check is not None:
            check()
        if not available():
            raise RuntimeError("hologram_array gpu_cupy: CuPy with a CUDA device is not available")
        k = build()
        with _lock:
            k = _kernels.setdefault(key, k)
    return k


def _raw_kernel(source: str, name: str) -> Any:
    import cupy as cp

    return cp.RawKernel(source, name, options=COMPILE_OPTIONS)


def _direct_key(circuit: Circuit) -> tuple:
    return ("direct", CODEGEN_VERSION, circuit.key, complex_mul_is_fused())


def _classmap_key(circuit: Circuit) -> tuple:
    return ("classmap", CODEGEN_VERSION, circuit.key)


def compile_many(circuits: Sequence[Circuit], classmaps: Sequence[Circuit] = (), batches: int = 16) -> list[str]:
    """Compile many circuits at once: NVRTC parses the shared device helpers once per
    translation unit, so ~100 kernels per unit compile ~100x faster than one unit each
    (a test corpus of 1,700 kernels: minutes -> seconds). Units compile in parallel threads.
    The kernels land in the same cache ``compile_circuit``/``compile_classmap`` read. Returns
    the NotImplementedError messages of circuits that have no CUDA template (skipped)."""
    if not available():
        raise RuntimeError("hologram_array gpu_cupy: CuPy with a CUDA device is not available")
    import concurrent.futures

    import cupy as cp

    todo: dict[tuple, tuple[Circuit, str, str]] = {}
    missing: list[str] = []
    for variant, group, key_of in (("direct", circuits, _direct_key), ("classmap", classmaps, _classmap_key)):
        for c in group:
            key = key_of(c)
            if key in _kernels or key in todo:
                continue
            name = kernel_name(c, variant)
            try:
                body = (_header(c, "direct") + _Gen(c).source(name) if variant == "direct"
                        else classmap_kernel_source(c, name))
            except NotImplementedError as e:
                missing.append(str(e))
                continue
            todo[key] = (c, name, body)
    items = list(todo.items())
    n = max(1, min(batches, len(items)))
    parts = [items[k::n] for k in range(n)]

    def build(part):
        mod = cp.RawModule(code=PREAMBLE + "\n" + "\n".join(b for _, (_, _, b) in part),
                           options=COMPILE_OPTIONS)
        mod.compile()
        return [(key, c, mod.get_function(name)) for key, (c, name, _) in part]

    with concurrent.futures.ThreadPoolExecutor(min(n, 16)) as ex:
        for done in ex.map(build, [p for p in parts if p]):
            for key, c, raw in done:
                k = Kernel(c, raw) if key[0] == "direct" else ClassMapKernel(c, raw)
                with _lock:
                    _kernels.setdefault(key, k)
    return missing


def compile_circuit(circuit: Circuit) -> Kernel:
    """The circuit's ``Kernel``, compiled once per circuit key in this process.

    ``NotImplementedError`` (naming op and dtype) for anything without an exact CUDA template;
    ``ImportError``/``RuntimeError`` when CuPy or a GPU is missing.
    """
    return _cached(_direct_key(circuit), lambda: Kernel(circuit), lambda: _Gen(circuit).source("probe"))


def compile_classmap(circuit: Circuit) -> ClassMapKernel:
    """The class-map kernel of ``circuit`` (tables come at call time), cached per circuit key."""
    return _cached(_classmap_key(circuit), lambda: ClassMapKernel(circuit),
                   lambda: classmap_kernel_source(circuit))
