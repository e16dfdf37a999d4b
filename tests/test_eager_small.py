"""The small-array shortcut: tiny operands compute eagerly with NumPy, large ones record."""
import numpy as np
import pytest

import hologram_array as hx

pytestmark = pytest.mark.eager


def test_small_chain_is_computed_eagerly_and_matches_numpy():
    x = np.linspace(-2, 2, 100, dtype=np.float32)
    a = hx.asarray(x)
    e = hx.tanh(a * 1.5 + 0.25) * hx.exp(-a * a) - 0.5
    assert not e.is_lazy
    ref = np.tanh(x * 1.5 + 0.25) * np.exp(-x * x) - 0.5
    np.testing.assert_array_equal(np.asarray(e), ref)
    assert e.dtype == ref.dtype


def test_large_operands_record():
    a = hx.asarray(np.ones(hx._config.settings.eager_below + 1))
    assert (a * 2).is_lazy


def test_eager_respects_weak_scalars_and_errors():
    u = hx.asarray(np.arange(10, dtype=np.uint8))
    assert (u + 1).dtype == np.uint8
    with pytest.raises(OverflowError):
        u + 300
    w = hx.where(u > 4, u, 0)
    np.testing.assert_array_equal(np.asarray(w), np.where(np.arange(10) > 4, np.arange(10), 0))
    assert w.dtype == np.uint8


def test_eager_threshold_is_configurable():
    old = hx.config(eager_below=0)
    try:
        assert (hx.asarray(np.ones(3)) * 2).is_lazy
    finally:
        hx.config(**old)
    with pytest.raises(ValueError):
        hx.config(eager_below=-1)
