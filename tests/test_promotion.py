"""Type promotion against NumPy 2 (NEP 50): every dtype pair, and Python scalars on either side.

For one representative op per category (add, multiply, divide, equal,
bitwise_and, maximum, pow, where) and ``hx.result_type``, hx's result dtype
must be NumPy's -- or both must raise the same exception class (hx when the op
is recorded, as NumPy raises at call time). Values are compared too (they are
cheap here), so a right dtype with a wrong cast is caught as well.

Python scalars are weak: ``uint8 array + 1`` stays uint8; a Python int that
does not fit an integer array's dtype raises ``OverflowError`` (``uint8 + 300``,
``uint8 + (-1)``), except in comparisons, where NumPy 2 compares the true values.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest

import hologram_array as hx

DTYPES = [np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                np.uint32, np.uint64, np.float16, np.float32, np.float64, np.complex64,
                                np.complex128)]

OPS = {
    "add": (np.add, hx.add),
    "multiply": (np.multiply, hx.multiply),
    "divide": (np.divide, hx.divide),
    "equal": (np.equal, hx.equal),
    "bitwise_and": (np.bitwise_and, hx.bitwise_and),
    "maximum": (np.maximum, hx.maximum),
    "pow": (np.power, hx.pow),
}

PY_SCALARS = [True, False, 0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 300, -300, 32768, 65536,
              2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64 - 1, 2**64, 2**100, 2**1100,
              0.0, -0.0, 0.5, 1.5, -2.5, 1e10, 70000.0, 1e300, float("nan"), float("inf"), float("-inf"),
              0j, 1j, complex(1.5, -0.0), complex(float("nan"), 0.0), complex(1e300, 0.0)]


#: NumPy and hx warn alike here; the comparisons, not the warnings, are under test.
pytestmark = pytest.mark.usefixtures("quiet_numpy")


def sample(dt: np.dtype) -> np.ndarray:
    """A few ordinary values (no negative ones: integer powers must not raise)."""
    return np.array([0, 1, 2, 3, 5, 7, 100, 1], dtype=np.int64).astype(dt) if dt.kind != "b" else \
        np.array([False, True, True, False, True, False, True, True])


def _values_differ(got: np.ndarray, ref: np.ndarray) -> str | None:
    if got.dtype != ref.dtype:
        return f"dtype: numpy {ref.dtype}, hx {got.dtype}"
    if got.shape != ref.shape:
        return f"shape: numpy {ref.shape}, hx {got.shape}"
    try:
        np.testing.assert_array_equal(got, ref, strict=True)
    except AssertionError as e:
        return "values: " + str(e).strip().splitlines()[-2:][0]
    if ref.dtype.kind == "f":
        bad = (np.signbit(got) != np.signbit(ref)) & ~np.isnan(ref)
        if bad.any():
            return f"sign of zero differs at {np.argwhere(bad)[:3].ravel().tolist()}"
    return None


def diff(np_call, hx_call, what: str) -> str | None:
    """None when hx agrees with NumPy (result dtype and values, or exception class at record time)."""
    try:
        ref = np.asarray(np_call())
        np_exc = None
    except Exception as e:  # noqa: BLE001
        ref, np_exc = None, e
    try:
        r = hx_call()
    except Exception as e:  # noqa: BLE001
        if np_exc is None:
            return f"{what}: NumPy gives {ref.dtype}, hx raises {type(e).__name__}({e}) when recording"
        if type(e) is not type(np_exc):
            return f"{what}: NumPy raises {type(np_exc).__name__}, hx raises {type(e).__name__}({e})"
        return None
    if np_exc is not None:
        try:
            np.asarray(r)
        except Exception as e:  # noqa: BLE001
            if type(e) is type(np_exc):
                return f"{what}: hx raises {type(e).__name__} at materialization, NumPy at call time"
            return f"{what}: NumPy raises {type(np_exc).__name__}, hx raises {type(e).__name__} at materialization"
        return f"{what}: NumPy raises {type(np_exc).__name__}({np_exc}), hx gives {r.dtype}"
    if not isinstance(r, hx.Array):
        return f"{what}: hx returned {type(r).__name__}"
    if r.dtype != ref.dtype:
        return f"{what}: recorded dtype {r.dtype}, NumPy's {ref.dtype}"
    d = _values_differ(np.asarray(r), ref)
    return None if d is None else f"{what}: {d}"


def _r(v) -> str:
    """repr, with huge Python ints shortened (2**1100 is 332 digits)."""
    if type(v) is int and abs(v) > 2**70:
        return f"{'-' if v < 0 else ''}2**{abs(v).bit_length() - 1}" + ("" if abs(v) & (abs(v) - 1) == 0 else "+...")
    return repr(v)


def assert_none(problems):
    problems = [p for p in problems if p]
    assert not problems, f"{len(problems)} mismatch(es):\n" + "\n".join(problems[:30])


# ---------------------------------------------------------------------------------------------
# every pair of dtypes


@pytest.mark.parametrize("d2", DTYPES, ids=str)
@pytest.mark.parametrize("d1", DTYPES, ids=str)
@pytest.mark.parametrize("name", list(OPS))
def test_pair(name, d1, d2):
    f_np, f_hx = OPS[name]
    a, b = sample(d1), sample(d2)[::-1].copy()
    A, B = hx.asarray(a), hx.asarray(b)
    problems = [
        diff(lambda: f_np(a, b), lambda: f_hx(A, B), f"{name}({d1} array, {d2} array)"),
        # 0-d arrays are strong too
        diff(lambda: f_np(a, b[1:2].reshape(())), lambda: f_hx(A, hx.asarray(b[1:2].reshape(()))),
             f"{name}({d1} array, {d2} 0-d array)"),
        diff(lambda: f_np(d1.type(a[1]), b), lambda: f_hx(d1.type(a[1]), B),
             f"{name}(np.{d1} scalar, {d2} array)"),
    ]
    assert_none(problems)


@pytest.mark.parametrize("d2", DTYPES, ids=str)
@pytest.mark.parametrize("d1", DTYPES, ids=str)
def test_pair_where(d1, d2):
    a, b = sample(d1), sample(d2)[::-1].copy()
    c = np.array([True, False] * 4)
    A, B, C = hx.asarray(a), hx.asarray(b), hx.asarray(c)
    assert_none([
        diff(lambda: np.where(c, a, b), lambda: hx.where(C, A, B), f"where(c, {d1}, {d2})"),
        diff(lambda: np.where(c, b, a), lambda: hx.where(C, B, A), f"where(c, {d2}, {d1})"),
        diff(lambda: np.where(c, a, np.array(b[0])), lambda: hx.where(C, A, hx.asarray(np.array(b[0]))),
             f"where(c, {d1}, {d2} 0-d)"),
    ])


@pytest.mark.parametrize("d2", DTYPES, ids=str)
@pytest.mark.parametrize("d1", DTYPES, ids=str)
def test_pair_result_type(d1, d2):
    assert hx.result_type(d1, d2) == np.result_type(d1, d2)
    A = hx.asarray(sample(d1))
    B = hx.asarray(sample(d2))
    assert hx.result_type(A, B) == np.result_type(d1, d2)
    assert hx.result_type(A, d2) == np.result_type(d1, d2)
    # lazy arrays: their dtype, without computing anything
    L = A + A if d1 != np.bool_ else A & A
    assert L.is_lazy
    assert hx.result_type(L, B) == np.result_type((sample(d1) + sample(d1)).dtype if d1 != np.bool_ else d1, d2)


def test_result_type_three_and_more():
    for ds in [(np.int8, np.uint8, np.float16), (np.bool_, np.int16, np.uint32), (np.float16, np.int64, np.complex64),
               (np.uint64, np.int64, np.float32)]:
        assert hx.result_type(*ds) == np.result_type(*ds), ds


# ---------------------------------------------------------------------------------------------
# Python scalars (weak), on either side


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", list(OPS))
def test_python_scalar(name, dtype):
    f_np, f_hx = OPS[name]
    a = sample(dtype)
    A = hx.asarray(a)
    problems = []
    for s in PY_SCALARS:
        problems.append(diff(lambda: f_np(a, s), lambda: f_hx(A, s), f"{name}({dtype} array, {_r(s)})"))
        problems.append(diff(lambda: f_np(s, a), lambda: f_hx(s, A), f"{name}({_r(s)}, {dtype} array)"))
    assert_none(problems)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_python_scalar_where(dtype):
    a = sample(dtype)
    c = np.array([True, False] * 4)
    A, C = hx.asarray(a), hx.asarray(c)
    problems = []
    for s in PY_SCALARS:
        problems.append(diff(lambda: np.where(c, a, s), lambda: hx.where(C, A, s), f"where(c, {dtype} array, {_r(s)})"))
        problems.append(diff(lambda: np.where(c, s, a), lambda: hx.where(C, s, A), f"where(c, {_r(s)}, {dtype} array)"))
    for s1, s2 in [(1, 2.5), (True, 3), (1, 1j), (300, -1)]:
        problems.append(diff(lambda: np.where(c, s1, s2), lambda: hx.where(C, s1, s2), f"where(c, {_r(s1)}, {_r(s2)})"))
    assert_none(problems)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_python_scalar_result_type(dtype):
    problems = []
    for s in PY_SCALARS:
        try:
            ref = np.result_type(dtype, s)
        except Exception as e:  # noqa: BLE001
            ref = type(e)
        try:
            got = hx.result_type(dtype, s)
            got_a = hx.result_type(hx.asarray(sample(dtype)), s)
        except Exception as e:  # noqa: BLE001
            got = got_a = type(e)
        if got != ref or got_a != ref:
            problems.append(f"result_type({dtype}, {_r(s)}): numpy {ref}, hx {got} / {got_a}")
    assert_none(problems)


OVERFLOW_CASES = [
    (np.uint8, "add", 300), (np.uint8, "add", -1), (np.uint8, "subtract", 256), (np.int8, "multiply", 128),
    (np.int8, "add", -129), (np.int16, "add", 2**15), (np.uint16, "maximum", -1), (np.int32, "bitwise_and", 2**31),
    (np.uint32, "add", 2**32), (np.int64, "add", 2**63), (np.uint64, "add", -1), (np.uint64, "add", 2**64),
    (np.uint8, "minimum", 300), (np.uint8, "pow", 256), (np.uint8, "floor_divide", -1), (np.uint8, "remainder", 300),
    (np.int8, "bitwise_left_shift", 200), (np.bool_, "add", 2**63), (np.bool_, "logical_and", 2**64),
    # a float array's loop takes any int a float64 holds (beyond: the int-to-float conversion's error)
    (np.float32, "subtract", 2**1024), (np.float16, "add", -2**1024), (np.float64, "maximum", 2**2000),
]


@pytest.mark.parametrize("dtype, name, value", OVERFLOW_CASES,
                         ids=[f"{np.dtype(d)}-{n}-{_r(v)}" for d, n, v in OVERFLOW_CASES])
def test_python_int_out_of_range_raises_overflow(dtype, name, value):
    """NumPy 2 raises OverflowError (when called); hx must raise it when recording, either side."""
    a = sample(np.dtype(dtype))
    A = hx.asarray(a)
    f_np = getattr(np, {"pow": "power", "bitwise_left_shift": "left_shift"}.get(name, name))
    f_hx = getattr(hx, name)
    with pytest.raises(OverflowError):
        f_np(a, value)
    with pytest.raises(OverflowError):
        f_hx(A, value)
    with pytest.raises(OverflowError):
        f_hx(value, A)


BINOP = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul, "floor_divide": operator.floordiv,
         "remainder": operator.mod, "pow": operator.pow, "bitwise_and": operator.and_,
         "bitwise_left_shift": operator.lshift}


@pytest.mark.parametrize("dtype, name, value", [c for c in OVERFLOW_CASES if c[1] in BINOP],
                         ids=[f"{np.dtype(d)}-{n}-{_r(v)}" for d, n, v in OVERFLOW_CASES if n in BINOP])
def test_python_int_out_of_range_operators(dtype, name, value):
    a = sample(np.dtype(dtype))
    A = hx.asarray(a)
    f = BINOP[name]
    with pytest.raises(OverflowError):
        f(a, value)
    with pytest.raises(OverflowError):
        f(A, value)
    with pytest.raises(OverflowError):
        f(value, A)


@pytest.mark.parametrize("dtype, name, value", [c for c in OVERFLOW_CASES if c[1] in BINOP],
                         ids=[f"{np.dtype(d)}-{n}-{_r(v)}" for d, n, v in OVERFLOW_CASES if n in BINOP])
def test_python_int_range_check_on_lazy_operands(dtype, name, value):
    """A lazy operand meeting a Python scalar records through a cached rule (the generated
    operator's fast path): the range check must survive the cache, either side, and an in-range
    int and a float must still give NumPy's values and dtypes."""
    a = sample(np.dtype(dtype))
    f = BINOP[name]

    def lazy():  # a fresh lazy operand each time (materializing one makes it concrete)
        x = hx.asarray(a) + 0 if a.dtype.kind != "b" else hx.asarray(a) & True
        assert x._node is not None
        return x

    for _ in range(2):  # the first call fills the rule, the second uses it
        with np.errstate(all="ignore"):
            got, want = f(lazy(), 1), f(a + 0 if a.dtype.kind != "b" else a & True, 1)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(np.asarray(got), want)
            try:
                want = f(a, 1.5)
            except TypeError:  # bitwise ops: no float loop, either library
                with pytest.raises(TypeError):
                    f(lazy(), 1.5)
            else:
                got = f(lazy(), 1.5)
                assert got.dtype == want.dtype
                np.testing.assert_array_equal(np.asarray(got), want)
        with pytest.raises(OverflowError):
            f(lazy(), value)
        with pytest.raises(OverflowError):
            f(value, lazy())


COMPARISONS = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
OUT_OF_RANGE = [-1, -129, 128, 255, 256, 300, -2**15 - 1, 2**16, 2**31, 2**32, 2**63 - 1, 2**63, -2**63 - 1,
                2**64 - 1, 2**64, 2**100, -2**100]


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d.kind in "iubf"], ids=str)
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparison_with_out_of_range_python_int(name, dtype):
    """NumPy 2 compares an integer array with any Python int by value (no OverflowError)."""
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        a = np.array([info.min, info.min + 1, 0, 1, info.max - 1, info.max], dtype=dtype)
    else:
        a = sample(dtype)
    A = hx.asarray(a)
    f_np, f_hx = getattr(np, name), getattr(hx, name)
    problems = []
    for v in OUT_OF_RANGE + [int(a.min()) - 1 if dtype.kind in "iu" else -1,
                             int(a.max()) + 1 if dtype.kind in "iu" else 2]:
        problems.append(diff(lambda: f_np(a, v), lambda: f_hx(A, v), f"{name}({dtype} array, {_r(v)})"))
        problems.append(diff(lambda: f_np(v, a), lambda: f_hx(v, A), f"{name}({_r(v)}, {dtype} array)"))
    assert_none(problems)


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d.kind in "iu"], ids=str)
def test_comparison_operators_with_out_of_range_python_int(dtype):
    info = np.iinfo(dtype)
    a = np.array([info.min, 0, info.max], dtype=dtype)
    A = hx.asarray(a)
    problems = []
    for op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
        for v in (int(info.min) - 1, int(info.max) + 1, 2**64, -2**64, 2**100):
            problems.append(diff(lambda: op(a, v), lambda: op(A, v), f"{dtype} array {op.__name__} {_r(v)}"))
            problems.append(diff(lambda: op(v, a), lambda: op(v, A), f"{_r(v)} {op.__name__} {dtype} array"))
    assert_none(problems)


