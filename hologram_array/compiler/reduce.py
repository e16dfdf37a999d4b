"""Fused reductions: ``sum(a*b + c)`` without ever holding ``a*b + c``.

Two executors, chosen as the element-wise driver chooses (``_reduce_compiled``): the circuit's
compiled fused reduction (``backends/numba_reduce.py``: the expression computed 4,096 elements
at a time into an L1 buffer per thread, then reduced there; sum, prod, min, max, any, all,
argmin, argmax and mean over all axes, the last or the first (axis 0: the rows folded in
order), NumPy's results -- float sums its pairwise summation bit for bit; var and std over all
axes, per buffer NumPy's two passes in float64 and the buffers merged exactly (Chan et al.),
NumPy's accuracy or better; over the last axis NumPy's per row, bit for bit, and over axis 0 as
two compiled axis-0 sums (``_var_first_axis``), bit for bit; C-contiguous inputs
of the full shape or broadcast over one block of its axes), and the chunked NumPy executor
below, which handles everything else (last-axis var/std of integers, strided inputs, other
accumulator dtypes, the wasm device) and runs while the kernel compiles in the background. Once
the kernel is ready, float sums, products and all-axes var/std stay on it (the chunks round the last bits differently); the
others go to whichever executor measured faster. Axis 0 has no chunked path: without the
kernel (compiling, or not applicable) the caller materializes the expression and NumPy reduces.

Chunked: the element-wise expression is computed chunk by chunk (``CHUNK`` elements, in cache) by the
NumPy executor, each chunk is reduced at once, and the per-chunk partial results are combined.
Extra memory is one chunk per thread instead of a full-size temporary per op; chunks are split
between threads.

Supported: ``sum``, ``prod``, ``max``, ``min``, ``any``, ``all``, ``mean``, ``var``, ``std``
(with a ``correction``), ``argmax``, ``argmin`` over all axes (``axis=None``) or the last axis,
for outputs of at least ``FUSE_MIN`` elements (axis 0: compiled only, above). Anything else
(other axes, float16 accumulators,
rows longer than ``MAX_ROW``, ``var`` with ``M - correction <= 0``) returns None and the caller
materializes the expression and asks NumPy, as before.

Exactness: integer, boolean, min/max/any/all results are NumPy's exactly (those reductions do
not depend on order). ``argmax``/``argmin`` indices are NumPy's exactly: each chunk's first
extreme (NumPy's own ``argmax``/``argmin`` of the chunk: first occurrence, the first NaN wins)
and its value, then NumPy's ``argmax``/``argmin`` of those values picks the first chunk holding
the overall one. Every last-axis reduction (``var``/``std`` and float sums/products included)
is NumPy's bit for bit: a chunk holds whole rows and each row is reduced whole by the same
NumPy function. Float ``sum``/``prod``/``mean`` over all axes reduce each chunk with NumPy's
pairwise summation and then the partials pairwise: the same accuracy class as NumPy's, but the
rounding of the last bits may differ from ``np.sum`` of the materialized array (as NumPy's own
result differs between memory layouts). ``var``/``std`` over all axes: per chunk NumPy's own
two passes in NumPy's accumulator dtype (the chunk's mean, then the sums of the deviations from
it and of their squares), combined in float64 with Chan et al.'s parallel formula (all chunks
at once, plus the deviations' sum, which makes the combination exact whatever the rounding of
the chunk means): one pass over the expression, NumPy's accuracy class or better (float32 data
with a large mean: better, NumPy rounds its one mean to float32); the last bits may differ from
``np.var`` of the materialized array.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np

from .._config import settings
from ..backends import numpy_exec
from ..expr.nodes import Leaf, Node, Op
from . import classmap, jit
from .cache import CACHE
from .materialize import execute, prepare

#: Elements computed per chunk (a multiple of the executor's block).
CHUNK = 65536  # 256 KiB per float32 register: L2-resident; per-op overhead amortized
#: Below this many elements the expression is simply materialized.
FUSE_MIN = 2 * CHUNK
#: Longest row a last-axis reduction fuses (one row must fit a chunk's scratch).
MAX_ROW = 16 * CHUNK

_UFUNC = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum,
          "any": np.logical_or, "all": np.logical_and}
_MOMENTS = ("var", "std")
_ARG = {"argmax": np.argmax, "argmin": np.argmin}
KINDS = frozenset(_UFUNC) | {"mean"} | set(_MOMENTS) | set(_ARG)


def _chunk_reducer(kind: str, dtype: Any, axis: int | None, correction: float = 0.0) -> Callable:
    if kind in _ARG:
        argf = _ARG[kind]
        if axis is not None:
            return lambda block: argf(block, axis=axis)
        def first_extreme(block: np.ndarray) -> tuple:
            flat = block.reshape(-1)  # C order (the chunk is C-contiguous)
            i = int(argf(flat))
            return i, flat[i]  # (index in the chunk, value) of the chunk's first extreme
        return first_extreme
    if kind in _MOMENTS:
        if axis is not None:
            fn = np.var if kind == "var" else np.std
            return lambda block: fn(block, axis=axis, ddof=correction)
        return _chunk_moments
    uf = _UFUNC[kind]
    if kind in ("any", "all"):
        return lambda block: uf.reduce(block.astype(bool, copy=False), axis=axis)
    if kind in ("sum", "prod"):
        return lambda block: uf.reduce(block, axis=axis, dtype=dtype)
    return lambda block: uf.reduce(block, axis=axis)


def _moment_acc(dt: np.dtype) -> Any:
    """NumPy's ``_var`` accumulator: float64 for integers and bools, else the input dtype."""
    return np.dtype(np.float64) if dt.kind in "biu" else None


