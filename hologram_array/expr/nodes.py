"""IR nodes: immutable records of element-wise work, with dtype and shape known.

Three kinds:

* ``Leaf``  -- a concrete buffer (an ndarray). Its identity is the buffer object.
* ``Const`` -- a Python scalar (weak, per NEP 50). Becomes a runtime parameter
  of the circuit, so ``x*2+1`` and ``x*3+5`` share one compiled circuit.
* ``Op``    -- an op-table operation over other nodes.

Every node carries ``depth`` and ``count`` (an upper bound on the number of
nodes below it) so that the recording layer can flush long chains before they
grow without bound, and ``leaves`` (the distinct buffers it reads) so that an
in-place write can find and protect every live expression that reads the
buffer (``roots``: the ids of their memory, shared along a chain). An ``Op`` may hold a ``memo``: the buffer it was materialized into,
reused by other expressions that share the node, and dropped the moment that
buffer is written.

``chain``: for an expression over a single buffer (every other operand a Python scalar -- the
shape of every 8-bit class-map chain, and of most chains users write), a structural key built
as the expression is recorded, one nested tuple per op: the compiler's plan cache looks it up
without walking the DAG (``compiler.materialize.prepare``). None for everything else.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import aliasing
from .aliasing import root_of


class Node:
    __slots__ = ("dtype", "shape", "depth", "count", "__weakref__")

    dtype: np.dtype | None
    shape: tuple[int, ...]
    depth: int
    count: int


class Leaf(Node):
    """A concrete buffer read by an expression."""

    __slots__ = ("data", "root", "chain")

    def __init__(self, data: Any):
        if aliasing._pending:  # a new buffer enters the expressions: the lazy Arrays queued
            aliasing.flush()   # before it are settled now (bounds what the queue keeps alive)
        self.data = data
        self.root = id(root_of(data))  # identifies the memory, for value semantics
        self.dtype = data.dtype
        self.shape = data.shape
        self.depth = 0
        self.count = 1
        # a 0-d buffer is a scalar to the compiler (its value is part of the plan): no chain
        self.chain = ("in", data.dtype, data.shape) if data.shape else None

    @property
    def leaves(self) -> tuple["Leaf", ...]:
        return (self,)

    @property
    def roots(self) -> frozenset:
        return frozenset((self.root,))

    def __repr__(self) -> str:
        return f"Leaf({self.dtype}, {self.shape})"


class Const(Node):
    """A Python scalar operand: weak-typed, a runtime parameter of the circuit."""

    __slots__ = ("value",)
    leaves: tuple = ()
    roots: frozenset = frozenset()
    # the same for every scalar: class attributes (they shadow Node's slots), one store per
    # Const instead of five -- a Const is made for every operator with a Python scalar
    dtype = None  # weak: takes its dtype from the op that uses it
    shape: tuple = ()
    depth = 0
    count = 1

    def __init__(self, value: bool | int | float | complex):
        self.value = value

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


def const_key(value: Any) -> tuple | None:
    """A key that tells apart what compiles differently: 1, 1.0 and True, 0.0 and -0.0 (a NaN
    equals only itself: another NaN object is a plan-cache miss, never a wrong hit)."""
    t = type(value)
    if t is int or t is bool:
        return (t, value)
    if t is float:
        return (t, value, math.copysign(1.0, value))
    if t is complex:
        return (t, value, math.copysign(1.0, value.real), math.copysign(1.0, value.imag))
    return None


#: Largest expression (``count``: nodes below, shared ones counted each time) given a tree key:
#: hashing the key visits every counted node.
_TREE_KEY_MAX = 1024


def _tree_key(name: str, dtype: Any, args: tuple) -> tuple | None:
    """``chain`` of an op whose operands all read the same one buffer (``a * a``,
    ``tanh(a) * exp(-a * a)``, ``3 - a``): the operands' keys and the scalars' as a tree. Shared
    nodes appear once per use; equal trees compute the same function of the buffer, so sharing
    does not need to be told apart. (The common ``a op scalar`` and ``op(a)`` build their keys
    inline in ``Op.__init__``.)"""
    parts = []
    for x in args:
        if type(x) is Const:
            k = const_key(x.value)
            if k is None:
                return None
            parts.append(("c", k))
        else:
            c = getattr(x, "chain", None)
            if c is None:
                return None
            parts.append(("x", c))
    return ("op", name, dtype, tuple(parts))


def _merge_leaves(args: tuple[Node, ...]) -> tuple[Leaf, ...]:
    """Distinct leaves of ``args`` (shared tuples are reused: chains cost nothing)."""
    first: tuple = ()
    rest = None
    for a in args:
        lv = a.leaves
        if not lv or lv is first:
            continue
        if not first:
            first = lv
        elif rest is None:
            rest = [lv]
        else:
            rest.append(lv)
    if rest is None:
        return first
    seen = {id(leaf) for leaf in first}
    merged = list(first)
    for group in rest:
        for leaf in group:
            if id(leaf) not in seen:
                seen.add(id(leaf))
                merged.append(leaf)
    return tuple(merged) if len(merged) > len(first) else first


def _same_leaf(la: tuple, lb: tuple) -> bool:
    """Whether two operands' leaves are the same single buffer."""
    return len(la) == 1 and (la is lb or (len(lb) == 1 and la[0] is lb[0]))


