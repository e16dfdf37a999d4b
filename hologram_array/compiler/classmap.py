"""Class maps: an 8-bit chain, however long, becomes one lookup table.

If every input of a circuit is 8-bit (uint8, int8 or bool) and there are at
most two, the circuit has at most 256 x 256 distinct input combinations; a circuit whose only
input is one 16-bit array (float16, int16, uint16, bfloat16) has 65,536. We
evaluate it once over all of them -- with the very executor that would have
run it, so the table is bit-identical to NumPy's evaluation -- and from then on
each element costs one lookup, whatever the chain's length.

Tables depend on the scalar parameters' values, so they are cached per
(circuit key, parameter values), in a byte-bounded LRU beside the circuit.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._dtypes import EIGHT_BIT_DOMAIN, bfloat16, sixteen_bit_domain
from .circuit import Circuit
from .program import scalar_key

MAX_INPUTS = 2
#: 16-bit tables record floating-point errors per run of this many entries (see ``build``).
ENTRY_GROUP = 64


def domain(dtype: np.dtype) -> np.ndarray:
    """Every bit pattern of an 8- or 16-bit dtype, in order (so index == bits); bool: all
    256 bytes."""
    if dtype in sixteen_bit_domain():
        return np.arange(65536, dtype=np.uint32).astype(np.uint16).view(dtype)
    return np.arange(256, dtype=np.uint8).view(dtype)


def index_dtype(dtype: np.dtype) -> np.dtype:
    """The unsigned view that turns an input's bits into a table index."""
    return np.dtype(np.uint16) if dtype in sixteen_bit_domain() else np.dtype(np.uint8)


def eligible(c: Circuit) -> bool:
    """A table can stand for the circuit: 1-2 inputs, all 8-bit -- or one 16-bit input --
    and at least one op. (Asked on every materialization: kept in ``c.facts``.)"""
    v = c.facts.get("eligible")
    if v is None:
        v = c.facts["eligible"] = _eligible(c)
    return v


def _eligible(c: Circuit) -> bool:
    if not c.instrs:
        return False
    if len(c.inputs) == 1 and c.inputs[0].dtype in sixteen_bit_domain():
        return True
    return 0 < len(c.inputs) <= MAX_INPUTS and all(i.dtype in EIGHT_BIT_DOMAIN for i in c.inputs)


def is_sixteen_bit(c: Circuit) -> bool:
    return len(c.inputs) == 1 and c.inputs[0].dtype in sixteen_bit_domain()


def software_float(c: Circuit) -> bool:
    """One float16/bfloat16 input: NumPy runs such chains in software, op by op."""
    return is_sixteen_bit(c) and c.inputs[0].dtype in (np.dtype(np.float16), bfloat16())


def sizes(c: Circuit) -> tuple[int, ...]:
    return tuple(EIGHT_BIT_DOMAIN.get(i.dtype) or sixteen_bit_domain()[i.dtype] for i in c.inputs)


def grid_inputs(c: Circuit) -> list[np.ndarray]:
    """The inputs that enumerate every combination: (n,) or (n0, 1) x (1, n1)."""
    doms = [domain(i.dtype) for i in c.inputs]
    if len(doms) == 1:
        return doms
    return [doms[0][:, None], doms[1][None, :]]


#: NumPy's floating-point error categories, as the bits its error callback receives.
FP_BITS = {"divide": 1, "over": 2, "under": 4, "invalid": 8}


@dataclass
class ClassMap:
    """The tables of one circuit for one set of parameter values.

    ``error_bits``: floating-point error categories (``FP_BITS``) that some
    input combination raises. ``entry_errors`` (one-input maps): those bits per
    table entry, so a lookup can tell whether the actual data would have made
    NumPy warn -- and then warn exactly as NumPy does.
    """

    tables: list[np.ndarray]
    error_bits: int = 0
    entry_errors: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        return sum(t.nbytes for t in self.tables)


def _errors_of(run_program, ins, values, outs) -> int:
    bits = [0]

    def note(kind: str, flag: int) -> None:
        bits[0] |= flag

    with np.errstate(all="call", call=note):
        run_program(ins, values, outs)
    return bits[0]


