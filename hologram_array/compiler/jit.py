"""Compiled kernels for circuits, without compile stalls.

A circuit's compiled (Numba) kernel is looked up here by the driver. What happens on the first
lookup depends on ``config(compile=...)`` (``HOLOGRAM_COMPILE``):

* ``"background"`` (default) -- the lookup queues the circuit for a daemon thread and returns
  nothing, so this run (and any until the kernel is ready) uses the NumPy executor; nobody
  waits for a compiler. The thread imports Numba itself, so ``import hologram_array`` never does.
* ``"sync"`` -- compile (or load from the disk cache) now, then run compiled.
* ``"never"`` -- NumPy executor only.

Kernels are compiled per *variant* (``contig``: every buffer C-contiguous with the output's
shape; ``contig_nt``: the same loop with non-temporal stores, for results larger than the
caches whose outputs are 64-byte aligned, as pooled results are -- ``contig`` runs it until it is
compiled; ``strided``: anything else), each on first need. A circuit the Numba backend cannot
run exactly as NumPy does (``NotImplementedError``) is remembered as failed, with the reason
(``explain()`` shows it), and runs on the NumPy executor from then on.

Which executor runs a ready kernel's circuit is measured, not guessed: ``Timing`` keeps the
best nanoseconds per element seen for each executor on this circuit and size class, and once
both have been timed there the faster one is used (``choose``). While a background compile is
under way the NumPy executor runs on one thread fewer, leaving the compiler a core. Compiled kernels are called under one lock: Numba's
default threading layer must not be entered from two threads at once, and a kernel already
uses every core.
"""
from __future__ import annotations

import math
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from .. import _config
from .._config import settings
from .circuit import Circuit
from ..backends import cpu_numba
from ..backends.cpu_numba import streamable, streams

NUMBA = "numba"
#: The same compiled kernel run on one thread (``choose``).
NUMBA1 = "numba1"
#: The compiled kernel on every thread writing with non-temporal stores (its ``contig_nt``
#: variant; ``choose`` with ``stream=True``, see ``stream_trial``).
NUMBA_NT = "numba_nt"
#: Times an executor is measured on a circuit before its figure is trusted.
MEASURE_RUNS = 2

#: Whether Numba can be used here, found without importing it (``_config`` asks it too, for
#: the default ``eager_below``).
numba_installed = _config.numba_installed