def _chunk_moments(block: np.ndarray) -> tuple:
    """(mean, sum of deviations, sum of squared deviations, count) of a chunk: NumPy's ``_var``
    two passes (its dtypes and roundings) around the chunk's rounded mean, plus the deviations'
    sum so that the combination is exact whatever that rounding. ``block`` is overwritten."""
    block = block.reshape(-1)
    m = block.size
    s = np.add.reduce(block, dtype=_moment_acc(block.dtype))
    mean = s.dtype.type(s / np.intp(m))
    if block.dtype.kind in "fc":
        d = np.subtract(block, mean, out=block)
    else:
        d = np.subtract(block, mean)  # a float64 chunk
    dsum = np.add.reduce(d)
    if d.dtype.kind == "c":
        dv = d.view(d.real.dtype).reshape(-1, 2)
        np.square(dv, out=dv)
        sq = np.add(dv[:, 0], dv[:, 1], out=dv[:, 0])
    else:
        sq = np.square(d, out=d)
    return mean, dsum, np.add.reduce(sq), m


def _combine_moments(partials: list, kind: str, correction: float) -> Any:
    """``var``/``std`` over all axes from the chunks' (mean_c, D_c, M2_c, n_c), in float64
    (complex128 for complex means). With x = mean_c + d, exactly:
    ``sum |x - mu|**2 = sum_c M2_c + 2 Re(conj(mean_c - mu) D_c) + n_c |mean_c - mu|**2``, any
    ``mu``; ``mu`` is the mean ``sum_c (n_c mean_c + D_c) / n``. Divided as NumPy's ``_var``."""
    means = np.array([p[0] for p in partials])
    wide = np.complex128 if means.dtype.kind == "c" else np.float64
    means = means.astype(wide)
    dsums = np.array([p[1] for p in partials]).astype(wide)
    m2 = np.array([p[2] for p in partials])
    cnt = np.array([p[3] for p in partials], dtype=np.intp)
    n = int(cnt.sum())
    mu = np.add.reduce(cnt * means + dsums) / n
    delta = means - mu
    if delta.dtype.kind == "c":
        between = cnt * (delta.real * delta.real + delta.imag * delta.imag)
        cross = 2 * (delta.real * dsums.real + delta.imag * dsums.imag)
    else:
        between = cnt * (delta * delta)
        cross = 2 * (delta * dsums)
    ret = np.add.reduce(m2.astype(np.float64)) + np.add.reduce(cross + between)
    rcount = np.maximum(np.intp(n) - correction, 0)
    res = m2.dtype.type(ret / rcount)
    if kind == "std":
        res = res.dtype.type(np.sqrt(res))
    return res


