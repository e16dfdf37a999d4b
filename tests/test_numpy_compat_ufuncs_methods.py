"""Ufunc objects (``hologram_array.add`` ...) and ndarray methods/attributes on Array, against NumPy."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import hologram_array as hx
from _numpy_compat_helpers import both, same_error

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3, 4))
I = RNG.integers(-5, 9, size=(3, 4)).astype(np.int32)  # noqa: E741
V = RNG.normal(size=6)


# ---- ufunc objects ------------------------------------------------------------------------------------


def test_every_numpy_ufunc_is_a_ufunc_object_with_numpys_attributes():
    # matmul and vecdot are the standard's functions (NumPy's keywords go to NumPy's gufunc)
    names = [n for n in dir(np) if isinstance(getattr(np, n), np.ufunc) and n not in ("matmul", "vecdot")]
    assert len(names) > 80
    for n in names:
        u = getattr(hx, n)
        assert isinstance(u, hx.numpy_compat.ufuncs.Ufunc), n
        ref = getattr(np, n)
        assert (u.nin, u.nout, u.nargs, u.ntypes, u.signature) == (ref.nin, ref.nout, ref.nargs, ref.ntypes,
                                                                    ref.signature), n
        assert u.identity == ref.identity or (u.identity is None and ref.identity is None), n
    assert repr(hx.add) == "<ufunc 'add'>" and hx.add.__name__ == "add"


def test_ufunc_calls_record_lazily():
    a = hx.asarray(X)
    for r in (hx.add(a, 1.0), hx.maximum(a, 0.0), hx.sin(a), hx.power(a, 2), hx.true_divide(a, 3),
              hx.arctan2(a, a), hx.absolute(a), hx.mod(hx.asarray(I), 3)):
        assert isinstance(r, hx.Array) and r.is_lazy
    both(lambda m: m.add(m.asarray(X), [1.0, 2.0, 3.0, 4.0]))
    both(lambda m: m.multiply([1, 2], [3, 4]))
    both(lambda m: m.sqrt(2.0))
    both(lambda m: m.add(1, 2))
    both(lambda m: m.greater(m.asarray(X), 0))
    both(lambda m: m.logical_and(m.asarray(X) > 0, m.asarray(X) < 1))
    both(lambda m: m.exp(m.asarray(I).astype(m.float32)))


def test_ufunc_keywords_and_multiple_outputs():
    both(lambda m: m.add(m.asarray(X), 1, dtype=m.float32))
    both(lambda m: m.add(m.asarray(X), 1, where=m.asarray(X) > 0, out=m.zeros((3, 4))))
    both(lambda m: m.divmod(m.asarray(I), 4))
    both(lambda m: m.modf(m.asarray(X)))
    both(lambda m: m.frexp(m.asarray(X)))
    both(lambda m: m.isnat(m.asarray(np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"))))
    both(lambda m: m.bitwise_count(m.asarray(I)))
    both(lambda m: m.matmul(m.asarray(X), m.asarray(X.T)), exact=False)

    def with_out(m):
        out = m.empty((3, 4))
        r = m.multiply(m.asarray(X), 2.0, out=out)
        assert r is out
        return out
    both(with_out)
    same_error(lambda m: m.add(m.asarray(I), 1.5, out=m.zeros((3, 4), dtype=m.int32)))
    same_error(lambda m: m.bitwise_and(m.asarray(X), 1))
    same_error(lambda m: m.add(m.asarray(X), m.asarray(V)))


def test_ufunc_methods():
    both(lambda m: m.add.reduce(m.asarray(X)))
    both(lambda m: m.add.reduce(m.asarray(X), axis=1))
    both(lambda m: m.add.reduce(m.asarray(X), axis=None))
    both(lambda m: m.multiply.reduce(m.asarray(I), 0, keepdims=True))
    both(lambda m: m.maximum.reduce(m.asarray(X) * 2, axis=-1))
    both(lambda m: m.minimum.reduce(m.asarray(X) * 2, axis=0))
    both(lambda m: m.logical_or.reduce(m.asarray(X) > 1, axis=1))
    both(lambda m: m.add.reduce(m.asarray(I), dtype=m.int8))
    both(lambda m: m.add.accumulate(m.asarray(X), axis=1))
    both(lambda m: m.maximum.accumulate(m.asarray(V)))
    both(lambda m: m.multiply.outer(m.arange(3), m.arange(4)))
    both(lambda m: m.subtract.outer(m.asarray(V), [1.0, 2.0]))
    both(lambda m: m.add.reduceat(m.arange(8), [0, 4, 5]))

    def at(m):
        a = m.zeros(5)
        assert m.add.at(a, [0, 0, 3], 1.5) is None
        m.negative.at(a, [3])
        return a
    both(at)
    same_error(lambda m: m.add.reduce(m.asarray(X), axis=3))
    same_error(lambda m: m.sin.reduce(m.asarray(X)))


def test_fused_reduce_of_lazy_expression_and_at_protects_readers():
    big = RNG.normal(size=(300, 1000))  # large enough for the chunked fused reduction
    e = hx.asarray(big) * 2 + 1
    r = hx.add.reduce(e, axis=None)
    assert type(r) is np.float64 and r == pytest.approx(float(np.sum(big * 2 + 1)), rel=1e-12)
    r = hx.maximum.reduce(hx.asarray(big) * 2 + 1, axis=-1)
    assert isinstance(r, hx.Array) and np.array_equal(np.asarray(r), np.max(big * 2 + 1, axis=-1))
    b = hx.asarray(np.zeros(4))
    reader = b + 1                        # lazy reader of b's buffer
    hx.add.at(b, [1, 1], 2.0)
    np.testing.assert_array_equal(np.asarray(b), [0, 4, 0, 0])
    np.testing.assert_array_equal(np.asarray(reader), [1, 1, 1, 1])


def test_ufuncs_pickle():
    assert pickle.loads(pickle.dumps(hx.add)) is hx.add


# ---- array methods and attributes -----------------------------------------------------------------------

METHOD_CASES = [
    ("sum", ()), ("sum", (0,)), ("sum", (None, np.float32)), ("prod", (1,)), ("mean", (0,)), ("std", ()),
    ("var", (1,)), ("min", ()), ("max", (1,)), ("argmin", ()), ("argmax", (0,)), ("cumsum", ()),
    ("cumsum", (1,)), ("cumprod", (0,)), ("all", ()), ("any", (0,)), ("round", ()), ("round", (1,)),
    ("clip", (-0.5, 0.5)), ("reshape", (4, 3)), ("reshape", ((2, 6),)), ("reshape", (-1,)), ("ravel", ()),
    ("flatten", ()), ("transpose", ()), ("transpose", (1, 0)), ("transpose", ((1, 0),)), ("swapaxes", (0, 1)),
    ("squeeze", ()), ("astype", (np.float32,)), ("astype", (np.int16,)), ("copy", ()), ("argsort", ()),
    ("argsort", (0,)), ("nonzero", ()), ("tolist", ()), ("tobytes", ()), ("trace", ()), ("diagonal", ()),
    ("repeat", (2,)), ("take", ([0, 5],)), ("conj", ()), ("conjugate", ()), ("searchsorted", (0.0,)),
    ("dot", (np.ones(4),)), ("view", (np.int64,)), ("item", (3,)), ("compress", ([True, False, True],)),
]


@pytest.mark.parametrize("name,args", METHOD_CASES, ids=[f"{n}{i}" for i, (n, _) in enumerate(METHOD_CASES)])
def test_methods_match_ndarray(name, args):
    data = np.sort(X.ravel()) if name == "searchsorted" else X
    both(lambda m: getattr(m.asarray(data) * 1, name)(*[m.asarray(a) if isinstance(a, np.ndarray) else a
                                                      for a in args]), exact=False)


def test_methods_on_integers_and_keywords():
    both(lambda m: m.asarray(I).sum(axis=1, dtype=m.int8))
    both(lambda m: m.asarray(I).mean(axis=0, keepdims=True))
    both(lambda m: m.asarray(I).std(ddof=1), exact=False)
    both(lambda m: m.asarray(I).max(initial=100))
    both(lambda m: m.asarray(I).astype(m.float32, casting="same_kind"))
    both(lambda m: m.asarray(I).reshape(2, 6, order="F"))
    same_error(lambda m: m.asarray(X).astype(m.int32, casting="safe"))
    same_error(lambda m: m.asarray(X).reshape(5, 5))


def test_attributes():
    for arr in (X, I, np.asfortranarray(X), X[:, ::2], np.zeros((0, 3), np.uint8)):
        a, ref = hx.asarray(arr), arr
        assert (a.nbytes, a.itemsize, a.strides, a.size, a.ndim, a.shape) == (
            ref.nbytes, ref.itemsize, ref.strides, ref.size, ref.ndim, ref.shape)
        assert a.flags.c_contiguous == ref.flags.c_contiguous and a.flags.f_contiguous == ref.flags.f_contiguous
        assert bytes(a.data) == bytes(np.ascontiguousarray(ref).data) or not ref.flags.c_contiguous
    lazy = hx.asarray(X) * 2
    assert lazy.nbytes == X.nbytes and lazy.itemsize == 8 and lazy.is_lazy
    c = hx.asarray(X + 1j * X)
    both(lambda m: m.asarray(X + 1j * X).real)
    both(lambda m: m.asarray(X + 1j * X).imag)
    both(lambda m: m.asarray(X).imag)
    c.real[0, 0] = 99.0            # a view, as NumPy's
    assert complex(c[0, 0]).real == 99.0
    assert hx.asarray(X).T.shape == (4, 3)


def test_in_place_methods_protect_lazy_readers():
    a = hx.asarray(X.copy())
    reader = a * 1
    a.fill(2.0)
    np.testing.assert_array_equal(np.asarray(a), np.full((3, 4), 2.0))
    np.testing.assert_array_equal(np.asarray(reader), X)
    b = hx.asarray(V.copy())
    reader = b + 0
    b.sort()
    np.testing.assert_array_equal(np.asarray(b), np.sort(V))
    np.testing.assert_array_equal(np.asarray(reader), V)
    c = hx.arange(6.0)
    c.put([0, 5], [-1.0, -2.0])
    c.flat[2] = 10.0
    np.testing.assert_array_equal(np.asarray(c), [-1, 1, 10, 3, 4, -2])
    assert c.flat[5] == -2.0 and len(c.reshape(2, 3).flat) == 6 and list(c.flat)[2] == 10.0
    d = hx.asarray(np.array([3, 1, 2]))
    d.partition(1)
    assert int(d[1]) == 2


def test_python_protocols():
    a = hx.asarray(X)
    assert 0.0 not in a and X[1, 1] in a
    assert [type(v) for v in hx.asarray(V)] == [np.float64] * 6       # 1-D iteration: NumPy scalars
    assert {v: 1 for v in hx.asarray(np.array([1, 2, 2]))} == {1: 1, 2: 1}
    assert [r.shape for r in a] == [(4,)] * 3                          # n-d: rows as Arrays
    q, r = divmod(hx.asarray(I), 4)
    np.testing.assert_array_equal(np.asarray(q), I // 4)
    np.testing.assert_array_equal(np.asarray(r), I % 4)
    assert round(hx.asarray(2.567), 2) == 2.57
    with pytest.raises(TypeError):
        round(a)
    c = copy.copy(a)
    d = copy.deepcopy(a * 2)
    assert c is not a and np.array_equal(np.asarray(c), X) and np.array_equal(np.asarray(d), X * 2)
    e = pickle.loads(pickle.dumps(a.T * 3))
    assert isinstance(e, hx.Array) and np.array_equal(np.asarray(e), X.T * 3)
