"""A separate process that compiles Numba kernels into the disk cache.

Why a process and not just a thread: Numba's compiler is mostly Python and holds the GIL for
long stretches. A compiler *thread* therefore starves the thread that is meanwhile running the
user's work on the NumPy executor, which gives up the GIL in every ufunc call and then waits up
to a switch interval (5 ms) to get it back: measured here, runs of a 16M-element chain went
from 0.1 s to 0.2-0.6 s while a kernel compiled in a thread. In a child process the compile
takes the other core and no GIL; the parent then loads the machine code from Numba's disk
cache in milliseconds.

Protocol (parent <-> child, over the child's stdin/stdout): length-prefixed pickles.
Parent sends ``(circuit, variant, cache_dir or None)`` (variant: ``contig`` / ``strided``,
``gather``, or ``reduce:<kind>:<all|last|first>`` for a fused reduction); child replies ``("ok", seconds)`` or
``("error", "ExceptionClass: message")``. The child exits when its stdin closes (the parent
exited) or after ``IDLE_EXIT`` seconds without work. Only this package's own parent talks to
it; nothing it receives comes from outside the process tree.
"""
from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
from typing import Any

IDLE_EXIT = 300.0
_HDR = struct.Struct("<I")


def _send(f, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(_HDR.pack(len(data)) + data)
    f.flush()


def _recv(f) -> Any:
    hdr = f.read(_HDR.size)
    if len(hdr) < _HDR.size:
        raise EOFError
    (n,) = _HDR.unpack(hdr)
    data = f.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)


# ---- the parent's side ---------------------------------------------------------------------

class _Child:
    def __init__(self) -> None:
        env = dict(os.environ)
        pkg_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hologram_array.backends.compile_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def compile(self, circuit: Any, variant: str) -> tuple[str, Any]:
        # the cache location travels with each job: it is read from the environment per call
        _send(self.proc.stdin, (circuit, variant, os.environ.get("HOLOGRAM_CACHE_DIR")))
        return _recv(self.proc.stdout)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except Exception:
            self.proc.kill()
        self.proc.stdout.close()


def _shutdown() -> None:
    if _child is not None:
        _child.close()


_child: _Child | None = None
_child_lock = threading.Lock()
_disabled = False
atexit.register(_shutdown)


def compile_in_child(circuit: Any, variant: str) -> tuple[str, Any] | None:
    """Compile ``circuit``'s ``variant`` in the worker process (started on first use).

    Returns the child's reply, or None when no child can be used (then compile in-process).
    Blocks the calling thread -- without holding the GIL -- until the child is done.
    """
    global _child, _disabled
    if _disabled:
        return None
    with _child_lock:  # one job at a time: the child is single-threaded
        for _attempt in range(2):
            try:
                if _child is None or not _child.alive():
                    _child = _Child()
                return _child.compile(circuit, variant)
            except (OSError, EOFError, pickle.PickleError):
                _child = None  # died (or idled out) mid-job: start another once
        _disabled = True
        return None


def warm_gather(n_inputs: int, dtype: Any) -> None:
    """Compile (or load from Numba's cache) every path of the class-map lookup kernel for
    ``n_inputs`` byte inputs and tables of ``dtype`` that ``method="auto"`` takes: contiguous
    (for one input, the SIMD lookup ``cpu_numba.gather_method()`` picks -- vbmi, pshufb or
    scalar, ``$HOLOGRAM_GATHER`` included; vbmi byte planes for 2-, 4- and 8-byte tables) and
    strided."""
    import numpy as np

    from hologram_array.backends import cpu_numba

    dt = np.dtype(dtype)
    table = np.zeros(256 ** n_inputs, dt)
    flat = [np.zeros(64, np.uint8) for _ in range(n_inputs)]
    cpu_numba.gather(table, flat, np.empty(64, dt))
    strided = [np.zeros((4, 32), np.uint8)[:, ::2] for _ in range(n_inputs)]
    cpu_numba.gather(table, strided, np.empty((4, 16), dt))


# ---- the child's side ----------------------------------------------------------------------

def _serve() -> None:
    from hologram_array.backends import cpu_numba

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    last = [time.monotonic()]

    def idle_watch() -> None:
        while True:
            time.sleep(10)
            if time.monotonic() - last[0] > IDLE_EXIT:
                os._exit(0)

    threading.Thread(target=idle_watch, daemon=True).start()
    while True:
        try:
            circuit, variant, cache = _recv(stdin)
        except EOFError:
            return
        if cache:
            os.environ["HOLOGRAM_CACHE_DIR"] = cache
        else:
            os.environ.pop("HOLOGRAM_CACHE_DIR", None)
        t0 = time.perf_counter()
        try:
            if variant == "gather":  # circuit: (n_inputs, table dtype) of a class-map lookup
                warm_gather(*circuit)
                reply = ("ok", time.perf_counter() - t0)
            elif variant.startswith("reduce:"):  # a fused reduction: "reduce:<kind>:<axes>"
                from hologram_array.backends import numba_reduce
                _, kind, mode = variant.split(":")
                rk = numba_reduce.compile_reduction(circuit, kind)
                rk.compile(mode)
                reply = ("ok", time.perf_counter() - t0) if rk.disk_cached else ("error", "no disk cache")
            else:
                k = cpu_numba.compile_circuit(circuit)
                k.dispatcher(variant)
                reply = ("ok", time.perf_counter() - t0) if k.disk_cached else ("error", "no disk cache")
        except Exception as e:
            reply = ("error", f"{type(e).__name__}: {e}")
        last[0] = time.monotonic()
        _send(stdout, reply)


if __name__ == "__main__":
    _serve()