def supported(root: Node, kind: str, axis: Any, correction: Any = 0.0) -> bool:
    if not isinstance(root, Op) or root.memo is not None or kind not in KINDS:
        return False
    shape = root.shape
    if len(shape) == 0 or math.prod(shape) < FUSE_MIN:
        return False
    if root.dtype == np.float16 and kind not in _ARG:
        return False  # NumPy accumulates float16 in float32 internally: keep its exact result
    if kind in _MOMENTS:
        if isinstance(correction, bool) or not isinstance(correction, (int, float, np.integer, np.floating)):
            return False
        # as NumPy's _count_reduce_items, an intp: a Python int would meet an np.int8
        # correction at int8 (NEP 50) and overflow
        count = np.intp(shape[-1] if axis == "last" else shape[0] if axis == "first" else math.prod(shape))
        if not count - correction > 0:
            return False  # NumPy's "Degrees of freedom <= 0" case: the caller handles it
    if axis == "last":
        return shape[-1] <= MAX_ROW and shape[-1] > 0
    if axis == "first":  # compiled only (numba_reduce): the rows folded in NumPy's order
        return (len(shape) >= 2 and math.prod(shape[1:]) >= 2
                and (kind in FIRST_AXIS_KINDS or (kind in _MOMENTS and root.dtype.kind == "f"))
                and not (kind == "mean" and root.dtype.kind in "biu")  # (a float64 sum: not compiled)
                and settings.compile != "never" and jit.numba_installed())
    return axis is None


def reduce_expr(root: Op, kind: str, axis: Any, dtype: Any = None, threads: bool = True,
                correction: float = 0.0, compiled: bool = True) -> np.ndarray:
    """Reduce the value of ``root`` (see ``supported``); returns a NumPy array/scalar result.

    ``axis``: None (all axes), "last" or "first" (axis 0 of an array of at least 2
    dimensions: compiled kernels only, None when they cannot run). ``dtype``: the accumulator/result dtype of
    ``sum``/``prod`` (None: NumPy's default for the input dtype). ``threads``: False keeps
    the work on the calling thread (the wasm device). ``correction``: ``var``/``std``'s
    divisor is ``M - correction`` (NumPy's ``ddof``). ``compiled``: the compiled fused
    reduction may run (``_reduce_compiled``), else the NumPy executor's chunks only.
    """
    if kind in _MOMENTS and axis == "first":
        return _var_first_axis(root, kind, correction) if compiled and threads else None
    p = prepare([root])
    entry, _ = CACHE.get(p.circuit)
    return reduce_bound(entry, p.binding, kind, axis, dtype, threads, correction, compiled)


def _var_first_axis(root: Op, kind: str, correction: Any) -> np.ndarray | None:
    """``var``/``std`` over axis 0 of a float expression as NumPy's ``_var`` computes it, in two
    compiled fused passes and no temporary of the expression's size: the column sums (the rows
    folded in order, as NumPy's ``add.reduce`` over axis 0), the mean ``float64(sum) / n``
    rounded to the dtype (its ``true_divide(..., casting="unsafe")``), then the sums of
    ``d * d`` with ``d = expr - mean`` (the mean a broadcast row operand of the second pass),
    then NumPy's division -- bit for bit. None where a pass does not run compiled (not yet
    compiled, other layouts): the caller materializes and asks NumPy."""
    sums = reduce_expr(root, "sum", "first")
    if sums is None:
        return None
    n = root.shape[0]
    mean = np.true_divide(sums, np.intp(n), out=sums, casting="unsafe")
    dev = Op("subtract", (root, Leaf(mean)), root.dtype, root.shape)
    sqdev = reduce_expr(Op("multiply", (dev, dev), root.dtype, root.shape), "sum", "first")
    return None if sqdev is None else _var_from_sqdev(sqdev, n, kind, correction)


def reduce_bound(entry: Any, binding: Any, kind: str, axis: Any, dtype: Any = None,
                 threads: bool = True, correction: float = 0.0, compiled: bool = True) -> np.ndarray:
    """``reduce_expr`` for a circuit already bound to its buffers (a cache ``Entry`` and a
    ``Binding``: compiled functions, ``compiler/trace.py``). ``mean`` included."""
    if kind == "mean":
        acc = np.dtype(np.float64) if entry.circuit.output_dtypes[0].kind in "biu" else None
        total = reduce_bound(entry, binding, "sum", axis, acc, threads, compiled=compiled)
        return _divide(total, binding.shape, axis)
    if axis == "first":
        if not (compiled and threads and kind in COMPILED_KINDS):
            return None
        res = _reduce_compiled(entry, binding, kind, axis, dtype, correction)
        return None if res is _NOT_RUN else res
    if compiled and threads and (kind in COMPILED_KINDS or kind in _MOMENTS):
        res = _reduce_compiled(entry, binding, kind, axis, dtype, correction)
        if res is not _NOT_RUN:
            return res
    return _reduce_chunks(entry, binding, kind, axis, dtype, threads, correction)


