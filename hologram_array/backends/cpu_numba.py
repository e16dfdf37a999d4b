"""The Numba backend: a circuit becomes one compiled, parallel, fused kernel.

``generate_source(circuit)`` writes readable Python (one comment per instruction: op, loop
dtypes, result dtype) defining two kernels specialised on the circuit's dtypes and ndim:

* ``kernel_contig`` -- every input C-contiguous with the output's shape and every output
  C-contiguous: all arrays flattened to 1-D; ``numba.prange`` over blocks of ``BLOCK``
  elements, a serial inner loop per block;
* ``kernel_strided`` -- the general case: inputs passed as ``np.broadcast_to(buf, shape)``
  views (stride 0 on broadcast axes), nested loops over the output's axes; ``prange`` over
  blocks of rows of axis 0 (``BLOCK`` elements' worth).

Loop indices are unsigned (``range(np.uint64(lo), np.uint64(hi))``): with signed ones Numba
tests every index for negative wraparound, and LLVM then loads each lane separately (scalar
``vinsertps``), which made the blocked arith10 kernel 0.6x the hand-written loop; with
unsigned ones the inner loop is the same 8-wide AVX2 loop as a hand-written ``prange``
(checked with ``dispatcher.overloads[sig].library.get_asm_str()``). The op helpers avoid
int64 -> float conversions (no AVX2 instruction: scalarized) and float selects of products
that LLVM turns into a product on every lane.

Each instruction casts its operands to the loop dtypes NumPy's ufunc would use
(``expr.infer.resolve``), applies the op's ``numba`` template from the op table
(``expr/ops.py``; helpers in ``numba_ops.py``) and casts the value to the instruction's dtype:
integer wraparound; float16 values are carried in float32 and rounded to float16 after every
op, as NumPy's half loops do. Scalar parameters are kernel arguments, one per (parameter, loop
dtype) use, converted by the wrapper with NumPy's own scalar conversion (``dtype.type(v)``
for weak Python scalars, ``astype`` for strong ones), so their conversion is NumPy's exactly.

``compile_circuit(circuit)`` returns a ``Kernel``: ``kernel(buffers, values, outs) -> int`` has
the contract of ``numpy_exec.run(plan, buffers, values, outs)`` and returns NumPy's
floating-point error bits (below); ``kernel.run(buffers, values, outs, block=None) ->
RunResult(flags, block_flags, block, variant)`` also gives them per block. Both take
``threads`` (0: Numba's setting; 1: the calling thread alone, which skips waking the others --
the driver measures that as its own executor for arrays up to ``jit.SERIAL_MAX``). Kernels are compiled with
``numba.njit(parallel=True, nogil=True, cache=True, error_model='numpy')`` (no fastmath).
The source is written to ``hologram_<sha256>.py`` in the disk cache (``cache_dir()``) and
imported from there, so that Numba's own cache makes a second process load the machine code
instead of compiling it.

Floating-point errors. NumPy checks the FPU status after each ufunc and warns or raises per
``np.errstate``; a fused loop has no "after each op". Kernels therefore iterate in blocks
(``BLOCK`` elements, or whole rows of axis 0 for ``kernel_strided``; ``prange`` over blocks, an
inner serial loop that still vectorizes), clear the x86 MXCSR exception bits at the start of each
block and read them at its end (``numba_ops.fpe_clear`` / ``fpe_read``, ``llvm.x86.sse.stmxcsr``
/ ``ldmxcsr``), mapped to NumPy's bits (``FPE_DIVIDEBYZERO`` 1 <- ZE, ``FPE_OVERFLOW`` 2 <- OE,
``FPE_UNDERFLOW`` 4 <- UE, ``FPE_INVALID`` 8 <- IE; DE and PE ignored), ORed with the flags
NumPy raises in software, which generated code computes (``sw |= fl_*(...)``): integer
division / remainder / fmod / divmod by zero (divide), ``MIN // -1`` (overflow), float16
rounding (overflow, underflow: ``FromFloatBits``), float -> int casts of NaN / out-of-range
values (invalid, with NumPy's ranges per target type), its SIMD exp (overflow / underflow for
finite x out of range) and log (divide for 0, invalid for x < 0), half spacing / nextafter,
``logaddexp`` and complex ``reciprocal`` / ``divide`` / ``power`` (C's signaling comparisons on
NaN parts), and the parameters' conversions (a weak ``1e10`` to float16 overflows). The kernel's
value is the OR over blocks. tests/test_cpu_numba.py compares the bits of every op on every edge
value (scalar and vectorized code paths) with NumPy's (``np.errstate(all='call')``): no flag is
missed; the known supersets (reported where NumPy reports nothing) are

* "invalid" when an operand is NaN for ordered comparisons, maximum / minimum / fmax / fmin /
  clip, float floor_divide / remainder and the scalar tails of the ports: vector ``cmpps`` with
  LT/LE predicates and ``maxps`` signal on quiet NaNs, where NumPy uses quiet comparisons or
  clears the flag after its loop. Avoiding it costs integer comparisons per op; the driver
  re-runs NumPy on flagged data only when the caller's errstate does not ignore "invalid";
* float -> uint32 out of range (NumPy's own flag depends on the element's position), complex
  ``abs`` of huge values (NumPy clears what its SIMD loop raises).

Measured cost of the bookkeeping (benchmarks/bench_numba_kernels.py, 16M float32, one thread):
the MXCSR clear/read per block is within noise (arith10 +-2%); the software checks of the exp
port (overflow / underflow) cost ~10-15% of transc12 (docs/performance.md). Without MXCSR (not x86) kernels report every category the circuit's
floating-point arithmetic could raise (``_hw_possible``: 15 if any register is a float), plus
the exact software flags, so the driver falls back to NumPy for the warnings.

Class-map gathers (``gather_kernel(n_inputs, method=...)`` / ``gather(table, inputs, out)``):
``out[...] = table[index]`` for a 256-entry table indexed by one 1-byte input or a 65536-entry
table indexed by ``a*256 + b``, any output dtype, inputs broadcast / strided; parallel scalar
loops, and for 256-entry byte tables on C-contiguous same-shape operands a SIMD lookup chosen
from the host CPU's features at run time (``gather_method()``), the table held in registers:
AVX-512 VBMI ``vpermi2b`` (``numba_ops.vbmi_lut_range``: two 128-entry lookups + a blend on the
index's top bit per 64 bytes), else AVX2 ``vpshufb`` (``numba_ops.pshufb_lut_range``: 16
shuffles + compares + blends per 32 bytes), else the scalar loop. The environment variable
``HOLOGRAM_GATHER=auto|vbmi|pshufb|scalar`` (read on every call) forces a path; forcing one this
CPU lacks raises ``NotImplementedError`` (``gather_methods_available()`` lists what runs here).
See ``GatherKernel``.

Fused reductions (``np.sum(a*b+c)`` and the like, never storing ``a*b+c``) are generated from
the same element code by ``numba_reduce``.

Results are NumPy's bit for bit (tests/test_cpu_numba.py checks every op-table row on every
dtype against ``numpy_exec``), with these exceptions:

* transcendental functions where NumPy does not call the C library: its own SIMD algorithms
  (float32 exp, log, sin, cos, tanh; float64 tanh) are ported to numba_ops and used when a
  probe shows this NumPy computes them (x86-64 with AVX2+FMA3 or AVX-512F); otherwise (another
  CPU, another build; SVML on AVX-512 machines for float64 exp/log and more) the C library's
  result is used, a few ULP away (<= 3 ULP measured for the functions above);
* float -> uint32 of NaN, infinities and out-of-range values: NumPy's own result depends on
  the element's position (SIMD body vs scalar tail); we give its (AVX2) SIMD body's result;
* fmax/fmin between +0.0 and -0.0: the same (we give the SIMD body's choice, the second
  operand); maximum/minimum follow x86's ``maxps`` tie rule, as NumPy on x86-64;
* clip's sign-of-zero rule follows NumPy's constant-bounds loop when both bounds are scalars
  (or inputs broadcast along every axis), its general loop otherwise;
* NaN payloads and the sign of NaNs produced by arithmetic (only "is NaN" is guaranteed);
* complex functions that NumPy takes from the C library (exp, log, sqrt, trigonometric,
  hyperbolic, power) are called in the same library with x86-64 Linux's ABI; elsewhere they
  raise ``NotImplementedError`` naming op and dtype, as does any op/dtype without a template.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import sys
import tempfile
import threading
from typing import Any, NamedTuple, Sequence

import numpy as np

from ..compiler.circuit import Circuit
from .codegen_names import CircuitNames
from ..expr.infer import resolve
from ..expr.ops import COMPARISONS, OPS

#: Bump when the generated code's meaning changes without its text changing.
CODEGEN_VERSION = 7
#: Elements per block (``Kernel.run``): the unit of the floating-point flag bookkeeping (the
#: MXCSR is cleared and read once per block) and of the parallel schedule.
BLOCK = 8192

_NEG_POW_MSG = "Integers to negative integer powers are not allowed."



def _cache_bytes(level: int | None = None, default: int = 32 << 20) -> int:
    """cpu0's cache of this ``level`` (None: the largest, the last level) from Linux sysfs;
    ``default`` where it cannot be read."""
    best = 0
    try:
        base = "/sys/devices/system/cpu/cpu0/cache"
        for entry in os.listdir(base):
            if entry.startswith("index"):
                d = os.path.join(base, entry)
                if level is not None:
                    with open(os.path.join(d, "level")) as f:
                        if int(f.read()) != level:
                            continue
                    with open(os.path.join(d, "type")) as f:
                        if f.read().strip() == "Instruction":
                            continue
                with open(os.path.join(d, "size")) as f:
                    text = f.read().strip()
                scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:].upper(), 1)
                best = max(best, int(text.rstrip("KMGkmg")) * scale)
    except (OSError, ValueError):
        pass
    return best or default


def _usable_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


#: Results of at least this many bytes (all outputs together) are always written with
#: non-temporal stores (``kernel_contig_nt``, ``numba_ops.stream_store``): past the last-level
#: cache an ordinary store reads each line before writing it, a third memory stream. Measured
#: (Zen 5, 32 MiB L3, arith10 float32, non-temporal vs ordinary): 8 MiB 0.91x, 16 MiB 0.82x,
#: 24 MiB 0.96x, 32 MiB 1.05x, 48 MiB 1.14x, 64 MiB 1.16x, 128 MiB 1.17x.
STREAM_MIN_BYTES = _cache_bytes()
#: Between this and ``STREAM_MIN_BYTES`` the driver *measures* both stores on each circuit and
#: size class and keeps the faster (``jit.NUMBA_NT``): where the crossover lies depends on the
#: machine, not only on the cache's size. On the Zen 5 above it is the L3's size; on a 2-vCPU
#: slice of an Intel Xeon (Emerald Rapids) whose 300 MiB L3 is shared with the rest of the
#: host, non-temporal stores already won at 4 MiB (arith10 float32, 4M elements: 1.19x; 16M:
#: 1.16x; ``x*2`` at 16M: 2.6x) -- there a 64 MiB result never reached ``STREAM_MIN_BYTES``.
#: The band starts at the level-2 caches of the CPUs this process may use (results smaller
#: than those stay in cache: ordinary stores), and at least 1 MiB.
STREAM_TRY_BYTES = max(1 << 20, _cache_bytes(2, 1 << 20) * _usable_cpus())
#: x86-64 only; ``HOLOGRAM_STREAM_STORES=0`` (read once, at import) turns them off.
STREAMING = platform.machine().lower() in ("x86_64", "amd64") and os.environ.get(
    "HOLOGRAM_STREAM_STORES", "1").strip().lower() not in ("0", "false", "no", "off")
#: Output kinds ``stream_store`` writes (complex values are pairs: not widened), of at least
#: two bytes: LLVM's vectorizer asks whether a two-element non-temporal vector store is legal,
#: which two bytes are not, and leaves a loop of single-byte stores scalar (uint8, bool
#: outputs: the class maps' byte lookups stream instead, ``numba_ops.gather1_vbmi``). Not
#: float16 either: its software rounding (``f2h``) keeps the loop scalar.
_STREAM_KINDS = frozenset("iuf")


def streamable(dtypes: Sequence[np.dtype]) -> bool:
    """Whether a circuit with these output dtypes gets a ``kernel_contig_nt``."""
    return STREAMING and all(np.dtype(d).kind in _STREAM_KINDS and np.dtype(d).itemsize >= 2
                             and np.dtype(d) != _F16 for d in dtypes)


def streams(outs: Sequence[np.ndarray], blk: int = BLOCK, ins: Sequence[Any] = (),
            min_bytes: int | None = None) -> bool:
    """Whether these C-contiguous outputs take ``kernel_contig_nt``: large enough (at least
    ``min_bytes``, default ``STREAM_MIN_BYTES``; the driver's measured band passes
    ``STREAM_TRY_BYTES``), not written
    in place over one of the inputs ``ins`` (``x += 1``: each line was just read into the cache,
    so there is no read-for-ownership to save, and a non-temporal store only evicts it --
    measured 1.4-1.5x slower), and every vector store aligned -- each output's address and each
    block's first byte (``blk`` elements) a multiple of 64 (the alignment ``stream_store``
    claims)."""
    if not STREAMING or sum(o.nbytes for o in outs) < (STREAM_MIN_BYTES if min_bytes is None else min_bytes):
        return False
    if any(np.may_share_memory(i, o) for i in ins for o in outs):
        return False
    for o in outs:  # (the address without ndarray.ctypes: WASI's ctypes fails on use)
        if o.__array_interface__["data"][0] % 64 or (blk * o.itemsize) % 64:
            return False
    return all(o.dtype.kind in _STREAM_KINDS for o in outs)

# ---------------------------------------------------------------------------------------------
# availability


_available: bool | None = None


def available() -> bool:
    """Whether Numba can be imported (the backend is usable)."""
    global _available
    if _available is None:
        try:
            import numba  # noqa: F401
            import llvmlite  # noqa: F401
            _available = True
        except Exception:
            _available = False
    return _available


def thread_count_calls() -> tuple[Any, Any]:
    """(get, set) of Numba's thread count for the calling thread, for ``threads=1`` runs: once
    Numba's threads are up, the ctypes entry points behind ``numba.get_num_threads`` /
    ``set_num_threads`` (0.1 / 0.3 us here, against 0.7 / 1.1 us for the public functions,
    which check and lock on every call -- three calls around every one-thread kernel); until
    then, and if a Numba release moves them, the public functions (which start the threads)."""
    global _thread_calls
    if _thread_calls is not None:
        return _thread_calls
    import numba
    from numba.np.ufunc import parallel

    get = getattr(parallel, "_get_num_threads", None)
    set_ = getattr(parallel, "_set_num_threads", None)
    if not getattr(parallel, "_is_initialized", False) or get is None or set_ is None:
        return numba.get_num_threads, numba.set_num_threads
    _thread_calls = (get, set_)
    return _thread_calls


_thread_calls: tuple[Any, Any] | None = None


def num_threads() -> int:
    """Numba's thread count for the calling thread (1 while Numba is not imported)."""
    if _thread_calls is not None:
        return _thread_calls[0]()
    if "numba" not in sys.modules:
        return 1
    return thread_count_calls()[0]()


