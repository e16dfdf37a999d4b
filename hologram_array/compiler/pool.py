"""A pool of large result buffers, so that repeated work does not pay for page faults.

A fresh 64 MiB ``np.empty`` comes from ``mmap``: the kernel hands out zeroed pages one fault
at a time while the first write touches them. Measured here (16M float32): a copy into fresh
memory 12.5 ms, into memory already touched 5.6 ms; the fused arith10 kernel 11.8 ms vs 7.3 ms.
glibc returns such blocks to the OS on ``free`` (they are above its mmap threshold), so a loop
that computes a new 64 MiB result every iteration pays the faults every iteration -- NumPy
included.

Results of at least ``MIN_BYTES`` are therefore carved from pooled raw blocks: the Array's
buffer is an ordinary ndarray whose ``base`` chain ends at a lease -- a ctypes byte array
placed over the raw block's memory (``from_address``: it owns nothing; NumPy does not collapse
a base chain through a non-ndarray, so the lease lives exactly as long as some view does). When
the last view of the result dies, the lease dies and its weak reference's callback puts the raw
block back into the pool, ready to be reused by the next result of the same byte size. (A
ctypes lease + ``np.frombuffer`` + a weakref callback cost ~1.5 us; an ``__array_interface__``
object + ``weakref.finalize`` cost ~8: the pool is on every large result's path.) The pool holds at most ``max_bytes`` of idle blocks (oldest
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
#: Every pooled result starts on a multiple of this many bytes.
ALIGN = 64


try:
    import ctypes

    (ctypes.c_uint8 * 1)()  # WASI's CPython imports ctypes but raises OSError on first use
except Exception:  # no usable ctypes: large results come from np.empty (no pool)
    ctypes = None

#: nbytes -> the ctypes array type of that many bytes (a lease's type)
_LEASE_TYPES: dict[int, type] = {}


def _lease_type(nbytes: int) -> type:
    t = _LEASE_TYPES.get(nbytes)
    if t is None:
        t = _LEASE_TYPES[nbytes] = ctypes.c_uint8 * nbytes
    return t


class BufferPool:
    def __init__(self, max_bytes: int = 1 << 29):
        self.max_bytes = max_bytes
        #: nbytes -> idle raw blocks, each as (block, its address)
        self._idle: "OrderedDict[int, list[tuple[np.ndarray, int]]]" = OrderedDict()
        self._idle_bytes = 0
        self._lent: dict[int, tuple] = {}  # id(weak ref to a live lease) -> (the ref, block, address)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def pooled(nbytes: int) -> bool:
        """Whether ``empty`` of this many bytes gives a pooled buffer: ``ALIGN``-aligned and,
        being fresh, overlapping no live array (what non-temporal stores need, known here
        without reading its address)."""
        return nbytes >= MIN_BYTES and ctypes is not None

    def empty(self, shape: tuple[int, ...], dtype: Any, order: str = "C") -> np.ndarray:
        """Like ``np.empty(shape, dtype, order=order)``, from the pool when large."""
        if not isinstance(dtype, np.dtype):  # (np.dtype(dtype) costs ~0.1 us)
            dtype = np.dtype(dtype)
        nbytes = (shape[0] if len(shape) == 1 else math.prod(shape)) * dtype.itemsize
        if nbytes < MIN_BYTES or ctypes is None:
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
            # 64-byte aligned (a cache line, an AVX-512 vector): the kernels' non-temporal
            # stores need it (cpu_numba.streams); malloc gives 16
            block = np.empty(nbytes + ALIGN, dtype=np.uint8)
            addr = block.__array_interface__["data"][0]
            raw = (block, addr + (-addr) % ALIGN)
        lease = _lease_type(nbytes).from_address(raw[1])
        ref = weakref.ref(lease, self._lease_died)
        self._lent[id(ref)] = (ref, raw)
        out = np.frombuffer(lease, dtype=dtype)
        return out if len(shape) == 1 else out.reshape(shape, order=order)

    def _lease_died(self, ref: "weakref.ref") -> None:
        entry = self._lent.pop(id(ref), None)
        if entry is not None:
            self._give_back(entry[1])

    def _give_back(self, raw: tuple[np.ndarray, int]) -> None:
        n = raw[0].nbytes - ALIGN
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
