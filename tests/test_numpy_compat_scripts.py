"""Ordinary NumPy scripts, run once with ``numpy`` and once with ``hologram_array`` as ``np``:
the printed/returned results must match (same values, same dtypes)."""
from __future__ import annotations

import numpy
import pytest

import hologram_array
from _numpy_compat_helpers import assert_same


def data_analysis(np):
    """Summary statistics, normalization, grouping and a histogram of a small synthetic table."""
    np.random.seed(0)
    n = 500
    age = np.random.randint(18, 80, size=n)
    income = np.round(np.random.normal(50_000, 15_000, n), 2)
    income[np.random.rand(n) < 0.05] = np.nan
    group = np.random.choice(np.array([0, 1, 2]), size=n, p=[0.5, 0.3, 0.2])
    table = np.column_stack([age, income, group])
    out = {
        "shape": table.shape,
        "mean_age": np.mean(age),
        "median_income": np.nanmedian(income),
        "std_income": np.nanstd(income, ddof=1),
        "missing": int(np.isnan(income).sum()),
        "quartiles": np.nanpercentile(income, [25, 50, 75]),
    }
    clean = table[~np.isnan(table[:, 1])]
    z = (clean[:, 1] - clean[:, 1].mean()) / clean[:, 1].std()
    out["outliers"] = np.flatnonzero(np.abs(z) > 2.5)
    labels, counts = np.unique(clean[:, 2].astype(np.int64), return_counts=True)
    out["group_counts"] = counts
    out["group_means"] = np.array([clean[clean[:, 2] == g, 1].mean() for g in labels])
    hist, edges = np.histogram(clean[:, 0], bins=6, range=(18, 80))
    out["hist"], out["edges"] = hist, edges
    out["corr"] = np.corrcoef(clean[:, 0], clean[:, 1])[0, 1]
    order = np.argsort(clean[:, 1])[::-1][:5]
    out["top5"] = clean[order, 1]
    out["by_decade"] = np.bincount((clean[:, 0] // 10).astype(int) - 1)
    out["cum"] = np.cumsum(counts) / counts.sum()
    return out


def monte_carlo_pi(np):
    """Estimate pi from random points in the unit square, with a seeded legacy stream and a Generator."""
    np.random.seed(42)
    n = 200_000
    x, y = np.random.rand(n), np.random.rand(n)
    inside = (x * x + y * y) <= 1.0
    est1 = 4.0 * np.count_nonzero(inside) / n
    rng = np.random.default_rng(2024)
    pts = rng.uniform(-1, 1, size=(n, 2))
    est2 = 4.0 * np.mean(np.sum(pts ** 2, axis=1) <= 1.0)
    batches = np.array([4.0 * np.mean(np.sum(rng.random((1000, 2)) ** 2, axis=1) <= 1) for _ in range(20)])
    return {"est1": est1, "est2": est2, "err": abs(est2 - np.pi), "batch_mean": batches.mean(),
            "batch_sem": batches.std(ddof=1) / np.sqrt(len(batches)), "inside_dtype": inside.dtype}


def least_squares(np):
    """Fit a quadratic with polyfit, the same model with linalg.lstsq, and a line via the normal equations."""
    rng = np.random.default_rng(7)
    x = np.linspace(-2, 2, 60)
    y = 1.5 * x ** 2 - 0.5 * x + 2.0 + rng.normal(0, 0.2, x.size)
    coef = np.polyfit(x, y, 2)
    fit = np.polyval(coef, x)
    A = np.vstack([x ** 2, x, np.ones_like(x)]).T
    sol, resid, rank, sv = np.linalg.lstsq(A, y, rcond=None)
    B = np.column_stack([x, np.ones(x.shape[0])])
    line = np.linalg.solve(B.T @ B, B.T @ y)
    r2 = 1 - np.sum((y - fit) ** 2) / np.sum((y - y.mean()) ** 2)
    return {"coef": coef, "sol": sol, "resid": resid, "rank": rank, "sv": sv, "line": line, "r2": r2,
            "rmse": np.sqrt(np.mean((y - fit) ** 2)), "norm": np.linalg.norm(A, axis=0),
            "close": np.allclose(coef, sol)}


def image_pipeline(np):
    """An 8-bit image: gamma, clip, threshold, a box blur with slicing, and a 2-D FFT magnitude."""
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=(64, 48), dtype=np.uint8)
    f = img.astype(np.float32) / 255.0
    gamma = np.clip(f ** 0.8 * 1.1, 0.0, 1.0)
    out8 = (gamma * 255).round().astype(np.uint8)
    mask = out8 > 128
    pad = np.pad(f, 1, mode="edge")
    blur = (pad[:-2, :-2] + pad[1:-1, :-2] + pad[2:, :-2] + pad[:-2, 1:-1] + pad[1:-1, 1:-1]
            + pad[2:, 1:-1] + pad[:-2, 2:] + pad[1:-1, 2:] + pad[2:, 2:]) / 9
    spec = np.abs(np.fft.fftshift(np.fft.fft2(f)))
    return {"out8": out8, "frac": mask.mean(), "blur": blur, "spec_peak": np.unravel_index(np.argmax(spec),
            spec.shape), "rows": out8.sum(axis=1), "minmax": (out8.min(), out8.max()),
            "hist": np.bincount(out8.ravel(), minlength=256)[:8]}


SCRIPTS = [data_analysis, monte_carlo_pi, least_squares, image_pipeline]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.__name__ for s in SCRIPTS])
def test_script_gives_numpys_results(script):
    ref = script(numpy)
    got = script(hologram_array)
    assert got.keys() == ref.keys()
    for key in ref:
        r, g = ref[key], got[key]
        if isinstance(r, (float, numpy.floating)) or (isinstance(r, numpy.ndarray) and r.dtype.kind == "f"):
            assert_same(g, r, exact=False, rtol=1e-9, path=key)
        else:
            assert_same(g, r, path=key)