# ---------------------------------------------------------------------------------------------
# dtypes in generated code

_SUPPORTED = {np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                                    np.uint16, np.uint32, np.uint64, np.float16, np.float32,
                                    np.float64, np.complex64, np.complex128)}
_F16 = np.dtype(np.float16)
_BOOL = np.dtype(np.bool_)


def _kind(dt: np.dtype) -> str:
    if dt == _F16:
        return "e"
    return {"b": "b", "i": "i", "u": "u", "f": "f", "c": "c"}[dt.kind]


def _ctor(dt: np.dtype) -> str:
    """The scalar type a register of dtype ``dt`` has in generated code."""
    if dt == _F16:
        return "np.float32"
    if dt == _BOOL:
        return "np.bool_"
    return "np." + dt.name


def _sfx(dt: np.dtype) -> str:
    if dt.kind == "c":
        return "c64" if dt.itemsize == 8 else "c128"
    if dt.kind == "f":
        return "f64" if dt.itemsize == 8 else "f32"
    return ""


def _check_dtype(dt: Any, what: str) -> np.dtype:
    if not isinstance(dt, np.dtype) or dt not in _SUPPORTED or not dt.isnative:
        raise NotImplementedError(f"hologram_array cpu_numba: {what} has unsupported dtype {dt!r}")
    return dt


class _Emit:
    """Statements a cast needs before the line using it: a temporary holding the value to
    convert, and the software floating-point flags NumPy's conversion raises (``sw |= ...``)."""

    def __init__(self):
        self.lines: list[str] = []
        self.n = 0

    # One boolean accumulator per flag bit (``sw1 sw2 sw4 sw8``): an OR-reduction of compare
    # masks costs little in the vectorized loop (an int64 ``sw |= bits`` cost 3x as much).
    def flag(self, bit: int, cond: str) -> None:
        self.lines.append(f"sw{bit} |= {cond}")

    def flagged(self, expr: str, *flags: tuple[int, str]) -> str:
        name = f"t{self.n}"
        self.n += 1
        self.lines.append(f"{name} = {expr}")
        for bit, fn in flags:
            self.flag(bit, f"{fn}({name})")
        return name


def _cast(expr: str, src: np.dtype, dst: np.dtype, emit: _Emit | None = None) -> str:
    """Expression converting ``expr`` (a value of dtype ``src``) to ``dst`` as NumPy casts.

    With ``emit``, conversions NumPy flags in software (float -> int invalid, float16 rounding
    overflow/underflow) also record those flags (statements appended to ``emit``)."""
    if src == dst:
        return expr
    sk, dk = src.kind, dst.kind
    if dk == "b":
        if sk == "c":
            return f"cto_bool_{_sfx(src)}({expr})"
        return f"({expr} != 0)"
    if sk == "c" and dk != "c":
        expr, src, sk = f"{expr}.real", np.dtype(src.char.lower()), "f"
        if src == dst:
            return expr
    if dk in "iu":
        if sk == "f":  # float16 registers are float32 values
            if src == _F16 and dst == np.dtype(np.uint32):
                helper, fl = "f2i_uint32_scalar", "fl_f2i_uint32_scalar"  # NumPy's half -> uint32 is scalar
            else:
                helper = f"f2i_{dst.name}"
                fl = {"int64": "fl_f2i_int64", "uint32": "fl_f2i_uint32",
                      "uint64": "fl_f2i_uint64"}.get(dst.name, "fl_f2i_small")
            if emit is not None:
                expr = emit.flagged(expr, (8, fl))
            return f"{helper}({expr})"
        return f"np.{dst.name}({expr})"
    if dst == _F16:
        if src == np.dtype(np.float64):
            if emit is not None:
                expr = emit.flagged(expr, *_D2H)
            return f"hr64({expr})"
        if sk in "iu" and src.itemsize == 8:
            # int64 -> float16 in one rounding: via float64 (exact below 2**53, else inf anyway)
            inner = f"np.float64({expr})"
            if emit is not None:
                inner = emit.flagged(inner, *_D2H)
            return f"hr64({inner})"
        inner = f"np.float32({expr})"
        if emit is not None:
            inner = emit.flagged(inner, *_F2H)
        return f"hr({inner})"
    if dk == "f":
        return f"np.{dst.name}({expr})"
    # complex destination
    if sk == "c":
        return f"np.{dst.name}({expr})"
    part = "np.float32" if dst.itemsize == 8 else "np.float64"
    return f"cpack({_cast(expr, src, np.dtype(part[3:]), emit)}, {part}(0.0))"


