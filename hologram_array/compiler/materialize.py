"""The driver: expression DAGs in, buffers out.

    nodes --linearize--> Program --canonicalize--> Program --split--> Circuit + Binding
          --cache--> Entry --choose: class map or direct--> backend --> buffers

Every materialization goes through ``evaluate`` (new buffers) or
``evaluate_into`` (caller's buffers: in-place operators, ``out=``).
"""
from __future__ import annotations

import sys
import time
from sys import getrefcount as _getrefcount
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._config import settings
from ..backends import cpu_numba, numpy_exec
from ..expr import aliasing
from ..expr.nodes import Node, Op
from . import classmap, diskcache, jit
from .cache import CACHE, Entry
from .pool import POOL
from .canonicalize import PeepholeBuilder, remove_dead_code
from .circuit import Binding, Circuit, from_program
from .program import Program, fingerprint, linearize


@dataclass
class Prepared:
    """One circuit ready to run: what explain() reports and execute() needs."""

    recorded: Program
    canonical: Program
    circuit: Circuit
    binding: Binding


def _evaluate_ahead(node: Op, backend: str) -> Any:
    """Materialize a smaller-shaped sub-expression on its own and memoize it."""
    (buf,) = evaluate([node], backend)
    return buf


def prepare(roots: Sequence[Node], backend: str = "cpu") -> Prepared:
    """Linearize with the canonicalization rules applied on the way, then drop dead code.

    The plan cache skips all of that for a DAG seen before (``program.fingerprint``: same
    structure, scalar values, buffer shapes and dtypes): its circuit and scalar values are
    reused and only the buffers are bound -- the front end's cost for repeated work drops from
    hundreds of microseconds to tens.
    """
    shape = roots[0].shape
    chain = getattr(roots[0], "chain", None) if len(roots) == 1 else None
    if chain is not None:
        # an expression over one buffer: its key was built while it was recorded
        # (nodes.Op.chain), so a 64-op uint8 chain is looked up without the walk below (~80 us
        # of its ~1 ms)
        key = ("chain", chain)
        hit = CACHE.plans.get(key)
        if hit is not None:
            circuit, values, input_map = hit
            data = roots[0].leaves[0].data
            return Prepared(None, None, circuit, Binding(tuple([data for _ in input_map]), values, shape))
    fp = fingerprint(list(roots), shape)
    if fp is not None:
        key, bufs = fp
        hit = CACHE.plans.get(key)
        if hit is not None:
            circuit, values, input_map = hit
            return Prepared(None, None, circuit, Binding(tuple([bufs[j] for j in input_map]), values, shape))
    builder = PeepholeBuilder()
    prog = linearize(list(roots), shape, lambda n: _evaluate_ahead(n, backend), builder)
    canon = remove_dead_code(prog)
    circuit, binding = from_program(canon)
    if fp is not None and not builder.folded:
        position = {id(b): j for j, b in enumerate(bufs)}
        input_map = tuple(position[id(b)] for b in binding.buffers)
        CACHE.plans.put(key, (circuit, binding.values, input_map))
        if chain is not None and len(bufs) == 1 and bufs[0] is roots[0].leaves[0].data:
            CACHE.plans.put(("chain", chain), (circuit, binding.values, input_map))
    return Prepared(None, canon, circuit, binding)


