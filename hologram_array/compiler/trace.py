"""``@hologram_array.compile``: trace a function of arrays once per dtype/ndim signature.

Tracing
-------
The decorated function is called with *placeholder* Arrays. A placeholder is a lazy Array
whose expression is an identity cast of a ``Leaf`` over a ``SymBuf``: a stand-in buffer that
has a dtype and a *symbolic* shape (every axis has the same small extent) and no values.
Everything the recording layer does to element-wise work (NEP 50 dtypes from NumPy's own
type resolution, broadcasting, ``where``/``astype``/``clip``, NumPy ufuncs on Arrays,
transposes -- which move to the leaves as views) then happens exactly as in eager use, and
nothing is ever computed: the identity cast keeps the recording layer's small-array eager
shortcut away (it only fires when every operand is concrete), and any attempt to read values
(indexing, ``reshape``, ``float(x)``, ``if x > 0:``, ``np.asarray(x)``, a reduction over
another axis ...) reaches the ``SymBuf``, which raises ``TraceError`` naming the operation and
the line of the traced function. The function is traced twice, with two different symbolic
extents: a function whose program depends on the sizes (``x.shape[0]``, ``len(x)``) is
refused instead of silently baking one size in.

Reductions (``sum``, ``prod``, ``min``, ``max``, ``mean``, ``any``, ``all`` over ``axis=None``
or the last axis, ``keepdims``, ``dtype=``) are intercepted by a hook in
``_nonelementwise.fused_reduction``; their result is a new symbolic value, so element-wise work
may continue on it (``x - hx.mean(x, axis=-1, keepdims=True)``). A 0-d symbolic value (an
``axis=None`` reduction, a 0-d array argument) becomes a *runtime* strong scalar parameter of
the circuits that read it.

The result is a ``TracedProgram``: a list of *steps* -- ``map`` (one circuit, its outputs are
results of the function) and ``reduce`` (one circuit computed chunk by chunk and reduced, or a
reduction of an argument directly) -- each circuit linearized with the canonicalization rules
applied (``PeepholeBuilder``, as every materialization), plus the recorded program before
canonicalization for ``explain()``. Python scalars in the function (literals, closure
values, scalar arguments) are parameters whose values are baked in; scalar *arguments* are
part of the signature (a new value traces again).

Running
-------
``CompiledCircuit(*arrays, out=..., backend=...)`` binds the arrays to the steps' circuits --
no linearization, no canonicalization, no cache lookups of the front end -- and runs each
through the same driver as a materialization (``materialize.execute``: class maps, the
compiled Numba kernel once ready, the NumPy executor), or through one executor by name
(``backend="numpy" | "numba" | "wasm" | "cuda"``). With ``out=`` the results are written into
the caller's buffers: a map step allocates no output. Input broadcasting is NumPy's, checked
at every call; the circuit is re-specialised (cheaply, no retrace) when an input's broadcast
pattern differs from the traced one.
"""
from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .. import _devices, _nonelementwise
from .._array import Array
from ..backends import numpy_exec
from ..expr import aliasing
from ..expr.nodes import Const, Leaf, Node, Op
from . import classmap, jit
from . import materialize as _mat
from . import reduce as _reduce
from .cache import CACHE, Entry
from .canonicalize import PeepholeBuilder, remove_dead_code
from .circuit import Binding, Circuit, from_program, stretched_mask
from .program import In, Param, Program, _Builder, listing, n_ops, scalar_key

__all__ = ["TraceError", "CompiledCircuit", "CompiledFunction", "compile", "load_circuit"]

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The two symbolic extents a function is traced with (must differ, both > 1).
SYMBOLIC_EXTENTS = (5, 7)
REDUCTIONS = ("sum", "prod", "min", "max", "mean", "any", "all")
_NP_REDUCE = {"sum": np.sum, "prod": np.prod, "min": np.min, "max": np.max, "mean": np.mean,
              "any": np.any, "all": np.all}
BACKENDS = ("auto", "cpu", "numpy", "numba", "wasm", "cuda")


class TraceError(TypeError):
    """A traced function used an operation that cannot be compiled (the message says which)."""


# ---- tracing state -----------------------------------------------------------------------

_state = threading.local()


def _tracing() -> "_Trace | None":
    return getattr(_state, "trace", None)


def _user_site() -> tuple[str, str]:
    """(the library function that was called, "file:line: code") of the innermost frame of
    user code that led here."""
    f = sys._getframe(2)
    inner = None
    while f is not None:
        fn = os.path.abspath(f.f_code.co_filename)
        ours = fn.startswith(_PKG_DIR) or (os.sep + "numpy" + os.sep) in fn
        if not ours:
            import linecache
            line = linecache.getline(f.f_code.co_filename, f.f_lineno).strip()
            site = f"{f.f_code.co_filename}:{f.f_lineno}" + (f": `{line}`" if line else "")
            if inner is None:
                return "", site
            mod = os.path.relpath(os.path.abspath(inner.f_code.co_filename), os.path.dirname(_PKG_DIR))
            name = getattr(inner.f_code, "co_qualname", inner.f_code.co_name)
            if mod.startswith("hologram_array"):
                mod = mod[:-3].replace(os.sep, ".") if mod.endswith(".py") else mod
                pub = "hologram_array" if mod.split(".")[-1].startswith("_") else mod
                return f"{pub}.{name}", site
            return name, site
        if fn.startswith(_PKG_DIR):
            inner = f
        f = f.f_back
    return "", "?"