_F2H = ((2, "fl_f2h_over"), (4, "fl_f2h_under"))
_D2H = ((2, "fl_d2h_over"), (4, "fl_d2h_under"))
_DIV0 = ((1, "fl_div0({1})"),)
#: Software flags: (op, template kind) -> [(NumPy flag bit, boolean expression of the operands
#: ``{0}`` ``{1}`` as passed to the template)]: the flags NumPy's loop sets itself.
_SW_FLAGS = {
    ("floor_divide", "i"): _DIV0 + ((2, "fl_fdiv_ovf(np.int64({0}), np.int64({1}), {bits})"),),
    ("floor_divide", "u"): _DIV0,
    ("remainder", "i"): _DIV0,
    ("remainder", "u"): _DIV0,
    ("fmod", "i"): _DIV0,
    ("fmod", "u"): _DIV0,
    ("divmod", "i"): _DIV0,
    ("divmod", "u"): _DIV0,
    ("reciprocal", "i"): ((1, "({0} == 0)"), (8, "({0} == 0)")),  # 1/0.0, then inf -> int
    ("reciprocal", "u"): ((1, "({0} == 0)"), (8, "({0} == 0)")),
    ("spacing", "f"): ((4, "fl_spacing_{s}({0})"),),
    ("spacing", "e"): ((8, "fl_spacing_h_invalid({0})"), (2, "fl_spacing_h_over({0})")),
    ("reciprocal", "c"): ((8, "fl_cnan({0})"),),
    ("divide", "c"): ((8, "fl_cnan({1})"),),
    ("pow", "c"): ((8, "fl_cpow({0}, {1})"),),
    ("float_power", "c"): ((8, "fl_cpow({0}, {1})"),),
    ("logaddexp", "f"): ((8, "fl_nan2({0}, {1})"),),
    ("logaddexp", "e"): ((8, "fl_nan2({0}, {1})"),),
    ("logaddexp2", "f"): ((8, "fl_nan2({0}, {1})"),),
    ("logaddexp2", "e"): ((8, "fl_nan2({0}, {1})"),),
    ("nextafter", "e"): ((2, "fl_nextafter_h({0}, {1})"),),
}
#: Templates replacing the op table's where its helper raises flags NumPy does not.
_TEMPLATE_OVERRIDES = {("isfinite", "f"): "isfinite_{s}({0})", ("isfinite", "e"): "isfinite_f32({0})"}
#: ... and for NumPy's SIMD algorithms ported to numba_ops (keyed by the port's name).
_SW_FLAGS_PORT = {"exp_simd_f32": ((2, "fl_exp_over_f32({0})"), (4, "fl_exp_under_f32({0})")),
                  "log_simd_f32": ((1, "fl_log_zero_f32({0})"), (8, "fl_log_neg_f32({0})")),
                  # own functions (numba_vecmath) whose arithmetic raises none: NumPy's flags
                  "exp_vec_f32": ((2, "fl_exp_over_f32({0})"), (4, "fl_exp_under_f32({0})")),
                  "exp_vec_f64": ((2, "fl_exp_over_f64({0})"), (4, "fl_exp_under_f64({0})")),
                  "exp2_vec_f64": ((2, "fl_exp2_over_f64({0})"), (4, "fl_exp2_under_f64({0})")),
                  "log_vec_f64": ((1, "fl_log_zero_f64({0})"), (8, "fl_log_neg_f64({0})")),
                  "expm1_vec_f64": ((2, "fl_expm1_over_f64({0})"),),
                  "log2_vec_f64": ((1, "fl_log_zero_f64({0})"), (8, "fl_log_neg_f64({0})")),
                  "log10_vec_f64": ((1, "fl_log_zero_f64({0})"), (8, "fl_log_neg_f64({0})")),
                  "log1p_vec_f64": ((1, "fl_log1p_m1_f64({0})"), (8, "fl_log1p_dom_f64({0})")),
                  "sinh_vec_f64": ((2, "fl_hyp_over_f64({0})"),),
                  "cosh_vec_f64": ((2, "fl_hyp_over_f64({0})"),),
                  "acosh_vec_f64": ((8, "fl_acosh_dom_f64({0})"),),
                  "atanh_vec_f64": ((1, "fl_atanh_one_f64({0})"), (8, "fl_atanh_dom_f64({0})")),
                  "asin_vec_f64": ((8, "fl_atanh_dom_f64({0})"),),   # |x| > 1, as atanh's
                  "acos_vec_f64": ((8, "fl_atanh_dom_f64({0})"),),
                  "atan2_vec_f64": ((4, "fl_atan2_under_f64({0}, {1}, {r})"),),
                  "sin_vec_f64": ((4, "fl_sin_under_f64({0})"),),
                  # OWN_FALLBACK: NumPy's algorithm unknown there -- underflow for tiny arguments,
                  # a superset of its SIMD polynomial's flags here and the C library's
                  "sin_vec_f32": ((4, "fl_trig_under_f32({0})"),),
                  "cos_vec_f32": ((4, "fl_trig_under_f32({0})"),),
                  "pow_vec_f64": ((8, "fl_pow_invalid_f64({0}, {1})"), (1, "fl_pow_divide_f64({0}, {1})"),
                                  (2, "fl_pow_over_f64({0}, {1}, {r})"), (4, "fl_pow_under_f64({0}, {1}, {r})")),
                  "logaddexp_vec_f64": ((8, "fl_nan2({0}, {1})"), (2, "fl_lae_over_f64({0}, {1})"),
                                        (4, "fl_lae_under_f64({0}, {1})")),
                  "logaddexp2_vec_f64": ((8, "fl_nan2({0}, {1})"), (2, "fl_lae_over_f64({0}, {1})"),
                                         (4, "fl_lae2_under_f64({0}, {1})")),
                  "expm1_vec_f32": ((2, "fl_expm1_over_f32({0})"),),
                  "log1p_vec_f32": ((1, "fl_log1p_m1_f32({0})"), (8, "fl_log1p_dom_f32({0})")),
                  "log2_vec_f32": ((1, "fl_log_zero_f32({0})"), (8, "fl_log_neg_f32({0})")),
                  "log10_vec_f32": ((1, "fl_log_zero_f32({0})"), (8, "fl_log_neg_f32({0})")),
                  "exp2_vec_f32": ((2, "fl_exp2_over_f32({0})"), (4, "fl_exp2_under_f32({0})")),
                  "sinh_vec_f32": ((2, "fl_hyp_over_f32({0})"),),
                  "cosh_vec_f32": ((2, "fl_hyp_over_f32({0})"),),
                  "atanh_vec_f32": ((1, "fl_atanh_one_f32({0})"), (8, "fl_atanh_dom_f32({0})")),
                  "acosh_vec_f32": ((8, "fl_acosh_dom_f32({0})"),),
                  "asin_vec_f32": ((8, "fl_atanh_dom_f32({0})"),),   # |x| > 1, as atanh's
                  "acos_vec_f32": ((8, "fl_atanh_dom_f32({0})"),),
                  "pow_vec_f32": ((8, "fl_pow_invalid_f32({0}, {1})"), (1, "fl_pow_divide_f32({0}, {1})"),
                                  (2, "fl_pow_over_f32({0}, {1}, {r})"), (4, "fl_pow_under_f32({0}, {1}, {r})")),
                  "atan2_vec_f32": ((4, "fl_atan2_under_f32({0}, {1}, {r})"),),
                  "logaddexp_vec_f32": ((8, "fl_nan2({0}, {1})"), (2, "fl_lae_over_f32({0}, {1})"),
                                        (4, "fl_lae_under_f32({0}, {1})")),
                  "logaddexp2_vec_f32": ((8, "fl_nan2({0}, {1})"), (2, "fl_lae_over_f32({0}, {1})"),
                                         (4, "fl_lae2_under_f32({0}, {1})"))}


# ---------------------------------------------------------------------------------------------
# the circuit, instruction by instruction


def _token(c: Circuit, r: int):
    return c.reg_dtype(r)


def _never_nan(tok) -> bool:
    """An operand that cannot be NaN in a float loop: a Python int or bool, or an integer or
    bool array/scalar converted to the loop's float dtype."""
    return tok is int or tok is bool or (isinstance(tok, np.dtype) and tok.kind in "biu")


#: (op, which operands cannot be NaN) -> a float template that drops the NaN tests the op
#: table's helper makes for them. Exact, ties included (NumPy's maxps rule: the second
#: operand); it matters in compute-bound chains -- ``maximum(x, 0)``'s helper is four vector
#: instructions (two compares, a mask or, a blend), this is two (or one ``vmaxps``): the 12-op
#: transcendental chain ran 3.5% faster. clip's constant NaN-free bounds: ``clip_const_nn``.
_NAN_FREE_TEMPLATES = {
    ("maximum", (False, True)): "{0} if not ({0} <= {1}) else {1}",  # a NaN x is kept
    ("maximum", (True, False)): "{0} if {0} > {1} else {1}",         # vmaxps: a NaN y wins
    ("minimum", (False, True)): "{0} if not ({0} >= {1}) else {1}",
    ("minimum", (True, False)): "{0} if {0} < {1} else {1}",
    ("fmax", (False, True)): "{0} if {0} > {1} else {1}",            # a NaN x gives y
    ("fmin", (False, True)): "{0} if {0} < {1} else {1}",
}


def _loop_dtypes(c: Circuit, ins) -> tuple[tuple[np.dtype, ...], np.dtype]:
    """(loop dtypes of the operands, dtype the template's value has) for one instruction."""
    spec = OPS[ins.op]
    if spec.ufunc is not None:
        loop, out = resolve(ins.op, tuple(_token(c, s) for s in ins.srcs))
        return tuple(loop), out
    if ins.op == "astype":
        return (ins.dtype,), ins.dtype
    if ins.op == "where":
        return (_BOOL, ins.dtype, ins.dtype), ins.dtype
    if ins.op in ("real", "imag"):
        src = _token(c, ins.srcs[0])
        if not isinstance(src, np.dtype):
            raise NotImplementedError(f"hologram_array cpu_numba: op {ins.op!r} on a weak scalar")
        return (src,), ins.dtype
    raise NotImplementedError(f"hologram_array cpu_numba: op {ins.op!r} has no loop-dtype rule")


def _template(op: str, loop: Sequence[np.dtype]) -> tuple[str, bool]:
    """(template, needs C library complex functions) for ``op`` on loop dtypes ``loop``."""
    from ..expr.ops import numba_templates

    kind = _kind(loop[0])
    if len(loop) == 2 and {loop[0].kind, loop[1].kind} == {"i", "u"}:
        kind = "x"  # int64 with uint64: NumPy's exact mixed-sign comparison loops
    table = numba_templates(op)
    for kinds, t in table.items():
        if kind in kinds:
            break
    else:
        if kind == "e":
            for kinds, t in table.items():
                if "f" in kinds:
                    break
            else:
                t = None
        else:
            t = None
    if t is None:
        raise NotImplementedError(
            f"hologram_array cpu_numba: no Numba template for op {op!r} on dtype {loop[0]}")
    needs_clibm = t.startswith("@")
    return (t[1:] if needs_clibm else t), needs_clibm


def clibm_available() -> bool:
    """Whether complex functions can be called in the C library (``numba_ops.CLIBM``)."""
    import platform
    return sys.platform.startswith("linux") and platform.machine().lower() in ("x86_64", "amd64")


# NumPy's own SIMD algorithms, ported one lane at a time to numba_ops (``*_simd_f32/f64``).
# A NumPy built or dispatched differently (another CPU, compiler flags) may not use them: each
# port is used only if NumPy's results on these probe inputs are the port's, bit for bit.
_PROBE_F32 = [1050253722, 3218708890, 1075838976, 1088946176, 3243350426, 1109524480, 1118896128,
              3267952640, 71362, 2497683, 1061158912, 1069547520, 1165005769, 1197299342, 1205656484,
              3347744232, 1011451376, 3206293750, 1085276160, 1092354048, 1203982336, 3138399712,
              1065185444, 1099431936]
_PROBE_F64 = [4599075939470750515, 13833706975393952563, 4612811918334230528, 4619848792751996928,
              13846936299299353395, 4578244089034385549, 13827041647945444229, 4617878467915022336,
              4626181979727986688, 4607092346807469998, 4532020583610935537, 13820106104519293665]
_PORTS = {  # (op, loop dtype) -> (helper, NumPy function, probe on |x|, expected result bits)
    ("exp", "float32"): ("exp_simd_f32", np.exp, False, [
        1068288044, 1044058467, 1094904702, 1152385883, 906576072, 1554798623, 2135743683, 16,
        1065353216, 1065353216, 1074232558, 1083140607, 2139095040, 2139095040, 2139095040, 0,
        1065457033, 1057691915, 1131720994, 1183188085, 2139095040, 1065316346, 1076641072,
        1270368675]),
    ("log", "float32"): ("log_simd_f32", np.log, True, [
        3214547912, 1057478465, 1063948808, 1073582453, 1076143534, 1080877602, 1083143362,
        1083410025, 3266852082, 3266386075, 3197324049, 1053792543, 1090787088, 1093606959,
        1094331499, 1093842356, 3230449074, 3204256872, 1071265072, 1074904767, 1094202609,
        3234058570, 3156519455, 1077236574]),
    ("sin", "float32"): ("sin_simd_f32", np.sin, False, [
        1050103405, 3212697023, 1058616697, 1062385006, 3204593577, 1051399645, 1057135568,
        1023254466, 71362, 2497683, 1060012001, 1065311189, 3207924989, 1060488876, 1060555895,
        1060413741, 1011451043, 3205670769, 3207896650, 3198392325, 1024617813, 3138399704,
        1062602189, 3212189221]),
    ("cos", "float32"): ("cos_simd_f32", np.cos, False, [
        1064603887, 3187929043, 3209500607, 1058104186, 1063020619, 3211872501, 1063005441,
        1065345173, 1065353216, 1065353216, 1060851702, 1032904362, 3207920874, 1060389482,
        1060321515, 1060464771, 1065351947, 1062327412, 1060465506, 3211957399, 3212826140,
        1065353175, 1057781488, 3196903990]),
    ("tanh", "float32"): ("tanh_simd_f32", np.tanh, False, [
        1049962222, 3211753208, 1065128641, 1065353199, 3212836864, 1065353216, 1065353216,
        3212836864, 71362, 2497683, 1059232032, 1063761867, 1065353216, 1065353216, 1065353216,
        3212836864, 1011450710, 3205188586, 1065352656, 1065353215, 1065353216, 3138399697,
        1061282431, 1065353216]),
    ("tanh", "float64"): ("tanh_simd_f64", np.tanh, False, [
        4598919441409447162, 13829972672283666421, 4607061851116302786, 4607182409714502210,
        13830554455654717862, 4578243731483759482, 13826448317599330455, 4607182117933948561,
        4607182418800017408, 4604996932907528417, 4532020583610738772, 13819996811153789140]),
}
_ports_ok: dict[tuple[str, str], bool] = {}


