"""Generated Numba kernels vs NumPy: the arith10 and transc12 chains on 16M float32 elements.

    python benchmarks/bench_numba_kernels.py            # 16M elements
    python benchmarks/bench_numba_kernels.py --n 4000000 --repeat 5

Rows, per chain:

* NumPy eager            -- the chain written with NumPy (one temporary per op);
* numpy_exec (blocked)   -- hologram_array's reference executor on the same fused circuit
                            (cache-sized blocks, threads);
* Numba kernel (warm)    -- ``backends/cpu_numba``'s compiled kernel (compile time printed
                            separately; ``warm`` = already compiled / loaded from the cache).

* same, no fp flags       -- the kernel without its floating-point flag bookkeeping (what it costs);
* hand-written Numba      -- arith10 written by hand as a parallel Numba loop; parallel copy --
                            the memory-bandwidth limit (read + write of the same arrays).

Times are minima over interleaved rounds (the machine is shared; minima are the least noisy).
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


def differences(got: np.ndarray, ref: np.ndarray) -> str:
    bad = ~((got == ref) | (np.isnan(got) & np.isnan(ref)))
    if not bad.any():
        return "bit-identical to NumPy"
    diff = np.abs(got[bad].astype(np.float64) - ref[bad])
    return f"{bad.sum():,} elements differ from NumPy (max |diff| {diff.max():.3g})"


_HAND = None


def hand_written():
    """Reference loops written by hand with Numba: arith10 (float32 constants, NaN-oblivious
    clip) and a parallel copy -- the targets the generated kernel is measured against."""
    global _HAND
    if _HAND is None:
        import numba

        @numba.njit(parallel=True, nogil=True)
        def arith10_hand(a, out):
            for i in numba.prange(a.shape[0]):
                x = a[i]
                y = abs(x * np.float32(1.5) + np.float32(0.25)) * x - np.float32(0.5)
                y = min(max(y, np.float32(0)), np.float32(4))
                out[i] = y * np.float32(0.75) + x - np.float32(1)

        @numba.njit(parallel=True, nogil=True)
        def copy(a, out):
            for i in numba.prange(a.shape[0]):
                out[i] = a[i]

        _HAND = {"arith10": arith10_hand, "copy": copy}
    return _HAND


def without_flags(kernel):
    """The same generated kernel with the floating-point flag bookkeeping removed (the MXCSR
    clear/read per block and the software flags), compiled in memory: what the flags cost."""
    src = kernel.source.replace("fpe_clear()", "pass").replace("fpe_read() | sw_bits(sw1, sw2, sw4, sw8)", "0")
    src = "\n".join(line for line in src.splitlines() if not line.strip().startswith(("sw1 |=", "sw2 |=", "sw4 |=", "sw8 |=")))
    mod = cpu_numba._module_in_memory(src, "noflags")
    return cpu_numba.Kernel(kernel.circuit, src, kernel.uses, mod, False)


def best_of(fns: dict, rounds: int) -> dict:
    """Minimum time of each function over ``rounds`` interleaved rounds (noisy shared machine)."""
    for f in fns.values():
        f()
    best = {k: float("inf") for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t0 = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=16 * 2**20)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--chains", nargs="*", default=["arith10", "transc12"])
    ap.add_argument("--gather", type=int, default=32 * 2**20, metavar="N",
                    help="elements of the class-map gather benchmark (0: skip)")
    ap.add_argument("--threads", type=int, default=0,
                    help="Numba threads (default: all); 1 is steadier on a shared machine")
    args = ap.parse_args()
    if not cpu_numba.available():
        sys.exit("numba is not installed: pip install -e '.[cpu]'")
    import numba
    if args.threads:
        numba.set_num_threads(args.threads)

    n = args.n
    x = np.random.default_rng(0).uniform(-3, 3, n).astype(np.float32)
    print(f"{n:,} float32 elements; {os.cpu_count()} CPUs, numba {numba.__version__} "
          f"({numba.get_num_threads()} threads, layer {numba.config.THREADING_LAYER}), "
          f"numpy {np.__version__}, numpy_exec threads {numpy_exec.n_threads()}; "
          f"minimum of {args.repeat} interleaved rounds")
    hx.config(eager_below=0)
    hand = hand_written()
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
        bare = without_flags(kernel)
        bare(b.buffers, b.values, [out])
        fns = {
            "NumPy eager": lambda: chain(np, x),
            "numpy_exec (blocked)": lambda: numpy_exec.run(plan, b.buffers, b.values, [out]),
            "Numba kernel (warm)": lambda: kernel(b.buffers, b.values, [out]),
            "  same, no fp flags": lambda: bare(b.buffers, b.values, [out]),
        }
        if name in hand:
            fns["hand-written Numba"] = lambda: hand[name](x, out)
        fns["parallel copy"] = lambda: hand["copy"](x, out)
        t = best_of(fns, args.repeat)
        flags = kernel(b.buffers, b.values, [out])
        print(f"  {len(c.instrs)} ops; first call (compile or load from cache + run): {t_first:.2f} s"
              f"{' (loaded from disk cache)' if kernel.cache_hits() else ''}; fp flags {flags}")
        t_np = t["NumPy eager"]
        for label, tt in t.items():
            print(f"  {label:24s} {tt * 1e3:9.2f} ms   x{t_np / tt:6.2f} vs NumPy eager"
                  f"   {n * 4 * 2 / tt / 1e9:6.1f} GB/s (in+out)")
        line = f"  Numba vs numpy_exec: x{t['numpy_exec (blocked)'] / t['Numba kernel (warm)']:.2f}"
        if "hand-written Numba" in t:
            line += f"; vs hand-written: x{t['hand-written Numba'] / t['Numba kernel (warm)']:.2f}"
        line += f"; flag bookkeeping: {100 * (t['Numba kernel (warm)'] / t['  same, no fp flags'] - 1):+.1f}%"
        print(line + f";  Numba result: {differences(out, ref)}")
    if args.gather:
        bench_gather(args.gather, args.repeat)


def bench_gather(n: int, repeat: int) -> None:
    """Class-map lookups: 256-entry uint8 -> uint8 (and a 65536-entry two-input table)."""
    rng = np.random.default_rng(1)
    lut = rng.integers(0, 256, 256).astype(np.uint8)
    x = rng.integers(0, 256, n).astype(np.uint8)
    y = rng.integers(0, 256, n).astype(np.uint8)
    out = np.empty(n, np.uint8)
    ref = lut[x]
    hand = hand_written()
    trans = lut.tobytes()
    fns = {"NumPy lut[x]": lambda: lut[x], "bytes.translate": lambda: x.tobytes().translate(trans)}
    methods = cpu_numba.gather_methods_available()  # fastest first; scalar always
    for m in methods:
        fns[f"Numba gather ({m})"] = (lambda k: lambda: k(lut, [x], out))(cpu_numba.gather_kernel(1, method=m))
    fns["parallel copy"] = lambda: hand["copy"](x, out)
    fns["np.copyto"] = lambda: np.copyto(out, x)
    t = best_of(fns, repeat)
    print(f"\n== class-map gather, {n:,} uint8 -> uint8 (256-entry table); auto picks "
          f"{cpu_numba.gather_method()!r} (${cpu_numba.GATHER_ENV} forces one)")
    for label, tt in t.items():
        print(f"  {label:24s} {tt * 1e3:9.2f} ms   x{t['NumPy lut[x]'] / tt:6.2f} vs lut[x]"
              f"   {2 * n / tt / 1e9:6.1f} GB/s (in+out)")
    missing = [m for m in ("vbmi", "pshufb") if m not in methods]
    if missing:
        print(f"  (this CPU lacks: {', '.join(missing)})")
    for m in methods:
        cpu_numba.gather(lut, [x], out, method=m)
        print(f"  {m}: {'bit-identical to lut[x]' if np.array_equal(out, ref) else 'DIFFERS'}")
    lut2 = rng.integers(0, 256, 65536).astype(np.uint8)
    k2 = cpu_numba.gather_kernel(2)
    t = best_of({"NumPy lut2[x*256+y]": lambda: lut2[(x.astype(np.intp) << 8) | y],
                 "Numba gather (2 inputs)": lambda: k2(lut2, [x, y], out)}, repeat)
    print(f"== two-input gather, {n:,} (65536-entry uint8 table)")
    for label, tt in t.items():
        print(f"  {label:24s} {tt * 1e3:9.2f} ms")


if __name__ == "__main__":
    main()
