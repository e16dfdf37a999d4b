"""Devices: where an Array's buffer lives and which backend runs its circuits.

``cpu``     -- NumPy buffers; circuits run on the CPU backends (NumPy executor, generated Numba
               kernels where installed).
``wasm``    -- NumPy buffers in a WebAssembly host (Pyodide, WASI): NumPy only, no threads, no
               JIT. The default when running inside such a host.
``cuda:N``  -- CuPy buffers on NVIDIA GPU N; circuits run as generated CUDA kernels
               (``backends/gpu_cupy.py``). Listed only when CuPy imports and sees a GPU; CuPy is
               imported the first time a GPU device is asked for, never by ``import
               hologram_array``.

The default device is ``cpu`` (``wasm`` inside a WebAssembly host), or the one named by the
``HOLOGRAM_DEVICE`` environment variable (``cuda``, ``cuda:1``, ``cpu``), so the same script
runs on a GPU unchanged. Data never moves between devices silently: ``asarray(x, device=...)``
and ``to_device`` move it, mixing devices in one operation raises ``ValueError``.
"""
from __future__ import annotations

import os
import sys
from typing import Any


class Device:
    """A device: ``name`` ("cpu", "wasm", "cuda:0"), ``host`` (buffers are NumPy arrays) and,
    for a GPU, its CUDA ``index``."""

    __slots__ = ("name", "host", "index")

    def __init__(self, name: str, index: int | None = None):
        self.name = name
        self.index = index
        self.host = index is None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Device):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("hologram_array.Device", self.name))

    def __repr__(self) -> str:
        return f"Device({self.name!r})"

    def __str__(self) -> str:
        return self.name


CPU = Device("cpu")
WASM = Device("wasm")
IN_WASM_HOST = sys.platform in ("emscripten", "wasi")
#: The host device of this process: where NumPy buffers live.
HOST = WASM if IN_WASM_HOST else CPU
_KNOWN = {"cpu": CPU, "wasm": WASM}
_gpus: list[Device] | None = None


def gpu_devices() -> list[Device]:
    """One ``cuda:N`` device per visible GPU; empty without CuPy or a GPU (never raises)."""
    global _gpus
    if _gpus is None:
        found: list[Device] = []
        if not IN_WASM_HOST:
            try:
                import cupy

                count = cupy.cuda.runtime.getDeviceCount()
            except Exception:  # no CuPy, no driver, no device: no GPU devices
                count = 0
            found = [Device(f"cuda:{k}", k) for k in range(count)]
        _gpus = found
        for d in found:
            _KNOWN[d.name] = d
    return _gpus


def _env_default() -> Device | None:
    name = os.environ.get("HOLOGRAM_DEVICE", "").strip()
    return as_device(name) if name else None


_default: Device | None = None


def default_device() -> Device:
    global _default
    if _default is None:
        _default = _env_default() or HOST
    return _default


def devices() -> list[Device]:
    """The host device (``cpu``, or ``wasm`` in a WebAssembly host) and each visible GPU."""
    return [HOST] + gpu_devices()


def as_device(device: object) -> Device:
    """Normalize a ``device=`` argument (None -> the default device).

    Accepts Device objects, "cpu", "wasm", "cuda"/"gpu" (GPU 0), "cuda:N" and
    ``cupy.cuda.Device`` objects."""
    if device is None:
        return default_device()
    if isinstance(device, Device):
        return device
    if isinstance(device, str):
        d = _KNOWN.get(device)
        if d is not None:
            return d
        name = "cuda:0" if device in ("cuda", "gpu") else device
        if name.startswith("cuda:"):
            for d in gpu_devices():
                if d.name == name:
                    return d
            raise ValueError(f"unsupported device {device!r}: no such GPU (CuPy with a CUDA GPU is needed); "
                             f"available: {[d.name for d in devices()]}")
    elif type(device).__module__.startswith("cupy") and hasattr(device, "id"):
        return as_device(f"cuda:{int(device.id)}")
    raise ValueError(f"unsupported device {device!r}; available: {[d.name for d in devices()]} and 'wasm'")


def is_device_buffer(x: Any) -> bool:
    """Whether ``x`` is a GPU buffer (a CuPy array)."""
    return type(x).__module__.startswith("cupy")


def module(device: Device) -> Any:
    """The array module holding ``device``'s buffers: NumPy, or CuPy for a GPU."""
    if device.host:
        import numpy

        return numpy
    import cupy

    return cupy


def context(device: Device) -> Any:
    """A context manager making ``device`` current (a no-op on the host and on a one-GPU
    machine: ``gpu_cupy.device_context``)."""
    if device.host:
        import contextlib

        return contextlib.nullcontext()
    from .backends import gpu_cupy

    return gpu_cupy.device_context(device.index)


_cupy_installed: bool | None = None


def cupy_installed() -> bool:
    """Whether CuPy can be imported at all (found on the path; not imported): without it no GPU
    device can exist. About 0.1 ms."""
    global _cupy_installed
    if _cupy_installed is None:
        import importlib.util

        _cupy_installed = not IN_WASM_HOST and importlib.util.find_spec("cupy") is not None
    return _cupy_installed


def device_of_buffer(x: Any) -> Device:
    """The device a raw buffer lives on (host for NumPy arrays)."""
    if is_device_buffer(x):
        return as_device(f"cuda:{int(x.device.id)}")
    return HOST


def to_buffer(data: Any, device: Device) -> Any:
    """``data`` (a NumPy or CuPy array) as a buffer of ``device``: copied across when it lives
    elsewhere, returned as it is otherwise. Only explicit transfers call this."""
    if device.host:
        if is_device_buffer(data):
            return data.get()
        return data
    import cupy

    if is_device_buffer(data) and int(data.device.id) == device.index:
        return data
    with cupy.cuda.Device(device.index):
        return cupy.asarray(data)


def to_host(data: Any) -> Any:
    """A NumPy array with ``data``'s values (a device-to-host copy for GPU buffers)."""
    return data.get() if is_device_buffer(data) else data


def as_buffer(res: Any, dtype: Any = None) -> Any:
    """``numpy.asarray(res, dtype)``, keeping a GPU result on its GPU (NumPy functions called on
    CuPy buffers return CuPy arrays, through NumPy's ``__array_function__`` protocol)."""
    if is_device_buffer(res):
        return res if dtype is None else res.astype(dtype, copy=False)
    import numpy

    return numpy.asarray(res, dtype=dtype)
