"""Fused reductions compiled by Numba: ``np.<kind>`` of a circuit's single output, never stored.

``compile_reduction(circuit, kind) -> ReductionKernel``; ``rk(buffers, values, axis=None | -1 | 0)
-> (result, flags)``. Kinds: ``REDUCTIONS`` (``mean`` is a sum and one division, the caller's).

How it runs: each thread computes the expression ``SCRATCH`` elements at a time into a small
buffer of its own (``fill``: the circuit's element loop exactly as ``kernel_contig`` runs it --
the fast helpers, vectorized, and the exact re-run where one met an argument beyond it) and
reduces the buffer while it is in L1. So the expression's math runs as fast as in an
element-wise kernel, and memory sees only the inputs, once.

Exactness (tests/test_cpu_numba.py and tests/test_compiled_reductions.py check every kind against
NumPy on the materialized value):

* float ``sum``: NumPy's pairwise summation (``loops_utils.h.src``) bit for bit -- per row for
  the last axis; over the whole array for ``axis=None``, the tree's top levels cut into
  leaves summed in parallel and combined in NumPy's order. A subtree of at most ``SCRATCH``
  elements is computed into the buffer and summed there by the same recursion.
* float ``prod`` multiplies sequentially from the first element, as NumPy (one range).
* ``axis=0`` (``reduce_cols``; at least two columns, the trailing axes flattened): every kind
  folds the rows in order into a result per column, as NumPy's loop does for axis 0 (float
  sums included: sequential per column there, not pairwise); each thread takes a block of
  columns, a full-width block computes ``SCRATCH // ncols`` rows into the buffer at a time.
* ``"moments"`` (``var`` / ``std`` over all axes): per buffer NumPy's two passes in float64,
  buffers and ranges merged exactly (Chan et al.): NumPy's accuracy or better, not its bits.
* ``"sqdev"`` (``var`` / ``std`` over the last axis, float expressions): per row NumPy's
  ``_var`` before its division, bit for bit -- the row's pairwise sum, its mean divided in
  float64 and rounded to the row's dtype, the deviations squared in that dtype and summed
  pairwise; the caller divides by ``n - ddof`` as NumPy does (``compiler/reduce.py``). Rows
  longer than ``SCRATCH`` compute the expression twice (once per pass).
* integer / bool sums and products (NumPy's accumulator dtype: ``np.sum`` of int8 is int64,
  wrapping as NumPy), ``any`` / ``all``, ``min`` / ``max`` (NaN propagates) and ``argmin`` /
  ``argmax`` (the first extreme; the first NaN) are NumPy's exactly, except that ``min`` /
  ``max`` of a +0.0 / -0.0 tie may return the other zero than NumPy's SIMD loop.

Inputs must be C-contiguous, of the output's shape or broadcast along axes that leave one block
of them (a row ``(n,)``, a column ``(m, 1)``, ``(1, k, 1)``: ``flat_block``); such an input's
values at a block's flat indices are copied into a scratch buffer of its own first (``expand``),
so the element loop still loads contiguously. Anything else raises ``NotImplementedError``: the
caller reduces chunk by chunk with the NumPy executor (``compiler/reduce.py``).
"""
from __future__ import annotations

import hashlib
import math
import threading
from typing import Any, Sequence

import numpy as np

from ..compiler.circuit import Circuit
from . import cpu_numba
from .cpu_numba import _BOOL, _F16, _NEG_POW_MSG, CODEGEN_VERSION, Kernel, _Gen, _fpe_hw, _hw_possible

REDUCTIONS = ("sum", "prod", "min", "max", "any", "all", "argmin", "argmax")
#: Also compiled: ``"moments"`` -- (count, mean, sum of squared deviations) over all axes, in
#: float64, for ``var`` / ``std`` (``ReductionKernel.__call__``) -- and ``"sqdev"``: per row
#: of the last axis, the sum of squared deviations from the row's mean, as NumPy's ``var``.
KINDS = REDUCTIONS + ("moments", "sqdev")
#: Elements computed into a thread's buffer at a time (16 KiB of float32: stays in L1).
SCRATCH = 4096
#: Fewest elements per range of a whole-array reduction (a leaf of NumPy's pairwise tree for
#: float sums); large arrays get ~``RANGES`` ranges, split evenly between the threads.
PAIRWISE_LEAF = 1 << 16
RANGES = 32
#: The entry points a reduction over all axes, the last one or the first one runs
#: (``ReductionKernel.compile``: each compiled on first need, as the element-wise variants).
MODES = {"all": ("reduce_ranges",), "last": ("reduce_rows", "reduce_ranges"), "first": ("reduce_cols",)}

#: The entry points each family has (``moments``: over all axes only; ``sqdev``: the last).
_ENTRY_POINTS = {"moments": ("reduce_ranges",), "sqdev": ("reduce_ranges", "reduce_rows")}
_ALL_ENTRY_POINTS = ("reduce_ranges", "reduce_rows", "reduce_cols")

#: Accumulation of the kinds that fold the buffer into one running value: (init, update).
_FOLDS = {
    "sum": ("0", "acc = ACC(acc + ACC(tmp[t]))"),
    "prod": ("1", "acc = ACC(acc * ACC(tmp[t]))"),
    "any": ("False", "acc = acc | (tmp[t] != 0)"),
    "all": ("True", "acc = acc & (tmp[t] != 0)"),
}


def _acc_dtype(kind: str, dt: np.dtype) -> np.dtype:
    """The result dtype NumPy's ``np.<kind>`` gives for an array of dtype ``dt``."""
    if kind == "moments":
        return np.dtype(np.float64)
    if kind == "sqdev":
        return dt
    if kind in ("any", "all"):
        return _BOOL
    if kind in ("argmin", "argmax"):
        return np.dtype(np.intp)
    if kind in ("min", "max"):
        return dt
    return getattr(np, kind)(np.zeros(1, dt)).dtype


