"""Class maps, exhaustively: every 8-bit input value, every op, bit for bit against NumPy.

With ``classmap="always"`` an eligible chain (1-2 inputs, all uint8/int8/bool)
is evaluated once over its whole input domain into a table, then looked up.
Here the data *is* the whole domain (256 values, 2 for bool, or the full
256 x 256 grid), so every table entry is compared with NumPy's eager result.

Results are compared as raw bytes (NaN payloads and signed zeros included).
A spy on ``TablePlan.run_block`` proves that the table path really ran (and
``hx.explain()`` must say ``class map: yes``), so nothing can pass by quietly
running the direct path.

Where NumPy raises on the domain (e.g. an integer power with a negative
exponent), the table cannot be built; hologram_array must fall back to the
direct path and raise NumPy's exception class -- or, where the actual data
avoids the bad values, give NumPy's result.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.backends import numpy_exec
from hologram_array.expr.ops import OPS

U8, I8, BOOL = np.dtype(np.uint8), np.dtype(np.int8), np.dtype(np.bool_)
EIGHT = [U8, I8, BOOL]
UNARY = sorted(n for n, s in OPS.items() if s.arity == 1 and n != "astype")
BINARY = sorted(n for n, s in OPS.items() if s.arity == 2)
PAIRS = [(U8, U8), (I8, I8), (U8, I8), (I8, U8), (BOOL, U8), (U8, BOOL), (BOOL, I8), (BOOL, BOOL)]


def domain(dt: np.dtype) -> np.ndarray:
    if dt == BOOL:
        return np.array([False, True])
    return np.arange(256, dtype=np.uint8).view(dt)


def grid(da: np.dtype, db: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Every (a, b) combination, as two flat contiguous arrays (65536 elements for 8x8 bits)."""
    a, b = domain(da), domain(db)
    return np.repeat(a, len(b)), np.tile(b, len(a))


def np_func(name: str):
    if name == "real":
        return lambda x: np.real(x).copy()
    if name == "imag":
        return lambda x: np.imag(x).copy()
    return OPS[name].numpy


def hx_func(name: str):
    return getattr(hx, name)


def raw(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).reshape(a.shape + (a.dtype.itemsize,))


def assert_bits(ref, got, what: str) -> None:
    ref = np.asarray(ref)
    g = np.asarray(got)
    assert g.dtype == ref.dtype, f"{what}: dtype {g.dtype} != NumPy's {ref.dtype}"
    assert g.shape == ref.shape, f"{what}: shape {g.shape} != NumPy's {ref.shape}"
    bad = np.any(raw(ref) != raw(g), axis=-1)
    if np.any(bad):
        idx = [tuple(int(i) for i in ix) for ix in np.argwhere(bad)[:4]]
        pairs = [(ix, ref[ix].item(), g[ix].item()) for ix in idx]
        raise AssertionError(f"{what}: {int(bad.sum())} element(s) differ in their bits; "
                             f"(index, numpy, hx): {pairs}")


@pytest.fixture(autouse=True)
def _always_and_quiet():
    old = hx.config(classmap="always")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            with np.errstate(all="ignore"):
                yield
    finally:
        hx.config(**old)


@pytest.fixture
def table_runs(monkeypatch):
    """Counts executions of the class-map lookup (the table path)."""
    calls = {"n": 0}
    orig = numpy_exec.TablePlan.run_block

    def spy(self, *args, **kwargs):
        calls["n"] += 1
        return orig(self, *args, **kwargs)

    monkeypatch.setattr(numpy_exec.TablePlan, "run_block", spy)
    return calls


def n_ops(report: str) -> int:
    line = next(ln for ln in report.splitlines() if ln.startswith("circuit after canonicalization:"))
    return int(line.split(":")[1].split("op(s)")[0])


def check(make_hx, make_np, what: str, table_runs, *, expect_table: bool = True) -> None:
    """Run both; compare; with ``expect_table`` the class map must have been used."""
    try:
        ref = make_np()
    except Exception as np_exc:
        # NumPy refuses (no loop / a value it cannot compute): so must hx, by class.
        with pytest.raises(type(np_exc)):
            r = make_hx()
            np.asarray(r)
        return
    r = make_hx()
    assert isinstance(r, hx.Array)
    assert r.is_lazy, f"{what}: expected a lazy result"
    report = hx.explain(r)
    eligible = n_ops(report) > 0
    if eligible and expect_table:
        assert "class map: yes" in report, f"{what}: class map not chosen:\n{report}"
    before = table_runs["n"]
    got = np.asarray(r)
    assert_bits(ref, got, what)
    if eligible and expect_table:
        assert table_runs["n"] > before, f"{what}: the table path did not run (silent fallback?)\n{report}"
    # the direct path gives the very same bits
    old = hx.config(classmap="never")
    try:
        assert_bits(got, np.asarray(make_hx()), what + " [classmap='never' vs 'always']")
    finally:
        hx.config(**old)