#: ``_reduce_compiled``'s answer where the compiled kernel does not apply.
_NOT_RUN = object()
#: Kinds the compiled fused reduction (``backends/numba_reduce.py``) computes.
COMPILED_KINDS = frozenset({"sum", "prod", "min", "max", "any", "all", "argmin", "argmax"})
#: ... over axis 0 (``mean``: a sum, then one division).
FIRST_AXIS_KINDS = COMPILED_KINDS | {"mean"}
#: The ``axis`` argument of ``ReductionKernel`` for each reduction axis spelling.
_KERNEL_AXIS = {None: None, "last": -1, "first": 0}
#: ... and of ``ReductionKernel.compile`` (the entry points it runs).
_MODE = {None: "all", "last": "last", "first": "first"}


def _reduce_other(entry: Any, binding: Any, kind: str, axis: Any, dtype: Any, threads: bool,
                  correction: float) -> Any:
    """The reduction without the compiled kernel: by chunks, or over axis 0 (which the chunks do
    not handle) the expression materialized once and NumPy's reduction of it."""
    if axis != "first":
        return _reduce_chunks(entry, binding, kind, axis, dtype, threads, correction)
    full = np.empty(binding.shape, entry.circuit.output_dtypes[0])
    execute(entry, binding, [full])
    kw = {"dtype": dtype} if dtype is not None else {}
    return getattr(np, kind)(full, axis=0, **kw)


def _reduce_compiled(entry: Any, binding: Any, kind: str, axis: Any, dtype: Any, correction: float) -> Any:
    """The reduction by the circuit's compiled fused reduction kernel, as the element-wise
    driver runs kernels (``materialize.execute``): compiled by the ``config(compile=...)``
    policy (in the background: this call reduces by chunks meanwhile), then whichever of the
    kernel (every thread or one) and the chunked NumPy executor measured faster at this size.
    ``_NOT_RUN`` where it does not apply: an accumulator dtype other than NumPy's default
    (the kernel accumulates in that one), inputs that are not C-contiguous (broadcast ones
    must span one block of the output's axes: a row, a column, ``numba_reduce.flat_block``),
    an unsupported circuit. A floating-point error NumPy would report (warn, raise,
    call) makes the chunked path run again, which reports it as NumPy does."""
    c = entry.circuit
    out_dt = c.output_dtypes[0]
    if out_dt.kind not in "biuf" or out_dt == np.float16:
        return _NOT_RUN
    if kind in _MOMENTS:
        if axis is None:
            base = "moments"  # var / std over all axes: (count, mean, squared deviations)
        elif out_dt.kind == "f":
            base = "sqdev"  # over the last axis: per row NumPy's _var before its division
        else:
            return _NOT_RUN  # (NumPy's float64 accumulation of integers: the chunks')
    elif dtype is not None and np.dtype(dtype) != _numpy_accumulator(kind, out_dt, None):
        return _NOT_RUN
    else:
        base = kind
    shape = binding.shape
    if not all(b.shape == shape and b.flags.c_contiguous for b in binding.buffers):
        from ..backends.numba_reduce import flat_broadcast  # (no Numba import)
        if (flat_broadcast(c, binding.buffers, shape) is None
                or np.broadcast_shapes(*[b.shape for b in binding.buffers]) != shape):
            return _NOT_RUN  # strided inputs, one broadcast between its axes, or buffers that do not
            # span the shape (the kernel reduces the buffers' own broadcast shape): by chunks
    mode = _MODE[axis]
    # one slot per kind and axes: the kernel is shared, the measured costs are not (the
    # alternative over axis 0 materializes; over the others it reduces by chunks)
    slot = jit.reduction_slot(entry.kernels, f"{base}:{mode}")
    variant = f"reduce:{base}:{mode}"
    rk = jit.kernel_for(entry.kernels, c, variant, slot)
    if rk is None:
        if not (jit.numba_installed() and settings.compile == "background"):
            return _NOT_RUN
        # the compiler queued after this call's work, as the element-wise driver does
        res = _NOT_RUN if axis == "first" else _reduce_chunks(entry, binding, kind, axis, dtype,
                                                              not jit.compiling(), correction)
        jit.request(entry.kernels, c, variant, slot)
        return res
    size = math.prod(shape)
    # float sums, products and moments: the kernel's rounding every time once it is ready (the
    # chunks round the last bits differently; NumPy's own are the kernel's for sums)
    exact = base == "moments" or (base in ("sum", "prod") and out_dt.kind == "f")
    choice = jit.choose(entry.kernels, size, slot, kernel_only=exact)
    t0 = time.perf_counter()
    if choice == "numpy":
        res = _reduce_other(entry, binding, kind, axis, dtype, True, correction)
        slot.timing.record("numpy", time.perf_counter() - t0, size)
        return res
    with jit.RUN_LOCK:
        res, flags = rk(binding.buffers, binding.values, _KERNEL_AXIS[axis],
                        threads=1 if choice == jit.NUMBA1 else 0)
    slot.timing.record(choice, time.perf_counter() - t0, size)
    if flags & classmap.active_error_bits():
        return _reduce_other(entry, binding, kind, axis, dtype, True, correction)
    if base == "moments":
        n, _mean, m2 = res
        return _var_from_moments(n, m2, kind, correction, out_dt)
    if base == "sqdev":
        return _var_from_sqdev(res, shape[-1], kind, correction)
    return res