def _family(kind: str, dt: np.dtype) -> str:
    if kind in ("moments", "sqdev"):
        return kind
    if kind == "sum" and dt.kind == "f":
        return "pairwise"
    if kind in _FOLDS:
        return "fold"
    return "extreme" if kind in ("min", "max") else "arg"


def _ctor(dt: np.dtype) -> str:
    return "np.bool_" if dt == _BOOL else "np." + dt.name


def _storage(dt: np.dtype) -> np.dtype:
    """The dtype a kernel receives an input of dtype ``dt`` as (float16: its bits)."""
    return np.dtype(np.uint16) if dt == _F16 else dt


def flat_block(stretched: Sequence[bool]) -> tuple[int, int] | None:
    """For an input broadcast along the output axes ``stretched`` marks: the first and last of
    the axes it spans, if they are consecutive -- its element at the output's flat index ``i``
    is then ``((i // B) % P)`` of its own flat buffer, ``B`` the product of the output's extents
    after that block and ``P`` of those in it -- else None (``(1, m, 1)`` spans one block,
    ``(k, 1, m)`` does not). An input broadcast along every axis spans none: ``(n, -1)``."""
    axes = [d for d, st in enumerate(stretched) if not st]
    if not axes:
        return len(stretched), -1
    if axes[-1] - axes[0] + 1 != len(axes):
        return None
    return axes[0], axes[-1]


def flat_broadcast(circuit: Circuit, buffers: Sequence[Any], shape: tuple) -> np.ndarray | None:
    """The ``(B, P)`` rows (``flat_block``) of a reduction's inputs for the output ``shape``,
    or None where the kernels cannot take the buffers: not C-contiguous, or a broadcast input
    that is not one block of the output's axes. Inputs of the full shape: ``(1, size)``."""
    size = math.prod(shape)
    bp = np.empty((len(buffers), 2), np.int64)
    for k, (b, sig) in enumerate(zip(buffers, circuit.inputs)):
        if not b.flags.c_contiguous:
            return None
        if b.shape == shape:
            bp[k] = 1, size
            continue
        block = flat_block(sig.stretched) if len(sig.stretched) == len(shape) else None
        if block is None:
            return None
        first, last = block
        inner, span = math.prod(shape[last + 1:]), math.prod(shape[first:last + 1])
        if b.size != span:
            return None
        bp[k] = inner if span > 1 else max(size, 1), span
    return bp


#: Entries of the explicit stack that walks a pairwise tree (depth <= 64: 2 per level).
_STACK = 160


def _tree_walk(leaf: str, leaf_lines: list[str], acc: str) -> list[str]:
    """Body of a function summing ``[lo, lo+n)`` along NumPy's pairwise tree (split at
    ``n // 2`` rounded down to a multiple of 8, down to leaves of at most ``leaf`` elements,
    whose sums ``leaf_lines`` store in ``vals[vp]``), as a loop over an explicit stack
    ``st`` rather than a recursion: Numba's disk cache cannot reload recursive functions
    (the reloaded machine code crashes)."""
    return [
        "    st[0, 0] = lo",
        "    st[0, 1] = n",
        "    st[0, 2] = 0",
        "    sp = 1",
        "    vp = 0",
        "    while sp > 0:",
        "        sp -= 1",
        "        l = st[sp, 0]",
        "        m = st[sp, 1]",
        "        if st[sp, 2] == 1:  # both halves summed: add them, left + right",
        "            vp -= 1",
        f"            vals[vp - 1] = {acc}(vals[vp - 1] + vals[vp])",
        f"        elif m <= {leaf}:",
        *["            " + line for line in leaf_lines],
        "            vp += 1",
        "        else:  # the halves go on the stack above their sum, the left half on top",
        "            m2 = m // 2",
        "            m2 -= m2 % 8",
        "            st[sp, 2] = 1",
        "            st[sp + 1, 0] = l + m2",
        "            st[sp + 1, 1] = m - m2",
        "            st[sp + 1, 2] = 0",
        "            st[sp + 2, 0] = l",
        "            st[sp + 2, 1] = m2",
        "            st[sp + 2, 2] = 0",
        "            sp += 3",
        "    return vals[0]", "", "",
    ]


