"""Class maps: an 8-bit chain, however long, becomes one lookup table.

If every input of a circuit is 8-bit (uint8, int8 or bool) and there are at
most two, the circuit has at most 256 x 256 distinct input combinations. We
evaluate it once over all of them -- with the very executor that would have
run it, so the table is bit-identical to NumPy's evaluation -- and from then on
each element costs one lookup, whatever the chain's length.

Tables depend on the scalar parameters' values, so they are cached per
(circuit key, parameter values), in a byte-bounded LRU beside the circuit.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Sequence

import numpy as np

from .._dtypes import EIGHT_BIT_DOMAIN
from .circuit import Circuit
from .program import scalar_key

MAX_INPUTS = 2


def domain(dtype: np.dtype) -> np.ndarray:
    """Every value of an 8-bit dtype, ordered by bit pattern (so index == bits)."""
    if dtype == np.bool_:
        return np.array([False, True])
    return np.arange(256, dtype=np.uint8).view(dtype)


def eligible(c: Circuit) -> bool:
    """A table can stand for the circuit: 1-2 inputs, all 8-bit, at least one op."""
    return (
        0 < len(c.inputs) <= MAX_INPUTS
        and all(i.dtype in EIGHT_BIT_DOMAIN for i in c.inputs)
        and len(c.instrs) > 0
    )


def sizes(c: Circuit) -> tuple[int, ...]:
    return tuple(EIGHT_BIT_DOMAIN[i.dtype] for i in c.inputs)


def grid_inputs(c: Circuit) -> list[np.ndarray]:
    """The inputs that enumerate every combination: (n,) or (n0, 1) x (1, n1)."""
    doms = [domain(i.dtype) for i in c.inputs]
    if len(doms) == 1:
        return doms
    return [doms[0][:, None], doms[1][None, :]]


def build(c: Circuit, run_program, values: Sequence[Any]) -> list[np.ndarray] | None:
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
        with np.errstate(all="ignore"):
            run_program(ins, values, outs)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return [o.reshape(-1) for o in outs]


class TableCache:
    """Byte-bounded LRU of tables keyed by (circuit key, parameter values)."""

    def __init__(self, max_bytes: int = 64 << 20):
        self.max_bytes = max_bytes
        self._d: OrderedDict[tuple, list | None] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(c: Circuit, values: Sequence[Any]) -> tuple:
        return (c.key, tuple(scalar_key(v, None) for v in values))

    def get(self, k: tuple) -> tuple[bool, list | None]:
        with self._lock:
            if k in self._d:
                self._d.move_to_end(k)
                return True, self._d[k]
            return False, None

    def put(self, k: tuple, tables: list | None) -> None:
        nbytes = sum(t.nbytes for t in tables) if tables else 0
        with self._lock:
            if k in self._d:
                return
            self._d[k] = tables
            self._bytes += nbytes
            while self._bytes > self.max_bytes and len(self._d) > 1:
                _, old = self._d.popitem(last=False)
                self._bytes -= sum(t.nbytes for t in old) if old else 0

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._d)