class Op(Node):
    """One op-table operation. ``dtype`` is the result dtype; ``shape`` the broadcast shape."""

    __slots__ = ("name", "args", "leaves", "roots", "memo", "chain")

    def __init__(self, name: str, args: tuple[Node, ...], dtype: np.dtype, shape: tuple[int, ...]):
        self.name = name
        self.args = args
        self.dtype = dtype
        self.shape = shape
        if len(args) == 1:
            a = args[0]
            self.depth = a.depth + 1
            self.count = a.count + 1
            self.leaves = a.leaves
            self.roots = a.roots
            c = getattr(a, "chain", None)
            self.chain = None if c is None else (c, name, dtype)
        elif len(args) == 2 and (type(args[1]) is Const or type(args[0]) is Const):
            # an operand and a Python scalar (the common recording): the general rule below
            # reduced -- a Const has depth 0, count 1, no leaves and no roots
            if type(args[1]) is Const:
                a, k = args[0], args[1]
                c = a.chain  # a Leaf or an Op
                ck = None if c is None else const_key(k.value)
                self.chain = None if ck is None else (c, name, dtype, (None, ck))
            else:
                a = args[1]
                self.chain = _tree_key(name, dtype, args)
            self.depth = a.depth + 1
            self.count = a.count + 2
            self.leaves = a.leaves
            self.roots = a.roots
        elif len(args) == 2 and _same_leaf(args[0].leaves, args[1].leaves):
            # two operands over the same one buffer (``x * a`` in a chain over ``a``): the
            # general rule below reduced -- its leaves, roots and tree key
            a, b = args
            self.depth = (a.depth if a.depth > b.depth else b.depth) + 1
            count = self.count = a.count + b.count + 1
            if type(a) is Leaf:  # (a Leaf makes its tuples anew on each access: share the Op's)
                a = b
            self.leaves = a.leaves
            self.roots = a.roots
            ca = args[0].chain
            cb = args[1].chain
            self.chain = (None if ca is None or cb is None or count > _TREE_KEY_MAX
                          else ("op", name, dtype, (("x", ca), ("x", cb))))
        elif (len(args) == 3 and type(args[1]) is Const and type(args[2]) is Const
              and type(args[0]) is not Const):
            # an operand and two Python scalars (``clip(x, lo, hi)``), reduced the same way
            a = args[0]
            c = a.chain
            k1 = None if c is None else const_key(args[1].value)
            k2 = None if k1 is None else const_key(args[2].value)
            self.chain = None if k2 is None else (c, name, dtype, (None, k1, k2))
            self.depth = a.depth + 1
            self.count = a.count + 3
            self.leaves = a.leaves
            self.roots = a.roots
        else:
            depth = count = 0
            for a in args:
                if a.depth > depth:
                    depth = a.depth
                count += a.count
            self.depth = depth + 1
            self.count = count + 1
            lv = self.leaves = _merge_leaves(args)
            for a in args:  # a chain shares its leaves, and so its roots, with an operand
                if a.leaves is lv:
                    self.roots = a.roots
                    break
            else:
                self.roots = frozenset([leaf.root for leaf in lv])
            if len(lv) == 1 and self.count <= _TREE_KEY_MAX:  # one buffer under it: a key too
                self.chain = _tree_key(name, dtype, args)
            else:
                self.chain = None
        self.memo = None

    def __repr__(self) -> str:
        return f"Op({self.name}, {self.dtype}, {self.shape})"
