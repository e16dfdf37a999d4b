"""``explain()``: a readable report of what materializing an expression will do.

Shows the ops as recorded, the program after each canonicalization pass, the
fused circuit, whether a class map stands in for it, which backend runs it,
and whether the circuit cache already holds it. Explaining does not run the
circuit (sub-expressions of a smaller shape, which run as circuits of their
own, may be computed; their results are kept).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .._config import settings
from ..backends import numpy_exec
from ..expr.nodes import Node
from . import classmap, jit
from .cache import CACHE, Entry
from .canonicalize import canonicalize
from .circuit import from_program
from .materialize import _evaluate_ahead, use_classmap
from .program import linearize, listing, n_ops


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def explain_nodes(roots: Sequence[Node], backend: str = "cpu") -> str:
    shape = roots[0].shape
    recorded = linearize(list(roots), shape, lambda n: _evaluate_ahead(n, backend))
    trace: list = []
    canon = canonicalize(recorded, trace)
    circuit, binding = from_program(canon)
    entry = CACHE.peek(circuit)
    lines = [f"plan for {len(roots)} output(s) of shape {shape}, dtype "
             + ", ".join(str(dt) for dt in circuit.output_dtypes) + f", device {backend}"]
    lines.append(f"recorded: {n_ops(recorded)} op(s)")
    lines.append(_indent(listing(recorded)))
    lines.append("passes: " + ", ".join(f"{name} -> {n_ops(p)} op(s)" for name, p in trace))
    lines.append(f"circuit after canonicalization: {len(circuit.instrs)} op(s), "
                 f"{len(circuit.inputs)} input(s), {len(circuit.params)} scalar parameter(s)")
    lines.append(_indent(circuit.listing()))
    probe = entry if entry is not None else Entry(circuit, numpy_exec.Plan(circuit))
    use, why = use_classmap(probe, binding)
    if use:
        sizes = classmap.sizes(circuit)
        entries = 1
        for n in sizes:
            entries *= n
        nbytes = sum(entries * np.dtype(dt).itemsize for dt in circuit.output_dtypes)
        lines.append(f"class map: yes -- {'x'.join(map(str, sizes))} table per output, "
                     f"{nbytes:,} bytes ({why})")
    else:
        lines.append(f"class map: no -- {why}")
    threads = 1 if backend == "wasm" else numpy_exec.n_threads()
    numpy_line = (f"numpy executor ({probe.plan.block}-element blocks, up to {threads} thread(s)); "
                  f"scratch registers: {len(probe.plan.slot_dtypes)}")
    size = 1
    for n in shape:
        size *= n
    if use:
        sizes = classmap.sizes(circuit)
        states = {jit.gather_state(len(sizes), dt) for dt in circuit.output_dtypes}
        if (backend == "cpu" and sizes in ((256,), (256, 256)) and size >= settings.jit_min
                and states == {"ready"}):
            lines.append("backend: table lookup (compiled parallel gather: AVX-512 VBMI or AVX2 byte shuffles for byte tables, "
                         "VBMI byte planes for wider ones)")
        else:
            lines.append("backend: table lookup (numpy executor)")
    elif backend != "cpu":
        lines.append(f"backend: {numpy_line}")
    elif size < settings.jit_min:
        lines.append(f"backend: {numpy_line} -- {size} elements < jit_min={settings.jit_min}")
    else:
        slot = probe.kernels.get(jit.NUMBA)
        ready = slot is not None and "ready" in slot.variants.values()
        pick = jit.choose(probe.kernels, size) if ready else "numpy"
        lines.append("backend: " + {jit.NUMBA: "compiled kernel (numba, all cores)",
                                    jit.NUMBA1: "compiled kernel (numba, one thread: waking the others costs more)",
                                    jit.NUMBA_NT: "compiled kernel (numba, all cores, non-temporal stores)",
                                    }.get(pick, numpy_line))
    lines.append(jit.describe(probe.kernels) if backend == "cpu"
                 else f"compiled kernel: none on the {backend} device (NumPy only)")
    lines.append("cache: " + (f"hit (circuit used {entry.uses} time(s))" if entry is not None
                              else "miss (new circuit structure)"))
    return "\n".join(lines)
