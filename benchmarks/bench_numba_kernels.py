"""Generated Numba kernels vs NumPy: the arith10 and transc12 chains on 16M float32 elements.

    python benchmarks/bench_numba_kernels.py            # 16M elements
    python benchmarks/bench_numba_kernels.py --n 4000000 --repeat 5

Rows, per chain:

* NumPy eager            -- the chain written with NumPy (one temporary per op);
* numpy_exec (blocked)   -- hologram_array's reference executor on the same fused circuit
                            (cache-sized blocks, threads);
* Numba kernel (warm)    -- ``backends/cpu_numba``'s compiled kernel (compile time printed
                            separately; ``warm`` = already compiled / loaded from the cache).

Ratios are NumPy eager time / row time (> 1: faster than NumPy). Also printed: whether the
kernel's result is bit-identical to NumPy's (float32 exp/tanh are NumPy's own SIMD algorithms,
ported in backends/numba_ops.py where this NumPy uses them).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
import hologram_array as hx  # noqa: E402
from hologram_array.backends import cpu_numba, numpy_exec  # noqa: E402
from hologram_array.compiler.materialize import prepare  # noqa: E402

from chains import CHAINS  # noqa: E402
from run import timeit  # noqa: E402  (one timing helper for all benchmarks)


def differences(got: np.ndarray, ref: np.ndarray) -> str:
    bad = ~((got == ref) | (np.isnan(got) & np.isnan(ref)))
    if not bad.any():
        return "bit-identical to NumPy"
    diff = np.abs(got[bad].astype(np.float64) - ref[bad])
    return f"{bad.sum():,} elements differ from NumPy (max |diff| {diff.max():.3g})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=16 * 2**20)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--chains", nargs="*", default=["arith10", "transc12"])
    args = ap.parse_args()
    if not cpu_numba.available():
        sys.exit("numba is not installed: pip install -e '.[cpu]'")
    import numba

    n = args.n
    x = np.random.default_rng(0).uniform(-3, 3, n).astype(np.float32)
    print(f"{n:,} float32 elements; {os.cpu_count()} CPUs, numba {numba.__version__} "
          f"({numba.config.NUMBA_NUM_THREADS} threads, layer {numba.config.THREADING_LAYER}), "
          f"numpy {np.__version__}, numpy_exec threads {numpy_exec.n_threads()}")
    hx.config(eager_below=0)
    for name in args.chains:
        chain = CHAINS[name]
        print(f"\n== {name}: {chain.__doc__.strip().splitlines()[0]}")
        lazy = chain(hx, hx.asarray(x))
        prep = prepare([lazy._node])
        c, b = prep.circuit, prep.binding
        out = np.empty(b.shape, c.output_dtypes[0])
        ref = chain(np, x)

        t0 = time.perf_counter()
        kernel = cpu_numba.compile_circuit(c)
        kernel(b.buffers, b.values, [out])
        t_first = time.perf_counter() - t0
        plan = numpy_exec.Plan(c)

        t_np = timeit(lambda: chain(np, x), args.repeat)
        t_blk = timeit(lambda: numpy_exec.run(plan, b.buffers, b.values, [out]), args.repeat)
        t_nb = timeit(lambda: kernel(b.buffers, b.values, [out]), args.repeat)
        kernel(b.buffers, b.values, [out])
        print(f"  {len(c.instrs)} ops; first call (compile or load from cache + run): {t_first:.2f} s"
              f"{' (loaded from disk cache)' if kernel.cache_hits() else ''}")
        for label, t in (("NumPy eager", t_np), ("numpy_exec (blocked)", t_blk),
                         ("Numba kernel (warm)", t_nb)):
            print(f"  {label:24s} {t * 1e3:9.2f} ms   x{t_np / t:5.2f} vs NumPy eager"
                  f"   {n * 4 * 2 / t / 1e9:6.1f} GB/s (in+out)")
        print(f"  Numba vs numpy_exec: x{t_blk / t_nb:.2f};  Numba result: {differences(out, ref)}")


if __name__ == "__main__":
    main()
