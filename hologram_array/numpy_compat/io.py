"""File input/output with NumPy's formats and functions (``save``, ``load``, ``savez``,
``loadtxt``, ``savetxt``, ``genfromtxt``, ``fromfile``): NumPy reads and writes the buffers, so
files are byte-for-byte NumPy's and interchangeable with it. Loaded arrays are Arrays; ``load``
of an ``.npz`` gives an ``NpzFile`` whose items are Arrays.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._convert import from_numpy, numpy_function

__all__ = ["save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt",
           "fromfile", "fromregex", "NpzFile"]

save = numpy_function(np.save, "save")
savez = numpy_function(np.savez, "savez")
savez_compressed = numpy_function(np.savez_compressed, "savez_compressed")
savetxt = numpy_function(np.savetxt, "savetxt")
loadtxt = numpy_function(np.loadtxt, "loadtxt")
genfromtxt = numpy_function(np.genfromtxt, "genfromtxt")
fromfile = numpy_function(np.fromfile, "fromfile")
fromregex = numpy_function(np.fromregex, "fromregex")


class NpzFile:
    """NumPy's ``NpzFile`` (a lazy mapping over an ``.npz`` archive) whose items are Arrays."""

    def __init__(self, npz: Any) -> None:
        self._npz = npz

    def __getitem__(self, key: str) -> Any:
        return from_numpy(self._npz[key])

    def __iter__(self):
        return iter(self._npz)

    def __len__(self) -> int:
        return len(self._npz)

    def __contains__(self, key: object) -> bool:
        return key in self._npz

    def keys(self):
        return self._npz.keys()

    def values(self):
        return [self[k] for k in self._npz.keys()]

    def items(self):
        return [(k, self[k]) for k in self._npz.keys()]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._npz else default

    @property
    def files(self) -> list:
        return self._npz.files

    def close(self) -> None:
        self._npz.close()

    def __enter__(self) -> "NpzFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NpzFile({self._npz!r})"


def load(file: Any, mmap_mode: Any = None, allow_pickle: bool = False, fix_imports: bool = True,
         encoding: str = "ASCII", *, max_header_size: int = 10000) -> Any:
    """NumPy's ``load``: an ``.npy`` gives an Array (a memory map stays NumPy's ``memmap``),
    an ``.npz`` an ``NpzFile`` of Arrays."""
    res = np.load(file, mmap_mode=mmap_mode, allow_pickle=allow_pickle, fix_imports=fix_imports,
                  encoding=encoding, max_header_size=max_header_size)
    if isinstance(res, np.lib.npyio.NpzFile):
        return NpzFile(res)
    return from_numpy(res)
