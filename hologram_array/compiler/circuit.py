"""Circuits: the canonical, fused plan of one materialization, and its cache key.

A ``Circuit`` is data only -- no buffers, no scalar values -- so that it can be
cached, saved to a file and run by any backend:

* ``inputs``  -- per input buffer: dtype, ndim and which output axes it is
  broadcast along (``stretched``);
* ``params``  -- per scalar parameter: its dtype, or the Python type of a weak
  scalar (``int``, ``float``, ``complex``);
* ``instrs``  -- SSA instructions ``(op, dst, srcs, dtype)``; registers are
  numbered inputs first, then params, then instruction results;
* ``outputs`` -- result registers, and the output ndim.

Its ``key`` is all of the above, hashable: ``x*2+1`` and ``x*3+5`` have equal
keys and share a compiled kernel. The values travel separately in a ``Binding``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .program import Def, In, Param, Program


class InputSig(NamedTuple):
    dtype: np.dtype
    ndim: int
    stretched: tuple[bool, ...]  # per output axis: True where this input has extent 1 and the output not


class Instr(NamedTuple):
    op: str
    dst: int
    srcs: tuple[int, ...]
    dtype: np.dtype


@dataclass(frozen=True)
class Circuit:
    inputs: tuple[InputSig, ...]
    params: tuple[Any, ...]          # np.dtype (strong) or int/float/complex/bool type (weak)
    instrs: tuple[Instr, ...]
    outputs: tuple[int, ...]
    out_ndim: int
    key: tuple = field(init=False, repr=False, compare=False)
    #: The outputs' dtypes, worked out once: the driver asks on every materialization.
    output_dtypes: tuple = field(init=False, repr=False, compare=False)
    #: Facts derived from the structure alone, worked out once by whoever needs them
    #: (``classmap.eligible`` ...): name -> value.
    facts: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "output_dtypes", tuple(self.reg_dtype(o) for o in self.outputs))
        object.__setattr__(
            self,
            "key",
            (
                tuple((i.dtype.str, i.ndim, i.stretched) for i in self.inputs),
                tuple(p.str if isinstance(p, np.dtype) else p.__name__ for p in self.params),
                tuple((i.op, i.srcs, i.dtype.str) for i in self.instrs),
                self.outputs,
                self.out_ndim,
            ),
        )

    @property
    def n_inputs(self) -> int:
        return len(self.inputs)

    @property
    def first_instr_reg(self) -> int:
        return len(self.inputs) + len(self.params)

    def reg_dtype(self, r: int):
        """Dtype of register ``r`` (a Python type for weak scalar params)."""
        ni, np_ = len(self.inputs), len(self.params)
        if r < ni:
            return self.inputs[r].dtype
        if r < ni + np_:
            return self.params[r - ni]
        return self.instrs[r - ni - np_].dtype

    def listing(self) -> str:
        """A readable SSA listing, e.g. ``r3 = multiply(r0, p1) : float32``."""
        ni = len(self.inputs)

        def name(r: int) -> str:
            if r < ni:
                return f"in{r}"
            if r < self.first_instr_reg:
                return f"p{r - ni}"
            return f"r{r}"

        lines = []
        for k, i in enumerate(self.inputs):
            mark = "".join("b" if s else "." for s in i.stretched)
            lines.append(f"in{k} : {i.dtype}[ndim={i.ndim}{', bcast=' + mark if any(i.stretched) else ''}]")
        for k, p in enumerate(self.params):
            lines.append(f"p{k} : {p if isinstance(p, np.dtype) else 'weak ' + p.__name__}")
        for i in self.instrs:
            lines.append(f"{name(i.dst)} = {i.op}({', '.join(name(s) for s in i.srcs)}) : {i.dtype}")
        lines.append("return " + ", ".join(name(o) for o in self.outputs))
        return "\n".join(lines)


class Binding(NamedTuple):
    """The values a circuit runs on: input buffers, scalar values, output shape."""

    buffers: tuple[Any, ...]
    values: tuple[Any, ...]
    shape: tuple[int, ...]


def stretched_mask(in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> tuple[bool, ...]:
    pad = len(out_shape) - len(in_shape)
    full = (1,) * pad + tuple(in_shape)
    return tuple(a == 1 and b != 1 for a, b in zip(full, out_shape))


def from_program(p: Program) -> tuple[Circuit, Binding]:
    """Split a canonical Program into its structure (Circuit) and its values (Binding)."""
    inputs, buffers, params, values, instrs = [], [], [], [], []
    for r, d in enumerate(p.defs):
        t = type(d)
        if t is In:
            inputs.append(InputSig(d.buf.dtype, d.buf.ndim, stretched_mask(d.buf.shape, p.shape)))
            buffers.append(d.buf)
        elif t is Param:
            if d.dtype is not None:
                params.append(d.dtype)
            elif type(d.value) is bool:  # NumPy treats a Python bool as a (strong) bool
                params.append(np.dtype(np.bool_))
            else:
                params.append(type(d.value))
            values.append(d.value)
        else:
            instrs.append(Instr(d.op, r, d.srcs, d.dtype))
    c = Circuit(tuple(inputs), tuple(params), tuple(instrs), tuple(p.outputs), len(p.shape))
    return c, Binding(tuple(buffers), tuple(values), p.shape)
