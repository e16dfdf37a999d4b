"""Devices: where an Array's buffer lives and which backend runs its circuits.

``cpu``  -- NumPy buffers; circuits run on the CPU backends (NumPy executor
            today; generated Numba kernels where installed).
``wasm`` -- NumPy buffers in a WebAssembly host (Pyodide, WASI): NumPy only,
            no threads, no JIT. The default when running inside such a host.
"""
from __future__ import annotations

import sys


class Device:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

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
_KNOWN = {"cpu": CPU, "wasm": WASM}


def default_device() -> Device:
    return WASM if IN_WASM_HOST else CPU


def devices() -> list[Device]:
    return [default_device()]


def as_device(device: object) -> Device:
    """Normalize a ``device=`` argument (None -> the default device)."""
    if device is None:
        return default_device()
    if isinstance(device, Device):
        return device
    if isinstance(device, str) and device in _KNOWN:
        return _KNOWN[device]
    raise ValueError(f"unsupported device {device!r}; available: {[d.name for d in devices()]} and 'wasm'")
