"""Fused reductions: ``sum(a*b + c)`` without ever holding ``a*b + c``.

The element-wise expression is computed chunk by chunk (``CHUNK`` elements, in cache) by the
NumPy executor, each chunk is reduced at once, and the per-chunk partial results are combined.
Extra memory is one chunk per thread instead of a full-size temporary per op; chunks are split
between threads.

Supported: ``sum``, ``prod``, ``max``, ``min``, ``any``, ``all``, ``mean`` over all axes
(``axis=None``) or the last axis, for outputs of at least ``FUSE_MIN`` elements. Anything else
(other axes, float16 accumulators, rows longer than ``MAX_ROW``) returns None and the caller
materializes the expression and asks NumPy, as before.

Exactness: integer, boolean, min/max/any/all results are NumPy's exactly (those reductions do
not depend on order). Last-axis float sums/products are NumPy's bit for bit too: each row is
reduced whole by the same NumPy loop. Float ``sum``/``prod``/``mean`` over all axes reduce each
chunk with NumPy's pairwise summation and then the partials pairwise: the same accuracy class
as NumPy's, but the rounding of the last bits may differ from ``np.sum`` of the materialized
array (as NumPy's own result differs between memory layouts).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..backends import numpy_exec
from ..expr.nodes import Node, Op
from .cache import CACHE
from .materialize import prepare

#: Elements computed per chunk (a multiple of the executor's block).
CHUNK = 65536  # 256 KiB per float32 register: L2-resident; per-op overhead amortized
#: Below this many elements the expression is simply materialized.
FUSE_MIN = 2 * CHUNK
#: Longest row a last-axis reduction fuses (one row must fit a chunk's scratch).
MAX_ROW = 16 * CHUNK

_UFUNC = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum,
          "any": np.logical_or, "all": np.logical_and}


def _chunk_reducer(kind: str, dtype: Any, axis: int | None) -> Callable:
    uf = _UFUNC[kind]
    if kind in ("any", "all"):
        return lambda block: uf.reduce(block.astype(bool, copy=False), axis=axis)
    if kind in ("sum", "prod"):
        return lambda block: uf.reduce(block, axis=axis, dtype=dtype)
    return lambda block: uf.reduce(block, axis=axis)


def supported(root: Node, kind: str, axis: Any) -> bool:
    if not isinstance(root, Op) or root.memo is not None or kind not in _UFUNC and kind != "mean":
        return False
    shape = root.shape
    if len(shape) == 0 or math.prod(shape) < FUSE_MIN:
        return False
    if root.dtype == np.float16:
        return False  # NumPy accumulates float16 in float32 internally: keep its exact result
    if axis == "last":
        return shape[-1] <= MAX_ROW and shape[-1] > 0
    return axis is None


def reduce_expr(root: Op, kind: str, axis: Any, dtype: Any = None, threads: bool = True) -> np.ndarray:
    """Reduce the value of ``root`` (see ``supported``); returns a NumPy array/scalar result.

    ``axis``: None (all axes) or "last". ``dtype``: the accumulator/result dtype of
    ``sum``/``prod`` (None: NumPy's default for the input dtype). ``threads``: False keeps
    the work on the calling thread (the wasm device).
    """
    if kind == "mean":
        return _mean(root, axis, threads)
    p = prepare([root])
    entry, _ = CACHE.get(p.circuit)
    return reduce_bound(entry, p.binding, kind, axis, dtype, threads)


def reduce_bound(entry: Any, binding: Any, kind: str, axis: Any, dtype: Any = None,
                 threads: bool = True) -> np.ndarray:
    """``reduce_expr`` for a circuit already bound to its buffers (a cache ``Entry`` and a
    ``Binding``: compiled functions, ``compiler/trace.py``). ``mean`` included."""
    if kind == "mean":
        acc = np.dtype(np.float64) if entry.circuit.output_dtypes[0].kind in "biu" else None
        total = reduce_bound(entry, binding, "sum", axis, acc, threads)
        return _divide(total, binding.shape, axis)
    shape = binding.shape
    out_dt = entry.circuit.output_dtypes[0]
    last = axis == "last"
    reducer = _chunk_reducer(kind, dtype, -1 if last else None)
    chunks = _chunks(binding.buffers, shape, last)
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
    arr = np.asarray(partials)
    if kind in ("any", "all"):
        return _UFUNC[kind].reduce(arr)
    if kind in ("sum", "prod"):
        return _UFUNC[kind].reduce(arr, dtype=arr.dtype)
    return _UFUNC[kind].reduce(arr)


def _mean(root: Op, axis: Any, threads: bool = True) -> np.ndarray:
    """NumPy's ``_mean``: sum (float64 for integers and bools), then one true division."""
    acc = np.dtype(np.float64) if root.dtype.kind in "biu" else None
    total = reduce_expr(root, "sum", axis, acc, threads)
    return _divide(total, root.shape, axis)


def _divide(total: Any, shape: tuple, axis: Any) -> Any:
    if total is None:
        return None
    count = shape[-1] if axis == "last" else math.prod(shape)
    if isinstance(total, np.ndarray) and total.ndim:
        return np.true_divide(total, count, out=total, casting="unsafe")
    total = np.asarray(total)
    return total.dtype.type(total / count)


def _chunks(buffers: Any, shape: tuple, last: bool) -> list | None:
    """Per chunk: (input views, chunk shape). Flat chunks when every input is C-contiguous with
    the full shape; otherwise chunks of whole leading-axis slices of broadcast views."""
    size = math.prod(shape)
    row = shape[-1] if last else 1
    c_flat = all(b.shape == shape and b.flags.c_contiguous for b in buffers)
    f_flat = not last and buffers and all(b.shape == shape and b.flags.f_contiguous for b in buffers)
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
