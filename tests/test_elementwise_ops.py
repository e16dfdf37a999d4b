"""Differential tests of every element-wise op against NumPy, value by value.

The op list is read from the op table (``hologram_array.expr.ops.OPS``): every
row with a ufunc is tested, so a new row is tested as soon as it is added.

For each case NumPy computes eagerly and hologram_array records lazily (the
conftest switches the eager small-array shortcut off, and we assert the result
*is* lazy), then materializes. Then:

* if NumPy raises, hx must raise the same exception class. NumPy raises at call
  time, so hx must raise when the op is *recorded*; the only exception allowed
  to surface at *materialization* is a data-dependent ``ValueError`` (an integer
  power whose exponent *array* holds a negative value: the values are not looked
  at while recording).
* else: same dtype, same shape, equal values (``assert_array_equal``: NaN == NaN;
  complex results compared part by part) and, for floats, the same sign bit
  wherever the value is not NaN (catches -0.0 vs 0.0).

8-bit inputs may run through a class map (lookup table): those cases run with
``classmap="never"`` and ``classmap="always"``.
"""
from __future__ import annotations

import math
import operator

import numpy as np
import pytest

import hologram_array as hx
from hologram_array.expr.ops import OPS

DTYPES = [np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                np.uint32, np.uint64, np.float16, np.float32, np.float64, np.complex64,
                                np.complex128)]
EIGHT_BIT = {np.dtype(np.bool_), np.dtype(np.int8), np.dtype(np.uint8)}

UFUNC_OPS = sorted(n for n, s in OPS.items() if s.ufunc is not None)
UNARY = [n for n in UFUNC_OPS if OPS[n].arity == 1]
BINARY = [n for n in UFUNC_OPS if OPS[n].arity == 2]

MIXED_PAIRS = [(np.dtype(a), np.dtype(b)) for a, b in [
    (np.bool_, np.int8), (np.uint8, np.bool_), (np.int8, np.uint8), (np.uint8, np.int8),
    (np.uint8, np.int16), (np.int16, np.uint16), (np.uint32, np.int32), (np.int64, np.uint64),
    (np.uint64, np.int8), (np.int8, np.float16), (np.uint16, np.float16), (np.int16, np.float32),
    (np.int32, np.float32), (np.int64, np.float64), (np.uint64, np.float32), (np.float16, np.float32),
    (np.float32, np.float64), (np.float64, np.float16), (np.float32, np.complex64),
    (np.float64, np.complex64), (np.complex64, np.complex128), (np.int8, np.complex64),
    (np.bool_, np.float32), (np.bool_, np.complex128), (np.uint8, np.uint64),
]]

PY_SCALARS = {
    "bool": [True, False],
    "int": [0, 1, -1, 2, 3, 7, 8, 63, 64, 127, 128, 255, 256, -128, -129, 300,
            65536, 2**31, 2**32, 2**63 - 1, 2**63, -2**63, 2**64, -2**64, 2**100],
    "float": [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.5, 0.1, 5e-324, 65504.0,
              1e38, 1e300, float("nan"), -float("nan"), float("inf"), float("-inf")],
    "complex": [0j, complex(-0.0, -0.0), 1 + 0j, -1j, 1 + 2j, complex(0.5, -1.5), complex(float("nan"), 1.0),
                complex(float("inf"), -1.0), complex(1.0, float("inf")), complex(1e300, 1e300)],
}

BINARY_OPERATORS = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul, "divide": operator.truediv,
    "floor_divide": operator.floordiv, "remainder": operator.mod, "pow": operator.pow,
    "bitwise_and": operator.and_, "bitwise_or": operator.or_, "bitwise_xor": operator.xor,
    "bitwise_left_shift": operator.lshift, "bitwise_right_shift": operator.rshift,
    "equal": operator.eq, "not_equal": operator.ne, "less": operator.lt, "less_equal": operator.le,
    "greater": operator.gt, "greater_equal": operator.ge,
}
UNARY_OPERATORS = {"negative": operator.neg, "positive": operator.pos, "bitwise_invert": operator.invert,
                   "abs": abs}


# ---------------------------------------------------------------------------------------------
# inputs


