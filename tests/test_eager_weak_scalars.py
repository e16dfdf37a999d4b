"""The eager small-array path passes weak Python scalars meeting float arrays as cached exact
0-d conversions (``_promotion.weak_operand``): results, dtypes, warnings and errors must be
NumPy's own, bit for bit, whatever the scalar (inexact, out of range, zero, NaN, huge ints)."""
import operator
import warnings

import numpy as np
import pytest

import hologram_array as hx
from hologram_array import _promotion

pytestmark = pytest.mark.eager

SCALARS = [1.5, 0.25, 0.1, 0, 1, -7, 3.0, 0.0, -0.0, 2**24 + 1, 2**31, 2**53 + 1, 10**20, 10**400,
           1e300, -1e300, 1e-300, 5e-324, 65504.0, 65520.0, 70000, float("inf"), -float("inf"),
           float("nan"), True, 1j]
OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
             operator.mod, operator.pow, operator.eq, operator.ne, operator.lt, operator.le,
             operator.gt, operator.ge, operator.and_, operator.lshift]
UFUNCS = ["maximum", "minimum", "fmax", "fmin", "add", "power", "ldexp", "copysign", "arctan2",
          "heaviside", "float_power", "less"]
DTYPES = [np.float16, np.float32, np.float64]


def _outcome(f):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = f()
            r = np.asarray(got)
            res = (r.dtype, r.shape, r.tobytes())
            if isinstance(got, hx.Array):  # the metadata kept on the Array is its buffer's
                res += ((got.dtype, got.shape, got.ndim, got.size) == (r.dtype, r.shape, r.ndim, r.size),)
            else:
                res += (True,)
        except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
            res = (type(exc), str(exc))
    return res, [(w.category, str(w.message)) for w in caught]


def _values(dt, shape=(40,)):
    x = np.linspace(-3, 3, int(np.prod(shape)), dtype=np.float64).reshape(shape).astype(dt)
    x.flat[:6] = [0.0, -0.0, np.nan, np.inf, -np.inf, 1.5]
    return x


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("errs", ["warn", "raise"])
@pytest.mark.parametrize("shape", [(40,), ()])
def test_operators_with_scalars_are_numpys(dt, errs, shape):
    x = _values(dt, shape)
    a = hx.asarray(x)
    with np.errstate(all=errs):
        for op in OPERATORS:
            for s in SCALARS:
                for _ in range(3):  # first met, converted, then from the table
                    assert _outcome(lambda: op(a, s)) == _outcome(lambda: op(x, s)), (op, s)
                    assert _outcome(lambda: op(s, a)) == _outcome(lambda: op(s, x)), (op, s)


@pytest.mark.parametrize("dt", DTYPES)
def test_ufunc_objects_and_clip_with_scalars_are_numpys(dt):
    x = _values(dt)
    a = hx.asarray(x)
    for name in UFUNCS:
        for s in SCALARS:
            for _ in range(3):
                got = _outcome(lambda: getattr(hx, name)(a, s))
                assert got == _outcome(lambda: getattr(np, name)(x, s)), (name, s)
    for lo in SCALARS[:16]:
        for hi in (4, 0.5, -0.0, 1e300, float("nan")):
            assert _outcome(lambda: hx.clip(a, lo, hi)) == _outcome(lambda: np.clip(x, lo, hi)), (lo, hi)


def test_weak_table():
    dt = np.dtype(np.float32)
    floats, ints = _promotion.WeakTable(dt), _promotion.WeakTable(dt)
    assert floats[1.5] == 1.5 and type(floats[1.5]) is np.ndarray  # converted when met again
    z = floats[1.5]
    assert isinstance(z, np.ndarray) and z.dtype == dt and z.ndim == 0 and floats[1.5] is z
    three = 3
    assert ints[three] is three and ints[three].dtype == dt and ints[three] == 3 and 3 in ints
    for v in (0.1, 1e-300, 2**31 + 1):  # inexact: NumPy converts them, as always
        table = ints if type(v) is int else floats
        assert table[v] is v and table[v] is v and v in table
    for v in (float("nan"), float("inf"), 1e300, 10**400, 2**60):  # never converted nor kept
        table = ints if type(v) is int else floats
        assert table[v] is v and table[v] is v and v not in table
    for v in (0.0, -0.0, 0.0, -0.0):  # converted once met, not kept (0.0 == -0.0 as keys)
        assert floats[v] == 0 and v not in floats
    assert np.signbit(floats[-0.0]) and not np.signbit(floats[0.0])
    big, half = 70000, _promotion.WeakTable(np.dtype(np.float16))
    assert half[big] is big and half[big] is big  # beyond float16: as it is
    for k in range(2 * _promotion._WEAK_MAX):  # bounded
        floats[k + 0.5]
        floats[k + 0.5]
    assert len(floats) <= _promotion._WEAK_MAX and len(floats.seen) <= _promotion._WEAK_MAX


