"""Array-API consumers accept hologram_array (issue: the namespace must be usable by them).

Each check runs in a fresh process: SciPy reads SCIPY_ARRAY_API when it is first imported.
Skipped, with the reason, where a consumer is not installed.
"""
import importlib.util
import subprocess
import sys

import pytest

CODE = r'''
import numpy as np, hologram_array as hx
X = hx.asarray(np.random.default_rng(0).standard_normal((200, 4)))
y = hx.asarray((np.random.default_rng(1).random(200) > 0.5).astype(np.int64))
{body}
'''


def _run(body: str) -> str:
    env = {**__import__("os").environ, "SCIPY_ARRAY_API": "1"}
    out = subprocess.run([sys.executable, "-c", CODE.format(body=body)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _need(*mods: str) -> None:
    for m in mods:
        if importlib.util.find_spec(m) is None:
            pytest.skip(f"{m} is not installed")


def test_array_api_compat_finds_our_namespace():
    _need("array_api_compat")
    out = _run("import array_api_compat as c\nprint(c.array_namespace(X).__name__, c.is_array_api_obj(X))")
    assert out.split() == ["hologram_array", "True"]


def test_scikit_learn_with_array_api_dispatch():
    _need("sklearn", "scipy", "array_api_compat")
    out = _run(
        "from sklearn import config_context\n"
        "from sklearn.discriminant_analysis import LinearDiscriminantAnalysis\n"
        "from sklearn.decomposition import PCA\n"
        "ref = PCA(n_components=2, svd_solver='full').fit(np.asarray(X)).transform(np.asarray(X))\n"
        "with config_context(array_api_dispatch=True):\n"
        "    lda = LinearDiscriminantAnalysis().fit(X, y).transform(X)\n"
        "    pca = PCA(n_components=2, svd_solver='full').fit(X).transform(X)\n"
        "print(type(lda).__module__, type(pca).__module__, np.allclose(np.asarray(pca), ref))\n")
    assert out.split() == ["hologram_array._array", "hologram_array._array", "True"]


def test_scipy_with_scipy_array_api():
    _need("scipy", "array_api_compat")
    out = _run(
        "import scipy.special as sp\n"
        "v = hx.asarray(np.arange(5.0))\n"
        "r = sp.logsumexp(v)\n"
        "print(type(r).__module__, np.isclose(float(r), sp.logsumexp(np.arange(5.0))))\n")
    assert out.split() == ["hologram_array._array", "True"]