def _var_from_sqdev(ret: np.ndarray, n: int, kind: str, correction: float) -> np.ndarray:
    """NumPy's ``var``/``std`` over one axis of length ``n`` from the sums of squared
    deviations along it (the kernel's ``sqdev`` per row; ``_var_first_axis`` per column):
    ``_var``'s last lines, the same operands and roundings."""
    rcount = np.maximum(np.intp(n) - correction, 0)
    ret = np.true_divide(ret, rcount, out=ret, casting="unsafe")
    return np.sqrt(ret, out=ret) if kind == "std" else ret


def _var_from_moments(n: int, m2: float, kind: str, correction: float, dt: np.dtype) -> Any:
    """NumPy's ``var``/``std`` result (its dtype: the input's for floats, else float64) from
    the float64 count and sum of squared deviations."""
    res_dt = dt if dt.kind == "f" else np.dtype(np.float64)
    res = res_dt.type(m2 / np.maximum(np.intp(n) - correction, 0))
    return res_dt.type(np.sqrt(res)) if kind == "std" else res


def _reduce_chunks(entry: Any, binding: Any, kind: str, axis: Any, dtype: Any = None,
                   threads: bool = True, correction: float = 0.0) -> np.ndarray:
    """The reduction computed chunk by chunk by the NumPy executor (the module docstring)."""
    shape = binding.shape
    out_dt = entry.circuit.output_dtypes[0]
    last = axis == "last"
    reducer = _chunk_reducer(kind, dtype, -1 if last else None, correction)
    # argmax/argmin over all axes need the chunks in C order (flat indices are C-order ones)
    chunks = _chunks(binding.buffers, shape, last, c_order=kind in _ARG)
    if chunks is None:
        return None
    plan = entry.plan
    biggest = chunks[0][1]

    def work(k0: int, k1: int) -> list:
        # one thread's run of chunks: registers, scratch and the output block allocated once
        regs = plan.new_regs(binding.values)
        full_scratch = plan.scratch(biggest, regs)
        full_out = np.empty(biggest, dtype=out_dt)
        res = []
        for k in range(k0, k1):
            ins, cshape = chunks[k]
            m = cshape[0]
            scratch = full_scratch if m == biggest[0] else [x[:m] for x in full_scratch]
            out = full_out if m == biggest[0] else full_out[:m]
            plan.run_block(regs, ins, [out], scratch)
            res.append(reducer(out.reshape(-1, shape[-1])) if last else reducer(out))
        return res

    partials = numpy_exec.map_ranges(work, len(chunks), threads)
    if last:
        res = np.concatenate([np.asarray(x).reshape(-1) for x in partials])
        return res.reshape(shape[:-1])
    if kind in _MOMENTS:
        return _combine_moments(partials, kind, correction)
    if kind in _ARG:
        offsets = [0]
        for _, cshape in chunks[:-1]:
            offsets.append(offsets[-1] + math.prod(cshape))
        vals = np.array([v for _, v in partials], dtype=out_dt)
        k = int(_ARG[kind](vals))  # NumPy's first-occurrence and first-NaN rules, across chunks
        return np.intp(offsets[k] + partials[k][0])
    arr = np.asarray(partials)
    if kind in ("any", "all"):
        return _UFUNC[kind].reduce(arr)
    if kind in ("sum", "prod"):
        return _UFUNC[kind].reduce(arr, dtype=arr.dtype)
    return _UFUNC[kind].reduce(arr)


def _divide(total: Any, shape: tuple, axis: Any) -> Any:
    if total is None:
        return None
    count = shape[-1] if axis == "last" else (shape[0] if axis == "first" else math.prod(shape))
    if isinstance(total, np.ndarray) and total.ndim:
        return np.true_divide(total, count, out=total, casting="unsafe")
    total = np.asarray(total)
    return total.dtype.type(total / count)


