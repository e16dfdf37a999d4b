"""NumPy's functions beyond creation and reductions: manipulation, searching, sorting, sets,
products, comparisons, polynomials, histograms ... with NumPy's names and signatures.

Where the standard has the function (``reshape``, ``squeeze``, ``flip``, ``roll``, ``sort``,
``where``, ``clip``, ``round`` ...) a call the standard also allows goes to the standard's
function (so element-wise work stays lazy: ``transpose``/``swapaxes`` of a lazy expression,
``where``, ``clip``, ``round``, ``copy``); NumPy-only arguments (``order=``, ``kind=``,
``out=``, ``decimals=`` ...) and NumPy-only functions run NumPy's own function on the buffers
(``numpy_function``), ndarray results returned as Arrays, NumPy scalars as NumPy's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _elementwise_functions as _elt
from .. import _linear_algebra_functions as _lin
from .. import _manipulation_functions as _man
from .. import _searching_functions as _search
from .. import _set_functions as _set
from .. import _sorting_functions as _sort
from .._array import Array
from ._convert import as_buffer, call_with_out, device_among, from_numpy, numpy_function, to_numpy

_NV = np._NoValue


def _array(a: Any) -> Any:
    """Arrays (and ndarrays) as they are; other array-likes (lists, scalars) through NumPy."""
    if isinstance(a, (Array, np.ndarray, np.generic)):
        return a
    return np.asarray(as_buffer(a))


def _operand(a: Any) -> Any:
    """An element-wise operand: Python scalars stay weak, lists become arrays."""
    if type(a) in (list, tuple):
        return np.asarray(to_numpy(a))
    return a


# ---- shapes and axes ------------------------------------------------------------------------------


def shape(a: Any) -> tuple:
    """The shape (an Array's without computing it)."""
    return a.shape if isinstance(a, Array) else np.shape(to_numpy(a))


def ndim(a: Any) -> int:
    return a.ndim if isinstance(a, Array) else np.ndim(to_numpy(a))


def size(a: Any, axis: int | None = None) -> int:
    if isinstance(a, Array):
        return a.size if axis is None else a.shape[axis]
    return np.size(to_numpy(a), axis)


def reshape(a: Any, /, shape: Any = None, order: str = "C", *, newshape: Any = None,  # noqa: F811
            copy: bool | None = None) -> Array:
    """NumPy's ``reshape`` (``order``; an int shape); the standard's for C order."""
    if shape is None:
        shape = newshape
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    if order == "C":
        return _man.reshape(_array(a), tuple(shape), copy=copy)
    return from_numpy(np.reshape(as_buffer(a), shape, order=order, copy=copy), device_among((a,)))


def transpose(a: Any, axes: Any = None) -> Array:
    """Permute the axes (reversed when ``axes`` is None); a lazy expression stays lazy."""
    a = _array(a)
    nd = a.ndim
    axes = tuple(range(nd - 1, -1, -1)) if axes is None else tuple(axes)
    return _man.permute_dims(a, axes)


def permute_dims(a: Any, /, axes: Any = None) -> Array:
    return transpose(a, axes)


def swapaxes(a: Any, axis1: int, axis2: int) -> Array:
    """Swap two axes; a lazy expression stays lazy."""
    a = _array(a)
    nd = a.ndim
    perm = list(range(nd))
    i, j = (np.lib.array_utils.normalize_axis_index(x, nd) for x in (axis1, axis2))
    perm[i], perm[j] = perm[j], perm[i]
    return _man.permute_dims(a, tuple(perm))


def squeeze(a: Any, axis: Any = None) -> Array:
    """Remove singleton axes (all of them when ``axis`` is None, NumPy's default)."""
    if axis is None:
        return from_numpy(np.squeeze(as_buffer(a)), device_among((a,)))
    return _man.squeeze(_array(a), axis)


def expand_dims(a: Any, axis: Any) -> Array:
    return _man.expand_dims(_array(a), axis)


def flip(m: Any, axis: Any = None) -> Array:
    return _man.flip(_array(m), axis=axis)


def roll(a: Any, shift: Any, axis: Any = None) -> Array:
    return _man.roll(_array(a), shift, axis=axis)


def moveaxis(a: Any, source: Any, destination: Any) -> Array:
    return _man.moveaxis(_array(a), source, destination)


def repeat(a: Any, repeats: Any, axis: int | None = None) -> Array:
    if type(repeats) in (list, tuple):
        repeats = np.asarray(repeats)
    return _man.repeat(_array(a), repeats, axis=axis)


def tile(A: Any, reps: Any) -> Array:  # noqa: N803
    return from_numpy(np.tile(as_buffer(A), to_numpy(reps)), device_among((A,)))


def broadcast_to(array: Any, shape: Any, subok: bool = False) -> Array:
    return _man.broadcast_to(_array(array), shape)


def broadcast_arrays(*args: Any, subok: bool = False) -> tuple:
    return _man.broadcast_arrays(*[_array(a) for a in args])


def matrix_transpose(x: Any, /) -> Array:
    return _lin.matrix_transpose(_array(x))


# ---- element-wise functions that are not ufuncs -------------------------------------------------------


def where(condition: Any, x: Any = _NV, y: Any = _NV, /) -> Any:
    """NumPy's ``where``: with one argument, ``nonzero(condition)``; with three, the standard's (lazy)."""
    if x is _NV and y is _NV:
        return nonzero(condition)
    if x is _NV or y is _NV:
        raise ValueError("either both or neither of x and y should be given")
    return _elt.where(_operand(condition), _operand(x), _operand(y))


def clip(a: Any, a_min: Any = _NV, a_max: Any = _NV, out: Any = None, *, min: Any = _NV,  # noqa: A002
         max: Any = _NV, **kwargs: Any) -> Any:  # noqa: A002
    """NumPy's ``clip`` (``a_min``/``a_max`` or ``min``/``max``, ``out``); lazy without ``out``.

    As the standard, the result keeps ``a``'s dtype when a bound is an array (NumPy promotes).
    """
    ta, th = type(a_min), type(a_max)
    if (type(a) is Array and (ta is float or ta is int) and (th is float or th is int)
            and out is None and not kwargs and min is _NV and max is _NV):
        return _elt.clip(a, a_min, a_max)  # the common call: no conversions to make
    lo = a_min if a_min is not _NV else (None if min is _NV else min)
    hi = a_max if a_max is not _NV else (None if max is _NV else max)
    if out is None and not kwargs and isinstance(a, (Array, np.ndarray, list, tuple)):
        return _elt.clip(_array(a), _operand(lo), _operand(hi))
    if out is not None:
        return call_with_out(np.clip, out, as_buffer(a), to_numpy(lo), to_numpy(hi), **kwargs)
    return from_numpy(np.clip(as_buffer(a), to_numpy(lo), to_numpy(hi), **kwargs), device_among((a,)))


def round(a: Any, decimals: int = 0, out: Any = None) -> Any:  # noqa: A001
    """NumPy's ``round`` (half to even; ``decimals``); lazy for ``decimals=0`` without ``out``."""
    if decimals == 0 and out is None and isinstance(a, (Array, np.ndarray, list, tuple)):
        return _elt.round(_array(a))
    if out is not None:
        return call_with_out(np.round, out, as_buffer(a), decimals)
    return from_numpy(np.round(as_buffer(a), decimals), device_among((a,)))


around = round


def real(val: Any) -> Any:
    return _elt.real(_array(val)) if not isinstance(val, np.generic) else np.real(val)


def imag(val: Any) -> Any:
    return _elt.imag(_array(val)) if not isinstance(val, np.generic) else np.imag(val)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Array:
    return _elt.astype(_array(x), dtype, copy=copy, device=device)


# ---- searching, sorting, sets ------------------------------------------------------------------------


def nonzero(a: Any) -> tuple:
    return _search.nonzero(_array(a))


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    """The standard's ``searchsorted`` (a Python scalar ``v`` is weak; see its docstring)."""
    return _search.searchsorted(_array(a), _operand(v), side=side,
                                sorter=None if sorter is None else _array(sorter))


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, descending: bool = False,
         stable: Any = None) -> Array:
    """NumPy's ``sort`` (``axis=None`` flattens; ``kind``, ``order``) and the standard's ``descending``.

    Without ``kind`` the sort is stable (the standard's default; NumPy's may not be, which only
    shows in ``argsort`` of ties).
    """
    if axis is not None and kind is None and order is None:
        return _sort.sort(_array(a), axis=axis, descending=descending,
                          stable=True if stable is None else stable)
    return from_numpy(np.sort(as_buffer(a), axis=axis, kind=kind, order=order, stable=stable),
                      device_among((a,)))


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, descending: bool = False,
            stable: Any = None) -> Array:
    """NumPy's ``argsort`` (``axis=None``, ``kind``, ``order``); stable without ``kind`` (see ``sort``)."""
    if axis is not None and kind is None and order is None:
        return _sort.argsort(_array(a), axis=axis, descending=descending,
                             stable=True if stable is None else stable)
    return from_numpy(np.argsort(as_buffer(a), axis=axis, kind=kind, order=order, stable=stable),
                      device_among((a,)))