def test_signed_zero_scalars_keep_their_sign():
    a = hx.asarray(np.ones(8, dtype=np.float32))
    hx.maximum(a, 0)  # int 0 and float 0.0 may be in the tables now
    a * 0
    assert np.signbit(np.asarray(a * -0.0)).all()
    assert np.signbit(np.asarray(hx.copysign(a, -0.0))).all()
    assert not np.signbit(np.asarray(a * 0.0)).any()


DTYPES_ALL = [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.float16, np.float32, np.float64,
              np.complex64]
BINARY_UFUNCS = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "less", "equal",
                 "power", "floor_divide", "remainder", "bitwise_and", "logical_and", "hypot"]
UNARY_UFUNCS = ["negative", "abs", "sqrt", "exp", "tanh", "sign", "isnan", "logical_not", "square"]


def _array_of(dt, shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 4
    return np.asarray(x).astype(dt)


@pytest.mark.parametrize("dt", DTYPES_ALL)
def test_eager_paths_match_numpy_for_every_operand_kind(dt):
    """Operators and ufunc objects on small arrays of any dtype and rank (0-d, 1-d, 2-d,
    broadcasting) against Python scalars and arrays: NumPy's results, dtypes, warnings and
    errors -- the first call (which notes the array fits) and the following ones alike."""
    with np.errstate(all="ignore"):
        xs = [_array_of(dt, s, k) for k, s in enumerate([(), (6,), (3, 6), (1, 6)])]
    others = [3, -2, 0.5, True, 2j, 0]
    for x in xs:
        for y in [_array_of(dt, (6,), 9), _array_of(np.float32, (6,), 10), _array_of(dt, (2, 1, 6), 11),
                  _array_of(dt, (3, 1), 12), xs[0]] + others:
            for rep in range(3):
                a = hx.asarray(x.copy())
                b = hx.asarray(y.copy()) if isinstance(y, np.ndarray) else y
                yy = y.copy() if isinstance(y, np.ndarray) else y
                for op in OPERATORS:
                    assert _outcome(lambda: op(a, b)) == _outcome(lambda: op(x, yy)), (op, x.shape, y, rep)
                    if not isinstance(y, np.ndarray):
                        assert _outcome(lambda: op(b, a)) == _outcome(lambda: op(yy, x)), (op, y, rep)
                for name in BINARY_UFUNCS:
                    got = _outcome(lambda: getattr(hx, name)(a, b))
                    assert got == _outcome(lambda: getattr(np, name)(x, yy)), (name, x.shape, y, rep)
        for rep in range(3):
            a = hx.asarray(x.copy())
            for name in UNARY_UFUNCS:
                assert _outcome(lambda: getattr(hx, name)(a)) == _outcome(lambda: getattr(np, name)(x)), name
            for op in (operator.neg, operator.pos, abs, operator.invert):
                assert _outcome(lambda: op(a)) == _outcome(lambda: op(x)), op


def test_fast_path_results_note_their_shape_and_size():
    a = hx.asarray(np.ones(8, dtype=np.float32))
    b = a * 2.0
    assert b._fits is not None and b.shape == (8,) and np.asarray(b).shape == (8,)
    z = hx.asarray(np.float32(2.0))
    assert (z * 2.0)._fits is None and (z * 2.0).shape == () and (a * z)._fits is not None
    m = hx.asarray(np.ones((4, 1), dtype=np.float32))
    for _ in range(3):  # the first time notes that m fits, then the fast paths take it
        c = b * m  # broadcast: a new shape
        assert c.shape == (4, 8) and np.asarray(c).shape == (4, 8)
        c = hx.maximum(b, m)
        assert c.shape == (4, 8) and np.asarray(c).shape == (4, 8)
    old = hx.config(eager_below=4)
    try:
        assert (b * 2.0).is_lazy and hx.tanh(b).is_lazy and (-b).is_lazy and (b + b).is_lazy
    finally:
        hx.config(**old)
    assert not (b * 2.0).is_lazy


def test_weak_table_ranges_are_numpys():
    for dt in (np.float16, np.float32, np.float64):
        assert _promotion.WeakTable(np.dtype(dt)).top == float(np.finfo(dt).max)