def simd_port(op: str, loop: np.dtype) -> str | None:
    """The numba_ops port of NumPy's SIMD ``op`` on ``loop`` if NumPy uses it here, else None."""
    key = (op, loop.name)
    entry = _PORTS.get(key)
    if entry is None:
        return None
    ok = _ports_ok.get(key)
    if ok is None:
        helper, fn, absolute, expected = entry
        if loop == np.dtype(np.float32):
            x = np.array(_PROBE_F32, np.uint32).view(np.float32)
            ubits = np.uint32
        else:
            x = np.array(_PROBE_F64, np.uint64).view(np.float64)
            ubits = np.uint64
        if absolute:
            x = np.abs(x)
        with np.errstate(all="ignore"):
            got = fn(np.tile(x, 4))[: len(x)]  # long enough for NumPy's SIMD body
        ok = _ports_ok[key] = got.view(ubits).tolist() == expected
    return entry[0] if ok else None


#: Helpers with a rare case a vectorized loop cannot take (float32 sin/cos: NumPy's C-library
#: call beyond Cody-Waite's range; float64 sin/cos/tan and float32 tan: the scalar Payne-Hanek
#: reduction): helper -> (the same without that case, predicate saying an argument needs it).
#: See ``_Gen.source``.
SLOW_PATHS: dict[str, tuple[str, str]] = {
    "sin_simd_f32": ("sin_fast_f32", "sin_big_f32"),
    "cos_simd_f32": ("cos_fast_f32", "cos_big_f32"),
    "tan_vec_f32": ("tan_fast_f32", "tan_big_f32"),
    "sin_vec_f32": ("sin_fast_f32_own", "tan_big_f32"),
    "cos_vec_f32": ("cos_fast_f32_own", "tan_big_f32"),
    "sin_vec_f64": ("sin_fast_f64", "trig64_big"),
    "cos_vec_f64": ("cos_fast_f64", "trig64_big"),
    "tan_vec_f64": ("tan_fast_f64", "trig64_big"),
}

#: Own vectorizable implementations (``numba_vecmath``) used instead of the op table's template,
#: keyed by (op, loop dtype); float16 values live in float32 registers (rounded after). They are
#: at least as accurate as NumPy's own functions here but not bit-identical to them:
#: ``HOLOGRAM_INLINE_MATH=0`` (read once, at import) keeps NumPy's algorithms / the C library.
INLINE_MATH: dict[tuple[str, str], str] = {
    ("tanh", "float32"): "tanh_vec_f32",
    ("tanh", "float16"): "tanh_vec_f32",
    ("tanh", "float64"): "tanh_vec_f64",
    ("expm1", "float32"): "expm1_vec_f32",
    ("expm1", "float16"): "expm1_vec_f32",
    ("log1p", "float32"): "log1p_vec_f32",
    ("log1p", "float16"): "log1p_vec_f32",
    ("log2", "float32"): "log2_vec_f32",
    ("log2", "float16"): "log2_vec_f32",
    ("log10", "float32"): "log10_vec_f32",
    ("log10", "float16"): "log10_vec_f32",
    ("exp2", "float32"): "exp2_vec_f32",
    ("exp2", "float16"): "exp2_vec_f32",
    ("sinh", "float32"): "sinh_vec_f32",
    ("sinh", "float16"): "sinh_vec_f32",
    ("cosh", "float32"): "cosh_vec_f32",
    ("cosh", "float16"): "cosh_vec_f32",
    ("atanh", "float32"): "atanh_vec_f32",
    ("atanh", "float16"): "atanh_vec_f32",
    ("atan", "float32"): "atan_vec_f32",
    ("atan", "float16"): "atan_vec_f32",
    ("asinh", "float32"): "asinh_vec_f32",
    ("asinh", "float16"): "asinh_vec_f32",
    ("acosh", "float32"): "acosh_vec_f32",
    ("acosh", "float16"): "acosh_vec_f32",
    ("tan", "float32"): "tan_vec_f32",
    ("tan", "float16"): "tan_vec_f32",
    ("hypot", "float32"): "hypot_vec_f32",
    ("hypot", "float16"): "hypot_vec_f32",
    ("pow", "float32"): "pow_vec_f32",
    ("pow", "float16"): "pow_vec_f32",
    ("asin", "float32"): "asin_vec_f32",
    ("asin", "float16"): "asin_vec_f32",
    ("acos", "float32"): "acos_vec_f32",
    ("acos", "float16"): "acos_vec_f32",
    ("exp", "float32"): "exp_vec_f32",
    ("exp", "float64"): "exp_vec_f64",
    ("exp2", "float64"): "exp2_vec_f64",
    ("log", "float64"): "log_vec_f64",
    ("expm1", "float64"): "expm1_vec_f64",
    ("log2", "float64"): "log2_vec_f64",
    ("log10", "float64"): "log10_vec_f64",
    ("log1p", "float64"): "log1p_vec_f64",
    ("sinh", "float64"): "sinh_vec_f64",
    ("cosh", "float64"): "cosh_vec_f64",
    ("asinh", "float64"): "asinh_vec_f64",
    ("acosh", "float64"): "acosh_vec_f64",
    ("atanh", "float64"): "atanh_vec_f64",
    ("atan", "float64"): "atan_vec_f64",
    ("asin", "float64"): "asin_vec_f64",
    ("acos", "float64"): "acos_vec_f64",
    ("atan2", "float64"): "atan2_vec_f64",
    ("hypot", "float64"): "hypot_vec_f64",
    ("pow", "float64"): "pow_vec_f64",
    ("sin", "float64"): "sin_vec_f64",
    ("cos", "float64"): "cos_vec_f64",
    ("tan", "float64"): "tan_vec_f64",
    ("logaddexp", "float64"): "logaddexp_vec_f64",
    ("logaddexp2", "float64"): "logaddexp2_vec_f64",
    ("atan2", "float32"): "atan2_vec_f32",
    ("atan2", "float16"): "atan2_vec_f32",
    ("logaddexp", "float32"): "logaddexp_vec_f32",
    ("logaddexp", "float16"): "logaddexp_vec_f32",
    ("logaddexp2", "float32"): "logaddexp2_vec_f32",
    ("logaddexp2", "float16"): "logaddexp2_vec_f32",
}
#: How a kernel calls a helper too large for LLVM to inline whole into the loop (a call left
#: in the loop stops it vectorizing): in pieces, each inlined (see numba_vecmath's pow).
INLINE_TEMPLATES: dict[str, str] = {
    "pow_vec_f32": "pow_fix_f32({0}, {1}, pow_exp2_t_f32(pow_t_f64({0}, {1})), pow_y_kind_f32({1}))",
    "logaddexp_vec_f32": "lae_fix_f32({0}, {1}, log1p_01_f64(exp_neg_f64(lae_d_f64({0}, {1}))))",
    "logaddexp2_vec_f32": "lae2_fix_f32({0}, {1}, log1p_01_f64(exp_neg_f64(lae2_d_f64({0}, {1}))))",
    "exp_vec_f64": "exp64_fix({0}, exp64_poly(exp64_arg({0})))",
    "exp2_vec_f64": "exp2_64_fix({0}, exp2_64_poly(exp2_64_arg({0})))",
    "log_vec_f64": "log64_fix({0}, log64_l(log64_m({0})))",
    "log2_vec_f64": "log2_64_fix({0}, log64_l(log64_m({0})))",
    "log10_vec_f64": "log10_64_fix({0}, log64_l(log64_m({0})))",
    "log1p_vec_f64": "log1p_64_fix({0}, log1p_dd_l(log1p_64_t({0})))",
    "asinh_vec_f64": "asinh_64_fix({0}, asinh_64_t({0}), log1p_dd_kfc(log1p_dd_fc(asinh_64_t({0}))))",
    "acosh_vec_f64": "acosh_64_fix({0}, acosh_64_t({0}), log1p_dd_kfc(log1p_dd_fc(acosh_64_t({0}))))",
    "atanh_vec_f64": "atanh_64_fix({0}, atanh_64_t({0}), log1p_dd_l(atanh_64_t({0})))",
    "atan_vec_f64": "atan_64_fix({0}, atan_64_w({0}), atan_dd_s(atan_dd_t(atan_clamp_w(atan_64_w({0})))))",
    "asin_vec_f64": "asin_64_fix({0}, asin_64_w({0}), atan_dd_s(atan_dd_t(atan_clamp_w(asin_64_w({0})))))",
    "acos_vec_f64": "acos_64_fix({0}, acos_64_w({0}), atan_dd_s(atan_dd_t(atan_clamp_w(acos_64_w({0})))))",
    "hypot_vec_f64": "hypot_64_fix({0}, {1}, hypot_64_s({0}, {1}))",
    "sin_fast_f64": "sin64_fix({0}, trig64_red({0}), trig64_s(trig64_red({0})), trig64_c(trig64_red({0})))",
    "cos_fast_f64": "cos64_fix({0}, trig64_red({0}), trig64_s(trig64_red({0})), trig64_c(trig64_red({0})))",
    "tan_fast_f64": "tan64_fix({0}, trig64_red({0}), trig64_s(trig64_red({0})), trig64_c(trig64_red({0})))",
    "pow_vec_f64": ("pow64_fix({0}, {1}, pow64_mag({P}, pow64_e({P})), pow64_y_kind({1}))"
                    ).replace("{P}", "pow64_p({0}, {1}, log64_l(log64_m(pow64_ax({0}))))"),
    "logaddexp_vec_f64": ("lae64_fix({0}, {1}, {T}, lae64_near({0}, {1}, {T}, "
                          "log1p_dd_kfc(log1p_dd_fc(lae64_lt({0}, {1}, {T})))), "
                          "exp64_fix(lae64_nd({0}, {1}), exp64_poly(exp64_arg(lae64_nd({0}, {1})))))"
                          ).replace("{T}", "lae_dd_t(lae64_r({0}, {1}))"),
    "logaddexp2_vec_f64": ("lae2_64_fix({0}, {1}, {T}, lae2_64_near({0}, {1}, {T}, "
                           "log1p_dd_kfc(log1p_dd_fc(lae2_64_lt({0}, {1}, {T})))), "
                           "exp2_64_fix(lae64_nd({0}, {1}), exp2_64_poly(exp2_64_arg(lae64_nd({0}, {1})))))"
                           ).replace("{T}", "lae_dd_t(lae2_64_r({0}, {1}))"),
    "atan2_vec_f64": ("atan2_64_fix({0}, {1}, atan2_64_w({0}, {1}), "
                      "atan_dd_s(atan_dd_t(atan_clamp_w(atan2_64_w({0}, {1})))))"),
    "sinh_vec_f64": "sinh_64_fix({0}, expm1_64_e(hyp64_arg({0})), sinh_64_small(hyp64_arg({0})))",
    "cosh_vec_f64": "cosh_64_fix({0}, expm1_64_e(hyp64_arg({0})))",
    "expm1_vec_f64": "expm1_64_fix({0}, expm1_64_e(expm1_64_arg({0})))"}

