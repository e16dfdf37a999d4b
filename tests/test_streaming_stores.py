"""Non-temporal stores for results larger than the caches (``kernel_contig_nt``).

``cpu_numba.streams`` picks the variant: x86-64, at least ``STREAM_MIN_BYTES`` of output (the
last-level cache's size), every
output and every block 64-byte aligned (``numba_ops.stream_store`` claims that alignment so that
LLVM widens the store to ``vmovntps``/``vmovntdq``). These tests lower the size threshold so that
small aligned outputs take the streaming loop, and compare it with the ordinary loop element for
element: block edges, the scalar remainder, several output dtypes, two outputs, and the slow-path
re-run of a block. The speed is measured in ``benchmarks/run.py`` (chains, copy-bandwidth rows),
not here.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install 'hologram_array[cpu]')")

import hologram_array as hx  # noqa: E402
from hologram_array.backends import cpu_numba  # noqa: E402
from hologram_array.compiler import jit  # noqa: E402
from hologram_array.compiler.materialize import prepare  # noqa: E402
from hologram_array.compiler.pool import ALIGN, POOL  # noqa: E402

needs_x86 = pytest.mark.skipif(not cpu_numba.STREAMING,
                               reason="non-temporal stores are generated on x86-64 only "
                                      "(or HOLOGRAM_STREAM_STORES=0 is set)")


def aligned_empty(n: int, dtype, offset: int = 0) -> np.ndarray:
    """A 1-D array whose first element sits ``offset`` bytes past a 64-byte boundary."""
    dtype = np.dtype(dtype)
    raw = np.empty(n * dtype.itemsize + 128, np.uint8)
    start = (-raw.ctypes.data) % 64 + offset
    return raw[start:start + n * dtype.itemsize].view(dtype)


def kernel_of(expr):
    p = prepare([expr._node])
    return cpu_numba.compile_circuit(p.circuit), p.binding


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(cpu_numba, "STREAM_MIN_BYTES", 0)


def _run_both(k, binding, shape, dtypes, block=None):
    outs_nt = [aligned_empty(int(np.prod(shape)), d).reshape(shape) for d in dtypes]
    outs = [np.empty(shape, d) for d in dtypes]
    k.dispatcher("contig_nt")
    r_nt = k.run(binding.buffers, binding.values, outs_nt, block=block)
    k._ready.pop("contig_nt")
    r = k.run(binding.buffers, binding.values, outs, block=block)
    return r_nt, outs_nt, r, outs


CASES = {
    "float32 arith": (np.float32, lambda a: hx.clip(abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1),
    "float64": (np.float64, lambda a: a * a - 3.0 * a + 0.5),
    "float16": (np.float16, lambda a: a * 0.5 + 1),
    "uint8": (np.uint8, lambda a: (a * 3 + 7) ^ 0x5A),
    "int16": (np.int16, lambda a: a * 7 - 3),
    "int64": (np.int64, lambda a: a * a + 1),
    "bool": (np.float32, lambda a: a > 0.25),
    "transcendental": (np.float32, lambda a: hx.tanh(hx.maximum(a * 1.5 + 0.25, 0)) * hx.exp(-a * a) + hx.sqrt(abs(a))),
}


@needs_x86
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("n", [1, 8192 * 2, 8192 * 3 + 77])
def test_streaming_loop_equals_the_ordinary_loop(small_threshold, name, n):
    dt, f = CASES[name]
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 40).astype(dt) if np.dtype(dt).kind == "f" else rng.integers(0, 100, n).astype(dt)
    k, binding = kernel_of(f(hx.asarray(a)))
    if any(d.itemsize == 1 or d == np.float16 for d in k.circuit.output_dtypes):
        # single-byte and float16 stores would stay scalar (cpu_numba._STREAM_KINDS): no streaming loop
        assert "kernel_contig_nt" not in k.source
        return
    r_nt, outs_nt, r, outs = _run_both(k, binding, (n,), k.circuit.output_dtypes)
    assert r_nt.variant == "contig_nt" and r.variant == "contig"
    assert r_nt.flags == r.flags and np.array_equal(r_nt.block_flags, r.block_flags)
    for x, y in zip(outs_nt, outs):
        np.testing.assert_array_equal(x, y)
    # and NumPy's values (the compiled tanh/exp may differ by an ULP: docs/semantics.md)
    np.testing.assert_allclose(outs[0], np.asarray(f(hx.asarray(a))), rtol=1e-6 if name == "transcendental" else 0)


@needs_x86
def test_two_outputs_and_the_slow_path_rerun(small_threshold):
    # sin of large float32 arguments leaves the fast helper: the block is re-run exactly
    n = 8192 * 2 + 5
    a = np.linspace(-3, 3, n).astype(np.float32)
    a[100] = 1e30  # beyond the fast helper's range, in block 0
    a[9000] = np.inf
    ha = hx.asarray(a)
    s, t = hx.sin(ha) * 2, ha * ha
    p = prepare([s._node, t._node])
    k = cpu_numba.compile_circuit(p.circuit)
    assert k._slow_path
    r_nt, outs_nt, r, outs = _run_both(k, p.binding, (n,), k.circuit.output_dtypes)
    assert r_nt.variant == "contig_nt"
    with np.errstate(invalid="ignore", over="ignore"):
        want = [np.sin(a) * np.float32(2), a * a]
    for x, y, w in zip(outs_nt, outs, want):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_allclose(x, w, rtol=1e-6)
    assert r_nt.flags == r.flags


@needs_x86
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint32])
def test_the_streaming_store_is_vectorized(dtype):
    old = hx.config(eager_below=0)  # a lazy expression even at 64 elements
    try:
        p = prepare([(hx.asarray(np.ones(64, dtype)) * 3 + 1)._node])
    finally:
        hx.config(**old)
    k = cpu_numba.compile_circuit(p.circuit, disk_cache=False)  # fresh: it keeps its assembly
    d = k.dispatcher("contig_nt")
    asm = d.inspect_asm(d.signatures[0])
    assert "vmovnt" in asm, "LLVM did not widen the non-temporal store (a scalar loop would be slow)"
    assert "sfence" in asm


@needs_x86
@pytest.mark.parametrize("offset", [4, 16, 32])
def test_unaligned_outputs_and_blocks_take_the_ordinary_loop(small_threshold, offset):
    n = 8192 * 2
    a = hx.asarray(np.arange(n, dtype=np.float32))
    k, binding = kernel_of(a * 2 + 1)
    k.dispatcher("contig_nt")
    out = aligned_empty(n, np.float32, offset)
    assert k.run(binding.buffers, binding.values, [out]).variant == "contig"
    np.testing.assert_array_equal(out, np.arange(n, dtype=np.float32) * 2 + 1)
    # an aligned output whose blocks do not start on 64 bytes (block of 8200 float32)
    out = aligned_empty(n, np.float32)
    assert k.run(binding.buffers, binding.values, [out], block=8200).variant == "contig"
    assert k.run(binding.buffers, binding.values, [out], block=8192).variant == "contig_nt"
    np.testing.assert_array_equal(out, np.arange(n, dtype=np.float32) * 2 + 1)


def test_small_results_and_complex_outputs_do_not_stream():
    out = aligned_empty(1024, np.float32)
    assert not cpu_numba.streams([out])  # below STREAM_MIN_BYTES
    assert not cpu_numba.streamable([np.dtype(np.complex64)])
    a = hx.asarray(np.ones(16, np.complex64))
    k, _ = kernel_of(a * 2)
    assert "kernel_contig_nt" not in k.source


def test_pooled_results_are_64_byte_aligned():
    held = [POOL.empty((3_000_001,), np.float32) for _ in range(3)]
    assert all(h.ctypes.data % ALIGN == 0 for h in held)
    del held
    again = POOL.empty((3_000_001,), np.float32)  # a reused block keeps its alignment
    assert again.ctypes.data % ALIGN == 0


@pytest.fixture
def sync_compile():
    old = hx.config(compile="sync")
    yield
    hx.config(**old)


@needs_x86
def test_the_driver_streams_large_results_and_falls_back(sync_compile, monkeypatch):
    monkeypatch.setattr(cpu_numba, "STREAM_MIN_BYTES", 8 << 20)  # (the machine's L3 may be large)
    n = cpu_numba.STREAM_MIN_BYTES // 4 + 1000
    a = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    ha = hx.asarray(a)
    p = prepare([(ha * 3 - 1)._node])
    assert jit.variant_for(p.circuit, p.binding.buffers, [POOL.empty((n,), np.float32)]) == "contig_nt"
    assert jit.variant_for(p.circuit, p.binding.buffers, [aligned_empty(n, np.float32, 16)]) == "contig"
    e = ha * 3 - 1
    np.testing.assert_array_equal(np.asarray(e), a * np.float32(3) - np.float32(1))
    assert "contig_nt ready" in hx.explain(ha * 3 - 1)
    # a circuit whose streaming loop does not compile runs the ordinary loop instead
    real = jit._compile

    def refusing(slot, circuit, variant, in_child=False):
        if variant == "contig_nt":
            slot.variants[variant] = "failed"
            return
        return real(slot, circuit, variant, in_child)

    monkeypatch.setattr(jit, "_compile", refusing)
    np.testing.assert_array_equal(np.asarray(ha * 5 + 2), a * np.float32(5) + np.float32(2))
    state = hx.explain(ha * 5 + 2)
    assert "contig_nt failed" in state and "contig ready" in state and "measured numba" in state


def test_streaming_can_be_turned_off_by_the_environment():
    import subprocess

    code = "from hologram_array.backends import cpu_numba; print(cpu_numba.STREAMING)"
    out = subprocess.run([sys.executable, "-c", code], env={"HOLOGRAM_STREAM_STORES": "0", "PATH": ""},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


needs_vbmi = pytest.mark.skipif(not (cpu_numba.STREAMING and cpu_numba.vbmi_available()),
                                reason="the non-temporal class-map lookups are the AVX-512 VBMI ones (x86-64)")


@needs_vbmi
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
@pytest.mark.parametrize("offset", [0, 8])
def test_class_map_lookup_with_non_temporal_stores(dtype, offset):
    from hologram_array.backends import numba_ops

    n = numba_ops.GATHER_BLOCK * 2 + 77  # two whole blocks, then a scalar tail
    rng = np.random.default_rng(7)
    x = rng.integers(0, 256, n, dtype=np.uint8)
    width = np.dtype(dtype).itemsize
    table = rng.integers(0, 256, 256 * width, dtype=np.uint8).view(dtype)  # any bits, NaNs too
    out = aligned_empty(n, dtype, offset)  # offset 8: not aligned, the ordinary lookup instead
    cpu_numba.gather_kernel(1)(table, [x], out, stream=True)
    np.testing.assert_array_equal(out.view(np.uint8), table[x].view(np.uint8))


@needs_vbmi
@pytest.mark.parametrize("name", ["gather1_vbmi", "gather1_vbmi_planes"])
def test_the_lookups_store_non_temporally(name):
    import numba

    from hologram_array.backends import numba_ops

    # compiled afresh: a dispatcher loaded from Numba's disk cache keeps no assembly
    fn = numba.njit(parallel=True, nogil=True)(getattr(numba_ops, name).py_func)
    x = np.zeros(64, np.uint8)
    if name == "gather1_vbmi":
        fn(np.zeros(256, np.uint8), x, aligned_empty(64, np.uint8), True)
    else:
        fn(np.zeros(1024, np.uint8), x, aligned_empty(256, np.uint8), 4, True)
    asm = fn.inspect_asm(fn.signatures[0])
    assert "vmovntdq" in asm and "sfence" in asm


@needs_vbmi
def test_a_large_class_map_result_streams_through_the_driver(sync_compile, monkeypatch):
    from hologram_array.backends import numba_ops

    calls = []
    real = numba_ops.gather1_vbmi
    monkeypatch.setattr(numba_ops, "gather1_vbmi", lambda *a: (calls.append(a[3]), real(*a)))
    monkeypatch.setattr(cpu_numba, "STREAM_MIN_BYTES", 8 << 20)
    n = cpu_numba.STREAM_MIN_BYTES + 4099
    x = np.random.default_rng(3).integers(0, 256, n, dtype=np.uint8)
    hxx = hx.asarray(x)
    chain = ((((hxx * 3 + 7) ^ 0x5A) >> 1) + 9) * 5 - 2  # a class map (>= classmap_min_ops)
    got = np.asarray(chain)
    assert got.ctypes.data % 64 == 0  # a pooled result
    np.testing.assert_array_equal(got, (((((x * 3 + 7) ^ 0x5A) >> 1) + 9) * 5 - 2).astype(np.uint8))
    # (compiling it runs a small lookup first: the last call is the result's)
    assert calls and calls[-1], "the class map's lookup did not take the non-temporal loop"


@needs_vbmi
def test_the_lookup_kernels_load_from_numbas_disk_cache_in_a_new_process(tmp_path):
    # regression: the byte-plane lookups were closures whose cache key pickled an intrinsic
    # with a fresh uuid, so every process compiled them again (and added a cache entry)
    import subprocess

    code = (
        "import numpy as np\n"
        "from hologram_array.backends import numba_ops as ops\n"
        "x = np.zeros(64, np.uint8)\n"
        "raw = np.zeros(512 + 64, np.uint8); o = raw[(-raw.ctypes.data) % 64:][:256]\n"
        "ops.gather1_vbmi_planes(np.zeros(1024, np.uint8), x, o, 4, True)\n"
        "ops.gather1_vbmi(np.zeros(256, np.uint8), x, o[:64], True)\n"
        "print(sum(sum(f.stats.cache_hits.values()) for f in (ops.gather1_vbmi_planes, ops.gather1_vbmi)))\n")
    env = {**__import__("os").environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["0", "2"]


@needs_x86
def test_in_place_results_take_the_ordinary_loop(small_threshold):
    # an output over its own input gains nothing from non-temporal stores (the line was just
    # read) and loses its cached copy: measured 1.4-1.5x slower, so the ordinary loop runs
    n = 8192 * 4
    buf = aligned_empty(n, np.float32)
    buf[:] = np.arange(n, dtype=np.float32)
    k, binding = kernel_of(hx.asarray(buf) * 2 + 1)
    k.dispatcher("contig_nt")
    p = prepare([(hx.asarray(buf) * 2 + 1)._node])
    assert k.run(p.binding.buffers, p.binding.values, [buf]).variant == "contig"
    np.testing.assert_array_equal(buf, np.arange(n, dtype=np.float32) * 2 + 1)
    assert not cpu_numba.streams([buf], ins=[buf]) and cpu_numba.streams([buf])
    assert jit.variant_for(p.circuit, [buf], [buf]) == "contig"


# ---- the measured band [STREAM_TRY_BYTES, STREAM_MIN_BYTES): both stores timed, faster kept ----

#: Results from this size on come from the buffer pool, 64-byte aligned (smaller ones from
#: ``np.empty``: 16-byte aligned, so only a caller's aligned ``out=`` can stream there).
POOL_MIN = __import__("hologram_array.compiler.pool", fromlist=["MIN_BYTES"]).MIN_BYTES


@pytest.fixture
def band(monkeypatch):
    """A band from 256 KiB to 64 MiB, whatever this machine's caches are."""
    monkeypatch.setattr(cpu_numba, "STREAM_TRY_BYTES", 256 << 10)
    monkeypatch.setattr(cpu_numba, "STREAM_MIN_BYTES", 64 << 20)


