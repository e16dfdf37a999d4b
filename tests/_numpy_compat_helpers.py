"""Differential helpers: run the same code with ``numpy`` and with ``hologram_array`` as ``m``."""
from __future__ import annotations

import numpy as np

import hologram_array as hx


def as_numpy(x):
    """An Array's values (and NumPy's own objects as they are)."""
    if isinstance(x, hx.Array):
        return x._materialize()
    return x


def assert_same(got, ref, *, exact=True, rtol=1e-12, path="result"):
    """``got`` (from hologram_array) matches ``ref`` (from NumPy): types, dtypes, shapes, values.

    An ndarray of numbers must come back as an Array; a NumPy scalar as the same NumPy scalar
    type or a 0-d Array of its dtype (the standard's reductions); tuples/lists element-wise.
    """
    if isinstance(ref, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(ref), (path, type(got), got)
        for i, (g, r) in enumerate(zip(got, ref)):
            assert_same(g, r, exact=exact, rtol=rtol, path=f"{path}[{i}]")
        return
    if isinstance(ref, np.ndarray) and type(ref) is np.ndarray:
        if ref.dtype.kind in "biufc":
            assert isinstance(got, hx.Array), (path, type(got))
        g = as_numpy(got)
        assert isinstance(g, np.ndarray), (path, type(g))
        assert g.dtype == ref.dtype, (path, g.dtype, ref.dtype)
        assert g.shape == ref.shape, (path, g.shape, ref.shape)
        if exact or ref.dtype.kind not in "fc":
            np.testing.assert_array_equal(g, ref, err_msg=path)
        else:
            np.testing.assert_allclose(g, ref, rtol=rtol, atol=0, err_msg=path)
        return
    if isinstance(ref, np.generic):
        if isinstance(got, hx.Array):
            assert got.ndim == 0, (path, got.shape)
            g = got._materialize()[()]
        else:
            g = got
        assert isinstance(g, np.generic) and g.dtype == ref.dtype, (path, type(g), ref.dtype)
        if exact or ref.dtype.kind not in "fc":
            np.testing.assert_array_equal(g, ref, err_msg=path)
        else:
            np.testing.assert_allclose(g, ref, rtol=rtol, err_msg=path)
        return
    assert type(got) is type(ref), (path, type(got), type(ref))
    if isinstance(ref, float) and ref != ref:
        assert got != got, path
    else:
        assert got == ref, (path, got, ref)


def both(fn, *, exact=True, rtol=1e-12):
    """``fn(numpy)`` and ``fn(hologram_array)`` give the same result (see ``assert_same``)."""
    ref = fn(np)
    got = fn(hx)
    assert_same(got, ref, exact=exact, rtol=rtol)
    return got


def same_error(fn):
    """``fn(numpy)`` raises; ``fn(hologram_array)`` raises the same exception class."""
    try:
        fn(np)
    except Exception as e:  # noqa: BLE001 - any class, compared below
        ref = type(e)
    else:
        raise AssertionError("NumPy did not raise")
    try:
        fn(hx)
    except Exception as e:  # noqa: BLE001
        assert type(e) is ref, (type(e), ref, e)
    else:
        raise AssertionError(f"hologram_array did not raise (NumPy raises {ref.__name__})")
