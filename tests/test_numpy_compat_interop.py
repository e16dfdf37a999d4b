"""Our arrays passed to NumPy's functions (``__array_function__``), SciPy, scikit-learn and
matplotlib. The three libraries are optional: their tests are skipped when not installed."""
from __future__ import annotations

import numpy as np
import pytest

import hologram_array as hx

RNG = np.random.default_rng(11)
X = RNG.normal(size=(20, 3))
V = RNG.normal(size=50)


def test_numpy_functions_on_our_arrays_return_arrays():
    a = hx.asarray(X)
    for res, ref in (
        (np.concatenate([a, a]), np.concatenate([X, X])),
        (np.atleast_2d(hx.asarray(V)), np.atleast_2d(V)),
        (np.cumsum(a, axis=0), np.cumsum(X, axis=0)),
        (np.percentile(a, 50, axis=0), np.percentile(X, 50, axis=0)),
        (np.linalg.inv(a.T @ a), np.linalg.inv(X.T @ X)),
        (np.fft.rfft(hx.asarray(V)), np.fft.rfft(V)),
        (np.transpose(a), X.T),
        (np.zeros_like(a), np.zeros_like(X)),
    ):
        assert isinstance(res, hx.Array), type(res)
        assert res.dtype == ref.dtype and res.shape == ref.shape
        np.testing.assert_allclose(np.asarray(res), ref, rtol=1e-12)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    assert all(isinstance(t, hx.Array) for t in (u, s, vh))
    np.testing.assert_allclose(np.asarray(s), np.linalg.svd(X, compute_uv=False), rtol=1e-12)


def test_numpy_functions_use_the_lazy_namespace_versions():
    e = hx.asarray(X) * 2 + 1
    w = np.where(hx.asarray(X) > 0, e, 0.0)       # the namespace's where: recorded
    assert isinstance(w, hx.Array) and w.is_lazy
    c = np.clip(e, 0, 1)
    assert c.is_lazy
    s = np.sum(e, axis=1)
    assert isinstance(s, hx.Array)
    np.testing.assert_allclose(np.asarray(s), np.sum(X * 2 + 1, axis=1), rtol=1e-13)
    assert float(np.mean(hx.asarray(V))) == pytest.approx(float(np.mean(V)), rel=1e-14)


def test_numpy_asarray_and_testing_accept_our_arrays():
    a = hx.asarray(X) + 0
    assert type(np.asarray(a)) is np.ndarray and np.asarray(a).dtype == np.float64
    np.testing.assert_allclose(a, X)
    assert np.array_equal(a, X) and np.allclose(hx.asarray(V), V)
    assert np.searchsorted(hx.asarray(np.arange(5.0, dtype=np.float32)), 2.5) == 3


def test_errors_come_from_numpy():
    with pytest.raises(ValueError):
        np.concatenate([hx.asarray(X), hx.asarray(V)])
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.inv(hx.zeros((2, 2)))


def test_scipy_accepts_our_arrays():
    stats = pytest.importorskip("scipy.stats")
    linalg = pytest.importorskip("scipy.linalg")
    optimize = pytest.importorskip("scipy.optimize")
    signal = pytest.importorskip("scipy.signal")
    x = hx.linspace(0, 10, 40)
    y = hx.sin(x) + 0.1 * x
    xs, ys = np.linspace(0, 10, 40), np.sin(np.linspace(0, 10, 40)) + 0.1 * np.linspace(0, 10, 40)
    assert stats.pearsonr(x, y)[0] == pytest.approx(stats.pearsonr(xs, ys)[0], rel=1e-12)
    np.testing.assert_allclose(np.asarray(stats.zscore(y)), stats.zscore(ys), rtol=1e-12)
    np.testing.assert_allclose(linalg.solve(hx.eye(3) * 2, hx.ones(3)), np.full(3, 0.5))
    popt = optimize.curve_fit(lambda t, a, b: a * t + b, x, y)[0]
    np.testing.assert_allclose(popt, optimize.curve_fit(lambda t, a, b: a * t + b, xs, ys)[0], rtol=1e-8)
    res = optimize.minimize(lambda v: hx.sum((v - 3.0) ** 2), hx.zeros(2))
    np.testing.assert_allclose(res.x, [3.0, 3.0], atol=1e-6)
    np.testing.assert_allclose(np.asarray(signal.convolve(y, hx.ones(3) / 3, mode="same")),
                               signal.convolve(ys, np.ones(3) / 3, mode="same"), rtol=1e-12)


def test_scikit_learn_accepts_our_arrays():
    pytest.importorskip("sklearn")
    from sklearn.cluster import KMeans
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    Xh = hx.random.default_rng(0).normal(size=(100, 3))
    t = Xh @ hx.asarray([1.0, 2.0, 3.0]) + 0.5
    Xn, tn = np.asarray(Xh), np.asarray(t)
    np.testing.assert_allclose(LinearRegression().fit(Xh, t).coef_, LinearRegression().fit(Xn, tn).coef_,
                               rtol=1e-10)
    np.testing.assert_allclose(np.asarray(StandardScaler().fit_transform(Xh)), StandardScaler().fit_transform(Xn))
    parts = train_test_split(Xh, t, random_state=0)
    ref = train_test_split(Xn, tn, random_state=0)
    for p, r in zip(parts, ref):
        np.testing.assert_array_equal(np.asarray(p), r)
    np.testing.assert_array_equal(KMeans(2, n_init=3, random_state=0).fit(Xh).labels_,
                                  KMeans(2, n_init=3, random_state=0).fit(Xn).labels_)


def test_matplotlib_accepts_our_arrays(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = hx.linspace(0, 10, 50)
    y = hx.sin(x)
    fig, ax = plt.subplots()
    (line,) = ax.plot(x, y * 2)
    np.testing.assert_allclose(line.get_ydata(), 2 * np.sin(np.linspace(0, 10, 50)))
    ax.scatter(x, y)
    counts, _, _ = ax.hist(y, bins=5)
    np.testing.assert_array_equal(counts, np.histogram(np.asarray(y), bins=5)[0])
    ax.bar(hx.arange(3), hx.ones(3))
    ax.imshow(hx.ones((4, 4)))
    ax.fill_between(x, y, 0)
    ax.errorbar(x, y, yerr=0.1 * hx.ones(50))
    ax.contour(hx.ones((5, 5)) * hx.arange(5.0))
    fig.savefig(tmp_path / "plot.png")
    plt.close(fig)
    assert (tmp_path / "plot.png").stat().st_size > 1000