_ALLOWED = ("element-wise operations and functions, where, astype, clip, reductions "
            "(sum/prod/min/max/mean/any/all over axis=None or the last axis) and transposes "
            "(permute_dims, .T, .mT)")


def _needs_values(what: str) -> TraceError:
    tr = _tracing()
    if tr is not None:
        tr.violation = True
    entry, site = _user_site()
    if entry.endswith("Array._lazy"):
        return TraceError(
            f"the traced expression grew beyond config(max_depth=..., max_nodes=...) (at {site}); "
            f"raise those limits while compiling")
    name = entry or what
    detail = f"; {what}" if not entry else ""
    return TraceError(
        f"{name} needs the values of a traced array (at {site}{detail}). A compiled function is "
        f"traced once per dtype/ndim signature with symbolic arrays that have no values: it may "
        f"use {_ALLOWED}, but no indexing, reshapes, other axes, conversions to Python or NumPy "
        f"values or value-dependent Python control flow")


class SymBuf:
    """A stand-in buffer: dtype and symbolic shape, no values (see the module doc).

    ``src``: which symbolic value (argument or reduction result) it stands for; ``perm``:
    the view of it (left-pad with 1s to ``len(perm)`` axes, then transpose), None for as-is.
    """

    __slots__ = ("src", "perm", "dtype", "shape")
    base = None  # a root of its own (value semantics never see it written)

    def __init__(self, src: int, dtype: np.dtype, shape: tuple, perm: tuple | None = None):
        self.src = src
        self.dtype = np.dtype(dtype)
        self.shape = tuple(shape)
        self.perm = perm

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def reshape(self, shape: Any, *a: Any, **k: Any) -> "SymBuf":
        shape = tuple(shape) if not isinstance(shape, int) else (shape,)
        pad = len(shape) - self.ndim
        if a or k or pad < 0 or shape != (1,) * pad + self.shape:
            raise _needs_values("reshape")
        base = self.perm if self.perm is not None else tuple(range(self.ndim))
        # padding a view = padding its source and shifting the permutation
        perm = tuple(range(pad)) + tuple(p + pad for p in base)
        return SymBuf(self.src, self.dtype, shape, perm)

    def transpose(self, *axes: Any) -> "SymBuf":
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not axes:
            axes = tuple(reversed(range(self.ndim)))
        axes = tuple(int(a) for a in axes)
        base = self.perm if self.perm is not None else tuple(range(self.ndim))
        return SymBuf(self.src, self.dtype, tuple(self.shape[a] for a in axes), tuple(base[a] for a in axes))

    @property
    def key(self) -> tuple:
        return (self.src, self.perm)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise _needs_values(f"attribute {name!r}")

    def __array__(self, *a: Any, **k: Any) -> Any:
        raise _needs_values("conversion to a NumPy array")

    def __array_ufunc__(self, ufunc: Any, method: str, *a: Any, **k: Any) -> Any:
        raise _needs_values(f"numpy.{ufunc.__name__}")

    def __array_function__(self, func: Any, types: Any, a: Any, k: Any) -> Any:
        raise _needs_values(f"numpy.{func.__name__}")

    def _no(self, *a: Any, **k: Any) -> Any:
        raise _needs_values("indexing or conversion")

    __getitem__ = __setitem__ = __len__ = __iter__ = __bool__ = __float__ = __int__ = _no
    __index__ = __complex__ = _no

    def __repr__(self) -> str:
        return f"SymBuf(value {self.src}, {self.dtype}, ndim={self.ndim})"


def _placeholder(sym: SymBuf, device: _devices.Device) -> Array:
    """A lazy Array over ``sym``: two identity casts (canonicalization removes them), so that
    no eager shortcut ever computes it -- the recording layer computes small results at once
    only when every operand of the op is concrete, and a transpose rebuilds the inner cast."""
    node = Op("astype", (Op("astype", (Leaf(sym),), sym.dtype, sym.shape),), sym.dtype, sym.shape)
    a = object.__new__(Array)
    a._data = None
    a._node = node
    a._leaf = None
    a._dtype = sym.dtype
    a._shape = sym.shape
    a._device = device
    a._fits = None  # not concrete: never on the eager fast paths
    return a


def _sym_of(node: Node) -> SymBuf | None:
    """The SymBuf a node is (a placeholder: its leaf, or the identity cast of it)."""
    while type(node) is Op and node.name == "astype" and node.memo is None and node.dtype == node.args[0].dtype:
        node = node.args[0]
    if type(node) is Leaf and type(node.data) is SymBuf:
        return node.data
    return None


