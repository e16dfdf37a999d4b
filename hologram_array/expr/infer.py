"""Shape and dtype inference for recorded ops, done when the node is built.

Dtypes come from NumPy's own ufunc type resolution (``resolve_dtypes``), which
implements NEP 50 (weak Python scalars) -- so a recorded op has exactly the
dtype the eager NumPy call would have had, and raises the same error class
(``UFuncTypeError``, a ``TypeError``) when NumPy has no loop for it.
Answers are cached per (op, operand dtype tokens): a dict hit costs ~100 ns,
``resolve_dtypes`` ~2 us.
"""
from __future__ import annotations

import threading

import numpy as np

from .ops import spec

_dtype_cache: dict[tuple, tuple[tuple[np.dtype, ...], np.dtype]] = {}
_lock = threading.Lock()


def resolve(name: str, tokens: tuple) -> tuple[tuple[np.dtype, ...], np.dtype]:
    """(loop input dtypes, result dtype) of op ``name`` on operands with these dtype tokens.

    A token is an operand's ``np.dtype``, or ``int``/``float``/``complex`` for a
    weak Python scalar.
    """
    key = (name, tokens)
    hit = _dtype_cache.get(key)
    if hit is not None:
        return hit
    s = spec(name)
    if s.ufunc is None:
        raise TypeError(f"hologram_array: op {name!r} has no ufunc type rule")
    resolved = s.ufunc.resolve_dtypes(tokens + (None,))
    answer = (tuple(resolved[: s.arity]), resolved[s.arity])
    with _lock:
        _dtype_cache[key] = answer
    return answer


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """Broadcast shapes as NumPy does (``ValueError`` when incompatible)."""
    first = ()
    for s in shapes:
        if s != first:
            if first == ():
                first = s
            elif s != ():
                break
    else:
        return first
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            "operands could not be broadcast together with shapes "
            + " ".join(str(tuple(s)) for s in shapes)
        ) from None