def use_classmap(entry: Entry, binding: Binding, backend: str = "cpu") -> tuple[bool, str]:
    """Decide table vs direct; returns (decision, reason) -- the reason shows in explain()."""
    c = entry.circuit
    mode = settings.classmap
    if mode == "never":
        return False, "disabled (config classmap='never')"
    if not classmap.eligible(c):
        return False, "not eligible (needs 1-2 inputs, all 8-bit, or one 16-bit input)"
    if classmap.raising_error_bits():
        return False, "floating-point errors are set to raise: run directly so they do"
    if mode == "always":
        return True, "forced (config classmap='always')"
    if backend == "cpu" and "ready" in jit.slot_of(entry.kernels).variants.values():
        if len(classmap.sizes(c)) == 2:
            return False, "two inputs: the compiled kernel runs instead (measured ~5x faster than a 256x256 table)"
        if _wide_without_planes(c):
            return False, ("wide output without AVX-512 VBMI byte planes: the compiled kernel runs "
                           "instead (measured ~4x faster than a scalar gather)")
    size = 1
    for n in binding.shape:
        size *= n
    table_size = 1
    for n in classmap.sizes(c):
        table_size *= n
    cached, tables = CACHE.tables.get(CACHE.tables.key(c, binding.values))
    if cached:
        return (tables is not None), ("table cached" if tables is not None else "table impossible (cached)")
    # float16/bfloat16: NumPy computes every op in software, so even one op pays for a lookup
    min_ops = 1 if classmap.software_float(c) else settings.classmap_min_ops
    if len(c.instrs) < min_ops:
        return False, f"chain of {len(c.instrs)} op(s) is cheaper to compute directly"
    if size < table_size:
        return False, f"{size} elements < table of {table_size}: building it would cost more"
    return True, f"{len(c.instrs)} ops -> one lookup per element"


def _tables(entry: Entry, binding: Binding) -> "classmap.ClassMap | None":
    c = entry.circuit
    k = CACHE.tables.key(c, binding.values)
    found, tables = CACHE.tables.get(k)
    if not found:
        on_disk = classmap.is_sixteen_bit(c)  # an 8-bit table is cheaper to build than to read
        saved = diskcache.load(k) if on_disk else None
        if saved is not None:
            tables = classmap.ClassMap(*saved)
        else:
            tables = classmap.build(
                c, lambda ins, vals, outs: numpy_exec.run(entry.plan, ins, vals, outs, threads=False),
                binding.values)
            if on_disk and tables is not None:
                diskcache.save(k, tables.tables, tables.error_bits, tables.entry_errors)
        CACHE.tables.put(k, tables)
    return tables


def execute(entry: Entry, binding: Binding, outs: Sequence[Any], backend: str = "cpu") -> None:
    """Run one circuit: class-map lookup, compiled kernel or NumPy executor (in that order)."""
    if backend.startswith("cuda"):
        return _execute_gpu(entry, binding, outs, backend)
    threads = backend != "wasm"
    ok, _ = use_classmap(entry, binding)
    if ok and _direct_beats_table(entry, binding, outs, backend):
        ok = False
    if ok:
        cm = _tables(entry, binding)
        active = classmap.active_error_bits() & cm.error_bits if cm is not None else 0
        if cm is not None and (not active or cm.entry_errors is not None):
            if _gather_compiled(entry, binding, cm, outs, active, backend):
                return
            watch = (cm.entry_errors & active) != 0 if active else None
            plan = numpy_exec.TablePlan(cm.tables, classmap.sizes(entry.circuit), watch)
            numpy_exec.run(plan, binding.buffers, (), outs, threads=threads)
            if plan.watched:
                _warn_like_numpy(entry, binding, cm, active)
            return
    size = _size(binding.shape)
    if backend == "cpu" and size >= settings.jit_min:
        variant = jit.variant_for(entry.circuit, binding.buffers, outs)
        kernel = jit.kernel_for(entry.kernels, entry.circuit, variant)
        if kernel is None and variant == "contig_nt":
            # the ordinary-store loop while the streaming one compiles, or if it cannot
            jit.request(entry.kernels, entry.circuit, variant)
            states = jit.slot_of(entry.kernels).variants
            if states.get(variant) == "failed" or states.get("contig") == "ready":
                variant = "contig"
                kernel = jit.kernel_for(entry.kernels, entry.circuit, variant)
        if kernel is not None:
            timing = jit.slot_of(entry.kernels).timing
            # a result in the measured band: non-temporal stores are a fourth executor, timed
            # like the others once their loop is compiled
            trial = variant == "contig" and jit.stream_trial(entry.circuit, binding.buffers, outs)
            if trial and jit.kernel_for(entry.kernels, entry.circuit, "contig_nt") is None:
                jit.request(entry.kernels, entry.circuit, "contig_nt")
                trial = False
            choice = jit.choose(entry.kernels, size, stream=trial)
            if choice != "numpy":  # the kernel, on every thread or on one (jit.NUMBA1)
                t0 = time.perf_counter()
                with jit.RUN_LOCK:
                    flags = kernel(binding.buffers, binding.values, outs, 1 if choice == jit.NUMBA1 else 0,
                                   stream=(choice == jit.NUMBA_NT) if trial else None)
                timing.record(choice, time.perf_counter() - t0, size)
                _signal_like_numpy(entry, binding, outs, flags)
                return
            t0 = time.perf_counter()
            numpy_exec.run(entry.plan, binding.buffers, binding.values, outs, threads=threads)
            timing.record("numpy", time.perf_counter() - t0, size)
            return
        # a compile in the background: leave it a core (the kernel arrives sooner)
        numpy_exec.run(entry.plan, binding.buffers, binding.values, outs,
                       threads=threads and not jit.compiling())
        jit.request(entry.kernels, entry.circuit, variant)
        return
    numpy_exec.run(entry.plan, binding.buffers, binding.values, outs, threads=threads)