def _is_traced(node: Node) -> bool:
    return any(type(leaf.data) is SymBuf for leaf in node.leaves)


@dataclass
class _Reduction:
    node: Node
    kind: str
    axis: str | None          # None (all axes) or "last"
    dtype: np.dtype | None    # sum/prod accumulator
    keepdims: bool
    value: int
    out_dtype: np.dtype


class _Trace:
    def __init__(self, extent: int, device: _devices.Device):
        self.extent = extent
        self.device = device
        self.n_values = 0
        self.value_sigs: list[tuple[np.dtype, int]] = []
        self.reductions: list[_Reduction] = []
        self.violation = False

    def new_value(self, dtype: np.dtype, shape: tuple) -> SymBuf:
        v = self.n_values
        self.n_values += 1
        self.value_sigs.append((np.dtype(dtype), len(shape)))
        return SymBuf(v, dtype, shape)


def _reduced_dtype(kind: str, dt: np.dtype, dtype: np.dtype | None) -> np.dtype:
    probe = np.ones(2, dtype=dt)
    kw = {"dtype": dtype} if dtype is not None and kind in ("sum", "prod") else {}
    with np.errstate(all="ignore"):
        return np.asarray(_NP_REDUCE[kind](probe, **kw)).dtype


def _reduction_hook(x: Any, kind: str, axis: Any, dtype: Any, keepdims: bool) -> Array | None:
    """``_nonelementwise.fused_reduction``'s hook: record a reduction of a traced Array."""
    tr = _tracing()
    if tr is None or not isinstance(x, Array) or x._node is None or not _is_traced(x._node):
        return None
    nd = len(x.shape)
    if axis is None:
        where = None
    else:
        try:
            axes = normalize_axis_tuple(axis, nd)
        except Exception as e:
            raise TraceError(f"{kind}: invalid axis {axis!r} for a {nd}-d array ({e})") from None
        if len(set(axes)) == nd:
            where = None
        elif axes == (nd - 1,):
            where = "last"
        else:
            _, site = _user_site()
            raise TraceError(f"hologram_array.{kind} over axis={axis!r} of a {nd}-d array cannot be compiled "
                             f"(at {site}): only axis=None (all axes) or the last axis")
    if where == "last" and nd == 1:
        where = None
    if nd == 0:
        where = None
    dt = None if dtype is None else np.dtype(dtype)
    out_dt = _reduced_dtype(kind, x.dtype, dt)
    if keepdims:
        shape = (1,) * nd if where is None else x.shape[:-1] + (1,)
    else:
        shape = () if where is None else x.shape[:-1]
    sym = tr.new_value(out_dt, shape)
    tr.reductions.append(_Reduction(x._node, kind, where, dt, bool(keepdims), sym.src, out_dt))
    return _placeholder(sym, x.device)


_nonelementwise.TRACE_HOOK = _reduction_hook


# ---- lowering: traced nodes -> circuits ----------------------------------------------------


class _Runtime:
    """A scalar parameter whose value is known only at run time (a 0-d symbolic value)."""

    __slots__ = ("value",)

    def __init__(self, value: int):
        self.value = value

    def __eq__(self, other: Any) -> bool:
        return type(other) is _Runtime and other.value == self.value

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("_Runtime", self.value))

    def __repr__(self) -> str:
        return f"<value {self.value} at run time>"


def _is_runtime(d: Any) -> bool:
    return type(d) is Param and type(d.value) is _Runtime


class _TraceBuilderMixin:
    def sym_input(self, sym: SymBuf) -> int:
        if sym.ndim == 0:
            return self.param(_Runtime(sym.src), sym.dtype)
        return self._add(("sym", sym.key), In(sym))


class _RawBuilder(_TraceBuilderMixin, _Builder):
    """As recorded (explain's "before canonicalization")."""


class _CanonBuilder(_TraceBuilderMixin, PeepholeBuilder):
    """The materialization's peephole rules -- except folding an op on a run-time scalar."""

    def op(self, name: str, srcs: tuple[int, ...], dtype: np.dtype) -> int:
        defs = self.defs
        if any(_is_runtime(defs[s]) for s in srcs) and all(type(defs[s]) is Param for s in srcs):
            return _Builder.op(self, name, srcs, dtype)
        return super().op(name, srcs, dtype)