def generate_reduction_source(circuit: Circuit, kind: str) -> tuple[str, list]:
    """(source, parameter uses) of the reduction kernels
    ``reduce_ranges``, ``reduce_rows`` and ``reduce_cols`` (``_ENTRY_POINTS``: fewer for some) for the
    circuit's single output."""
    c = circuit
    if kind not in KINDS:
        raise ValueError(f"hologram_array numba_reduce: reduction {kind!r} not in {KINDS}")
    if len(c.outputs) != 1:
        raise NotImplementedError("hologram_array numba_reduce: a fused reduction of several outputs")
    dt = c.output_dtypes[0]
    if dt.kind not in "biuf" or dt == _F16 or (kind == "sqdev" and dt.kind != "f"):
        raise NotImplementedError(f"hologram_array numba_reduce: fused {kind} of {dt}")
    if c.out_ndim == 0:
        raise NotImplementedError("hologram_array numba_reduce: a 0-d expression")
    g = _Gen(c, True)
    body = g.body()
    fast_body = g.body(fast=True)
    has_slow = g.has_slow
    val = g.output_value(c.outputs[0])
    in_args = [f"in{k}" for k in range(g.ni)]
    p_args = [g.uses[(k, d.str, fl)] for k, d, fl in g.use_list]
    used = sorted({s for ins in c.instrs for s in ins.srcs if s < g.ni} | {o for o in c.outputs if o < g.ni})
    # inputs broadcast along some axes: their values at the fill's flat indices are first copied
    # into a scratch buffer of their own (``expand``), so the element loop loads contiguously
    bk = [k for k in used if any(c.inputs[k].stretched)]
    for k in bk:
        if flat_block(c.inputs[k].stretched) is None:
            raise NotImplementedError("hologram_array numba_reduce: an input broadcast between its axes")
    vargs = ", ".join(in_args + p_args + (["bp"] if bk else []) + ["err"])
    fx = "".join(f", ex{k}" for k in bk)

    def ex_alloc(indent: str) -> list[str]:
        return [f"{indent}ex{k} = np.empty(S, {_ctor(_storage(c.inputs[k].dtype))})" for k in bk]

    def load(k: int) -> str:
        src = f"ex{k}[j]" if k in bk else f"in{k}[i]"
        return f"x{k} = h2f({src})" if c.inputs[k].dtype == _F16 else f"x{k} = {src}"
    loads = [load(k) for k in used]
    acc_dt = _acc_dtype(kind, dt)
    ACC, DT = _ctor(acc_dt), _ctor(dt)
    fam = _family(kind, dt)
    # min/max/argmin/argmax compare with ordered compares, which raise "invalid" on a NaN where
    # NumPy's loops raise nothing: their flags are the expression's only (read after each fill)
    quiet = fam in ("extreme", "arg")

    # 512-bit vectors where LLVM would pick 256 on an AVX-512 CPU (numba_ops.WIDE_VECTORS)
    wide = ["        prefer_wide_vectors()"] if cpu_numba.wide_vectors() else []

    def element_loop(lines_of: list[str], indent: str) -> list[str]:
        return ([f"{indent}for j in range(np.uint64(n)):", f"{indent}    i = ulo + j"]
                + [f"{indent}    {line}" for line in loads + lines_of]
                + [f"{indent}    tmp[j] = {val}"])

    src = [
        "# Generated by hologram_array.backends.numba_reduce (fused reduction) -- do not edit.",
        f"# hologram_array {cpu_numba._hx_version()}, codegen {CODEGEN_VERSION}, reduction {kind} -> {acc_dt}",
        "#", "# circuit:", *("#   " + line for line in c.listing().splitlines()), "#",
        "import numpy as np", "import numba",
        "from hologram_array.backends.numba_ops import *  # noqa: F401,F403", "",
        "_JIT = dict(parallel=True, nogil=True, cache=True, error_model='numpy')",
        "_SER = dict(nogil=True, cache=True, error_model='numpy')",
        f"S = {SCRATCH}", "", "",
        *([
            "@numba.njit(**_SER)",
            "def expand(src, lo, n, B, P, dst):",
            "    # dst[j] = src[((lo + j) // B) % P] for j < n: pieces of src (B == 1), else runs",
            "    # (unsigned indices: the copy loops vectorize)",
            "    un = np.uint64(n)",
            "    j = np.uint64(0)",
            "    if B == 1:",
            "        q = np.uint64(lo % P)",
            "        while j < un:",
            "            run = min(np.uint64(P) - q, un - j)",
            "            for t in range(run):",
            "                dst[j + t] = src[q + t]",
            "            j += run",
            "            q = np.uint64(0)",
            "    else:",
            "        q = np.uint64((lo // B) % P)",
            "        r = np.uint64(lo % B)",
            "        while j < un:",
            "            run = min(np.uint64(B) - r, un - j)",
            "            v = src[q]",
            "            for t in range(run):",
            "                dst[j + t] = v",
            "            j += run",
            "            r = np.uint64(0)",
            "            q += np.uint64(1)",
            "            if q == np.uint64(P):",
            "                q = np.uint64(0)", "", "",
        ] if bk else []),
        "@numba.njit(**_SER)",
        f"def fill(lo, n, {vargs}, tmp{fx}):",
        "    # tmp[:n] = the expression at flat indices lo .. lo+n-1; returns its software flag bits",
        *[f"    expand(in{k}, lo, n, bp[{k}, 0], bp[{k}, 1], ex{k})" for k in bk],
        "    ulo = np.uint64(lo)",
        "    sw1 = sw2 = sw4 = sw8 = False",
        *(["    slow = False"] if has_slow else []),
        *element_loop(fast_body if has_slow else body, "    "),
        *(["    if slow:  # an argument the fast helpers cannot handle: the block again, exactly",
           *element_loop(body, "        ")] if has_slow else []),
        "    return sw_bits(sw1, sw2, sw4, sw8)", "", "",
    ]
    if fam in ("pairwise", "sqdev"):  # NumPy's pairwise summation, of the buffer and of the expression
        src += [
            "@numba.njit(**_SER)",
            "def blk(tmp, lo, n):",
            "    # a leaf of NumPy's pairwise summation: tmp[lo:lo+n], n <= 128",
            "    if n < 8:",
            f"        r = {ACC}(-0.0)",
            "        for i in range(lo, lo + n):",
            f"            r = {ACC}(r + {ACC}(tmp[i]))",
            "        return r",
            "    u = np.uint64(lo)  # (unsigned indices: no negative-index test per load)",
            *[f"    r{j} = {ACC}(tmp[u + np.uint64({j})])" for j in range(8)],
            "    m = np.uint64(n - n % 8)",
            "    for i in range(np.uint64(8), m, np.uint64(8)):",
            "        p = u + i",
            *[f"        r{j} = {ACC}(r{j} + {ACC}(tmp[p + np.uint64({j})]))" for j in range(8)],
            "    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))",
            "    for i in range(m, np.uint64(n)):",
            f"        res = {ACC}(res + {ACC}(tmp[u + i]))",
            "    return res", "", "",
            "@numba.njit(**_SER)",
            "def pw_buf(tmp, lo, n, st, vals):",
            "    # NumPy's pairwise summation of tmp[lo:lo+n]",
            *_tree_walk("128", ["vals[vp] = blk(tmp, l, m)"], ACC),
            "@numba.njit(**_SER)",
            f"def pw(lo, n, {vargs}, tmp{fx}, swa, st, vals, st2, vals2):",
            "    # the same over the expression's values: subtrees of at most S elements in the buffer",
            *_tree_walk("S", [f"swa[0] |= fill(l, m, {vargs}, tmp{fx})", "vals[vp] = pw_buf(tmp, 0, m, st2, vals2)"], ACC),
        ]
        # (+ 0.0: NumPy adds into an output holding the identity, so an all -0.0 sum is +0.0)
        range_body = [f"out[k] = {ACC}(pw(lo, n, {vargs}, tmp{fx}, swa, st, vals, st2, vals2) + {ACC}(0))"]
        row_body = [f"out[r] = {ACC}(pw_buf(tmp, a, ncols, st, vals) + {ACC}(0))"]
        if fam == "sqdev":  # NumPy's _var per row: mean = sum / n (in float64), then sum((x - mean)**2)
            src += [
                "@numba.njit(**_SER)",
                "def sq_dev(tmp, lo, n, mean):",
                "    # tmp[lo:lo+n] = (tmp - mean)**2, rounded as NumPy's x = arr - mean; x * x",
                "    u = np.uint64(lo)",
                "    for i in range(np.uint64(n)):",
                f"        d = {DT}(tmp[u + i] - mean)",
                f"        tmp[u + i] = {DT}(d * d)", "", "",
                "@numba.njit(**_SER)",
                f"def pw_sq(lo, n, mean, {vargs}, tmp{fx}, swa, st, vals, st2, vals2):",
                "    # NumPy's pairwise sum of the expression's squared deviations from mean",
                *_tree_walk("S", [f"swa[0] |= fill(l, m, {vargs}, tmp{fx})", "sq_dev(tmp, 0, m, mean)",
                                  "vals[vp] = pw_buf(tmp, 0, m, st2, vals2)"], ACC),
            ]
            range_body = [  # a row longer than the buffer: the expression computed once per pass
                f"s = {ACC}(pw(lo, n, {vargs}, tmp{fx}, swa, st, vals, st2, vals2) + {ACC}(0))",
                f"mean = {ACC}(np.float64(s) / np.float64(n))",
                f"out[k] = {ACC}(pw_sq(lo, n, mean, {vargs}, tmp{fx}, swa, st, vals, st2, vals2) + {ACC}(0))",
            ]
            row_body = [
                f"s = {ACC}(pw_buf(tmp, a, ncols, st, vals) + {ACC}(0))",
                f"mean = {ACC}(np.float64(s) / np.float64(ncols))",
                "sq_dev(tmp, a, ncols, mean)",
                f"out[r] = {ACC}(pw_buf(tmp, a, ncols, st, vals) + {ACC}(0))",
            ]
    elif fam == "fold":
        init, update = _FOLDS[kind]
        update = update.replace("ACC", ACC)
        src += [
            "@numba.njit(**_SER)",
            "def seg(tmp, a, m, acc):",
            "    u = np.uint64(a)",
            "    for i in range(np.uint64(m)):",
            "        t = u + i",
            f"        {update}",
            "    return acc", "", "",
        ]
        range_body = [
            f"acc = {ACC}({init})",
            "off = 0",
            "while off < n:",
            "    m = min(S, n - off)",
            f"    swa[0] |= fill(lo + off, m, {vargs}, tmp{fx})",
            "    acc = seg(tmp, 0, m, acc)",
            "    off += m",
            "out[k] = acc",
        ]
        row_body = [f"out[r] = seg(tmp, a, ncols, {ACC}({init}))"]
    elif fam == "moments":  # per buffer NumPy's two passes in float64, buffers merged exactly
        def lanes(sums: dict[str, str], pre: str = "") -> list[str]:
            # per name, 8 partial sums of its expression of x over tmp[:m] (vectorizable), then
            # their sum; ``pre``: a statement before the expressions (x's deviation, say)
            def step(j: str) -> list[str]:
                return ([f"x = np.float64(tmp[{j}])"] + ([pre] if pre else [])
                        + [f"{name}{{}} += {e}" for name, e in sums.items()])
            return [*[f"    {name}{j} = 0.0" for name in sums for j in range(8)],
                    "    for i in range(np.uint64(0), m8, np.uint64(8)):",
                    *[f"        {line.format(j)}" for j in range(8) for line in step(f"i + np.uint64({j})")],
                    *[f"    {name} = (({name}0 + {name}1) + ({name}2 + {name}3)) + (({name}4 + {name}5)"
                      f" + ({name}6 + {name}7))" for name in sums],
                    "    for i in range(m8, um):",
                    *[f"        {line.format('')}" for line in step("i")]]
        src += [
            "@numba.njit(**_SER)",
            "def stats(tmp, m):",
            "    # (mean, sum of deviations, sum of squared deviations) of tmp[:m]: the deviations",
            "    # from the rounded mean, and their sum, which makes the merge exact",
            "    um = np.uint64(m)",
            "    m8 = um - um % np.uint64(8)",
            *lanes({"s": "x"}),
            "    mb = s / m",
            *lanes({"d": "y", "q": "y * y"}, "y = x - mb"),
            "    return mb, d, q", "", "",
        ]
        range_body = [
            "cnt = 0.0",
            "mu = 0.0",
            "m2 = 0.0",
            "off = 0",
            "while off < n:",
            "    m = min(S, n - off)",
            f"    swa[0] |= fill(lo + off, m, {vargs}, tmp{fx})",
            "    mb, d, q = stats(tmp, m)",
            "    nb = np.float64(m)",
            "    mb2 = mb + d / nb  # the buffer's mean and squared deviations from it",
            "    q2 = q - d * d / nb",
            "    if off == 0:",
            "        mu, m2, cnt = mb2, q2, nb",
            "    else:  # Chan et al.'s merge",
            "        tot = cnt + nb",
            "        delta = mb2 - mu",
            "        mu += delta * (nb / tot)",
            "        m2 += q2 + delta * delta * (cnt * nb / tot)",
            "        cnt = tot",
            "    off += m",
            "out[2 * k] = mu",
            "out[2 * k + 1] = m2",
        ]
        row_body = None
    else:  # min / max, and argmin / argmax: 8 running extremes (vectorizable), a NaN flag
        better = ">" if kind in ("max", "argmax") else "<"
        nan8 = " | ".join(f"(v{j} != v{j})" for j in range(8)) if dt.kind == "f" else "False"
        src += [
            "@numba.njit(**_SER)",
            "def seg(tmp, a, m, best, nan):",
            "    # (extreme, NaN met) of tmp[a:a+m] and best",
            "    u = np.uint64(a)",
            "    um = np.uint64(m)",
            *[f"    b{j} = best" for j in range(8)],
            "    i = np.uint64(0)",
            "    while i + np.uint64(8) <= um:",
            "        p = u + i",
            *[f"        v{j} = tmp[p + np.uint64({j})]" for j in range(8)],
            *[f"        b{j} = v{j} if v{j} {better} b{j} else b{j}" for j in range(8)],
            f"        nan |= {nan8}",
            "        i += np.uint64(8)",
            "    while i < um:",
            "        v = tmp[u + i]",
            f"        b0 = v if v {better} b0 else b0",
            "        nan |= v != v" if dt.kind == "f" else "        pass",
            "        i += np.uint64(1)",
            *[f"    b0 = b{j} if b{j} {better} b0 else b0" for j in range(1, 8)],
            "    return b0, nan", "", "",
        ]
        if fam == "extreme":
            result = f"{DT}(np.nan) if nan else best" if dt.kind == "f" else "best"
            range_body = [
                f"best = {DT}(0)",
                "nan = False",
                "off = 0",
                "while off < n:",
                "    m = min(S, n - off)",
                "    fpe_clear()  # (the ordered compares below flag NaNs: not NumPy's flags)",
                f"    swa[0] |= fill(lo + off, m, {vargs}, tmp{fx}) | fpe_read()",
                "    if off == 0:",
                "        best = tmp[0]",
                "    best, nan = seg(tmp, 0, m, best, nan)",
                "    off += m",
                f"out[k] = {result}",
                "where[k] = lo",
            ]
            row_body = ["best, nan = seg(tmp, a, ncols, tmp[a], False)", f"out[r] = {result}"]
        else:  # the first index of the extreme (or of the first NaN): found after the extreme
            src += [
                "@numba.njit(**_SER)",
                "def first(tmp, a, m, v, nan):",
                "    # the first t with tmp[a+t] == v (a NaN when nan)",
                "    for t in range(m):",
                "        x = tmp[a + t]",
                "        if (x != x) if nan else (x == v):",
                "            return t",
                "    return m - 1", "", "",
                "@numba.njit(**_SER)",
                "def seg_arg(tmp, a, m, base, best, at):",
                "    # (best, its index, a NaN met) after tmp[a:a+m], whose indices are base + t",
                "    b, nan = seg(tmp, a, m, tmp[a], False)",
                f"    if nan or at < 0 or b {better} best:",
                "        t = first(tmp, a, m, b, nan)",
                "        return tmp[a + t], base + t, nan",
                "    return best, at, False", "", "",
            ]
            range_body = [
                f"best = {DT}(0)",
                "at = np.int64(-1)",
                "stop = False",
                "off = 0",
                "while off < n:",
                "    m = min(S, n - off)",
                "    fpe_clear()  # (the ordered compares below flag NaNs: not NumPy's flags)",
                f"    swa[0] |= fill(lo + off, m, {vargs}, tmp{fx}) | fpe_read()",
                "    if not stop:  # after a NaN: the rest still computed, for its flags",
                "        best, at, stop = seg_arg(tmp, 0, m, lo + off, best, at)",
                "    off += m",
                "out[k] = best",
                "where[k] = at",
            ]
            row_body = [f"best, at, stop = seg_arg(tmp, a, ncols, np.int64(0), {DT}(0), np.int64(-1))",
                        "out[r] = best", "where[r] = at"]
    src += [
        "@numba.njit(**_JIT)",
        f"def reduce_ranges(starts, lens, groups, {vargs}, out, where, fl):",
        "    # out[k] (where[k]) = the reduction of flat elements starts[k] .. +lens[k];",
        "    # a thread takes a group of consecutive ranges, with one buffer",
        "    for g in numba.prange(groups.shape[0] - 1):",
        *wide,
        f"        tmp = np.empty(S, {DT})",
        *ex_alloc("        "),
        "        swa = np.zeros(1, np.uint8)",
        *([f"        st = np.empty(({_STACK}, 3), np.int64)", f"        vals = np.empty({_STACK}, {ACC})",
           f"        st2 = np.empty(({_STACK}, 3), np.int64)", f"        vals2 = np.empty({_STACK}, {ACC})"]
          if fam in ("pairwise", "sqdev") else []),
        "        for k in range(groups[g], groups[g + 1]):",
        "            fpe_clear()",
        "            swa[0] = 0",
        "            lo = starts[k]",
        "            n = lens[k]",
        *["            " + line for line in range_body],
        f"            fl[k] = np.uint8({'' if quiet else 'fpe_read() | '}swa[0])",
    ]
    if fam not in _ENTRY_POINTS:  # (moments, sqdev: no axis 0)
        first, step = _column_steps(kind, dt, ACC)
        src += [
            "", "",
            "@numba.njit(**_JIT)",
            f"def reduce_cols(nrows, ncols, cb, groups, {vargs}, out, where, fl):",
            "    # out[c] (where[c]) = the reduction over axis 0 of column c, the rows accumulated in",
            "    # order (NumPy's order for axis 0); blocks of cb columns (fl: per block), a",
            "    # full-width block computing S // ncols rows into the buffer at a time",
            "    per = max(1, S // ncols) if cb == ncols else 1",
            "    for g in numba.prange(groups.shape[0] - 1):",
            *wide,
            f"        tmp = np.empty(S, {DT})",
            *ex_alloc("        "),
            "        for b in range(groups[g], groups[g + 1]):",
            "            c0 = b * cb",
            "            m = min(cb, ncols - c0)",
            "            uc0 = np.uint64(c0)",
            "            fpe_clear()",
            "            sw = 0",
            "            r0 = 0",
            "            while r0 < nrows:",
            "                r1 = min(r0 + per, nrows)",
            *(["                fpe_clear()  # (the fill's flags only: see quiet)"] if quiet else []),
            f"                sw |= fill(r0 * ncols + c0, (r1 - r0 - 1) * ncols + m, {vargs}, tmp{fx}) | fpe_read()",
            "                for r in range(r0, r1):",
            "                    ua = np.uint64((r - r0) * ncols)",
            "                    if r == 0:",
            "                        for j in range(np.uint64(m)):",
            "                            c = uc0 + j",
            "                            v = tmp[ua + j]",
            *["                            " + line for line in first],
            "                    else:",
            "                        for j in range(np.uint64(m)):",
            "                            c = uc0 + j",
            "                            v = tmp[ua + j]",
            *["                            " + line for line in step],
            "                r0 = r1",
            f"            fl[b] = np.uint8({'' if quiet else 'fpe_read() | '}sw)",
        ]
    if row_body is not None:
        src += [
            "", "",
            "@numba.njit(**_JIT)",
            f"def reduce_rows(nrows, ncols, groups, {vargs}, out, where, fl):",
            "    # rows of ncols <= S elements, S // ncols rows computed into the buffer at a time;",
            "    # a group is a run of such blocks (fl: per block)",
            "    per = max(1, S // ncols)",
            "    for g in numba.prange(groups.shape[0] - 1):",
            *wide,
            f"        tmp = np.empty(S, {DT})",
            *ex_alloc("        "),
            *([f"        st = np.empty(({_STACK}, 3), np.int64)", f"        vals = np.empty({_STACK}, {ACC})"]
              if fam in ("pairwise", "sqdev") else []),
            "        for b in range(groups[g], groups[g + 1]):",
            "            r0 = b * per",
            "            r1 = min(r0 + per, nrows)",
            "            fpe_clear()",
            f"            sw = fill(r0 * ncols, (r1 - r0) * ncols, {vargs}, tmp{fx}) | fpe_read()",
            "            fpe_clear()  # (the fill's flags only, for min/max/arg: see quiet)",
            "            for r in range(r0, r1):",
            "                a = (r - r0) * ncols",
            *["                " + line for line in row_body],
            f"            fl[b] = np.uint8({'' if quiet else 'fpe_read() | '}sw)",
        ]
    return "\n".join(src) + "\n", g.use_list


