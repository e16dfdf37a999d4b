"""``ArrayMethods``: the ndarray methods and attributes NumPy users rely on, as a mixin of Array.

Methods are the namespace's NumPy-compatible functions with the array as first argument
(``a.sum(axis)`` is ``sum(a, axis)``: fused when lazy; ``a.reshape(2, 3)`` as NumPy's varargs;
``a.transpose()``/``a.swapaxes()`` keep a lazy expression lazy). In-place methods (``fill``,
``sort``, ``partition``, ``put``, ``byteswap(True)``, ``flat[...] =``) write the buffer after
protecting its lazy readers. Attributes that describe memory (``strides``, ``flags``, ``nbytes``
of a lazy array is computed from metadata; ``strides``/``flags``/``data`` materialize).

This module imports nothing from ``_array`` (which imports it); ``numpy_compat.namespace``
binds the function modules below once they exist.
"""
from __future__ import annotations

from typing import Any

import numpy as np

_NV = np._NoValue

# Bound by numpy_compat.namespace (import order: _array -> this module -> ... -> namespace).
_red: Any = None
_fun: Any = None
_cre: Any = None
_conv: Any = None
_alias: Any = None


def _rebuild(data: np.ndarray, device: str) -> Any:
    """Unpickle an Array (its buffer and device name)."""
    from .. import _devices
    from .._array import Array

    return Array._wrap(data, _devices.as_device(device))


def _shape_args(shape: tuple) -> Any:
    if len(shape) == 1 and (shape[0] is None or isinstance(shape[0], (tuple, list))):
        return shape[0]
    return shape