def _linearize(roots: Sequence[Node], builder: _Builder) -> Program:
    reg_of: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        nid = id(node)
        if nid in reg_of:
            continue
        t = type(node)
        if t is Leaf or (t is Op and node.memo is not None):
            data = node.data if t is Leaf else node.memo
            if type(data) is SymBuf:
                reg_of[nid] = builder.sym_input(data)
            elif data.ndim == 0:
                reg_of[nid] = builder.param(data[()], data.dtype)  # a NumPy scalar: strong, baked
            else:
                raise TraceError(
                    f"the traced function reads an array it did not get as an argument "
                    f"({data.dtype}, shape {data.shape}): compiled circuits hold no array "
                    f"constants -- pass it as an argument")
        elif t is Const:
            reg_of[nid] = builder.param(node.value, None)
        elif not expanded:
            stack.append((node, True))
            for a in reversed(node.args):
                if id(a) not in reg_of:
                    stack.append((a, False))
        else:
            reg_of[nid] = builder.op(node.name, tuple(reg_of[id(a)] for a in node.args), node.dtype)
    return Program(builder.defs, [reg_of[id(r)] for r in roots], tuple(roots[0].shape))


@dataclass(frozen=True)
class Ref:
    """A symbolic value seen through a view (``perm``: left-pad to ``len(perm)`` axes with 1s,
    then transpose; None: as is)."""

    value: int
    perm: tuple[int, ...] | None = None


@dataclass
class Step:
    """One unit of work: ``map`` (a circuit; its outputs define ``results``) or ``reduce``
    (a reduction of a circuit's single output, or of ``inputs[0]`` when ``circuit`` is None)."""

    kind: str
    circuit: Circuit | None
    inputs: tuple[Ref, ...]
    params: tuple[Any, ...]            # baked value, or _Runtime(value id)
    results: tuple[int, ...]
    reduce: str | None = None
    axis: str | None = None
    dtype: np.dtype | None = None
    keepdims: bool = False
    operand_ndim: int = 0
    recorded: str = ""                 # listing before canonicalization
    recorded_ops: int = 0


@dataclass
class TracedProgram:
    signature: tuple                   # per argument: ("array", dtype, ndim) | ("scalar", value)
    steps: list[Step]
    outputs: tuple[Ref, ...]
    value_sigs: tuple                  # per symbolic value: (dtype, ndim)
    multi: bool                        # the function returned a tuple/list

    def structure(self) -> tuple:
        """Everything but the recorded listings: equal for equal programs."""
        return (
            self.signature,
            tuple((s.kind, None if s.circuit is None else s.circuit.key, s.inputs,
                   tuple(scalar_key(p, None) if type(p) is not _Runtime else ("rt", p.value) for p in s.params),
                   s.results, s.reduce, s.axis, None if s.dtype is None else s.dtype.str, s.keepdims,
                   s.operand_ndim) for s in self.steps),
            self.outputs, tuple((d.str, n) for d, n in self.value_sigs), self.multi)


def _lower(roots: Sequence[Node]) -> tuple[Circuit, tuple[Ref, ...], tuple, str, int]:
    raw = _linearize(roots, _RawBuilder())
    canon = remove_dead_code(_linearize(roots, _CanonBuilder()))
    circuit, binding = from_program(canon)
    refs = tuple(Ref(b.src, b.perm) for b in binding.buffers)
    return circuit, refs, binding.values, listing(raw), n_ops(raw)


def _trace_once(fn: Callable, sig: tuple, extent: int, device: _devices.Device) -> TracedProgram:
    tr = _Trace(extent, device)
    args = []
    for s in sig:
        if s[0] == "array":
            sym = tr.new_value(s[1], (extent,) * s[2])
            args.append(_placeholder(sym, device))
        else:
            tr.new_value(np.dtype(np.bool_), ())  # keeps value ids == argument positions
            args.append(s[1])
    placeholders = [a for a in args if isinstance(a, Array)]
    nodes = [a._node for a in placeholders]
    prev = _tracing()
    _state.trace = tr
    try:
        result = fn(*args)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        raise TraceError(
            f"broadcasting failed while tracing ({e}): traced arrays have symbolic sizes, so the "
            f"function combines them with an array of fixed shape (a captured constant?) -- pass "
            f"that array as an argument") from e
    finally:
        _state.trace = prev
    if tr.violation:
        raise TraceError("the traced function needed the values of a traced array (an error about it "
                         "was raised and caught inside the function)")
    for k, (a, n) in enumerate(zip(placeholders, nodes)):
        if a._node is not n:
            raise TraceError("the traced function updates an argument in place (x += ..., x[...] = ...): "
                             "compiled functions return new arrays; write y = x + ... instead")
    multi = isinstance(result, (tuple, list))
    outs = list(result) if multi else [result]
    if not outs:
        raise TraceError("the traced function returns no arrays")
    out_nodes = []
    for j, o in enumerate(outs):
        if not isinstance(o, Array) or o._node is None or not _is_traced(o._node):
            raise TraceError(f"output {j} of the traced function is {type(o).__name__}"
                             f"{'' if not isinstance(o, Array) else ' not computed from the arguments'}: "
                             f"compiled functions return arrays computed from their array arguments")
        out_nodes.append(o._node)

    steps: list[Step] = []
    n_values = tr.n_values
    for red in tr.reductions:
        sym = _sym_of(red.node)
        nd = len(red.node.shape)
        common = dict(reduce=red.kind, axis=red.axis, dtype=red.dtype, keepdims=red.keepdims, operand_ndim=nd)
        if sym is not None and sym.ndim > 0:
            steps.append(Step("reduce", None, (Ref(sym.src, sym.perm),), (), (red.value,), **common))
        else:
            c, refs, vals, rec, nrec = _lower([red.node])
            steps.append(Step("reduce", c, refs, vals, (red.value,), recorded=rec, recorded_ops=nrec, **common))
    final: list[Ref | None] = [None] * len(outs)
    groups: dict[tuple, list[int]] = {}
    for j, n in enumerate(out_nodes):
        sym = _sym_of(n)
        if sym is not None and sym.dtype == n.dtype:
            final[j] = Ref(sym.src, sym.perm)  # an argument (or reduction) as it is: returned as a copy
        else:
            groups.setdefault(tuple(n.shape), []).append(j)
    for shape, idx in groups.items():
        c, refs, vals, rec, nrec = _lower([out_nodes[j] for j in idx])
        results = tuple(range(n_values, n_values + len(idx)))
        n_values += len(idx)
        steps.append(Step("map", c, refs, vals, results, recorded=rec, recorded_ops=nrec))
        for j, v in zip(idx, results):
            final[j] = Ref(v)
            tr.value_sigs.append((out_nodes[j].dtype, len(shape)))
    return TracedProgram(tuple(sig), steps, tuple(final), tuple(tr.value_sigs), multi)


