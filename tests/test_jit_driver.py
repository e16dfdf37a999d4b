"""The driver with compiled kernels: policy, fallbacks, NumPy's error semantics, measurement.

Kernels themselves (every op on every dtype) are tested in test_cpu_numba.py; here the question
is whether the driver picks, compiles, falls back and reports as documented in compiler/jit.py.
"""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.compiler import jit, materialize
from hologram_array.compiler.cache import CACHE

numba = pytest.importorskip("numba", reason="numba is not installed: the compiled path is absent")

pytestmark = pytest.mark.jit

N = 40_000  # above the default jit_min


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("HOLOGRAM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kernels"))
    old = hx.config(compile="sync", jit_min=N)
    yield
    hx.config(**old)


def _slot(expr):
    c = materialize.prepare([expr._node]).circuit
    e = CACHE.peek(c)
    return None if e is None else e.kernels.get(jit.NUMBA)


def _chain(m, a):
    return m.clip(abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1


def test_sync_mode_compiles_and_matches_numpy():
    a = np.random.default_rng(1).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    r = np.asarray(_chain(hx, x))
    assert np.array_equal(r, _chain(np, a))
    slot = _slot(_chain(hx, x))
    assert slot is not None and slot.variants == {"contig": "ready"}
    report = hx.explain(_chain(hx, x))  # (the next run measures the NumPy executor: round by round)
    assert "compiled kernel (numba): contig ready; measured numba" in report


def test_strided_and_broadcast_inputs_use_the_strided_variant():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((400, 200)).astype(np.float64)
    b = rng.standard_normal(200)
    x, y = hx.asarray(a), hx.asarray(b)
    expr = lambda m, p, q: m.sqrt(m.abs(p.T * 2.0 + 1.0)) * q[:, None] - p.T
    r = np.asarray(expr(hx, x, hx.asarray(rng.standard_normal(200))))
    assert r.shape == (200, 400)
    # sqrt, not exp: NumPy's float64 exp is its own AVX-512 code on such machines (an ULP
    # from the C library's, which the kernel calls); this test wants bit-identical results
    got = np.asarray(hx.sqrt(abs(x[::2]) * 0.5) + y)
    assert np.array_equal(got, np.sqrt(abs(a[::2]) * 0.5) + b)
    slot = _slot(hx.sqrt(abs(x[::2]) * 0.5) + y)
    assert slot.variants.get("strided") == "ready"


def test_below_jit_min_stays_on_numpy():
    x = hx.asarray(np.arange(N - 1, dtype=np.float64))
    np.asarray(x * 3.0 - 7.0)
    assert _slot(x * 3.0 - 7.0) is None
    assert "jit_min" in hx.explain(x * 3.0 - 7.0)


def test_never_mode_compiles_nothing():
    hx.config(compile="never")
    x = hx.asarray(np.arange(N, dtype=np.float64))
    np.asarray(x * 11.0 - 7.0)
    assert _slot(x * 11.0 - 7.0) is None
    assert "compile='never'" in hx.explain(x * 11.0 - 7.0)


def test_background_mode_runs_numpy_first_then_the_kernel():
    hx.config(compile="background")
    a = np.linspace(-3, 3, N)
    x = hx.asarray(a)
    f = lambda m, v: m.sqrt(m.abs(v * 0.3)) * v + 0.125  # exact ops: both executors agree bit for bit
    r1 = np.asarray(f(hx, x))  # NumPy executor; queues the compile
    assert jit.wait_for_kernels(timeout=300)
    slot = _slot(f(hx, x))
    assert slot.variants["contig"] == "ready", slot.error
    key = (jit.NUMBA, jit.Timing.bucket(N))
    runs = slot.timing.runs.get(key, 0)
    r2 = np.asarray(f(hx, x))
    assert slot.timing.runs.get(key, 0) == runs + 1
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_allclose(r2, f(np, a), rtol=1e-15)


def test_unsupported_circuit_falls_back_and_explains_why(monkeypatch):
    from hologram_array.backends import cpu_numba

    def refuse(circuit, **kw):
        raise NotImplementedError("hologram_array cpu_numba: op 'frobnicate' on dtype float64")

    monkeypatch.setattr(cpu_numba, "compile_circuit", refuse)
    x = hx.asarray(np.arange(N, dtype=np.float64))
    r = np.asarray(x * 5.0 + 3.0)
    assert np.array_equal(r, np.arange(N, dtype=np.float64) * 5.0 + 3.0)
    slot = _slot(x * 5.0 + 3.0)
    assert slot.variants["contig"] == "failed"
    assert "frobnicate" in hx.explain(x * 5.0 + 3.0)


def test_measured_choice_prefers_the_faster_executor():
    slot = jit.KernelSlot()
    kernels = {jit.NUMBA: slot}
    n = 1000
    assert jit.candidates(n) == (jit.NUMBA, "numpy", jit.NUMBA1)  # Numba has 2 threads here
    assert jit.choose(kernels, n) == jit.NUMBA  # measure the kernel first
    for _ in range(jit.MEASURE_RUNS):
        slot.timing.record(jit.NUMBA, 0.010, n)
    assert jit.choose(kernels, n) == "numpy"   # then NumPy
    for _ in range(jit.MEASURE_RUNS):
        slot.timing.record("numpy", 0.001, n)
    assert jit.choose(kernels, n) == jit.NUMBA1  # then the kernel on one thread
    for _ in range(jit.MEASURE_RUNS):
        slot.timing.record(jit.NUMBA1, 0.002, n)
    assert jit.choose(kernels, n) == "numpy"   # NumPy measured fastest: keep it
    slot.timing.record(jit.NUMBA1, 0.0005, n)
    assert jit.choose(kernels, n) == jit.NUMBA1
    slot.timing.record(jit.NUMBA, 0.0001, n)
    assert jit.choose(kernels, n) == jit.NUMBA
    # another size class is measured on its own: small sizes do not decide for large ones;
    # above SERIAL_MAX the one-thread kernel is not a candidate
    big = 1 << 24
    assert jit.candidates(big) == (jit.NUMBA, "numpy")
    assert jit.choose(kernels, big) == jit.NUMBA
    for _ in range(jit.MEASURE_RUNS):
        slot.timing.record(jit.NUMBA, 0.004, big)
        slot.timing.record("numpy", 0.040, big)
    assert jit.choose(kernels, big) == jit.NUMBA
    assert jit.choose(kernels, n + 1) == jit.NUMBA  # same class as n


def test_one_thread_kernel_runs_and_matches():
    """The third executor runs the same kernel with ``threads=1`` (no worker wake-up): same
    results, and the driver records its time under its own name."""
    x = hx.asarray(np.linspace(-3, 3, N))
    expr = lambda: _chain(hx, x)  # noqa: E731
    ref = _chain(np, np.linspace(-3, 3, N))
    seen = set()
    for _ in range(3 * jit.MEASURE_RUNS + 2):
        np.testing.assert_array_equal(np.asarray(expr()), ref)
    slot = _slot(expr())
    seen = {ex for ex, _ in slot.timing.best}
    assert {jit.NUMBA, "numpy", jit.NUMBA1} <= seen
    c = materialize.prepare([expr()._node])
    kernel = slot.kernel
    outs = [np.empty(N)]
    assert kernel.run(c.binding.buffers, c.binding.values, outs, threads=1).flags == 0
    np.testing.assert_array_equal(outs[0], ref)
    assert numba.get_num_threads() == 2 or numba.config.NUMBA_NUM_THREADS == 1  # restored


def _explorations(numba_s: float, numpy_s: float, calls: int) -> int:
    slot = jit.KernelSlot()
    kernels = {jit.NUMBA: slot}
    size = 1 << 22  # above SERIAL_MAX: two candidates
    for _ in range(jit.MEASURE_RUNS):
        slot.timing.record(jit.NUMBA, numba_s, size)
        slot.timing.record("numpy", numpy_s, size)
    return sum(jit.choose(kernels, size) == "numpy" for _ in range(calls))


def test_the_slower_executor_reruns_the_more_rarely_the_further_behind_it_is():
    # close (10% behind): every EXPLORE_EVERY-th call; 6x behind: rarely enough that its extra
    # time stays EXPLORE_COST of the calls' time
    close = _explorations(0.010, 0.011, 1000)
    far = _explorations(0.002, 0.014, 1000)
    assert close == 1000 // jit.EXPLORE_EVERY
    assert 1 <= far <= 1000 // 250
    assert far * (0.014 - 0.002) <= jit.EXPLORE_COST * 1000 * 0.002 * 1.05


@pytest.mark.parametrize("category, make", [
    ("divide", lambda x: hx.log(x * 0.0) + 1.0),
    ("invalid", lambda x: hx.sqrt(x - 1e9) * 2.0),
    ("over", lambda x: hx.exp(x * 1000.0) - 1.0),
])
def test_numpy_warnings_and_errors_survive_compiled_kernels(category, make):
    x = hx.asarray(np.linspace(1, 2, N))
    np.asarray(make(x))  # compile (may warn)
    with pytest.warns(RuntimeWarning, match="encountered"):
        np.asarray(make(x))
    with np.errstate(**{category: "raise"}):
        with pytest.raises(FloatingPointError):
            np.asarray(make(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="ignore"):
            np.asarray(make(x))  # ignored: no warning at all



def test_error_state_changes_are_seen_at_once():
    """The kernels' flag handling caches NumPy's error state against the state object
    (classmap._error_state): seterr and errstate, nested and undone, are each honoured."""
    x = hx.asarray(np.linspace(1, 2, N))
    make = lambda: np.asarray(hx.exp(x * 1000.0) - 1.0)  # noqa: E731  overflows
    with np.errstate(over="ignore"):
        make()  # compile
    old = np.seterr(over="raise")
    try:
        with pytest.raises(FloatingPointError):
            make()
        with np.errstate(over="ignore"):
            make()
            with np.errstate(over="raise"):
                with pytest.raises(FloatingPointError):
                    make()
            make()
        with pytest.raises(FloatingPointError):
            make()
    finally:
        np.seterr(**old)
    with pytest.warns(RuntimeWarning, match="overflow"):
        make()

def test_clean_data_warns_nothing():
    x = hx.asarray(np.linspace(1, 2, N))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            np.asarray(hx.log(x) * 2.0 + 1.0)


def test_inplace_update_with_kernel_and_warning():
    a = np.linspace(0, 1, N)
    x = hx.asarray(a.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        x /= hx.asarray(np.zeros(N))  # compile; 0/0 and 1/0 in place
    with pytest.warns(RuntimeWarning):
        y = hx.asarray(a.copy())
        y /= hx.asarray(np.zeros(N))
    with np.errstate(all="ignore"):
        assert np.array_equal(np.asarray(y), a / np.zeros(N), equal_nan=True)


def test_compile_worker_process_compiles_into_the_disk_cache(tmp_path, monkeypatch):
    from hologram_array.backends import compile_worker, cpu_numba

    monkeypatch.setenv("HOLOGRAM_CACHE_DIR", str(tmp_path))
    x = hx.asarray(np.arange(N, dtype=np.int32))
    c = materialize.prepare([((x * 7 + 3) // 2)._node]).circuit
    reply = compile_worker.compile_in_child(c, "contig")
    assert reply is not None and reply[0] == "ok", reply
    k = cpu_numba.compile_circuit(c)
    k.dispatcher("contig")
    assert k.cache_hits() == 1  # loaded, not compiled, in this process


def test_import_does_not_import_numba():
    code = "import sys, hologram_array; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_config_validates_the_compile_mode():
    with pytest.raises(ValueError, match="compile"):
        hx.config(compile="eventually")
    with pytest.raises(ValueError, match="jit_min"):
        hx.config(jit_min=-1)


def test_malformed_environment_warns_and_keeps_defaults():
    code = ("import warnings, hologram_array as hx; s = hx._config.settings; "
            "print(s.eager_below, s.jit_min, s.compile)")
    env = dict(__import__("os").environ, HOLOGRAM_EAGER_BELOW="lots", HOLOGRAM_JIT_MIN="-3",
               HOLOGRAM_COMPILE="later")
    out = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    from hologram_array._config import Settings
    assert out.stdout.split() == [str(Settings.eager_below), str(Settings.jit_min), "background"]
    assert out.stderr.count("RuntimeWarning") == 3


def _u8_chain(m, a, n=8):
    for k in range(n):
        a = (a * 3 + k) if k % 2 == 0 else (a ^ (k & 255))
    return a


def test_class_maps_use_the_compiled_gather_once_ready():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, N, dtype=np.uint8)
    b = rng.integers(0, 256, N, dtype=np.uint8)
    x, y = hx.asarray(a), hx.asarray(b)
    np.testing.assert_array_equal(np.asarray(_u8_chain(hx, x)), _u8_chain(np, a))
    assert jit.gather_state(1, np.dtype(np.uint8)) == "ready"
    assert "compiled parallel gather" in hx.explain(_u8_chain(hx, x))
    two = lambda m, p, q: _u8_chain(m, p * 5 + q, 6) - q  # noqa: E731
    np.testing.assert_array_equal(np.asarray(two(hx, x, y)), two(np, a, b))
    wide = lambda m, p: m.sqrt(m.astype(_u8_chain(m, p), m.float32)) * 0.5  # noqa: E731
    np.testing.assert_array_equal(np.asarray(wide(hx, x)), wide(np, a))
    strided = a.reshape(200, 200)[:, ::2]
    np.testing.assert_array_equal(np.asarray(_u8_chain(hx, hx.asarray(strided))), _u8_chain(np, strided))


def test_compiled_gather_keeps_numpy_warnings():
    a = np.arange(N, dtype=np.int64).astype(np.uint8)
    x = hx.asarray(a)
    f = lambda m, v: m.log(m.astype(v, m.float32) * 0.5 + 0.0) * 2 - 1 + v * 0  # noqa: E731
    with np.errstate(all="ignore"):
        np.asarray(f(hx, x))  # table + kernel ready
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        np.asarray(f(hx, x))  # a zero is present: log(0)
    ones = hx.asarray(np.ones(N, np.uint8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.asarray(f(hx, ones))  # no offending value: silent


def test_background_gather_compiles_then_is_used():
    hx.config(compile="background")
    a = np.random.default_rng(4).integers(0, 256, N, dtype=np.uint8).astype(np.int8)
    x = hx.asarray(a)
    np.testing.assert_array_equal(np.asarray(_u8_chain(hx, x, 9)), _u8_chain(np, a, 9))
    assert jit.wait_for_kernels(timeout=300)
    assert jit.gather_state(1, np.dtype(np.int8)) == "ready"
    np.testing.assert_array_equal(np.asarray(_u8_chain(hx, x, 9)), _u8_chain(np, a, 9))


def test_two_float16_inputs_in_a_compiled_kernel_round_after_every_op():
    """No table for two 16-bit inputs: the fused kernel carries float16 in float32 registers and
    rounds to float16 after every op, so it is NumPy's per-op result bit for bit."""
    rng = np.random.default_rng(5)
    a = (rng.standard_normal(N) * 50).astype(np.float16)
    b = (rng.standard_normal(N) * 50).astype(np.float16)
    f = lambda m, x, y: m.tanh(x * y + 0.25) * x - y * y / 3  # noqa: E731
    with np.errstate(all="ignore"):
        got = np.asarray(f(hx, hx.asarray(a), hx.asarray(b)))
        ref = f(np, a, b)
    slot = _slot(f(hx, hx.asarray(a), hx.asarray(b)))
    assert slot is not None and slot.variants.get("contig") == "ready", slot and slot.error
    np.testing.assert_array_equal(got.view(np.uint16), ref.view(np.uint16))


def _wide_chain(m, x):
    """uint8 -> float32, 6 ops: a class map with a 4-byte table."""
    y = (x / m.float32(255) - m.float32(0.485)) / m.float32(0.229)
    return m.maximum(y * m.float32(1.5) + m.float32(0.1), m.float32(-1.0))


@pytest.mark.parametrize("forced", ["auto", "scalar"])
def test_wide_class_maps_use_byte_planes_or_give_way(monkeypatch, forced):
    """A uint8 -> float32 class map: with AVX-512 VBMI its table is looked up as four byte
    planes (one shuffle each; faster than the fused kernel, measured); where only the scalar
    gather could serve it (forced here), the compiled kernel runs instead (~4x faster)."""
    from hologram_array.backends import cpu_numba

    if forced == "auto" and cpu_numba.gather_method() != "vbmi":
        pytest.skip("CPU lacks AVX-512 VBMI: no byte-plane lookup (the 'scalar' case covers this CPU)")
    if forced != "auto":
        monkeypatch.setenv(cpu_numba.GATHER_ENV, forced)
    a = np.random.default_rng(9).integers(0, 256, N, dtype=np.uint8)
    x = hx.asarray(a)
    for _ in range(2):  # the first run compiles (sync), the second takes the chosen path
        np.testing.assert_array_equal(np.asarray(_wide_chain(hx, x)), _wide_chain(np, a))
    text = hx.explain(_wide_chain(hx, x))
    if forced == "auto":
        assert "class map: yes" in text and "byte planes" in text, text
    else:
        # (compiled kernel or NumPy executor: the measured executor choice decides)
        assert "wide output without AVX-512 VBMI" in text and "table lookup" not in text, text


def test_two_input_class_maps_give_way_to_the_compiled_kernel():
    """A 256x256 table lookup measured ~5x slower than the fused kernel: once the kernel is
    ready it runs instead (sync: at once); classmap='always' still forces the table."""
    rng = np.random.default_rng(8)
    a = rng.integers(0, 256, N, dtype=np.uint8)
    b = rng.integers(0, 256, N, dtype=np.uint8)
    x, y = hx.asarray(a), hx.asarray(b)
    two = lambda m, p, q: _u8_chain(m, p * 5 + q, 8) - q  # noqa: E731
    np.testing.assert_array_equal(np.asarray(two(hx, x, y)), two(np, a, b))
    text = hx.explain(two(hx, x, y))
    assert "compiled kernel runs instead" in text and "contig ready; measured numba" in text, text
    old = hx.config(classmap="always")
    try:
        np.testing.assert_array_equal(np.asarray(two(hx, x, y)), two(np, a, b))
        assert "table lookup" in hx.explain(two(hx, x, y))
    finally:
        hx.config(**old)


def test_bound_parameters_reused_only_for_the_same_objects(monkeypatch):
    """``Kernel.bind_flags`` reuses the last conversion when every value is the very same object:
    equal but different values (0.0 and -0.0) must be converted again."""
    monkeypatch.setattr(jit, "choose", lambda kernels, size, slot=None, kernel_only=False, stream=False: jit.NUMBA)
    a = np.linspace(-1, 1, 4 * N).astype(np.float32)
    x = hx.asarray(a)
    pos, neg = 0.0, -0.0
    for v in (pos, pos, neg, neg, pos, 2.5, neg):
        got = np.asarray(x * v)
        want = a * v
        assert np.array_equal(np.signbit(got), np.signbit(want)) and np.array_equal(got, want), v
    kernel = _slot(x * pos).kernel
    # (each chain's steady state, materialize.Lane, keeps its own bound values: bind_flags
    # itself is checked here)
    p_pos, _ = kernel.bind_flags((pos,))
    p_neg, _ = kernel.bind_flags((neg,))
    assert kernel._last_bind is not None and kernel._last_bind[0][0] is neg  # the last call's
    assert np.signbit(p_neg[0]) and not np.signbit(p_pos[0])
    assert kernel.bind_flags((neg,))[0] is p_neg  # the very same objects: reused
