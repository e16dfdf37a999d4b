"""16-bit class maps: float16 / bfloat16 chains over 16M elements, ratios from one run.

    python benchmarks/bench_classmap16.py [--n 16000000]

Rows: NumPy eager in the 16-bit dtype, NumPy eager in float32 (the same chain on a float32
copy), hologram_array (table built on the first call, then cached: the time shown is a warm
call, the build time is printed separately). bfloat16 rows need ml_dtypes.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import hologram_array as hx  # noqa: E402
from hologram_array._dtypes import BFLOAT16  # noqa: E402


def gelu(m, x):
    return 0.5 * x * (1.0 + m.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def gelu_typed(m, x):
    """GELU with its constants in x's dtype (as JAX/PyTorch code writes it): NumPy then keeps
    every op in bfloat16/float16 -- ml_dtypes would otherwise promote bfloat16 * float to
    float32 at the first op."""
    c = lambda v: m.asarray(v, dtype=x.dtype)  # noqa: E731
    return c(0.5) * x * (c(1.0) + m.tanh(c(0.7978845608) * (x + c(0.044715) * x * x * x)))


def chain(m, x):
    return m.tanh(x * 1.5 + 0.25) * x - 0.5


def best(fn, repeat=5):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=16_000_000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    base = (rng.standard_normal(args.n) * 2).astype(np.float32)
    dtypes = [np.dtype(np.float16)] + ([BFLOAT16] if BFLOAT16 is not None else [])
    print(f"16-bit class maps, {args.n:,} elements (warm: table cached; ratio = NumPy time / hologram time)")
    with np.errstate(all="ignore"):
        for dt in dtypes:
            x = base.astype(dt)
            xa = hx.asarray(x)
            for name, f in (("gelu", gelu), ("gelu, typed constants", gelu_typed),
                            ("tanh(x*1.5+0.25)*x-0.5", chain)):
                hx.clear_cache()
                t0 = time.perf_counter()
                np.asarray(f(hx, xa))
                first = time.perf_counter() - t0
                th = best(lambda: np.asarray(f(hx, xa)))
                tn = best(lambda: f(np, x), 3)
                t32 = best(lambda: f(np, base), 3)
                print(f"  {dt.name:9s} {name:24s} NumPy {dt.name} {tn * 1e3:8.1f} ms | NumPy float32 "
                      f"{t32 * 1e3:7.1f} ms | hologram {th * 1e3:6.1f} ms (first call {first * 1e3:6.1f} ms)"
                      f"  -> x{tn / th:5.1f} vs NumPy {dt.name}, x{t32 / th:4.1f} vs float32")
    if BFLOAT16 is None:
        print("  bfloat16: ml_dtypes not installed (pip install 'hologram_array[bf16]')")


if __name__ == "__main__":
    main()