def trace(fn: Callable, sig: tuple) -> TracedProgram:
    """Trace ``fn`` for ``sig`` (see the module doc); ``TraceError`` if it cannot be compiled."""
    device = _devices.default_device()
    first = _trace_once(fn, sig, SYMBOLIC_EXTENTS[0], device)
    second = _trace_once(fn, sig, SYMBOLIC_EXTENTS[1], device)
    if first.structure() != second.structure():
        raise TraceError(
            "the traced function depends on the sizes of its arrays (x.shape, x.size, len(x) or "
            "control flow on them): a compiled circuit is specialised on dtypes and ndim only. "
            "Use hologram_array.mean instead of sum/len, or compute the size-dependent value "
            "outside and pass it as an array argument")
    return first


def signature_of(args: Sequence[Any]) -> tuple:
    sig = []
    for a in args:
        if isinstance(a, (bool, int, float, complex)) and not isinstance(a, np.generic):
            sig.append(("scalar", a))
        else:
            arr = _as_buffer(a)
            sig.append(("array", arr.dtype, arr.ndim))
    return tuple(sig)


def _sig_key(sig: tuple) -> tuple:
    return tuple((s[0], s[1].str, s[2]) if s[0] == "array" else ("scalar",) + scalar_key(s[1], None)
                 for s in sig)


def _as_buffer(a: Any) -> np.ndarray:
    if isinstance(a, Array):
        return a._materialize()
    if type(a) is np.ndarray:
        return a
    if hasattr(a, "to_numpy") and not isinstance(a, np.generic):
        return a.to_numpy()  # executor buffers
    return np.asarray(a)


# ---- running -------------------------------------------------------------------------------


def _view(buf: Any, perm: tuple | None) -> Any:
    if perm is None:
        return buf
    pad = len(perm) - buf.ndim
    if pad:
        buf = buf.reshape((1,) * pad + buf.shape)
    return buf.transpose(perm)


@dataclass
class _Bound:
    """A step's circuit with its driver entries (one per broadcast pattern seen)."""

    step: Step
    entries: dict = field(default_factory=dict)      # masks -> Entry
    lock: threading.Lock = field(default_factory=threading.Lock)

    def entry_for(self, masks: tuple) -> Entry:
        e = self.entries.get(masks)
        if e is None:
            c = self.step.circuit
            if masks != tuple(i.stretched for i in c.inputs):
                c = replace(c, inputs=tuple(i._replace(stretched=m) for i, m in zip(c.inputs, masks)))
            e, _ = CACHE.get(c)
            with self.lock:
                e = self.entries.setdefault(masks, e)
        return e