INLINE_MATH_ON = os.environ.get("HOLOGRAM_INLINE_MATH", "1").strip().lower() not in (
    "0", "false", "no", "off")


def inline_math(op: str, loop: np.dtype) -> str | None:
    """The ``numba_vecmath`` helper generated kernels call for ``op`` on ``loop``, if any."""
    return INLINE_MATH.get((op, loop.name)) if INLINE_MATH_ON else None


#: Own functions used where the port of NumPy's SIMD algorithm (``_PORTS``) does not apply --
#: NumPy computes float32 sin/cos another way on this machine or version -- so the loop still
#: vectorizes (the op table's template would call the C library, one element at a time). Where
#: the port applies it is preferred: NumPy's bits.
OWN_FALLBACK = {("sin", "float32"): "sin_vec_f32", ("cos", "float32"): "cos_vec_f32"}


def own_fallback(op: str, loop: np.dtype) -> str | None:
    return OWN_FALLBACK.get((op, loop.name)) if INLINE_MATH_ON else None


_fma_cache: dict[str, bool] = {}


def complex_mul_is_fused() -> bool:
    """Whether NumPy's complex multiply (SIMD path) rounds once per part (FMA), on this machine."""
    hit = _fma_cache.get("mul")
    if hit is None:
        e = 2.0 ** -30
        a = np.full(64, complex(1 + e, 1.0))
        b = np.full(64, complex(1 + e, 1 + 2 * e))
        hit = _fma_cache["mul"] = bool((a * b).real[0] != 0.0)
    return hit


class _Gen(CircuitNames):
    """Generates the source of one circuit."""

    def __init__(self, c: Circuit, parallel: bool = True):
        self.c = c
        self.parallel = bool(parallel)
        ni = c.n_inputs
        self.ni, self.first = ni, c.first_instr_reg
        for k, i in enumerate(c.inputs):
            _check_dtype(i.dtype, f"input {k}")
        for k, p in enumerate(c.params):
            if isinstance(p, np.dtype):
                _check_dtype(p, f"parameter {k}")
            elif p not in (int, float, complex, bool):
                raise NotImplementedError(f"hologram_array cpu_numba: parameter {k} of type {p!r}")
        for ins in c.instrs:
            _check_dtype(ins.dtype, f"op {ins.op!r}")
        self.uses: dict[tuple[int, str, bool], str] = {}  # (param, dtype str, flagged) -> arg name
        self.use_list: list[tuple[int, np.dtype, bool]] = []
        self.needs_clibm = False
        self.n_temps = 0
        self.sw_flags = False  # some instruction ORs software flags into ``sw``
        self.fast = False      # generating the fast body (``SLOW_PATHS``' fast helpers)?
        self.has_slow = False  # ... and some instruction used one
        self.fma = "_fma" if complex_mul_is_fused() else ""

    def operand(self, r: int, dt: np.dtype, emit: _Emit | None = None) -> str:
        """Register ``r`` as a value of loop dtype ``dt``."""
        if self.ni <= r < self.first:
            return self.param_arg(r, dt)
        return _cast(self.reg(r), self.c.reg_dtype(r), dt, emit)

    def instr_lines(self, ins) -> list[str]:
        c = self.c
        loop, out_dt = _loop_dtypes(c, ins)
        for d in loop:
            _check_dtype(d, f"op {ins.op!r} loop")
        t, clibm = _template(ins.op, loop)
        t = _TEMPLATE_OVERRIDES.get((ins.op, _kind(loop[0])), t)
        # own math: one argument, or two of the same dtype (pow)
        same = len(loop) == 1 or (len(loop) == 2 and loop[0] == loop[1])
        own = inline_math(ins.op, loop[0]) if same else None
        port = simd_port(ins.op, loop[0]) if (len(loop) == 1 and own is None) else None
        if own is None and port is None and len(loop) == 1:
            own = own_fallback(ins.op, loop[0])
        helper = own or port
        slow = SLOW_PATHS.get(helper) if (self.fast and helper is not None) else None
        if slow is not None:
            t = INLINE_TEMPLATES.get(slow[0]) or slow[0] + "({0})"
        elif helper is not None:
            t = INLINE_TEMPLATES.get(helper) or helper + ("({0})" if len(loop) == 1 else "({0}, {1})")
        if clibm:
            if not clibm_available():
                raise NotImplementedError(
                    f"hologram_array cpu_numba: op {ins.op!r} on dtype {loop[0]} needs the C "
                    "library's complex functions (x86-64 Linux only)")
            self.needs_clibm = True
        toks = [_token(c, s) for s in ins.srcs]
        if helper is None and _kind(loop[0]) == "f":  # float32/64 (float16's helpers differ)
            t = _NAN_FREE_TEMPLATES.get((ins.op, tuple(map(_never_nan, toks))), t)
        desc = ", ".join(
            f"{self.label(s)}:{(tok.name if isinstance(tok, np.dtype) else 'weak ' + tok.__name__)}"
            + (f"->{d.name}" if (not isinstance(tok, np.dtype) or tok != d) else "")
            for s, tok, d in zip(ins.srcs, toks, loop))
        lines = [f"# {self.label(ins.dst)} = {ins.op}({desc}) -> {ins.dtype.name}"]
        # a weak Python int compared with an integer loop dtype may lie outside its range:
        # the wrapper passes a flag (-1 below, +1 above, 0 inside) and the result is constant
        flag_side = None
        if ins.op in COMPARISONS and loop[0].kind in "iub":
            for j, (s, tok) in enumerate(zip(ins.srcs, toks)):
                if tok is int and self.ni <= s < self.first:
                    flag_side = j
        emit = _Emit()
        emit.n = self.n_temps
        ops = [self.operand(s, d, emit) for s, d in zip(ins.srcs, loop)]
        fields = dict(T=_ctor(loop[0]), s="f32" if loop[0] == _F16 else _sfx(loop[0]),
                      bits=loop[0].itemsize * 8, fma=self.fma,
                      F2I=f"f2i_{loop[0].name}" if loop[0].kind in "iu" else "")
        if "{bounds}" in t:
            fields["bounds"] = "_const" if all(self.is_scalar(s) for s in ins.srcs[1:]) else ""
            if fields["bounds"] and _kind(loop[0]) == "f" and all(map(_never_nan, toks[1:])):
                fields["bounds"] = "_const_nn"
        if "{cmp}" in t:
            if loop[0].kind == "i":
                fields["cmp"] = f"cmp_su(np.int64({ops[0]}), np.uint64({ops[1]}))"
            else:
                fields["cmp"] = f"(-cmp_su(np.int64({ops[1]}), np.uint64({ops[0]})))"
        expr = t.format(*ops, **fields)
        if slow is not None:
            emit.lines.append(f"slow |= {slow[1]}({ops[0]})")
            self.has_slow = True
        kind = _kind(loop[0])
        sw = _SW_FLAGS_PORT.get(helper) if helper is not None else _SW_FLAGS.get((ins.op, kind))
        if sw and any("{r}" in cond for _, cond in sw):
            # flags that depend on the result (overflow, underflow): compute it once, first
            fields["r"] = expr = emit.flagged(expr)
        for bit, cond in sw or ():
            emit.flag(bit, cond.format(*ops, **fields))
        if flag_side is not None:
            flag = self.param_arg(ins.srcs[flag_side], loop[flag_side], flagged=True)
            const_ops = ["np.int64(0)"] * len(ops)
            const_ops[flag_side] = flag
            const = t.format(*const_ops, **fields)
            expr = f"({const}) if {flag} != 0 else ({expr})"
        # the template's value -> the instruction's dtype
        if out_dt != ins.dtype:
            value = _cast(f"({expr})", out_dt, ins.dtype, emit)
        elif ins.op in ("astype", "where", "real", "imag"):
            value = f"{_ctor(ins.dtype)}({expr})"  # operands already exact in the dtype
        elif ins.dtype == _F16:
            value = f"hr({emit.flagged(expr, *_F2H)})"
        else:
            value = f"{_ctor(ins.dtype)}({expr})"
        lines += emit.lines
        self.n_temps = emit.n
        self.sw_flags = self.sw_flags or any(line.startswith("sw") for line in emit.lines)
        lines.append(f"{self.reg(ins.dst)} = {value}")
        return lines

    def body(self, fast: bool = False) -> list[str]:
        self.fast = fast
        out = []
        for ins in self.c.instrs:
            out += self.instr_lines(ins)
        return out

    def output_value(self, r: int) -> str:
        c = self.c
        if r < self.ni or r >= self.first:
            return self.reg(r)
        tok = c.params[r - self.ni]
        if not isinstance(tok, np.dtype):
            raise NotImplementedError("hologram_array cpu_numba: a weak scalar as a circuit output")
        return self.param_arg(r, tok)

    def source(self) -> str:
        c = self.c
        body = self.body()
        # the contiguous loop runs fast helpers where an op has them (SLOW_PATHS) and re-runs a
        # block exactly where one of them met an argument it cannot handle; not for 0-d
        # circuits (one element: nothing to vectorize)
        fast_body = self.body(fast=True) if c.out_ndim >= 1 else body
        has_slow = self.has_slow and c.out_ndim >= 1
        out_vals = [self.output_value(o) for o in c.outputs]
        in_args = [f"in{k}" for k in range(self.ni)]
        out_args = [f"out{j}" for j in range(len(c.outputs))]
        p_args = [self.uses[(k, dt.str, fl)] for k, dt, fl in self.use_list]
        args = ", ".join(in_args + p_args + out_args + ["err", "blk", "fl"])
        used_inputs = sorted({s for ins in c.instrs for s in ins.srcs if s < self.ni}
                             | {o for o in c.outputs if o < self.ni})

        def load(k: int, idx: str) -> str:
            v = f"in{k}[{idx}]"
            return f"h2f({v})" if c.inputs[k].dtype == _F16 else v

        def store(j: int, o: int, idx: str, stream: bool = False) -> str:
            v = out_vals[j]
            if c.output_dtypes[j] == _F16:
                v = f"f2h({v})"
            return f"stream_store(out{j}, {idx}, {v})" if stream else f"out{j}[{idx}] = {v}"

        def loop_body(idx: str, indent: str, lines_of=None, stream: bool = False) -> list[str]:
            lines = [f"{indent}x{k} = {load(k, idx)}" for k in used_inputs]
            lines += [indent + line for line in (body if lines_of is None else lines_of)]
            lines += [indent + store(j, o, idx, stream) for j, o in enumerate(c.outputs)]
            return lines

        # 512-bit vectors where LLVM would pick 256 on an AVX-512 CPU (numba_ops.WIDE_VECTORS)
        wide = ["        prefer_wide_vectors()"] if wide_vectors() else []

        def contig(name: str, stream: bool) -> list[str]:
            return [
                "@numba.njit(**_JIT)",
                f"def {name}({args}):",
                "    n = out0.shape[0]",
                "    for b in numba.prange(fl.shape[0]):",
                *wide,
                "        lo = b * blk",
                "        hi = min(lo + blk, n)",
                "        fpe_clear()",
                "        sw1 = sw2 = sw4 = sw8 = False",
                # unsigned indices: no negative-index wraparound test per access (which would
                # keep LLVM from vectorizing the loads)
                *(["        slow = False"] if has_slow else []),
                "        for i in range(np.uint64(lo), np.uint64(hi)):",
                *loop_body("i", "            ", fast_body if has_slow else body, stream),
                *(["        if slow:  # an argument the fast helpers cannot handle: this block exactly",
                   *(["            stream_fence()  # the first pass's stores land first"] if stream else []),
                   "            for i in range(np.uint64(lo), np.uint64(hi)):",
                   *loop_body("i", "                ")] if has_slow else []),
                *(["        stream_fence()"] if stream else []),
                "        fl[b] = np.uint8(fpe_read() | sw_bits(sw1, sw2, sw4, sw8))",
            ]

        hdr = [
            "# Generated by hologram_array.backends.cpu_numba -- do not edit.",
            f"# hologram_array {_hx_version()}, codegen {CODEGEN_VERSION}",
            "#",
            "# circuit:",
            *("#   " + line for line in c.listing().splitlines()),
            "#",
            f"# kernel args: {args}",
            "#   in*: input arrays (float16 as uint16 bits), p*_<dtype>: parameters converted to",
            "#   the loop dtype of their use, out*: outputs, err: error flags (1: integer power",
            "#   with a negative exponent), blk: elements (contig) or rows (strided) per block,",
            "#   fl: per block, NumPy's floating-point error bits raised there (1 divide-by-zero,",
            "#   2 overflow, 4 underflow, 8 invalid): hardware (MXCSR) | software (sw1 ... sw8).",
            "import numpy as np",
            "import numba",
            "from hologram_array.backends.numba_ops import *  # noqa: F401,F403",
            "",
            f"_JIT = dict(parallel={self.parallel}, nogil=True, cache=True, error_model='numpy')",
            "# kernel_contig runs fast helpers and re-runs a block exactly where they met an",
            "# argument beyond them (SLOW_PATHS): its outputs must not overwrite its inputs",
            f"HAS_SLOW_PATH = {has_slow}",
            "",
            "",
            *contig("kernel_contig", False),
        ]
        if c.out_ndim >= 1 and streamable(c.output_dtypes):
            hdr += ["", "", "# kernel_contig with non-temporal stores, for results larger than the caches",
                    "# (numba_ops.stream_store): every output 64-byte aligned, and every block too",
                    *contig("kernel_contig_nt", True)]
        nd = c.out_ndim
        if nd >= 1:
            idx = ", ".join(f"i{a}" for a in range(nd))
            hdr += ["", "", "@numba.njit(**_JIT)", f"def kernel_strided({args}):"]
            hdr += [f"    n{a} = out0.shape[{a}]" for a in range(nd)]
            hdr += ["    for b in numba.prange(fl.shape[0]):",
                    *wide,
                    "        lo = b * blk",
                    "        hi = min(lo + blk, n0)",
                    "        fpe_clear()",
                    "        sw1 = sw2 = sw4 = sw8 = False",
                    "        for i0 in range(np.uint64(lo), np.uint64(hi)):"]
            indent = "            "
            for a in range(1, nd):
                hdr.append(f"{indent}for i{a} in range(np.uint64(n{a})):")
                indent += "    "
            hdr += loop_body(idx, indent)
            hdr.append("        fl[b] = np.uint8(fpe_read() | sw_bits(sw1, sw2, sw4, sw8))")
        return "\n".join(hdr) + "\n"