def edge_values(dt: np.dtype) -> np.ndarray:
    """Edge values of ``dt`` plus some seeded random ones (1-D)."""
    dt = np.dtype(dt)
    rng = np.random.default_rng(DTYPES.index(dt) + 1)
    if dt.kind == "b":
        return np.array([False, True, True, False] + list(rng.integers(0, 2, 6).astype(bool)))
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, 2, 3, 5, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127,
                int(info.max), int(info.max) - 1, int(info.max) // 2, int(info.max) // 2 + 1]
        if dt.kind == "i":
            vals += [-1, -2, -3, -7, -8, -64, int(info.min), int(info.min) + 1, int(info.min) // 2]
        vals = [v for v in vals if info.min <= v <= info.max]
        rnd = rng.integers(int(info.min), int(info.max), size=8, endpoint=True, dtype=dt)
        return np.concatenate([np.array(vals, dtype=dt), rnd])
    if dt.kind == "f":
        fi = np.finfo(dt)
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0, 10.0, math.pi,
                float(np.nextafter(dt.type(0.5), dt.type(0))), float(np.nextafter(dt.type(0.5), dt.type(1))),
                float("nan"), float("inf"), float("-inf"), float(fi.tiny), -float(fi.tiny),
                float(fi.smallest_subnormal), -float(fi.smallest_subnormal), float(fi.max), -float(fi.max),
                float(fi.eps), 1.0 / float(fi.eps) + 1.0, 1000.0, -700.0, 90.0]
        with np.errstate(all="ignore"):
            base = np.array(vals, dtype=np.float64).astype(dt)
            rnd = np.concatenate([rng.standard_normal(6) * 10, rng.uniform(-1, 1, 4)]).astype(dt)
        out = np.concatenate([base, rnd])
        neg_nan = np.copysign(np.array(np.nan, dtype=dt), dt.type(-1))  # NaN with the sign bit set
        return np.concatenate([out, neg_nan[None]])
    if dt.kind == "c":
        part = dt.type(0).real.dtype
        f = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, np.nan, np.inf, -np.inf,
                      float(np.finfo(part).tiny), float(np.finfo(part).max)], dtype=part)
        re, im = np.repeat(f, len(f)), np.tile(f, len(f))
        grid = (re + np.zeros((), dt)).astype(dt)
        grid.imag = im
        rnd = (rng.standard_normal(6) + 1j * rng.standard_normal(6)).astype(dt)
        return np.concatenate([grid, rnd])
    raise AssertionError(dt)


def small_values(dt: np.dtype) -> np.ndarray:
    """A short edge set, for grids whose size is the product of two sets."""
    v = edge_values(dt)
    if dt.kind == "c":
        return v[::9]
    return v


def grid(da: np.dtype, db: np.dtype, nonneg_b: bool = False) -> tuple[np.ndarray, np.ndarray]:
    a = small_values(da)
    b = small_values(db)
    if nonneg_b:
        b = b[b >= 0]
    return np.repeat(a, len(b)), np.tile(b, len(a))


def modes(*dts) -> tuple[str, ...]:
    return ("never", "always") if any(np.dtype(d) in EIGHT_BIT for d in dts) else ("auto",)


# ---------------------------------------------------------------------------------------------
# running and comparing


#: NumPy and hx warn alike here; the comparisons, not the warnings, are under test.
pytestmark = pytest.mark.usefixtures("quiet_numpy")


@pytest.fixture
def classmap(request):
    old = hx.config(classmap=request.param)
    try:
        yield request.param
    finally:
        hx.config(**old)


def run_np(f, *args):
    try:
        return f(*args), None
    except Exception as e:  # noqa: BLE001 - we compare exception classes
        return None, e


def run_hx(f, *args, expect_lazy=True):
    """(result ndarray, exception, phase) -- phase is 'record' or 'materialize'."""
    try:
        r = f(*args)
    except Exception as e:  # noqa: BLE001
        return None, e, "record"
    if not isinstance(r, hx.Array):
        return None, AssertionError(f"hx returned {type(r).__name__}, not an hx.Array"), "record"
    if expect_lazy and r.size > 0 and not r.is_lazy:
        return None, AssertionError("hx result is not lazy (eager path taken; lazy path not tested)"), "record"
    try:
        return np.asarray(r), None, "materialize"
    except Exception as e:  # noqa: BLE001
        return None, e, "materialize"