# --------------------------------------------------------------------------------------
# every unary op on every value


@pytest.mark.parametrize("dtype", EIGHT, ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_all_values(name, dtype, table_runs):
    x = domain(dtype)
    X = hx.asarray(x)
    check(lambda: hx_func(name)(X), lambda: np_func(name)(x), f"{name}({dtype})", table_runs)


# --------------------------------------------------------------------------------------
# every binary op on the full grid


@pytest.mark.parametrize("da, db", PAIRS, ids=[f"{a}x{b}" for a, b in PAIRS])
@pytest.mark.parametrize("name", BINARY)
def test_binary_full_grid(name, da, db, table_runs):
    a, b = grid(da, db)
    A, B = hx.asarray(a), hx.asarray(b)
    check(lambda: hx_func(name)(A, B), lambda: np_func(name)(a, b), f"{name}({da}, {db})", table_runs)


@pytest.mark.parametrize("da, db", PAIRS, ids=[f"{a}x{b}" for a, b in PAIRS])
@pytest.mark.parametrize("name", ["add", "multiply", "bitwise_xor", "floor_divide", "atan2", "less",
                                  "bitwise_left_shift", "hypot"])
def test_binary_grid_by_broadcasting(name, da, db, table_runs):
    """The grid as (n, 1) x (1, m): two inputs of different shapes, broadcast in the lookup."""
    a, b = domain(da)[:, None], domain(db)[None, :]
    A, B = hx.asarray(a), hx.asarray(b)
    check(lambda: hx_func(name)(A, B), lambda: np_func(name)(a, b), f"{name}({da}[:,None], {db}[None,:])",
          table_runs)


@pytest.mark.parametrize("dtype", EIGHT, ids=str)
def test_binary_with_itself(dtype, table_runs):
    """x op x is one input: a 256-entry table."""
    x = domain(dtype)
    X = hx.asarray(x)
    for name in BINARY:
        check(lambda: hx_func(name)(X, X), lambda: np_func(name)(x, x), f"{name}(x, x) {dtype}", table_runs)


# --------------------------------------------------------------------------------------
# where / astype / clip / Python scalars


@pytest.mark.parametrize("dtype", EIGHT, ids=str)
@pytest.mark.parametrize("target", [np.uint8, np.int8, np.bool_, np.int16, np.uint64, np.float16,
                                    np.float32, np.float64, np.complex128])
def test_astype_all_values(dtype, target, table_runs):
    x = domain(dtype)
    X = hx.asarray(x)
    # astype of a value that is then used (a lone same-dtype cast is no op at all)
    check(lambda: hx.astype(X, target) * 3, lambda: x.astype(target) * 3, f"astype({dtype}->{target})*3",
          table_runs)


SCALAR_CHAINS = {
    "affine_wrap": lambda xp, x: (x * 3 + 7) ^ 90,
    "shift_or": lambda xp, x: (x >> 1) | (x << 7),
    "where_sub": lambda xp, x: xp.where(x > 100, x - 100, 55 - x),
    "where_scalars": lambda xp, x: xp.where(x > 3, 1.5, -0.0),
    "float_mix": lambda xp, x: xp.sin(x * 0.5) * 2.0 + 1,
    "float32_param": lambda xp, x: x * np.float32(0.1) - np.float32(3),
    "int16_param": lambda xp, x: x * np.int16(300) + 1,
    "compare_out_of_range": lambda xp, x: xp.logical_or(x < 300, x == -1),
    "div_zero": lambda xp, x: (x // 0) + (x % 0),
    "inf_nan": lambda xp, x: 1 / (x - x + 0) * 0.0,
    "clip": lambda xp, x: xp.clip(x * 2, 10, 100) + 1,
    "nan_payload": lambda xp, x: xp.where(x > 5, xp.sqrt(x - 50.0), np.float64(np.nan)),
    "neg_zero": lambda xp, x: xp.copysign(x * 0.0, x - 10),
    "bool_scalars": lambda xp, x: xp.logical_xor(x > 7, True) & (x != 0),
    "float16_chain": lambda xp, x: xp.exp(xp.sin(x)) + xp.log1p(x),
}


@pytest.mark.parametrize("dtype", EIGHT, ids=str)
@pytest.mark.parametrize("chain", sorted(SCALAR_CHAINS))
def test_chains_with_python_scalars(chain, dtype, table_runs):
    f = SCALAR_CHAINS[chain]
    x = domain(dtype)
    X = hx.asarray(x)
    check(lambda: f(hx, X), lambda: f(np, x), f"{chain}({dtype})", table_runs)


@pytest.mark.parametrize("c", [0, 1, 2, 3, 5, 127, -1, 100, 255])
def test_same_chain_other_constants_other_tables(c, table_runs):
    """Tables are per parameter values: the structure is shared, the values are not."""
    x = domain(U8)
    X = hx.asarray(x)
    check(lambda: (X * c + 1) ^ 3, lambda: (x * c + 1) ^ 3, f"c={c}", table_runs)  # c=-1: OverflowError


# --------------------------------------------------------------------------------------
# long chains


def _step(k: int):
    """A deterministic family of 8-bit-preserving steps (some through float16 and back)."""
    steps = [
        lambda xp, v, y: v + 37,
        lambda xp, v, y: v * 5,
        lambda xp, v, y: v ^ 0x5A,
        lambda xp, v, y: (v >> 1) | (v << 7),
        lambda xp, v, y: ~v,
        lambda xp, v, y: v - y,
        lambda xp, v, y: xp.maximum(v, y),
        lambda xp, v, y: xp.where(v > y, v - y, y - v),
        lambda xp, v, y: v // 3,
        lambda xp, v, y: v % 7,
        lambda xp, v, y: xp.astype(xp.sqrt(v) * 16, v.dtype),
        lambda xp, v, y: v & y | 1,
        lambda xp, v, y: xp.astype(xp.sin(v) * 100, v.dtype),
    ]
    return steps[k % len(steps)]


def _chain(xp, x, y, n_ops: int):
    v = x
    for k in range(n_ops):
        v = _step(k * 7 + 3)(xp, v, y)
    return v


@pytest.mark.parametrize("n", [10, 30, 64])
@pytest.mark.parametrize("da, db", [(U8, U8), (I8, I8), (U8, I8), (BOOL, U8)], ids=["u8u8", "i8i8", "u8i8", "bu8"])
def test_long_chains_two_inputs(n, da, db, table_runs):
    old = hx.config(max_depth=1000, max_nodes=10**12)  # one circuit, however long (count is an upper bound)
    try:
        a, b = grid(da, db)
        A, B = hx.asarray(a), hx.asarray(b)
        check(lambda: _chain(hx, A, B, n), lambda: _chain(np, a, b, n), f"chain{n}({da},{db})", table_runs)
        report = hx.explain(_chain(hx, A, B, n))
        assert n_ops(report) >= n * 0.8, report
    finally:
        hx.config(**old)


@pytest.mark.parametrize("n", [10, 30, 64])
@pytest.mark.parametrize("dtype", [U8, I8], ids=str)
def test_long_chains_one_input_default_limits(n, dtype, table_runs):
    """With the default flush limits (the chain may be cut into several circuits)."""
    x = domain(dtype)
    X = hx.asarray(x)
    check(lambda: _chain(hx, X, dtype.type(3), n), lambda: _chain(np, x, dtype.type(3), n), f"chain{n}({dtype})",
          table_runs)


# --------------------------------------------------------------------------------------
# layouts, eligibility, the modes


@pytest.mark.parametrize("layout", ["2d", "transposed", "strided", "reversed", "fortran", "broadcast_view"])
def test_layouts(layout, table_runs):
    base = domain(U8)
    if layout == "2d":
        x = base.reshape(16, 16)
    elif layout == "transposed":
        x = base.reshape(16, 16).T
    elif layout == "strided":
        x = np.concatenate([base, base])[::2]
    elif layout == "reversed":
        x = base[::-1]
    elif layout == "fortran":
        x = np.asfortranarray(base.reshape(8, 32))
    else:
        x = np.broadcast_to(base.reshape(1, 256), (3, 256))
    y = np.ascontiguousarray(x)[::-1] if x.ndim == 1 else np.ascontiguousarray(x)[::-1, ::-1]
    X, Y = hx.asarray(x), hx.asarray(y)
    check(lambda: (X * 7 + 1) ^ (X >> 2), lambda: (x * 7 + 1) ^ (x >> 2), f"one input, {layout}", table_runs)
    check(lambda: hx.where(X > Y, X - Y, Y // 3), lambda: np.where(x > y, x - y, y // 3), f"two inputs, {layout}",
          table_runs)


def test_large_input_blocked_and_threaded(table_runs):
    """More elements than one block (and than one thread's share): chunked lookups."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, 300_001, dtype=np.uint8)
    b = rng.integers(-128, 128, 300_001, dtype=np.int8)
    A, B = hx.asarray(a), hx.asarray(b)
    check(lambda: (A * 3 + B) ^ (A >> 1), lambda: (a * 3 + b) ^ (a >> 1), "300k u8 x i8", table_runs)
    s = a[::3]
    S = hx.asarray(s)
    check(lambda: hx.sqrt(S) * 2 + 1, lambda: np.sqrt(s) * 2 + 1, "strided 100k u8 -> float16", table_runs)


def test_two_int16_inputs_not_eligible():
    a = np.arange(-300, 300, dtype=np.int16)
    x, y = hx.asarray(a), hx.asarray(a[::-1].copy())
    r = (x * 3 + y) ^ 5
    report = hx.explain(r)
    assert "class map: no" in report and "not eligible" in report, report
    np.testing.assert_array_equal(np.asarray(r), (a * 3 + a[::-1]) ^ 5)


def test_three_inputs_not_eligible():
    a, b, c = (hx.asarray(domain(U8)) for _ in range(3))
    r = a + b * c
    report = hx.explain(r)
    assert "class map: no" in report and "not eligible" in report, report


def test_never_mode_reports_disabled():
    old = hx.config(classmap="never")
    try:
        x = hx.asarray(domain(U8))
        report = hx.explain((x * 3 + 1) ^ 5)
        assert "class map: no" in report and "disabled" in report, report
    finally:
        hx.config(**old)


def test_auto_mode_uses_table_for_long_chain_on_big_data(table_runs):
    old = hx.config(classmap="auto")
    try:
        x = np.tile(domain(U8), 64)
        X = hx.asarray(x)
        chain = lambda v: ((((v * 3 + 1) ^ 5) >> 1) + 7) * 5 - 2   # >= classmap_min_ops ops
        r = chain(X)
        report = hx.explain(r)
        assert "class map: yes" in report, report
        short = ((X * 3) ^ 5)
        assert "class map: no" in hx.explain(short)   # below classmap_min_ops: direct
        before = table_runs["n"]
        assert_bits(chain(x), np.asarray(r), "auto")
        assert table_runs["n"] > before
    finally:
        hx.config(**old)


def test_errors_set_to_raise_run_directly_and_raise():
    """With floating-point errors set to raise, no table: NumPy's FloatingPointError surfaces."""
    x = domain(U8)
    X = hx.asarray(x)
    with np.errstate(divide="raise"):
        r = hx.log(X) + 1
        report = hx.explain(r)
        assert "class map: no" in report, report
        with pytest.raises(FloatingPointError):
            np.log(x) + 1
        with pytest.raises(FloatingPointError):
            np.asarray(r)


def test_table_build_failure_falls_back_when_data_avoids_bad_values(table_runs):
    """int8 ** int8 raises on negative exponents; data without them must still compute."""
    a = domain(I8)
    b = np.tile(np.arange(0, 8, dtype=np.int8), 32)
    A, B = hx.asarray(a), hx.asarray(b)
    ref = a ** b
    got = A ** B
    assert_bits(ref, np.asarray(got), "int8 ** non-negative int8")
    # and with negative exponents present, NumPy's error class
    c = domain(I8)
    with pytest.raises(ValueError):
        a ** c
    with pytest.raises(ValueError):
        np.asarray(A ** hx.asarray(c))


def test_two_outputs_share_one_table_build(table_runs):
    x = domain(U8)
    X = hx.asarray(x)
    r1 = (X * 3) ^ 1
    r2 = hx.sqrt(X * 3)
    hx.materialize(r1, r2)
    assert_bits((x * 3) ^ 1, np.asarray(r1), "output 1")
    assert_bits(np.sqrt(x * 3), np.asarray(r2), "output 2")


def test_noncanonical_bool_bytes(table_runs):
    """bool arrays whose bytes are not 0/1 (``uint8_array.view(bool)``): NumPy reads any nonzero
    byte as True; a table indexed by the raw byte must not read past (or beside) its entries."""
    raw_bytes = np.array([0, 1, 2, 255, 0, 7] * 50, np.uint8)
    b = raw_bytes.view(np.bool_)
    y = np.arange(300, dtype=np.uint8)
    Bx, Y = hx.asarray(b), hx.asarray(y)
    check(lambda: hx.logical_not(Bx), lambda: np.logical_not(b), "logical_not(bool view)", table_runs)
    check(lambda: Y + Bx, lambda: y + b, "uint8 + bool view", table_runs)
    check(lambda: Bx + Y, lambda: b + y, "bool view + uint8", table_runs)


@pytest.mark.parametrize("mode", ["never", "always"])
def test_runtime_warnings_like_numpy(mode, table_runs):
    """Under NumPy's default errstate ('warn'), log(0) warns; it must warn with a class map too
    (the table is built with errors ignored, and later lookups never compute)."""
    x = domain(U8)
    old = hx.config(classmap=mode)
    try:
        with np.errstate(all="warn"), warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            np.log(x) + 1
            ref = [str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)]
            seen.clear()
            np.asarray(hx.log(hx.asarray(x)) + 1)
            got = [str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)]
        assert ref, "NumPy itself should warn here"
        assert set(got) == set(ref), f"classmap={mode}: NumPy warned {ref}, hx warned {got}"
    finally:
        hx.config(**old)
