"""``hologram_array.random``: NumPy's random generators, results as Arrays.

The numbers are NumPy's: ``Generator``/``RandomState`` wrap NumPy's own objects, and the
module-level legacy functions (``seed``, ``rand``, ``randn``, ``randint``, ``normal``, ``choice``,
``shuffle`` ...) use NumPy's global ``RandomState``, so ``hologram_array.random.seed(0)`` seeds
the very stream ``numpy.random`` draws from (a script mixing the two draws the same numbers as
with NumPy alone). ndarray results come back as Arrays; scalars as NumPy returns them.
``shuffle`` works in place on an Array's buffer (its lazy readers keep their values).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._convert import call_with_out, device_among, from_numpy, to_numpy, writable_buffer
from .._array import Array

# NumPy's classes that hold no arrays: re-exported as they are.
from numpy.random import (  # noqa: F401
    MT19937, PCG64, PCG64DXSM, SFC64, BitGenerator, Philox, SeedSequence, get_bit_generator,
    set_bit_generator,
)

_INPLACE = {"shuffle"}


def _call(fn: Any, name: str, args: tuple, kwargs: dict) -> Any:
    if name in _INPLACE:
        x = args[0]
        if isinstance(x, Array):
            fn(writable_buffer(x, name, "x"), *to_numpy(args[1:]), **to_numpy(kwargs))
            return None
        return fn(*args, **kwargs)  # a list or ndarray is shuffled where it is, as NumPy
    out = kwargs.get("out")
    if isinstance(out, Array):
        del kwargs["out"]
        return call_with_out(fn, out, *args, **kwargs)
    return from_numpy(fn(*to_numpy(args), **to_numpy(kwargs)), device_among(args, kwargs))


def _method(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _call(getattr(self._impl, name), name, args, kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(getattr(np.random.Generator, name, None) or getattr(np.random.RandomState, name),
                             "__doc__", None)
    return method


class Generator:
    """NumPy's ``Generator`` (the same stream for the same bit generator), results as Arrays."""

    __slots__ = ("_impl",)

    def __init__(self, bit_generator: Any) -> None:
        self._impl = bit_generator if isinstance(bit_generator, np.random.Generator) \
            else np.random.Generator(bit_generator)

    @property
    def bit_generator(self) -> Any:
        return self._impl.bit_generator

    def spawn(self, n_children: int) -> list:
        return [Generator(g) for g in self._impl.spawn(n_children)]

    def __repr__(self) -> str:
        return f"Generator({type(self._impl.bit_generator).__name__})"

    def __reduce__(self) -> Any:
        return (Generator, (self._impl,))

    @property
    def numpy_generator(self) -> np.random.Generator:
        """The wrapped ``numpy.random.Generator``."""
        return self._impl


for _name in dir(np.random.Generator):
    if not _name.startswith("_") and _name not in ("bit_generator", "spawn"):
        setattr(Generator, _name, _method(_name))


class RandomState:
    """NumPy's legacy ``RandomState`` (the same numbers for the same seed), results as Arrays."""

    __slots__ = ("_impl",)

    def __init__(self, seed: Any = None) -> None:
        self._impl = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(to_numpy(seed))

    def __repr__(self) -> str:
        return f"RandomState({type(self._impl._bit_generator).__name__})"

    def __reduce__(self) -> Any:
        return (RandomState, (self._impl,))


for _name in dir(np.random.RandomState):
    if not _name.startswith("_"):
        setattr(RandomState, _name, _method(_name))


def default_rng(seed: Any = None) -> Generator:
    """NumPy's ``default_rng`` (PCG64); a Generator passed in is returned as it is."""
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, np.random.Generator):
        return Generator(seed)
    return Generator(np.random.default_rng(to_numpy(seed)))


def _legacy(name: str) -> Any:
    def fn(*args: Any, **kwargs: Any) -> Any:
        return _call(getattr(np.random, name), name, args, kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = getattr(np.random, name).__doc__
    return fn


#: The module-level functions of ``numpy.random`` (its global RandomState).
LEGACY = (
    "beta", "binomial", "bytes", "chisquare", "choice", "dirichlet", "exponential", "f", "gamma",
    "geometric", "get_state", "gumbel", "hypergeometric", "laplace", "logistic", "lognormal",
    "logseries", "multinomial", "multivariate_normal", "negative_binomial", "noncentral_chisquare",
    "noncentral_f", "normal", "pareto", "permutation", "poisson", "power", "rand", "randint", "randn",
    "random", "random_integers", "random_sample", "ranf", "rayleigh", "sample", "seed", "set_state",
    "shuffle", "standard_cauchy", "standard_exponential", "standard_gamma", "standard_normal",
    "standard_t", "triangular", "uniform", "vonmises", "wald", "weibull", "zipf",
)
for _name in LEGACY:
    if hasattr(np.random, _name):
        globals()[_name] = _legacy(_name)
del _name

__all__ = [n for n in LEGACY if hasattr(np.random, n)] + [
    "Generator", "RandomState", "default_rng", "BitGenerator", "MT19937", "PCG64", "PCG64DXSM",
    "Philox", "SFC64", "SeedSequence", "get_bit_generator", "set_bit_generator",
]
