"""Runs *inside* the WebAssembly guest (see run_wasm_tests.py); writes its results as JSON.

    _guest.py import RESULT.json FORBIDDEN...   import check in a fresh interpreter
    _guest.py tests  RESULT.json PYTEST_ARGS... pytest over the wasm subset
    _guest.py bench  RESULT.json BENCH_ARGS...  benchmarks/wasm_bench.py
"""
import json
import os
import sys
import time


def _write(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=1)


def _base():
    return {"platform": sys.platform, "python": sys.version.split()[0]}


def do_import(path, forbidden):
    before = set(sys.modules)
    t0 = time.perf_counter()
    import hologram_array as hx
    import hologram_array.wasm as hw
    import_s = time.perf_counter() - t0
    imported = sorted(set(sys.modules) - before)
    import numpy as np

    checks = {}

    def check(name, fn):
        try:
            r = fn()
            checks[name] = True if r is None or r is True else f"returned {r!r}"
        except Exception as e:  # reported to the host, which fails the run
            checks[name] = f"{type(e).__name__}: {e}"

    def default_device():
        assert str(hx.__array_namespace_info__().default_device()) == "wasm"
        assert str(hx.asarray(np.zeros(3)).device) == "wasm"
        assert str(hw.zeros(3).device) == "wasm"

    def classmap_chain():
        u = np.arange(1 << 20, dtype=np.uint8)
        x = hx.asarray(u)
        ref = u
        for k in range(16):
            x = (x * 3 + 1) ^ 5
            ref = (ref * np.uint8(3) + np.uint8(1)) ^ np.uint8(5)
        plan = hx.explain(x)
        assert "class map: yes" in plan, plan
        assert np.array_equal(np.asarray(x), ref)

    def sixteen_bit_table():
        # a 16-bit class map: its disk cache must stay off without a writable folder
        u = np.arange(1 << 17, dtype=np.uint16)
        x = hx.asarray(u)
        y = ((x * 3 + 1) ^ 0x5A5A) * 7 + (x >> 3) - 11
        ref = ((u * np.uint16(3) + np.uint16(1)) ^ np.uint16(0x5A5A)) * np.uint16(7) + (u >> np.uint16(3)) - np.uint16(11)
        assert "class map: yes" in hx.explain(y), hx.explain(y)
        assert np.array_equal(np.asarray(y), ref)

    def float_chain():
        a = np.linspace(-2, 2, 1 << 20, dtype=np.float32)
        x = hx.asarray(a)
        y = hx.clip(abs(x * 1.5 + 0.25) * x - 0.5, 0, 4) * 0.75 + x - 1
        ref = np.clip(np.abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1
        assert "compiled kernel: none on the wasm device" in hx.explain(y)
        assert np.array_equal(np.asarray(y), ref)

    def fused_sum():
        a = np.linspace(0, 1, 1 << 20, dtype=np.float64)
        x = hx.asarray(a)
        got, ref = float(hx.sum(x * x + 1)), float(np.sum(a * a + 1))
        assert abs(got - ref) <= 1e-12 * abs(ref), (got, ref)

    def no_threads_used():
        import threading
        from hologram_array.backends import numpy_exec
        assert numpy_exec.n_threads() == 1
        assert numpy_exec._pool is None
        assert threading.active_count() == 1

    for name, fn in [("default device", default_device), ("class-map chain", classmap_chain),
                     ("16-bit class map", sixteen_bit_table),
                     ("float chain", float_chain), ("fused sum", fused_sum),
                     ("no threads used", no_threads_used)]:
        check(name, fn)
    after = sorted(m for m in sys.modules if m.split(".")[0] in {f.split(".")[0] for f in forbidden})
    _write(path, dict(_base(), default_device=str(hx.__array_namespace_info__().default_device()),
                      imported=imported, forbidden_loaded_after_use=after, import_seconds=import_s,
                      checks=checks))
    return 0


def _numpy_reports_fp_errors():
    import numpy as np

    with np.errstate(divide="raise"):
        try:
            np.array([1.0]) / np.array([0.0])
        except FloatingPointError:
            return True
    return False


PROBES = {"fp_flags": _numpy_reports_fp_errors}
CAPABILITIES = {"fp_flags": "NumPy here reports no floating-point errors (no FP exception flags in "
                            "wasm), so there is no NumPy warning to compare with"}


def do_tests(path, args):
    import pytest

    class Recorder:
        def __init__(self):
            self.counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "xfailed": 0, "xpassed": 0}
            self.failures = []
            self.skips = []
            self.passed_here = []  # tests/wasm/ tests that passed, by id

        def pytest_runtest_logreport(self, report):
            if hasattr(report, "wasxfail"):
                self.counts["xfailed" if report.skipped else "xpassed"] += 1
            elif report.failed:
                self.counts["failed" if report.when == "call" else "error"] += 1
                self.failures.append(f"{report.nodeid} ({report.when})")
            elif report.skipped:
                self.counts["skipped"] += 1
                self.skips.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")
            elif report.when == "call":
                self.counts["passed"] += 1
                if report.nodeid.startswith("tests/wasm/"):
                    self.passed_here.append(report.nodeid)

        def pytest_collectreport(self, report):
            if report.failed:
                self.counts["error"] += 1
                self.failures.append(f"{report.nodeid} (collection)")

    class PlatformSkips:
        """Skips the tests of ``/src/wasm_skips.json`` while their capability is missing here."""

        def __init__(self):
            with open("/src/wasm_skips.json") as f:
                self.wanted = json.load(f)
            self.missing = {name: why for name, why in CAPABILITIES.items() if not PROBES[name]()}
            self.used = set()

        def pytest_configure(self, config):
            # No example database (it would want a writable folder); no per-example deadline.
            import hypothesis

            hypothesis.settings.register_profile("wasm", database=None, deadline=None)
            hypothesis.settings.load_profile("wasm")

        def pytest_collection_modifyitems(self, config, items):
            for item in items:
                base = item.nodeid.split("[")[0]
                cap = self.wanted.get(base)
                if cap is not None:
                    self.used.add(base)
                    if cap in self.missing:
                        item.add_marker(pytest.mark.skip(reason=f"WASM host: {self.missing[cap]}"))

    rec = Recorder()
    skips = PlatformSkips()
    t0 = time.perf_counter()
    rc = pytest.main(list(args), plugins=[rec, skips])
    _write(path, dict(_base(), pytest_exit_code=int(rc), counts=rec.counts, failures=rec.failures,
                      skips=rec.skips, passed_wasm_tests=rec.passed_here, seconds=time.perf_counter() - t0,
                      missing_capabilities=sorted(skips.missing),
                      unused_skips=sorted(set(skips.wanted) - skips.used)))
    return 0


def do_bench(path, args):
    sys.path.insert(0, "/src/benchmarks")
    import wasm_bench

    results = wasm_bench.main(list(args))
    _write(path, dict(_base(), ok=True, results=results))
    return 0


def main():
    sys.dont_write_bytecode = True
    mode, path, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.chdir("/src")
    return {"import": do_import, "tests": do_tests, "bench": do_bench}[mode](path, rest)


if __name__ == "__main__":
    sys.exit(main())
