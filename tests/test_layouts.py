"""Fused chains on every memory layout and shape, and in-place operators, against NumPy.

The same few expressions are evaluated by NumPy (eagerly) and by hologram_array
(lazily, fused into one circuit) on: non-contiguous inputs (step slices,
negative steps, transposes done in NumPy before ``asarray``, Fortran order),
broadcasting shapes, 0-d arrays, empty arrays, and arrays large enough (> 300000
elements) to take the blocked, multi-threaded path. Results must have NumPy's
dtype and shape and be bit-identical (NaN == NaN; signed zeros compared).

In-place operators must follow NumPy: the result is written into the same
buffer (visible through every view of it, NumPy's included), broadcasting
only of the right operand, NumPy's ``same_kind`` casting rule (``int_array +=
1.5`` raises NumPy's exception class), and lazy readers of the buffer keep
the old values (value semantics).
"""
from __future__ import annotations

import operator

import numpy as np
import pytest

import hologram_array as hx

LARGE = 320_000  # > 300000 elements: blocked and split between threads


#: NumPy and hx warn alike here; the comparisons, not the warnings, are under test.
pytestmark = pytest.mark.usefixtures("quiet_numpy")


@pytest.fixture(params=["never", "always"])
def classmap(request):
    old = hx.config(classmap=request.param)
    try:
        yield request.param
    finally:
        hx.config(**old)


def assert_same(got, ref, what=""):
    got = np.asarray(got)
    ref = np.asarray(ref)
    assert got.dtype == ref.dtype, f"{what}: dtype {got.dtype} != NumPy's {ref.dtype}"
    assert got.shape == ref.shape, f"{what}: shape {got.shape} != NumPy's {ref.shape}"
    parts = [(got.real, ref.real), (got.imag, ref.imag)] if ref.dtype.kind == "c" else [(got, ref)]
    for g, r in parts:
        np.testing.assert_array_equal(g, r, err_msg=what, strict=True)
        if r.dtype.kind == "f":
            bad = (np.signbit(g) != np.signbit(r)) & ~np.isnan(r)
            assert not bad.any(), f"{what}: sign of zero differs at {np.argwhere(bad)[:3].tolist()}"


# ---------------------------------------------------------------------------------------------
# the chains (written once, run with xp = numpy and xp = hologram_array)

