"""From an expression DAG to a linear SSA program (the compiler's working form).

A ``Program`` is a list of *definitions*, each a register, in topological order:

* ``In(buf)``              -- an input buffer (ndim >= 1)
* ``Param(value, dtype)``  -- a scalar; ``dtype is None`` for a weak Python scalar,
  a NumPy dtype for a strong one (a 0-d array, or a folded constant)
* ``Def(op, srcs, dtype)`` -- an op-table operation on earlier registers

plus the registers that are the outputs. Linearization is iterative (no
recursion, whatever the depth), merges identical subexpressions as it goes
(hash-consing: the same buffer, an equal scalar or the same op on the same
registers is one register), and evaluates ahead of time any sub-expression
whose shape is smaller than the output's, so every register of the program
spans the same iteration space.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from ..expr.nodes import Const, Leaf, Node, Op
from ..expr.ops import COMMUTATIVE


class In(NamedTuple):
    buf: Any


class Param(NamedTuple):
    value: Any
    dtype: np.dtype | None  # None: weak Python scalar


class Def(NamedTuple):
    op: str
    srcs: tuple[int, ...]
    dtype: np.dtype


Reg = In | Param | Def


@dataclass
class Program:
    defs: list[Reg]
    outputs: list[int]
    shape: tuple[int, ...]

    def dtype_of(self, r: int) -> np.dtype | None:
        d = self.defs[r]
        return d.buf.dtype if type(d) is In else d.dtype

    def token_of(self, r: int):
        """The dtype token ``resolve_dtypes`` takes for register ``r`` (weak params: their type)."""
        d = self.defs[r]
        if type(d) is Param and d.dtype is None:
            return type(d.value)
        return self.dtype_of(r)


_PACK_D = struct.Struct("<d").pack


def host_scalar(buf: Any) -> Any:
    """The NumPy scalar held by a 0-d buffer (a GPU buffer's is copied to the host: 0-d values
    become circuit parameters)."""
    if isinstance(buf, np.ndarray):
        return buf[()]
    return buf.get()[()]


def scalar_key(value: Any, dtype: np.dtype | None) -> tuple:
    """A hashable key that tells apart -0.0 and 0.0, 1 and 1.0 and True, NumPy NaN payloads."""
    t = type(value)
    if t is float:
        return (t, dtype, _PACK_D(value))  # the bits: -0.0, -nan and NaN payloads differ
    if t is int or t is bool:
        return (t, dtype, value)
    if t is complex:
        return (t, dtype, _PACK_D(value.real), _PACK_D(value.imag))
    if isinstance(value, np.generic):
        return (t, dtype, value.tobytes())
    return (t, dtype, value)


def cse_key(op: str, srcs: tuple[int, ...], dtype: np.dtype) -> tuple:
    if op in COMMUTATIVE and len(srcs) == 2 and srcs[0] > srcs[1]:
        srcs = (srcs[1], srcs[0])
    return (op, srcs, dtype)


class _Builder:
    """Appends registers with hash-consing (CSE for free)."""

    def __init__(self) -> None:
        self.defs: list[Reg] = []
        self._by_key: dict[tuple, int] = {}

    def _add(self, key: tuple, d: Reg) -> int:
        r = self._by_key.get(key)
        if r is None:
            r = len(self.defs)
            self.defs.append(d)
            self._by_key[key] = r
        return r

    def buffer(self, buf: Any) -> int:
        if buf.ndim == 0:
            return self.param(host_scalar(buf), buf.dtype)
        return self._add(("in", id(buf)), In(buf))

    def param(self, value: Any, dtype: np.dtype | None) -> int:
        return self._add(("param",) + scalar_key(value, dtype), Param(value, dtype))

    def op(self, name: str, srcs: tuple[int, ...], dtype: np.dtype) -> int:
        return self._add(cse_key(name, srcs, dtype), Def(name, srcs, dtype))

    def dtype_of(self, r: int) -> np.dtype | None:
        d = self.defs[r]
        return d.buf.dtype if type(d) is In else d.dtype


def linearize(
    roots: list[Node],
    shape: tuple[int, ...],
    evaluate_ahead: Callable[[Op], Any],
    builder: "_Builder | None" = None,
) -> Program:
    """Turn the DAGs under ``roots`` (all of shape ``shape``) into one Program.

    ``evaluate_ahead(node)`` must return the buffer of a sub-expression whose
    shape differs from ``shape`` (it is materialized by its own circuit).
    ``builder`` may rewrite ops as they are added (see canonicalize.PeepholeBuilder).
    """
    b = builder if builder is not None else _Builder()
    reg_of: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(r, False) for r in reversed(roots)]
    pop, push = stack.pop, stack.append
    while stack:
        node, expanded = pop()
        nid = id(node)
        if nid in reg_of:
            continue
        t = type(node)
        if t is Leaf:
            reg_of[nid] = b.buffer(node.data)
        elif t is Const:
            reg_of[nid] = b.param(node.value, None)
        elif node.memo is not None:
            reg_of[nid] = b.buffer(node.memo)
        elif node.shape != shape and node.shape != ():
            # A smaller iteration space runs first, as its own circuit. (0-d
            # sub-expressions read only scalars: they stay inline and fold.)
            reg_of[nid] = b.buffer(evaluate_ahead(node))
        elif not expanded:
            push((node, True))
            for a in reversed(node.args):
                if id(a) not in reg_of:
                    push((a, False))
        else:
            args = node.args
            if len(args) == 1:
                srcs = (reg_of[id(args[0])],)
            elif len(args) == 2:
                srcs = (reg_of[id(args[0])], reg_of[id(args[1])])
            else:
                srcs = tuple([reg_of[id(a)] for a in args])
            reg_of[nid] = b.op(node.name, srcs, node.dtype)
    return Program(b.defs, [reg_of[id(r)] for r in roots], shape)


def fingerprint(roots: list[Node], shape: tuple[int, ...]) -> tuple[tuple, list] | None:
    """Everything ``linearize`` + canonicalization depend on, as a hashable key, and the
    buffers in first-visit order -- or None when a sub-expression must be evaluated ahead.

    The key holds, in post-order, each node's op, dtype and argument positions; each scalar's
    exact bits; each buffer's dtype, shape and *which* earlier buffer it is (``x*x`` and ``x*y``
    differ); the roots' positions. Two DAGs with equal keys linearize and canonicalize to the
    same circuit with the same scalar values; only the buffers differ. One walk, no builder:
    much cheaper than the compile it stands in for (materialize.prepare's plan cache).
    """
    parts: list = []
    bufs: list = []
    buf_pos: dict[int, int] = {}
    pos: dict[int, int] = {}
    add = parts.append

    # Recursive (twice as fast as an explicit stack here); depth is bounded by the flush
    # bounds, and a RecursionError (config(max_depth=huge)) just means "no fingerprint".
    def visit(node: Node) -> int:
        t = type(node)
        if t is Const:
            add(scalar_key(node.value, None))
        elif t is Leaf or node.memo is not None:
            data = node.data if t is Leaf else node.memo
            if data.ndim == 0:
                add(scalar_key(host_scalar(data), data.dtype))
            else:
                k = buf_pos.get(id(data))
                if k is None:
                    k = buf_pos[id(data)] = len(bufs)
                    bufs.append(data)
                add(("in", k, data.dtype, data.shape))
        elif node.shape != shape and node.shape != ():
            raise LookupError  # evaluated ahead: not fingerprinted
        else:
            idx = []
            for a in node.args:
                q = pos.get(id(a))
                if q is None:
                    if type(a) is Const:  # inline: half the nodes of a typical chain
                        v = a.value
                        add((int, None, v) if type(v) is int else scalar_key(v, None))
                        q = pos[id(a)] = len(parts) - 1
                    else:
                        q = visit(a)
                idx.append(q)
            add((node.name, node.dtype, *idx))
        q = pos[id(node)] = len(parts) - 1
        return q

    try:
        out = tuple([pos[id(r)] if id(r) in pos else visit(r) for r in roots])
    except (LookupError, RecursionError):
        return None
    return (shape, tuple(parts), out), bufs


def listing(p: Program) -> str:
    """A readable SSA listing of a Program, in definition order."""
    lines = []
    for r, d in enumerate(p.defs):
        t = type(d)
        if t is In:
            lines.append(f"r{r} = input {d.buf.dtype}{list(d.buf.shape)}")
        elif t is Param:
            kind = f"weak {type(d.value).__name__}" if d.dtype is None else str(d.dtype)
            lines.append(f"r{r} = scalar {d.value!r} : {kind}")
        else:
            lines.append(f"r{r} = {d.op}({', '.join(f'r{s}' for s in d.srcs)}) : {d.dtype}")
    lines.append("return " + ", ".join(f"r{o}" for o in p.outputs))
    return "\n".join(lines)


def n_ops(p: Program) -> int:
    return sum(1 for d in p.defs if type(d) is Def)