def _execute_gpu(entry: Entry, binding: Binding, outs: Sequence[Any], backend: str) -> None:
    """Run one circuit on a GPU (``backend`` "cuda:N"; buffers and outs are CuPy arrays): the
    class-map kernel (tables built on the host once, copied to the device once, read from
    shared memory) or the circuit's generated CUDA kernel -- one launch either way.

    Floating-point warnings: a GPU has no FP flags, so NumPy's RuntimeWarnings are not issued
    (docs/semantics.md). Where ``np.errstate`` asks for ``raise``/``call``, the inputs are
    re-run on the host after the kernel so the error is raised as NumPy would. An op without
    an exact CUDA template (complex functions NumPy takes from the C library) runs on the host:
    its inputs are copied over and the result copied back."""
    import cupy

    from ..backends import gpu_cupy

    with gpu_cupy.device_context(int(backend[5:])):
        ok, _ = use_classmap(entry, binding, backend)
        if ok:
            cm = _tables(entry, binding)
            if cm is not None:
                cache = cm.__dict__.setdefault("device_tables", {})
                tables = cache.get(backend)
                if tables is None:
                    tables = cache[backend] = [cupy.asarray(t) for t in cm.tables]
                gpu_cupy.compile_classmap(entry.circuit)(binding.buffers, tables, outs)
                return
        try:
            kernel = gpu_cupy.compile_circuit(entry.circuit)
        except NotImplementedError:
            _run_on_host(entry, binding, outs)
            return
        kernel(binding.buffers, binding.values, outs)
        if any(v in ("raise", "call") for v in np.geterr().values()):
            host = [b.get() for b in binding.buffers]
            numpy_exec.run(entry.plan, host, binding.values, [np.empty(o.shape, o.dtype) for o in outs])


def _run_on_host(entry: Entry, binding: Binding, outs: Sequence[Any]) -> None:
    """The NumPy executor on host copies of GPU buffers; results copied into ``outs``."""
    import cupy

    host_outs = [np.empty(o.shape, o.dtype) for o in outs]
    numpy_exec.run(entry.plan, [b.get() for b in binding.buffers], binding.values, host_outs)
    for o, h in zip(outs, host_outs):
        o[...] = cupy.asarray(h)


def _wide_without_planes(c: Any) -> bool:
    """A one-input 8-bit class map with an output wider than a byte, where the byte-plane lookup
    (AVX-512 VBMI) is not available: its table lookup is a scalar gather."""
    if len(classmap.sizes(c)) != 1 or all(d.itemsize == 1 for d in c.output_dtypes):
        return False
    return jit.gather_method() != "vbmi"


