"""The inspection API of the Array API standard: ``__array_namespace_info__()``."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _devices
from ._dtypes import DEFAULT_COMPLEX, DEFAULT_FLOAT, DEFAULT_INDEX, DEFAULT_INT, STANDARD, isdtype

__all__ = ["__array_namespace_info__"]

_KINDS = ("bool", "signed integer", "unsigned integer", "integral", "real floating",
          "complex floating", "numeric")


def _check_device(device: Any) -> None:
    _devices.as_device(device)  # ValueError for an unknown device


class __array_namespace_info__:  # noqa: N801 - the standard's name
    """Inspection namespace: ``hologram_array.__array_namespace_info__().dtypes()`` etc.

    ``devices()``: the host device (``cpu``, or ``wasm`` in a WebAssembly host) and one
    ``cuda:N`` per GPU CuPy sees (none without CuPy or a GPU). Every device holds every dtype
    with the same defaults, so the answers do not depend on ``device`` (which is still
    validated). Dtype objects are the namespace's (NumPy's scalar types, e.g.
    ``hologram_array.float64``).
    """

    __slots__ = ()

    def capabilities(self) -> dict[str, Any]:
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> _devices.Device:
        return _devices.default_device()

    def devices(self) -> tuple[_devices.Device, ...]:
        return tuple(_devices.devices())

    def default_dtypes(self, *, device: Any = None) -> dict[str, Any]:
        _check_device(device)
        return {
            "real floating": DEFAULT_FLOAT.type,
            "complex floating": DEFAULT_COMPLEX.type,
            "integral": DEFAULT_INT.type,
            "indexing": DEFAULT_INDEX.type,
        }

    def dtypes(self, *, device: Any = None, kind: str | tuple[str, ...] | None = None) -> dict[str, Any]:
        """The standard's dtypes (``kind``: a kind name or a tuple of them), keyed by canonical name."""
        _check_device(device)
        if kind is not None:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            for k in kinds:
                if not isinstance(k, str):
                    raise TypeError(f"dtypes: kind must be a string or a tuple of strings, got {k!r}")
                if k not in _KINDS:
                    raise ValueError(f"dtypes: unknown kind {k!r}; expected one of {_KINDS}")
        return {np.dtype(dt).name: dt.type for dt in STANDARD if kind is None or isdtype(dt, kind)}