class CompiledCircuit:
    """A traced program for one signature: call it, ``explain()`` it, ``save()`` it.

    ``circuit(*arrays, out=None, backend="auto")``: ``out`` -- an array (one output) or a
    sequence of arrays, written in place and returned; ``backend`` -- "auto"/"cpu" (the
    driver's choice: class map, compiled kernel when ready, NumPy executor), "numpy" (the
    NumPy executor), "numba" (the compiled kernel, compiled or loaded from the disk cache now),
    "wasm" (the NumPy executor without threads), "cuda" (CuPy arrays, see executor.py).
    """

    def __init__(self, program: TracedProgram, name: str = "circuit"):
        self.program = program
        self.name = name
        self._bound = [(_Bound(s) if s.circuit is not None else None) for s in program.steps]
        self._scratch = threading.local()
        self._n_values = len(program.value_sigs)
        self._array_args = [k for k, s in enumerate(program.signature) if s[0] == "array"]

    # -- introspection -----------------------------------------------------------------
    @property
    def signature(self) -> tuple:
        return self.program.signature

    @property
    def circuits(self) -> list[Circuit]:
        return [s.circuit for s in self.program.steps if s.circuit is not None]

    def __repr__(self) -> str:
        sig = ", ".join(f"{s[1]}[ndim={s[2]}]" if s[0] == "array" else repr(s[1]) for s in self.signature)
        return f"<CompiledCircuit {self.name}({sig}): {len(self.program.steps)} step(s)>"

    def explain(self) -> str:
        from .fileformat import describe_plan
        return describe_plan(self)

    def save(self, path: Any) -> int:
        """Write the portable file (``compiler/fileformat.py``); returns its size in bytes."""
        from .fileformat import dumps
        data = dumps(self)
        with open(path, "wb") as f:
            f.write(data)
        return len(data)

    def prebuild(self, mode: str = "auto") -> dict:
        """Get the CPU backend ready: ``"sync"`` compiles (or loads from the disk cache) every
        step's Numba kernel now; ``"background"`` queues them for the background compiler;
        ``"auto"``: sync when the disk cache has the kernel, else background; ``"none"``.
        Returns {step index: state}."""
        report = {}
        if mode == "none" or not jit.numba_installed():
            return report
        for k, b in enumerate(self._bound):
            if b is None:
                continue
            c = b.step.circuit
            if classmap.eligible(c) and not any(type(p) is _Runtime for p in b.step.params):
                found, cm = CACHE.tables.get(CACHE.tables.key(c, b.step.params))
                if found and cm is not None:
                    report[k] = "class map (no kernel needed)"  # a cached table always wins
                    continue
            entry = b.entry_for(tuple(i.stretched for i in c.inputs))
            variants = ["contig"] + (["strided"] if any(any(i.stretched) for i in c.inputs) else [])
            for v in variants:
                m = mode
                if m == "auto":
                    m = "sync" if _on_disk(c) else "background"
                if m == "sync":
                    report[k] = _compile_now(entry, v)
                else:
                    _request(entry, v)
                    report[k] = "requested"
        return report

    # -- running -----------------------------------------------------------------------
    def __call__(self, *args: Any, out: Any = None, backend: str = "auto") -> Any:
        prog = self.program
        if len(args) != len(prog.signature):
            raise TypeError(f"{self.name}: expected {len(prog.signature)} argument(s), got {len(args)}")
        if backend not in BACKENDS:
            raise ValueError(f"{self.name}: unknown backend {backend!r}; one of {BACKENDS}")
        if backend == "cuda":
            from ..executor import run_cuda
            return run_cuda(self, args, out)
        vals: list[Any] = [None] * self._n_values
        for k, (a, s) in enumerate(zip(args, prog.signature)):
            if s[0] == "array":
                b = _as_buffer(a)
                if b.dtype != s[1] or b.ndim != s[2]:
                    raise TypeError(f"{self.name}: argument {k} is {b.dtype}[ndim={b.ndim}], "
                                    f"this circuit takes {s[1]}[ndim={s[2]}]")
                vals[k] = b
            elif scalar_key(a, None) != scalar_key(s[1], None):
                raise TypeError(f"{self.name}: argument {k} was traced as the constant {s[1]!r}, got {a!r}")
        outs = self._out_buffers(out)
        for k, step in enumerate(prog.steps):
            if step.kind == "map":
                self._run_map(self._bound[k], vals, outs, backend)
            else:
                self._run_reduce(self._bound[k], step, vals, backend)
        results = []
        for j, ref in enumerate(prog.outputs):
            o = outs[j] if outs is not None else None
            v = vals[ref.value]
            if o is not None:
                if v is not o:
                    v = _view(v, ref.perm)
                    if o.shape != v.shape or o.dtype != v.dtype:
                        raise ValueError(f"{self.name}: out[{j}] is {o.dtype}{list(o.shape)}, "
                                         f"the result is {v.dtype}{list(v.shape)}")
                    np.copyto(o, v)
                results.append(out[j] if isinstance(out, (tuple, list)) else out)
            else:
                if ref.perm is not None or (ref.value < len(args)):
                    v = np.array(_view(v, ref.perm), copy=True)
                results.append(Array._wrap(v if isinstance(v, np.ndarray) else np.asarray(v)))
        return tuple(results) if prog.multi else results[0]

    def _out_buffers(self, out: Any) -> list | None:
        if out is None:
            return None
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        if len(outs) != len(self.program.outputs):
            raise ValueError(f"{self.name}: out= needs {len(self.program.outputs)} array(s), got {len(outs)}")
        bufs = []
        for o in outs:
            if isinstance(o, Array):
                b = o._materialize()
                aliasing.protect(b)  # lazy readers of this memory keep its old values
            elif isinstance(o, np.ndarray):
                b = o
            elif hasattr(o, "to_numpy"):
                b = o.to_numpy()
            else:
                raise TypeError(f"{self.name}: out= takes arrays, got {type(o).__name__}")
            bufs.append(b)
        return bufs

    def _bind(self, bound: _Bound, vals: list) -> tuple[Entry, Binding]:
        step = bound.step
        bufs = [_view(vals[r.value], r.perm) for r in step.inputs]
        c = step.circuit
        if bufs:
            shape = np.broadcast_shapes(*[b.shape for b in bufs]) if len(bufs) > 1 else bufs[0].shape
            if len(shape) < c.out_ndim:
                shape = (1,) * (c.out_ndim - len(shape)) + tuple(shape)
        else:
            shape = ()
        masks = tuple(stretched_mask(b.shape, shape) for b in bufs)
        values = step.params
        if any(type(p) is _Runtime for p in values):
            values = tuple(np.asarray(vals[p.value])[()] if type(p) is _Runtime else p for p in values)
        return bound.entry_for(masks), Binding(tuple(bufs), values, tuple(shape))

    def _execute(self, entry: Entry, binding: Binding, outs: list, backend: str) -> None:
        if backend in ("auto", "cpu", "wasm"):
            _mat.execute(entry, binding, outs, "wasm" if backend == "wasm" else "cpu")
        elif backend == "numpy":
            numpy_exec.run(entry.plan, binding.buffers, binding.values, outs)
        elif backend == "numba":
            if not jit.numba_installed():
                raise RuntimeError("backend='numba': numba is not installed")
            variant = jit.variant_for(entry.circuit, binding.buffers, outs)
            state = _compile_now(entry, variant)
            if state != "ready":
                raise RuntimeError(f"backend='numba': no compiled kernel for this circuit ({state})")
            kernel = jit.slot_of(entry.kernels).kernel
            with jit.RUN_LOCK:
                flags = kernel(binding.buffers, binding.values, outs)
            _mat._signal_like_numpy(entry, binding, outs, flags)

    def _run_map(self, bound: _Bound, vals: list, outs: list | None, backend: str) -> None:
        step = bound.step
        entry, binding = self._bind(bound, vals)
        c = entry.circuit
        targets = []
        for j, v in enumerate(step.results):
            o = None
            if outs is not None:
                o = next((outs[i] for i, r in enumerate(self.program.outputs) if r.value == v), None)
            dt = c.output_dtypes[j]
            if o is None:
                o = np.empty(binding.shape, dtype=dt)
            elif o.shape != binding.shape or o.dtype != dt:
                raise ValueError(f"{self.name}: out array is {o.dtype}{list(o.shape)}, the result is "
                                 f"{dt}{list(binding.shape)}")
            targets.append(o)
        binding = _unalias(binding, targets)
        self._execute(entry, binding, targets, backend)
        for v, o in zip(step.results, targets):
            vals[v] = o

    def _run_reduce(self, bound: _Bound | None, step: Step, vals: list, backend: str) -> None:
        where = step.axis
        np_axis = -1 if where == "last" else None
        kw = {"dtype": step.dtype} if step.dtype is not None else {}
        if bound is None:
            x = _view(vals[step.inputs[0].value], step.inputs[0].perm)
            res = _NP_REDUCE[step.reduce](x, axis=np_axis, **kw)
            shape = x.shape
        else:
            entry, binding = self._bind(bound, vals)
            shape = binding.shape
            out_dt = entry.circuit.output_dtypes[0]
            res = None
            if (backend != "numba" and _fusable(shape, out_dt, where)):
                res = _reduce.reduce_bound(entry, binding, step.reduce, where, step.dtype,
                                           threads=backend not in ("wasm",),
                                           compiled=backend in ("auto", "cpu"))
            if res is None:
                scratch = self._scratch_for(shape, out_dt)
                self._execute(entry, _unalias(binding, [scratch]), [scratch], backend)
                res = _NP_REDUCE[step.reduce](scratch, axis=np_axis, **kw)
        res = np.asarray(res)
        if step.keepdims:
            nd = len(shape)
            res = res.reshape((1,) * nd if where is None else tuple(shape[:-1]) + (1,))
        vals[step.results[0]] = res

    def _scratch_for(self, shape: tuple, dt: np.dtype) -> np.ndarray:
        cache = getattr(self._scratch, "bufs", None)
        if cache is None:
            cache = self._scratch.bufs = {}
        key = (tuple(shape), dt.str)
        b = cache.get(key)
        if b is None:
            if len(cache) > 8:
                cache.clear()
            b = cache[key] = np.empty(shape, dtype=dt)
        return b


