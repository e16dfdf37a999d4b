"""``hologram_array.random`` (NumPy's numbers for the same seed, Arrays out) and file I/O."""
from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

import hologram_array as hx
from _numpy_compat_helpers import assert_same


def _pair(fn):
    """``fn(numpy)`` then ``fn(hologram_array)``, each after seeding its module's global stream."""
    np.random.seed(1234)
    ref = fn(np)
    hx.random.seed(1234)
    got = fn(hx)
    assert_same(got, ref)
    return got


LEGACY = [
    lambda m: m.random.rand(3, 2),
    lambda m: m.random.randn(4),
    lambda m: m.random.rand(),
    lambda m: m.random.randint(0, 10, size=5),
    lambda m: m.random.randint(5),
    lambda m: m.random.random((2, 2)),
    lambda m: m.random.random_sample(3),
    lambda m: m.random.normal(1.0, 2.0, size=(2, 3)),
    lambda m: m.random.normal(),
    lambda m: m.random.uniform(-1, 1, 4),
    lambda m: m.random.choice(5, 3),
    lambda m: m.random.choice(m.asarray([1.5, 2.5, 3.5]), size=4, p=m.asarray([0.2, 0.3, 0.5])),
    lambda m: m.random.choice(m.arange(10), 4, replace=False),
    lambda m: m.random.permutation(6),
    lambda m: m.random.permutation(m.arange(5) * 2),
    lambda m: m.random.poisson(3.0, 5),
    lambda m: m.random.binomial(10, 0.3, 4),
    lambda m: m.random.exponential(2.0, 3),
    lambda m: m.random.multivariate_normal(m.zeros(2), m.eye(2), 3),
    lambda m: m.random.standard_normal((2, 2)),
    lambda m: m.random.beta(m.asarray([1.0, 2.0]), 3.0),
]


@pytest.mark.parametrize("case", range(len(LEGACY)))
def test_legacy_functions_draw_numpys_numbers(case):
    _pair(LEGACY[case])


def test_seed_shares_numpys_global_stream():
    hx.random.seed(5)
    a = np.random.rand(3)            # drawn by NumPy after our seed
    np.random.seed(5)
    np.testing.assert_array_equal(a, np.random.rand(3))


def test_shuffle_in_place():
    def shuf(m):
        a = m.arange(10)
        assert m.random.shuffle(a) is None
        return a
    _pair(shuf)
    hx.random.seed(0)
    a = hx.arange(6.0)
    reader = a * 1                   # lazy reader of a's buffer keeps the old values
    hx.random.shuffle(a)
    np.testing.assert_array_equal(np.asarray(reader), np.arange(6.0))
    lst = [1, 2, 3, 4]
    hx.random.shuffle(lst)
    assert sorted(lst) == [1, 2, 3, 4]


GENERATOR = [
    lambda g, m: g.random(3),
    lambda g, m: g.random(),
    lambda g, m: g.normal(0, 1, (2, 3)),
    lambda g, m: g.standard_normal(4, dtype=m.float32),
    lambda g, m: g.integers(0, 100, 6),
    lambda g, m: g.integers(10, size=(2, 2), dtype=m.uint8),
    lambda g, m: g.uniform(size=3),
    lambda g, m: g.choice(m.asarray([10, 20, 30]), 5),
    lambda g, m: g.choice(7, 3, replace=False),
    lambda g, m: g.permutation(m.arange(8)),
    lambda g, m: g.permuted(m.asarray(np.arange(12).reshape(3, 4)), axis=1),
    lambda g, m: g.multinomial(10, [0.2, 0.8], size=2),
    lambda g, m: g.exponential(size=2),
    lambda g, m: g.poisson(m.asarray([1.0, 5.0])),
]


@pytest.mark.parametrize("case", range(len(GENERATOR)))
def test_generator_draws_numpys_numbers(case):
    ref = GENERATOR[case](np.random.default_rng(42), np)
    got = GENERATOR[case](hx.random.default_rng(42), hx)
    assert_same(got, ref)


