"""Array creation with NumPy's signatures (``zeros(shape, dtype=None, order='C')``, ``array``,
``linspace(start, stop, num=50, ...)``, ``eye(N, M, k, dtype)`` ...).

Calls the standard also allows go to the standard's functions (``asarray`` keeps an Array as
it is, lazy or not; ``copy``/``array`` of an Array is a lazy copy); the rest is NumPy's function,
its ndarray wrapped as an Array on the requested device.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _creation_functions as _cre
from .. import _devices
from .._array import Array
from .._elementwise_functions import astype
from ._convert import as_buffer, device_among, from_numpy, numpy_function, to_numpy

__all__ = [
    "array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "copy", "zeros",
    "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "arange",
    "linspace", "logspace", "geomspace", "eye", "identity", "meshgrid", "tril", "triu", "tri",
    "diag", "diagflat", "vander", "indices", "fromfunction", "fromiter", "frombuffer",
    "fromstring", "mgrid", "ogrid", "r_", "c_",
]


def _dev(device: Any) -> _devices.Device:
    return _devices.as_device(device)


def array(object: Any, dtype: Any = None, *, copy: bool | None = True, order: str = "K",  # noqa: A002
          subok: bool = False, ndmin: int = 0, device: Any = None, **kwargs: Any) -> Array:
    """NumPy's ``array``: a copy by default (of an Array: a lazy one), ``ndmin`` leading axes.
    Arrays of strings, objects, records or datetimes are NumPy's ndarrays (``_convert.from_numpy``)."""
    if isinstance(object, Array) and order in ("K", "A", "C") and ndmin <= object.ndim and not kwargs \
            and (order != "C" or object.is_lazy or object._data.flags.c_contiguous):
        return _cre.asarray(object, dtype=dtype, copy=copy, device=device)
    data = np.array(to_numpy(object), dtype=dtype, copy=copy, order=order, subok=subok, ndmin=ndmin, **kwargs)
    dev = _dev(device) if device is not None else device_among((object,))
    return from_numpy(data, dev)  # object/string arrays stay NumPy's


def asarray(a: Any, dtype: Any = None, order: str | None = None, *, device: Any = None,
            copy: bool | None = None, like: Any = None) -> Array:
    """NumPy's ``asarray``; the standard's (an Array stays as it is) unless ``order`` asks a layout."""
    if order in (None, "K", "A"):
        return _cre.asarray(a, dtype=dtype, device=device, copy=copy)
    data = np.asarray(as_buffer(a), dtype=dtype, order=order, copy=copy)
    return Array._wrap(data, _dev(device) if device is not None else device_among((a,)))


def asanyarray(a: Any, dtype: Any = None, order: str | None = None, *, device: Any = None,
               copy: bool | None = None, like: Any = None) -> Array:
    return asarray(a, dtype=dtype, order=order, device=device, copy=copy)


def ascontiguousarray(a: Any, dtype: Any = None, *, like: Any = None) -> Array:
    return Array._wrap(np.ascontiguousarray(as_buffer(a), dtype=dtype), device_among((a,)))


def asfortranarray(a: Any, dtype: Any = None, *, like: Any = None) -> Array:
    return Array._wrap(np.asfortranarray(as_buffer(a), dtype=dtype), device_among((a,)))


def copy(a: Any, order: str = "K", subok: bool = False) -> Array:
    """A copy; of an Array in the default order, a lazy one (nothing is copied until needed)."""
    if isinstance(a, Array) and order == "K":
        return astype(a, a.dtype)
    return Array._wrap(np.copy(as_buffer(a), order=order), device_among((a,)))


def _filled(std: Any, npf: Any, shape: Any, dtype: Any, order: str, device: Any, *fill: Any) -> Array:
    if order == "C":
        return std(shape, *fill, dtype=dtype, device=device)
    return Array._wrap(npf(shape, *to_numpy(fill), dtype=dtype, order=order), _dev(device))


def zeros(shape: Any, dtype: Any = None, order: str = "C", *, device: Any = None, like: Any = None) -> Array:
    return _filled(_cre.zeros, np.zeros, shape, dtype, order, device)


def ones(shape: Any, dtype: Any = None, order: str = "C", *, device: Any = None, like: Any = None) -> Array:
    return _filled(_cre.ones, np.ones, shape, dtype, order, device)