def _column_steps(kind: str, dt: np.dtype, ACC: str) -> tuple[list[str], list[str]]:
    """Lines folding ``v`` (column ``c``'s value in row ``r``) into ``out[c]`` (and ``where[c]``):
    for row 0, and for every later row -- NumPy's elementwise loop over the rows."""
    flt = dt.kind == "f"
    if kind in ("sum", "prod"):
        op = "+" if kind == "sum" else "*"
        first = f"{ACC}({ACC}(0) + {ACC}(v))" if kind == "sum" else f"{ACC}(v)"  # (as above: -0.0)
        return [f"out[c] = {first}"], [f"out[c] = {ACC}(out[c] {op} {ACC}(v))"]
    if kind in ("any", "all"):
        op = "|" if kind == "any" else "&"
        return ["out[c] = v != 0"], [f"out[c] = out[c] {op} (v != 0)"]
    better = ">" if kind in ("max", "argmax") else "<"
    # NaN propagates (the first one stays); a tie keeps the earlier value
    take = f"(o == o) and ((v != v) or (v {better} o))" if flt else f"v {better} o"
    if kind in ("max", "min"):
        return ["out[c] = v"], ["o = out[c]", f"out[c] = v if {take} else o"]
    return (["out[c] = v", "where[c] = 0"],
            ["o = out[c]", f"t = {take}", "out[c] = v if t else o", "where[c] = r if t else where[c]"])