def test_generator_api():
    g = hx.random.default_rng(np.random.SeedSequence(9))
    assert hx.random.default_rng(g) is g and isinstance(g.bit_generator, np.random.PCG64)
    kids = g.spawn(2)
    assert all(isinstance(k, hx.random.Generator) for k in kids)
    g2 = hx.random.Generator(hx.random.PCG64(3))
    np.testing.assert_array_equal(np.asarray(g2.random(3)), np.random.Generator(np.random.PCG64(3)).random(3))
    out = hx.empty(4)
    assert g2.random(out=out) is out
    a = hx.arange(5)
    hx.random.default_rng(1).shuffle(a)
    b = np.arange(5)
    np.random.default_rng(1).shuffle(b)
    np.testing.assert_array_equal(np.asarray(a), b)
    p = pickle.loads(pickle.dumps(hx.random.default_rng(3)))
    np.testing.assert_array_equal(np.asarray(p.random(2)), np.random.default_rng(3).random(2))
    rs = hx.random.RandomState(7)
    np.testing.assert_array_equal(np.asarray(rs.randn(3)), np.random.RandomState(7).randn(3))
    from hologram_array.random import default_rng  # a real submodule: ``from ... import`` works
    assert default_rng is hx.random.default_rng


def test_random_errors_are_numpys():
    with pytest.raises(ValueError):
        hx.random.choice(hx.arange(3), 5, replace=False)
    with pytest.raises(ValueError):
        hx.random.default_rng(0).integers(5, 1)


# ---- file I/O -------------------------------------------------------------------------------------------


def test_save_load_roundtrip(tmp_path):
    x = np.arange(12.0).reshape(3, 4)
    a = hx.asarray(x) * 2                       # lazy: computed when saved
    hx.save(tmp_path / "a.npy", a)
    assert np.array_equal(np.load(tmp_path / "a.npy"), x * 2)     # NumPy reads our file
    np.save(tmp_path / "b.npy", x)
    b = hx.load(tmp_path / "b.npy")
    assert isinstance(b, hx.Array) and np.array_equal(np.asarray(b), x)
    hx.savez(tmp_path / "c.npz", first=a, second=hx.arange(3))
    hx.savez_compressed(tmp_path / "d.npz", hx.ones(2))
    with hx.load(tmp_path / "c.npz") as z:
        assert sorted(z.files) == ["first", "second"] and "first" in z
        assert isinstance(z["first"], hx.Array) and np.array_equal(np.asarray(z["second"]), np.arange(3))
    with np.load(tmp_path / "d.npz") as z:
        assert np.array_equal(z["arr_0"], np.ones(2))
    m = hx.load(tmp_path / "b.npy", mmap_mode="r")
    assert isinstance(m, np.memmap)


def test_text_io_matches_numpy(tmp_path):
    x = np.random.default_rng(0).normal(size=(4, 3))
    hx.savetxt(tmp_path / "h.txt", hx.asarray(x), fmt="%.6f", delimiter=",")
    np.savetxt(tmp_path / "n.txt", x, fmt="%.6f", delimiter=",")
    assert (tmp_path / "h.txt").read_text() == (tmp_path / "n.txt").read_text()
    got = hx.loadtxt(tmp_path / "h.txt", delimiter=",")
    assert_same(got, np.loadtxt(tmp_path / "n.txt", delimiter=","))
    assert_same(hx.genfromtxt(io.StringIO("1,2\n3,nan"), delimiter=","),
                np.genfromtxt(io.StringIO("1,2\n3,nan"), delimiter=","))
    hx.arange(5, dtype=hx.int16).tofile(tmp_path / "raw.bin")
    assert_same(hx.fromfile(tmp_path / "raw.bin", dtype=hx.int16), np.arange(5, dtype=np.int16))
    with pytest.raises(FileNotFoundError):
        hx.load(tmp_path / "missing.npy")