def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False, *,
         kind: Any = None) -> Array:
    """The standard's ``isin`` (not both Python scalars) with NumPy's ``assume_unique``/``kind``."""
    if assume_unique or kind is not None:
        return from_numpy(np.isin(to_numpy(element), to_numpy(test_elements), assume_unique=assume_unique,
                                  invert=invert, kind=kind), device_among((element, test_elements)))
    e = element if type(element) in (int, float, bool, complex) else _array(element)
    t = test_elements if type(test_elements) in (int, float, bool, complex) else _array(test_elements)
    return _set.isin(e, t, invert=invert)


def unique_values(x: Any, /) -> Array:
    return _set.unique_values(_array(x))


def unique_counts(x: Any, /) -> Any:
    return _set.unique_counts(_array(x))


def unique_inverse(x: Any, /) -> Any:
    return _set.unique_inverse(_array(x))


def unique_all(x: Any, /) -> Any:
    return _set.unique_all(_array(x))


def take(a: Any, indices: Any, axis: int | None = None, out: Any = None, mode: str = "raise") -> Any:
    """NumPy's ``take``; the standard's (``axis`` required above 1-D, ``ValueError``) without
    ``out``/``mode``."""
    if out is None and mode == "raise" and not isinstance(indices, (int, np.integer)):
        from .._indexing_functions import take as _take

        return _take(_array(a), _array(indices), axis=axis)
    if out is not None:
        return call_with_out(np.take, out, as_buffer(a), to_numpy(indices), axis, mode=mode)
    return from_numpy(np.take(as_buffer(a), to_numpy(indices), axis, mode=mode), device_among((a,)))