def wide_vectors() -> bool:
    """Whether generated kernels ask LLVM for 512-bit vectors (``numba_ops.WIDE_VECTORS``:
    AVX-512 CPUs where LLVM would choose 256 bits); False without Numba."""
    if not available():
        return False
    from . import numba_ops
    return bool(numba_ops.WIDE_VECTORS)


def generate_source(circuit: Circuit, *, parallel: bool = True) -> str:
    """Readable, deterministic Python source of the circuit's kernels (see the module doc).

    ``parallel=False`` compiles the same loops without threads (``prange`` runs as ``range``):
    a third of the compile time, for small arrays and tests.
    """
    if not circuit.outputs:
        raise NotImplementedError("hologram_array cpu_numba: a circuit without outputs")
    return _Gen(circuit, parallel).source()


def _hx_version() -> str:
    try:
        from .._version import __version__
        return str(__version__)
    except Exception:  # pragma: no cover
        return "0"


# ---------------------------------------------------------------------------------------------
# the disk cache


def cache_dir() -> str:
    """Where generated kernels (and Numba's cache of them) live, versioned.

    ``$HOLOGRAM_CACHE_DIR``, else ``platformdirs.user_cache_dir("hologram_array")``, else
    ``~/.cache/hologram_array``; then a sub-directory per hologram_array / Numba / Python version
    and helper-module content, so that no stale machine code is ever loaded.
    """
    base = os.environ.get("HOLOGRAM_CACHE_DIR")
    if not base:
        try:
            import platformdirs
            base = platformdirs.user_cache_dir("hologram_array")
        except Exception:
            base = os.path.join(os.path.expanduser("~"), ".cache", "hologram_array")
    import numba
    h = hashlib.sha256()
    for mod in ("numba_ops.py", "numba_vecmath.py", "numba_vecmath64.py", "cpu_numba.py"):  # every module kernels inline
        try:
            with open(os.path.join(os.path.dirname(__file__), mod), "rb") as f:
                h.update(f.read())
        except OSError:  # pragma: no cover
            h.update(mod.encode())
    h.update(f"{CODEGEN_VERSION} {np.__version__}".encode())
    sub = (f"numba-hx{_hx_version()}-nb{numba.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
           f"-{h.hexdigest()[:12]}")
    return os.path.join(base, sub)