def _pr(v) -> str:
    """repr that tells -nan from nan (Python prints both as nan)."""
    if type(v) is float and v != v:
        return "-nan" if math.copysign(1.0, v) < 0 else "nan"
    return repr(v)


def _fmt(v):
    if type(v) is float:
        return _pr(v)
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return f"np.array({_pr(v.item())}, {v.dtype})"
        return f"<{v.dtype}{list(v.shape)}>"
    if isinstance(v, np.generic):
        return f"np.{type(v).__name__}({_pr(v.item())})"
    return repr(v)


def _first_bad(got, exp, bad, args):
    idx = [tuple(int(i) for i in ix) for ix in np.argwhere(bad)[:3]]
    out = []
    for ix in idx:
        ins = []
        for a in args:
            if isinstance(a, np.ndarray) and a.ndim > 0:
                ab = np.broadcast_to(a, exp.shape)
                ins.append(_pr(ab[ix].item()))
            else:
                ins.append(_fmt(a))
        out.append(f"inputs=({', '.join(ins)}) numpy={exp[ix].item()!r} hx={got[ix].item()!r}")
    return f"{int(np.sum(bad))} element(s) differ, e.g. " + "; ".join(out)


#: NumPy's own sign for a (-0.0, +0.0) tie in these ops depends on the element's position
#: and the loop it takes (np.fmax(bool_array, -0.0) gives -0.0 and +0.0 in one call), so
#: the sign of a zero result is not compared for them.
ZERO_TIE_OPS = ("maximum", "minimum", "fmax", "fmin", "clip")


def compare_values(got: np.ndarray, exp: np.ndarray, args=(), zero_ties_ok=False) -> str | None:
    """None if equal (dtype, shape, values, float sign bits); else a description."""
    if got.dtype != exp.dtype:
        return f"dtype: numpy {exp.dtype}, hx {got.dtype}"
    if got.shape != exp.shape:
        return f"shape: numpy {exp.shape}, hx {got.shape}"
    parts = [(exp.real, got.real), (exp.imag, got.imag)] if exp.dtype.kind == "c" else [(exp, got)]
    for e, g in parts:
        try:
            np.testing.assert_array_equal(g, e, strict=True)
        except AssertionError:
            bad = ~((g == e) | (np.isnan(g) & np.isnan(e))) if e.dtype.kind in "fc" else g != e
            return "values: " + _first_bad(got, exp, bad, args)
        if e.dtype.kind == "f":
            bad = (np.signbit(g) != np.signbit(e)) & ~np.isnan(e)
            if zero_ties_ok:
                bad &= e != 0
            if np.any(bad):
                return "sign of zero: " + _first_bad(got, exp, bad, args)
    return None


def check(np_f, hx_f, np_args, hx_args, what: str, *, late_ok: bool = False, expect_lazy=True) -> str | None:
    """Run both; return None if hx matches NumPy, else a one-line description of the difference."""
    ref, np_exc = run_np(np_f, *np_args)
    got, hx_exc, phase = run_hx(hx_f, *hx_args, expect_lazy=expect_lazy)
    if np_exc is not None:
        if hx_exc is None:
            return f"{what}: NumPy raises {type(np_exc).__name__}({np_exc}), hx returns a result"
        if type(hx_exc) is not type(np_exc):
            return (f"{what}: NumPy raises {type(np_exc).__name__}, hx raises "
                    f"{type(hx_exc).__name__}({hx_exc}) at {phase}")
        if phase != "record" and not (late_ok and isinstance(np_exc, ValueError)):
            return f"{what}: hx raises {type(hx_exc).__name__} at materialization, NumPy at call time"
        return None
    if hx_exc is not None:
        return f"{what}: NumPy returns a result, hx raises {type(hx_exc).__name__}({hx_exc}) at {phase}"
    ties = any(f"{op}(" in what for op in ZERO_TIE_OPS)
    return (lambda d: None if d is None else f"{what}: {d}")(
        compare_values(got, np.asarray(ref), np_args, zero_ties_ok=ties))


def assert_all(problems):
    problems = [p for p in problems if p]
    assert not problems, f"{len(problems)} mismatch(es):\n" + "\n".join(problems[:25])