def _pairwise_leaves(n: int, leaf: int) -> Any:
    """NumPy's pairwise tree over ``[0, n)`` cut at ranges of at most ``leaf`` elements:
    nested ``(lo, n)`` leaves / ``[left, right]`` pairs, combined in the same order as NumPy."""
    def split(lo: int, m: int) -> Any:
        if m <= max(leaf, 128):
            return (lo, m)
        m2 = m // 2
        m2 -= m2 % 8
        return [split(lo, m2), split(lo + m2, m - m2)]
    return split(0, n)


def _flatten(tree: Any, leaves: list) -> None:
    if isinstance(tree, tuple):
        leaves.append(tree)
    else:
        _flatten(tree[0], leaves)
        _flatten(tree[1], leaves)


def _combine(tree: Any, it: Any, acc: np.dtype) -> Any:
    """The leaves' sums combined as NumPy's recursion adds them (in the accumulator dtype)."""
    if isinstance(tree, tuple):
        return next(it)
    a = _combine(tree[0], it, acc)
    return acc.type(a + _combine(tree[1], it, acc))


def _merge_moments(counts: np.ndarray, out: np.ndarray) -> tuple[int, float, float]:
    """(count, mean, sum of squared deviations from it) of the whole array from the ranges'
    (Chan et al.'s pairwise merge, in float64, in order)."""
    n, mu, m2 = 0.0, 0.0, 0.0
    for c, mean, q in zip(counts.tolist(), out[0::2].tolist(), out[1::2].tolist()):
        if n == 0:
            n, mu, m2 = float(c), mean, q
            continue
        tot = n + c
        delta = mean - mu
        mu += delta * (c / tot)
        m2 += q + delta * delta * (n * c / tot)
        n = tot
    return int(n), mu, m2


