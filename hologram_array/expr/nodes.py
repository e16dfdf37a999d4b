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
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .aliasing import root_of


class Node:
    __slots__ = ("dtype", "shape", "depth", "count", "__weakref__")

    dtype: np.dtype | None
    shape: tuple[int, ...]
    depth: int
    count: int


class Leaf(Node):
    """A concrete buffer read by an expression."""

    __slots__ = ("data", "root")

    def __init__(self, data: Any):
        self.data = data
        self.root = id(root_of(data))  # identifies the memory, for value semantics
        self.dtype = data.dtype
        self.shape = data.shape
        self.depth = 0
        self.count = 1

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

    def __init__(self, value: bool | int | float | complex):
        self.value = value
        self.dtype = None  # weak: takes its dtype from the op that uses it
        self.shape = ()
        self.depth = 0
        self.count = 1

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


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


class Op(Node):
    """One op-table operation. ``dtype`` is the result dtype; ``shape`` the broadcast shape."""

    __slots__ = ("name", "args", "leaves", "roots", "memo")

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
        elif len(args) == 2 and (type(args[1]) is Const or type(args[0]) is Const):
            # an operand and a Python scalar (the common recording): the general rule below
            # reduced -- a Const has depth 0, count 1, no leaves and no roots
            a = args[0] if type(args[1]) is Const else args[1]
            self.depth = a.depth + 1
            self.count = a.count + 2
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
        self.memo = None

    def __repr__(self) -> str:
        return f"Op({self.name}, {self.dtype}, {self.shape})"
