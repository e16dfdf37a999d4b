"""The distribution: one pure ``py3-none-any`` wheel (what micropip installs in Pyodide), whose
only unconditional requirement is NumPy -- and which imports and runs inside a WASI guest."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "wasm"))
import run_wasm_tests  # noqa: E402


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return run_wasm_tests.build_wheel(tmp_path_factory.mktemp("dist"))


def test_wheel_is_pure_python(wheel):
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n for n in names if n.endswith(".dist-info/WHEEL"))
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        wheel_txt = z.read(info).decode()
    assert "Root-Is-Purelib: true" in wheel_txt and "Tag: py3-none-any" in wheel_txt
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dylib", ".dll", ".c"))]
    assert "hologram_array/wasm.py" in names and "hologram_array/__init__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]
    unconditional = [line.split(":", 1)[1].strip() for line in meta.splitlines()
                     if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert [r.split(">")[0].split("=")[0].strip() for r in unconditional] == ["numpy"], unconditional


def test_wheel_imports_and_runs_inside_wasmtime(tmp_path):
    """The wheel unpacked (as micropip does) into a WASI guest: the runner's import check."""
    r = subprocess.run([sys.executable, run_wasm_tests.__file__, "--from-wheel", "--import-only"],
                       capture_output=True, text=True, timeout=3000)
    log = r.stdout + r.stderr
    if r.returncode == 3:
        pytest.skip(log.strip().splitlines()[-1])
    assert r.returncode == 0, log[-4000:]
    assert "guest gets the package from hologram_array-" in log