def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Array:
    from .._indexing_functions import take_along_axis as _tal

    if axis is None:
        return from_numpy(np.take_along_axis(as_buffer(arr), as_buffer(indices), None), device_among((arr,)))
    return _tal(_array(arr), _array(indices), axis=axis)


# ---- products -----------------------------------------------------------------------------------


def matmul(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """The standard's ``matmul``; with ``out=`` or other ufunc keywords NumPy's."""
    if out is None and not kwargs:
        return _lin.matmul(_array(x1), _array(x2))
    from .ufuncs import matmul as _um

    return _um(x1, x2, out=out, **kwargs)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Array:
    return _lin.tensordot(_array(a), _array(b), axes=axes)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, **kwargs: Any) -> Any:
    if not kwargs:
        return _lin.vecdot(_array(x1), _array(x2), axis=axis)
    return from_numpy(np.vecdot(as_buffer(x1), as_buffer(x2), axis=axis, **to_numpy(kwargs)),
                      device_among((x1, x2)))


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = _NV, append: Any = _NV) -> Array:
    """NumPy's ``diff`` (``n`` and ``axis`` positional; ``prepend``/``append`` array-likes)."""
    kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not _NV}
    return from_numpy(np.diff(as_buffer(a), n, axis, **to_numpy(kw)), device_among((a, prepend, append)))


# ---- NumPy's functions, run by NumPy on the buffers ------------------------------------------------------

#: NumPy functions exported as they are (arguments' buffers in, ndarrays out as Arrays).
NUMPY_FUNCTIONS = (
    # joining and splitting
    "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack", "block", "split",
    "array_split", "hsplit", "vsplit", "dsplit", "append", "insert", "delete", "resize", "pad",
    "atleast_1d", "atleast_2d", "atleast_3d", "ravel", "fliplr", "flipud", "rot90", "trim_zeros",
    # products
    "dot", "vdot", "inner", "outer", "einsum", "einsum_path", "kron", "cross", "trace", "diagonal",
    # searching / sorting / sets
    "argwhere", "flatnonzero", "unique", "lexsort", "partition", "argpartition", "sort_complex",
    "union1d", "intersect1d", "setdiff1d", "setxor1d", "extract", "compress", "choose", "select",
    "piecewise", "unravel_index", "ravel_multi_index", "ix_", "diag_indices", "diag_indices_from",
    "tril_indices", "triu_indices", "tril_indices_from", "triu_indices_from", "mask_indices",
    # comparisons and tests
    "allclose", "isclose", "array_equal", "array_equiv", "isreal", "iscomplex", "isrealobj",
    "iscomplexobj", "isscalar", "isneginf", "isposinf", "nan_to_num", "real_if_close", "iterable",
    # statistics, histograms, calculus
    "histogram", "histogram2d", "histogramdd", "histogram_bin_edges", "bincount", "digitize",
    "cov", "corrcoef", "correlate", "convolve", "interp", "gradient", "trapezoid", "ediff1d",
    "unwrap", "sinc", "i0", "angle", "fix",
    # polynomials
    "polyfit", "polyval", "poly", "roots", "polyadd", "polysub", "polymul", "polydiv", "polyder",
    "polyint",
    # functional
    "apply_along_axis", "apply_over_axes",
    # in place (the first argument is written; its lazy readers keep their values)
    "copyto", "fill_diagonal", "put", "place", "putmask", "put_along_axis",
    # printing
    "array2string", "array_repr", "array_str",
)
_INPLACE = {"copyto", "fill_diagonal", "put", "place", "putmask", "put_along_axis"}

for _name in NUMPY_FUNCTIONS:
    if hasattr(np, _name):
        globals()[_name] = numpy_function(getattr(np, _name), _name,
                                          inplace=(0,) if _name in _INPLACE else ())
del _name

__all__ = sorted({n for n in NUMPY_FUNCTIONS if hasattr(np, n)} | {
    "shape", "ndim", "size", "reshape", "transpose", "permute_dims", "swapaxes", "squeeze",
    "expand_dims", "flip", "roll", "moveaxis", "repeat", "tile", "broadcast_to", "broadcast_arrays",
    "matrix_transpose", "where", "clip", "round", "around", "real", "imag", "astype", "nonzero",
    "searchsorted", "sort", "argsort", "isin", "unique_values", "unique_counts", "unique_inverse",
    "unique_all", "take", "take_along_axis", "matmul", "tensordot", "vecdot", "diff",
})
