"""The NumPy-compatible surface, assembled: ``hologram_array/__init__.py`` re-exports ``__all__``.

Order matters where names meet: ufunc objects first, then functions with NumPy's signatures
(``matmul``/``vecdot``: the standard's functions, which accept NumPy's keywords too). Also binds
the function modules into ``array_methods`` and fills ``dispatch.TABLE``. Names NumPy has
and we do not define are looked up on first use (``numpy_attribute``, from the package's
``__getattr__``).
"""
from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np

from . import _convert, array_methods, creation, dispatch, dtypes, functions, io, reductions, ufuncs

EXPORTS: dict[str, Any] = {}
for _mod in (dtypes, ufuncs, creation, reductions, functions, io):
    EXPORTS.update({n: getattr(_mod, n) for n in _mod.__all__})

# The standard's functions these names had (the package's names bound before ours, see
# hologram_array/__init__.py): ours report their signatures (``_convert.standard_signature``).
_package = sys.modules[__name__.rsplit(".", 2)[0]]
STANDARD = {n: getattr(_package, n) for n in EXPORTS if callable(getattr(_package, n, None))}
for _name, _std in STANDARD.items():
    if EXPORTS[_name] is not _std and not isinstance(_std, type):
        _convert.standard_signature(EXPORTS[_name], _std)

array_methods._red = reductions
array_methods._fun = functions
array_methods._cre = creation
array_methods._conv = _convert
dispatch.build_table(EXPORTS)

__all__ = sorted(EXPORTS)
globals().update(EXPORTS)

_MISSING = object()
#: NumPy names that must not come through the fallback (removed aliases NumPy itself rejects
#: with an explanation, test helpers).
_NO_FALLBACK = {"test", "show_config", "show_runtime"}


def numpy_attribute(name: str) -> Any:
    """``hologram_array.<name>`` for a public NumPy name we do not define: NumPy's function
    wrapped (``numpy_function``: buffers in, Arrays out), a ufunc as a ``Ufunc``, NumPy's
    submodules, classes and constants as they are. ``AttributeError`` otherwise."""
    if name.startswith("_") or name in _NO_FALLBACK:
        raise AttributeError(f"module 'hologram_array' has no attribute {name!r}")
    try:
        obj = getattr(np, name, _MISSING)
    except AttributeError as exc:  # NumPy's own message for a removed alias (np.float_ ...)
        raise AttributeError(str(exc).replace("numpy", "hologram_array")) from None
    if obj is _MISSING:
        raise AttributeError(f"module 'hologram_array' has no attribute {name!r}")
    if isinstance(obj, np.ufunc):
        return ufuncs.Ufunc(obj, name)
    if isinstance(obj, (types.ModuleType, type)) or not callable(obj):
        return obj
    return _convert.numpy_function(obj, name)