def _chunks(buffers: Any, shape: tuple, last: bool, c_order: bool = False) -> list | None:
    """Per chunk: (input views, chunk shape). Flat chunks when every input is C-contiguous with
    the full shape (or F-contiguous, unless ``c_order``: the chunks then follow C order);
    otherwise chunks of whole leading-axis slices of broadcast views."""
    size = math.prod(shape)
    row = shape[-1] if last else 1
    c_flat = all(b.shape == shape and b.flags.c_contiguous for b in buffers)
    f_flat = (not last and not c_order and buffers
              and all(b.shape == shape and b.flags.f_contiguous for b in buffers))
    if c_flat or f_flat:
        step = max(row, (CHUNK // row) * row)
        flat = [b.reshape(-1) if c_flat else b.ravel(order="F") for b in buffers]
        return [([f[lo:min(lo + step, size)] for f in flat], (min(lo + step, size) - lo,))
                for lo in range(0, size, step)]
    inner = math.prod(shape[1:])
    if inner > MAX_ROW or (last and len(shape) == 1):
        return None
    views = [np.broadcast_to(b, shape) for b in buffers]
    if any(v.strides[-1] not in (0, v.itemsize) for v in views):
        return None  # e.g. a transposed input: row chunks would stride through memory
    rows = max(1, CHUNK // max(inner, 1))
    return [([v[lo:lo + rows] for v in views], (min(rows, shape[0] - lo),) + shape[1:])
            for lo in range(0, shape[0], rows)]


# ---- on a GPU -------------------------------------------------------------------------------

#: Fused on the GPU: the circuit's element function is the map of one CuPy reduction kernel.
GPU_KINDS = frozenset({"sum", "prod", "max", "min", "any", "all", "mean"})


def _numpy_accumulator(kind: str, dt: np.dtype, dtype: Any) -> np.dtype:
    """The dtype NumPy's ``sum``/``prod``/``mean`` of ``dt`` accumulates in and returns."""
    if dtype is not None:
        return np.dtype(dtype)
    if kind == "mean":
        return np.dtype(np.float64) if dt.kind in "biu" else dt
    if kind in ("sum", "prod"):
        return np.add.reduce(np.zeros(1, dt)).dtype if kind == "sum" else np.multiply.reduce(np.ones(1, dt)).dtype
    return dt


def reduce_gpu(root: Node, kind: str, axis: Any, dtype: Any, keepdims: bool, backend: str) -> Any:
    """``kind`` of the lazy expression ``root`` on GPU ``backend`` ("cuda:N") in one kernel (the
    expression is never stored), over any axes; a CuPy array, or None when not fused (the caller
    materializes and lets CuPy reduce).

    Exactness: integer, boolean, min/max/any/all results are NumPy's exactly; float sums,
    products and means are tree reductions in the accumulator dtype (NumPy sums pairwise), so
    their last bits can differ, as CuPy's own ``sum`` does. float16 and complex are not fused.
    """
    from numpy.lib.array_utils import normalize_axis_tuple

    from ..backends import gpu_cupy

    if kind not in GPU_KINDS or not isinstance(root, Op) or root.memo is not None:
        return None
    shape = root.shape
    if not shape or math.prod(shape) == 0:
        return None
    try:
        axes = None if axis is None else normalize_axis_tuple(axis, len(shape))
    except Exception:
        return None  # NumPy/CuPy raise their own error for a bad axis
    if dtype is not None and kind not in ("sum", "prod"):
        return None
    acc = _numpy_accumulator(kind, root.dtype, dtype)
    if acc.kind not in "biuf" or acc == np.float16:
        return None
    p = prepare([root], backend)
    c = p.circuit
    if not gpu_cupy.reduction_supported(c, "sum" if kind == "mean" else kind):
        return None
    base = "sum" if kind == "mean" else kind
    with gpu_cupy.device_context(int(backend[5:])):
        if axes is None or len(axes) == len(shape):
            # every axis: our two-stage kernel (CuPy's generic reduction runs one block per output)
            res = gpu_cupy.compile_full_reduction(c, base, acc)(p.binding.buffers, p.binding.values, shape)
            if keepdims:
                res = res.reshape((1,) * len(shape))
        else:
            kernel = gpu_cupy.compile_reduction(c, base, acc)
            res = kernel(p.binding.buffers, p.binding.values, axes, keepdims)
        if kind == "mean":
            count = math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)
            res = res / acc.type(count)
    return res
