"""The comparison libraries' versions of the benchmark chains: numexpr, a hand-written parallel
Numba loop, JAX ``jit``. Each ``make_*`` returns ``None`` when its package is not installed.

Every peer is called the way its users would: numexpr and JAX allocate their result, the Numba
loop writes into a preallocated ``out`` (its best case: no page faults on a fresh result).
"""
from __future__ import annotations

import importlib.util

import numpy as np

from chains import CHAINS, NUMEXPR_CONSTANTS


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def version(name: str) -> str | None:
    if not installed(name):
        return None
    try:
        from importlib.metadata import version as v
        return v(name)
    except Exception:  # pragma: no cover
        return "?"


# ---- numexpr -------------------------------------------------------------------------------


def make_numexpr(name: str):
    """``fn(a) -> result`` with numexpr (float32 constants, so the result stays float32)."""
    if not installed("numexpr"):
        return None
    import numexpr as ne

    expr = getattr(CHAINS[name], "numexpr", None)
    if not expr:
        return None
    consts = {k: np.float32(v) for k, v in NUMEXPR_CONSTANTS.items()}

    def fn(a):
        return ne.evaluate(expr, local_dict=dict(consts, a=a))
    return fn


# ---- Numba: hand-written parallel loops ----------------------------------------------------

_NUMBA = {}


def _numba_kernels():
    if _NUMBA:
        return _NUMBA
    import math

    from numba import njit, prange

    f32 = np.float32

    @njit(parallel=True, cache=False)
    def arith10(a, out):
        for i in prange(a.shape[0]):
            x = a[i]
            t = abs(x * f32(1.5) + f32(0.25)) * x - f32(0.5)
            t = min(max(t, f32(0.0)), f32(4.0))
            out[i] = t * f32(0.75) + x - f32(1.0)

    @njit(parallel=True, cache=False)
    def transc12(a, out):
        for i in prange(a.shape[0]):
            x = a[i]
            out[i] = (math.tanh(max(x * f32(1.5) + f32(0.25), f32(0.0))) * math.exp(-x * x)
                      + math.sqrt(abs(x)) - f32(0.5))

    @njit(parallel=True, cache=False)
    def copy(a, out):
        for i in prange(a.shape[0]):
            out[i] = a[i]

    from hologram_array.backends.numba_ops import stream_fence, stream_store

    @njit(parallel=True, cache=False)
    def copy_nt(a, out):
        # blocks of 8192 elements (64-byte aligned when out is): the hologram kernels' schedule
        n = a.shape[0]
        for b in prange((n + 8191) // 8192):
            # unsigned indices: no wraparound test, so LLVM widens the store (vmovntps)
            for i in range(np.uint64(b * 8192), np.uint64(min(b * 8192 + 8192, n))):
                stream_store(out, i, a[i])
            stream_fence()

    _NUMBA.update(arith10=arith10, transc12=transc12, copy=copy, copy_nt=copy_nt)
    return _NUMBA


def make_numba(name: str):
    """``fn(a, out)``: the chain as one ``njit(parallel=True)`` prange loop (compiled here)."""
    if not installed("numba"):
        return None
    k = _numba_kernels()[name]
    probe = np.zeros(4, np.float32)
    k(probe, np.empty_like(probe))  # compile now, outside any timing
    return k


def numba_copy():
    if not installed("numba"):
        return None
    k = _numba_kernels()["copy"]
    probe = np.zeros(4, np.float32)
    k(probe, np.empty_like(probe))
    return k


def numba_copy_nt():
    """``fn(a, out)``: the parallel copy with non-temporal stores (``out`` 64-byte aligned), the
    write path hologram's kernels take for results larger than the caches; None where Numba is
    missing or the machine is not x86-64 (ordinary stores there)."""
    if not installed("numba"):
        return None
    from hologram_array.backends import cpu_numba
    if not cpu_numba.STREAMING:
        return None
    k = _numba_kernels()["copy_nt"]
    probe = np.zeros(16, np.float32)
    k(probe, aligned_empty(16, np.float32))
    return k


def aligned_empty(n: int, dtype) -> np.ndarray:
    """``np.empty(n, dtype)`` starting on a 64-byte boundary."""
    dtype = np.dtype(dtype)
    raw = np.empty(n * dtype.itemsize + 64, np.uint8)
    start = (-raw.ctypes.data) % 64
    return raw[start:start + n * dtype.itemsize].view(dtype)


def numba_threads() -> str:
    import numba
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel region has run yet
        layer = numba.config.THREADING_LAYER
    return f"{numba.get_num_threads()} threads, layer {layer}"


# ---- JAX -----------------------------------------------------------------------------------

_JAX = {}


def make_jax(name: str):
    """``(put, fn)``: ``put(a)`` moves the input to the device once, ``fn(ja)`` runs the jitted
    chain and blocks until the result is ready."""
    if not installed("jax"):
        return None
    import jax
    import jax.numpy as jnp

    if not _JAX:
        _JAX["arith10"] = jax.jit(lambda a: jnp.clip(jnp.abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1)
        _JAX["transc12"] = jax.jit(lambda a: jnp.tanh(jnp.maximum(a * 1.5 + 0.25, 0)) * jnp.exp(-a * a)
                                   + jnp.sqrt(jnp.abs(a)) - 0.5)
    f = _JAX[name]

    def run(ja):
        return f(ja).block_until_ready()
    return jax.device_put, run
