"""The driver's steady state for a recorded chain (``compiler/materialize.Lane``).

A lane runs a one-buffer chain seen before straight on its ready compiled kernel. These tests
check that it gives what the general path gives -- values, dtype, NumPy's warnings and
errors, memos, value semantics -- and that it steps aside whenever something it relies on
changed: the buffer's layout, the settings, the non-temporal band, the caches.
"""
import warnings

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.backends import cpu_numba
from hologram_array.compiler import jit, materialize, pool
from hologram_array.compiler.cache import CACHE

pytest.importorskip("numba", reason="numba is not installed: no compiled kernel, so no lanes")

pytestmark = pytest.mark.jit

N = 40_000  # above jit_min (set below), below the non-temporal band


@pytest.fixture(autouse=True)
def _settings(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("HOLOGRAM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kernels"))
    old = hx.config(compile="sync", jit_min=N // 2, eager_below=0)
    hx.clear_cache()  # no lanes from earlier tests
    yield
    hx.config(**old)
    hx.clear_cache()  # nor for later ones (the band tests compile non-temporal loops)


def _chain(m, a):
    return m.clip(abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1


def _lane_runs(monkeypatch):
    """Count the runs a lane completed (not declined)."""
    done = []
    run = materialize.Lane.run

    def counting(self, root):
        buf = run(self, root)
        if buf is not None:
            done.append(buf)
        return buf

    monkeypatch.setattr(materialize.Lane, "run", counting)
    return done


def test_second_run_takes_the_lane_and_matches_numpy(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(1).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    first = np.asarray(_chain(hx, x))  # compiles; the general path runs and offers a lane
    assert _chain(hx, x)._node.chain in CACHE.lanes
    for _ in range(6):  # every executor choice (round-by-round measuring) goes through the lane
        again = _chain(hx, x)
        got = np.asarray(again)
        assert got.dtype == np.float32 and got.shape == (N,)
        assert np.array_equal(got, _chain(np, a)) and np.array_equal(got, first)
    assert len(done) == 6


def test_other_buffer_same_chain_key_uses_it_too(monkeypatch):
    done = _lane_runs(monkeypatch)
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal(N).astype(np.float32) for _ in range(2))
    np.asarray(_chain(hx, hx.asarray(a)))
    got = np.asarray(_chain(hx, hx.asarray(b)))  # same dtype, shape, scalars: the same key
    assert np.array_equal(got, _chain(np, b))
    assert len(done) == 1


def test_a_strided_buffer_with_the_same_key_takes_the_general_path(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(3).standard_normal(2 * N).astype(np.float32)
    np.asarray(_chain(hx, hx.asarray(a[:N].copy())))  # the lane, for contiguous float32[N]
    view = a[::2]  # float32[N] as well: the chain key does not see strides
    assert view.shape == (N,) and not view.flags.c_contiguous
    got = np.asarray(_chain(hx, hx.asarray(view)))
    assert np.array_equal(got, _chain(np, view))
    assert done == []


def test_settings_that_change_the_path_are_honoured(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(4).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    np.asarray(_chain(hx, x))
    hx.config(compile="never")  # the NumPy executor only
    assert np.array_equal(np.asarray(_chain(hx, x)), _chain(np, a))
    assert "compiled kernel: off" in hx.explain(_chain(hx, x))
    hx.config(compile="sync", jit_min=2 * N)  # too small for a kernel now
    assert np.array_equal(np.asarray(_chain(hx, x)), _chain(np, a))
    assert done == []
    hx.config(jit_min=N // 2)
    np.asarray(_chain(hx, x))
    assert len(done) == 1


def test_the_non_temporal_band_moving_down_is_honoured(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(5).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    np.asarray(_chain(hx, x))
    monkeypatch.setattr(cpu_numba, "STREAM_TRY_BYTES", 1024)  # this result is in the band now
    assert np.array_equal(np.asarray(_chain(hx, x)), _chain(np, a))
    assert done == []


def test_warnings_and_errstate_as_numpy(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.linspace(-2, 2, N).astype(np.float64)
    a[N // 2] = 0.0  # log gives -inf there (divide)
    x = hx.asarray(a)
    expr = lambda m, v: m.log(m.abs(v)) * 2.0 + 1.0
    with np.errstate(divide="ignore"):
        np.asarray(expr(hx, x))  # compiles, offers the lane
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = np.asarray(expr(hx, x))
    with warnings.catch_warnings(record=True) as wn:
        warnings.simplefilter("always")
        want = expr(np, a)
    assert np.array_equal(got, want)
    assert [str(m.message) for m in w] == [str(m.message) for m in wn]
    assert [m.category for m in w] == [RuntimeWarning]
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        np.asarray(expr(hx, x))
    with np.errstate(divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        np.asarray(expr(hx, x))
    assert len(done) == 2  # (and the raising run, which ended in the error)


def test_a_shared_root_keeps_its_memo_an_unshared_one_does_not(monkeypatch):
    done = _lane_runs(monkeypatch)
    memos = []
    set_memo = materialize.set_memo
    monkeypatch.setattr(materialize, "set_memo", lambda node, buf: (memos.append(node), set_memo(node, buf)))
    a = np.random.default_rng(6).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    np.asarray(_chain(hx, x))
    memos.clear()
    _chain(hx, x).materialize()
    # only the materialized Array held its node: a memo would only cost registering the
    # result's memory (materialize._LANE_UNSHARED_REFS; counted for CPython 3.11 -- elsewhere
    # every root keeps its memo, as on the general path)
    assert memos == [] or not materialize._LANE_UNSHARED_REFS
    shared = _chain(hx, x)
    user = shared - 3.0  # another expression reads shared's node (no other reference here)
    shared.materialize()
    assert len(memos) == 1 and memos[0] is user._node.args[0]
    assert user._node.args[0].memo is shared._materialize()
    assert np.array_equal(np.asarray(user), _chain(np, a) - 3.0)
    assert len(done) == 2


def test_value_semantics_hold_on_the_lane(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(7).standard_normal(N).astype(np.float32)
    x = hx.asarray(a.copy())
    np.asarray(_chain(hx, x))
    before = _chain(hx, x)  # recorded, not computed
    want = _chain(np, a)
    x[0] = 100.0  # an in-place write: the recorded expression keeps the old values
    assert np.array_equal(np.asarray(before), want)
    after = np.asarray(_chain(hx, x))
    a[0] = 100.0
    assert np.array_equal(after, _chain(np, a))
    assert len(done) >= 1


def test_clear_cache_drops_the_lanes():
    a = np.random.default_rng(8).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    np.asarray(_chain(hx, x))
    assert CACHE.lanes
    hx.clear_cache()
    assert not CACHE.lanes
    assert np.array_equal(np.asarray(_chain(hx, x)), _chain(np, a))


def test_the_numpy_executor_chosen_runs_from_the_lane(monkeypatch):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(9).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    np.asarray(_chain(hx, x))
    ran = []
    run = materialize.numpy_exec.run
    monkeypatch.setattr(materialize.numpy_exec, "run", lambda *a, **k: (ran.append(1), run(*a, **k))[1])
    monkeypatch.setattr(jit, "choose", lambda kernels, size, slot=None, kernel_only=False, stream=False: "numpy")
    assert np.array_equal(np.asarray(_chain(hx, x)), _chain(np, a))
    assert ran and len(done) == 1


def test_in_the_band_non_temporal_stores_are_measured_from_the_lane(monkeypatch):
    done = _lane_runs(monkeypatch)
    monkeypatch.setattr(cpu_numba, "STREAM_TRY_BYTES", 1024)  # this result is in the band
    monkeypatch.setattr(pool, "MIN_BYTES", 1024)  # and from the pool: 64-byte aligned, as there
    variants = []
    launch = cpu_numba.Kernel.launch
    monkeypatch.setattr(cpu_numba.Kernel, "launch",
                        lambda self, variant, *a, **k: (variants.append(variant), launch(self, variant, *a, **k))[1])
    a = np.random.default_rng(10).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    want = _chain(np, a)
    for _ in range(12):  # every executor measured twice, round by round, then the fastest
        got = np.asarray(_chain(hx, x))
        assert np.array_equal(got, want)
    assert len(done) >= 10
    assert "contig_nt" in variants and "contig" in variants
    lane = CACHE.lanes[_chain(hx, x)._node.chain]
    assert lane.band and lane.stream


@pytest.mark.parametrize("shape", [(200, 200), (8, 50, 100)])
def test_several_dimensions_run_flat_from_the_lane(monkeypatch, shape):
    done = _lane_runs(monkeypatch)
    a = np.random.default_rng(11).standard_normal(shape).astype(np.float32)
    x = hx.asarray(a)
    for _ in range(4):
        got = np.asarray(_chain(hx, x))
        assert got.shape == shape and np.array_equal(got, _chain(np, a))
    assert len(done) == 3
    t = np.asarray(_chain(hx, hx.asarray(a.T)))  # Fortran-ordered: another key; no lane for it
    assert np.array_equal(t, _chain(np, a.T))


def test_integer_and_float64_chains(monkeypatch):
    done = _lane_runs(monkeypatch)
    i = np.arange(N, dtype=np.int32) - N // 2
    f = np.linspace(-3, 3, N)
    xi, xf = hx.asarray(i), hx.asarray(f)
    for _ in range(3):
        gi = np.asarray((xi * 3 + 7) // 2 - xi)
        gf = np.asarray(hx.sqrt(hx.abs(xf)) * 0.5 - xf)
        assert gi.dtype == np.int32 and np.array_equal(gi, (i * 3 + 7) // 2 - i)
        assert gf.dtype == np.float64 and np.array_equal(gf, np.sqrt(np.abs(f)) * 0.5 - f)
    assert len(done) == 4


def test_in_the_band_without_a_pooled_buffer_no_non_temporal_stores(monkeypatch):
    # the lane settles once that its outputs may take non-temporal stores (a fresh pooled
    # buffer: aligned, over no input); a result the pool does not serve never takes them
    done = _lane_runs(monkeypatch)
    monkeypatch.setattr(cpu_numba, "STREAM_TRY_BYTES", 1024)  # in the band ...
    monkeypatch.setattr(pool, "MIN_BYTES", 1 << 40)  # ... but from np.empty: alignment unknown
    seen = []
    launch = cpu_numba.Kernel.launch

    def spy(self, variant, ins, params, outs, *a, **k):
        seen.append((variant, outs[0].__array_interface__["data"][0] % 64))
        return launch(self, variant, ins, params, outs, *a, **k)
    monkeypatch.setattr(cpu_numba.Kernel, "launch", spy)
    a = np.random.default_rng(12).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    for _ in range(8):
        assert np.array_equal(np.asarray(_chain(hx, x)), _chain(np, a))
    assert len(done) >= 6
    lane = CACHE.lanes[_chain(hx, x)._node.chain]
    assert lane.band and not lane.stream
    assert all(v != "contig_nt" for v, _ in seen[-len(done):])


def test_non_temporal_stores_from_the_lane_write_aligned_outputs(monkeypatch):
    done = _lane_runs(monkeypatch)
    monkeypatch.setattr(cpu_numba, "STREAM_TRY_BYTES", 1024)
    monkeypatch.setattr(pool, "MIN_BYTES", 1024)
    seen = []
    launch = cpu_numba.Kernel.launch

    def spy(self, variant, ins, params, outs, *a, **k):
        seen.append((variant, outs[0].__array_interface__["data"][0] % 64,
                     any(np.may_share_memory(i, outs[0]) for i in ins)))
        return launch(self, variant, ins, params, outs, *a, **k)
    monkeypatch.setattr(cpu_numba.Kernel, "launch", spy)
    a = np.random.default_rng(13).standard_normal(N).astype(np.float32)
    x = hx.asarray(a)
    keep = []  # live results: the pool must not hand their memory out again
    for _ in range(12):
        keep.append(_chain(hx, x).materialize())
    for r in keep:
        assert np.array_equal(np.asarray(r), _chain(np, a))
    nt = [s for s in seen if s[0] == "contig_nt"]
    assert len(done) >= 10 and nt
    assert all(mis == 0 and not shared for _, mis, shared in nt)
