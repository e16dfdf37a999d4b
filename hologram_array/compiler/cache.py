"""The circuit cache: one entry per circuit structure, shared by all threads.

An entry holds what is worth keeping between materializations of the same
shape of work: the NumPy executor's plan (register allocation), class-map
tables per parameter values, and -- as backends are added -- their compiled
kernels. Entries are built outside the lock; if two threads race on a new key
the first insert wins and the other's work is dropped (results are identical).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..backends import numpy_exec
from .circuit import Circuit
from .classmap import TableCache


@dataclass
class Entry:
    circuit: Circuit
    plan: numpy_exec.Plan
    kernels: dict[str, Any] = field(default_factory=dict)  # backend name -> compiled kernel
    uses: int = 0


class PlanCache:
    """Fingerprint of a recorded DAG -> (circuit, scalar values, input order): bounded, FIFO.

    Holds no buffers (only shapes, dtypes and scalar values), so it keeps nothing alive.
    """

    def __init__(self, max_entries: int = 2048):
        self.max_entries = max_entries
        self._d: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple | None:
        return self._d.get(key)

    def put(self, key: tuple, plan: tuple) -> None:
        with self._lock:
            if len(self._d) >= self.max_entries:
                self._d.pop(next(iter(self._d)))
            self._d[key] = plan

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def __len__(self) -> int:
        return len(self._d)


class CircuitCache:
    def __init__(self, max_entries: int = 4096):
        self.max_entries = max_entries
        self._d: dict[tuple, Entry] = {}
        #: id(circuit) -> (that circuit, its entry): the identity lookup of ``get`` (it holds
        #: the circuit, so the id cannot be reused while listed; pruned with the entry)
        self._by_id: dict[int, tuple[Circuit, Entry]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.tables = TableCache()
        self.plans = PlanCache()
        #: recorded chain key -> the driver's steady state for it (``materialize.Lane``)
        self.lanes: dict[tuple, Any] = {}

    def peek(self, c: Circuit) -> Entry | None:
        return self._d.get(c.key)

    def get(self, c: Circuit) -> tuple[Entry, bool]:
        """The entry for ``c`` (built on a miss) and whether it was a hit.

        The plan cache hands back the very same Circuit object for repeated work, so it is
        looked up by identity first (``_by_id``): hashing ``c.key``, nested tuples over every
        instruction, is not cached by Python and cost ~0.7 us per materialization."""
        hit = self._by_id.get(id(c))
        if hit is not None and hit[0] is c:
            e = hit[1]
            with self._lock:
                self.hits += 1
                e.uses += 1
            return e, True
        e = self._d.get(c.key)
        if e is not None:
            with self._lock:
                self.hits += 1
                e.uses += 1
                self._remember(c, e)
            return e, True
        new = Entry(c, numpy_exec.Plan(c))
        with self._lock:
            self.misses += 1
            e = self._d.get(c.key)
            if e is None:
                if len(self._d) >= self.max_entries:
                    old = self._d.pop(next(iter(self._d)))  # oldest first
                    self._by_id = {k: v for k, v in self._by_id.items() if v[1] is not old}
                self._d[c.key] = e = new
            self._remember(c, e)
            e.uses += 1
        return e, False

    def count_hit(self, e: Entry) -> None:
        """A use of ``e`` found without ``get`` (``materialize.Lane``), counted as ``get`` would."""
        with self._lock:
            self.hits += 1
            e.uses += 1

    def _remember(self, c: Circuit, e: Entry) -> None:
        """List ``c`` for the identity lookup (with the lock held). Circuits that are built
        anew for every run (a DAG the plan cache cannot key) would fill it: it starts over
        when it outgrows the cache."""
        if len(self._by_id) >= 2 * self.max_entries:
            self._by_id = {}
        self._by_id[id(c)] = (c, e)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._by_id = {}
            self.lanes = {}
            self.hits = self.misses = 0
        self.tables.clear()
        self.plans.clear()

    def stats(self) -> dict[str, int]:
        return {"circuits": len(self._d), "hits": self.hits, "misses": self.misses, "tables": len(self.tables)}

    def __len__(self) -> int:
        return len(self._d)


CACHE = CircuitCache()
