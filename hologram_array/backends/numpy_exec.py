"""The NumPy executor: runs a circuit block by block with NumPy's ufuncs.

It is the reference backend (every other backend is tested against it), the
WASM backend, and the fallback while a compiled kernel is being built.

Why blocks: a 20-op chain over 10M elements evaluated eagerly allocates 20
full-size temporaries and streams each through memory. Here each op runs over
a cache-sized block (``BLOCK_BYTES`` of the widest register) into reused scratch registers
(``out=``), so extra memory is O(block x live registers), not O(n x ops), and
the data stays in cache between ops. Large arrays are split between threads
(NumPy's ufuncs release the GIL), where threads exist.

Results are bit-identical to eager NumPy: the same ufunc loops run on the same
values; only the iteration is chunked.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..compiler.circuit import Circuit
from ..expr.ops import OPS

if TYPE_CHECKING:  # imported where a pool is made: a WASM host has no threads to pool
    from concurrent.futures import ThreadPoolExecutor

#: Bytes of the widest register per block. Measured (docs/performance.md): 16K-element
#: blocks spent most of their time in per-ufunc-call overhead (and in GIL hand-offs between the
#: two threads): arith10 float32 16M 92 ms vs 25 ms at 512 KiB; uint8 chains gain most.
BLOCK_BYTES = 1 << 19
#: Fewest elements per block, whatever the dtype (and the block of ``TablePlan``-less callers).
BLOCK = 16384


def block_elements(dtypes: Sequence[Any]) -> int:
    """Elements per block for registers of these dtypes."""
    widest = max((np.dtype(d).itemsize for d in dtypes), default=8)
    return max(BLOCK, BLOCK_BYTES // widest)
#: Below this many elements per thread, one thread does it all.
THREAD_MIN = 1 << 17

_HAS_THREADS = sys.platform not in ("emscripten", "wasi")
_pool: "ThreadPoolExecutor | None" = None
_pool_lock = threading.Lock()


_N_THREADS = (max(1, int(os.environ.get("HOLOGRAM_NUM_THREADS", 0) or os.cpu_count() or 1))
              if _HAS_THREADS else 1)


def n_threads() -> int:
    """Threads the executor splits large arrays between (``HOLOGRAM_NUM_THREADS``; 1 in WASM)."""
    return _N_THREADS


def _get_pool() -> "ThreadPoolExecutor":
    global _pool
    with _pool_lock:
        if _pool is None:
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(max_workers=n_threads(), thread_name_prefix="hologram")
        return _pool


class Plan:
    """What the executor precomputes per circuit: functions, scratch slots, output routing.

    Registers: inputs, params, instruction results (the circuit's numbering).
    """

    def __init__(self, c: Circuit):
        self.circuit = c
        self._slot_of_reg: dict[int, tuple[str, int]] = {}
        ni, first = c.n_inputs, c.first_instr_reg
        self.n_inputs = ni
        self.first = first
        n_regs = first + len(c.instrs)
        self.n_regs = n_regs
        last_use = [-1] * n_regs
        for k, ins in enumerate(c.instrs):
            for s in ins.srcs:
                last_use[s] = k
        # The last instruction that reads an input: an output computed earlier
        # must not be written straight into ``out`` (``out`` may alias an input).
        last_input_read = max((k for k, ins in enumerate(c.instrs) if any(s < ni for s in ins.srcs)), default=-1)
        direct: dict[int, int] = {}  # register -> output index it is computed into
        for j, o in enumerate(c.outputs):
            if o >= first and o not in direct and (o - first) >= last_input_read:
                direct[o] = j
        is_output = set(c.outputs)
        self.steps: list[tuple[Any, tuple[int, ...], int, Any]] = []  # (fn, srcs, dst, target)
        free: dict[np.dtype, list[int]] = {}
        self.slot_dtypes: list[np.dtype] = []
        for k, ins in enumerate(c.instrs):
            spec = OPS[ins.op]
            dying = [s for s in set(ins.srcs) if s >= first and last_use[s] == k and s not in is_output]
            if spec.inplace_ok:
                self._release(dying, free)
            if ins.dst in direct:
                target = ("out", direct[ins.dst])
            else:
                pool = free.get(ins.dtype)
                if pool:
                    slot = pool.pop()
                else:
                    slot = len(self.slot_dtypes)
                    self.slot_dtypes.append(ins.dtype)
                target = ("slot", slot)
            self.steps.append((spec.numpy, ins.srcs, ins.dst, target))
            self._slot_of_reg[ins.dst] = target
            if not spec.inplace_ok:
                self._release(dying, free)
        # Outputs not computed straight into ``out``: copied at the end of each block.
        self.copies = [(j, o) for j, o in enumerate(c.outputs) if direct.get(o) != j]
        self.block = block_elements([i.dtype for i in c.inputs] + [i.dtype for i in c.instrs])

    def _release(self, regs: Sequence[int], free: dict) -> None:
        for r in regs:
            t = self._slot_of_reg.get(r)
            if t is not None and t[0] == "slot":
                free.setdefault(self.slot_dtypes[t[1]], []).append(t[1])

    # ---- running ---------------------------------------------------------

    def new_regs(self, values: Sequence[Any]) -> list:
        """Registers for one run. Scalars go to NumPy exactly as recorded (Python scalars
        stay weak): converting them first can change which NumPy loop runs (e.g. a
        strong float16 exponent skips ``power``'s sqrt fast path, and scalar-vs-array
        maximum break signed-zero ties differently)."""
        regs: list[Any] = [None] * self.n_regs
        regs[self.n_inputs:self.first] = values
        return regs

    def scratch(self, shape: Any, regs: list) -> list:
        return [np.empty(shape, dtype=dt) for dt in self.slot_dtypes]

    def run_block(self, regs: list, in_blocks: Sequence[Any], out_blocks: Sequence[Any], scratch: list) -> None:
        ni = self.n_inputs
        regs[:ni] = in_blocks
        for fn, srcs, dst, (kind, idx) in self.steps:
            dst_arr = out_blocks[idx] if kind == "out" else scratch[idx]
            fn(*[regs[s] for s in srcs], out=dst_arr)
            regs[dst] = dst_arr
        for j, o in self.copies:
            np.copyto(out_blocks[j], regs[o], casting="unsafe")


def _is_flat(buf: Any, shape: tuple[int, ...]) -> bool:
    return buf.shape == shape and buf.flags.c_contiguous


def flat_views(buffers: Sequence[Any], outs: Sequence[Any]) -> tuple[list, list] | None:
    """1-D views of every buffer in one shared memory order, when there is one: all C-contiguous
    with the output's shape, or all F-contiguous (e.g. transposed inputs, whose outputs NumPy
    and ``materialize.new_outputs`` lay out the same way). None otherwise."""
    shape = outs[0].shape
    arrays = list(buffers) + list(outs)
    if all(_is_flat(a, shape) for a in arrays):
        return [b.reshape(-1) for b in buffers], [o.reshape(-1) for o in outs]
    if all(a.shape == shape and a.flags.f_contiguous for a in arrays):
        return [b.ravel(order="F") for b in buffers], [o.ravel(order="F") for o in outs]
    return None


class TablePlan:
    """Applies class-map tables: one lookup per element (``np.take``), per output.

    ``tables[j]`` holds output ``j`` for every combination of input values,
    row-major over the inputs' domains (``sizes``), indexed by their bit patterns.
    """

    def __init__(self, tables: Sequence[Any], sizes: Sequence[int], watch: Any = None):
        """``watch``: optional bool table over the same index -- entries whose inputs make
        NumPy raise a floating-point error; ``self.watched`` becomes True when the data holds
        one (checked in the same pass, block by block, while the block is in cache)."""
        self.tables = list(tables)
        self.sizes = tuple(sizes)
        self.watch = watch
        self.watched = False
        # One 8-bit input and 1-byte outputs: ``bytes.translate`` applies a
        # 256-byte table ~1.6x faster than ``np.take`` (measured, 16M uint8).
        self.byte_tables = ([t.tobytes() for t in self.tables]
                            if sizes == (256,) and all(t.itemsize == 1 for t in self.tables) else None)
        self.n_inputs = self.first = self.n_regs = len(sizes)
        self.slot_dtypes = [np.dtype(np.intp)] if len(sizes) == 2 else []
        self.block = block_elements([t.dtype for t in self.tables] + self.slot_dtypes)

    def new_regs(self, values: Sequence[Any]) -> list:
        return [None] * self.n_regs

    def scratch(self, shape: Any, regs: list) -> list:
        return [np.empty(shape, dtype=dt) for dt in self.slot_dtypes]

    def run_block(self, regs: list, in_blocks: Sequence[Any], out_blocks: Sequence[Any], scratch: list) -> None:
        if self.watch is not None and not self.watched and len(in_blocks) == 1:
            bits = in_blocks[0].view(np.uint16 if self.sizes[0] == 65536 else np.uint8)
            if np.take(self.watch, bits).any():
                self.watched = True
        if self.byte_tables is not None:
            src = in_blocks[0].tobytes()
            for table, out in zip(self.byte_tables, out_blocks):
                out[...] = np.frombuffer(src.translate(table), dtype=out.dtype).reshape(out.shape)
            return
        if len(in_blocks) == 1:
            idx = in_blocks[0].view(np.uint16 if self.sizes[0] == 65536 else np.uint8)
        else:
            idx = scratch[0]
            np.copyto(idx, in_blocks[0].view(np.uint8))
            np.multiply(idx, self.sizes[1], out=idx)
            np.add(idx, in_blocks[1].view(np.uint8), out=idx)
        for table, out in zip(self.tables, out_blocks):
            np.take(table, idx, out=out)


def run(plan: Plan | TablePlan, buffers: Sequence[Any], values: Sequence[Any], outs: Sequence[Any],
        threads: bool = True) -> None:
    """Evaluate ``plan`` over ``buffers``/``values`` into the preallocated ``outs``."""
    if not outs:
        return
    shape = outs[0].shape
    size = outs[0].size
    if size == 0:
        return
    regs = plan.new_regs(values)
    block = plan.block
    if size <= block:
        # Fits one block: run on the n-d arrays as they are (ufuncs broadcast).
        plan.run_block(regs, buffers, outs, plan.scratch(shape, regs))
        return
    nthreads = n_threads() if threads else 1
    nthreads = max(1, min(nthreads, size // THREAD_MIN))
    views = flat_views(buffers, outs)
    if views is not None:
        ins, os_ = views
        worker = _flat_worker
    else:
        ins, os_ = list(buffers), list(outs)
        worker = _nditer_worker
    if nthreads == 1:
        worker(plan, list(regs), ins, os_, 0, size)
        return
    # Threads: split the flat index range on block boundaries; each thread has its own registers.
    per = -(-size // nthreads)
    per = -(-per // block) * block
    err = dict(np.geterr(), call=np.geterrcall())  # the errstate callback too, for 'call'

    def task(lo: int, hi: int) -> None:
        with np.errstate(**err):
            worker(plan, list(regs), ins, os_, lo, hi)

    futures = [_get_pool().submit(task, lo, min(lo + per, size)) for lo in range(per, size, per)]
    task(0, min(per, size))
    for f in futures:
        f.result()


def _flat_worker(plan: Plan, regs: list, ins: list, outs: list, lo: int, hi: int) -> None:
    block = plan.block
    cap = min(block, hi - lo)
    full = plan.scratch(cap, regs)
    for s in range(lo, hi, block):
        e = min(s + block, hi)
        scratch = full if e - s == cap else [x[: e - s] for x in full]
        plan.run_block(regs, [b[s:e] for b in ins], [o[s:e] for o in outs], scratch)


def _nditer_worker(plan: Plan, regs: list, ins: list, outs: list, lo: int, hi: int) -> None:
    ops = ins + outs
    # delay_bufalloc + reset(): a ranged, buffered nditer whose range starts above 0
    # otherwise writes its uninitialized first buffer back over the start of a
    # buffered (strided) output -- NumPy's behaviour, seen with in-place writes.
    flags = ["external_loop", "buffered", "zerosize_ok", "ranged", "refs_ok", "delay_bufalloc"]
    op_flags = [["readonly"]] * len(ins) + [["writeonly"]] * len(outs)
    block = plan.block
    it = np.nditer(ops, flags=flags, op_flags=op_flags, buffersize=block, order="C")
    it.iterrange = (lo, hi)
    it.reset()
    full = plan.scratch(block, regs)
    ni = len(ins)
    with it:
        for chunks in it:
            m = chunks[0].shape[0] if chunks else 0
            scratch = full if m == block else [x[:m] for x in full]
            plan.run_block(regs, chunks[:ni], chunks[ni:], scratch)


def map_ranges(fn: Any, n: int, threads: bool = True) -> list:
    """``fn(lo, hi)`` over ``range(n)`` split into one contiguous run per thread; the lists the
    calls return, concatenated in order (deterministic whatever the thread count)."""
    nthreads = min(n_threads() if threads else 1, n)
    if nthreads <= 1:
        return fn(0, n)
    per = -(-n // nthreads)
    err = dict(np.geterr(), call=np.geterrcall())  # the errstate callback too, for 'call'

    def task(lo: int, hi: int) -> list:
        with np.errstate(**err):
            return fn(lo, hi)

    futures = [_get_pool().submit(task, lo, min(lo + per, n)) for lo in range(per, n, per)]
    results = task(0, per)
    for f in futures:
        results += f.result()
    return results
