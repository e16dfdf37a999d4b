"""``numpy.fft``'s signatures for ``hologram_array.fft`` (which imports ``__all__`` here):
``fft(a, n=None, axis=-1, norm=None, out=None)`` ... with positional ``n``/``axis``,
``norm=None`` (backward), ``out=`` and array-likes; results are the standard's functions' (single
precision kept, as NumPy 2 does too)."""
from __future__ import annotations

import types
from typing import Any

import numpy as np

from .. import fft as _std_module
from ._convert import as_buffer, standard_signature, writable_buffer

#: The standard's functions, taken before ``hologram_array.fft`` re-exports ours over them.
_std = types.SimpleNamespace(**vars(_std_module))

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn",
           "fft2", "ifft2", "rfft2", "irfft2", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]


def _a(x: Any) -> Any:
    from .._array import Array

    return x if isinstance(x, (Array, np.ndarray, np.generic)) else np.asarray(as_buffer(x))


def _into(res: Any, out: Any) -> Any:
    if out is None:
        return res
    np.copyto(writable_buffer(out, "fft"), res._materialize(), casting="same_kind")
    return out


def _one(name: str) -> Any:
    std = getattr(_std, name)

    def f(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
        return _into(std(_a(a), n=n, axis=axis, norm=norm or "backward"), out)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = std.__doc__
    return standard_signature(f, std)


def _many(name: str, default_axes: Any = None) -> Any:
    std = getattr(_std, name[:-1] + "n" if name.endswith("2") else name)

    def f(a: Any, s: Any = None, axes: Any = default_axes, norm: Any = None, out: Any = None) -> Any:
        return _into(std(_a(a), s=s, axes=axes, norm=norm or "backward"), out)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = std.__doc__
    return f if name.endswith("2") else standard_signature(f, std)


fft, ifft, rfft, irfft, hfft, ihfft = (_one(n) for n in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft"))
fftn, ifftn, rfftn, irfftn = (_many(n) for n in ("fftn", "ifftn", "rfftn", "irfftn"))
fft2, ifft2, rfft2, irfft2 = (_many(n, (-2, -1)) for n in ("fft2", "ifft2", "rfft2", "irfft2"))


def fftfreq(n: int, d: float = 1.0, *, dtype: Any = None, device: Any = None) -> Any:
    return _std.fftfreq(n, d=d, dtype=dtype, device=device)


def rfftfreq(n: int, d: float = 1.0, *, dtype: Any = None, device: Any = None) -> Any:
    return _std.rfftfreq(n, d=d, dtype=dtype, device=device)


def fftshift(x: Any, axes: Any = None) -> Any:
    return _std.fftshift(_a(x), axes=axes)


def ifftshift(x: Any, axes: Any = None) -> Any:
    return _std.ifftshift(_a(x), axes=axes)


for _f in (fftfreq, rfftfreq, fftshift, ifftshift):
    standard_signature(_f, getattr(_std, _f.__name__))
