"""Compile once, run anywhere (issue 7): circuit file sizes, and the time to load a saved
circuit and run it once -- cold (empty kernel disk cache) and warm (kernel on disk) -- each
measured in a fresh Python process, as a deployment would see it.

    python benchmarks/bench_compile_once.py [--n 1000000] [--repeat 3]

Per prebuild mode (``load_circuit(path, prebuild=...)``):

* ``sync``  -- the CPU kernel is compiled (cold) or loaded from Numba's disk cache (warm) during
  ``load_circuit``; the first run is compiled code.
* ``background`` -- ``load_circuit`` returns at once; the first run uses the NumPy executor
  while a worker process compiles (cold) or the kernel loads (warm).
* ``none``  -- NumPy executor / class maps only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
import hologram_array as hx
t1 = time.perf_counter()
path, mode, n, dtype = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
cc = hx.load_circuit(path, prebuild=mode)
t2 = time.perf_counter()
rng = np.random.default_rng(0)
args = []
for s in cc.signature:
    dt = np.dtype(s[1])
    shape = (n,) if s[2] == 1 else (n // 1000, 1000)
    a = rng.integers(0, 256, shape).astype(dt) if dt.kind in "iub" else rng.random(shape).astype(dt)
    args.append(a)
t3 = time.perf_counter()
cc(*args)
t4 = time.perf_counter()
cc(*args)
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "first_run": t4 - t3, "second_run": t5 - t4,
                  "load_plus_first": (t2 - t1) + (t4 - t3)}))
"""


def circuits():
    import numpy as np
    import hologram_array as hx
    return {
        "poly_f32 (1 input, 6 ops)": (hx.compile(lambda x: ((x * 0.5 + 1.25) * x - 3.0) * x + 0.125),
                                      (np.ones(10, np.float32),)),
        "blend_f64 (2 inputs, where/sin)": (hx.compile(lambda x, y: hx.where(x > y, hx.sin(x), y * y) + 1),
                                            (np.ones(10), np.ones(10))),
        "u8_chain (1 input, class map)": (hx.compile(lambda x: (((x >> 1) ^ 0x5A) + 3) & 0xF0 | 1),
                                          (np.ones(10, np.uint8),)),
        "u8_pair (2 inputs, 64K table)": (hx.compile(lambda x, y: (x // 3 + y) ^ (y >> 2)),
                                          (np.ones(10, np.uint8), np.ones(10, np.uint8))),
        "normalize_f64 (2-d, reductions)": (hx.compile(lambda x: (x - hx.mean(x, axis=-1, keepdims=True),
                                                                  hx.sum(x * x))), (np.ones((2, 2)),)),
    }


def run_child(path: str, mode: str, n: int, cache: str) -> dict:
    env = dict(os.environ, HOLOGRAM_CACHE_DIR=cache, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", CHILD, path, mode, str(n), "x"], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--modes", default="sync,background,none")
    args = ap.parse_args()
    from hologram_array.compiler import jit
    with tempfile.TemporaryDirectory() as d:
        print(f"# circuit files (n is not part of a circuit; runs below on {args.n:,} elements)")
        paths = {}
        for name, (f, a) in circuits().items():
            p = os.path.join(d, name.split()[0] + ".hxc")
            size = f.save(p, *a)
            paths[name] = p
            print(f"{name:36s} {size:8,d} bytes")
        print()
        print(f"# fresh process: import, load_circuit (with prebuild), first run, second run "
              f"(numba installed: {jit.numba_installed()})")
        print(f"{'circuit':36s} {'mode':10s} {'cache':5s} {'import':>8s} {'load':>8s} {'1st run':>8s} "
              f"{'2nd run':>8s} {'load+1st':>9s}  (ms)")
        for name, p in paths.items():
            for mode in args.modes.split(","):
                cache = os.path.join(d, f"cache_{mode}_{os.path.basename(p)}")
                for state in ("cold", "warm"):
                    r = run_child(p, mode, args.n, cache)
                    print(f"{name:36s} {mode:10s} {state:5s} {r['import'] * 1e3:8.1f} {r['load'] * 1e3:8.1f} "
                          f"{r['first_run'] * 1e3:8.1f} {r['second_run'] * 1e3:8.1f} "
                          f"{r['load_plus_first'] * 1e3:9.1f}")


if __name__ == "__main__":
    main()