def _groups(count: int, parts: int) -> np.ndarray:
    """Boundaries splitting ``count`` consecutive items into at most ``parts`` even runs."""
    parts = max(1, min(count, parts))
    return (np.arange(parts + 1, dtype=np.int64) * count) // parts


class ReductionKernel:
    """A compiled fused reduction of a circuit's single output (``compile_reduction``).

    ``rk(buffers, values, axis=None) -> (result, flags)``: ``np.<kind>`` of the circuit's output
    over all axes (``axis=None``: a NumPy scalar), the last axis (``axis=-1``: an array of shape
    ``shape[:-1]``) or the first (``axis=0``, at least 2 dimensions and 2 columns: an array of
    shape ``shape[1:]``), without storing it; ``flags``: NumPy's floating-point error bits, as
    ``Kernel.__call__``. Exactness: see the module docstring. Inputs must be C-contiguous with the
    output's shape or broadcast as ``flat_broadcast`` takes them (else ``NotImplementedError``:
    the caller reduces another way).
    """

    def __init__(self, circuit: Circuit, kind: str, source: str, uses: list, module: Any):
        self.circuit, self.kind, self.source, self.uses, self.module = circuit, kind, source, uses, module
        #: whether an input is broadcast (the kernels then take the ``flat_broadcast`` rows)
        self.broadcast = any(any(i.stretched) for i in circuit.inputs)
        self.out_dtype = circuit.output_dtypes[0]
        self.acc_dtype = _acc_dtype(kind, self.out_dtype)
        self.family = _family(kind, self.out_dtype)
        #: dtype of the kernels' per-range (per-row, per-column) results
        self.val_dtype = self.out_dtype if self.family in ("extreme", "arg") else self.acc_dtype
        self._k = Kernel(circuit, "", uses, None, False)  # for bind_flags and signatures
        self._unknown = 0 if _fpe_hw() else _hw_possible(circuit)
        self.disk_cached = not module.__name__.startswith("_hologram_numba_nocache")
        self._ready: set[str] = set()  # entry points compiled (``compile``)

    def _signatures(self) -> dict[str, tuple]:
        from numba import types
        from numba.np.numpy_support import from_dtype

        c = self.circuit
        ins_params = self._k._signature("contig")[:c.n_inputs + len(self.uses)]
        if self.broadcast:
            ins_params += (types.Array(types.int64, 2, "C"),)  # bp
        i64 = types.Array(types.int64, 1, "C")
        u8 = types.Array(types.uint8, 1, "C")
        tail = (u8, types.Array(from_dtype(self.val_dtype), 1, "C"), i64, u8)  # err, out, where, fl
        sigs = {"reduce_ranges": (i64, i64, i64, *ins_params, *tail),
                "reduce_rows": (types.int64, types.int64, i64, *ins_params, *tail),
                "reduce_cols": (types.int64, types.int64, types.int64, i64, *ins_params, *tail)}
        have = _ENTRY_POINTS.get(self.family, _ALL_ENTRY_POINTS)
        return {name: sig for name, sig in sigs.items() if name in have}

    def compile(self, mode: str) -> None:
        """Compile (or load from Numba's disk cache) now the entry points reductions over
        ``mode`` (``MODES``: "all", "last", "first") run, for the argument types every call
        passes; a cache that does not load (corrupt, foreign) is deleted and the module compiled
        again, failing that without the cache -- as ``Kernel.dispatcher``."""
        sigs = self._signatures()
        want = self._ready | {name for name in MODES[mode] if name in sigs}
        digest = hashlib.sha256(self.source.encode()).hexdigest()
        for attempt in range(3):
            try:
                for name in sorted(want - self._ready):
                    getattr(self.module, name).compile(sigs[name])
                break
            except Exception:
                if attempt == 2 or not self.disk_cached:
                    raise
                mod = cpu_numba._module_from_file(self.source, digest, fresh=True) if attempt == 0 else None
                if mod is None:
                    mod = cpu_numba._module_in_memory(self.source, digest)
                    self.disk_cached = False
                self.module = mod
                self._ready = set()  # a new module: everything again
        for name in want:
            getattr(self.module, name).disable_compile()
        self._ready = want

    def __call__(self, buffers: Sequence[Any], values: Sequence[Any], axis: int | None = None,
                 threads: int = 0) -> tuple[Any, int]:
        """``threads``: 0 every thread Numba has, 1 the calling thread's work only."""
        bufs = [np.asarray(b) for b in buffers]
        shape = np.broadcast_shapes(*[b.shape for b in bufs]) if bufs else ()
        bp = flat_broadcast(self.circuit, bufs, shape)
        if bp is None:
            raise NotImplementedError("hologram_array numba_reduce: fused reduction of non-contiguous inputs")
        n = int(np.prod(shape, dtype=np.int64))
        if n == 0 or len(shape) == 0:
            raise NotImplementedError("hologram_array numba_reduce: fused reduction of an empty or 0-d array")
        if self.family == "moments" and axis is not None:
            raise NotImplementedError("hologram_array numba_reduce: moments over all axes only")
        if self.family == "sqdev" and axis not in (-1, len(shape) - 1):
            raise NotImplementedError("hologram_array numba_reduce: sqdev over the last axis only")
        if axis == 0 and len(shape) >= 2:
            return self._call_first_axis(shape, n, bufs, values, bp, threads)
        if axis is not None and axis not in (-1, len(shape) - 1):
            raise NotImplementedError("hologram_array numba_reduce: fused reduction over another axis")
        params, pflags, ins, err = self._arguments(bufs, values, bp)
        kind, acc, fam = self.kind, self.acc_dtype, self.family
        val_dt = self.val_dtype
        mod = self.module
        parts = 64 if threads != 1 else 1
        ncols = shape[-1]
        tree = None
        starts = None  # per range, its first flat index (whole rows: the row's)
        if axis is not None and ncols <= SCRATCH:
            nrows = n // ncols
            per = max(1, SCRATCH // ncols)
            nblocks = -(-nrows // per)
            out = np.empty(nrows, val_dt)
            where = np.empty(nrows, np.int64)
            fl = np.zeros(nblocks, np.uint8)
            run = lambda: mod.reduce_rows(nrows, ncols, _groups(nblocks, parts), *ins, *params, err,  # noqa: E731
                                          out, where, fl)
        else:
            if axis is not None:  # long rows: one range each
                starts = np.arange(n // ncols, dtype=np.int64) * ncols
                lens = np.full(n // ncols, ncols, np.int64)
            elif fam == "pairwise":
                tree = _pairwise_leaves(n, max(PAIRWISE_LEAF, -(-n // RANGES)))
                leaves: list = []
                _flatten(tree, leaves)
                starts = np.array([lo for lo, _ in leaves], np.int64)
                lens = np.array([m for _, m in leaves], np.int64)
            elif kind == "prod" and self.out_dtype.kind == "f":  # sequential, as NumPy
                starts, lens = np.zeros(1, np.int64), np.array([n], np.int64)
            else:
                per = max(PAIRWISE_LEAF, -(-n // RANGES))
                starts = np.arange(0, n, per, dtype=np.int64)
                lens = np.minimum(per, n - starts)
            out = np.empty(len(starts) * (2 if fam == "moments" else 1), val_dt)
            where = np.empty(len(starts), np.int64)
            fl = np.zeros(len(starts), np.uint8)
            run = lambda: mod.reduce_ranges(starts, lens, _groups(len(starts), parts), *ins, *params,  # noqa: E731
                                            err, out, where, fl)
        self._run(run, threads)
        if err[0]:
            raise ValueError(_NEG_POW_MSG)
        flags = int(np.bitwise_or.reduce(fl)) | pflags | self._unknown
        if axis is not None:
            if kind in ("argmin", "argmax"):
                res = (where if starts is None else where - starts).astype(np.intp)
            else:
                res = out.astype(acc, copy=False)
            return res.reshape(shape[:-1]), flags
        if fam == "moments":
            return _merge_moments(lens, out), flags
        return self._combine_ranges(out, where, tree), flags

    def _call_first_axis(self, shape: tuple, n: int, bufs: list, values: Sequence[Any], bp: np.ndarray,
                         threads: int) -> tuple:
        """``axis=0`` of an expression of at least 2 dimensions: a result per column (the
        trailing axes flattened), the rows folded in order as NumPy's loop does."""
        ncols = n // shape[0]
        if ncols < 2:  # NumPy then reduces one strided run its own way (pairwise, buffered)
            raise NotImplementedError("hologram_array numba_reduce: axis 0 of a single column")
        params, pflags, ins, err = self._arguments(bufs, values, bp)
        # one block of columns per thread (each streams whole row segments), at most SCRATCH wide
        import numba
        cb = min(SCRATCH, max(64, -(-ncols // (1 if threads == 1 else numba.get_num_threads()))))
        if cb >= ncols:
            cb = ncols
        nblocks = -(-ncols // cb)
        out = np.empty(ncols, self.val_dtype)
        where = np.empty(ncols, np.int64)
        fl = np.zeros(nblocks, np.uint8)
        groups = _groups(nblocks, 1 if threads == 1 else 64)
        self._run(lambda: self.module.reduce_cols(shape[0], ncols, cb, groups, *ins, *params, err, out,
                                                  where, fl), threads)
        if err[0]:
            raise ValueError(_NEG_POW_MSG)
        flags = int(np.bitwise_or.reduce(fl)) | pflags | self._unknown
        res = where.astype(np.intp) if self.kind in ("argmin", "argmax") else out.astype(self.acc_dtype, copy=False)
        return res.reshape(shape[1:]), flags

    def _arguments(self, bufs: list, values: Sequence[Any], bp: np.ndarray) -> tuple:
        """(parameters -- the ``flat_broadcast`` rows last where an input is broadcast --, their
        conversion flags, flat inputs -- float16 as its bits --, the error array) of a kernel
        call."""
        params, pflags = self._k.bind_flags(values)
        if self.broadcast:
            params = (*params, bp)
        ins = [b.reshape(-1) for b in bufs]
        ins = [x.view(np.uint16) if x.dtype == _F16 else x for x in ins]
        return params, pflags, ins, np.zeros(1, np.uint8)

    @staticmethod
    def _run(run: Any, threads: int) -> None:
        """``run()`` on every thread Numba has, or on the calling one (``threads=1``, as
        ``Kernel.run``: no wake-up of the sleeping workers)."""
        if threads == 1:
            get, set_ = cpu_numba.thread_count_calls()
            before = get()
            set_(1)
            try:
                run()
            finally:
                set_(before)
        else:
            run()

    def _combine_ranges(self, out: np.ndarray, where: np.ndarray, tree: Any) -> Any:
        """The whole-array result from the ranges' results, in order."""
        kind, acc = self.kind, self.acc_dtype
        if tree is not None:
            return acc.type(_combine(tree, iter(out), acc))
        if kind in ("sum", "prod"):
            with np.errstate(all="ignore"):
                r = (np.add if kind == "sum" else np.multiply).reduce(out, dtype=acc)
            return acc.type(r)
        if kind == "any":
            return np.bool_(out.any())
        if kind == "all":
            return np.bool_(out.all())
        isnan = np.isnan(out) if out.dtype.kind == "f" else np.zeros(len(out), bool)
        if isnan.any():
            j = int(np.flatnonzero(isnan)[0])
        else:
            j = int(np.argmax(out) if kind in ("max", "argmax") else np.argmin(out))
        if kind in ("argmin", "argmax"):
            return np.intp(where[j])
        return out[j]


_reductions: dict[str, ReductionKernel] = {}
_lock = threading.Lock()


def compile_reduction(circuit: Circuit, kind: str, *, disk_cache: bool = True) -> ReductionKernel:
    """A ``ReductionKernel`` computing ``np.<kind>`` (``REDUCTIONS``) of the circuit's single
    output over all axes, the last one or the first, fused: no full-size temporary. Raises
    ``NotImplementedError`` for what it does not handle (several outputs, complex / float16
    outputs, ops without templates)."""
    source, uses = generate_reduction_source(circuit, kind)
    digest = hashlib.sha256(source.encode()).hexdigest()
    k = _reductions.get(digest)
    if k is not None:
        return k
    if not cpu_numba.available():
        raise ImportError("hologram_array numba_reduce: numba is not installed")
    mod = cpu_numba._module_from_file(source, digest) if disk_cache else None
    if mod is None:
        mod = cpu_numba._module_in_memory(source, digest)
    k = ReductionKernel(circuit, kind, source, uses, mod)
    with _lock:
        return _reductions.setdefault(digest, k)
