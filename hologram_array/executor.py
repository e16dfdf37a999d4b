"""The executor API: run compiled circuits on buffers you allocate, on the backend you pick.

    from hologram_array.executor import Executor, BackendType

    ex = Executor(BackendType.AUTO)             # or Executor.new(BackendType.CPU)
    a, b, out = ex.allocate_f32(n), ex.allocate_f32(n), ex.allocate_f32(n)
    a.copy_from(range(n)); b.copy_from(np.ones(n))
    ex.run(circuit, [a, b], [out])              # circuit: a CompiledCircuit (or a @compile'd function)
    out.to_numpy()

Backends:

* ``CPU``  -- the CPU driver: class maps, the compiled Numba kernel once ready (compiled in
  the background, or at ``load_circuit`` time), the NumPy executor with threads.
* ``WASM`` -- the NumPy executor on one thread, no compiled kernels: what runs inside a
  WebAssembly host (and the same results anywhere).
* ``CUDA`` -- CuPy buffers and one fused CUDA kernel per circuit step (``backends/gpu_cupy.py``).
  Raises ``BackendUnavailableError`` when CuPy or a GPU is absent.
* ``AUTO`` -- CUDA when available, else WASM inside a WebAssembly host, else CPU.

Buffers are 1-d by default (``allocate(n, dtype)``); ``allocate(shape, dtype)`` takes a shape
too. ``run`` writes every output in place: with buffers allocated once, repeated runs allocate
no output memory.
"""
from __future__ import annotations

import enum
from typing import Any, Sequence

import numpy as np

from . import _devices


class BackendType(enum.Enum):
    CPU = "cpu"
    CUDA = "cuda"
    WASM = "wasm"
    AUTO = "auto"


class BackendUnavailableError(RuntimeError):
    """The requested backend cannot run here (e.g. CUDA without CuPy or a GPU)."""


def cuda_available() -> bool:
    """Whether the CUDA backend can run (CuPy imports and sees a GPU); never raises."""
    try:
        from .backends import gpu_cupy
        return bool(gpu_cupy.available())
    except Exception:
        return False


def _cupy():
    if not cuda_available():
        raise BackendUnavailableError(
            "BackendType.CUDA needs CuPy and an NVIDIA GPU: CuPy is not installed or sees no GPU here "
            "(pip install cupy-cuda12x on a machine with a GPU), or use BackendType.CPU / AUTO")
    import cupy
    return cupy


class Buffer:
    """One array owned by an executor (NumPy memory on CPU/WASM, device memory on CUDA)."""

    __slots__ = ("array", "executor")

    def __init__(self, array: Any, executor: "Executor"):
        self.array = array
        self.executor = executor

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self.array.dtype)

    @property
    def shape(self) -> tuple:
        return tuple(self.array.shape)

    @property
    def size(self) -> int:
        return int(self.array.size)

    @property
    def nbytes(self) -> int:
        return int(self.array.nbytes)

    def __len__(self) -> int:
        return self.shape[0] if self.shape else 1

    def copy_from(self, data: Any) -> "Buffer":
        """Fill from a sequence or an array of the same number of elements (cast as NumPy's
        ``astype``: unsafe casting). Returns self."""
        src = data.to_numpy() if isinstance(data, Buffer) else data
        if not hasattr(src, "__array__") and not hasattr(src, "__cuda_array_interface__"):
            src = np.fromiter(src, dtype=self.dtype) if not isinstance(src, (list, tuple)) else np.asarray(src)
        if self.executor.backend is BackendType.CUDA:
            cp = _cupy()
            src = cp.asarray(src)
        else:
            src = np.asarray(src)
        if src.size != self.size:
            raise ValueError(f"copy_from: {src.size} element(s) into a buffer of {self.size}")
        self.array[...] = src.reshape(self.shape).astype(self.dtype, copy=False)
        return self

    def to_numpy(self) -> np.ndarray:
        """The contents as a NumPy array (on CPU/WASM the buffer's own memory, not a copy)."""
        if self.executor.backend is BackendType.CUDA:
            return self.array.get()
        return self.array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self.to_numpy()
        return a if dtype is None else a.astype(dtype)

    def __repr__(self) -> str:
        return f"Buffer({self.dtype}, shape={self.shape}, backend={self.executor.backend.value})"