def _direct_beats_table(entry: Entry, binding: Binding, outs: Sequence[Any], backend: str) -> bool:
    """Two-input (256x256) class maps: the fused kernel computing the chain measured ~5x faster
    than the table lookup (32M uint8, a 10-op two-input chain, Zen 5: 2.5 ms vs 13.7 ms; the
    65,536-entry table does not stay in L1 and the lookup is a scalar gather), so once the kernel
    is ready it runs instead; until then (a background compile) the table does. The same for a
    one-input map with a wider output where only the scalar gather serves it (17.4 ms vs 4.5 for
    32M float32 results); with AVX-512 VBMI such tables are byte planes, one shuffle each (3.97
    ms), and stay tables, as byte tables do (a register shuffle at copy speed)."""
    if (backend != "cpu" or settings.classmap == "always" or _size(binding.shape) < settings.jit_min):
        return False
    if len(classmap.sizes(entry.circuit)) != 2 and not _wide_without_planes(entry.circuit):
        return False
    variant = jit.variant_for(entry.circuit, binding.buffers, outs)
    if jit.kernel_for(entry.kernels, entry.circuit, variant) is not None:
        return True
    jit.request(entry.kernels, entry.circuit, variant)
    return False


def _gather_compiled(entry: Entry, binding: Binding, cm: "classmap.ClassMap", outs: Sequence[Any],
                     active: int, backend: str) -> bool:
    """Apply an 8-bit class map with the compiled parallel lookup (AVX-512 VBMI or AVX2 byte
    shuffles for byte tables) when it is ready; False to fall back to the NumPy executor's
    lookup."""
    sizes = classmap.sizes(entry.circuit)
    if backend != "cpu" or sizes not in ((256,), (256, 256)) or _size(binding.shape) < settings.jit_min:
        return False
    kernels = [jit.gather_for(len(sizes), t.dtype) for t in cm.tables]
    if any(k is None for k in kernels):
        return False
    # results in the measured band: non-temporal against ordinary stores, timed per table type
    stream, timing = None, None
    if len(outs) == 1 and cpu_numba.gather_stream_trial(binding.buffers, outs):
        timing = jit.gather_timing(len(sizes), cm.tables[0].dtype)
        choice = jit.pick(timing, _size(binding.shape), (jit.GATHER, jit.GATHER_NT))
        stream = choice == jit.GATHER_NT
        t0 = time.perf_counter()
    with jit.RUN_LOCK:
        for k, table, out in zip(kernels, cm.tables, outs):
            k(table, binding.buffers, out, stream=stream)
    if timing is not None:
        timing.record(choice, time.perf_counter() - t0, _size(binding.shape))
    if active and len(sizes) == 1:
        watch = (cm.entry_errors & active) != 0
        if np.take(watch, binding.buffers[0].view(np.uint8)).any():
            _warn_like_numpy(entry, binding, cm, active)
    return True