def empty(shape: Any, dtype: Any = None, order: str = "C", *, device: Any = None, like: Any = None) -> Array:
    return _filled(_cre.empty, np.empty, shape, dtype, order, device)


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", *, device: Any = None,
         like: Any = None) -> Array:
    if order == "C":
        return _cre.full(shape, fill_value, dtype=dtype, device=device)
    return Array._wrap(np.full(shape, to_numpy(fill_value), dtype=dtype, order=order), _dev(device))


def _like(std: Any, npf: Any, a: Any, dtype: Any, order: str, subok: bool, shape: Any, device: Any,
          *fill: Any) -> Array:
    if isinstance(a, Array) and shape is None and order in ("K", "C", "A") and (
            order == "C" or a.is_lazy or a._data.flags.c_contiguous):
        # metadata only: a lazy ``a`` is not computed
        return std(a, *to_numpy(fill), dtype=dtype, device=device)
    data = npf(as_buffer(a), *to_numpy(fill), dtype=dtype, order=order, subok=subok, shape=shape)
    return Array._wrap(data, _dev(device) if device is not None else device_among((a,)))


def zeros_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None, *,
               device: Any = None) -> Array:
    return _like(_cre.zeros_like, np.zeros_like, a, dtype, order, subok, shape, device)


def ones_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None, *,
              device: Any = None) -> Array:
    return _like(_cre.ones_like, np.ones_like, a, dtype, order, subok, shape, device)


def empty_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None, *,
               device: Any = None) -> Array:
    return _like(_cre.empty_like, np.empty_like, a, dtype, order, subok, shape, device)


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, device: Any = None) -> Array:
    return _like(_cre.full_like, np.full_like, a, dtype, order, subok, shape, device, fill_value)


def arange(start: Any, /, stop: Any = None, step: Any = None, dtype: Any = None, *, device: Any = None,
           like: Any = None) -> Array:
    """NumPy's ``arange`` (``dtype`` may be the fourth positional argument)."""
    args = [to_numpy(start)] + [to_numpy(v) for v in (stop, step) if v is not None]
    if stop is None and step is not None:
        args = [0, to_numpy(start), to_numpy(step)]
    return Array._wrap(np.arange(*args, dtype=dtype), _dev(device))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, device: Any = None) -> Any:
    """NumPy's ``linspace`` (array ``start``/``stop`` too; ``retstep`` gives ``(samples, step)``)."""
    res = np.linspace(to_numpy(start), to_numpy(stop), num, endpoint=endpoint, retstep=retstep,
                      dtype=dtype, axis=axis)
    dev = _dev(device) if device is not None else device_among((start, stop))
    return from_numpy(res, dev)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float, order: str = "C", *,  # noqa: N803
        device: Any = None, like: Any = None) -> Array:
    return Array._wrap(np.eye(N, M, k=k, dtype=dtype, order=order), _dev(device))


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> tuple:
    """NumPy's ``meshgrid`` (``sparse``, ``copy``); a tuple of Arrays, as the standard's."""
    return from_numpy(np.meshgrid(*to_numpy(xi), copy=copy, sparse=sparse, indexing=indexing), device_among(xi))


for _name in ("logspace", "geomspace", "identity", "tril", "triu", "tri", "diag", "diagflat", "vander",
              "indices", "fromfunction", "fromiter", "frombuffer", "fromstring"):
    globals()[_name] = numpy_function(getattr(np, _name), _name)
del _name


class _IndexTrick:
    """``mgrid``/``ogrid``/``r_``/``c_``: NumPy's index objects, results as Arrays."""

    def __init__(self, obj: Any, name: str) -> None:
        self._obj = obj
        self._name = name

    def __getitem__(self, key: Any) -> Any:
        return from_numpy(self._obj[to_numpy(key)])

    def __len__(self) -> int:
        return len(self._obj)

    def __repr__(self) -> str:
        return f"hologram_array.{self._name}"


mgrid = _IndexTrick(np.mgrid, "mgrid")
ogrid = _IndexTrick(np.ogrid, "ogrid")
r_ = _IndexTrick(np.r_, "r_")
c_ = _IndexTrick(np.c_, "c_")