_ALLOCATORS = {
    "bool": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
    "f16": np.float16, "f32": np.float32, "f64": np.float64, "c64": np.complex64, "c128": np.complex128,
}


class Executor:
    """Allocates buffers and runs compiled circuits on one backend (see the module doc)."""

    def __init__(self, backend: BackendType | str = BackendType.AUTO):
        if isinstance(backend, str):
            try:
                backend = BackendType(backend.lower())
            except ValueError:
                raise ValueError(f"unknown backend {backend!r}; one of {[b.value for b in BackendType]}") from None
        if not isinstance(backend, BackendType):
            raise TypeError(f"Executor: backend must be a BackendType, got {type(backend).__name__}")
        self.requested = backend
        if backend is BackendType.AUTO:
            if cuda_available():
                backend = BackendType.CUDA
            elif _devices.IN_WASM_HOST:
                backend = BackendType.WASM
            else:
                backend = BackendType.CPU
        if backend is BackendType.CUDA:
            _cupy()  # raises BackendUnavailableError
        self.backend = backend

    @classmethod
    def new(cls, backend: BackendType | str = BackendType.AUTO) -> "Executor":
        return cls(backend)

    def __repr__(self) -> str:
        return f"Executor({self.backend})"

    # -- buffers -------------------------------------------------------------------------
    def allocate(self, n: int | Sequence[int], dtype: Any = np.float32) -> Buffer:
        """A zero-filled buffer of ``n`` elements (or of shape ``n``)."""
        shape = (int(n),) if isinstance(n, (int, np.integer)) else tuple(int(d) for d in n)
        if any(d < 0 for d in shape):
            raise ValueError(f"allocate: negative size {n}")
        dt = np.dtype(dtype)
        if self.backend is BackendType.CUDA:
            return Buffer(_cupy().zeros(shape, dtype=dt), self)
        return Buffer(np.zeros(shape, dtype=dt), self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("allocate_") and name[9:] in _ALLOCATORS:
            dt = _ALLOCATORS[name[9:]]
            return lambda n: self.allocate(n, dt)
        raise AttributeError(name)

    def from_array(self, data: Any, dtype: Any = None) -> Buffer:
        """A new buffer holding a copy of ``data``."""
        a = np.asarray(data, dtype=dtype)
        return self.allocate(a.shape, a.dtype).copy_from(a)

    # -- running -------------------------------------------------------------------------
    def run(self, circuit: Any, inputs: Sequence[Any], outputs: Sequence[Any]) -> Sequence[Any]:
        """Run ``circuit`` (a ``CompiledCircuit`` or a ``@hologram_array.compile`` function) on
        ``inputs`` (Buffers or arrays) into ``outputs`` (Buffers, written in place)."""
        from .compiler.trace import CompiledCircuit, CompiledFunction
        ins = [b.array if isinstance(b, Buffer) else b for b in inputs]
        outs = [b.array if isinstance(b, Buffer) else b for b in outputs]
        for b in list(inputs) + list(outputs):
            if isinstance(b, Buffer) and b.executor.backend is not self.backend:
                raise ValueError(f"run: a {b.executor.backend.value} buffer on a {self.backend.value} executor")
        if isinstance(circuit, CompiledFunction):
            host = [np.empty((0,) * a.ndim, dtype=a.dtype) if not isinstance(a, (int, float, complex, bool)) else a
                    for a in ins]
            circuit = circuit.circuit_for(*host)
        if not isinstance(circuit, CompiledCircuit):
            raise TypeError(f"run: expected a CompiledCircuit, got {type(circuit).__name__}")
        backend = {BackendType.CPU: "auto", BackendType.WASM: "wasm", BackendType.CUDA: "cuda"}[self.backend]
        circuit(*ins, out=outs, backend=backend)
        return outputs


# ---- the CUDA path of CompiledCircuit ------------------------------------------------------


def run_cuda(cc: Any, args: Sequence[Any], out: Any) -> Any:
    """``CompiledCircuit.__call__(..., backend="cuda")``: every step on the GPU (one fused
    kernel per circuit, CuPy reductions); returns CuPy arrays (or ``out``)."""
    cp = _cupy()
    from .backends import gpu_cupy
    from .compiler.circuit import stretched_mask
    from .compiler.trace import _NP_REDUCE, _Runtime, _view
    prog = cc.program
    vals: list[Any] = [None] * len(prog.value_sigs)
    for k, (a, s) in enumerate(zip(args, prog.signature)):
        if s[0] == "array":
            b = cp.asarray(a.array if isinstance(a, Buffer) else a)
            if b.dtype != s[1] or b.ndim != s[2]:
                raise TypeError(f"{cc.name}: argument {k} is {b.dtype}[ndim={b.ndim}], expected {s[1]}[ndim={s[2]}]")
            vals[k] = b
    outs = None if out is None else [o.array if isinstance(o, Buffer) else o
                                     for o in (out if isinstance(out, (list, tuple)) else [out])]

    def bind(step):
        bufs = [_view(vals[r.value], r.perm) for r in step.inputs]
        c = step.circuit
        shape = tuple(np.broadcast_shapes(*[b.shape for b in bufs])) if bufs else ()
        shape = (1,) * (c.out_ndim - len(shape)) + shape
        masks = tuple(stretched_mask(b.shape, shape) for b in bufs)
        if masks != tuple(i.stretched for i in c.inputs):
            from dataclasses import replace
            c = replace(c, inputs=tuple(i._replace(stretched=m) for i, m in zip(c.inputs, masks)))
        values = tuple(np.asarray(cp.asnumpy(vals[p.value]))[()] if type(p) is _Runtime else p for p in step.params)
        try:
            kernel = gpu_cupy.compile_circuit(c)
        except NotImplementedError as e:
            raise BackendUnavailableError(f"BackendType.CUDA cannot run this circuit: {e}") from None
        return kernel, bufs, values, shape, c

    for step in prog.steps:
        if step.kind == "map":
            kernel, bufs, values, shape, c = bind(step)
            targets = []
            for j, v in enumerate(step.results):
                o = None
                if outs is not None:
                    o = next((outs[i] for i, r in enumerate(prog.outputs) if r.value == v), None)
                targets.append(o if o is not None else cp.empty(shape, dtype=c.output_dtypes[j]))
            kernel(bufs, values, targets)
            for v, o in zip(step.results, targets):
                vals[v] = o
        else:
            if step.circuit is None:
                x = _view(vals[step.inputs[0].value], step.inputs[0].perm)
            else:
                kernel, bufs, values, shape, c = bind(step)
                x = cp.empty(shape, dtype=c.output_dtypes[0])
                kernel(bufs, values, [x])
            fn = getattr(cp, _NP_REDUCE[step.reduce].__name__)
            kw = {"dtype": step.dtype} if step.dtype is not None else {}
            res = fn(x, axis=-1 if step.axis == "last" else None, keepdims=step.keepdims, **kw)
            vals[step.results[0]] = res
    results = []
    for j, ref in enumerate(prog.outputs):
        v = _view(vals[ref.value], ref.perm)
        if outs is not None:
            if outs[j] is not v:
                cp.copyto(outs[j], v)
            results.append(out[j] if isinstance(out, (list, tuple)) else out)
        else:
            results.append(v.copy() if ref.perm is not None or ref.value < len(args) else v)
    return tuple(results) if prog.multi else results[0]