def _write_atomic(path: str, text: str, replace: bool) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory.

    ``replace=False``: create only -- if another process created the file meanwhile, keep
    theirs (hard link, atomic); its modification time, part of Numba's cache key, then never
    changes under a process that has imported it. ``replace=True``: overwrite (a corrupt file).
    """
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_hologram_", suffix=".py", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        if not replace:
            try:
                os.link(tmp, path)
                return
            except FileExistsError:
                return
            except OSError:
                pass  # no hard links here: fall back to replacing
        os.replace(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _module_from_file(source: str, digest: str, fresh: bool = False):
    """Import the kernel module from the disk cache (writing it first), or None if impossible.

    ``fresh``: first delete Numba's cache files of this module (they failed to load).
    """
    try:
        d = cache_dir()
        os.makedirs(d, exist_ok=True)
        stem = f"hologram_{digest}"
        path = os.path.join(d, stem + ".py")
        for attempt in range(2):
            try:
                with open(path, encoding="utf-8") as f:
                    ok = f.read() == source
                exists = True
            except FileNotFoundError:
                ok = exists = False
            except (OSError, UnicodeDecodeError):
                ok, exists = False, True
            if ok:
                break
            # missing: create it (first writer wins); truncated, corrupt or foreign: replace it
            _write_atomic(path, source, replace=exists)
        else:
            return None
        if fresh:
            pyc = os.path.join(d, "__pycache__")
            for name in os.listdir(pyc) if os.path.isdir(pyc) else ():
                if name.startswith(stem + ".") and name.endswith((".nbi", ".nbc")):
                    try:
                        os.unlink(os.path.join(pyc, name))
                    except OSError:
                        pass
        # a top-level name in sys.modules: Numba's cache re-imports the module by name
        name = f"_hologram_numba_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        try:
            spec.loader.exec_module(mod)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return mod
    except Exception:
        return None


def _module_in_memory(source: str, digest: str):
    """Fallback: compile without the disk cache."""
    import types as _types
    src = source.replace("cache=True", "cache=False")
    mod = _types.ModuleType(f"_hologram_numba_nocache_{digest}")
    exec(compile(src, f"<hologram kernel {digest[:12]}>", "exec"), mod.__dict__)
    return mod


# ---------------------------------------------------------------------------------------------
# kernels


def _arr_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.uint16) if dt == _F16 else dt


def _fpe_hw() -> bool:
    """Whether kernels read the hardware's floating-point flags (x86's MXCSR)."""
    import platform
    return platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")


def _hw_possible(c: Circuit) -> int:
    """The flag bits hardware arithmetic of this circuit could raise: all four if any register
    is floating-point (or complex), else none (integer ops flag in software only)."""
    dts = [i.dtype for i in c.inputs] + [i.dtype for i in c.instrs]
    dts += [p for p in c.params if isinstance(p, np.dtype)]
    if any(d.kind in "fc" for d in dts) or any(p in (float, complex) for p in c.params):
        return 15
    return 0


_QUIET: dict[tuple[np.dtype, type], tuple[float, float]] = {}


def _quiet_range(dt: np.dtype, tok: type) -> tuple[float, float]:
    """(lo, hi): a Python ``tok`` scalar v with lo <= |v| <= hi converts to ``dt`` without a
    floating-point flag or an error (an empty range where no fast conversion is safe)."""
    key = (dt, tok)
    r = _QUIET.get(key)
    if r is None:
        if dt.kind == "f" and tok is float:
            fi = np.finfo(dt)
            r = (float(fi.tiny), float(fi.max))
        elif dt.kind == "f" and tok is int:
            r = (0, 2 ** 24)                 # exact in float32 and float64
        elif dt.kind in "iu" and tok is int:
            r = (0, int(np.iinfo(dt).max) if dt.kind == "u" else -(int(np.iinfo(dt).min) + 1))
            if dt.kind == "u":
                r = (0, -1)                  # negative ints would wrap: the careful path
        else:
            r = (1, 0)
        _QUIET[key] = r
    return r


_IMMUTABLE_SCALARS = frozenset((float, int, bool, complex))


class Kernel:
    """A compiled circuit. ``kernel(buffers, values, outs)``: ``numpy_exec.run``'s contract."""

    def __init__(self, circuit: Circuit, source: str, uses, module, cached: bool):
        self.circuit = circuit
        self.source = source
        self.uses = uses  # [(param index, loop dtype, flagged)]
        self.module = module
        self.disk_cached = cached
        self._slow_path = "HAS_SLOW_PATH = True" in source
        self._lock = threading.Lock()
        self._ready: dict[str, Any] = {}
        self._in_dtypes = [_arr_dtype(i.dtype) for i in circuit.inputs]
        self._out_dtypes = [_arr_dtype(d) for d in circuit.output_dtypes]
        self._f16_in = [i.dtype == _F16 for i in circuit.inputs]
        self._f16_out = [d == _F16 for d in circuit.output_dtypes]
        self._any_f16 = any(self._f16_in) or any(self._f16_out)
        # without MXCSR (not x86): every hardware category may have been raised
        self._unknown_bits = 0 if _fpe_hw() else _hw_possible(circuit)
        self._last_bind: tuple | None = None  # (values, params, flags): see bind_flags

    # -- compiling ------------------------------------------------------------------------
    def _signature(self, variant: str):
        from numba import types
        from numba.np.numpy_support import from_dtype

        nd, layout = (1, "C") if variant in ("contig", "contig_nt") else (self.circuit.out_ndim, "A")
        sig = [types.Array(from_dtype(dt), nd, layout, readonly=True) for dt in self._in_dtypes]
        for k, dt, flagged in self.uses:
            if flagged:
                sig.append(types.int64)
            elif dt == _F16:
                sig.append(types.float32)
            else:
                sig.append(from_dtype(dt))
        sig += [types.Array(from_dtype(dt), nd, layout) for dt in self._out_dtypes]
        sig.append(types.Array(types.uint8, 1, "C"))  # err
        sig.append(types.int64)                       # blk
        sig.append(types.Array(types.uint8, 1, "C"))  # fl
        return tuple(sig)

    def dispatcher(self, variant: str):
        """The compiled ``kernel_contig`` / ``kernel_contig_nt`` / ``kernel_strided`` (compiled or
        loaded on first use)."""
        d = self._ready.get(variant)
        if d is not None:
            return d
        with self._lock:
            d = self._ready.get(variant)
            if d is None:
                sig = self._signature(variant)
                d = getattr(self.module, f"kernel_{variant}")
                try:
                    d.compile(sig)
                except Exception:
                    if not self.disk_cached:
                        raise
                    # Numba's cache files of this module do not load (corrupt, foreign):
                    # delete them and compile again; failing that, compile without the cache
                    digest = hashlib.sha256(self.source.encode()).hexdigest()
                    mod = _module_from_file(self.source, digest, fresh=True)
                    if mod is None:
                        mod = _module_in_memory(self.source, digest)
                        self.disk_cached = False
                    self.module = mod
                    self._ready.clear()
                    d = getattr(mod, f"kernel_{variant}")
                    try:
                        d.compile(sig)
                    except Exception:
                        if not self.disk_cached:
                            raise
                        self.module = _module_in_memory(self.source, digest)
                        self.disk_cached = False
                        d = getattr(self.module, f"kernel_{variant}")
                        d.compile(sig)
                d.disable_compile()
                self._ready[variant] = d
        return d

    def cache_hits(self) -> int:
        """How many compiled variants were loaded from Numba's disk cache (not compiled)."""
        return sum(sum(d.stats.cache_hits.values()) for d in self._ready.values())

    def compile_all(self) -> None:
        self.dispatcher("contig")
        if self.circuit.out_ndim >= 1:
            self.dispatcher("strided")

    # -- running --------------------------------------------------------------------------
    def bind(self, values: Sequence[Any]) -> list:
        """Parameter arguments: each value converted to the loop dtype of its use, as NumPy."""
        return self.bind_flags(values)[0]

    def bind_flags(self, values: Sequence[Any]) -> tuple[list, int]:
        """(``bind(values)``, NumPy's floating-point error bits of those conversions: a weak
        ``1e10`` converted to float16 overflows, as in NumPy's ufunc call).

        The last call's answer is reused when every value is the very same object as then (a
        loop re-running an expression passes its literals' constant objects; identity, not
        equality: ``0.0 == -0.0`` and ``1 == 1.0`` bind differently): 0.3 us instead of 3.3 for
        arith10's seven parameters."""
        last = self._last_bind
        if last is not None and len(values) == len(last[0]):
            for a, b in zip(values, last[0]):
                if a is not b:
                    break
            else:
                return last[1], last[2]
        out, raised = self._bind_flags(values)
        if all(type(v) in _IMMUTABLE_SCALARS or isinstance(v, np.generic) for v in values):
            self._last_bind = (tuple(values), out, raised)  # (a 0-d array could change in place)
        return out, raised

    def _bind_flags(self, values: Sequence[Any]) -> tuple[list, int]:
        c = self.circuit
        out = []
        raised = [0]

        def note(kind, flag):
            raised[0] |= int(flag)

        for k, dt, flagged in self.uses:
            v = values[k]
            tok = c.params[k]
            if not flagged and dt != _F16 and type(v) is tok and (tok is float or tok is int):
                # the common case without np.errstate (~1 us each): a Python scalar whose
                # conversion cannot raise a flag (normal range / exactly representable)
                lo, hi = _quiet_range(dt, tok)
                if lo <= abs(v) <= hi or v == 0 or (tok is float and v != v):
                    out.append(dt.type(v))
                    continue
            if flagged:  # a Python int compared with an integer dtype
                info = np.iinfo(dt) if dt.kind in "iu" else None
                lo, hi = (int(info.min), int(info.max)) if info else (0, 1)
                out.append(np.int64(1 if v > hi else (-1 if v < lo else 0)))
                continue
            with np.errstate(all="call", call=note):
                if isinstance(tok, np.dtype):
                    x = np.asarray(v, dtype=tok).astype(dt)[()]
                else:
                    try:
                        x = dt.type(v)
                    except OverflowError:
                        # only reachable for comparisons (flagged): the value is unused there
                        x = dt.type(0)
            if dt == _F16:
                x = np.float32(x)
            out.append(x)
        return out, raised[0]

    def __call__(self, buffers: Sequence[Any], values: Sequence[Any], outs: Sequence[Any],
                 threads: int = 0, stream: bool | None = None) -> int:
        """Run the circuit into ``outs`` (``numpy_exec.run``'s contract).

        Returns NumPy's floating-point error bits (``FPE_DIVIDEBYZERO`` 1, ``FPE_OVERFLOW`` 2,
        ``FPE_UNDERFLOW`` 4, ``FPE_INVALID`` 8) for every category NumPy's ufuncs would have
        flagged on this data -- possibly more (see the module doc), never fewer -- 0 if none.
        Raises ``ValueError`` for an integer power with a negative exponent, as NumPy.
        """
        return self.run(buffers, values, outs, threads=threads, stream=stream).flags

    def run(self, buffers: Sequence[Any], values: Sequence[Any], outs: Sequence[Any],
            block: int | None = None, threads: int = 0, stream: bool | None = None) -> "RunResult":
        """``__call__`` with the per-block flags: a ``RunResult(flags, block_flags, block,
        variant)``. ``block``: elements per block (default ``BLOCK``; for the strided variant
        rounded to whole rows of axis 0, see ``RunResult``). ``threads``: at most this many
        threads (0: Numba's setting) -- one thread skips waking the others, which costs ~60 us
        on an idle machine (docs/performance.md), more than a small kernel's whole run.
        ``stream``: the non-temporal-store loop (``kernel_contig_nt``, once compiled) -- None:
        when ``streams`` says so (results of at least ``STREAM_MIN_BYTES``); True: whenever the
        outputs allow it (aligned, not over an input; the driver's measured choice,
        ``jit.NUMBA_NT``); False: never."""
        if not outs:
            return RunResult(0, np.zeros(0, np.uint8), 0, "")
        shape = outs[0].shape
        if outs[0].size == 0:
            return RunResult(0, np.zeros(0, np.uint8), 0, "")
        c = self.circuit
        params, pflags = self.bind_flags(values)
        bufs = [b if type(b) is np.ndarray else np.asarray(b) for b in buffers]
        flat = c.out_ndim == 0 or (
            all(b.shape == shape and b.flags.c_contiguous for b in bufs)
            and all(o.flags.c_contiguous for o in outs))
        if flat and c.out_ndim and self._slow_path and any(
                np.may_share_memory(b, o) for b in bufs for o in outs):
            flat = False  # a re-run block would read what the first pass overwrote
        want = max(1, int(block) if block is not None else BLOCK)
        if flat:
            if len(shape) == 1:  # already flat: no views to make
                ins, os_ = bufs, outs
            else:
                ins = [b.reshape(-1) for b in bufs] if c.out_ndim else [b.reshape(1) for b in bufs]
                os_ = [o.reshape(-1) for o in outs]
            n, blk = os_[0].shape[0], want
            # non-temporal stores once that variant is compiled (``jit`` asks for it when
            # ``streams``), for large aligned results
            nt = stream is not False and "contig_nt" in self._ready and streams(
                os_, blk, bufs, 0 if stream else None)
            variant = "contig_nt" if nt else "contig"
        else:
            ins = [np.broadcast_to(b, shape) for b in bufs]
            os_ = list(outs)
            variant = "strided"
            inner = outs[0].size // shape[0]
            n, blk = shape[0], max(1, want // inner)
        fl = self.launch(variant, ins, params, os_, n, blk, threads)
        return RunResult(self.flags_of(fl, pflags), fl, blk, variant)

    def launch(self, variant: str, ins: Sequence[Any], params: Sequence[Any], outs: Sequence[Any],
               n: int, blk: int, threads: int = 0) -> np.ndarray:
        """Call the compiled ``variant`` (ready) on views it takes as they are -- flat for the
        ``contig`` variants, full-shape for ``strided`` -- over ``n`` elements (rows) in blocks
        of ``blk``; the uint8 flags per block. ``run``'s last step, and the driver's steady
        state calls it directly (``materialize.Lane``)."""
        if self._any_f16:
            ins = [x.view(np.uint16) if f else x for x, f in zip(ins, self._f16_in)]
            outs = [x.view(np.uint16) if f else x for x, f in zip(outs, self._f16_out)]
        err = np.zeros(1, np.uint8)
        fl = np.empty(-(-n // blk), np.uint8)
        kernel = self.dispatcher(variant)
        if threads:  # Numba's thread count is per calling thread: set around the call
            get, set_ = thread_count_calls()
            before = get()
            set_(min(threads, before))
            try:
                kernel(*ins, *params, *outs, err, blk, fl)
            finally:
                set_(before)
        else:
            kernel(*ins, *params, *outs, err, blk, fl)
        if err[0]:
            raise ValueError(_NEG_POW_MSG)
        if self._unknown_bits:
            fl |= np.uint8(self._unknown_bits)
        return fl

    def flags_of(self, fl: np.ndarray, pflags: int) -> int:
        """NumPy's floating-point error bits of a run: its blocks' (``launch``) and its
        parameter conversions' (``bind_flags``)."""
        # (no block raised anything, the common case: one bytes scan instead of a ufunc reduce)
        return ((int(np.bitwise_or.reduce(fl)) if fl.tobytes().strip(b"\0") else 0)
                | pflags | self._unknown_bits)


class RunResult(NamedTuple):
    """What ``Kernel.run`` reports.

    ``flags``: NumPy's floating-point error bits for the whole run (``Kernel.__call__``'s value).
    ``block_flags``: uint8 per block, the bits raised in that block (parameter conversions, which
    NumPy flags once per call, are only in ``flags``). ``block``: the block's extent -- for the
    ``"contig"`` variant, elements of the flattened (C-order) arrays: block ``k`` covers
    ``[k*block, (k+1)*block)``; for ``"strided"``, indices along axis 0 of the output: block
    ``k`` covers ``out[k*block:(k+1)*block]``. So a driver can re-run NumPy on the flagged
    blocks only to produce its warnings or errors.
    """

    flags: int
    block_flags: np.ndarray
    block: int
    variant: str


_kernels: dict[str, Kernel] = {}
_kernels_lock = threading.Lock()


def compile_circuit(circuit: Circuit, *, parallel: bool = True, disk_cache: bool = True) -> Kernel:
    """Generate and import the circuit's ``Kernel`` (each variant compiles on its first call).

    Raises ``NotImplementedError`` naming the op and dtype for anything the backend cannot run
    exactly as NumPy does, and ``ImportError`` when Numba is not installed.
    """
    if not circuit.outputs:
        raise NotImplementedError("hologram_array cpu_numba: a circuit without outputs")
    g = _Gen(circuit, parallel)
    source = g.source()
    digest = hashlib.sha256(source.encode()).hexdigest()
    k = _kernels.get(digest)
    if k is not None:
        return k
    if not available():
        raise ImportError("hologram_array cpu_numba: numba is not installed")
    mod = _module_from_file(source, digest) if disk_cache else None
    cached = mod is not None
    if mod is None:
        mod = _module_in_memory(source, digest)
    k = Kernel(circuit, source, g.use_list, mod, cached)
    with _kernels_lock:
        return _kernels.setdefault(digest, k)


def run(kernel: Kernel, buffers: Sequence[Any], values: Sequence[Any], outs: Sequence[Any]) -> None:
    """``numpy_exec.run``'s contract, for a compiled kernel."""
    kernel(buffers, values, outs)


# ---------------------------------------------------------------------------------------------
# class-map gathers


_GATHER_METHODS = ("auto", "vbmi", "pshufb", "scalar")
#: Environment variable read by ``gather_method`` (the ``"auto"`` choice): auto, vbmi, pshufb, scalar.
GATHER_ENV = "HOLOGRAM_GATHER"
_GATHER_NEEDS = {"vbmi": "AVX-512 VBMI (avx512vbmi, avx512bw, avx512f)", "pshufb": "AVX2"}


def vbmi_available() -> bool:
    """Whether the AVX-512 VBMI ``vpermi2b`` lookup (256-entry byte tables) runs here: the host
    CPU has avx512vbmi, avx512bw and avx512f, and Numba compiles for them."""
    from . import numba_ops
    return bool(numba_ops.HAS_VBMI)


def pshufb_available() -> bool:
    """Whether the AVX2 ``vpshufb`` lookup (256-entry byte tables) runs here."""
    from . import numba_ops
    return bool(numba_ops.HAS_AVX2)


def gather_methods_available() -> tuple[str, ...]:
    """The lookup paths this machine runs, fastest first (``"scalar"`` always last)."""
    return tuple(m for m, ok in (("vbmi", vbmi_available()), ("pshufb", pshufb_available()),
                                 ("scalar", True)) if ok)


def _check_gather_method(method: str, source: str) -> None:
    if method not in _GATHER_METHODS:
        raise ValueError(f"{source}: gather method must be one of {_GATHER_METHODS}, not {method!r}")
    if method in _GATHER_NEEDS and method not in gather_methods_available():
        raise NotImplementedError(f"{source}: gather method {method!r} needs a CPU with "
                                  f"{_GATHER_NEEDS[method]}, which this one lacks (available: "
                                  f"{', '.join(gather_methods_available())})")


def gather_method() -> str:
    """The path ``method="auto"`` takes for a 256-entry byte table on C-contiguous operands:
    ``$HOLOGRAM_GATHER`` when set to vbmi / pshufb / scalar (read on every call;
    ``NotImplementedError`` if this CPU lacks the forced path, ``ValueError`` for another
    value), else the fastest available: vbmi > pshufb > scalar."""
    forced = os.environ.get(GATHER_ENV, "").strip().lower() or "auto"
    if forced == "auto":
        return gather_methods_available()[0]
    _check_gather_method(forced, GATHER_ENV)
    return forced


def _bits_view(a: np.ndarray) -> np.ndarray:
    """``a`` reinterpreted as unsigned integers of its item size (a gather copies bits)."""
    return a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])


class GatherKernel:
    """``kernel(table, inputs, out) -> None``: ``out[...] = table[index]`` in parallel, where
    ``index`` is the byte of ``inputs[0]`` (one input, a 256-entry table) or
    ``inputs[0] * 256 + inputs[1]`` (two inputs, 65536 entries) -- a class map's lookup.

    * ``table``: 1-D, ``256 ** n_inputs`` entries of any dtype; ``out.dtype`` must equal it
      (bits are copied, so the result is ``table[index]`` bit for bit, NaN payloads included).
    * ``inputs``: arrays (or scalars) of 1-byte dtypes (uint8, int8, bool: their bit patterns
      are the index, as ``classmap``), broadcastable to ``out.shape``; any strides.
    * ``out``: the preallocated result, any layout (written in place).

    ``method``: ``"vbmi"`` (one input, C-contiguous same-shape operands, AVX-512 VBMI: 64
    bytes per 2 ``vpermi2b`` + blend; a 2-, 4- or 8-byte table as that many byte planes, each
    looked up so, then interleaved into elements -- 3.97 ms for 32M float32 results vs 17.4 ms
    for the scalar gather, 4.5 ms for a fused 3-op normalize kernel; other cases use the scalar loop),
    ``"pshufb"`` (the same cases, AVX2: 32 bytes per 16 ``vpshufb`` + compare + blend),
    ``"scalar"`` (one load per element), ``"auto"`` (``gather_method()`` on every call:
    ``$HOLOGRAM_GATHER`` if set, else vbmi > pshufb > scalar, as this CPU allows). Forcing a
    path this CPU lacks raises ``NotImplementedError``.
    """

    def __init__(self, n_inputs: int, method: str = "auto"):
        if n_inputs not in (1, 2):
            raise ValueError("gather_kernel: 1 or 2 inputs")
        _check_gather_method(method, "gather_kernel")
        if method in _GATHER_NEEDS and n_inputs != 1:
            raise NotImplementedError(f"gather_kernel: method {method!r} needs one input (a 256-entry table)")
        if not available():
            raise ImportError("hologram_array cpu_numba: numba is not installed")
        self.n_inputs = n_inputs
        self.method = method
        self._tabs: tuple[int, np.ndarray] | None = None  # (id of table bytes, pshufb rows)
        self._plane_cache: tuple[bytes, np.ndarray] | None = None  # (table bytes, byte planes)

    def _planes(self, table: np.ndarray) -> np.ndarray:
        """The table as byte planes (``itemsize`` x 256 bytes; plane p: byte p of each entry)."""
        key = table.tobytes()
        if self._plane_cache is None or self._plane_cache[0] != key:
            w = table.dtype.itemsize
            self._plane_cache = (key, np.ascontiguousarray(table.view(np.uint8).reshape(256, w).T).reshape(-1))
        return self._plane_cache[1]

    def _pshufb_rows(self, table: np.ndarray) -> np.ndarray:
        key = table.tobytes()
        if self._tabs is None or self._tabs[0] != key:
            rows = np.empty((16, 32), np.uint8)
            t = table.view(np.uint8).reshape(16, 16)
            rows[:, :16] = t
            rows[:, 16:] = t
            self._tabs = (key, rows.reshape(-1))
        return self._tabs[1]

    def __call__(self, table: Any, inputs: Sequence[Any], out: np.ndarray, stream: bool | None = None) -> None:
        """``stream``: the vbmi lookups with non-temporal stores (``streams``); None: when
        ``streams(out)`` says so (at least ``STREAM_MIN_BYTES``), True: whenever the output
        allows it (64-byte aligned, not over the input; the driver's measured choice,
        ``gather_stream_trial``), False: never."""
        from . import numba_ops as ops

        method = gather_method() if self.method == "auto" else self.method
        table = np.ascontiguousarray(table)
        if table.ndim != 1 or table.shape[0] != 256 ** self.n_inputs:
            raise ValueError(f"gather: table must be 1-D with {256 ** self.n_inputs} entries")
        if out.dtype != table.dtype:
            raise TypeError(f"gather: out dtype {out.dtype} != table dtype {table.dtype}")
        if len(inputs) != self.n_inputs:
            raise ValueError(f"gather: {self.n_inputs} input(s) expected")
        xs = [np.asarray(x) for x in inputs]
        for x in xs:
            if x.dtype.itemsize != 1:
                raise TypeError(f"gather: inputs must have 1-byte dtypes, not {x.dtype}")
        if out.size == 0:
            np.broadcast_shapes(out.shape, *[x.shape for x in xs])
            return
        if table.dtype.itemsize not in (1, 2, 4, 8):
            idx = xs[0].view(np.uint8).astype(np.intp)
            if self.n_inputs == 2:
                idx = (idx << 8) | xs[1].view(np.uint8)
            np.take(table, np.broadcast_to(idx, out.shape), out=out)
            return
        tb = _bits_view(table)
        shape = out.shape
        flat = all(x.shape == shape and x.flags.c_contiguous for x in xs) and out.flags.c_contiguous
        if flat:
            ins = [x.reshape(-1).view(np.uint8) for x in xs]
            o = _bits_view(out.reshape(-1))
            byte_lut = self.n_inputs == 1 and table.dtype.itemsize == 1
            if method == "vbmi" and self.n_inputs == 1:
                stream = stream is not False and streams([o], ops.GATHER_BLOCK, ins,
                                                         0 if stream else None)
                if byte_lut:
                    ops.gather1_vbmi(tb, ins[0], o, stream)
                else:  # a 2-, 4- or 8-byte table: one byte shuffle per byte plane, interleaved
                    ops.gather1_vbmi_planes(self._planes(table), ins[0], o.view(np.uint8),
                                            table.dtype.itemsize, stream)
            elif byte_lut and method == "pshufb":
                ops.gather1_pshufb(self._pshufb_rows(table), tb, ins[0], o)
            elif self.n_inputs == 1:
                ops.gather1_contig(tb, ins[0], o)
            else:
                ops.gather2_contig(tb, ins[0], ins[1], o)
            return
        # general layout: operands as 2-D (rows, last axis), inputs broadcast (stride 0)
        ins = [np.broadcast_to(x.view(np.uint8), shape) for x in xs]
        if out.ndim <= 2:
            o2 = out.reshape((1,) * (2 - out.ndim) + shape)  # a view: adds unit axes only
            ins2 = [x.reshape(o2.shape) for x in ins]
            target = None
        else:
            rows = (-1, shape[-1])
            try:
                o2 = out.reshape(rows, copy=False)
                target = None
            except (ValueError, TypeError):
                o2 = np.empty(shape, out.dtype).reshape(rows)
                target = out
            ins2 = [x.reshape(rows) for x in ins]  # copies where the view cannot be reshaped
        ob = _bits_view(o2)
        if self.n_inputs == 1:
            ops.gather1_2d(tb, ins2[0], ob)
        else:
            ops.gather2_2d(tb, ins2[0], ins2[1], ob)
        if target is not None:
            target[...] = o2.reshape(shape)


def gather_stream_trial(inputs: Sequence[Any], outs: Sequence[np.ndarray]) -> bool:
    """Whether the driver measures non-temporal against ordinary stores for this lookup (one
    byte input, the vbmi path, contiguous, aligned, not over the input) with its results in
    the band ``[STREAM_TRY_BYTES, STREAM_MIN_BYTES)`` -- ``jit.stream_trial``'s rule for
    compiled circuits."""
    if not STREAMING or len(inputs) != 1 or gather_method() != "vbmi":
        return False
    if not STREAM_TRY_BYTES <= sum(o.nbytes for o in outs) < STREAM_MIN_BYTES:
        return False
    from . import numba_ops as ops
    x = inputs[0]
    return (all(o.shape == x.shape and o.flags.c_contiguous for o in outs) and x.flags.c_contiguous
            and streams(outs, ops.GATHER_BLOCK, inputs, 0))


_gather_kernels: dict[tuple[int, str], GatherKernel] = {}


def gather_kernel(n_inputs: int, *, method: str = "auto") -> GatherKernel:
    """The (shared) ``GatherKernel`` for ``n_inputs`` 1-byte inputs; compiles on first call."""
    key = (n_inputs, method)
    k = _gather_kernels.get(key)
    if k is None:
        k = _gather_kernels.setdefault(key, GatherKernel(n_inputs, method))
    return k


def gather(table: Any, inputs: Sequence[Any], out: np.ndarray, *, method: str = "auto",
           stream: bool | None = None) -> None:
    """``out[...] = table[index]`` (see ``GatherKernel``)."""
    gather_kernel(len(inputs), method=method)(table, inputs, out, stream)
