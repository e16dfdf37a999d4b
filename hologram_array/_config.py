"""Run-time settings, read by the recording layer and the compiler.

``hologram_array.config(...)`` changes them for the process (and returns the
previous values, so tests can restore them); environment variables set the
starting values.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

def _env_int(name: str, default: int) -> int:
    """An int from the environment; a malformed value warns and keeps the default."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
        if value < 0:
            raise ValueError
        return value
    except ValueError:
        import warnings
        warnings.warn(f"{name}={raw!r} is not an int >= 0; using {default}", RuntimeWarning, stacklevel=3)
        return default


_CLASSMAP_MODES = ("auto", "always", "never")
_COMPILE_MODES = ("background", "sync", "never")
_NO_JIT_PLATFORMS = ("emscripten", "wasi")
_installed: bool | None = None


def numba_installed() -> bool:
    """Whether Numba can be used here -- found without importing it (that costs ~150 ms)."""
    global _installed
    if _installed is None:
        import importlib.util
        import sys

        _installed = (sys.platform not in _NO_JIT_PLATFORMS
                      and importlib.util.find_spec("numba") is not None
                      and importlib.util.find_spec("llvmlite") is not None)
    return _installed


def _default_eager_below() -> int:
    """``eager_below``'s default: where compiled kernels can run, the measured crossover of
    recording + a fused kernel against NumPy's eager chain (2026-12-05, float32 arith10 /
    transc12, lazy vs eager: 32K 0.99 / 1.09, 48K 0.83 / 0.93, 64K 0.71 / 0.80); without them
    (no Numba, ``HOLOGRAM_COMPILE=never``, WebAssembly) the NumPy executor is the lazy path, and
    it loses to the eager chain up to 64K (64K: 1.22 / 1.00; 32K: 1.97 / 1.65)."""
    if os.environ.get("HOLOGRAM_COMPILE", "background") != "never" and numba_installed():
        return 32768
    return 65536


@dataclass
class Settings:
    #: Flush a lazy expression once its DAG is this deep ...
    max_depth: int = 128
    #: ... or once it may hold this many nodes (an upper bound, counted with sharing).
    max_nodes: int = 512
    #: Class maps: "auto" (cost model), "always" (whenever eligible) or "never".
    classmap: str = os.environ.get("HOLOGRAM_CLASSMAP", "auto")
    #: "auto": a class map pays off from this many ops (for a cached table: always).
    classmap_min_ops: int = 6  # measured crossover vs the blocked NumPy path (docs/performance.md)
    #: Arrays with at most this many elements compute eagerly with NumPy when all their
    #: operands are concrete: recording and running a circuit cost more than the work itself
    #: there (a fused 10-op float32 chain repeated: ~45 us of fixed cost; NumPy's eager chain
    #: 53 us at 32K elements, 80 us at 64K). 32768 where compiled kernels can run, else 65536
    #: (``_default_eager_below``; docs/performance.md).
    eager_below: int = _env_int("HOLOGRAM_EAGER_BELOW", _default_eager_below())
    #: Compiled (Numba) kernels: "background" -- a circuit's first runs use the NumPy
    #: executor while a thread compiles it; "sync" -- compile before the first run;
    #: "never" -- NumPy executor only. Without Numba installed, always "never".
    compile: str = os.environ.get("HOLOGRAM_COMPILE", "background")
    #: Circuits over fewer elements than this run on the NumPy executor (and are not
    #: compiled for): a kernel call's fixed cost outweighs its gain below (docs/performance.md).
    jit_min: int = _env_int("HOLOGRAM_JIT_MIN", 32768)

    def __post_init__(self) -> None:
        # A mistyped environment variable warns and keeps the default: failing the import
        # would be worse than running with the default policy.
        for name, modes in (("classmap", _CLASSMAP_MODES), ("compile", _COMPILE_MODES)):
            if getattr(self, name) not in modes:
                import warnings
                warnings.warn(f"HOLOGRAM_{name.upper()}={getattr(self, name)!r} is not one of {modes}; "
                              f"using {modes[0]!r}", RuntimeWarning, stacklevel=2)
                setattr(self, name, modes[0])


settings = Settings()


def config(**changes: Any) -> dict[str, Any]:
    """Change settings; returns the previous values of the changed ones.

    >>> old = config(classmap="never"); ...; config(**old)
    """
    names = {f.name for f in fields(Settings)}
    previous = {}
    for k, v in changes.items():
        if k not in names:
            raise TypeError(f"config: unknown setting {k!r} (known: {', '.join(sorted(names))})")
        if k == "classmap" and v not in _CLASSMAP_MODES:
            raise ValueError(f"config: classmap must be one of {_CLASSMAP_MODES}, got {v!r}")
        if k == "compile" and v not in _COMPILE_MODES:
            raise ValueError(f"config: compile must be one of {_COMPILE_MODES}, got {v!r}")
        if k in ("eager_below", "jit_min") and (not isinstance(v, int) or v < 0):
            raise ValueError(f"config: {k} must be an int >= 0, got {v!r}")
        if k == "eager_below" and (not isinstance(v, int) or v < 0):
            raise ValueError(f"config: eager_below must be an int >= 0, got {v!r}")
        if k in ("max_depth", "max_nodes") and (not isinstance(v, int) or v < 1):
            raise ValueError(f"config: {k} must be a positive int, got {v!r}")
        previous[k] = getattr(settings, k)
        setattr(settings, k, v)
    return previous
