"""Canonicalization: named passes, each a pure ``Program -> Program`` function.

The passes only make rewrites that are *exact* for the dtype at hand under
IEEE-754 and NumPy's integer wraparound. ``x*0`` is not ``0`` for floats
(NaN, inf, -0.0); ``x+0.0`` is not ``x`` (``-0.0 + 0.0 == +0.0``), but
``x + -0.0``, ``x - 0.0``, ``x*1``, ``x/1``, ``x**1`` and ``--x`` are.

``PIPELINE`` lists the passes in order; ``explain()`` can show each result.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..expr.ops import OPS
from .program import Def, In, Param, Program, _Builder, cse_key

# --- constant folding -------------------------------------------------------


def _fold(d: Def, defs: list) -> Param:
    out = np.empty((), dtype=d.dtype)
    OPS[d.op].numpy(*(defs[s].value for s in d.srcs), out=out)
    return Param(out[()], d.dtype)


def fold_constants(p: Program) -> Program:
    """An op whose operands are all scalars is computed now and becomes a scalar.

    The result is a strong scalar of the op's dtype, computed by the same NumPy
    function the executor would have used, so the value is identical.
    """
    defs = list(p.defs)
    changed = False
    for r, d in enumerate(defs):
        if type(d) is not Def or not all(type(defs[s]) is Param for s in d.srcs):
            continue
        defs[r] = _fold(d, defs)
        changed = True
    return Program(defs, p.outputs, p.shape) if changed else p


# --- exact identities -------------------------------------------------------


def _float_zero_sign(v) -> int | None:
    """+1 / -1 for a +0.0 / -0.0 scalar, None otherwise."""
    if v != 0:
        return None
    if isinstance(v, (bool, np.bool_, int, np.integer)):
        return 1  # an integer zero converts to +0.0
    return -1 if math.copysign(1.0, float(v.real if isinstance(v, complex) else v)) < 0 else 1


def _param(p: Program, r: int):
    d = p.defs[r]
    return d.value if type(d) is Param else None


def _identity_operand(p: Program, d: Def) -> int | None:
    """If ``d`` equals one of its operands (up to a cast to ``d.dtype``), return that operand."""
    op, srcs, dt = d.op, d.srcs, d.dtype
    kind = dt.kind
    if len(srcs) == 2:
        a, b = srcs
        va, vb = _param(p, a), _param(p, b)
        if op == "add":
            for x, v in ((a, vb), (b, va)):
                if v is None:
                    continue
                if kind in "iub" and v == 0 and not (kind == "b"):
                    return x
                if kind == "f" and _float_zero_sign(v) == -1:
                    return x
        elif op == "subtract":
            if vb is not None:
                if kind in "iu" and vb == 0:
                    return a
                if kind == "f" and _float_zero_sign(vb) == 1:
                    return a
        elif op == "multiply":
            for x, v in ((a, vb), (b, va)):
                if v is not None and kind in "iubf" and v == 1:
                    return x
        elif op == "divide":
            if vb is not None and kind == "f" and vb == 1:
                return a
        elif op == "floor_divide":
            if vb is not None and kind in "iu" and vb == 1:
                return a
        elif op == "pow":
            if vb is not None and kind in "iuf" and vb == 1 and not isinstance(vb, (bool, np.bool_)):
                return a
        elif op in ("maximum", "minimum", "bitwise_and", "bitwise_or", "logical_and", "logical_or",
                    "fmax", "fmin"):
            if a == b and p.dtype_of(a) == dt:
                return a
        return None
    if len(srcs) == 1:
        (x,) = srcs
        src = p.defs[x]
        if op == "positive" and kind in "iufc":
            return x
        if op == "astype" and p.dtype_of(x) == dt:
            return x
        if op in ("conj", "real") and kind != "c" and p.dtype_of(x) == dt:
            return x
        if type(src) is Def and len(src.srcs) == 1:
            inner = src.srcs[0]
            if op == src.op == "negative" and kind in "iuf":
                return inner
            if op == src.op == "bitwise_invert" and kind in "iub":
                return inner
            if op == src.op == "logical_not" and p.dtype_of(inner) == dt:
                return inner
            if op == src.op == "abs":
                return x
            if op == src.op == "conj":
                return inner
    return None


def _cast_is_exact_chain(p: Program, d: Def) -> int | None:
    """``astype(astype(x, A), B)`` -> ``astype(x, B)`` when the first cast is lossless."""
    if d.op != "astype":
        return None
    src = p.defs[d.srcs[0]]
    if type(src) is Def and src.op == "astype":
        x = src.srcs[0]
        xdt = p.dtype_of(x)
        # Lossless only within a kind family: NumPy calls int64 -> float64 "safe"
        # but it rounds, and float -> int differs from int -> int (no wraparound).
        same_family = xdt is not None and (xdt.kind in "iu") == (src.dtype.kind in "iu") \
            and (xdt.kind == "c") == (src.dtype.kind == "c") and xdt.kind != "b" and src.dtype.kind != "b"
        # ... and then to a target of the same family, unless the middle is an integer
        # (int -> wider int -> float is exact; float -> wider float -> int is not: NaN).
        then_ok = src.dtype.kind in "iu" or (d.dtype.kind in "fc") == (src.dtype.kind in "fc")
        if same_family and then_ok and np.can_cast(xdt, src.dtype, "safe"):
            return x
    return None


def apply_identities(p: Program) -> Program:
    """Replace ops that are exactly one of their operands (or a cast of it)."""
    defs = list(p.defs)
    alias: dict[int, int] = {}
    changed = False
    work = Program(defs, p.outputs, p.shape)
    for r, d in enumerate(defs):
        if type(d) is not Def:
            continue
        if any(s in alias for s in d.srcs):
            d = Def(d.op, tuple(alias.get(s, s) for s in d.srcs), d.dtype)
            defs[r] = d
            changed = True
        x = _identity_operand(work, d)
        if x is not None:
            xdt = work.dtype_of(x)
            if xdt == d.dtype and type(defs[x]) is not Param:
                alias[r] = x
            elif type(defs[x]) is Param:
                continue  # folding handles scalars
            else:
                defs[r] = Def("astype", (x,), d.dtype)
            changed = True
            continue
        inner = _cast_is_exact_chain(work, d)
        if inner is not None:
            defs[r] = Def("astype", (inner,), d.dtype) if work.dtype_of(inner) != d.dtype else defs[r]
            if work.dtype_of(inner) == d.dtype:
                alias[r] = inner
            changed = True
    if not changed:
        return p
    outputs = [alias.get(o, o) for o in p.outputs]
    return Program(defs, outputs, p.shape)


# --- common subexpressions and dead code ------------------------------------


def eliminate_common_subexpressions(p: Program) -> Program:
    """Merge ops that became identical after the rewrites above."""
    seen: dict[tuple, int] = {}
    alias: dict[int, int] = {}
    defs = list(p.defs)
    for r, d in enumerate(defs):
        if type(d) is not Def:
            continue
        if any(s in alias for s in d.srcs):
            d = Def(d.op, tuple(alias.get(s, s) for s in d.srcs), d.dtype)
            defs[r] = d
        k = cse_key(d.op, d.srcs, d.dtype)
        if k in seen:
            alias[r] = seen[k]
        else:
            seen[k] = r
    if not alias:
        return Program(defs, p.outputs, p.shape)
    return Program(defs, [alias.get(o, o) for o in p.outputs], p.shape)


def remove_dead_code(p: Program) -> Program:
    """Keep only registers the outputs need, renumbered canonically.

    Canonical order: inputs, then scalars, then ops -- each in order of first
    definition -- so that structurally equal programs number registers alike.
    """
    live = [False] * len(p.defs)
    for o in p.outputs:
        live[o] = True
    for r in range(len(p.defs) - 1, -1, -1):
        d = p.defs[r]
        if live[r] and type(d) is Def:
            for s in d.srcs:
                live[s] = True
    order = [r for r, d in enumerate(p.defs) if live[r] and type(d) is In]
    order += [r for r, d in enumerate(p.defs) if live[r] and type(d) is Param]
    order += [r for r, d in enumerate(p.defs) if live[r] and type(d) is Def]
    new = {old: i for i, old in enumerate(order)}
    defs = []
    for old in order:
        d = p.defs[old]
        if type(d) is Def:
            d = Def(d.op, tuple(new[s] for s in d.srcs), d.dtype)
        defs.append(d)
    return Program(defs, [new[o] for o in p.outputs], p.shape)


class PeepholeBuilder(_Builder):
    """Applies the passes' rules to each op as linearization adds it.

    The result, after ``remove_dead_code``, is the same program ``PIPELINE``
    produces from the recorded one (a test holds the two together), in one walk
    instead of five: this is the path every materialization takes.
    """

    #: Set when an op was folded at compile time: folding runs NumPy, which may warn or raise
    #: per the caller's errstate, so such a plan must not be replayed from the plan cache.
    folded = False

    def op(self, name: str, srcs: tuple[int, ...], dtype: np.dtype) -> int:
        defs = self.defs
        d = Def(name, srcs, dtype)
        if all(type(defs[s]) is Param for s in srcs):
            self.folded = True
            f = _fold(d, defs)
            return self.param(f.value, f.dtype)
        x = _identity_operand(self, d)
        if x is not None and type(defs[x]) is not Param:
            return x if self.dtype_of(x) == dtype else self.op("astype", (x,), dtype)
        inner = _cast_is_exact_chain(self, d)
        if inner is not None:
            return inner if self.dtype_of(inner) == dtype else self.op("astype", (inner,), dtype)
        return super().op(name, srcs, dtype)


PIPELINE: tuple[Callable[[Program], Program], ...] = (
    fold_constants,
    apply_identities,
    fold_constants,
    eliminate_common_subexpressions,
    remove_dead_code,
)


def canonicalize(p: Program, trace: list | None = None) -> Program:
    """Run ``PIPELINE``; if ``trace`` is a list, append ``(pass name, program)`` after each pass."""
    for step in PIPELINE:
        p = step(p)
        if trace is not None:
            trace.append((step.__name__, p))
    return p
