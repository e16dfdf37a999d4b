"""``import hologram_array`` stays cheap: what it must not import (structural, no timing).

Issue target: under 100 ms on top of ``import numpy``, no Numba. ml_dtypes alone cost ~470 ms
(bfloat16 is resolved once the user's program has imported it), the fusion compiler and its
backends load with the first lazy array that needs values, ``fft`` / ``linalg`` / ``random``
(numpy.random) when asked for. Each check runs in a fresh interpreter.
"""
import json
import subprocess
import sys

import pytest

#: Never imported by ``import hologram_array`` (prefixes: a package and its submodules).
NOT_AT_IMPORT = (
    "numba", "llvmlite", "ml_dtypes", "numpy.random",
    "hologram_array.compiler", "hologram_array.backends",
    "hologram_array.fft", "hologram_array.linalg", "hologram_array.random", "hologram_array.wasm",
    "hologram_array.numpy_compat.fft", "hologram_array.numpy_compat.linalg",
    "hologram_array.numpy_compat.random",
)


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_loads_no_heavy_module():
    out = run(
        "import json, sys, numpy\n"
        "before = set(sys.modules)\n"
        "import hologram_array\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    new = json.loads(out)
    assert "hologram_array" in new
    heavy = [m for m in new if any(m == p or m.startswith(p + ".") for p in NOT_AT_IMPORT)]
    assert heavy == [], f"import hologram_array imported {heavy}"


def test_lazy_submodules_are_in_dir_and_load_on_access():
    out = run(
        "import json, sys, hologram_array as h\n"
        "names = dir(h)\n"
        "r = {n: n in names for n in ('fft', 'linalg', 'random', 'compiler', 'backends')}\n"
        "r['fft_is_ours'] = h.fft.__name__ == 'hologram_array.fft' and callable(h.fft.rfft)\n"
        "r['linalg_is_ours'] = h.linalg.__name__ == 'hologram_array.linalg' and callable(h.linalg.svd)\n"
        "r['random_is_ours'] = h.random.__name__ == 'hologram_array.random' and callable(h.random.rand)\n"
        "r['compiler'] = h.compiler.__name__ == 'hologram_array.compiler'\n"
        "r['no_numba_yet'] = 'numba' not in sys.modules\n"
        "print(json.dumps(r))\n"
    )
    assert all(json.loads(out).values()), out


def test_compiler_loads_with_the_first_lazy_result():
    out = run(
        "import sys, hologram_array as h\n"
        "x = h.arange(100000, dtype=h.float32)\n"
        "y = h.sin(x) * 2 + 1\n"
        "assert 'hologram_array.compiler.materialize' not in sys.modules\n"
        "import numpy\n"
        "assert numpy.allclose(numpy.asarray(y), numpy.sin(numpy.arange(100000, dtype='f4')) * 2 + 1)\n"
        "print('hologram_array.compiler.materialize' in sys.modules)\n"
    )
    assert out.strip() == "True"


def test_bfloat16_found_when_ml_dtypes_is_imported_after_hologram_array():
    pytest.importorskip("ml_dtypes")
    out = run(
        "import sys, numpy as np, hologram_array as hx\n"
        "from hologram_array import _dtypes\n"
        "assert 'ml_dtypes' not in sys.modules and _dtypes.bfloat16() is None\n"
        "import ml_dtypes\n"
        "bf = np.dtype(ml_dtypes.bfloat16)\n"
        "assert _dtypes.bfloat16() == bf and bf in _dtypes.sixteen_bit_domain()\n"
        "hx.config(classmap='always', eager_below=0)\n"
        "x = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(bf)\n"
        "with np.errstate(all='ignore'):\n"
        "    e = hx.tanh(hx.asarray(x) * 1.5 + 0.25) * hx.asarray(x)\n"
        "    assert 'class map: yes -- 65536 table' in hx.explain(e), hx.explain(e)\n"
        "    got, ref = np.asarray(e), np.tanh(x * 1.5 + 0.25) * x\n"
        "assert got.dtype == ref.dtype == bf\n"
        "assert (got.view(np.uint16) == ref.view(np.uint16)).all()\n"
        "print('ok')\n"
    )
    assert out.strip() == "ok"
