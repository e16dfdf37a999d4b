"""The on-disk cache of class-map tables (16-bit tables cost ~0.1 s to build; 8-bit ones are
not worth a file).

Location: ``$HOLOGRAM_CACHE_DIR``, else ``platformdirs.user_cache_dir("hologram_array")``, else
``~/.cache/hologram_array``; then ``tables-<library version>-np<NumPy version>/``. One ``.npz``
per (circuit key, parameter values), named by the SHA-256 of that key's ``repr`` and holding the
key text too, so a hash collision or a foreign file is detected and ignored. Files are written to
a temporary name and renamed (concurrent processes never see half a file); anything unreadable,
truncated or foreign is ignored and rebuilt, never an error; loading never unpickles. Without a
writable directory (WASM hosts, read-only homes) the cache is simply off.
"""
from __future__ import annotations

import hashlib
import os
import sys
from typing import Any

import numpy as np

from .. import _version


#: A WASM host (Pyodide, WASI) has no lasting, writable cache folder of its own: there the disk
#: cache is used only when ``$HOLOGRAM_CACHE_DIR`` names one (e.g. a folder granted to a WASI guest).
_WASM_HOST = sys.platform in ("emscripten", "wasi")


def base_dir() -> str | None:
    base = os.environ.get("HOLOGRAM_CACHE_DIR")
    if base:
        return base
    if _WASM_HOST:
        return None
    try:
        import platformdirs
        return platformdirs.user_cache_dir("hologram_array")
    except Exception:
        return os.path.join(os.path.expanduser("~"), ".cache", "hologram_array")


def _tables_dir() -> str | None:
    base = base_dir()
    return None if base is None else os.path.join(base, f"tables-{_version.__version__}-np{np.__version__}")


def _path(key: tuple) -> tuple[str, str]:
    """(file, key text); OSError when there is no cache folder (caught by the callers)."""
    d = _tables_dir()
    if d is None:
        raise FileNotFoundError("no disk cache folder in this WASM host")
    text = repr(key)
    return os.path.join(d, hashlib.sha256(text.encode()).hexdigest() + ".npz"), text


def load(key: tuple) -> tuple[list[np.ndarray], int, np.ndarray | None] | None:
    """(tables, error bits, per-entry errors) saved under ``key``, or None."""
    try:
        path, text = _path(key)
        with np.load(path, allow_pickle=False) as f:
            if str(f["key"]) != text:
                return None
            n = int(f["n_tables"])
            tables = [f[f"t{j}"] for j in range(n)]
            entry = f["entry_errors"] if "entry_errors" in f.files else None
            return tables, int(f["error_bits"]), entry
    except Exception:
        return None


def save(key: tuple, tables: list[np.ndarray], error_bits: int, entry_errors: Any) -> None:
    """Best effort: any failure (no space, read-only, a race) leaves the cache as it was."""
    try:
        path, text = _path(key)
        d = os.path.dirname(path)
        os.makedirs(d, exist_ok=True)
        import tempfile  # here, not at import: a WASM host may have no temporary folder

        fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=".npz", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                arrays = {f"t{j}": t for j, t in enumerate(tables)}
                if entry_errors is not None:
                    arrays["entry_errors"] = entry_errors
                np.savez(f, key=np.array(text), n_tables=np.array(len(tables)),
                         error_bits=np.array(error_bits), **arrays)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except Exception:
        pass