def build(c: Circuit, run_program, values: Sequence[Any]) -> ClassMap | None:
    """Evaluate ``c`` over every input combination; one flat table per output.

    ``run_program(inputs, values, outs)`` is the reference executor. Returns
    None when the chain cannot be tabulated (it raises on some input value
    that the real data may not contain, e.g. an integer power with a negative
    exponent): the caller then runs the chain directly.
    """
    ins = grid_inputs(c)
    shape = np.broadcast_shapes(*(x.shape for x in ins))
    outs = [np.empty(shape, dtype=dt) for dt in c.output_dtypes]
    try:
        bits = _errors_of(run_program, ins, values, outs)
        per_entry = None
        if bits and len(ins) == 1:
            # Which entries raise what: per entry for 256, per run of ENTRY_GROUP entries for
            # 65,536 (a superset: the warning re-run evaluates the actual values again).
            dom = ins[0]
            n = dom.shape[0]
            step = 1 if n <= 256 else ENTRY_GROUP
            per_entry = np.zeros(n, dtype=np.uint8)
            scratch = [np.empty(step, dtype=dt) for dt in c.output_dtypes]
            for i in range(0, n, step):
                per_entry[i:i + step] = _errors_of(run_program, [dom[i:i + step]], values, scratch)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return ClassMap([o.reshape(-1) for o in outs], bits, per_entry)


try:  # NumPy 2: the error state is a context variable whose value is replaced on every change
    from numpy._core._ufunc_config import _extobj_contextvar as _EXTOBJ
except ImportError:  # pragma: no cover - another NumPy: ask np.geterr() every time
    _EXTOBJ = None
#: (the error-state object the figures below were computed for, active bits, raising bits),
#: replaced as a whole (threads read a consistent triple)
_err_cache: tuple = (None, 0, 0)


def _error_state() -> tuple[int, int]:
    """(categories not ignored, categories set to raise/call/log) of NumPy's current error
    state. Every kernel run with a flag asks (np.geterr builds a dict: ~10 us with the caches
    cold after a large kernel); the answer is cached against the state object itself, which
    NumPy replaces whenever the state changes (errstate, seterr) -- a reference is kept, so its
    identity cannot be reused."""
    global _err_cache
    obj = _EXTOBJ.get() if _EXTOBJ is not None else None
    c = _err_cache
    if obj is not None and obj is c[0]:
        return c[1], c[2]
    err = np.geterr()
    active = sum(FP_BITS[k] for k, v in err.items() if v != "ignore")
    raising = sum(FP_BITS[k] for k, v in err.items() if v in ("raise", "call", "log"))
    if obj is not None:
        _err_cache = (obj, active, raising)
    return active, raising


def active_error_bits() -> int:
    """Categories NumPy's current error state does not ignore."""
    return _error_state()[0]


def raising_error_bits() -> int:
    """Categories NumPy's current error state raises for (or calls/logs)."""
    return _error_state()[1]


def offending_values(cm: ClassMap, buf: np.ndarray, active: int) -> np.ndarray:
    """The distinct input values present in ``buf`` whose entries raise an active FP error."""
    bad = np.flatnonzero(cm.entry_errors & active)
    if bad.size == 0:
        return bad
    bits = buf.view(index_dtype(buf.dtype))
    hit = np.isin(bits, bad)
    if not hit.any():
        return bad[:0]
    return np.unique(bits[hit]).view(buf.dtype)


class TableCache:
    """Byte-bounded LRU of tables keyed by (circuit key, parameter values)."""

    def __init__(self, max_bytes: int = 64 << 20):
        self.max_bytes = max_bytes
        self._d: OrderedDict[tuple, ClassMap | None] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(c: Circuit, values: Sequence[Any]) -> tuple:
        return (c.key, tuple(scalar_key(v, None) for v in values))

    def get(self, k: tuple) -> tuple[bool, ClassMap | None]:
        with self._lock:
            if k in self._d:
                self._d.move_to_end(k)
                return True, self._d[k]
            return False, None

    def put(self, k: tuple, tables: ClassMap | None) -> None:
        nbytes = tables.nbytes if tables else 0
        with self._lock:
            if k in self._d:
                return
            self._d[k] = tables
            self._bytes += nbytes
            while self._bytes > self.max_bytes and len(self._d) > 1:
                _, old = self._d.popitem(last=False)
                self._bytes -= old.nbytes if old else 0

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._d)