def hxa(x):
    return hx.asarray(x)


# ---------------------------------------------------------------------------------------------
# the table itself


def test_every_ufunc_row_is_exposed():
    missing = [n for n in UFUNC_OPS if not callable(getattr(hx, n, None))]
    assert not missing, f"op-table rows not exposed as hx.<name>: {missing}"


def _cases_unary():
    for name in UNARY:
        for dt in DTYPES:
            for m in modes(dt):
                yield pytest.param(name, dt, m, id=f"{name}-{dt}-{m}")


def _cases_same():
    for name in BINARY:
        for dt in DTYPES:
            for m in modes(dt):
                yield pytest.param(name, dt, m, id=f"{name}-{dt}-{m}")


def _cases_mixed():
    for name in BINARY:
        for da, db in MIXED_PAIRS:
            for m in modes(da, db):
                yield pytest.param(name, da, db, m, id=f"{name}-{da}-{db}-{m}")


# ---------------------------------------------------------------------------------------------
# unary ops


@pytest.mark.parametrize("name, dtype, classmap", list(_cases_unary()), indirect=["classmap"])
def test_unary(name, dtype, classmap):
    x = edge_values(dtype)
    problems = [check(OPS[name].numpy, getattr(hx, name), (x,), (hxa(x),), f"hx.{name}({dtype} array)")]
    # a 2-D, non-contiguous view of the same values
    x2 = np.stack([x, x[::-1]], axis=1)
    problems.append(check(OPS[name].numpy, getattr(hx, name), (x2,), (hxa(x2),), f"hx.{name}({dtype} 2-D view)"))
    # 0-d array
    for v in x[:6]:
        z = np.array(v, dtype=dtype)
        problems.append(check(OPS[name].numpy, getattr(hx, name), (z,), (hxa(z),),
                              f"hx.{name}({_fmt(z)})"))
    assert_all(problems)


@pytest.mark.parametrize("name", list(UNARY_OPERATORS))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_unary_operator(name, dtype):
    x = edge_values(dtype)
    f = UNARY_OPERATORS[name]
    assert_all([check(f, f, (x,), (hxa(x),), f"{name} operator on {dtype} array")])


# ---------------------------------------------------------------------------------------------
# binary ops: array-array


@pytest.mark.parametrize("name, dtype, classmap", list(_cases_same()), indirect=["classmap"])
def test_binary_same_dtype(name, dtype, classmap):
    f_np, f_hx = OPS[name].numpy, getattr(hx, name)
    problems = []
    variants = [False] + ([True] if dtype.kind == "i" else [])
    for nonneg in variants:
        a, b = grid(dtype, dtype, nonneg_b=nonneg)
        problems.append(check(f_np, f_hx, (a, b), (hxa(a), hxa(b)),
                              f"hx.{name}({dtype}, {dtype}){' [b >= 0]' if nonneg else ''}",
                              late_ok=True))
    # the same array on both sides
    x = edge_values(dtype)
    X = hxa(x)
    problems.append(check(f_np, f_hx, (x, x), (X, X), f"hx.{name}(x, x) {dtype}", late_ok=True))
    assert_all(problems)


@pytest.mark.parametrize("name, da, db, classmap", list(_cases_mixed()), indirect=["classmap"])
def test_binary_mixed_dtypes(name, da, db, classmap):
    f_np, f_hx = OPS[name].numpy, getattr(hx, name)
    problems = []
    variants = [False] + ([True] if db.kind == "i" else [])
    for nonneg in variants:
        a, b = grid(da, db, nonneg_b=nonneg)
        problems.append(check(f_np, f_hx, (a, b), (hxa(a), hxa(b)),
                              f"hx.{name}({da}, {db}){' [b >= 0]' if nonneg else ''}", late_ok=True))
    assert_all(problems)


# ---------------------------------------------------------------------------------------------
# binary ops: Python scalars (weak), either side


def _cases_scalar():
    for name in BINARY:
        for dt in DTYPES:
            for m in modes(dt):
                for kind in ("bool+int", "float+complex"):
                    yield pytest.param(name, dt, kind, m, id=f"{name}-{dt}-{kind}-{m}")