def _size(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


#: Flag bits a kernel may report when it cannot tell (an older kernel returns None).
_ALL_FP_BITS = sum(classmap.FP_BITS.values())
#: One NumPy operation raising each floating-point error category.
_FP_TRIGGERS = {
    "divide": (np.divide, 1.0, 0.0),
    "over": (np.multiply, 1e308, 10.0),
    "under": (np.multiply, 1e-308, 1e-308),
    "invalid": (np.subtract, np.inf, np.inf),
}


def _signal_like_numpy(entry: Entry, binding: Binding, outs: Sequence[Any], flags: Any) -> None:
    """A compiled kernel reports floating-point error flags; NumPy would have warned, raised
    or called the errstate callback for the categories not ignored. Re-run the NumPy
    executor into scratch buffers so it does exactly that (same messages, same op names) --
    unless an output overwrote an input, in which case each category is signalled once by a
    one-element NumPy operation (same class and errstate handling, another op name)."""
    if not flags:
        if flags is None:
            flags = _ALL_FP_BITS
        else:  # nothing raised (the common case): NumPy's error state need not be read
            return
    active = flags & classmap.active_error_bits()
    if not active:
        return
    if not any(np.may_share_memory(b, o) for b in binding.buffers for o in outs):
        scratch = [np.empty(o.shape, o.dtype) for o in outs]
        numpy_exec.run(entry.plan, binding.buffers, binding.values, scratch)
        return
    for name, bit in classmap.FP_BITS.items():
        if active & bit:
            fn, a, b = _FP_TRIGGERS[name]
            fn(np.array(a), np.array(b))


def _warn_like_numpy(entry: Entry, binding: Binding, cm: "classmap.ClassMap", active: int) -> None:
    """A lookup computes nothing, so NumPy's RuntimeWarnings would be lost: re-run the
    chain on just the distinct input values that raise them, under the caller's errstate."""
    vals = classmap.offending_values(cm, binding.buffers[0], active)
    if vals.size:
        outs = [np.empty(vals.shape, dtype=dt) for dt in entry.circuit.output_dtypes]
        numpy_exec.run(entry.plan, [vals], binding.values, outs, threads=False)


def _run(roots: Sequence[Node], backend: str, outs: Sequence[Any] | None, chain: Any = None) -> list[Any]:
    """Prepare, look up, run. ``chain``: the single root's recorded chain key, offered a
    ``Lane`` after the run."""
    p = prepare(roots, backend)
    entry, _ = CACHE.get(p.circuit)
    if outs is None:
        outs = new_outputs(p, backend)
    else:
        outs = _unalias_inputs(p, outs)
    execute(entry, p.binding, outs, backend)
    if chain is not None and backend == "cpu":
        Lane.offer(chain, entry, p.binding, outs)
    return list(outs)


class Lane:
    """The driver's steady state for one recorded chain: a one-buffer expression (its key,
    ``Op.chain``, fixes the structure, the scalars, the buffer's dtype and shape) whose circuit
    runs its ready compiled kernel over a contiguous buffer, for results below the last-level
    cache's size (``cpu_numba.STREAM_MIN_BYTES``; in the band above ``STREAM_TRY_BYTES`` with
    non-temporal stores measured as the general path measures them).

    Everything ``prepare`` / ``CACHE.get`` / ``new_outputs`` / ``execute`` / ``Kernel.run`` work
    out for such a run is the same every time but the buffer, the executor choice and the
    errors raised; a lane keeps the rest (circuit entry, bound parameters, the kernel's flat
    loop) and re-checks on each run only what could have changed (settings, the buffer's
    layout, the band), else declines and the general path runs. Measured (2026-12-05, Intel
    slice, 64K float32 arith10, median): materialization 50 -> 29 us around a ~13 us kernel.
    The executor is still chosen by ``jit.choose`` on the circuit's timings (the NumPy executor
    included), errors still signalled as NumPy does (``_signal_like_numpy``)."""

    __slots__ = ("entry", "values", "n_inputs", "shape", "dtype", "size", "kernel", "params", "pflags",
                 "band", "stream")

    #: at most this many lanes are kept (``CACHE.lanes``); beyond it they start over
    MAX = 1024

    @staticmethod
    def _band(nbytes: int) -> bool | None:
        """None: too large for a lane; True: in the band where non-temporal stores are
        measured (``jit.stream_trial``); False: below it."""
        if nbytes >= cpu_numba.STREAM_MIN_BYTES:
            return None
        return cpu_numba.STREAMING and nbytes >= cpu_numba.STREAM_TRY_BYTES

    @staticmethod
    def offer(chain: Any, entry: Entry, binding: Binding, outs: Sequence[Any]) -> None:
        """Keep a lane for ``chain`` if this run (just done by the general path) qualifies."""
        c = entry.circuit
        bufs = binding.buffers
        if (len(outs) != 1 or c.out_ndim == 0 or not bufs or len(c.outputs) != 1
                or chain in CACHE.lanes or classmap.eligible(c)):
            return
        data = bufs[0]
        if (type(data) is not np.ndarray or any(b is not data for b in bufs)
                or data.shape != binding.shape or not data.flags.c_contiguous):
            return
        out = outs[0]
        size = _size(binding.shape)
        band = Lane._band(out.nbytes)
        if band is None or size == 0 or size < settings.jit_min or settings.compile == "never":
            return
        slot = jit.slot_of(entry.kernels)
        kernel = slot.kernel
        if slot.variants.get("contig") != "ready" or kernel is None or kernel._any_f16:
            return
        lane = Lane()
        lane.entry, lane.values, lane.n_inputs = entry, binding.values, len(bufs)
        lane.shape, lane.dtype, lane.size = binding.shape, out.dtype, size
        lane.kernel = kernel
        lane.params, lane.pflags = kernel.bind_flags(binding.values)
        # non-temporal stores need an aligned output over no input: a fresh pooled buffer is
        # both, so that is settled here, not on each run (``cpu_numba.streams`` reads addresses)
        lane.band = band
        lane.stream = (band and jit._streamable(c) and POOL.pooled(out.nbytes)
                       and (cpu_numba.BLOCK * out.itemsize) % 64 == 0)
        lanes = CACHE.lanes
        if len(lanes) >= Lane.MAX:
            CACHE.lanes = lanes = {}
        lanes[chain] = lane

    def run(self, root: Op) -> Any:
        """The result buffer of ``root`` (whose chain key found this lane), or None where the
        general path must run (a setting changed, the buffer is not contiguous, the band moved)."""
        size = self.size
        if settings.compile == "never" or size < settings.jit_min:
            return None
        data = root.leaves[0].data
        if type(data) is not np.ndarray or not data.flags.c_contiguous:
            return None
        entry = self.entry
        out = POOL.empty(self.shape, self.dtype)
        if Lane._band(out.nbytes) is not self.band:
            return None  # (tests move it)
        CACHE.count_hit(entry)
        ins = [data] * self.n_inputs
        if data.ndim != 1:  # the flat loop takes flat views (contiguous: no copies)
            flat_ins, flat_out = [data.reshape(-1)] * self.n_inputs, out.reshape(-1)
        else:
            flat_ins, flat_out = ins, out
        # in the band: non-temporal stores are a fourth executor where this output takes them
        # (``offer`` checked it: a fresh pooled buffer is aligned and over no input), as
        # ``jit.stream_trial`` decides on the general path -- once their loop is compiled
        # (asked for here as there)
        trial = self.stream and POOL.pooled(out.nbytes)  # (re-asked: tests move the pool's limit)
        if trial and jit.kernel_for(entry.kernels, entry.circuit, "contig_nt") is None:
            jit.request(entry.kernels, entry.circuit, "contig_nt")
            trial = False
        choice = jit.choose(entry.kernels, size, stream=trial)
        timing = jit.slot_of(entry.kernels).timing
        t0 = time.perf_counter()
        if choice == "numpy":
            numpy_exec.run(entry.plan, ins, self.values, [out], threads=True)
            timing.record("numpy", time.perf_counter() - t0, size)
            return out
        kernel = self.kernel
        with jit.RUN_LOCK:
            fl = kernel.launch("contig_nt" if choice == jit.NUMBA_NT else "contig", flat_ins, self.params, [flat_out],
                               size, cpu_numba.BLOCK, 1 if choice == jit.NUMBA1 else 0)
        timing.record(choice, time.perf_counter() - t0, size)
        flags = kernel.flags_of(fl, self.pflags)
        if flags:
            _signal_like_numpy(entry, Binding(tuple(ins), self.values, self.shape), [out], flags)
        return out


def new_outputs(p: Prepared, backend: str = "cpu") -> list:
    """Output buffers laid out like NumPy's would be: Fortran order when every full-shape input
    is Fortran-contiguous and not C-contiguous (a transposed array), C order otherwise -- so
    the executor streams memory in order instead of striding through it."""
    shape = p.binding.shape
    order = "C"
    if len(shape) > 1:
        full = [b for b in p.binding.buffers if b.shape == shape]
        if full and all(b.flags.f_contiguous and not b.flags.c_contiguous for b in full):
            order = "F"
    if backend.startswith("cuda"):
        import cupy

        from ..backends import gpu_cupy

        with gpu_cupy.device_context(int(backend[5:])):
            return [cupy.empty(shape, dt, order) for dt in p.circuit.output_dtypes]
    return [POOL.empty(shape, dt, order) for dt in p.circuit.output_dtypes]


def _unalias_inputs(p: Prepared, outs: Sequence[Any]) -> Sequence[Any]:
    """An input that overlaps an output without being the very same view is copied first.

    Reading and writing the same element in the same step is safe for
    element-wise work; reading an element another step has already
    overwritten is not (``a[1:] += a[:-1]``). NumPy copies in that case too.
    """
    bufs = list(p.binding.buffers)
    changed = False
    for k, b in enumerate(bufs):
        for o in outs:
            if b is o:
                continue
            same = b.shape == o.shape and b.strides == o.strides and _address(b) == _address(o)
            if not same and np.may_share_memory(b, o):
                bufs[k] = b.copy()
                changed = True
                break
    if changed:
        p.binding = Binding(tuple(bufs), p.binding.values, p.binding.shape)
    return outs


def _address(b: Any) -> int:
    """The address of a buffer's first element (NumPy or CuPy)."""
    ai = getattr(b, "__array_interface__", None)
    return ai["data"][0] if ai is not None else b.data.ptr


def evaluate(roots: Sequence[Node], backend: str = "cpu") -> list[Any]:
    """Materialize ``roots`` into new buffers; memoizes each root node's result.

    Roots of different shapes run as separate circuits (one iteration space each).
    """
    chain = None
    if len(roots) == 1 and backend == "cpu":
        r = roots[0]
        chain = getattr(r, "chain", None)
        if chain is not None:  # a chain run before: its lane, if it has one
            lane = CACHE.lanes.get(chain)
            if lane is not None:
                buf = lane.run(r)
                if buf is not None:
                    if _getrefcount(r) > _LANE_UNSHARED_REFS:
                        set_memo(r, buf)
                    return [buf]
    by_shape: dict[tuple, list[int]] = {}
    for k, r in enumerate(roots):
        by_shape.setdefault(r.shape, []).append(k)
    results: list[Any] = [None] * len(roots)
    for idx in by_shape.values():
        group = [roots[k] for k in idx]
        # Already materialized (memo) roots come back as they are.
        todo = [r for r in group if not (isinstance(r, Op) and r.memo is not None)]
        bufs = _run(todo, backend, None, chain) if todo else []
        it = iter(bufs)
        for k, r in zip(idx, group):
            if isinstance(r, Op) and r.memo is not None:
                results[k] = r.memo
            else:
                results[k] = next(it)
                if isinstance(r, Op) and _getrefcount(r) > _UNSHARED_REFS:
                    set_memo(r, results[k])
    return results


#: A root node's reference count inside ``evaluate`` when nothing but the materializing Array
#: holds it (CPython 3.11: the Array, the caller's list, ``group``, ``todo``, the loop variable,
#: the call's argument ...). Above it another expression (an ``Op.args``) or Array shares the
#: node and its memo saves recomputing it; at or below it the memo would only cost an
#: aliasing registration (~5-13 us after a large kernel). A count that is off either way only
#: costs speed, never a wrong value: without a memo a sharer recomputes the node from its
#: leaves, which value semantics keep unchanged. Other Python versions count differently:
#: there every root keeps its memo (0).
_UNSHARED_REFS = 8 if sys.version_info[:2] == (3, 11) else 0
#: The same count where a ``Lane`` ran the root (fewer references: no grouping lists).
_LANE_UNSHARED_REFS = 5 if sys.version_info[:2] == (3, 11) else 0


def set_memo(node: Op, buf: Any) -> None:
    """Remember ``node``'s value; the memo is dropped if ``buf`` is ever written."""
    node.memo = buf
    aliasing.register((id(aliasing.root_of(buf)),), node)


def evaluate_into(root: Node, out: Any, backend: str = "cpu") -> None:
    """Materialize ``root`` straight into ``out`` (same shape, dtype of the result)."""
    _run([root], backend, [out])