def test_the_band_starts_at_the_level_2_caches():
    assert (1 << 20) <= cpu_numba.STREAM_TRY_BYTES
    assert cpu_numba._cache_bytes(2, 0) in (0, cpu_numba.STREAM_TRY_BYTES // cpu_numba._usable_cpus()) \
        or cpu_numba.STREAM_TRY_BYTES == 1 << 20
    assert cpu_numba._cache_bytes() >= cpu_numba._cache_bytes(2, 0)  # the last level is the largest


@needs_x86
def test_which_results_are_measured_with_both_stores(band):
    n = (1 << 20) // 4  # 1 MiB of float32
    buf = aligned_empty(n, np.float32)
    buf[:] = 1
    p = prepare([(hx.asarray(buf) * 3 - 1)._node])
    args = (p.circuit, p.binding.buffers)
    assert jit.stream_trial(*args, [aligned_empty(n, np.float32)])
    assert jit.variant_for(*args, [aligned_empty(n, np.float32)]) == "contig"  # not by size alone
    assert not jit.stream_trial(*args, [aligned_empty(n, np.float32, 16)])     # unaligned
    assert not jit.stream_trial(*args, [buf])                                 # in place
    small = prepare([(hx.asarray(np.ones(4096, np.float32)) * 3 - 1)._node])
    assert not jit.stream_trial(small.circuit, small.binding.buffers, [aligned_empty(4096, np.float32)])
    b = prepare([(hx.asarray(buf) > 2)._node])  # bool results: no streaming loop
    assert not jit.stream_trial(b.circuit, b.binding.buffers, [aligned_empty(n, np.bool_)])
    big = (64 << 20) // 4  # at STREAM_MIN_BYTES: streams by size, no trial
    assert not jit.stream_trial(p.circuit, [np.ones(big, np.float32)], [aligned_empty(big, np.float32)])


def test_choose_measures_the_streaming_executor_and_keeps_the_faster():
    kernels: dict = {}
    n = 1 << 22
    slot = jit.slot_of(kernels)
    assert jit.candidates(n, stream=True)[-1] == jit.NUMBA_NT
    assert jit.NUMBA_NT not in jit.candidates(n)
    seen = []
    for _ in range(2 * len(jit.candidates(n, stream=True))):
        c = jit.choose(kernels, n, stream=True)
        seen.append(c)
        slot.timing.record(c, {jit.NUMBA: 0.004, "numpy": 0.02, jit.NUMBA1: 0.006, jit.NUMBA_NT: 0.003}[c], n)
    k = len(jit.candidates(n, stream=True))
    assert seen[:k] == list(jit.candidates(n, stream=True)) == seen[k:2 * k]  # round by round
    assert seen.count(jit.NUMBA_NT) == jit.MEASURE_RUNS
    assert jit.choose(kernels, n, stream=True) == jit.NUMBA_NT
    assert jit.choose(kernels, n) == jit.NUMBA  # without the trial: never the streaming loop
    slot.timing.record(jit.NUMBA, 0.001, n)  # the ordinary loop measured faster after all
    assert jit.choose(kernels, n, stream=True) == jit.NUMBA


@needs_x86
def test_the_driver_measures_both_stores_in_the_band(band, sync_compile, monkeypatch):
    n = POOL_MIN // 4 + 8192 * 3 + 5  # pooled (64-byte aligned) results, and a remainder
    a = np.random.default_rng(5).standard_normal(n).astype(np.float32)
    ha = hx.asarray(a)
    want = np.clip(np.abs(a * np.float32(1.5) + np.float32(0.25)) * a - np.float32(0.5), 0, 4)
    f = lambda x: hx.clip(abs(x * 1.5 + 0.25) * x - 0.5, 0, 4)  # noqa: E731
    for _ in range(12):
        np.testing.assert_array_equal(np.asarray(f(ha)), want)
    from hologram_array.compiler.cache import CACHE
    entry, _ = CACHE.get(prepare([f(ha)._node]).circuit)
    slot = jit.slot_of(entry.kernels)
    b = jit.Timing.bucket(n)
    assert slot.variants.get("contig_nt") == "ready"
    assert slot.timing.runs.get((jit.NUMBA_NT, b), 0) >= jit.MEASURE_RUNS
    assert slot.timing.runs.get((jit.NUMBA, b), 0) >= jit.MEASURE_RUNS
    # whichever wins, it is the loop that runs: make the streaming one the faster
    used = []  # (``launch``: the general path's ``Kernel.run`` and the steady state's lane call it)
    real_launch = slot.kernel.launch
    monkeypatch.setattr(slot.kernel, "launch", lambda variant, *a, **k: used.append(variant) or
                        real_launch(variant, *a, **k))
    slot.timing.best[(jit.NUMBA_NT, b)] = 1e-6
    np.testing.assert_array_equal(np.asarray(f(ha)), want)
    assert used[-1] == "contig_nt"
    slot.timing.best[(jit.NUMBA_NT, b)] = 1e6
    np.testing.assert_array_equal(np.asarray(f(ha)), want)
    assert used[-1] == "contig"
    assert "numba_nt" in hx.explain(f(ha))


@needs_x86
def test_an_explicit_stream_choice_overrides_the_size_rule(small_threshold):
    n = 8192 * 2 + 3
    a = np.arange(n, dtype=np.float32)
    k, binding = kernel_of(hx.asarray(a) * 2 + 1)
    k.dispatcher("contig_nt")
    out = aligned_empty(n, np.float32)
    assert k.run(binding.buffers, binding.values, [out]).variant == "contig_nt"  # size rule (0 here)
    assert k.run(binding.buffers, binding.values, [out], stream=False).variant == "contig"
    cpu_numba.STREAM_MIN_BYTES = 1 << 60
    assert k.run(binding.buffers, binding.values, [out]).variant == "contig"
    assert k.run(binding.buffers, binding.values, [out], stream=True).variant == "contig_nt"
    np.testing.assert_array_equal(out, a * 2 + 1)
    odd = aligned_empty(n, np.float32, 16)
    assert k.run(binding.buffers, binding.values, [odd], stream=True).variant == "contig"  # unaligned
    np.testing.assert_array_equal(odd, a * 2 + 1)


@needs_vbmi
def test_class_map_lookups_measure_both_stores_in_the_band(band, sync_compile, monkeypatch):
    from hologram_array.backends import numba_ops

    flags = []
    real = numba_ops.gather1_vbmi
    monkeypatch.setattr(numba_ops, "gather1_vbmi", lambda *a: (flags.append(a[3]), real(*a)))
    n = POOL_MIN + 4099  # pooled (64-byte aligned) results
    x = np.random.default_rng(9).integers(0, 256, n, dtype=np.uint8)
    hxx = hx.asarray(x)
    want = (((((x * 3 + 7) ^ 0x5A) >> 1) + 9) * 5 - 2).astype(np.uint8)
    for _ in range(6):
        np.testing.assert_array_equal(np.asarray(((((hxx * 3 + 7) ^ 0x5A) >> 1) + 9) * 5 - 2), want)
    assert True in flags and False in flags  # both measured
    t = jit.gather_timing(1, np.dtype(np.uint8))
    b = jit.Timing.bucket(n)
    assert t.runs[(jit.GATHER, b)] >= jit.MEASURE_RUNS and t.runs[(jit.GATHER_NT, b)] >= jit.MEASURE_RUNS
    assert cpu_numba.gather_stream_trial([x], [POOL.empty((n,), np.uint8)])
    assert not cpu_numba.gather_stream_trial([x], [aligned_empty(n, np.uint8, 8)])  # unaligned
    assert not cpu_numba.gather_stream_trial([x[:4096]], [POOL.empty((4096,), np.uint8)])  # below the band
    inplace = POOL.empty((n,), np.uint8)
    assert not cpu_numba.gather_stream_trial([inplace], [inplace])
    flags.clear()
    cpu_numba.gather_kernel(1)(np.arange(256, dtype=np.uint8), [inplace], inplace, stream=True)
    assert flags == [False]  # over its own input: the ordinary stores
