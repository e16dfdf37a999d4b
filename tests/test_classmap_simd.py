"""Class-map lookups (256-entry byte table applied to a byte array) on every path this CPU runs.

``cpu_numba.gather`` picks its lookup from the host CPU's features at run time: AVX-512 VBMI
``vpermi2b`` > AVX2 ``vpshufb`` > a scalar gather, or the path ``$HOLOGRAM_GATHER`` forces;
wider tables (2, 4, 8 bytes) with VBMI as byte planes, else the scalar gather.
Each path the machine supports is checked bit for bit against NumPy's ``table[x]``; paths it
lacks are skipped with the reason.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("numba")

from hologram_array.backends import compile_worker, cpu_numba, numba_ops  # noqa: E402

_LACKS = {"vbmi": "CPU lacks AVX-512 VBMI (avx512vbmi + avx512bw + avx512f)", "pshufb": "CPU lacks AVX2"}
_KERNELS = {"vbmi": "gather1_vbmi", "pshufb": "gather1_pshufb", "scalar": "gather1_contig"}
_OUT_DTYPES = [np.uint8, np.int8, np.bool_]


@pytest.fixture(params=["vbmi", "pshufb", "scalar"])
def method(request):
    m = request.param
    if m not in cpu_numba.gather_methods_available():
        pytest.skip(_LACKS[m])
    return m


@pytest.fixture(autouse=True)
def _no_forced_path(monkeypatch):
    monkeypatch.delenv(cpu_numba.GATHER_ENV, raising=False)


def _table(rng, out_dt):
    if np.dtype(out_dt) == np.bool_:
        return rng.integers(0, 2, 256).astype(bool)
    return rng.integers(0, 256, 256, dtype=np.uint8).view(out_dt).copy()


def _check(table, x, out, method):
    cpu_numba.gather(table, [x], out, method=method)
    ref = table[np.asarray(x).view(np.uint8)]
    assert out.dtype == ref.dtype and out.shape == ref.shape
    assert out.tobytes() == ref.tobytes()


@pytest.mark.parametrize("out_dt", _OUT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("in_dt", [np.uint8, np.int8, np.bool_], ids=lambda d: np.dtype(d).name)
def test_all_256_inputs(method, out_dt, in_dt):
    rng = np.random.default_rng(11)
    x = np.arange(256, dtype=np.uint8)
    ident = np.arange(256, dtype=np.uint8).view(out_dt) if np.dtype(out_dt) != np.bool_ else None
    tables = [_table(rng, out_dt) for _ in range(4)]
    if ident is not None:
        tables += [ident.copy(), ident[::-1].copy()]
    for table in tables:
        for xs in (x, x[::-1].copy(), np.tile(x, 5)):  # every byte in every lane position
            _check(table, xs.view(in_dt), np.empty(xs.shape, out_dt), method)


@pytest.mark.parametrize("out_dt", _OUT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_large_random(method, out_dt):
    rng = np.random.default_rng(12)
    table = _table(rng, out_dt)
    x = rng.integers(0, 256, 1_000_003, dtype=np.uint8)
    _check(table, x, np.empty(x.shape, out_dt), method)
    _check(table, x.view(np.int8), np.empty(x.shape, out_dt), method)


def test_lengths_and_offsets(method):
    """Lengths 0..200 (whole chunks plus tails of every size), input and output starting at
    unaligned addresses (views into larger buffers)."""
    rng = np.random.default_rng(13)
    table = _table(rng, np.uint8)
    src = rng.integers(0, 256, 300, dtype=np.uint8)
    dst = np.zeros(300, np.uint8)
    for n in range(201):
        for k_in, k_out in ((0, 0), (1, 3), (7, 0), (33, 63), (63, 17)):
            x = src[k_in:k_in + n]
            out = dst[k_out:k_out + n]
            before = dst.copy()
            _check(table, x, out, method)
            # nothing outside the output view is written
            assert np.array_equal(dst[:k_out], before[:k_out])
            assert np.array_equal(dst[k_out + n:], before[k_out + n:])


def test_unaligned_starts_across_blocks(method):
    """Views ``x[k:]`` of an array spanning several parallel blocks (64 Ki elements each)."""
    rng = np.random.default_rng(14)
    table = _table(rng, np.uint8)
    x = rng.integers(0, 256, 3 * numba_ops.GATHER_BLOCK + 77, dtype=np.uint8)
    for k in list(range(0, 70)) + [127, 128, 129, 4095]:
        xv = x[k:]
        _check(table, xv, np.empty(xv.shape, np.uint8), method)
        buf = np.empty(xv.size + 5, np.uint8)
        _check(table, xv, buf[5:], method)


def test_in_place(method):
    rng = np.random.default_rng(15)
    table = _table(rng, np.uint8)
    x = rng.integers(0, 256, 100_003, dtype=np.uint8)
    ref = table[x]
    cpu_numba.gather(table, [x], x, method=method)
    assert np.array_equal(x, ref)


def test_non_contiguous_falls_back(method):
    """Strided inputs or outputs, broadcasting, Fortran order: the scalar 2-D loop, same bits."""
    rng = np.random.default_rng(16)
    table = _table(rng, np.uint8)
    x = rng.integers(0, 256, (96, 301), dtype=np.uint8)
    cases = [(x[:, ::2], (96, 151), "C"), (x[::3], (32, 301), "C"), (x, (96, 301), "F"),
             (x[:1], (96, 301), "C"), (x.T, (301, 96), "C"), (x.reshape(-1)[1::2], (14448,), "C")]
    for xin, shape, order in cases:
        out = np.empty(shape, np.uint8, order=order)
        cpu_numba.gather(table, [xin], out, method=method)
        assert np.array_equal(out, table[np.broadcast_to(xin, shape)]), (shape, order)
    # a strided output view of a contiguous input
    xc = rng.integers(0, 256, 5001, dtype=np.uint8)
    buf = np.zeros(10002, np.uint8)
    cpu_numba.gather(table, [xc], buf[::2], method=method)
    assert np.array_equal(buf[::2], table[xc]) and not buf[1::2].any()


_WIDE = [np.float16, np.int16, np.float32, np.int32, np.uint32, np.float64, np.int64, np.complex64]


@pytest.mark.parametrize("out_dt", _WIDE, ids=lambda d: np.dtype(d).name)
def test_wider_tables(method, out_dt):
    """2-, 4- and 8-byte tables (uint8 -> float32 normalization, say): with VBMI one byte
    shuffle per byte plane, interleaved (pshufb and scalar: the scalar gather). Random bit
    patterns, so NaN payloads, -0.0 and subnormals must come through as bits; every byte in
    every lane position; lengths with tails of every size from unaligned starts; several
    parallel blocks."""
    rng = np.random.default_rng(17)
    w = np.dtype(out_dt).itemsize
    tables = [rng.integers(0, 256, 256 * w, dtype=np.uint8).view(out_dt) for _ in range(3)]
    x = np.arange(256, dtype=np.uint8)
    for table in tables:
        for xs in (x, x[::-1].copy(), np.tile(x, 5), rng.integers(0, 256, 10_007, dtype=np.uint8)):
            _check(table, xs, np.empty(xs.shape, out_dt), method)
            _check(table, xs.view(np.int8), np.empty(xs.shape, out_dt), method)
    table = tables[0]
    src = rng.integers(0, 256, 400, dtype=np.uint8)
    dst = np.zeros(400, out_dt)
    for n in list(range(0, 140)) + [191, 192, 193, 255, 256, 257]:
        for k_in, k_out in ((0, 0), (1, 3), (63, 17)):
            before = dst.copy()
            out = dst[k_out:k_out + n]
            _check(table, src[k_in:k_in + n], out, method)
            assert dst[:k_out].tobytes() == before[:k_out].tobytes()
            assert dst[k_out + n:].tobytes() == before[k_out + n:].tobytes()
    big = rng.integers(0, 256, 3 * numba_ops.GATHER_BLOCK + 77, dtype=np.uint8)
    for k in (0, 1, 63, 129):
        _check(table, big[k:], np.empty(big.size - k, out_dt), method)


# ---- choosing and forcing the path ---------------------------------------------------------


def test_auto_prefers_fastest_available():
    avail = cpu_numba.gather_methods_available()
    assert avail[-1] == "scalar"
    assert list(avail) == [m for m in ("vbmi", "pshufb", "scalar") if m in avail]
    assert cpu_numba.gather_method() == avail[0]
    assert ("vbmi" in avail) == cpu_numba.vbmi_available()
    assert ("pshufb" in avail) == cpu_numba.pshufb_available()


def _spy(monkeypatch):
    called = []
    for m, name in _KERNELS.items():
        fn = getattr(numba_ops, name)
        monkeypatch.setattr(numba_ops, name, lambda *a, _fn=fn, _m=m: (called.append(_m), _fn(*a))[1])
    return called


@pytest.mark.parametrize("forced", ["", "auto", "vbmi", "pshufb", "scalar"])
def test_env_forces_path(monkeypatch, forced):
    if forced in _LACKS and forced not in cpu_numba.gather_methods_available():
        pytest.skip(_LACKS[forced])
    monkeypatch.setenv(cpu_numba.GATHER_ENV, forced)
    expect = forced if forced not in ("", "auto") else cpu_numba.gather_methods_available()[0]
    assert cpu_numba.gather_method() == expect
    called = _spy(monkeypatch)
    rng = np.random.default_rng(18)
    table = _table(rng, np.uint8)
    x = rng.integers(0, 256, 4099, dtype=np.uint8)
    out = np.empty_like(x)
    cpu_numba.gather(table, [x], out)  # method="auto"
    assert called == [expect] and np.array_equal(out, table[x])
    # the compile worker warms the kernel auto picks
    called.clear()
    compile_worker.warm_gather(1, np.uint8)
    assert called == [expect]
    # two inputs / wide tables: the forced SIMD path does not apply, the scalar loops run
    t2 = rng.integers(0, 256, 65536, dtype=np.uint8)
    y = rng.integers(0, 256, 4099, dtype=np.uint8)
    cpu_numba.gather(t2, [x, y], out)
    assert np.array_equal(out, t2[(x.astype(np.intp) << 8) | y])


def test_forcing_missing_path_raises(monkeypatch):
    monkeypatch.setattr(numba_ops, "HAS_VBMI", False)
    monkeypatch.setattr(numba_ops, "HAS_AVX2", False)
    assert cpu_numba.gather_methods_available() == ("scalar",)
    for m, need in (("vbmi", "AVX-512 VBMI"), ("pshufb", "AVX2")):
        with pytest.raises(NotImplementedError, match=need):
            cpu_numba.GatherKernel(1, m)
        monkeypatch.setenv(cpu_numba.GATHER_ENV, m)
        with pytest.raises(NotImplementedError, match=need):
            cpu_numba.gather(np.zeros(256, np.uint8), [np.zeros(3, np.uint8)], np.empty(3, np.uint8))
    monkeypatch.setenv(cpu_numba.GATHER_ENV, "scalar")
    cpu_numba.gather(np.arange(256, dtype=np.uint8), [np.arange(3, dtype=np.uint8)], out := np.empty(3, np.uint8))
    assert list(out) == [0, 1, 2]
    monkeypatch.setenv(cpu_numba.GATHER_ENV, "avx9000")
    with pytest.raises(ValueError, match="HOLOGRAM_GATHER"):
        cpu_numba.gather_method()
    with pytest.raises(ValueError):
        cpu_numba.GatherKernel(1, "avx9000")


def test_simd_method_needs_one_input():
    for m in cpu_numba.gather_methods_available()[:-1]:
        with pytest.raises(NotImplementedError, match="one input"):
            cpu_numba.GatherKernel(2, m)


def test_env_in_fresh_process():
    """``HOLOGRAM_GATHER`` set before the process starts (as a user would) picks the path."""
    avail = cpu_numba.gather_methods_available()
    for forced in sorted({avail[0], "scalar"}):
        code = textwrap.dedent("""
            import numpy as np
            from hologram_array.backends import cpu_numba
            t = np.arange(256, dtype=np.uint8)[::-1].copy()
            x = np.arange(256, dtype=np.uint8)
            out = np.empty_like(x)
            cpu_numba.gather(t, [x], out)
            assert np.array_equal(out, t[x])
            print(cpu_numba.gather_method())
        """)
        env = dict(os.environ, **{cpu_numba.GATHER_ENV: forced})
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == forced