@pytest.mark.parametrize("name, dtype, kind, classmap", list(_cases_scalar()), indirect=["classmap"])
def test_binary_python_scalar(name, dtype, kind, classmap):
    f_np, f_hx = OPS[name].numpy, getattr(hx, name)
    x = edge_values(dtype)
    if dtype.kind == "c":
        x = x[::7]
    X = hxa(x)
    problems = []
    for s in [s for k in kind.split("+") for s in PY_SCALARS[k]]:
        problems.append(check(f_np, f_hx, (x, s), (X, s), f"hx.{name}({dtype} array, {_pr(s)})"))
        problems.append(check(f_np, f_hx, (s, x), (s, X), f"hx.{name}({_pr(s)}, {dtype} array)", late_ok=True))
    assert_all(problems)


@pytest.mark.parametrize("name", list(BINARY_OPERATORS))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_binary_operator(name, dtype):
    """The Python operator forms (incl. reflected ones) against the same operators on ndarrays."""
    f = BINARY_OPERATORS[name]
    x = edge_values(dtype)
    if dtype.kind == "c":
        x = x[::7]
    y = np.roll(x, 3)
    if dtype.kind == "i" and name == "pow":
        y = np.where(y < 0, 0, y).astype(dtype)
    X, Y = hxa(x), hxa(y)
    problems = [check(f, f, (x, y), (X, Y), f"({dtype} array) {name} ({dtype} array)", late_ok=True)]
    for kind in ("bool", "int", "float", "complex"):
        for s in PY_SCALARS[kind][:8] + PY_SCALARS[kind][-3:]:
            problems.append(check(f, f, (x, s), (X, s), f"({dtype} array) {name} {_pr(s)}"))
            problems.append(check(f, f, (s, x), (s, X), f"{_pr(s)} {name} ({dtype} array)", late_ok=True))
    # ndarray / NumPy scalar on the left: NumPy hands over to hx (__array_ufunc__)
    problems.append(check(f, f, (x, y), (x, Y), f"(ndarray) {name} (hx {dtype} array)", late_ok=True))
    for v in x[[1, 2, -1]]:
        problems.append(check(f, f, (v, y), (v, Y), f"{_fmt(v)} {name} (hx {dtype} array)", late_ok=True))
    assert_all(problems)


# ---------------------------------------------------------------------------------------------
# binary ops: 0-d arrays and NumPy scalars (strong)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_binary_zero_d(name, dtype):
    f_np, f_hx = OPS[name].numpy, getattr(hx, name)
    x = edge_values(dtype)
    if dtype.kind == "c":
        x = x[::7]
    X = hxa(x)
    other_dts = [dtype, np.dtype(np.int16), np.dtype(np.float32), np.dtype(np.uint64)]
    if dtype.kind not in "iu":
        other_dts.remove(np.dtype(np.int16))
    if dtype in other_dts[1:]:
        other_dts = other_dts[1:]
    problems = []
    for odt in other_dts:
        for v in small_values(odt)[[1, 5, -1] if odt == dtype else [1, 5]]:
            z = np.array(v, dtype=odt)
            Z = hxa(z)
            problems.append(check(f_np, f_hx, (x, z), (X, Z), f"hx.{name}({dtype} array, {_fmt(z)})", late_ok=True))
            problems.append(check(f_np, f_hx, (z, x), (Z, X), f"hx.{name}({_fmt(z)}, {dtype} array)", late_ok=True))
            s = odt.type(v)  # a NumPy scalar is strong too
            problems.append(check(f_np, f_hx, (x, s), (X, s), f"hx.{name}({dtype} array, {_fmt(s)})", late_ok=True))
            # 0-d with 0-d: a 0-d result
            z2 = np.array(x[1], dtype=dtype)
            problems.append(check(f_np, f_hx, (z2, z), (hxa(z2), Z), f"hx.{name}({_fmt(z2)}, {_fmt(z)})",
                                  late_ok=True))
            # 0-d array with a Python scalar
            problems.append(check(f_np, f_hx, (z, 3), (Z, 3), f"hx.{name}({_fmt(z)}, 3)", late_ok=True))
    assert_all(problems)


