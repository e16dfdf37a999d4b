"""The Array API standard's ``fft`` extension, computed with ``numpy.fft``.

Differs from NumPy: results always keep single precision for float32 /
complex64 input (complex64 for complex results, float32 for real ones), as the
standard requires; anything NumPy upcasts is cast back. Other input (float64,
integers) gives complex128 / float64, as in NumPy.
"""
from __future__ import annotations

from typing import Any, Literal, Sequence

import numpy as np

from . import _devices
from ._array import Array
from ._nonelementwise import buf, device_of, opt_dtype, wrap

__all__ = [
    "fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
    "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]

_Norm = Literal["backward", "ortho", "forward"]
_SINGLE = (np.dtype(np.float32), np.dtype(np.complex64))


def _check_axes_on_device(data: Any, kwargs: dict, name: str) -> None:
    """CuPy's FFTs accept an axis beyond the array's rank; NumPy raises ``AxisError`` (an
    ``IndexError``): checked here for GPU buffers (NumPy checks host ones itself)."""
    axes = kwargs.get("axes")
    axes = [kwargs["axis"]] if "axis" in kwargs else ([] if axes is None else list(axes))
    for a in axes:
        if not -data.ndim <= a < data.ndim:
            raise np.exceptions.AxisError(a, data.ndim, f"fft.{name}")


def _run(func: Any, name: str, x: Array, out_kind: str, *args: Any, **kwargs: Any) -> Array:
    data = buf(x, f"fft.{name}")
    if type(data) is not np.ndarray:
        _check_axes_on_device(data, kwargs, name)
    res = func(data, *args, **kwargs)
    single = data.dtype in _SINGLE
    want = np.dtype((np.complex64 if single else np.complex128) if out_kind == "c"
                    else (np.float32 if single else np.float64))
    if res.dtype != want:
        res = res.astype(want)
    return wrap(res, device_of(x))


def fft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> Array:
    """1-D discrete Fourier transform along ``axis`` (``n``: crop or zero-pad first)."""
    return _run(np.fft.fft, "fft", x, "c", n=n, axis=axis, norm=norm)


def ifft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> Array:
    """1-D inverse discrete Fourier transform along ``axis``."""
    return _run(np.fft.ifft, "ifft", x, "c", n=n, axis=axis, norm=norm)


def fftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: _Norm = "backward") -> Array:
    """n-D discrete Fourier transform over ``axes`` (all axes if None)."""
    return _run(np.fft.fftn, "fftn", x, "c", s=s, axes=axes, norm=norm)


def ifftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: _Norm = "backward") -> Array:
    """n-D inverse discrete Fourier transform over ``axes``."""
    return _run(np.fft.ifftn, "ifftn", x, "c", s=s, axes=axes, norm=norm)


def rfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> Array:
    """1-D transform of real input: the ``n//2 + 1`` non-negative frequency terms."""
    return _run(np.fft.rfft, "rfft", x, "c", n=n, axis=axis, norm=norm)


def irfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> Array:
    """Inverse of ``rfft``: a real result of length ``n`` (default ``2*(m-1)``)."""
    return _run(np.fft.irfft, "irfft", x, "r", n=n, axis=axis, norm=norm)


def rfftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: _Norm = "backward") -> Array:
    """n-D transform of real input (the last transformed axis halved)."""
    return _run(np.fft.rfftn, "rfftn", x, "c", s=s, axes=axes, norm=norm)


def irfftn(x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
           norm: _Norm = "backward") -> Array:
    """Inverse of ``rfftn``: a real result."""
    return _run(np.fft.irfftn, "irfftn", x, "r", s=s, axes=axes, norm=norm)


def hfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> Array:
    """Transform of a Hermitian-symmetric signal given by its first half: a real result."""
    return _run(np.fft.hfft, "hfft", x, "r", n=n, axis=axis, norm=norm)


def ihfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> Array:
    """Inverse of ``hfft`` for real input: the ``n//2 + 1`` Hermitian half."""
    return _run(np.fft.ihfft, "ihfft", x, "c", n=n, axis=axis, norm=norm)


def _freq(func: Any, name: str, n: int, d: float, dtype: Any, device: Any) -> Array:
    dev = _devices.as_device(device)
    dt = opt_dtype(dtype)
    if dt is not None and dt.kind != "f":
        raise ValueError(f"fft.{name}: dtype must be a real floating-point dtype, got {dt}")
    res = func(n, d=d)
    if dt is not None and res.dtype != dt:
        res = res.astype(dt)
    return wrap(res, dev)


def fftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Array:
    """Sample frequencies ``[0, 1, ..., -1] / (d*n)`` (default dtype float64)."""
    return _freq(np.fft.fftfreq, "fftfreq", n, d, dtype, device)


def rfftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Array:
    """Non-negative sample frequencies ``[0, 1, ..., n//2] / (d*n)`` (default dtype float64)."""
    return _freq(np.fft.rfftfreq, "rfftfreq", n, d, dtype, device)


def fftshift(x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
    """Move the zero-frequency term to the centre (all axes if None)."""
    return wrap(np.fft.fftshift(buf(x, "fft.fftshift"), axes=axes), device_of(x))


def ifftshift(x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
    """Inverse of ``fftshift``."""
    return wrap(np.fft.ifftshift(buf(x, "fft.ifftshift"), axes=axes), device_of(x))


# ---- numpy.fft's signatures (positional n/axis, norm=None, out=; docs/numpy_compat.md) --------
from ._nonelementwise import wrap_module as _wrap_module  # noqa: E402

_wrap_module(globals(), __all__)  # GPU arrays: what CuPy lacks runs on a host copy

from .numpy_compat.fft import *  # noqa: E402,F401,F403
from .numpy_compat.fft import __all__ as _numpy_all  # noqa: E402

__all__ = sorted(set(__all__) | set(_numpy_all))
