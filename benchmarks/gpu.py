"""GPU benchmark (issue 8): hologram_array on a CUDA device vs CuPy unfused vs ``cupy.fuse``.

    python benchmarks/gpu.py [--json PATH] [--sizes 1K,1M,64M]

For 1K, 1M and 64M elements: the 10-op float32 chain (``chains.arith10``), the 12-op
transcendental chain (``chains.transc12``), 8-bit chains of 10 and 64 ops (``chains.u8chain``:
one class-map lookup per element for hologram_array), a fused reduction (``sum`` of the float32
chain) and a device-to-device copy (the bandwidth ceiling); plus launch overhead (a 1-element
``x + 1``), and each chain hand-written as one ``cupy.ElementwiseKernel`` (the best plain CuPy
offers; ``cupy.fuse`` is tried too and reported when it fails to compile). Times are medians of
synchronized calls including the Python that records the chain, all measured in this one run;
ratios are the other's time / ours (> 1: we are faster). Needs CuPy and a GPU; prints why and
exits 0 otherwise. Results of the H200 run: benchmarks/results/gpu_h200.json, docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chains  # noqa: E402

SIZES = {"1K": 1 << 10, "1M": 1 << 20, "64M": 1 << 26}


class _FuseNS:
    """What the chains call, in the subset ``cupy.fuse`` traces (ufuncs only)."""

    def __init__(self, cp):
        self.cp = cp
        self.abs = cp.absolute
        self.tanh, self.exp, self.sqrt, self.maximum = cp.tanh, cp.exp, cp.sqrt, cp.maximum

    def clip(self, x, lo, hi):
        return self.cp.minimum(self.cp.maximum(x, lo), hi)


def _u8_steps(length: int) -> str:
    """``chains.u8chain`` as CUDA statements on ``unsigned char v`` (wrapping like NumPy)."""
    steps = ["v = (unsigned char)(v * 3);", "v = (unsigned char)(v + 7);", "v = (unsigned char)(v ^ 0x5A);",
             "v = (unsigned char)(v >> 1);"]
    return " ".join(steps[k % 4] for k in range(length))


def hand_kernels(cp):
    """Each chain as one hand-written ``cupy.ElementwiseKernel`` -- the best plain CuPy offers
    (``cupy.fuse`` does the same automatically where it compiles)."""
    ek = cp.ElementwiseKernel
    return {
        "arith10": ek("float32 a", "float32 y",
                      "float t = fabsf(a * 1.5f + 0.25f) * a - 0.5f; t = fminf(fmaxf(t, 0.0f), 4.0f);"
                      " y = t * 0.75f + a - 1.0f;", "hx_bench_arith10"),
        "transc12": ek("float32 a", "float32 y",
                       "y = tanhf(fmaxf(a * 1.5f + 0.25f, 0.0f)) * expf(-a * a) + sqrtf(fabsf(a)) - 0.5f;",
                       "hx_bench_transc12"),
        "u8x10": ek("uint8 a", "uint8 y", "unsigned char v = a; " + _u8_steps(10) + " y = v;", "hx_bench_u8x10"),
        "u8x64": ek("uint8 a", "uint8 y", "unsigned char v = a; " + _u8_steps(64) + " y = v;", "hx_bench_u8x64"),
    }


def _time(fn, sync, min_time=0.25, max_reps=500):
    for _ in range(3):
        fn()
    sync()
    times = []
    t_end = time.perf_counter() + min_time
    while len(times) < max_reps and (len(times) < 5 or time.perf_counter() < t_end):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _case(cp, hx, np, case, dt, f, fused, hand_kernels, sync, n, label, data):
    """Time one chain three ways (ours, CuPy unfused, cupy.fuse) and check ours against NumPy."""
    d, h, host = data

    def ours():
        f(hx, h)._materialize()

    t_ours = _time(ours, sync)
    t_cupy = _time(lambda: f(cp, d), sync)
    hand = hand_kernels.get(case)
    t_hand = _time(lambda: hand(d), sync) if hand is not None else float("nan")
    try:
        t_fuse = _time(lambda: fused[case](d), sync)
    except Exception as e:  # noqa: BLE001 - cupy.fuse cannot trace every chain
        why = [ln.strip() for ln in str(e).splitlines() if "error" in ln][:3] or [str(e)[:200]]
        print(f"  ({case}: cupy.fuse failed: {type(e).__name__}: {' | '.join(why)[:400]})")
        t_fuse = float("nan")
    # the same values as NumPy (exact ops; transcendental chains and float sums within rounding)
    want = f(np, host)
    got = np.asarray(f(hx, h))
    if case.startswith("transc") or case.startswith("sum"):
        ok = np.allclose(got, want, rtol=1e-5, atol=1e-5 * (n if case.startswith("sum") else 1))
    else:
        ok = np.array_equal(got, want)
    item = np.dtype(dt).itemsize
    gbs = (item * n if case.startswith("sum") else 2 * item * n) / t_ours / 1e9
    print(f"  {case:12s} ours {t_ours * 1e6:9.1f} us  cupy {t_cupy * 1e6:9.1f} us ({t_cupy / t_ours:5.2f}x)  "
          f"cupy.fuse {t_fuse * 1e6:9.1f} us ({t_fuse / t_ours:5.2f}x)  "
          f"hand kernel {t_hand * 1e6:9.1f} us ({t_hand / t_ours:5.2f}x)  {gbs:7.1f} GB/s"
          f"{'' if ok else '  VALUES DIFFER FROM NUMPY'}")
    return dict(case=case, size=label, ours=t_ours, cupy=t_cupy, fuse=t_fuse, hand=t_hand, matches_numpy=bool(ok))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    ap.add_argument("--sizes", default="1K,1M,64M")
    args = ap.parse_args()
    try:
        import cupy as cp

        if cp.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no CUDA device")
    except Exception as e:  # noqa: BLE001
        print(f"benchmarks/gpu.py: skipped, no usable GPU ({type(e).__name__}: {e})")
        return 0
    import hologram_array as hx

    sync = cp.cuda.runtime.deviceSynchronize
    dev = cp.cuda.Device()
    props = cp.cuda.runtime.getDeviceProperties(dev.id)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    print(f"GPU: {name}, CuPy {cp.__version__}, hologram_array on {hx.asarray(cp.zeros(1)).device}")
    fns = _FuseNS(cp)
    fused = {
        "arith10": cp.fuse(lambda a: chains.arith10(fns, a)),
        "transc12": cp.fuse(lambda a: chains.transc12(fns, a)),
        "u8x10": cp.fuse(lambda a: chains.u8chain(fns, a, 10)),
        "u8x64": cp.fuse(lambda a: chains.u8chain(fns, a, 64)),
        "sum_arith10": cp.fuse(lambda a: cp.sum(chains.arith10(fns, a))),
    }
    hands = hand_kernels(cp)
    try:  # is cupy.fuse usable at all here?
        cp.fuse(lambda v: v + 1)(cp.ones(4, cp.float32))
        print("cupy.fuse: a one-op fusion compiles")
    except Exception as e:  # noqa: BLE001
        print(f"cupy.fuse: even `v + 1` fails here: {type(e).__name__}: {str(e)[:200]}")
    cases = {
        "arith10": (np.float32, lambda xp, a: chains.arith10(xp, a)),
        "transc12": (np.float32, lambda xp, a: chains.transc12(xp, a)),
        "u8x10": (np.uint8, lambda xp, a: chains.u8chain(xp, a, 10)),
        "u8x64": (np.uint8, lambda xp, a: chains.u8chain(xp, a, 64)),
        "sum_arith10": (np.float32, lambda xp, a: xp.sum(chains.arith10(xp, a))),
    }
    rows = []
    rng = np.random.default_rng(0)
    for label in args.sizes.split(","):
        n = SIZES[label]
        host_f = (rng.standard_normal(n) * 3).astype(np.float32)
        host_u = rng.integers(0, 256, n, dtype=np.uint8)
        d_f, d_u = cp.asarray(host_f), cp.asarray(host_u)
        h_f, h_u = hx.asarray(d_f), hx.asarray(d_u)
        out = cp.empty_like(d_f)
        t_copy = _time(lambda: cp.copyto(out, d_f), sync)
        rows.append(dict(case="copy float32", size=label, ours=None, cupy=t_copy, fuse=None))
        print(f"\n{label} elements: device copy {t_copy * 1e6:9.1f} us "
              f"({2 * 4 * n / t_copy / 1e9:7.1f} GB/s)")
        for case, (dt, f) in cases.items():
            try:
                rows.append(_case(cp, hx, np, case, dt, f, fused, hands, sync, n, label,
                                  (d_f, h_f, host_f) if dt == np.float32 else (d_u, h_u, host_u)))
            except Exception as e:  # noqa: BLE001 - one broken case must not hide the others
                print(f"  {case:12s} FAILED: {type(e).__name__}: {str(e)[:300]}")
                rows.append(dict(case=case, size=label, error=f"{type(e).__name__}: {e}"[:500]))

    one = hx.asarray(cp.ones(1, cp.float32))
    d_one = cp.ones(1, cp.float32)
    t_ours = _time(lambda: (one + 1)._materialize(), sync)
    t_cupy = _time(lambda: d_one + 1, sync)
    try:
        t_fuse = _time(lambda: fused["arith10"](d_one), sync)
    except Exception:  # noqa: BLE001
        t_fuse = float("nan")
    t_ours10 = _time(lambda: chains.arith10(hx, one)._materialize(), sync)
    print(f"\nlaunch overhead (1 element): ours x+1 {t_ours * 1e6:.1f} us, 10-op chain {t_ours10 * 1e6:.1f} us; "
          f"cupy x+1 {t_cupy * 1e6:.1f} us; cupy.fuse 10-op {t_fuse * 1e6:.1f} us")
    rows.append(dict(case="launch x+1", size="1", ours=t_ours, cupy=t_cupy, fuse=None))
    rows.append(dict(case="launch arith10", size="1", ours=t_ours10, cupy=None, fuse=t_fuse))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(dict(gpu=name, cupy=cp.__version__, date=time.strftime("%Y-%m-%d"), rows=rows), fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
