"""One command, one run, ratios against the baselines measured in the same run.

    python benchmarks/run.py            # everything (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller sizes, fewer repeats
    python benchmarks/run.py memory chains classmap   # chosen sections

Ratios are ``baseline time / hologram time`` (> 1: hologram is faster) and
``baseline peak memory / hologram peak memory``. numexpr, Numba and JAX rows
appear when those packages are installed (``pip install -e ".[bench]"``).
Absolute times vary between machines; compare ratios from one run.
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

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import hologram_array as hx  # noqa: E402

from chains import CHAINS  # noqa: E402


def timeit(fn, repeat: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def fmt_t(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:8.1f} us"
    return f"{s * 1e3:8.2f} ms"


def row(label: str, t: float, base: float | None = None, note: str = "") -> None:
    ratio = f"  x{base / t:6.2f} vs NumPy" if base else ""
    print(f"  {label:44s} {fmt_t(t)}{ratio}{'  ' + note if note else ''}")


def peak_bytes(fn) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return peak


# ---- sections ---------------------------------------------------------------------


def section_memory(quick: bool) -> None:
    n = 2_000_000 if quick else 10_000_000
    print(f"\n== memory: 20-op float64 chain over {n:,} elements (peak traced bytes beyond the inputs)")
    x = np.random.default_rng(0).random(n)
    chain = CHAINS["poly20"]
    xa = hx.asarray(x)
    pn = peak_bytes(lambda: chain(np, x))
    ph = peak_bytes(lambda: np.asarray(chain(hx, xa)))
    out_bytes = x.nbytes
    print(f"  NumPy eager      peak {pn / 2**20:8.1f} MiB  ({pn / out_bytes:4.1f}x the output)")
    print(f"  hologram_array   peak {ph / 2**20:8.1f} MiB  ({ph / out_bytes:4.1f}x the output)"
          f"   -> NumPy/hologram = {pn / ph:.2f}")
    print(f"  extra beyond the output: NumPy {(pn - out_bytes) / 2**20:.1f} MiB, "
          f"hologram {(ph - out_bytes) / 2**20:.2f} MiB")


def section_chains(quick: bool) -> None:
    sizes = [1 << 10, 1 << 16, 1 << 20] + ([] if quick else [1 << 24])
    for name in ("arith10", "transc12"):
        chain = CHAINS[name]
        print(f"\n== {name}: {chain.__doc__.strip()}  (float32)")
        for n in sizes:
            a = np.random.default_rng(1).standard_normal(n).astype(np.float32)
            ha = hx.asarray(a)
            rep = 5 if n >= 1 << 22 else 20
            tn = timeit(lambda: chain(np, a), rep)
            th = timeit(lambda: np.asarray(chain(hx, ha)), rep)
            print(f" n = {n:,}")
            row("numpy eager", tn)
            row("hologram (record + fused blocked run)", th, tn)
            _optional_peers(name, a, rep, tn)


def _optional_peers(name: str, a: np.ndarray, rep: int, tn: float) -> None:
    try:
        import numexpr as ne
    except ImportError:
        return
    expr = CHAINS[name].numexpr
    if expr:
        t = timeit(lambda: ne.evaluate(expr, local_dict={"a": a}), rep)
        row("numexpr", t, tn)


def section_classmap(quick: bool) -> None:
    n = (1 << 22) if quick else (1 << 25)
    x = np.random.default_rng(2).integers(0, 256, n, dtype=np.uint8)
    hxa = hx.asarray(x)
    print(f"\n== 8-bit chains, uint8, {n:,} elements (class map: one lookup per element)")
    tcopy = timeit(lambda: x.copy(), 5)
    row("copy (memory floor)", tcopy)
    for length in (1, 4, 10, 16, 64):
        chain = CHAINS["u8chain"]
        tn = timeit(lambda: chain(np, x, length), 3)
        th = timeit(lambda: np.asarray(chain(hx, hxa, length)), 5)
        row(f"{length:2d}-op chain: numpy eager", tn)
        row(f"{length:2d}-op chain: hologram", th, tn, f"({th / tcopy:.1f}x copy)")


SECTIONS = {"memory": section_memory, "chains": section_chains, "classmap": section_classmap}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sections", nargs="*", help=f"any of {list(SECTIONS)} (default: all)")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(f"hologram_array {hx.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cpu(s)")
    for s in args.sections or SECTIONS:
        if s not in SECTIONS:
            ap.error(f"unknown section {s!r}; choose from {list(SECTIONS)}")
        SECTIONS[s](args.quick)


if __name__ == "__main__":
    main()
