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
