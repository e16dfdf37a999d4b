"""Library-level utilities: materialize several arrays at once, explain a plan."""
from __future__ import annotations

from typing import Any

from ._array import Array, materialize_many


def materialize(*arrays: Any) -> Any:
    """Compute every lazy Array given, in one pass where they share work; returns them."""
    materialize_many(list(arrays))
    return arrays[0] if len(arrays) == 1 else arrays


def explain(*arrays: Array) -> str:
    """A readable report of the plan that would compute these lazy arrays (see docs/architecture.md)."""
    if not arrays:
        raise TypeError("explain: give at least one array")
    concrete = [a for a in arrays if not a.is_lazy]
    if len(concrete) == len(arrays):
        return "all given arrays are already materialized: nothing to plan"
    lazy = [a for a in arrays if a.is_lazy]
    devices = {a.device for a in lazy}
    if len(devices) > 1:
        raise ValueError("explain: arrays on different devices")
    from .compiler.explain import explain_nodes  # the compiler loads on first use

    return explain_nodes([a._node for a in lazy], lazy[0].device.name)


def cache_info() -> dict[str, int]:
    """Circuit cache statistics (circuits held, hits, misses, class-map tables held) and the
    result-buffer pool's (``pool_idle_bytes``, ``pool_hits``, ``pool_misses``)."""
    from .compiler.cache import CACHE
    from .compiler.pool import POOL

    info = CACHE.stats()
    info.update({f"pool_{k}": v for k, v in POOL.stats().items()})
    return info


def clear_cache() -> None:
    """Forget compiled circuits, class-map tables and plans; release pooled result buffers."""
    from .compiler.cache import CACHE
    from .compiler.pool import POOL

    CACHE.clear()
    POOL.clear()