# ---------------------------------------------------------------------------------------------
# commutative ops whose two operand orders meet in one circuit


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", [DTYPES[i] for i in (0, 1, 8, 9, 10, 11, 12)], ids=str)
def test_both_operand_orders_in_one_circuit(name, dtype):
    """``f(a, b)`` and ``f(b, a)`` materialized together: each must still be NumPy's.

    CSE merges the two orders of ops the table marks ``COMMUTATIVE``; this checks
    that claim is exact for every op (e.g. NumPy's ``maximum(-0.0, 0.0)`` is 0.0 but
    ``maximum(0.0, -0.0)`` is -0.0, so maximum must not be marked commutative).
    """
    a, b = grid(dtype, dtype)
    if dtype.kind == "i":  # both orders must compute (integer powers: no negative exponents)
        keep = (a >= 0) & (b >= 0)
        a, b = a[keep], b[keep]
    f_np, f_hx = OPS[name].numpy, getattr(hx, name)
    ref1, e1 = run_np(f_np, a, b)
    ref2, _ = run_np(f_np, b, a)
    A, B = hxa(a), hxa(b)
    if e1 is not None:
        with pytest.raises(type(e1)):
            f_hx(A, B)
        return
    r1, r2 = f_hx(A, B), f_hx(B, A)
    # combined in one expression as well (one circuit, two results)
    hx.materialize(r1, r2)
    assert_all([
        (lambda d: d and f"hx.{name}(a, b) {dtype}: {d}")(compare_values(np.asarray(r1), ref1, (a, b))),
        (lambda d: d and f"hx.{name}(b, a) {dtype}: {d}")(compare_values(np.asarray(r2), ref2, (b, a))),
    ])


# ---------------------------------------------------------------------------------------------
# Python scalars that compare equal but are not the same value must stay apart


DISTINCT_SCALARS = [(float("nan"), -float("nan")), (0.0, -0.0), (1, 1.0), (1, True), (0, 0.0), (0, False),
                    (complex(0.0, 0.0), complex(0.0, -0.0)), (1.0, 1 + 0j)]


@pytest.mark.parametrize("dtype", [np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.int8),
                                   np.dtype(np.uint8), np.dtype(np.int32)], ids=str)
@pytest.mark.parametrize("name", ["copysign", "add", "multiply", "divide", "atan2", "nextafter"])
def test_distinct_scalars_in_one_circuit(name, dtype):
    """``f(x, s1)`` and ``f(x, s2)`` with ``s1 == s2`` but distinct values (NaN signs, -0.0, int vs float),
    in one expression, and one after the other (with the class map's table cache for 8-bit inputs)."""
    f_np, f_hx = OPS[name].numpy, getattr(hx, name)
    x = edge_values(dtype)
    X = hxa(x)
    problems = []
    for s1, s2 in DISTINCT_SCALARS:
        for m in modes(dtype) + (("auto",) if dtype in EIGHT_BIT else ()):
            old = hx.config(classmap=m)
            try:
                problems.append(check(lambda v: np.stack([f_np(v, s1), f_np(v, s2)]),
                                      lambda v: hx.stack([f_hx(v, s1), f_hx(v, s2)]), (x,), (X,),
                                      f"[{name}(x, {_pr(s1)}), {name}(x, {_pr(s2)})] {dtype} classmap={m}",
                                      expect_lazy=False))
                problems.append(check(lambda v: f_np(v, s1) - f_np(v, s2), lambda v: f_hx(v, s1) - f_hx(v, s2),
                                      (x,), (X,), f"{name}(x, {_pr(s1)}) - {name}(x, {_pr(s2)}) {dtype} classmap={m}"))
                for s in (s1, s2):  # one after the other: cached circuits/tables must not mix them up
                    problems.append(check(f_np, f_hx, (x, s), (X, s), f"{name}({dtype} array, {_pr(s)}) classmap={m}"))
            finally:
                hx.config(**old)
    assert_all(problems)


# ---------------------------------------------------------------------------------------------
# the ops with their own dtype rule: astype, where, clip, real, imag, round


def _cases_astype():
    for src in DTYPES:
        for m in modes(src):
            yield pytest.param(src, m, id=f"{src}-{m}")


