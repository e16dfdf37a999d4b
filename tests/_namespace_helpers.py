"""Shared helpers for the tests of the non-element-wise namespace (tests/test_namespace*.py)."""
from __future__ import annotations

import numpy as np

import hologram_array as hx


def arr(a, dtype=None):
    """A concrete Array from anything NumPy accepts."""
    return hx.asarray(np.asarray(a, dtype=dtype))


def lazy(a, dtype=None):
    """A *lazy* Array with the values of ``a`` (``x + 0`` with eager evaluation off, see conftest)."""
    x = arr(a, dtype)
    y = hx.astype(x, x.dtype, copy=True)
    return y


def same(res, expected, *, exact=True, rtol=1e-6, atol=0.0):
    """``res`` is an Array with ``expected``'s values, dtype and shape."""
    assert isinstance(res, hx.Array), type(res)
    expected = np.asarray(expected)
    got = np.asarray(res)  # the values on the host, whatever the device (HOLOGRAM_DEVICE=cuda)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if exact:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def rng_array(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(dt)
    if dt.kind in "iu":
        lo = 0 if dt.kind == "u" else -50
        return rng.integers(lo, 50, shape).astype(dt)
    if dt.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)
    return rng.standard_normal(shape).astype(dt)