def _fusable(shape: tuple, dt: np.dtype, where: str | None) -> bool:
    """``reduce.supported``'s rule, on a bound circuit."""
    if len(shape) == 0 or math.prod(shape) < _reduce.FUSE_MIN or dt == np.float16:
        return False
    if where == "last":
        return 0 < shape[-1] <= _reduce.MAX_ROW
    return True


def _unalias(binding: Binding, outs: Sequence[Any]) -> Binding:
    """``materialize._unalias_inputs``: an input overlapping an output without being the very
    same view is copied first."""
    bufs = list(binding.buffers)
    changed = False
    for k, b in enumerate(bufs):
        for o in outs:
            if b is o:
                continue
            if np.may_share_memory(b, o):
                same = (b.shape == o.shape and b.strides == o.strides
                        and b.__array_interface__["data"][0] == o.__array_interface__["data"][0])
                if not same:
                    bufs[k] = b.copy()
                    changed = True
                    break
    return Binding(tuple(bufs), binding.values, binding.shape) if changed else binding


# ---- the CPU kernel at load time ------------------------------------------------------------


def _on_disk(c: Circuit) -> bool:
    """Whether Numba's disk cache holds this circuit's kernel (its cache index exists)."""
    try:
        from ..backends import cpu_numba
        source = cpu_numba._Gen(c, True).source()
        import hashlib
        stem = "hologram_" + hashlib.sha256(source.encode()).hexdigest()
        pyc = os.path.join(cpu_numba.cache_dir(), "__pycache__")
        return os.path.isdir(pyc) and any(n.startswith(stem + ".") and n.endswith(".nbi")
                                          for n in os.listdir(pyc))
    except Exception:
        return False


