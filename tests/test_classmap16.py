"""16-bit class maps: one-input float16 / int16 / uint16 / bfloat16 chains as 65,536-entry tables.

Exhaustive: every input bit pattern, the table's answer against eager NumPy, bit for bit.
"""
import warnings

import numpy as np
import pytest

import hologram_array as hx
from hologram_array._dtypes import BFLOAT16
from hologram_array.expr.ops import OPS

DTYPES = [np.dtype(np.float16), np.dtype(np.int16), np.dtype(np.uint16)]
UNARY = sorted(n for n, s in OPS.items() if s.arity == 1 and s.ufunc is not None)
BINARY = sorted(n for n, s in OPS.items() if s.arity == 2 and s.ufunc is not None)


@pytest.fixture(autouse=True)
def _tables_always():
    old = hx.config(classmap="always")
    yield
    hx.config(**old)


def every_pattern(dtype):
    return np.arange(65536, dtype=np.uint32).astype(np.uint16).view(dtype)


def same_bits(got, ref, what):
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype, f"{what}: dtype {got.dtype} != {ref.dtype}"
    g = got.view(f"u{got.dtype.itemsize}") if got.dtype.kind in "fV" else got
    r = ref.view(f"u{ref.dtype.itemsize}") if ref.dtype.kind in "fV" else ref
    bad = np.flatnonzero(g != r)
    assert bad.size == 0, f"{what}: {bad.size} patterns differ, first at input index {bad[0]}"


def _uses_table(expr):
    if not expr.is_lazy:  # an exact identity (conj of a real array): nothing to compute
        return True
    report = hx.explain(expr)
    if "circuit after canonicalization: 0 op(s)" in report:
        return True  # positive(x): canonicalized to x itself
    return "class map: yes -- 65536 table" in report


def _numpy_accepts(name, dt, *extra):
    try:
        OPS[name].ufunc.resolve_dtypes((dt,) + extra + (None,))
        return True
    except Exception:
        return False


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_every_unary_op_over_every_pattern(name, dtype, quiet_numpy):
    if not _numpy_accepts(name, dtype):
        pytest.skip(f"NumPy has no {name} loop for {dtype}")
    x = every_pattern(dtype)
    expr = getattr(hx, name)(hx.asarray(x))
    assert _uses_table(expr)
    same_bits(expr, OPS[name].ufunc(x), f"{name}[{dtype}]")


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", BINARY)
def test_every_binary_op_with_a_scalar(name, dtype, quiet_numpy):
    scalar = 3 if dtype.kind in "iu" else 1.5
    if not _numpy_accepts(name, dtype, type(scalar)):
        pytest.skip(f"NumPy has no {name} loop for {dtype} and a Python {type(scalar).__name__}")
    x = every_pattern(dtype)
    fn = getattr(hx, name, None) or (lambda a, b: hx._array.apply(name, a, b))
    expr = fn(hx.asarray(x), scalar)
    assert _uses_table(expr)
    same_bits(expr, OPS[name].ufunc(x, scalar), f"{name}[{dtype}, {scalar}]")


def _gelu(m, x):
    return 0.5 * x * (1.0 + m.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


CHAINS = {
    "issue chain": lambda m, x: m.tanh(x * 1.5 + 0.25) * x - 0.5,
    "gelu": _gelu,
    "mixed": lambda m, x: m.where(x > 1, m.sqrt(m.abs(x)), m.exp(-x * x)) * 3 - x,
}


@pytest.mark.parametrize("chain", CHAINS, ids=str)
def test_float16_chains_over_every_pattern(chain, quiet_numpy):
    x = every_pattern(np.float16)
    expr = CHAINS[chain](hx, hx.asarray(x))
    assert _uses_table(expr)
    same_bits(expr, CHAINS[chain](np, x), chain)


def test_integer_chains_wrap_like_numpy():
    for dt in (np.int16, np.uint16):
        x = every_pattern(np.dtype(dt))
        f = lambda m, v: ((v * 7 + 3) ^ 0x5A5A) // 5 - v  # noqa: E731
        with np.errstate(all="ignore"):
            same_bits(f(hx, hx.asarray(x)), f(np, x), f"int chain {dt}")


def test_table_is_used_by_the_cost_model_for_large_float16():
    hx.config(classmap="auto")
    x = hx.asarray(np.linspace(-3, 3, 200_000).astype(np.float16))
    assert _uses_table(hx.tanh(x) * 2)  # float16: NumPy works in software, one op pays
    small = hx.asarray(np.linspace(-3, 3, 1000).astype(np.float16))
    assert not _uses_table(hx.tanh(small) * 2)  # smaller than the table


def test_int16_short_chain_stays_direct_in_auto_mode():
    hx.config(classmap="auto")
    x = hx.asarray(np.arange(200_000, dtype=np.int64).astype(np.int16))
    assert not _uses_table(x + 1)


def test_two_float16_inputs_compute_directly_with_per_op_rounding(quiet_numpy):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(100_000) * 50).astype(np.float16)
    b = (rng.standard_normal(100_000) * 50).astype(np.float16)
    f = lambda m, x, y: m.tanh(x * y + 0.25) * x - y * y  # noqa: E731
    expr = f(hx, hx.asarray(a), hx.asarray(b))
    assert "not eligible" in hx.explain(expr)
    same_bits(expr, f(np, a, b), "two float16 inputs")


def test_warnings_only_for_values_present():
    big = np.array([60000.0] * 70_000, dtype=np.float16)
    calm = np.linspace(-2, 2, 70_000).astype(np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.asarray(hx.asarray(calm) * 2.0 + 1.0)  # no overflow in the data: no warning
    with pytest.warns(RuntimeWarning, match="overflow"):
        np.asarray(hx.asarray(big) * 2.0 + 1.0)
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError):
            np.asarray(hx.asarray(big) * 2.0 + 1.0)


@pytest.mark.skipif(BFLOAT16 is None, reason="ml_dtypes (the bf16 extra) is not installed")
@pytest.mark.parametrize("chain", CHAINS, ids=str)
def test_bfloat16_chains_against_ml_dtypes(chain, quiet_numpy):
    x = every_pattern(BFLOAT16)
    expr = CHAINS[chain](hx, hx.asarray(x))
    assert _uses_table(expr)
    same_bits(expr, CHAINS[chain](np, x), f"bfloat16 {chain}")


def test_tables_persist_on_disk_and_bad_files_are_rebuilt(tmp_path, monkeypatch, quiet_numpy):
    import os

    from hologram_array.compiler import diskcache

    monkeypatch.setenv("HOLOGRAM_CACHE_DIR", str(tmp_path))
    x = every_pattern(np.float16)
    f = lambda m, v: m.exp(v * 0.75) - v  # noqa: E731
    ref = f(np, x)
    hx.clear_cache()
    same_bits(f(hx, hx.asarray(x)), ref, "built")
    files = [os.path.join(r, n) for r, _, ns in os.walk(tmp_path) for n in ns if n.endswith(".npz")]
    assert len(files) == 1
    saved = []
    monkeypatch.setattr(diskcache, "save", lambda *a: saved.append(a))
    hx.clear_cache()
    same_bits(f(hx, hx.asarray(x)), ref, "loaded from disk")
    assert not saved  # loaded, not rebuilt
    for damage in (b"", b"PK\x03\x04 not a zip", open(files[0], "rb").read()[:100]):
        with open(files[0], "wb") as fh:
            fh.write(damage)
        hx.clear_cache()
        same_bits(f(hx, hx.asarray(x)), ref, f"after damage {damage[:8]!r}")
    assert len(saved) == 3  # each damaged file was rebuilt (and would be rewritten)