def test_weak_scalars_keep_the_array_dtype():
    """The NEP 50 examples: the array's dtype wins over a Python scalar of the same kind."""
    cases = [
        (np.uint8, lambda x: x + 1, np.uint8), (np.int8, lambda x: x * 2, np.int8),
        (np.float32, lambda x: x * 0.1, np.float32), (np.float16, lambda x: x + 1e3, np.float16),
        (np.uint8, lambda x: x + 1.5, np.float64), (np.int16, lambda x: x / 2, np.float64),
        (np.float32, lambda x: x + 1j, np.complex64), (np.bool_, lambda x: x + 1, np.intp),  # default int: int32 on wasm32
        (np.bool_, lambda x: x * 1.5, np.float64), (np.uint64, lambda x: x + 1, np.uint64),
        (np.int32, lambda x: x // 2, np.int32), (np.uint8, lambda x: x ** 2, np.uint8),
        (np.float16, lambda x: x ** 2, np.float16), (np.uint8, lambda x: x < 300, np.bool_),
    ]
    problems = []
    for dt, f, expected in cases:
        a = sample(np.dtype(dt))
        ref = f(a)
        got = f(hx.asarray(a))
        if not (ref.dtype == got.dtype == np.dtype(expected)):
            problems.append(f"{np.dtype(dt)}: numpy {ref.dtype}, hx {got.dtype}, expected {np.dtype(expected)}")
        d = _values_differ(np.asarray(got), ref)
        if d:
            problems.append(f"{np.dtype(dt)}: {d}")
    assert_none(problems)
