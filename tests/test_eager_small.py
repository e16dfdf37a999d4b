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


def test_default_threshold_follows_whether_kernels_can_run():
    """32768 where compiled kernels can run (the measured crossover with a fused kernel),
    65536 where the lazy path would be the NumPy executor (``_config._default_eager_below``)."""
    import os
    import subprocess
    import sys

    from hologram_array._config import Settings, numba_installed

    if sys.platform in ("wasi", "emscripten"):  # no processes to start; no kernels either
        assert not numba_installed()
        assert Settings.eager_below == int(os.environ.get("HOLOGRAM_EAGER_BELOW", 65536))
        return
    code = "import hologram_array as hx; print(hx._config.settings.eager_below)"

    def default(**env):
        run_env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOGRAM_")}
        run_env.update(env)
        return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  env=run_env, check=True).stdout)

    assert default(HOLOGRAM_COMPILE="never") == 65536
    assert default() == (32768 if numba_installed() else 65536)
    assert default(HOLOGRAM_EAGER_BELOW="1000") == 1000


def _known_to_fit(a):
    """An Array whose ``_fits`` is set (the functions' inline fast path), as after one operator."""
    from hologram_array._array import _concrete_fits

    assert _concrete_fits(a, hx._config.settings.eager_below)
    assert a._fits is hx._config.settings.eager_below
    return a


@pytest.mark.parametrize("name", sorted(n for n, s in __import__(
    "hologram_array.expr.ops", fromlist=["OPS"]).OPS.items() if s.ufunc is not None and s.arity <= 2))
def test_every_generated_function_on_small_concrete_arrays_is_numpys(name):
    # the inline eager path of the generated functions (one ufunc call) against NumPy: values,
    # dtype, warnings and errors, for arrays known to fit and arrays seen for the first time
    import warnings

    from hologram_array.expr.ops import OPS

    spec = OPS[name]
    ufunc = spec.ufunc
    fn = getattr(hx._elementwise_functions, name)
    rng = np.random.default_rng(len(name))
    samples = {"f": (rng.standard_normal(64) * 3).astype(np.float32), "i": rng.integers(-20, 20, 64).astype(np.int16),
               "b": rng.integers(0, 2, 64).astype(bool)}
    for kind, x in samples.items():
        if not any(t[0] == np.dtype(x.dtype).char for t in ufunc.types):
            continue
        args_np = [x] if spec.arity == 1 else [x, 2 if kind != "f" else 0.5]
        with warnings.catch_warnings(record=True) as w_np:
            warnings.simplefilter("always")
            try:
                want, err = ufunc(*args_np), None
            except Exception as e:  # noqa: BLE001 -- compared by class below
                want, err = None, type(e)
        for a in (hx.asarray(x), _known_to_fit(hx.asarray(x))):
            args = [a] + args_np[1:]
            with warnings.catch_warnings(record=True) as w_hx:
                warnings.simplefilter("always")
                if err is not None:
                    with pytest.raises(err):
                        fn(*args)
                    continue
                got = fn(*args)
            assert not got.is_lazy
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(np.asarray(got), want)
            assert sorted(str(w.message) for w in w_hx) == sorted(str(w.message) for w in w_np)
