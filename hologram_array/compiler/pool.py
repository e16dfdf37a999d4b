"""A pool of large result buffers, so that repeated work does not pay for page faults.

A fresh 64 MiB ``np.empty`` comes from ``mmap``: the kernel hands out zeroed pages one fault
at a time while the first write touches them. Measured here (16M float32): a copy into fresh
memory 12.5 ms, into memory already touched 5.6 ms; the fused arith10 kernel 11.8 ms vs 7.3 ms.
glibc returns such blocks to the OS on ``free`` (they are above its mmap threshold), so a loop
that computes a new 64 MiB result every iteration pays the faults every iteration -- NumPy
included.

Results of at least ``MIN_BYTES`` are therefore carved from pooled raw blocks: the Array's
buffer is an ordinary ndarray whose ``base`` chain ends, through a lease object
(``_Lease``), lent the raw block's memory. When the last view of the result dies, the lease dies and
a ``weakref.finalize`` puts the raw block back into the pool, ready to be reused by the next
result of the same byte size. The pool holds at most ``max_bytes`` of idle blocks (oldest
dropped first); ``hologram_array.clear_cache()`` frees them, ``cache_info()`` reports them.
Memory of a live result is never reused: reuse starts only after its lease is gone.
"""
from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from typing import Any

import numpy as np

#: Smaller results come from ``np.empty`` (malloc keeps reusing small blocks by itself).
MIN_BYTES = 1 << 22


class _Lease:
    """Lends a raw block's memory through the array interface; it is the ``base`` every view
    of the result ends at (NumPy does not collapse a base chain through a non-ndarray), so its
    death means no view is left."""

    __slots__ = ("__array_interface__", "__weakref__")

    def __init__(self, raw: np.ndarray):
        # bytes: the interface cannot name every dtype (ml_dtypes' bfloat16 reads back as V2)
        self.__array_interface__ = {"data": (raw.__array_interface__["data"][0], False),
                                    "shape": (raw.nbytes,), "typestr": "|u1", "version": 3}


class BufferPool:
    def __init__(self, max_bytes: int = 1 << 29):
        self.max_bytes = max_bytes
        self._idle: "OrderedDict[int, list[np.ndarray]]" = OrderedDict()  # nbytes -> raw blocks
        self._idle_bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def empty(self, shape: tuple[int, ...], dtype: Any, order: str = "C") -> np.ndarray:
        """Like ``np.empty(shape, dtype, order=order)``, from the pool when large."""
        dtype = np.dtype(dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes < MIN_BYTES:
            return np.empty(shape, dtype=dtype, order=order)
        raw = None
        with self._lock:
            blocks = self._idle.get(nbytes)
            if blocks:
                raw = blocks.pop()
                self._idle_bytes -= nbytes
                if not blocks:
                    del self._idle[nbytes]
                self.hits += 1
            else:
                self.misses += 1
        if raw is None:
            raw = np.empty(nbytes, dtype=np.uint8)
        lease = _Lease(raw)
        weakref.finalize(lease, self._give_back, raw)
        return np.asarray(lease).view(dtype).reshape(shape, order=order)

    def _give_back(self, raw: np.ndarray) -> None:
        n = raw.nbytes
        with self._lock:
            self._idle.setdefault(n, []).append(raw)
            self._idle.move_to_end(n)
            self._idle_bytes += n
            while self._idle_bytes > self.max_bytes and self._idle:
                size, blocks = next(iter(self._idle.items()))
                blocks.pop(0)
                self._idle_bytes -= size
                if not blocks:
                    del self._idle[size]

    def clear(self) -> None:
        """Release every idle block to the system."""
        with self._lock:
            self._idle.clear()
            self._idle_bytes = 0

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"idle_bytes": self._idle_bytes, "idle_blocks": sum(len(b) for b in self._idle.values()),
                    "hits": self.hits, "misses": self.misses}


POOL = BufferPool()
