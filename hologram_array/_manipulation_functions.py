"""Manipulation functions of the Array API standard, computed with NumPy.

Results are what NumPy returns, views included (``reshape``, ``flip``,
``squeeze``, ``expand_dims``, ``broadcast_to``, ``unstack`` ... share memory
with their input, as in NumPy; writes go through ``__setitem__``, which keeps
lazy readers of that memory correct). ``permute_dims`` and ``moveaxis`` keep a
lazy element-wise input lazy (the permutation moves to its operands), like
``Array.mT``: such a result is then not a view of the input's later buffer.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ._array import Array
from ._nonelementwise import arrays_arg, buf, bufs, device_of, wrap, wrap_all

__all__ = [
    "broadcast_arrays", "broadcast_shapes", "broadcast_to", "concat", "expand_dims", "flip",
    "moveaxis", "permute_dims", "repeat", "reshape", "roll", "squeeze", "stack", "tile", "unstack",
]


def broadcast_arrays(*arrays: Array) -> tuple[Array, ...]:
    """Broadcast arrays against each other; a tuple of (read-only, as in NumPy) views."""
    return wrap_all(np.broadcast_arrays(*bufs(arrays, "broadcast_arrays")), device_of(*arrays))


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast of the given shapes (``()`` for none); ``ValueError`` if incompatible.

    Unknown (``None``) dimensions are not supported: this library's shapes are always known.
    """
    return tuple(int(d) for d in np.broadcast_shapes(*shapes))


def broadcast_to(x: Array, /, shape: tuple[int, ...]) -> Array:
    """A read-only broadcast view (as in NumPy); ``ValueError`` if not broadcastable."""
    return wrap(np.broadcast_to(buf(x, "broadcast_to"), shape), device_of(x))


def concat(arrays: tuple[Array, ...] | list[Array], /, *, axis: int | None = 0) -> Array:
    """Join along an existing axis (``axis=None``: flatten first); dtypes promote as NumPy's."""
    return wrap(np.concat(arrays_arg(arrays, "concat"), axis=axis), device_of(*arrays))


def expand_dims(x: Array, /, axis: int | tuple[int, ...]) -> Array:
    """Insert singleton axes at ``axis`` (an int or a tuple, positions in the result).

    Out-of-range positions raise ``numpy.exceptions.AxisError`` (an ``IndexError``
    and a ``ValueError``); repeated positions raise ``ValueError``.
    """
    return wrap(np.expand_dims(buf(x, "expand_dims"), axis), device_of(x))


def flip(x: Array, /, *, axis: int | tuple[int, ...] | None = None) -> Array:
    """Reverse the order of elements along ``axis`` (all axes if None); a view as in NumPy."""
    return wrap(np.flip(buf(x, "flip"), axis=axis), device_of(x))


def _permute(x: Any, axes: tuple[int, ...], func: str) -> Array:
    if isinstance(x, Array):
        return x._permuted(axes)  # a view of a concrete array; a lazy expression stays lazy
    return wrap(np.transpose(buf(x, func), axes), device_of(x))


def moveaxis(x: Array, source: int | tuple[int, ...], destination: int | tuple[int, ...], /) -> Array:
    """Move axes to new positions (NumPy's rules and errors); lazy inputs stay lazy."""
    ndim = buf(x, "moveaxis").ndim if not isinstance(x, Array) else x.ndim
    src = normalize_axis_tuple(source, ndim, "source")
    dst = normalize_axis_tuple(destination, ndim, "destination")
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of elements")
    order = [n for n in range(ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _permute(x, tuple(order), "moveaxis")


def permute_dims(x: Array, /, axes: tuple[int, ...]) -> Array:
    """Permute the axes (negative axes allowed, 2025.12); lazy inputs stay lazy.

    Invalid axes raise ``numpy.exceptions.AxisError``; a repeated axis or a
    permutation of the wrong length raises ``ValueError``.
    """
    ndim = buf(x, "permute_dims").ndim if not isinstance(x, Array) else x.ndim
    axes = tuple(axes)
    if len(axes) != ndim:
        raise ValueError(f"permute_dims: axes {axes} don't match an array of {ndim} dimensions")
    return _permute(x, normalize_axis_tuple(axes, ndim, "axes"), "permute_dims")


def repeat(x: Array, repeats: int | Array, /, *, axis: int | None = None) -> Array:
    """Repeat each element ``repeats`` times (an int or an integer array); ``axis=None`` flattens."""
    if isinstance(repeats, (Array, np.ndarray)):
        repeats = buf(repeats, "repeat", "repeats")
        if repeats.dtype.kind not in "iu":
            raise TypeError(f"repeat: repeats must have an integer dtype, got {repeats.dtype}")
    return wrap(np.repeat(buf(x, "repeat"), repeats, axis=axis), device_of(x))


def reshape(x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
    """Reshape (a view when possible, as in NumPy); ``copy=False`` raises ``ValueError`` if a copy is needed."""
    return wrap(np.reshape(buf(x, "reshape"), shape, copy=copy), device_of(x))


def roll(x: Array, /, shift: int | tuple[int, ...], *,
         axis: int | tuple[int, ...] | None = None) -> Array:
    """Roll elements along ``axis`` (flattened if None)."""
    return wrap(np.roll(buf(x, "roll"), shift, axis=axis), device_of(x))


def squeeze(x: Array, /, axis: int | tuple[int, ...]) -> Array:
    """Remove the given singleton axes (``axis`` is required); ``ValueError`` if one has size != 1."""
    return wrap(np.squeeze(buf(x, "squeeze"), axis=axis), device_of(x))


def stack(arrays: tuple[Array, ...] | list[Array], /, *, axis: int = 0) -> Array:
    """Join along a new axis; dtypes promote as NumPy's."""
    return wrap(np.stack(arrays_arg(arrays, "stack"), axis=axis), device_of(*arrays))


def tile(x: Array, repetitions: tuple[int, ...], /) -> Array:
    """Tile ``x`` ``repetitions`` times along each axis (the shorter of the two is padded with 1s)."""
    return wrap(np.tile(buf(x, "tile"), repetitions), device_of(x))


def unstack(x: Array, /, *, axis: int = 0) -> tuple[Array, ...]:
    """Split along ``axis`` into a tuple of views (``ValueError`` for a 0-d input)."""
    return wrap_all(np.unstack(buf(x, "unstack"), axis=axis), device_of(x))


from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy
