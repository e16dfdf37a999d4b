"""The compiled fused reductions (backends/numba_reduce.py) through the public API, against NumPy.

``hx.sum(a*b + a)`` and the like, with the compiled kernel forced (``executor``: every thread,
or the one-thread run), compared with NumPy's reduction of the materialized expression: bit
for bit, float sums included (NumPy's pairwise summation), except where NumPy's own order is
not the kernel's (float ``prod`` over all axes is sequential in both). Also: what falls back to
the chunked NumPy executor, axis 0 (compiled only: without the kernel the expression is
materialized), floating-point errors reported as NumPy reports them, the background compile, and
a second process loading the kernels from the disk cache.
"""
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

pytest.importorskip("numba", reason="the compiled reductions need numba (pip install 'hologram_array[cpu]')")

import hologram_array as hx  # noqa: E402
from hologram_array.compiler import jit  # noqa: E402
from hologram_array.compiler import reduce as fused  # noqa: E402

pytestmark = pytest.mark.jit

N = fused.FUSE_MIN * 2 + 12_345
KINDS = ["sum", "prod", "max", "min", "any", "all", "argmax", "argmin", "mean"]
DTYPES = [np.bool_, np.int8, np.uint64, np.float32, np.float64]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(params=["numba", "numba1"])
def executor(request, monkeypatch):
    """compile="sync" and the compiled kernel chosen every time (all threads, or one)."""
    calls = []
    real = jit.choose

    def always(kernels, size, slot=None, kernel_only=False, stream=False):
        if slot is None:  # element-wise kernels: as usual
            return real(kernels, size, stream=stream)
        calls.append(request.param)
        return request.param

    monkeypatch.setattr(jit, "choose", always)
    old = hx.config(compile="sync")
    try:
        yield calls
    finally:
        hx.config(**old)