FLOAT_CHAINS = {
    "affine_sqrt": lambda xp, a, b: (a * 2 + b) / 3 - xp.sqrt(abs(a)),
    "where_max": lambda xp, a, b: xp.where(a > b, a - b, b * 0.5) + xp.maximum(a, 1.0),
    "transcendental": lambda xp, a, b: xp.exp(-a * a) * xp.cos(b) + xp.hypot(a, b) - xp.log1p(abs(b)),
    "signed_zero": lambda xp, a, b: xp.copysign(a * 0.0, b) + (-a) * 0.0,
}
COMPLEX_CHAINS = {
    "affine_sqrt": FLOAT_CHAINS["affine_sqrt"],
    "where_max": FLOAT_CHAINS["where_max"],
    "exp_log_conj": lambda xp, a, b: xp.exp(a * 1j) * b + xp.conj(a) - xp.log(b) * xp.real(a),
}
INT_CHAINS = {
    "affine_wrap": lambda xp, a, b: ((a ^ b) + 3) * 7 - (a >> 1),
    "mixed_float": lambda xp, a, b: (a + b) / 3 + (a // 5) % 7,
    "compare_select": lambda xp, a, b: xp.where(a < b, a & 15, b | 1) + (a == b),
}


def values(dtype, shape, seed=0):
    """Random values of ``dtype`` and ``shape`` with some edge values mixed in."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "f":
        v = rng.standard_normal(n) * 4
        edges = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 0.5, -2.5, 1e-310])
    elif dt.kind == "c":
        v = rng.standard_normal(n) * 4 + 1j * rng.standard_normal(n)
        edges = np.array([0, complex(-0.0, 0.0), complex(np.nan, 1), complex(np.inf, 0)])
    elif dt.kind == "b":
        v = rng.integers(0, 2, size=n).astype(bool)
        edges = np.array([False, True])
    else:
        info = np.iinfo(dt)
        v = rng.integers(int(info.min), int(info.max), size=n, endpoint=True, dtype=dt)
        edges = np.array([0, 1, info.max, info.min], dtype=dt)
    v = v.astype(dt)
    k = min(n, len(edges))
    v[:k] = edges[:k].astype(dt)
    return v.reshape(shape)


def chains_for(dtype):
    kind = np.dtype(dtype).kind
    return FLOAT_CHAINS if kind == "f" else COMPLEX_CHAINS if kind == "c" else INT_CHAINS


def run_chain(chain, a, b, what):
    ref = chain(np, a, b)
    A, B = hx.asarray(a), hx.asarray(b)
    r = chain(hx, A, B)
    assert isinstance(r, hx.Array), what
    if r.size > 0:
        assert r.is_lazy, f"{what}: expected a lazy result"
    assert_same(r, ref, what)
    # ndarray operands on one side (NumPy hands the ufunc to hx)
    assert_same(chain(hx, a if a.ndim else A, B), ref, what + " [ndarray on the left]")


# ---------------------------------------------------------------------------------------------
# layouts


def _layouts(dtype, large=False):
    """name -> (a, b): two inputs of one broadcast-compatible shape, in various layouts."""
    n = LARGE if large else 600
    m = 800 if large else 30
    base1 = values(dtype, (2 * n,), 1)
    base2 = values(dtype, (2 * n,), 2)
    base2d_1 = values(dtype, (m, 2 * (n // m) + 1), 3)
    base2d_2 = values(dtype, (m, 2 * (n // m) + 1), 4)
    w = n // m
    big2d_1 = values(dtype, (2 * m, 2 * w + 2), 5)
    big2d_2 = values(dtype, (2 * m, 3 * w + 3), 6)
    return {
        "contiguous": (base1[:n], base2[:n]),
        "step2": (base1[::2], base2[1::2]),
        "negative_step": (base1[::-2], base2[:n]),
        "step_and_contiguous": (base1[::2], base2[:n].copy()),
        "transposed": (base2d_1[:, :w].T, base2d_2[:, :w].T.copy()),
        "both_transposed": (base2d_1[:, :w].T, base2d_2[:, :w].T),
        "fortran": (np.asfortranarray(base2d_1[:, :w]), np.asfortranarray(base2d_2[:, :w])),
        "fortran_and_c": (np.asfortranarray(base2d_1[:, :w]), np.ascontiguousarray(base2d_2[:, :w])),
        "2d_step_slices": (big2d_1[::2, 1::2], big2d_2[1::2, ::3]),
        "same_buffer_two_views": (base1[:n], base1[n:]),
        "same_view_twice": (base1[::2], base1[::2]),
    }


LAYOUT_NAMES = list(_layouts(np.float64))
DTYPES = [np.float64, np.float32, np.float16, np.complex128, np.int32, np.int64, np.uint16]


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_layouts_small(dtype, layout):
    a, b = _layouts(dtype)[layout]
    for name, chain in chains_for(dtype).items():
        run_chain(chain, a, b, f"{name} {np.dtype(dtype)} {layout} {a.shape}")


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.float32], ids=lambda d: np.dtype(d).name)
def test_layouts_large(dtype, layout):
    a, b = _layouts(dtype, large=True)[layout]
    assert a.size > 300_000
    chain = next(iter(chains_for(dtype).values()))
    run_chain(chain, a, b, f"{np.dtype(dtype)} {layout} {a.shape}")


@pytest.mark.parametrize("layout", ["contiguous", "step2", "transposed", "fortran", "negative_step"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_layouts_eight_bit(dtype, layout, large, classmap):
    """8-bit chains (class-map eligible) on every layout, with and without the table."""
    a, b = _layouts(dtype, large=large)[layout]
    if np.dtype(dtype) == np.bool_:
        chains = {"logic": lambda xp, a, b: xp.logical_xor(a & b, ~a) | (a == b)}
    else:
        chains = {"wrap": lambda xp, a, b: ((a ^ b) + 3) * 7 - (a >> 1),
                  "shift_or_cmp": lambda xp, a, b: xp.where(a < b, (a << 1) | 1, b // 3)}
    for name, chain in chains.items():
        run_chain(chain, a, b, f"{name} {np.dtype(dtype)} {layout} {a.shape} classmap={classmap}")


# ---------------------------------------------------------------------------------------------
# broadcasting, 0-d and empty shapes

SHAPES = [
    ((3, 1), (1, 4)), ((5,), (4, 5)), ((4, 5), (5,)), ((1,), (7,)), ((7,), (1,)), ((2, 1, 3), (4, 1)),
    ((), (3, 4)), ((3, 4), ()), ((), ()), ((0,), (0,)), ((3, 0), (3, 0)), ((3, 0), (1, 0)), ((0,), (1,)),
    ((1,), (0,)), ((0, 3), (3,)), ((), (0,)), ((1, 1), (1,)),
    ((1000, 1), (1, 400)),  # a large broadcast result (400000 elements)
    ((400_000,), ()), ((2, 1), (1, 160_001)),
]


@pytest.mark.parametrize("sa, sb", SHAPES, ids=[f"{a}x{b}" for a, b in SHAPES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16, np.complex64], ids=lambda d: np.dtype(d).name)
def test_broadcasting_shapes(dtype, sa, sb):
    a, b = values(dtype, sa, 5), values(dtype, sb, 6)
    for name, chain in chains_for(dtype).items():
        run_chain(chain, a, b, f"{name} {np.dtype(dtype)} {sa} x {sb}")


@pytest.mark.parametrize("sa, sb", [((3, 1), (1, 4)), ((), (5,)), ((0,), (1,)), ((1000, 1), (1, 400))],
                         ids=str)
def test_broadcasting_eight_bit(sa, sb, classmap):
    a, b = values(np.uint8, sa, 7), values(np.uint8, sb, 8)
    run_chain(INT_CHAINS["affine_wrap"], a, b, f"uint8 {sa} x {sb} classmap={classmap}")


def test_incompatible_shapes_raise_when_recording():
    a, b = np.ones((3, 4)), np.ones((5,))
    with pytest.raises(ValueError):
        a + b
    A, B = hx.asarray(a), hx.asarray(b)
    with pytest.raises(ValueError):
        A + B
    with pytest.raises(ValueError):
        hx.add(A * 2, B)


def test_python_scalar_only_and_zero_d_results():
    for f in (lambda xp, a: a * 2 + 1, lambda xp, a: xp.sqrt(a) - a, lambda xp, a: xp.where(a > 0, a, -a)):
        for v in (np.array(2.5), np.array(-0.0), np.array(7, dtype=np.int8), np.array(np.nan, dtype=np.float32)):
            ref = f(np, v)
            got = f(hx, hx.asarray(v))
            assert_same(got, ref, f"0-d {v!r}")
            assert got.shape == ()


# ---------------------------------------------------------------------------------------------
# transposes and views of lazy expressions (hx's own, not NumPy's)


@pytest.mark.parametrize("dtype", [np.float64, np.int32], ids=lambda d: np.dtype(d).name)
def test_transpose_of_lazy_chain(dtype):
    a, b = values(dtype, (30, 40), 9), values(dtype, (40,), 10)
    chain = next(iter(chains_for(dtype).values()))
    A, B = hx.asarray(a), hx.asarray(b)
    r = chain(hx, A, B).T
    assert_same(r, chain(np, a, b).T, "lazy .T")
    r2 = (chain(hx, A, B).mT + 1)
    assert_same(r2, chain(np, a, b).T + 1, "lazy .mT + 1")
    # a lazy chain on hx.permute_dims of a concrete array
    P = hx.permute_dims(A, (1, 0))
    assert_same(chain(hx, P, hx.asarray(b[:30])), chain(np, a.T, b[:30]), "permute_dims then chain")


def test_large_transposed_lazy_chain():
    a = values(np.float64, (700, 500), 11)
    b = values(np.float64, (700, 1), 12)
    A, B = hx.asarray(a), hx.asarray(b)
    assert_same(FLOAT_CHAINS["affine_sqrt"](hx, A, B).T, FLOAT_CHAINS["affine_sqrt"](np, a, b).T, "large lazy .T")


# ---------------------------------------------------------------------------------------------
# in-place operators

INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "&=": operator.iand,
    "|=": operator.ior, "^=": operator.ixor, "<<=": operator.ilshift, ">>=": operator.irshift,
}
INPLACE_DTYPES = [np.bool_, np.int8, np.uint8, np.int32, np.uint64, np.float16, np.float32, np.float64,
                  np.complex64]
RHS_KINDS = ["same_dtype", "int64", "float64", "complex128", "uint8", "bool", "py_int", "py_float",
             "py_complex", "py_bool", "py_big_int", "py_negative"]


def _rhs(kind, dtype, shape):
    n = int(np.prod(shape))
    if kind == "same_dtype":
        v = values(dtype, shape, 13)
        if np.dtype(dtype).kind in "iu":
            v = np.asarray(v % 5).astype(dtype)  # small, non-negative: shifts and powers stay defined
        return v
    if kind in ("int64", "uint8"):
        return (np.arange(n) % 5 + 1).astype(kind).reshape(shape)
    if kind == "float64":
        return (np.arange(n) * 0.75 - 1).reshape(shape)
    if kind == "complex128":
        return (np.arange(n) + 1j).reshape(shape)
    if kind == "bool":
        return (np.arange(n) % 2 == 0).reshape(shape)
    return {"py_int": 3, "py_float": 1.5, "py_complex": 1 + 2j, "py_bool": True, "py_big_int": 300,
            "py_negative": -1}[kind]


def _lhs(dtype, shape, seed=14):
    v = values(dtype, shape, seed)
    if np.dtype(dtype).kind in "iu" and v.size:
        v = np.asarray(v % 50).astype(dtype)
    return v


def _run_inplace(op, lhs_np, rhs_np, what, lhs_hx_data=None):
    """Apply ``op`` in place on NumPy's copy and on hx's, compare errors, buffers and values."""
    ref = lhs_np.copy()
    data = lhs_np.copy() if lhs_hx_data is None else lhs_hx_data
    view = data[...]  # a NumPy view of hx's buffer: must see the write
    A = hx.asarray(data)
    R = hx.asarray(rhs_np) if isinstance(rhs_np, np.ndarray) else rhs_np
    try:
        res = op(ref, rhs_np)
        np_exc = None
    except Exception as e:  # noqa: BLE001
        np_exc = e
    if np_exc is not None:
        with pytest.raises(type(np_exc)) as info:
            op(A, R)
        assert type(info.value) is type(np_exc), f"{what}: NumPy raises {type(np_exc)}, hx {type(info.value)}"
        # nothing written
        np.testing.assert_array_equal(data, lhs_np, err_msg=what + " (buffer changed although the op raised)")
        return
    assert res is ref
    got = op(A, R)
    assert got is A, f"{what}: in-place operator did not return the same Array"
    assert np.asarray(A) is data or np.shares_memory(np.asarray(A), data), f"{what}: result not in the buffer"
    assert_same(A, ref, what)
    assert_same(view, ref, what + " [seen through a NumPy view]")


@pytest.mark.parametrize("rhs_kind", RHS_KINDS)
@pytest.mark.parametrize("dtype", INPLACE_DTYPES, ids=lambda d: np.dtype(d).name)
def test_inplace_operators_casting(dtype, rhs_kind):
    shape = (6, 7)
    for sym, op in INPLACE.items():
        lhs = _lhs(dtype, shape)
        rhs = _rhs(rhs_kind, dtype, shape)
        _run_inplace(op, lhs, rhs, f"{np.dtype(dtype)} array {sym} {rhs_kind}")


@pytest.mark.parametrize("sym", list(INPLACE))
@pytest.mark.parametrize("rshape", [(1, 7), (6, 1), (7,), (), (1,)], ids=str)
def test_inplace_broadcast_rhs(sym, rshape):
    op = INPLACE[sym]
    for dtype in (np.int32, np.float64):
        lhs = _lhs(dtype, (6, 7))
        rhs = _rhs("same_dtype", dtype, rshape)
        if isinstance(rhs, np.ndarray) and rhs.ndim == 0:
            rhs = np.array(rhs)
        _run_inplace(op, lhs, rhs, f"{np.dtype(dtype)}(6,7) {sym} {rshape}")


@pytest.mark.parametrize("lshape, rshape", [((3, 1), (1, 4)), ((4,), (3, 4)), ((1,), (5,)), ((), (3,)),
                                            ((0,), (2,))], ids=str)
def test_inplace_broadcast_lhs_raises(lshape, rshape):
    """The left operand is not broadcast: NumPy raises ValueError, so must hx (when the op is recorded)."""
    _run_inplace(operator.iadd, _lhs(np.float64, lshape), _rhs("same_dtype", np.float64, rshape),
                 f"{lshape} += {rshape}")


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint8, np.bool_, np.int32], ids=lambda d: np.dtype(d).name)
def test_int_array_iadd_float_raises_numpy_class(dtype):
    a = _lhs(dtype, (10,))
    n = a.copy()
    with pytest.raises(TypeError) as np_info:
        n += 1.5
    A = hx.asarray(a.copy())
    with pytest.raises(TypeError) as hx_info:
        A += 1.5
    assert type(hx_info.value) is type(np_info.value)
    assert isinstance(hx_info.value, np._core._exceptions.UFuncTypeError)
    np.testing.assert_array_equal(np.asarray(A), a)


def test_uint8_iadd_out_of_range_python_int_raises_overflow():
    for v in (300, -1, 2**64):
        a = np.arange(5, dtype=np.uint8)
        with pytest.raises(OverflowError):
            a += v
        A = hx.asarray(np.arange(5, dtype=np.uint8))
        with pytest.raises(OverflowError):
            A += v


VIEWS = {
    "step2": lambda base: base.reshape(-1)[::2],
    "negative_step": lambda base: base.reshape(-1)[::-3],
    "transposed": lambda base: base.T,
    "2d_step_slices": lambda base: base[::2, 1::3],
    "column": lambda base: base[:, 5],
}


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_inplace_on_non_contiguous_buffer(view, large):
    """``A op= ...`` where A wraps a strided view of a NumPy buffer: that memory is written, nothing else."""
    # Large: several threads, each with its own buffered iterator over the strided view;
    # repeated, since a wrong write-back between threads shows up only in some interleavings.
    shapes = [(1200, 600)] * 6 + [(1500, 1200)] if large else [(12, 10)]
    for shape, order in [(sh, o) for sh in shapes for o in ("C", "F")]:
        base = np.asarray(values(np.float64, shape, 19), order=order)
        other = values(np.float64, VIEWS[view](base).shape, 20)
        ref_base = base.copy(order="K")
        ref = VIEWS[view](ref_base)
        ref += ref * 0.5 + other
        v = VIEWS[view](base)
        A = hx.asarray(v)
        A += A * 0.5 + hx.asarray(other)
        what = f"{view} of a {order}-order {shape} buffer"
        assert_same(A, ref, what)
        assert_same(base, ref_base, what + ": the whole buffer")


def test_inplace_visible_through_views_and_numpy():
    n = np.arange(12.0).reshape(3, 4)
    row = n[1]
    col = n[:, 2]
    A = hx.asarray(n)
    A *= 2
    assert np.asarray(A) is n
    np.testing.assert_array_equal(n, np.arange(12.0).reshape(3, 4) * 2)
    np.testing.assert_array_equal(row, [8.0, 10.0, 12.0, 14.0])
    np.testing.assert_array_equal(col, [4.0, 12.0, 20.0])
    # hx view (indexing gives a view of the buffer) written in place, seen by the parent and NumPy
    V = A[0]
    V += 100
    np.testing.assert_array_equal(n[0], [100.0, 102.0, 104.0, 106.0])
    np.testing.assert_array_equal(np.asarray(A)[0], [100.0, 102.0, 104.0, 106.0])


def test_inplace_keeps_lazy_readers_old_values():
    a = np.arange(10, dtype=np.float64)
    A = hx.asarray(a)
    L = A * 2 + 1  # lazy, reads a
    M = hx.sqrt(A)
    assert L.is_lazy and M.is_lazy
    A += 100
    np.testing.assert_array_equal(np.asarray(L), np.arange(10.0) * 2 + 1)
    np.testing.assert_array_equal(np.asarray(M), np.sqrt(np.arange(10.0)))
    np.testing.assert_array_equal(a, np.arange(10.0) + 100)


def test_inplace_with_lazy_rhs_reading_the_target():
    for dtype in (np.float64, np.int32, np.uint8):
        a = _lhs(dtype, (50,))
        ref = a.copy()
        ref += ref * 3 + (ref >> 1 if np.dtype(dtype).kind in "iu" else ref / 2)
        A = hx.asarray(a)
        A += A * 3 + (A >> 1 if np.dtype(dtype).kind in "iu" else A / 2)
        assert_same(A, ref, f"{np.dtype(dtype)}: a += f(a)")
        assert_same(a, ref, f"{np.dtype(dtype)}: a += f(a), the buffer")


@pytest.mark.parametrize("n", [20, LARGE])
def test_inplace_overlapping_views(n):
    """``a[1:] += a[:-1]``: NumPy reads the old values (it copies the overlapping operand)."""
    base = np.arange(n, dtype=np.float64)
    ref = base.copy()
    ref[1:] += ref[:-1]
    H = hx.asarray(base)
    V = H[1:]
    V += H[:-1]
    np.testing.assert_array_equal(base, ref)
    base2 = np.arange(n, dtype=np.int64)
    ref2 = base2.copy()
    ref2[:-1] -= ref2[1:] * 2
    H2 = hx.asarray(base2)
    V2 = H2[:-1]
    V2 -= H2[1:] * 2
    np.testing.assert_array_equal(base2, ref2)
    # reversed view of the same memory
    base3 = np.arange(n, dtype=np.float64)
    ref3 = base3.copy()
    ref3 += ref3[::-1]
    H3 = hx.asarray(base3)
    H3 += hx.asarray(base3[::-1])
    np.testing.assert_array_equal(base3, ref3)


def test_inplace_on_lazy_array():
    a = values(np.float64, (100,), 15)
    A = hx.asarray(a)
    L = A * 2
    L += 1
    L -= A
    ref = a * 2
    ref += 1
    ref -= a
    assert_same(L, ref, "lazy += / -=")
    np.testing.assert_array_equal(a, values(np.float64, (100,), 15))  # the input is untouched


@pytest.mark.parametrize("dtype", [np.float64, np.int16], ids=lambda d: np.dtype(d).name)
def test_inplace_zero_d_and_empty(dtype):
    for lshape, rshape in [((), ()), ((0,), (0,)), ((0,), ()), ((3, 0), (0,)), ((), None)]:
        lhs = _lhs(dtype, lshape)
        rhs = 3 if rshape is None else _rhs("same_dtype", dtype, rshape)
        if isinstance(rhs, np.ndarray) and rhs.ndim == 0:
            rhs = np.array(rhs)
        for sym in ("+=", "*=", "-="):
            _run_inplace(INPLACE[sym], lhs, rhs, f"{np.dtype(dtype)} {lshape} {sym} {rshape}")


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_inplace_eight_bit(large, classmap):
    n = LARGE if large else 300
    for dtype in (np.uint8, np.int8):
        a = values(dtype, (n,), 16)
        b = values(dtype, (n,), 17)
        ref = a.copy()
        ref ^= b
        ref += 7
        ref *= 3
        A = hx.asarray(a)
        A ^= hx.asarray(b)
        A += 7
        A *= 3
        assert_same(a, ref, f"{np.dtype(dtype)} in place, classmap={classmap}")
        # strided in place
        base = values(dtype, (2 * n,), 18)
        refb = base.copy()
        refb[::2] += refb[1::2]
        H = hx.asarray(base[::2])
        H += hx.asarray(base[1::2])
        np.testing.assert_array_equal(base, refb)
