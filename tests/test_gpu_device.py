"""The GPU device (issue 8): CuPy buffers, generated CUDA circuits, the device model.

Without CuPy or a GPU only the first block runs (no GPU devices listed, clear errors); every
other test needs a real GPU and is skipped with that reason -- never a mock. The generated
CUDA itself is compiled with nvcc on every machine (tests/test_cuda_codegen.py).
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import hologram_array as hx
from hologram_array import _devices
from hologram_array.backends import gpu_cupy


def test_without_a_gpu_only_the_host_is_listed():
    names = [d.name for d in hx.__array_namespace_info__().devices()]
    assert names[0] in ("cpu", "wasm")
    assert all(n.startswith("cuda:") for n in names[1:])
    if not gpu_cupy.available():
        assert names == [names[0]]
        with pytest.raises(ValueError, match="no such GPU"):
            hx.asarray([1.0], device="cuda:0")
        with pytest.raises(ValueError, match="no such GPU"):
            hx.zeros(3, device="cuda")


def test_unknown_device_names_raise_valueerror():
    for bad in ("tpu", "cuda:x", "cuda:99", 3):
        with pytest.raises(ValueError):
            hx.asarray([1.0], device=bad)


def test_default_device_from_the_environment():
    code = "import hologram_array as hx; print(hx.asarray([1]).device, hx.__array_namespace_info__().default_device())"
    env = dict(os.environ, HOLOGRAM_DEVICE="cpu")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["cpu", "cpu"]
    env["HOLOGRAM_DEVICE"] = "nonsense"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "ValueError" in out.stderr


# ---------------------------------------------------------------------------------------------
# on a GPU

def _gpu():
    if not gpu_cupy.available():
        pytest.skip("needs CuPy and a CUDA GPU (gpu_cupy.available() is False)")
    import cupy
    return cupy


@pytest.fixture
def cp():
    return _gpu()


GPU = "cuda:0"


def _on_gpu(a: hx.Array) -> bool:
    return a.device == GPU and _devices.is_device_buffer(a._materialize())


def test_device_model(cp):
    info = hx.__array_namespace_info__()
    assert GPU in [d.name for d in info.devices()]
    x = hx.asarray(np.arange(6.0), device=GPU)
    assert x.device == GPU and _on_gpu(x)
    assert x.__dlpack_device__() == (2, 0)
    back = x.to_device("cpu")
    assert back.device == "cpu" and isinstance(back._materialize(), np.ndarray)
    np.testing.assert_array_equal(np.asarray(back), np.arange(6.0))
    assert x.to_device(GPU) is x
    assert hx.asarray(x, device="cpu").device == "cpu"
    for make, want in [
        (lambda: hx.zeros((2, 3), device=GPU), np.zeros((2, 3))),
        (lambda: hx.ones(4, dtype=hx.int8, device=GPU), np.ones(4, np.int8)),
        (lambda: hx.full((2,), 7, dtype=hx.uint16, device=GPU), np.full(2, 7, np.uint16)),
        (lambda: hx.arange(0, 1, 0.1, device=GPU), np.arange(0, 1, 0.1)),
        (lambda: hx.linspace(0, 1, 7, device=GPU), np.linspace(0, 1, 7)),
        (lambda: hx.eye(3, k=1, device=GPU), np.eye(3, k=1)),
        (lambda: hx.zeros_like(x), np.zeros(6)),
        (lambda: hx.full_like(x, 2.5), np.full(6, 2.5)),
    ]:
        a = make()
        assert _on_gpu(a), a
        assert a.dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(a), want)
    e = hx.empty((3, 2), dtype=hx.float32, device=GPU)
    assert _on_gpu(e) and e.shape == (3, 2)
    with pytest.raises(ValueError):
        hx.zeros(-1, device=GPU)


def test_mixing_devices_raises(cp):
    g = hx.asarray([1.0, 2.0], device=GPU)
    c = hx.asarray([1.0, 2.0])
    for f in (lambda: g + c, lambda: c * g, lambda: hx.add(g, c), lambda: hx.where(g > 0, g, c),
              lambda: g + np.array([1.0, 2.0]), lambda: hx.concat([g, c])):
        with pytest.raises(ValueError):
            f()
    with pytest.raises(ValueError):
        g[...] = c
    # Python and NumPy scalars are values, not arrays on a device
    np.testing.assert_array_equal(np.asarray(g + 1 + np.float64(0.5) + np.array(1.0)), [3.5, 4.5])


def test_results_stay_on_the_device(cp):
    x = hx.asarray(cp.linspace(-3, 3, 100_000, dtype=cp.float32))
    y = (x * 1.5 + 0.25) * x - 0.5
    assert y.is_lazy
    y._materialize()
    assert _on_gpu(y)
    assert isinstance(np.asarray(y), np.ndarray)  # asking for NumPy values copies once
    assert float(hx.sum(y)) == pytest.approx(float(np.sum(np.asarray(y), dtype=np.float64)), rel=1e-5)


def test_dlpack_with_cupy_and_torch_is_zero_copy(cp):
    d = cp.arange(10, dtype=cp.float32)
    a = hx.from_dlpack(d)
    assert a.device == GPU and a._materialize().data.ptr == d.data.ptr
    b = hx.asarray(d)
    assert b._materialize().data.ptr == d.data.ptr
    back = cp.from_dlpack(a)
    assert back.data.ptr == d.data.ptr
    with pytest.raises(ValueError):
        hx.asarray(d, copy=False, dtype=hx.float64)
    c = hx.asarray(d, copy=True)
    assert c._materialize().data.ptr != d.data.ptr
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch without CUDA")
    t = torch.arange(5, device="cuda", dtype=torch.float64)
    a = hx.from_dlpack(t)
    assert a.device == GPU and a._materialize().data.ptr == t.data_ptr()
    t2 = torch.from_dlpack(a)
    assert t2.device.type == "cuda" and t2.data_ptr() == t.data_ptr()
    np.testing.assert_array_equal(np.asarray(a * 2), np.arange(5.0) * 2)


# ---- values: the same differential checks as the CPU backend ---------------------------------

DTYPES = [np.bool_, np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint32, np.uint64,
          np.float16, np.float32, np.float64, np.complex64, np.complex128]


def _data(dt, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dt)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(max(info.min, -1000), min(info.max, 1000), n, endpoint=True).astype(dt)
    v = rng.standard_normal(n) * 10
    edge = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-30, 0.5, -2.5]
    v[:min(n, 8)] = edge[:min(n, 8)]
    if dt.kind == "c":
        return (v + 1j * np.roll(v, 3)).astype(dt)
    return v.astype(dt)


def _same(got, want, exact=True):
    got = np.asarray(got)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    if exact or want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=2e-6 if want.dtype.itemsize >= 8 else 2e-3, atol=0, equal_nan=True)


EXACT_CHAINS = {
    "arith": lambda xp, a, b: (a * 3 + b) - a * b,
    "compare_where": lambda xp, a, b: xp.where(a > b, a, b - a),
    "abs_neg": lambda xp, a, b: xp.abs(-a) + b,
    "astype": lambda xp, a, b: xp.astype(a, xp.float64) * 2 + xp.astype(b, xp.float64),
    "eq_logic": lambda xp, a, b: xp.logical_and(a == b, a != 0) | (b < a),
}


@pytest.mark.parametrize("dt", [d for d in DTYPES if np.dtype(d).kind != "c"], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("chain", list(EXACT_CHAINS))
def test_exact_chains_match_numpy_bit_for_bit(cp, dt, chain):
    f = EXACT_CHAINS[chain]
    a, b = _data(dt, seed=1), _data(dt, seed=2)
    if np.dtype(dt).kind == "b" and chain in ("arith", "abs_neg", "compare_where"):
        pytest.skip("NumPy forbids - on bools")
    with np.errstate(all="ignore"):
        want = f(np, a, b)
        got = f(hx, hx.asarray(a, device=GPU), hx.asarray(b, device=GPU))
        assert got.device == GPU
        _same(got, want, exact=np.dtype(dt) != np.float16 or chain != "arith")


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.float16], ids=lambda d: np.dtype(d).name)
def test_math_functions_within_a_few_ulp(cp, dt):
    a = np.abs(_data(dt, seed=3)) + np.dtype(dt).type(0.5)
    x = hx.asarray(a, device=GPU)
    with np.errstate(all="ignore"):
        for name in ("exp", "log", "sin", "cos", "tanh", "sqrt", "expm1", "log1p", "atan", "sinh"):
            _same(getattr(hx, name)(x), getattr(np, name)(a), exact=(name == "sqrt"))
        _same(hx.tanh(x * 0.5) * hx.exp(-x) + hx.sqrt(x), np.tanh(a * 0.5) * np.exp(-a) + np.sqrt(a), exact=False)


def test_integer_semantics(cp):
    a = np.array([127, -128, 5, -7, 0, 100], np.int8)
    b = np.array([1, -1, 0, 2, 0, 3], np.int8)
    ga, gb = hx.asarray(a, device=GPU), hx.asarray(b, device=GPU)
    with np.errstate(all="ignore"):
        _same(ga + gb, a + b)          # wraparound
        _same(ga // gb, a // b)        # division by zero -> 0, MIN // -1 -> MIN
        _same(ga % gb, a % b)
        _same(ga * 3, a * 3)
    with pytest.raises(ValueError, match="negative integer powers"):
        (ga ** hx.asarray(np.array([1, -1, 1, 1, 1, 1], np.int8), device=GPU))._materialize()


def test_broadcasting_strides_and_transposes(cp):
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    b = np.arange(4.0, dtype=np.float32)
    c = np.arange(3.0, dtype=np.float32).reshape(3, 1)
    ga, gb, gc = (hx.asarray(v, device=GPU) for v in (a, b, c))
    _same(ga * gb + gc, a * b + c)
    _same((ga.T * 2 + 1), a.T * 2 + 1)
    _same(ga[:, ::2] - gb[::2], a[:, ::2] - b[::2])
    _same(hx.permute_dims(ga * gc, (1, 0)) + 1, (a * c).T + 1)


def test_in_place_and_value_semantics(cp):
    a = np.linspace(-1, 1, 1000)
    x = hx.asarray(a, device=GPU)
    y = x * 2 + 1              # recorded, reads x
    x[0] = 100.0               # must not change y
    x += 1
    _same(y, a * 2 + 1)
    want = a.copy()
    want[0] = 100.0
    _same(x, want + 1)
    v = x[10:20]
    z = v * 3
    x[...] = 0
    _same(z, (want + 1)[10:20] * 3)


def test_errstate_raise_is_honoured(cp):
    x = hx.asarray(np.array([1.0, 0.0, 2.0]), device=GPU)
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            (1.0 / x)._materialize()
    with np.errstate(divide="ignore"):
        _same(1.0 / x, np.array([1.0, np.inf, 0.5]))


def test_complex_functions_without_a_template_run_on_the_host(cp):
    a = _data(np.complex128, seed=4)[8:]
    x = hx.asarray(a, device=GPU)
    got = hx.exp(x) * 2
    assert got.device == GPU
    _same(got, np.exp(a) * 2)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["add", "multiply", "subtract", "maximum", "bitwise_xor", "less"]),
                min_size=1, max_size=12),
       st.sampled_from([np.int32, np.uint8, np.int64, np.float32, np.float64]),
       st.integers(1, 3000))
def test_random_exact_chains_match_numpy(ops, dt, n):
    cp = _gpu()  # noqa: F841
    a = _data(dt, n, seed=n)
    b = _data(dt, n, seed=n + 1)
    if np.dtype(dt).kind == "f":
        ops = [o for o in ops if o != "bitwise_xor"]
    with np.errstate(all="ignore"):
        want, got = a, hx.asarray(a, device=GPU)
        gb = hx.asarray(b, device=GPU)
        for o in ops:
            if o == "less":
                want = np.where(want < b, want, b)
                got = hx.where(got < gb, got, gb)
            else:
                want = getattr(np, o)(want, b)
                got = getattr(hx, o)(got, gb)
        _same(got, want)


# ---- class maps and fused reductions --------------------------------------------------------


def test_uint8_chains_run_as_class_maps(cp):
    img = np.random.default_rng(5).integers(0, 256, 1 << 20, dtype=np.uint8)
    x = hx.asarray(img, device=GPU)
    f = lambda v: ((v * 3 + 7) ^ 0x5A) >> 1  # noqa: E731
    y = f(f(f(x)))
    _same(y, f(f(f(img))))
    two = hx.asarray(np.roll(img, 7), device=GPU)
    with np.errstate(all="ignore"):
        _same((x * two + x) ^ (two >> 2), (img * np.roll(img, 7) + img) ^ (np.roll(img, 7) >> 2))
    # the image pipeline (uint8 -> float64 -> uint8): one table
    g = lambda xp, v: xp.astype(xp.clip(((v / 255.0) ** 2.2 - 0.5) * 1.2 + 0.5, 0.0, 1.0) * 255.0 + 0.5, xp.uint8)  # noqa: E731
    _same(g(hx, x), g(np, img))


@pytest.mark.parametrize("dt", [np.int32, np.uint8, np.float32, np.float64, np.bool_], ids=lambda d: np.dtype(d).name)
def test_fused_reductions_match_numpy(cp, dt):
    a = _data(dt, 60 * 50 * 4, seed=6).reshape(60, 50, 4)
    if np.dtype(dt).kind == "f":
        a = np.nan_to_num(a, nan=1.0, posinf=2.0, neginf=-2.0)
    x = hx.asarray(a, device=GPU)
    expr_h = (lambda v: v * 2 + 1) if np.dtype(dt).kind != "b" else (lambda v: v ^ True)
    for kind in ("sum", "prod", "max", "min", "any", "all", "mean"):
        if kind == "mean" and np.dtype(dt).kind == "b":
            continue
        # (each axis layout is one CuPy kernel compile: a few, not every combination)
        for axis, keepdims in ((None, False), ((0, 1, 2), True), ((0, 2), False), (-1, True)):
            e = expr_h(x)
            assert e.is_lazy
            got = getattr(hx, kind)(e, axis=axis, keepdims=keepdims)
            assert e.is_lazy, "the reduction must not materialize the expression"
            assert got.device == GPU
            with np.errstate(all="ignore"):
                want = np.asarray(getattr(np, kind)(expr_h(a), axis=axis, keepdims=keepdims))
            exact = np.dtype(dt).kind != "f" or kind in ("max", "min", "any", "all")
            _same(got, want, exact=exact)
    before = len(gpu_cupy._kernels)
    hx.sum(expr_h(x))
    assert len(gpu_cupy._kernels) == before, "the same circuit compiled twice"


def test_other_reductions_and_functions_run_on_the_device(cp):
    a = _data(np.float64, 600, seed=7)[8:].reshape(74, 8)
    x = hx.asarray(a, device=GPU)
    for got, want in [
        (hx.var(x * 2, axis=0, correction=1), np.var(a * 2, axis=0, ddof=1)),
        (hx.std(x + 1), np.std(a + 1)),
        (hx.argmax(x * -1, axis=1), np.argmax(a * -1, axis=1)),
        (hx.sort(x, axis=0), np.sort(a, axis=0)),
        (hx.concat([x, x + 1]), np.concatenate([a, a + 1])),
        (hx.matmul(x.T, x), a.T @ a),
        (hx.cumulative_sum(x, axis=1), np.cumulative_sum(a, axis=1)),
        (x[x > 0], a[a > 0]),
        (hx.take(x, hx.asarray(np.array([3, 1]), device=GPU), axis=0), a[[3, 1]]),
    ]:
        assert got.device == GPU
        _same(got, np.asarray(want), exact=False)


def test_kernels_are_compiled_once(cp):
    x = hx.asarray(cp.arange(50_000, dtype=cp.float32))
    (x * 2.5 + 1)._materialize()
    n = len(gpu_cupy._kernels)
    for k in range(5):
        (x * float(k + 2) + 1)._materialize()  # same structure, other scalar values
    assert len(gpu_cupy._kernels) == n


def test_namespace_errors_on_the_device_are_numpys(cp):
    """Where CuPy is laxer than NumPy, the namespace checks first: out-of-bounds take indices
    (CuPy wraps them around), singular or non-positive-definite matrices (CuPy returns NaN/inf
    unless asked to raise), FFT axes beyond the rank (CuPy accepts them), cross products of
    broadcastable shapes (CuPy demands equal shapes), numpy_compat functions CuPy implements
    (NumPy's dispatch reaches CuPy) or not (a host copy), and from_dlpack of host memory to a
    GPU (a copy; BufferError with copy=False)."""
    x = hx.asarray(np.arange(12.0).reshape(3, 4), device=GPU)
    with pytest.raises(IndexError):
        hx.take(x, hx.asarray(np.array([0, 4]), device=GPU), axis=1)
    with pytest.raises(IndexError):
        hx.take_along_axis(x, hx.asarray(np.array([[0], [9], [1]]), device=GPU), axis=1)
    for fn, arg in [(hx.linalg.inv, np.zeros((2, 2))), (hx.linalg.cholesky, -np.eye(2))]:
        with pytest.raises(np.linalg.LinAlgError):
            fn(hx.asarray(arg, device=GPU))
    with pytest.raises(np.linalg.LinAlgError):
        hx.linalg.solve(hx.asarray(np.zeros((2, 2)), device=GPU), hx.asarray(np.ones(2), device=GPU))
    with pytest.raises(IndexError):
        hx.fft.fft(hx.asarray(np.ones(3, np.complex64), device=GPU), axis=1)
    u, v = np.arange(6.0).reshape(2, 3), np.array([[1.0, -2.0, 0.5]])
    got = hx.linalg.cross(hx.asarray(u, device=GPU), hx.asarray(v, device=GPU))
    assert got.device == GPU
    _same(got, np.linalg.cross(u, v), exact=False)
    t = hx.tril(x, k=-1)  # numpy_compat's tril: NumPy's dispatch reaches CuPy's
    assert t.device == GPU
    _same(t, np.tril(np.arange(12.0).reshape(3, 4), -1))
    s = hx.stack([x, x + 1])
    assert s.device == GPU and s.shape == (2, 3, 4)
    h = np.arange(6.0)
    d = hx.from_dlpack(h, device=GPU)
    assert d.device == GPU and _on_gpu(d)
    _same(d, h)
    with pytest.raises(BufferError):
        hx.from_dlpack(h, device=GPU, copy=False)
    assert hx.from_dlpack(h).device == "cpu"  # no device given: the producer's


def test_namespace_tests_pass_with_the_gpu_as_default_device(cp):
    """The namespace's own tests with ``HOLOGRAM_DEVICE=cuda``: every function of the standard
    (and linalg, fft) on GPU Arrays, against NumPy on the host."""
    here = os.path.dirname(os.path.abspath(__file__))
    files = [os.path.join(here, f) for f in ("test_namespace.py", "test_namespace_reductions.py",
                                             "test_namespace_linalg_fft.py")]
    env = dict(os.environ, HOLOGRAM_DEVICE="cuda")
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short",
                        "-W", "ignore::DeprecationWarning", *files], env=env, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-6000:]
