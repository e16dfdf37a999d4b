"""Test-wide settings.

Most tests exercise the lazy machinery on small arrays, so the eager small-array
shortcut is switched off for them; tests marked ``eager`` run with the library's
default instead.
"""
import warnings

import numpy as np
import pytest

import hologram_array as hx


def pytest_configure(config):
    config.addinivalue_line("markers", "eager: run with the default eager_below setting")
    config.addinivalue_line("markers", "jit: compiled kernels allowed (the test sets its compile mode)")


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory):
    """Kernels and tables the tests build go to a temporary cache, not the user's."""
    import os

    old = os.environ.get("HOLOGRAM_CACHE_DIR")
    os.environ["HOLOGRAM_CACHE_DIR"] = str(tmp_path_factory.mktemp("hologram_cache"))
    yield
    if old is None:
        os.environ.pop("HOLOGRAM_CACHE_DIR", None)
    else:
        os.environ["HOLOGRAM_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _no_compiles_unless_asked(request):
    """Compiled kernels only in tests that ask for them: a suite-wide background compiler
    would compile hundreds of one-off circuits (tests/test_jit_driver.py covers the driver)."""
    if request.node.get_closest_marker("jit"):
        yield
        return
    old = hx.config(compile="never")
    try:
        yield
    finally:
        hx.config(**old)


@pytest.fixture(autouse=True)
def _lazy_small_arrays(request):
    if request.node.get_closest_marker("eager"):
        yield
        return
    old = hx.config(eager_below=0)
    try:
        yield
    finally:
        hx.config(**old)


@pytest.fixture
def quiet_numpy():
    """RuntimeWarnings off and NumPy's errors ignored (differential tests opt in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            yield