@dataclass
class Timing:
    """Best observed cost per element of each executor on one circuit (nanoseconds), per size
    class (a factor of 4 in element count): a kernel call's fixed cost makes small sizes look
    slow per element, and that must not decide for large ones."""

    best: dict[tuple[str, int], float] = field(default_factory=dict)
    runs: dict[tuple[str, int], int] = field(default_factory=dict)
    decisions: dict[int, int] = field(default_factory=dict)  # per size class: choices made
    #: (size class, candidates) -> what ``pick`` settled on for the costs then in ``best``
    #: (checked against them on every call): ``(keys, costs, fastest, [(period, slower)])``
    plans: dict[tuple, tuple] = field(default_factory=dict, repr=False)

    @staticmethod
    def bucket(size: int) -> int:
        return max(size, 1).bit_length() // 2

    def record(self, executor: str, seconds: float, size: int) -> None:
        size = max(size, 1)
        ns = seconds * 1e9 / size
        k = (executor, size.bit_length() // 2)
        runs, best = self.runs, self.best
        runs[k] = runs.get(k, 0) + 1
        old = best.get(k)
        if old is None or ns < old:
            best[k] = ns


@dataclass
class KernelSlot:
    """One circuit's compiled kernel and the state of each variant."""

    kernel: Any = None
    #: variant -> "pending" | "ready" | "failed"
    variants: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    timing: Timing = field(default_factory=Timing)
    compile_seconds: float = 0.0


_slots_lock = threading.Lock()
RUN_LOCK = threading.Lock()


def slot_of(kernels: dict, key: Any = NUMBA) -> KernelSlot:
    """The circuit cache entry's Numba slot (created on first use); ``key``: another slot of
    the entry (``reduction_slot``)."""
    s = kernels.get(key)
    if s is None:
        with _slots_lock:
            s = kernels.setdefault(key, KernelSlot())
    return s


def reduction_slot(kernels: dict, kind: str) -> KernelSlot:
    """The circuit cache entry's slot for its fused reduction ``kind`` ("sum:all", ...: the
    reduction and the axes reduced; variants ``"reduce:<kind>:all|last|first"``,
    ``backends/numba_reduce.py``), created on first use."""
    return slot_of(kernels, ("reduce", kind))


def variant_for(circuit: Circuit, buffers: Sequence[Any], outs: Sequence[Any]) -> str:
    """Which compiled variant handles these buffers (``cpu_numba.Kernel``'s own rule)."""
    if circuit.out_ndim == 0:
        return "contig"
    shape = outs[0].shape
    flat = (all(b.shape == shape and b.flags.c_contiguous for b in buffers)
            and all(o.flags.c_contiguous for o in outs))
    if not flat:
        return "strided"
    # a result larger than the caches: the non-temporal-store loop (``cpu_numba.streams``)
    return "contig_nt" if streams(outs, ins=buffers) and _streamable(circuit) else "contig"


def _streamable(circuit: Circuit) -> bool:
    """``streamable(circuit.output_dtypes)``, kept in ``circuit.facts`` (asked on every run)."""
    v = circuit.facts.get("streamable")
    if v is None:
        v = circuit.facts["streamable"] = streamable(circuit.output_dtypes)
    return v


def stream_trial(circuit: Circuit, buffers: Sequence[Any], outs: Sequence[Any]) -> bool:
    """Whether the driver measures non-temporal against ordinary stores for this run: a result
    in the band ``[STREAM_TRY_BYTES, STREAM_MIN_BYTES)`` (at or above it ``variant_for`` already
    says ``contig_nt``) that could take them (contiguous, aligned, not over an input, dtypes
    ``streamable``). The crossover between the two depends on the machine, so it is measured
    per circuit and size class (``choose``), not guessed."""
    if not cpu_numba.STREAMING or circuit.out_ndim == 0:
        return False
    total = sum(o.nbytes for o in outs)
    if not cpu_numba.STREAM_TRY_BYTES <= total < cpu_numba.STREAM_MIN_BYTES or not _streamable(circuit):
        return False
    shape = outs[0].shape
    return (all(b.shape == shape and b.flags.c_contiguous for b in buffers)
            and all(o.flags.c_contiguous for o in outs)
            and streams(outs, ins=buffers, min_bytes=0))


def _prefer_passive_openmp() -> None:
    """Before Numba's OpenMP threading layer starts: threads that sleep rather than spin
    between kernels, unless the user chose otherwise (``OMP_WAIT_POLICY``). Spinning threads
    made a parallel kernel wait ~8 ms whenever another process held the other core (measured:
    1M-element kernel median 8.0 ms spinning vs 0.6 ms passive on a loaded 2-core machine;
    0.28 vs 0.55 ms on a quiet one, but with an 8 ms 90th percentile). Re-measured on the Zen 5
    machine (2026-12-04, 1M-element arith10 materialization, median): quiet, passive 163 us vs
    a bounded spin (GOMP_SPINCOUNT=20000) 104 us -- the sleeping worker's wake-up costs ~60 us;
    with one core busy with another process, passive 157 us vs spinning 322 us (3,000 spins) and
    1,167 us (20,000): passive stays."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _compile(slot: KernelSlot, circuit: Circuit, variant: str, in_child: bool = False) -> None:
    """Compile (or load from the disk cache) one variant; ``in_child``: compile in the worker
    process first (``backends/compile_worker.py``) so this process only loads the result."""
    _prefer_passive_openmp()
    t0 = time.perf_counter()
    try:
        if in_child:
            from ..backends import compile_worker
            reply = compile_worker.compile_in_child(circuit, variant)
            if reply is not None and reply[0] == "error" and reply[1].startswith("NotImplementedError"):
                raise NotImplementedError(reply[1].split(": ", 1)[1])
        from ..backends import cpu_numba
        if variant == "gather":  # ``circuit`` is (n_inputs, table dtype): see gather_for
            from ..backends.compile_worker import warm_gather
            warm_gather(*circuit)
            slot.kernel = cpu_numba.gather
        elif variant.startswith("reduce:"):  # a fused reduction: "reduce:<kind>:<axes>"
            from ..backends import numba_reduce
            _, kind, mode = variant.split(":")
            if slot.kernel is None:
                slot.kernel = numba_reduce.compile_reduction(circuit, kind)
            slot.kernel.compile(mode)
        else:
            if slot.kernel is None:
                slot.kernel = cpu_numba.compile_circuit(circuit)
            slot.kernel.dispatcher(variant)
        slot.variants[variant] = "ready"
    except Exception as e:  # unsupported op/dtype, or a Numba failure: run on NumPy instead
        slot.error = f"{type(e).__name__}: {e}"
        slot.variants[variant] = "failed"
    finally:
        slot.compile_seconds += time.perf_counter() - t0


# ---- the background compiler ------------------------------------------------------------

_jobs: "queue.SimpleQueue[tuple[KernelSlot, Circuit, str]]" = queue.SimpleQueue()
_worker: threading.Thread | None = None
_pending = 0
_pending_cv = threading.Condition()


def _work() -> None:
    global _pending
    while True:
        slot, circuit, variant = _jobs.get()
        try:
            _compile(slot, circuit, variant, in_child=True)
        finally:
            with _pending_cv:
                _pending -= 1
                _pending_cv.notify_all()


def _submit(slot: KernelSlot, circuit: Circuit, variant: str) -> None:
    global _worker, _pending
    with _pending_cv:
        if slot.variants.get(variant) is not None:
            return
        slot.variants[variant] = "pending"
        _pending += 1
        if _worker is None:
            _worker = threading.Thread(target=_work, name="hologram-compile", daemon=True)
            _worker.start()
    _jobs.put((slot, circuit, variant))


def wait_for_kernels(timeout: float | None = None) -> bool:
    """Block until every queued background compile has finished; False on timeout.

    For benchmarks and tests that want the compiled path; normal code never needs it.
    """
    with _pending_cv:
        return _pending_cv.wait_for(lambda: _pending == 0, timeout)


# ---- the driver's questions --------------------------------------------------------------


def kernel_for(kernels: dict, circuit: Circuit, variant: str, slot: KernelSlot | None = None) -> Any:
    """The ready compiled kernel for this circuit and variant, or None (not (yet) compiled).

    In "sync" mode a variant never asked for is compiled now; in "background" mode the caller
    runs on NumPy and then calls ``request`` (after its run, so the compiler thread does not
    compete with it for the GIL). ``slot``: another than the circuit's element-wise one
    (``reduction_slot``).
    """
    mode = settings.compile
    if mode == "never" or not numba_installed():
        return None
    if slot is None:
        slot = slot_of(kernels)
    state = slot.variants.get(variant)
    if state == "ready":
        return slot.kernel
    if state is None:
        if mode == "sync":
            with _pending_cv:  # one compile of a variant, however many threads ask
                if slot.variants.get(variant) is None:
                    slot.variants[variant] = "pending"
                    do_it = True
                else:
                    do_it = False
            if do_it:
                _compile(slot, circuit, variant)
            elif slot.variants.get(variant) == "pending":
                wait_for_kernels()
            return slot.kernel if slot.variants.get(variant) == "ready" else None
    return None


def request(kernels: dict, circuit: Circuit, variant: str, slot: KernelSlot | None = None) -> None:
    """Queue the variant for the background compiler (no-op once asked for)."""
    if settings.compile == "background" and numba_installed():
        if slot is None:
            slot = slot_of(kernels)
        if slot.variants.get(variant) is None:
            _submit(slot, circuit, variant)


_gather_slots: dict[tuple, KernelSlot] = {}


def gather_for(n_inputs: int, dtype: Any) -> Any:
    """The compiled class-map lookup (``cpu_numba.gather``) for ``n_inputs`` byte inputs and
    tables of ``dtype`` when it is ready, else None -- compiled by the same policy as circuits
    (one kernel per input count and table item type, shared by every class map)."""
    mode = settings.compile
    if mode == "never" or not numba_installed():
        return None
    key = (n_inputs, str(dtype))
    slot = slot_of(_gather_slots, key)  # (created on first use)
    state = slot.variants.get("gather")
    if state == "ready":
        return slot.kernel
    if state is None:
        if mode == "sync":
            with _pending_cv:
                first = slot.variants.get("gather") is None
                if first:
                    slot.variants["gather"] = "pending"
            if first:
                _compile(slot, key, "gather")
            return slot.kernel if slot.variants.get("gather") == "ready" else None
        _submit(slot, key, "gather")
    return None


def gather_method() -> str:
    """The class-map lookup ``cpu_numba.gather`` takes here (vbmi, pshufb, scalar), or "none"
    where no kernel may be compiled (``compile="never"``, no Numba) -- Numba is not imported
    for that answer."""
    if settings.compile == "never" or not numba_installed():
        return "none"
    from ..backends import cpu_numba
    return cpu_numba.gather_method()


#: The two ways of writing a lookup's results, measured against each other in the band
#: (``cpu_numba.gather_stream_trial``).
GATHER, GATHER_NT = "gather", "gather_nt"


def gather_timing(n_inputs: int, dtype: Any) -> Timing:
    """The compiled lookup's measured costs (``GATHER`` / ``GATHER_NT`` per size class), shared
    by every class map it serves: a lookup's cost does not depend on the chain it replaced."""
    return slot_of(_gather_slots, (n_inputs, str(dtype))).timing


def gather_state(n_inputs: int, dtype: Any) -> str | None:
    """The compiled lookup's state for explain(): "ready", "pending", "failed" or None."""
    slot = _gather_slots.get((n_inputs, str(dtype)))
    return None if slot is None else slot.variants.get("gather")


#: At most every this many choices for one circuit and size class, the slower executor runs
#: again (its first runs may have been unlucky: threads waking up, another process on the cores).
EXPLORE_EVERY = 32
#: ... and no more often than keeps those re-runs under this share of the time: a slower
#: executor 6x behind (the NumPy executor against arith10's kernel at 16M: 14 vs 2.3 ms) re-ran
#: every 32nd call, +16% on the average call; now every 250th, +2%.
EXPLORE_COST = 0.02


#: The compiled kernel on one thread: measured as a third executor up to this many elements.
#: A parallel call wakes the sleeping worker threads (passive waiting, the library's default),
#: ~60 us on an idle machine -- more than a cheap chain's whole run at 256K elements (one thread
#: 19 us, two 60 us, for x*2; about even at 2M).
SERIAL_MAX = 1 << 21


_threads = cpu_numba.num_threads


def candidates(size: int, stream: bool = False) -> tuple[str, ...]:
    """The executors measured for a circuit at this size: the compiled kernel, the NumPy
    executor, up to ``SERIAL_MAX`` elements the compiled kernel on one thread, and with
    ``stream`` (``stream_trial``) the compiled kernel with non-temporal stores."""
    return _CANDIDATES[size <= SERIAL_MAX and _threads() > 1, stream]


#: ``candidates``' answers, built once (``pick`` keys its plans by them).
_CANDIDATES = {(serial, stream): (NUMBA, "numpy") + ((NUMBA1,) if serial else ()) + ((NUMBA_NT,) if stream else ())
               for serial in (False, True) for stream in (False, True)}


def choose(kernels: dict, size: int, slot: KernelSlot | None = None, kernel_only: bool = False,
           stream: bool = False) -> str:
    """``"numba"``, ``"numba1"`` (the kernel on one thread), ``"numba_nt"`` (with non-temporal
    stores; only with ``stream``) or ``"numpy"`` for a circuit whose kernel is ready: the
    measured fastest at this size class. Each executor runs ``MEASURE_RUNS`` times first
    (compiled first, then round by round: ``pick``). ``slot``: as ``kernel_for``;
    ``kernel_only``: the compiled kernel's executors only (whose results are the same bits)."""
    t = (slot or slot_of(kernels)).timing
    cands = candidates(size, stream)
    if kernel_only:
        cands = tuple(c for c in cands if c != "numpy")
    return pick(t, size, cands)


def pick(t: Timing, size: int, cands: Sequence[str]) -> str:
    """The measured fastest of ``cands`` at this size class (``choose``'s rule, for any set of
    alternatives timed in ``t``: each measured ``MEASURE_RUNS`` times first, round by round --
    interleaved, so that a burst of load or a slow moment of the memory does not fall on one
    candidate's runs only (it did: a 64 MiB result on a shared host chose ordinary over
    non-temporal stores, 5.1 vs 2.9 ms, from two back-to-back runs each); now and then a slower
    one again)."""
    b = max(size, 1).bit_length() // 2  # (Timing.bucket: this runs before every kernel call)
    best = t.best
    plan = t.plans.get((b, cands))
    if plan is not None and tuple(map(best.get, plan[0])) == plan[1]:  # (the costs it was made for)
        tick = t.decisions[b] = t.decisions.get(b, 0) + 1
        for period, slower in plan[3]:
            if tick % period == 0:
                return slower
        return plan[2]
    keys = tuple([(c, b) for c in cands])
    runs = t.runs
    counts = [runs.get(k, 0) for k in keys]
    low = min(counts)
    if low < MEASURE_RUNS:  # round by round: the first candidate with the fewest runs
        return cands[counts.index(low)]
    costs = tuple([best[k] for k in keys])
    ranked = sorted((ns, i, c) for i, (ns, c) in enumerate(zip(costs, cands)))
    # now and then a slower one runs again (a best-of figure only improves), the further
    # behind it is the more rarely: its extra time stays EXPLORE_COST of the calls' time;
    # of those due at a tick, the fastest
    fast = max(ranked[0][0], 1e-9)
    explore = [(max(EXPLORE_EVERY, math.ceil((ns - fast) / fast / EXPLORE_COST)), slower)
               for ns, _, slower in ranked[1:]]
    t.plans[(b, cands)] = plan = (keys, costs, ranked[0][2], explore)
    tick = t.decisions[b] = t.decisions.get(b, 0) + 1
    for period, slower in explore:
        if tick % period == 0:
            return slower
    return plan[2]


def compiling() -> bool:
    """Whether a background compile is under way (the NumPy executor then leaves it a core)."""
    return _pending > 0


def describe(kernels: dict) -> str:
    """One line for ``explain()``: the compiled kernel's state and the measured costs."""
    if settings.compile == "never":
        return "compiled kernel: off (config compile='never')"
    if not numba_installed():
        return "compiled kernel: unavailable (numba is not installed)"
    s = kernels.get(NUMBA)
    if s is None or not s.variants:
        line = (f"compiled kernel: not yet requested (compiled on first run over >= {settings.jit_min} "
                f"elements, {settings.compile})")
    else:
        line = "compiled kernel (numba): " + _slot_state(s)
    reductions = sorted((key[1], slot) for key, slot in list(kernels.items())
                        if isinstance(key, tuple) and key[0] == "reduce" and slot.variants)
    if reductions:
        line += "; fused reductions of it: " + "; ".join(f"{kind}: {_slot_state(slot)}" for kind, slot in reductions)
    return line


def _slot_state(s: KernelSlot) -> str:
    """A slot's variants, its error if any, and the measured costs per executor."""
    line = ", ".join(f"{v} {st}" for v, st in sorted(s.variants.items()))
    if s.error:
        line += f" -- {s.error}"
    if s.timing.best:
        line += "; measured " + ", ".join(f"{ex} {v:.2f} ns/element (~{4 ** b // 2:,}+ elements)"
                                          for (ex, b), v in sorted(s.timing.best.items()))
    return line