def _compile_now(entry: Entry, variant: str) -> str:
    """``jit.kernel_for`` with compile="sync" semantics, whatever the global setting."""
    slot = jit.slot_of(entry.kernels)
    with jit._pending_cv:
        state = slot.variants.get(variant)
        if state is None:
            slot.variants[variant] = "pending"
    if state is None:
        jit._compile(slot, entry.circuit, variant)
    elif state == "pending":
        jit.wait_for_kernels()
    state = slot.variants.get(variant)
    return state if state != "failed" else f"failed: {slot.error}"


def _request(entry: Entry, variant: str) -> None:
    """Queue a background compile (whatever the global compile mode, unless "never")."""
    from .._config import settings
    if settings.compile == "never":
        return
    slot = jit.slot_of(entry.kernels)
    if slot.variants.get(variant) is None:
        jit._submit(slot, entry.circuit, variant)


# ---- the decorator ---------------------------------------------------------------------------


class CompiledFunction:
    """What ``@hologram_array.compile`` returns: traces on a new signature, then runs its circuit."""

    def __init__(self, fn: Callable, prebuild: str = "background"):
        self.fn = fn
        self.prebuild_mode = prebuild
        self.__name__ = getattr(fn, "__name__", "compiled")
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn
        self._circuits: dict[tuple, CompiledCircuit] = {}
        self._lock = threading.Lock()
        self.traces = 0

    def circuit_for(self, *args: Any) -> CompiledCircuit:
        """The ``CompiledCircuit`` for these arguments' signature (traced on first use)."""
        sig = signature_of(args)
        key = _sig_key(sig)
        c = self._circuits.get(key)
        if c is None:
            c = CompiledCircuit(trace(self.fn, sig), self.__name__)
            with self._lock:
                if key not in self._circuits:
                    self._circuits[key] = c
                    self.traces += 1
                c = self._circuits[key]
            if self.prebuild_mode != "none":
                c.prebuild(self.prebuild_mode if self.prebuild_mode != "background" else "background")
        return c

    def __call__(self, *args: Any, out: Any = None, backend: str = "auto") -> Any:
        return self.circuit_for(*args)(*args, out=out, backend=backend)

    def explain(self, *args: Any) -> str:
        return self.circuit_for(*args).explain()

    def save(self, path: Any, *args: Any) -> int:
        return self.circuit_for(*args).save(path)

    def __repr__(self) -> str:
        return f"<hologram_array.compile {self.__name__}: {len(self._circuits)} signature(s) traced>"


def compile(fn: Callable | None = None, *, prebuild: str = "none") -> Any:  # noqa: A001
    """Decorator: trace ``fn`` into a circuit per dtype/ndim signature (see docs/compile_once.md).

    ``prebuild``: what to do with the CPU kernel after each trace -- "none" (default: the driver
    compiles in the background once a call is large enough, as for any materialization),
    "background", "sync" or "auto" (see ``CompiledCircuit.prebuild``).
    """
    if fn is None:
        return lambda f: CompiledFunction(f, prebuild)
    return CompiledFunction(fn, prebuild)


def load_circuit(path: Any, *, prebuild: str = "auto", verify_tables: bool = False) -> CompiledCircuit:
    """Read a file written by ``CompiledCircuit.save`` (``CircuitFileError`` -- a ``ValueError``
    -- for anything truncated, corrupt, foreign or unknown) and get its backends ready:
    class-map tables from the file, the CPU kernel per ``prebuild`` (``CompiledCircuit.prebuild``)."""
    from .fileformat import read_file
    return read_file(path, prebuild=prebuild, verify_tables=verify_tables)