def _data(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        return rng.integers(0, 5, size=shape).astype(dt)
    return (rng.standard_normal(shape) * 0.01 + 1.0).astype(dt)


def _expr(m, a, b):
    return a * b + a if a.dtype != bool else (a & b) | a


def _same(got, ref):
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype and got.shape == ref.shape, (got.dtype, got.shape, ref.dtype, ref.shape)
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", KINDS)
def test_all_axes_bit_for_bit(kind, dtype, executor, quiet_numpy):
    if kind == "mean" and np.dtype(dtype) == np.bool_:
        pytest.skip("the standard's mean takes real floating-point input only")
    a, b = _data(dtype, N, 1), _data(dtype, N, 2)
    ref = getattr(np, kind)(_expr(np, a, b))
    got = getattr(hx, kind)(_expr(hx, hx.asarray(a), hx.asarray(b)))
    _same(got, ref)
    if kind != "mean" or np.dtype(dtype).kind == "f":  # an integer mean accumulates in float64: chunks
        assert executor, "the compiled kernel did not run"


@pytest.mark.parametrize("shape", [(500, 777), (40, 9001)], ids=["short-rows", "long-rows"])
@pytest.mark.parametrize("dtype", [np.int8, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", KINDS)
def test_last_axis_bit_for_bit(kind, dtype, shape, executor, quiet_numpy):
    a, b = _data(dtype, shape, 3), _data(dtype, shape, 4)
    ref = getattr(np, kind)(_expr(np, a, b), axis=-1, keepdims=True)
    got = getattr(hx, kind)(_expr(hx, hx.asarray(a), hx.asarray(b)), axis=-1, keepdims=True)
    _same(got, ref)


FIRST_AXIS_CASES = ([(np.float32, s) for s in [(4000, 37), (40, 9001), (100_000, 3), (50, 41, 70)]]
                    + [(d, (4000, 37)) for d in (np.bool_, np.int8, np.float64)])


@pytest.mark.parametrize("dtype, shape", FIRST_AXIS_CASES, ids=[f"{np.dtype(d).name}-{'x'.join(map(str, s))}"
                                                                for d, s in FIRST_AXIS_CASES])
@pytest.mark.parametrize("kind", KINDS)
def test_first_axis_bit_for_bit(kind, dtype, shape, executor, quiet_numpy):
    """axis=0: the rows folded in order, as NumPy's loop folds them (float sums included)."""
    if kind == "mean" and np.dtype(dtype) == np.bool_:
        pytest.skip("the standard's mean takes real floating-point input only")
    a, b = _data(dtype, shape, 21), _data(dtype, shape, 22)
    if np.dtype(dtype).kind == "f":
        a[5, 1] = np.nan  # NaN propagates in max/min, is the first extreme of argmax/argmin
    for keepdims in (False, True):
        ref = getattr(np, kind)(_expr(np, a, b), axis=0, keepdims=keepdims)
        got = getattr(hx, kind)(_expr(hx, hx.asarray(a), hx.asarray(b)), axis=0, keepdims=keepdims)
        _same(got, ref)
    if kind != "mean" or np.dtype(dtype).kind == "f":
        assert executor, "the compiled kernel did not run"


def test_first_axis_without_the_kernel_still_numpy(quiet_numpy):
    """compile="never", a single column, an accumulator dtype: materialized and reduced by NumPy."""
    a = _data(np.float32, (5000, 40), 23)
    x = hx.asarray(a)
    old = hx.config(compile="never")
    try:
        _same(hx.sum(x * 2.0 + x, axis=0), np.sum(a * 2.0 + a, axis=0))
    finally:
        hx.config(**old)
    col = _data(np.float32, (300_000, 1), 24)
    _same(hx.sum(hx.asarray(col) * 2.0, axis=0), np.sum(col * 2.0, axis=0))
    _same(hx.sum(x * 2.0, axis=0, dtype=hx.float64), np.sum(a * 2.0, axis=0, dtype=np.float64))


@pytest.mark.parametrize("kind", ["max", "min", "argmax", "argmin", "sum"])
def test_nan_rules(kind, executor, quiet_numpy):
    a = _data(np.float32, N, 5)
    for where in ([7], [N - 1], [4096, 100_000], [4095]):  # at buffer and range edges
        a2 = a.copy()
        a2[where] = np.nan
        ref = getattr(np, kind)(a2 * 2.0 + a2)
        _same(getattr(hx, kind)(hx.asarray(a2) * 2.0 + hx.asarray(a2)), ref)


def test_argmax_first_of_equal_extremes_and_signed_zeros(executor):
    a = np.zeros(N, np.float32)
    a[[10, 5000, N - 1]] = 3.0
    a[[20, 9000]] = -0.0
    x = hx.asarray(a)
    assert int(hx.argmax(x * 1.0)) == int(np.argmax(a * 1.0)) == 10
    b = -np.abs(a)  # all <= 0: the maximum is a zero, the first zero of either sign
    assert int(hx.argmax(hx.asarray(b) + 0.0)) == int(np.argmax(b + 0.0))
    assert int(hx.argmin(hx.asarray(b) * 1.0)) == int(np.argmin(b * 1.0))


def test_floating_point_errors_as_numpy(executor):
    x = hx.asarray(np.linspace(0, 1, N))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        hx.sum(hx.log(x))
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        hx.max(hx.log(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(hx.sum(x * 2.0)) == float(np.sum(np.linspace(0, 1, N) * 2.0))  # no flag: no warning
    big = hx.asarray(np.full(N, 3e38, np.float32))
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert np.isinf(float(hx.sum(big * 1.0)))  # the sum itself overflows, as NumPy's
    big2 = hx.asarray(np.full((2000, 200), 3e38, np.float32))
    for axis in (0, -1):  # also where the rows are folded into the result row by row
        with pytest.warns(RuntimeWarning, match="overflow"):
            assert np.isinf(np.asarray(hx.sum(big2 * 1.0, axis=axis))).all()


#: (expression shape, broadcast operand shape): a row, a column, one block of axes in the middle,
#: the trailing axes, the leading one -- each spans one block of the output's axes (flat_block).
BCAST_CASES = [((500, 777), (777,)), ((500, 777), (500, 1)), ((40, 30, 300), (1, 30, 1)),
               ((40, 30, 300), (30, 300)), ((40, 30, 300), (40, 1, 1))]


@pytest.mark.parametrize("shape, bshape", BCAST_CASES, ids=lambda v: "x".join(map(str, v)))
@pytest.mark.parametrize("kind", ["sum", "max", "argmin", "mean", "any"])
def test_broadcast_operand_bit_for_bit(kind, shape, bshape, executor, quiet_numpy):
    """A broadcast operand (``x - x.mean(axis=0)``, weights per row ...) is expanded into the
    thread's scratch per block: the kernel runs, every axis mode, NumPy's bits."""
    a, b = _data(np.float32, shape, 30), _data(np.float32, bshape, 31)
    x, y = hx.asarray(a), hx.asarray(b)
    for axis in (None, -1, 0):
        executor.clear()
        _same(getattr(hx, kind)(x * y + x, axis=axis), getattr(np, kind)(a * b + a, axis=axis))
        assert executor, ("the compiled kernel did not run", axis)


def test_broadcast_operand_var_std_last_axis_and_float16(executor, quiet_numpy):
    a = _data(np.float64, (300, 1000), 32)
    col, row = _data(np.float64, (300, 1), 33), _data(np.float64, (1000,), 34)
    x = hx.asarray(a)
    _same(hx.var(x * hx.asarray(col) - hx.asarray(row), axis=-1, correction=1), np.var(a * col - row, axis=-1, ddof=1))
    _same(hx.std(x - hx.asarray(row), axis=-1), np.std(a - row, axis=-1))
    h = _data(np.float16, (1000,), 35)  # a float16 operand: its bits expanded, converted in the loop
    f = a.astype(np.float32)
    _same(hx.sum(hx.asarray(f) * hx.asarray(h), axis=-1), np.sum(f * h, axis=-1))
    assert executor


def test_operand_broadcast_between_its_axes_reduces_by_chunks(executor, quiet_numpy):
    a, b = _data(np.float32, (40, 30, 300), 36), _data(np.float32, (40, 1, 300), 37)
    _same(hx.max(hx.asarray(a) * hx.asarray(b), axis=-1), np.max(a * b, axis=-1))
    assert not executor, "the compiled kernel ran where it cannot"


def test_what_falls_back_to_chunks(executor, quiet_numpy):
    a = _data(np.float32, (600, 500), 6)
    x = hx.asarray(a)
    # a transposed (not C-contiguous) input, another accumulator dtype
    _same(hx.max(x.T * 2.0), np.max(a.T * 2.0))
    np.testing.assert_allclose(np.asarray(hx.sum(x * 2.0, dtype=hx.float64)), np.sum(a * 2.0, dtype=np.float64))
    assert not executor, "the compiled kernel ran where it should not"


@pytest.mark.parametrize("dtype", [np.bool_, np.int16, np.uint8, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["var", "std"])
@pytest.mark.parametrize("correction", [0, 1, 2.5])
def test_var_std_all_axes(kind, dtype, correction, executor, quiet_numpy):
    """One pass over the expression; NumPy's dtype and accuracy (or better: float64 inside)."""
    a, b = _data(dtype, N, 9), _data(dtype, N, 10)
    v = _expr(np, a, b)
    got = getattr(hx, kind)(_expr(hx, hx.asarray(a), hx.asarray(b)), correction=correction)
    ref = getattr(np, kind)(v, ddof=correction)
    exact = getattr(np, kind)(v, ddof=correction, dtype=np.float64)
    assert np.asarray(got).dtype == ref.dtype and np.asarray(got).shape == ()
    tol = 2e-6 if ref.dtype == np.float32 else 1e-13
    np.testing.assert_allclose(float(got), float(exact), rtol=tol)
    assert executor


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_var_large_mean_small_spread(dtype, executor):
    rng = np.random.default_rng(13)
    a = (1e4 + 1e-2 * rng.standard_normal(N)).astype(dtype)
    ref = np.var(a * 1.0 + 0.5, dtype=np.float64)
    got = hx.var(hx.asarray(a) * 1.0 + 0.5)
    err, err_np = abs(float(got) - float(ref)), abs(float(np.var(a * 1.0 + 0.5)) - float(ref))
    assert err <= max(err_np, 1e-12 * float(ref)), (float(got), float(ref), err_np)


def test_var_nan_and_inf(executor):
    a = _data(np.float64, N, 11)
    a[1234] = np.nan
    assert np.isnan(float(hx.var(hx.asarray(a) * 2.0)))
    a[1234] = np.inf  # inf - inf: NumPy's invalid warning, and NaN
    with pytest.warns(RuntimeWarning, match="invalid"):
        got = hx.std(hx.asarray(a) * 2.0)
    assert np.isnan(float(got))


@pytest.mark.parametrize("shape", [(500, 777), (40, 9001), (6, 5, 9000)], ids=["short-rows", "long-rows", "3d"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["var", "std"])
@pytest.mark.parametrize("correction", [0, 1, 2.5])
def test_var_std_last_axis_bit_for_bit(kind, dtype, shape, correction, executor, quiet_numpy):
    """Over the last axis the kernel ("sqdev") is NumPy's ``_var`` per row: the same bits."""
    a, b = _data(dtype, shape, 14), _data(dtype, shape, 15)
    ref = getattr(np, kind)(_expr(np, a, b), axis=-1, ddof=correction, keepdims=True)
    got = getattr(hx, kind)(_expr(hx, hx.asarray(a), hx.asarray(b)), axis=-1, correction=correction,
                            keepdims=True)
    _same(got, ref)
    assert executor, "the compiled kernel did not run"


def test_var_last_axis_of_integers_is_numpy_by_chunks(executor, quiet_numpy):
    """NumPy accumulates integers in float64 (cast in buffers): the chunked executor's, not compiled."""
    a, b = _data(np.int16, (500, 777), 16), _data(np.int16, (500, 777), 17)
    _same(hx.var(_expr(hx, hx.asarray(a), hx.asarray(b)), axis=-1), np.var(_expr(np, a, b), axis=-1))
    assert not executor


def test_var_last_axis_nan_inf_and_overflow_as_numpy(executor):
    a = _data(np.float32, (300, 800), 18)
    a[3, 5], a[7, 1] = np.nan, np.inf  # a NaN row; inf - inf
    a[9, 0::2], a[9, 1::2] = 3e19, -3e19  # squared deviations beyond float32
    with warnings.catch_warnings(record=True) as seen_np:
        warnings.simplefilter("always")
        ref = np.var(a * 1.0, axis=-1)
    with warnings.catch_warnings(record=True) as seen_hx:
        warnings.simplefilter("always")
        got = hx.var(hx.asarray(a) * 1.0, axis=-1)
    _same(got, ref)
    assert sorted(str(w.message) for w in seen_hx) == sorted(str(w.message) for w in seen_np)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        hx.std(hx.asarray(a[8:]) * 1.0, axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # finite rows raise no flag: no warning
        _same(hx.var(hx.asarray(a[10:]) * 1.0, axis=-1), np.var(a[10:] * 1.0, axis=-1))


@pytest.mark.parametrize("kind", ["max", "min", "argmax", "argmin"])
def test_nan_compares_raise_no_flag(kind, quiet_numpy):
    """The kernels' ordered compares flag "invalid" on a NaN; NumPy's loops flag nothing, so the
    kernel reports only the expression's flags (else every NaN would re-run the reduction)."""
    from hologram_array.backends import numba_reduce
    from hologram_array.compiler.materialize import prepare

    a = _data(np.float32, (300, 1000), 25)
    a[7, 7] = np.nan
    x = hx.asarray(a)
    p = prepare([(x * 2.0 + x)._node])
    rk = numba_reduce.compile_reduction(p.circuit, kind)
    for axis in (None, -1, 0):
        got, flags = rk(p.binding.buffers, p.binding.values, axis)
        assert flags == 0, (axis, flags)
        _same(got, getattr(np, kind)(a * 2.0 + a, axis=axis))


def test_argmax_after_a_nan_still_reports_later_errors(executor):
    """NumPy computes the whole expression: a division by zero after the first NaN still raises."""
    a = np.ones(N, np.float32)
    b = np.ones(N, np.float32)
    a[5] = np.nan
    b[10_000] = 0
    x, y = hx.asarray(a), hx.asarray(b)
    with np.errstate(invalid="ignore", divide="raise"):
        with pytest.raises(FloatingPointError):
            np.argmax(a / b)
        with pytest.raises(FloatingPointError):
            hx.argmax(x / y)


def test_sum_of_negative_zeros_is_positive_zero(executor):
    """NumPy adds into an output holding the identity: a sum of -0.0 is +0.0, every axis mode."""
    a = np.full((400, 700), -0.0, np.float32)
    x = hx.asarray(a)
    for axis in (None, -1, 0):
        got, want = np.asarray(hx.sum(x * 1.0, axis=axis)), np.sum(a * 1.0, axis=axis)
        assert np.array_equal(np.signbit(got), np.signbit(want)) and not np.signbit(want).any(), axis


def test_float_sums_are_the_same_bits_every_call():
    """Once the kernel is ready, float sums and var never go back to the chunks (which round the
    last bits differently): repeated calls give the same value, NumPy's."""
    old = hx.config(compile="sync")
    try:
        a = (np.random.default_rng(26).standard_normal(1 << 20) * 10).astype(np.float32)
        x = hx.asarray(a)
        sums = {float(hx.sum(x * x + x)) for _ in range(80)}
        assert sums == {float(np.sum(a * a + a))}
        assert len({float(hx.var(x * 2.0)) for _ in range(40)}) == 1
    finally:
        hx.config(**old)


def test_integer_power_error(executor):
    x = hx.asarray(np.arange(N, dtype=np.int64) % 5)
    with pytest.raises(ValueError, match="negative integer powers"):
        hx.sum(x ** hx.asarray(np.full(N, -1, np.int64)))


def test_background_compile_then_compiled(monkeypatch):
    old = hx.config(compile="background")
    try:
        a = _data(np.float64, N, 8)
        x = hx.asarray(a)
        first = hx.sum(x * 3.0 - x)  # chunks now, the kernel queued
        assert jit.wait_for_kernels(120)
        ran = []
        real = jit.choose
        monkeypatch.setattr(jit, "choose", lambda k, s, slot=None, kernel_only=False, stream=False:
                            ran.append(slot) or real(k, s, slot, kernel_only, stream))
        second = hx.sum(x * 3.0 - x)
        assert ran and ran[-1] is not None and ran[-1].variants.get("reduce:sum:all") == "ready"
        np.testing.assert_allclose(float(first), float(np.sum(a * 3.0 - a)), rtol=1e-13)
        _same(second, np.sum(a * 3.0 - a))
        assert "fused reductions of it: sum:all: reduce:sum:all ready; measured numba" in hx.explain(x * 3.0 - x)
    finally:
        hx.config(**old)


def test_second_process_loads_the_kernels_from_disk(tmp_path):
    """Every entry point reloads from Numba's disk cache and runs (a recursive function did not:
    its reloaded machine code crashed, so the pairwise tree is walked on a stack)."""
    code = textwrap.dedent("""
        import numpy as np, hologram_array as hx
        hx.config(compile="sync")
        a = np.random.default_rng(0).standard_normal(300_000).astype(np.float32)
        x = hx.asarray(a)
        r = [hx.sum(x * 2.0 + x), hx.argmax(x * 2.0 + x), hx.max(x * 2.0 + x),
             hx.sum((x * 2.0 + x).reshape(300, 1000), axis=-1)]
        ref = [np.sum(a * 2.0 + a), np.argmax(a * 2.0 + a), np.max(a * 2.0 + a),
               np.sum((a * 2.0 + a).reshape(300, 1000), axis=-1)]
        assert all(np.array_equal(np.asarray(g), f) for g, f in zip(r, ref)), (r, ref)
        print("ok")
    """)
    env = dict(os.environ, HOLOGRAM_CACHE_DIR=str(tmp_path), PYTHONPATH=REPO)
    for run in range(2):
        p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0 and p.stdout.strip() == "ok", (run, p.returncode, p.stderr[-2000:])


@pytest.mark.parametrize("correction", [np.int8(3), np.uint8(2), np.int16(5), np.float16(1.5)],
                         ids=lambda c: type(c).__name__)
@pytest.mark.parametrize("axis", [-1, None, 0])
@pytest.mark.parametrize("kind", ["var", "std"])
def test_numpy_scalar_corrections_do_not_overflow(kind, axis, correction, executor, quiet_numpy):
    # regression: a Python int count met an np.int8 correction at int8 (NEP 50) and raised
    # OverflowError; NumPy counts in intp (_count_reduce_items)
    for dt in (np.float32, np.int32):
        a = _data(dt, (512, 1024), 11)
        for h, ref in ((hx.asarray(a) * 2, a * a.dtype.type(2)), (hx.asarray(a), a)):  # lazy (fused), buffer
            got = np.asarray(getattr(hx, kind)(h, axis=axis, correction=correction))
            want = getattr(np, kind)(ref, axis=axis, ddof=correction)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got, want, rtol=1e-6 if dt == np.float32 else 1e-12)


@pytest.mark.parametrize("shape", [(4000, 37), (40, 9001), (50, 41, 70)], ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["var", "std"])
def test_first_axis_var_std_bit_for_bit(kind, dtype, shape, executor, quiet_numpy, monkeypatch):
    """var/std over axis 0: two compiled passes (column sums -> NumPy's rounded mean, then the
    squared deviations from it, the mean a broadcast row) and NumPy's division: its bits."""
    passes = []
    real = fused._var_first_axis
    monkeypatch.setattr(fused, "_var_first_axis", lambda *a: (lambda r: (passes.append(r is not None), r)[1])(real(*a)))
    a, b = _data(dtype, shape, 31), _data(dtype, shape, 32)
    a[7, 3] = np.nan  # a NaN column stays NaN
    for correction in (0, 1, np.int8(2)):
        for keepdims in (False, True):
            ref = getattr(np, kind)(_expr(np, a, b), axis=0, ddof=correction, keepdims=keepdims)
            got = getattr(hx, kind)(_expr(hx, hx.asarray(a), hx.asarray(b)), axis=0, correction=correction,
                                    keepdims=keepdims)
            _same(got, ref)
    assert passes and all(passes), "the compiled two-pass var did not run"


def test_first_axis_var_falls_back_to_numpy(quiet_numpy):
    """Integers, compile="never", and M - correction <= 0: NumPy's results (materialized)."""
    i = _data(np.int32, (5000, 40), 33)
    f = _data(np.float32, (5000, 40), 34)
    _same(hx.var(hx.asarray(i) * 3, axis=0), np.var(i * 3, axis=0))
    old = hx.config(compile="never")
    try:
        _same(hx.std(hx.asarray(f) * 2.0, axis=0), np.std(f * 2.0, axis=0))
    finally:
        hx.config(**old)


@pytest.mark.parametrize("correction", [5000, 5000.5, 6000])
def test_first_axis_var_without_degrees_of_freedom_is_nan(correction, executor, quiet_numpy):
    # regression: the check counted every element, not axis 0's, so the compiled passes ran and
    # divided by zero (inf) once the kernels were ready
    f = _data(np.float32, (5000, 40), 34)
    for kind in ("var", "std"):
        got = np.asarray(getattr(hx, kind)(hx.asarray(f) * 2.0, axis=0, correction=correction))
        assert got.shape == (40,) and np.isnan(got).all()  # the standard: NaN where M - correction <= 0
