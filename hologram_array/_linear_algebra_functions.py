"""Linear algebra functions of the Array API standard's main namespace, computed with NumPy.

(The ``linalg`` extension is ``hologram_array.linalg``; it re-exports these four.)
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from ._array import Array
from ._nonelementwise import buf, device_of, wrap

__all__ = ["matmul", "matrix_transpose", "tensordot", "vecdot"]


def matmul(x1: Array, x2: Array, /) -> Array:
    """Matrix product (NumPy's ``matmul``: 1-D operands are promoted to matrices, stacks broadcast).

    A 0-d operand or mismatched inner dimensions raise ``ValueError``.
    """
    return wrap(np.matmul(buf(x1, "matmul", "x1"), buf(x2, "matmul", "x2")), device_of(x1, x2))


def matrix_transpose(x: Array, /) -> Array:
    """Swap the last two axes (``ValueError`` below 2 dimensions); a lazy input stays lazy (``x.mT``)."""
    if isinstance(x, Array):
        return x.mT
    return wrap(np.matrix_transpose(buf(x, "matrix_transpose")), device_of(x))


def tensordot(x1: Array, x2: Array, /, *,
              axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> Array:
    """Contract the last ``axes`` axes of ``x1`` with the first of ``x2`` (or the given axis lists).

    Differs from NumPy: an integer ``axes`` must be non-negative (``ValueError``);
    NumPy silently accepts negative counts. Contracted axes are not broadcast.
    """
    if not isinstance(axes, (tuple, list)):
        n = operator.index(axes)
        if n < 0:
            raise ValueError(f"tensordot: axes must be a non-negative integer, got {n}")
        axes = n
    else:
        if len(axes) != 2:
            raise ValueError("tensordot: axes must be an int or a pair of sequences")
        axes = (list(axes[0]), list(axes[1]))
    return wrap(np.tensordot(buf(x1, "tensordot", "x1"), buf(x2, "tensordot", "x2"), axes=axes),
                device_of(x1, x2))


def vecdot(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Dot products along ``axis`` (other axes broadcast), conjugating ``x1`` (``sum(conj(x1) * x2)``).

    The contracted axis must have the same size in both (``ValueError``); the
    standard only defines negative ``axis``.
    """
    return wrap(np.vecdot(buf(x1, "vecdot", "x1"), buf(x2, "vecdot", "x2"), axis=axis), device_of(x1, x2))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