@pytest.mark.parametrize("src, classmap", list(_cases_astype()), indirect=["classmap"])
def test_astype(src, classmap):
    x = edge_values(src)
    X = hxa(x)
    problems = []
    for dst in DTYPES:
        problems.append(check(lambda v: v.astype(dst), lambda v: hx.astype(v, dst), (x,), (X,),
                              f"hx.astype({src} -> {dst})", expect_lazy=dst != src))
        # used in an op (so the cast is part of a fused circuit)
        problems.append(check(lambda v: v.astype(dst) == v.astype(dst)[::-1],
                              lambda v: hx.astype(v, dst) == hx.astype(v, dst)[::-1], (x,), (X,),
                              f"hx.astype({src} -> {dst}) in a chain", expect_lazy=False))
    assert_all(problems)


@pytest.mark.parametrize("mid", DTYPES, ids=str)
@pytest.mark.parametrize("src", DTYPES, ids=str)
def test_astype_twice(src, mid):
    """``astype(astype(x, mid), dst)``: the two casts are NumPy's two casts, whatever gets fused."""
    x = edge_values(src)
    if src.kind in "iu":  # large magnitudes: where double rounding would show
        info = np.iinfo(src)
        extra = [info.max, info.max - 1, info.min, info.min + 1]
        if src.itemsize == 8:
            extra += [2**60 + 2**36 + 1, 2**40, 2**53 + 1, (1 << 62) + (1 << 38) + 1]
        x = np.concatenate([x, np.array([v for v in extra if info.min <= v <= info.max], dtype=src)])
    X = hxa(x)
    problems = []
    for dst in DTYPES:
        problems.append(check(lambda v: v.astype(mid).astype(dst), lambda v: hx.astype(hx.astype(v, mid), dst),
                              (x,), (X,), f"astype(astype({src} array, {mid}), {dst})", expect_lazy=False))
    assert_all(problems)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_where(dtype):
    x = edge_values(dtype)
    y = x[::-1].copy()
    c = np.arange(len(x)) % 3 == 0
    X, Y, C = hxa(x), hxa(y), hxa(c)
    problems = [check(np.where, hx.where, (c, x, y), (C, X, Y), f"hx.where(c, {dtype}, {dtype})")]
    for s in (0, 1, -1, 300, 1.5, -0.0, float("nan"), 1j, True):
        problems.append(check(np.where, hx.where, (c, x, s), (C, X, s), f"hx.where(c, {dtype} array, {_pr(s)})"))
        problems.append(check(np.where, hx.where, (c, s, x), (C, s, X), f"hx.where(c, {_pr(s)}, {dtype} array)"))
    for odt in (np.dtype(np.int8), np.dtype(np.uint16), np.dtype(np.float32), np.dtype(np.complex64)):
        z = edge_values(odt)[: len(x)]
        z = np.resize(z, len(x))
        problems.append(check(np.where, hx.where, (c, x, z), (C, X, hxa(z)), f"hx.where(c, {dtype}, {odt})"))
    # non-bool condition
    problems.append(check(np.where, hx.where, (x, c, ~c), (X, C, hxa(~c)), f"hx.where({dtype} as condition, ...)"))
    assert_all(problems)


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d.kind in "iuf"], ids=str)
def test_clip(dtype):
    x = edge_values(dtype)
    X = hxa(x)
    problems = []
    bounds = [(0, None), (None, 5), (1, 3), (-1, 100), (3, 1), (-1000, 1000)]
    if dtype.kind == "f":
        bounds += [(-0.0, 0.0), (0.0, -0.0), (-1.5, 2.5), (float("nan"), None), (float("-inf"), float("inf"))]
    for lo, hi in bounds:
        problems.append(check(lambda v: np.clip(v, lo, hi), lambda v: hx.clip(v, min=lo, max=hi), (x,), (X,),
                              f"hx.clip({dtype} array, min={lo!r}, max={hi!r})", expect_lazy=False))
    assert_all(problems)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_real_imag_round(dtype):
    x = edge_values(dtype)
    X = hxa(x)
    problems = [
        check(lambda v: np.real(v).copy(), hx.real, (x,), (X,), f"hx.real({dtype})", expect_lazy=False),
        check(lambda v: np.imag(v).copy(), hx.imag, (x,), (X,), f"hx.imag({dtype})", expect_lazy=False),
    ]
    if dtype.kind != "b":
        problems.append(check(np.round, hx.round, (x,), (X,), f"hx.round({dtype})", expect_lazy=False))
    assert_all(problems)