class ArrayMethods:
    """NumPy's ndarray methods and attributes (see the module docstring)."""

    __slots__ = ()

    # ---- reductions --------------------------------------------------------------------------

    def sum(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NV,  # noqa: A003
            initial: Any = _NV, where: Any = _NV) -> Any:
        return _red.sum(self, axis, dtype, out, keepdims, initial, where)

    def prod(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NV,
             initial: Any = _NV, where: Any = _NV) -> Any:
        return _red.prod(self, axis, dtype, out, keepdims, initial, where)

    def mean(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _NV, *,
             where: Any = _NV) -> Any:
        return _red.mean(self, axis, dtype, out, keepdims, where=where)

    def std(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = _NV,
            *, where: Any = _NV, mean: Any = _NV, correction: Any = _NV) -> Any:
        return _red.std(self, axis, dtype, out, ddof, keepdims, where=where, mean=mean, correction=correction)

    def var(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = _NV,
            *, where: Any = _NV, mean: Any = _NV, correction: Any = _NV) -> Any:
        return _red.var(self, axis, dtype, out, ddof, keepdims, where=where, mean=mean, correction=correction)

    def max(self, axis: Any = None, out: Any = None, keepdims: Any = _NV, initial: Any = _NV,  # noqa: A003
            where: Any = _NV) -> Any:
        return _red.max(self, axis, out, keepdims, initial, where)

    def min(self, axis: Any = None, out: Any = None, keepdims: Any = _NV, initial: Any = _NV,  # noqa: A003
            where: Any = _NV) -> Any:
        return _red.min(self, axis, out, keepdims, initial, where)

    def all(self, axis: Any = None, out: Any = None, keepdims: Any = _NV, *, where: Any = _NV) -> Any:  # noqa: A003
        return _red.all(self, axis, out, keepdims, where=where)

    def any(self, axis: Any = None, out: Any = None, keepdims: Any = _NV, *, where: Any = _NV) -> Any:  # noqa: A003
        return _red.any(self, axis, out, keepdims, where=where)

    def argmax(self, axis: Any = None, out: Any = None, *, keepdims: Any = _NV) -> Any:
        return _red.argmax(self, axis, out, keepdims=keepdims)

    def argmin(self, axis: Any = None, out: Any = None, *, keepdims: Any = _NV) -> Any:
        return _red.argmin(self, axis, out, keepdims=keepdims)

    def cumsum(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        return _red.cumsum(self, axis, dtype, out)

    def cumprod(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        return _red.cumprod(self, axis, dtype, out)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None) -> Any:
        return _fun.trace(self, offset, axis1, axis2, dtype, out=out)

    # ---- element-wise ----------------------------------------------------------------------------

    def round(self, decimals: int = 0, out: Any = None) -> Any:  # noqa: A003
        return _fun.round(self, decimals, out)

    def clip(self, min: Any = None, max: Any = None, out: Any = None, **kwargs: Any) -> Any:  # noqa: A002
        return _fun.clip(self, min, max, out, **kwargs)

    def conj(self) -> Any:
        from .ufuncs import conjugate

        return conjugate(self)

    conjugate = conj

    def astype(self, dtype: Any, order: str = "K", casting: str = "unsafe", subok: bool = True,
               copy: bool = True) -> Any:
        """NumPy's ``astype``; lazy for the default ``order``/``casting``."""
        if casting == "unsafe" and order in ("K", "A", "C"):
            from .._elementwise_functions import astype

            return astype(self, dtype, copy=copy)
        res = self._materialize().astype(dtype, order=order, casting=casting, subok=subok, copy=copy)
        return _conv.from_numpy(res, self._device)

    def __round__(self, ndigits: Any = None) -> Any:
        """``round(a)``/``round(a, n)`` of a 0-d array: its NumPy scalar's (NumPy raises for n-d)."""
        data = self._materialize()
        if data.ndim:
            raise TypeError(f"type {type(self).__name__} doesn't define __round__ method for {data.ndim}-d arrays")
        return round(data[()]) if ndigits is None else round(data[()], ndigits)

    def __divmod__(self, other: Any) -> Any:
        from .ufuncs import divmod as _divmod

        return _divmod(self, other)

    def __rdivmod__(self, other: Any) -> Any:
        from .ufuncs import divmod as _divmod

        return _divmod(other, self)

    # ---- shape -------------------------------------------------------------------------------------

    def reshape(self, *shape: Any, order: str = "C", copy: Any = None) -> Any:
        """NumPy's ``reshape``: ``a.reshape(2, 3)`` or ``a.reshape((2, 3))``."""
        return _fun.reshape(self, _shape_args(shape), order=order, copy=copy)

    def ravel(self, order: str = "C") -> Any:
        return _fun.ravel(self, order)

    def flatten(self, order: str = "C") -> Any:
        """A flattened copy (never a view)."""
        return _conv.from_numpy(self._materialize().flatten(order), self._device)

    def transpose(self, *axes: Any) -> Any:
        """NumPy's ``transpose``: ``a.transpose()``, ``a.transpose(1, 0)`` or ``a.transpose((1, 0))``."""
        axes = _shape_args(axes) if axes else None
        return _fun.transpose(self, axes)

    def swapaxes(self, axis1: int, axis2: int) -> Any:
        return _fun.swapaxes(self, axis1, axis2)

    def squeeze(self, axis: Any = None) -> Any:
        return _fun.squeeze(self, axis)

    def repeat(self, repeats: Any, axis: Any = None) -> Any:
        return _fun.repeat(self, repeats, axis)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
        return _fun.diagonal(self, offset, axis1, axis2)

    def take(self, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
        """NumPy's ``take`` (``axis=None``: the flattened array)."""
        if out is not None:
            return _conv.call_with_out(np.take, out, self, indices, axis, mode=mode)
        return _conv.from_numpy(np.take(self._materialize(), _conv.to_numpy(indices), axis, mode=mode),
                                self._device)

    def compress(self, condition: Any, axis: Any = None, out: Any = None) -> Any:
        return _fun.compress(condition, self, axis, out=out)

    def choose(self, choices: Any, out: Any = None, mode: str = "raise") -> Any:
        return _fun.choose(self, choices, out=out, mode=mode)

    # ---- copies, views, bytes ----------------------------------------------------------------------

    def copy(self, order: str = "C") -> Any:
        """A copy (lazy for a C-order copy: nothing is copied until the values are needed)."""
        if order in ("C", "K", "A"):
            from .._elementwise_functions import astype

            return astype(self, self._dtype)
        return _conv.from_numpy(self._materialize().copy(order), self._device)

    def __copy__(self) -> Any:
        return self.copy()

    def __deepcopy__(self, memo: Any) -> Any:
        return self.copy()

    def __reduce__(self) -> Any:
        return (_rebuild, (np.ascontiguousarray(self._materialize()), self._device.name))

    def view(self, *args: Any, **kwargs: Any) -> Any:
        """A view of the buffer (another dtype reinterprets the bytes); writes are seen by both."""
        return _conv.from_numpy(self._materialize().view(*args, **kwargs), self._device)

    def tobytes(self, order: str = "C") -> bytes:
        return self._materialize().tobytes(order)

    def tofile(self, fid: Any, sep: str = "", format: str = "%s") -> None:  # noqa: A002
        self._materialize().tofile(fid, sep=sep, format=format)

    def dump(self, file: Any) -> None:
        self._materialize().dump(file)

    def dumps(self) -> bytes:
        return self._materialize().dumps()

    def byteswap(self, inplace: bool = False) -> Any:
        if inplace:
            _conv.writable_buffer(self, "byteswap").byteswap(True)
            return self
        return _conv.from_numpy(self._materialize().byteswap(), self._device)

    # ---- in place ------------------------------------------------------------------------------------

    def fill(self, value: Any) -> None:
        _conv.writable_buffer(self, "fill").fill(_conv.to_numpy(value))

    def sort(self, axis: int = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> None:
        """Sort in place (stable unless ``kind`` says otherwise, as the namespace's ``sort``)."""
        if kind is None and stable is None:
            stable = True
        _conv.writable_buffer(self, "sort").sort(axis=axis, kind=kind, order=order, stable=stable)

    def partition(self, kth: Any, axis: int = -1, kind: str = "introselect", order: Any = None) -> None:
        _conv.writable_buffer(self, "partition").partition(_conv.to_numpy(kth), axis=axis, kind=kind, order=order)

    def put(self, indices: Any, values: Any, mode: str = "raise") -> None:
        _conv.writable_buffer(self, "put").put(_conv.to_numpy(indices), _conv.to_numpy(values), mode)

    def itemset(self, *args: Any) -> None:  # removed in NumPy 2; kept for old scripts
        *idx, value = args
        self[tuple(idx) if len(idx) != 1 else idx[0]] = value

    def setflags(self, write: Any = None, align: Any = None, uic: Any = None) -> None:
        self._materialize().setflags(write=write, align=align, uic=uic)

    # ---- searching, sorting ------------------------------------------------------------------------

    def argsort(self, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> Any:
        return _fun.argsort(self, axis, kind, order, stable=stable)

    def argpartition(self, kth: Any, axis: int = -1, kind: str = "introselect", order: Any = None) -> Any:
        return _fun.argpartition(self, kth, axis, kind, order)

    def nonzero(self) -> tuple:
        return _fun.nonzero(self)

    def searchsorted(self, v: Any, side: str = "left", sorter: Any = None) -> Any:
        return _fun.searchsorted(self, v, side, sorter)

    def dot(self, b: Any, out: Any = None) -> Any:
        return _fun.dot(self, b, out=out) if out is not None else _fun.dot(self, b)

    def __contains__(self, value: Any) -> bool:
        return _conv.to_numpy(value) in self._materialize()

    # ---- attributes ----------------------------------------------------------------------------------

    @property
    def itemsize(self) -> int:
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self._dtype.itemsize

    @property
    def strides(self) -> tuple:
        return self._materialize().strides

    @property
    def flags(self) -> Any:
        return self._materialize().flags

    @property
    def data(self) -> memoryview:
        return self._materialize().data

    @property
    def base(self) -> Any:
        """NumPy's: the buffer this array's buffer is a view of (None if it owns its memory)."""
        return self._materialize().base

    @property
    def real(self) -> Any:
        """The real part: a view of the buffer (writes go through), as NumPy's ``a.real``."""
        return _conv.from_numpy(self._materialize().real, self._device)

    @property
    def imag(self) -> Any:
        """The imaginary part: a view for complex arrays (a read-only zero array otherwise)."""
        return _conv.from_numpy(self._materialize().imag, self._device)

    @property
    def flat(self) -> "FlatIter":
        return FlatIter(self)


class FlatIter:
    """``a.flat``: index the array as 1-D (reads and writes; writes protect lazy readers)."""

    __slots__ = ("_array",)

    def __init__(self, array: Any) -> None:
        self._array = array

    def __len__(self) -> int:
        return self._array.size

    def __iter__(self):
        return iter(self._array._materialize().flat)

    def __getitem__(self, key: Any) -> Any:
        return _conv.from_numpy(self._array._materialize().flat[_conv.to_numpy(key)], self._array._device)

    def __setitem__(self, key: Any, value: Any) -> None:
        _conv.writable_buffer(self._array, "flat").flat[_conv.to_numpy(key)] = _conv.to_numpy(value)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self._array._materialize().flat, dtype=dtype)

    @property
    def base(self) -> Any:
        return self._array
