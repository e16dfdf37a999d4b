"""Conversions at the NumPy boundary: our Arrays in, NumPy's results out.

``to_numpy`` turns Arrays (also inside lists, tuples and dicts) into their buffers, so NumPy
never dispatches back to us; ``from_numpy`` wraps NumPy's ndarray results as Arrays and leaves
NumPy scalars and everything else as NumPy returned them. ``numpy_function`` builds a
namespace function from a NumPy one with both.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from .. import _devices
from .._array import Array, materialize_many
from ..expr import aliasing

_SEQ = (list, tuple)
_NUMERIC = frozenset("biufc")


def device_among(args: Any, kwargs: Any = None) -> _devices.Device:
    """The device of the first Array among the (top-level or one-level nested) arguments."""
    for a in (args if kwargs is None else (*args, *kwargs.values())):
        if isinstance(a, Array):
            return a._device
        if isinstance(a, _SEQ):
            for b in a:
                if isinstance(b, Array):
                    return b._device
    return _devices.default_device()


def to_numpy(x: Any) -> Any:
    """``x`` with every Array replaced by its buffer (no copy); containers rebuilt, others as they are."""
    if isinstance(x, Array):
        return x._materialize()
    t = type(x)
    if t is list or t is tuple:
        lazy = [a for a in x if isinstance(a, Array) and a._node is not None]
        if len(lazy) > 1:
            materialize_many(lazy)  # shared subexpressions computed once
        return t(to_numpy(a) for a in x)
    if t is dict:
        return {k: to_numpy(v) for k, v in x.items()}
    return x


def as_buffer(x: Any) -> np.ndarray:
    """An ndarray for an array-like argument (an Array's own buffer, else ``np.asarray``)."""
    if isinstance(x, Array):
        return x._materialize()
    if type(x) is np.ndarray:
        return x
    return np.asarray(to_numpy(x))


def from_numpy(r: Any, device: _devices.Device | None = None) -> Any:
    """NumPy's result with every numeric ndarray wrapped as an Array (inside tuples, lists and
    namedtuples too); other arrays and NumPy scalars stay NumPy's."""
    if device is None:
        device = _devices.default_device()
    if type(r) is np.ndarray:
        if r.dtype.kind in _NUMERIC:
            return Array._wrap(r, device)
        return r  # object, string, structured, datetime: NumPy's (the namespace computes numbers)
    if isinstance(r, np.ndarray):  # subclasses (matrix, masked arrays, memmap) stay NumPy's
        return r
    if _devices.is_device_buffer(r):  # NumPy's function ran on a GPU buffer: CuPy's result
        return Array._wrap(r, device) if r.dtype.kind in _NUMERIC else r
    if isinstance(r, tuple):
        items = [from_numpy(v, device) for v in r]
        return type(r)._make(items) if hasattr(r, "_fields") else tuple(items)
    if type(r) is list:
        return [from_numpy(v, device) for v in r]
    return r


def writable_buffer(x: Any, func: str, arg: str = "out") -> np.ndarray:
    """The buffer of an Array (or ndarray) that NumPy will write into; lazy readers of it keep
    their values (``expr.aliasing``)."""
    if isinstance(x, Array):
        data = x._materialize()
    elif isinstance(x, np.ndarray):
        data = x
    else:
        raise TypeError(f"{func}: {arg} must be an array, got {type(x).__name__}")
    aliasing.protect(data)
    return data


def call_with_out(fn: Callable, out: Any, *args: Any, **kwargs: Any) -> Any:
    """Call NumPy's ``fn(*args, out=<buffer of out>, **kwargs)``; returns ``out`` itself."""
    if isinstance(out, tuple):
        kwargs["out"] = tuple(None if o is None else writable_buffer(o, fn.__name__) for o in out)
    else:
        kwargs["out"] = writable_buffer(out, fn.__name__)
    fn(*to_numpy(args), **to_numpy(kwargs))
    return out


def numpy_function(fn: Callable, name: str | None = None, inplace: tuple[int, ...] = ()) -> Callable:
    """A namespace function that runs NumPy's ``fn`` on the buffers of its Array arguments.

    ndarray results come back as Arrays; ``out=`` Arrays are written in place and returned;
    positional arguments listed in ``inplace`` are written by ``fn`` (their lazy readers are
    protected first).
    """
    impl = getattr(fn, "_implementation", fn)  # skip NumPy's dispatch: arguments are ndarrays

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        dev = device_among(args, kwargs)
        for i in inplace:
            if i < len(args):
                writable_buffer(args[i], wrapper.__name__, "a")
        out = kwargs.get("out")
        if out is not None and (isinstance(out, Array) or (isinstance(out, tuple) and any(
                isinstance(o, Array) for o in out))):
            del kwargs["out"]
            return call_with_out(impl, out, *args, **kwargs)
        if not dev.host:
            return _on_device(fn, dev, args, kwargs)
        return from_numpy(impl(*to_numpy(args), **to_numpy(kwargs)), dev)

    if name is not None:
        wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__wrapped_numpy__ = fn
    wrapper.__doc__ = (f"NumPy's ``{getattr(fn, '__module__', 'numpy')}.{fn.__name__}`` on the buffers of "
                       f"Array arguments; ndarray results are returned as Arrays.\n\n"
                       + (fn.__doc__ or ""))
    return wrapper


def _on_device(fn: Callable, dev: _devices.Device, args: Any, kwargs: Any) -> Any:
    """NumPy's ``fn`` on GPU Arrays: through NumPy's dispatch, so CuPy's ``__array_function__``
    runs it on the device; where CuPy lacks it or a keyword, on host copies, the results moved
    back (``_nonelementwise.device_fallback``'s rule: slower, never wrong)."""
    from .._nonelementwise import _moved

    try:
        return from_numpy(fn(*to_numpy(args), **to_numpy(kwargs)), dev)
    except (TypeError, NotImplementedError, AttributeError):
        host = _devices.HOST
        hargs = _moved(args, host)
        hkwargs = {k: _moved(v, host) for k, v in kwargs.items()}
        impl = getattr(fn, "_implementation", fn)
        res = from_numpy(impl(*to_numpy(hargs), **to_numpy(hkwargs)), host)
        return _moved(res, dev)


def standard_signature(ours: Callable, std: Callable) -> Callable:
    """Give ``ours`` (NumPy's signature, a superset of the standard's) the standard function's
    ``inspect.signature``: Array API tooling reads it, and every call it describes runs the
    standard's function unchanged. NumPy's positional forms and keywords are accepted too."""
    try:
        ours.__signature__ = inspect.signature(std)
    except (TypeError, ValueError, AttributeError):  # pragma: no cover - builtins without one
        pass
    return ours
