"""The namespace on the ``wasm`` device: ``import hologram_array.wasm as np``.

Every name of ``hologram_array``, with one difference: creation functions called without
``device=`` (or with ``device=None``) make Arrays on the ``wasm`` device, and
``__array_namespace_info__().default_device()`` is ``wasm``. Circuits of ``wasm`` Arrays run
on NumPy only -- class-map lookups and the blocked NumPy executor (``backends/numpy_exec.py``),
one thread, never a compiled kernel -- so this is what a WebAssembly host (Pyodide, WASI)
runs. Inside such a host (``sys.platform`` ``emscripten`` or ``wasi``) the plain
``hologram_array`` namespace already defaults to ``wasm``; this module makes the choice
explicit anywhere, e.g. to try the WASM code path natively. See docs/wasm.md.
"""
from __future__ import annotations

import functools as _functools
from typing import Any as _Any

import hologram_array as _hx

from . import _devices

__all__ = sorted(
    [n for n in dir(_hx) if not n.startswith("_") and n != "wasm"]  # dir: lazy submodules too
    + ["__array_api_version__", "__array_namespace_info__", "__version__"]
)
globals().update({n: getattr(_hx, n) for n in __all__})

WASM = _devices.WASM
_Hx_Array = _hx.Array


def _on_wasm(func: _Any) -> _Any:
    """``func`` with ``device=None`` read as the wasm device."""

    @_functools.wraps(func)
    def wrapper(*args: _Any, device: _Any = None, **kwargs: _Any) -> _Any:
        return func(*args, device=WASM if device is None else device, **kwargs)

    return wrapper


for _name in ("arange", "empty", "eye", "full", "linspace", "ones", "zeros"):
    globals()[_name] = _on_wasm(getattr(_hx, _name))


@_functools.wraps(_hx.asarray)
def asarray(obj: _Any, /, *, dtype: _Any = None, device: _Any = None, copy: bool | None = None) -> _Hx_Array:
    # An Array handed over without a copy keeps its device (moving it would need one).
    if device is None and not (copy is False and isinstance(obj, _hx.Array)):
        device = WASM
    return _hx.asarray(obj, dtype=dtype, device=device, copy=copy)


@_functools.wraps(_hx.from_dlpack)
def from_dlpack(x: _Any, /, *, device: _Any = None, copy: bool | None = None) -> _Hx_Array:
    return _hx.from_dlpack(x, device=WASM if device is None else device, copy=copy)


class __array_namespace_info__(_hx.__array_namespace_info__):  # noqa: N801 - the standard's name
    """``hologram_array.__array_namespace_info__`` with ``wasm`` as the default device."""

    __slots__ = ()

    def default_device(self) -> _devices.Device:
        return WASM

    def devices(self) -> tuple[_devices.Device, ...]:
        return (WASM,)


class _FFT:
    """``hologram_array.fft`` with ``fftfreq``/``rfftfreq`` on the wasm device by default."""

    def __init__(self) -> None:
        self.__dict__.update({n: getattr(_hx.fft, n) for n in _hx.fft.__all__})
        self.fftfreq = _on_wasm(_hx.fft.fftfreq)
        self.rfftfreq = _on_wasm(_hx.fft.rfftfreq)

    def __repr__(self) -> str:
        return "<hologram_array.wasm.fft>"


fft = _FFT()

del _name
