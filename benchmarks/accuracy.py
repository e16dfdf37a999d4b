"""Accuracy of the CPU backend's own vectorizable math (``backends/numba_vecmath.py``), measured.

For every (op, dtype) in ``cpu_numba.INLINE_MATH`` this prints the maximum error in ULP of our
function and of NumPy's own function, side by side, against a higher-precision reference:

* float32: every float32 bit pattern (``--exhaustive``: all 2^32 of them, ~1-2 minutes per
  function on 2 cores) or every ``--stride``-th one (default 61: 70 million inputs spread over
  the whole range, every binade, subnormals included), referenced to NumPy's float64 function
  (glibc, < 1 float64 ULP: 2^-29 of a float32 ULP);
* float64: ``--samples64`` inputs (default 200,000: log-uniform magnitudes, a dense stretch of
  [-30, 30] and random bit patterns) referenced to mpmath at 120 bits; two-argument functions
  on half as many sampled pairs, mpmath at 160 bits;
* the ULP of a reference value y is 2^(floor(log2|y|) - 23) (2^-149 for subnormals; float64:
  - 52, 2^-1074): the spacing of the binade y lies in, so a result just below a power of two
  is not flattered.

Our function is run through a Numba kernel that calls the helper exactly as a generated circuit
does. Also reported: the fraction of inputs where ours is bit-identical to NumPy's, and the
input where each maximum is reached. The rule the backend keeps: ours <= NumPy's.

    python benchmarks/accuracy.py                 # strided, all functions (~1 minute)
    python benchmarks/accuracy.py --exhaustive    # all float32 inputs
    python benchmarks/accuracy.py tanh            # chosen ops (their rows replace the file's)

Results go to ``benchmarks/results/accuracy.json`` and, as a Markdown table, to stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

CHUNK = 1 << 24


def ulp_f32(ref: np.ndarray) -> np.ndarray:
    """The float32 ULP of the binade each float64 reference value lies in."""
    _, e = np.frexp(np.abs(ref))
    return np.ldexp(1.0, np.maximum(e - 24, -149))


def kernel_for(helper: str):
    """A parallel Numba loop applying ``numba_ops.<helper>`` element-wise (as a circuit does)."""
    import numba
    from hologram_array.backends import numba_ops

    fn = getattr(numba_ops, helper)

    @numba.njit(parallel=True, error_model="numpy", nogil=True)
    def run(x, out):
        for i in numba.prange(x.size):
            out[i] = fn(x[i])

    return run


def measure_f32(op: str, helper: str, stride: int) -> dict:
    ufunc = getattr(np, op)
    run = kernel_for(helper)
    worst = {"ours": (0.0, None), "numpy": (0.0, None)}
    n = same = 0
    t0 = time.perf_counter()
    for start in range(0, 1 << 32, CHUNK * stride):
        bits = np.arange(start, min(start + CHUNK * stride, 1 << 32), stride, dtype=np.uint64)
        x = bits.astype(np.uint32).view(np.float32)
        ours = np.empty_like(x)
        run(x, ours)
        with np.errstate(all="ignore"):
            theirs = ufunc(x)
            ref = ufunc(x.astype(np.float64))
        ulp = ulp_f32(ref)
        ref_nan = np.isnan(ref)
        big = np.abs(ref) > np.finfo(np.float32).max      # overflows in float32: inf expected
        for name, got in (("ours", ours), ("numpy", theirs)):
            with np.errstate(all="ignore"):                # signalling NaN inputs
                g = got.astype(np.float64)
                err = np.abs(g - ref) / ulp
            err[ref_nan] = np.where(np.isnan(g[ref_nan]), 0.0, np.inf)
            ok_big = big & np.isinf(g) & (np.sign(g) == np.sign(ref))
            err[ok_big] = 0.0
            err[(g == ref)] = 0.0                          # exact, infinities included
            i = int(np.argmax(err))
            if err[i] > worst[name][0]:
                worst[name] = (float(err[i]), float(x[i]))
        n += x.size
        same += int(np.count_nonzero((ours.view(np.uint32) == theirs.view(np.uint32))
                                     | (np.isnan(ours) & np.isnan(theirs))))
    return {"op": op, "dtype": "float32", "helper": helper, "inputs": n,
            "ours_max_ulp": worst["ours"][0], "ours_at": worst["ours"][1],
            "numpy_max_ulp": worst["numpy"][0], "numpy_at": worst["numpy"][1],
            "bit_identical": same / n, "seconds": time.perf_counter() - t0}


def ulp_f64(ref) -> float:
    """The float64 ULP of the binade an mpmath reference value lies in."""
    import mpmath as mp

    if ref == 0:
        return 2.0 ** -1074
    e = int(mp.floor(mp.log(abs(ref), 2)))
    return 2.0 ** max(e - 52, -1074)


def sample_f64(n: int, seed: int = 0) -> np.ndarray:
    """Log-uniform magnitudes from 2^-60 to 2^10 (both signs), uniform over [-30, 30], and
    random bit patterns: where float64 functions change behaviour, and everywhere."""
    rng = np.random.default_rng(seed)
    k = n // 3
    mags = np.exp2(rng.uniform(-60, 10, k)) * rng.choice([-1.0, 1.0], k)
    lin = rng.uniform(-30, 30, k)
    bits = rng.integers(0, 1 << 63, n - 2 * k, dtype=np.uint64).view(np.float64)
    x = np.concatenate([mags, lin, bits])
    return x[np.isfinite(x)]


def measure_f64(op: str, helper: str, n: int) -> dict:
    """Max ULP error against mpmath (120-bit) on ``n`` sampled float64 inputs."""
    import mpmath as mp

    mp.mp.prec = 120
    mpf = {"exp2": lambda v: mp.power(2, v), "log2": lambda v: mp.log(v, 2)}.get(op) \
        or getattr(mp, {"arctanh": "atanh", "arcsinh": "asinh", "arccosh": "acosh", "arctan": "atan",
                        "arcsin": "asin", "arccos": "acos"}.get(op, op))
    ufunc = getattr(np, op)
    run = kernel_for(helper)
    t0 = time.perf_counter()
    x = sample_f64(n)
    ours = np.empty_like(x)
    run(x, ours)
    with np.errstate(all="ignore"):
        theirs = ufunc(x)
    worst = {"ours": (0.0, None), "numpy": (0.0, None)}
    for xi, oi, ti in zip(x.tolist(), ours.tolist(), theirs.tolist()):
        try:
            ref = mpf(mp.mpf(xi))
        except (ValueError, ZeroDivisionError):
            continue
        if isinstance(ref, mp.mpc) or abs(ref) > 1.7976931348623157e308:
            continue
        u = ulp_f64(ref)
        for name, g in (("ours", oi), ("numpy", ti)):
            e = float(abs(mp.mpf(g) - ref)) / u if g == g else float("inf")
            if e > worst[name][0]:
                worst[name] = (e, xi)
    same = int(np.count_nonzero((ours.view(np.uint64) == theirs.view(np.uint64))
                                | (np.isnan(ours) & np.isnan(theirs))))
    return {"op": op, "dtype": "float64", "helper": helper, "inputs": x.size,
            "ours_max_ulp": worst["ours"][0], "ours_at": worst["ours"][1],
            "numpy_max_ulp": worst["numpy"][0], "numpy_at": worst["numpy"][1],
            "bit_identical": same / x.size, "seconds": time.perf_counter() - t0}


def _pairs_pow(rng, n):
    """Bases over the whole normal range, both signs, integer and non-integer exponents; bases
    near 1 with large exponents; random bit patterns."""
    x = (np.exp2(rng.uniform(-126, 127, n)) * rng.choice([1.0, -1.0], n)).astype(np.float32)
    y = rng.uniform(-20, 20, n).astype(np.float32)
    y[::2] = np.round(y[::2])
    x[1::4] = rng.uniform(0.9, 1.1, x[1::4].size).astype(np.float32)
    y[1::4] = rng.uniform(-3000, 3000, y[1::4].size).astype(np.float32)
    return x, y


def _pairs_atan2(rng, n):
    """Log-uniform magnitudes over the whole float32 range (subnormals included), both signs,
    and a dense stretch of [-20, 20]^2."""
    x = (np.exp2(rng.uniform(-149, 128, n)) * rng.choice([1.0, -1.0], n)).astype(np.float32)
    y = (np.exp2(rng.uniform(-149, 128, n)) * rng.choice([1.0, -1.0], n)).astype(np.float32)
    x[1::4] = rng.uniform(-20, 20, x[1::4].size).astype(np.float32)
    y[1::4] = rng.uniform(-20, 20, y[1::4].size).astype(np.float32)
    return x, y


def _pairs_logaddexp(rng, n):
    """[-100, 100]^2; pairs where the result nearly cancels (x near -ln 2, y near x: the
    result is tiny and NumPy's float32 arithmetic returns 0 or worse); equal pairs; magnitudes
    log-uniform over the whole range."""
    x = rng.uniform(-100, 100, n).astype(np.float32)
    y = rng.uniform(-100, 100, n).astype(np.float32)
    k = x[1::4].size
    x[1::4] = rng.uniform(-0.75, -0.6, k).astype(np.float32)
    y[1::4] = (x[1::4] - rng.uniform(0, 0.2, k)).astype(np.float32)
    y[2::8] = x[2::8]
    mag = (np.exp2(rng.uniform(-149, 128, (2, n))) * rng.choice([1.0, -1.0], (2, n))).astype(np.float32)
    x[3::4], y[3::4] = mag[0, 3::4], mag[1, 3::4]
    return x, y


def _pairs_hypot(rng, n):
    return _pairs_atan2(rng, n)


#: Two-argument functions: (sampler of (x, y) pairs, NumPy function). A quarter of every sample
#: is replaced by random bit patterns (NaN, inf, subnormals). The reference is NumPy's function in
#: long double (x87 extended: 64-bit significands, 2^-40 of a float32 ULP) -- float64's own
#: logaddexp loses ~1 float32 ULP where the result nearly cancels.
PAIRS = {"pow": (_pairs_pow, np.power), "atan2": (_pairs_atan2, np.arctan2),
         "logaddexp": (_pairs_logaddexp, np.logaddexp), "logaddexp2": (_pairs_logaddexp, np.logaddexp2),
         "hypot": (_pairs_hypot, np.hypot)}


def measure_pair_f32(op: str, helper: str, n: int) -> dict:
    """A two-argument float32 function on ``n`` sampled pairs (``PAIRS``), ours and NumPy's
    float32 function side by side against the long-double reference."""
    import numba

    from hologram_array.backends import numba_ops

    fn = getattr(numba_ops, helper)

    @numba.njit(error_model="numpy")
    def run(x, y, out):
        for i in range(x.size):
            out[i] = fn(x[i], y[i])

    t0 = time.perf_counter()
    rng = np.random.default_rng(11)
    sampler, npfn = PAIRS[op]
    x, y = sampler(rng, n)
    bits = rng.integers(0, 1 << 32, (2, x[3::4].size), dtype=np.uint64).astype(np.uint32).view(np.float32)
    x[::8], y[::8] = bits[0][: x[::8].size], bits[1][: x[::8].size]
    ours = np.empty_like(x)
    run(x, y, ours)
    with np.errstate(all="ignore"):
        theirs = npfn(x, y)
        ref = npfn(x.astype(np.longdouble), y.astype(np.longdouble))
    fin = np.isfinite(ref) & (np.abs(ref) < float(np.finfo(np.float32).max))
    _, e = np.frexp(np.abs(ref[fin]).astype(np.float64))
    ulp = np.ldexp(1.0, np.maximum(e - 24, -149))
    eo = (np.abs(ours[fin].astype(np.longdouble) - ref[fin]) / ulp).astype(np.float64)
    en = (np.abs(theirs[fin].astype(np.longdouble) - ref[fin]) / ulp).astype(np.float64)
    same = int(np.sum((ours.view(np.uint32) == theirs.view(np.uint32)) | (np.isnan(ours) & np.isnan(theirs))))
    io, inn = int(np.argmax(eo)), int(np.argmax(en))
    return {"op": op, "dtype": "float32", "helper": helper, "inputs": x.size,
            "ours_max_ulp": float(eo[io]), "ours_at": (float(x[fin][io]), float(y[fin][io])),
            "numpy_max_ulp": float(en[inn]), "numpy_at": (float(x[fin][inn]), float(y[fin][inn])),
            "nan_agrees": bool(np.array_equal(np.isnan(ours), np.isnan(ref))),
            "bit_identical": same / x.size, "seconds": time.perf_counter() - t0}


#: float64 pairs: mpmath at 160 bits (the long double's 11 more bits are not enough where
#: logaddexp cancels); the references written so that they do not cancel themselves.
_MP_PAIRS = {"pow": lambda mp, a, b: mp.power(a, b), "atan2": lambda mp, a, b: mp.atan2(a, b),
             "hypot": lambda mp, a, b: mp.sqrt(a * a + b * b),
             "logaddexp": lambda mp, a, b: max(a, b) + mp.log1p(mp.exp(-abs(a - b))),
             "logaddexp2": lambda mp, a, b: max(a, b) + mp.log1p(mp.power(2, -abs(a - b))) / mp.log(2)}


def sample_pairs_f64(op: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Log-uniform magnitudes 2^-60..2^60, a dense [-20, 20]^2, magnitudes over the whole range;
    pow: positive bases (half near 1) with exponents up to +-3000, some integer; logaddexp(2):
    [-700, 700] with differences up to 40 (where the result cancels) and anywhere."""
    rng = np.random.default_rng(seed)

    def mags(k, lo=-60, hi=60):
        return np.exp2(rng.uniform(lo, hi, k)) * rng.choice([-1.0, 1.0], k)

    x, y = mags(n), mags(n)
    x[1::3] = rng.uniform(-20, 20, x[1::3].size)
    y[1::3] = rng.uniform(-20, 20, y[1::3].size)
    x[2::7], y[2::7] = mags(x[2::7].size, -1070, 1020), mags(y[2::7].size, -1070, 1020)
    if op == "pow":
        x = np.abs(x)
        y = rng.uniform(-30, 30, n)
        y[::5] = np.round(y[::5])
        x[1::4] = rng.uniform(0.9, 1.1, x[1::4].size)
        y[1::4] = rng.uniform(-3000, 3000, y[1::4].size)
    if op.startswith("logaddexp"):
        x = rng.uniform(-700, 700, n)
        y = x + rng.uniform(-40, 40, n)
        y[::2] = rng.uniform(-700, 700, n // 2)
    return x, y


def measure_pair_f64(op: str, helper: str, n: int) -> dict:
    """A two-argument float64 function on ``n`` sampled pairs, ours and NumPy's against mpmath
    (normal results; subnormal ones are checked by the tests in absolute terms)."""
    import mpmath as mp
    import numba

    from hologram_array.backends import numba_ops

    fn = getattr(numba_ops, helper)

    @numba.njit(error_model="numpy")
    def run(x, y, out):
        for i in range(x.size):
            out[i] = fn(x[i], y[i])

    t0 = time.perf_counter()
    x, y = sample_pairs_f64(op, n)
    ours = np.empty_like(x)
    run(x, y, ours)
    npfn = PAIRS[op][1]
    with np.errstate(all="ignore"):
        theirs = npfn(x, y)
    worst = {"ours": (0.0, None), "numpy": (0.0, None)}
    ref_of = _MP_PAIRS[op]
    with mp.workprec(160):
        for a, b, o, t in zip(x.tolist(), y.tolist(), ours.tolist(), theirs.tolist()):
            ref = ref_of(mp, mp.mpf(a), mp.mpf(b))
            if not (2.2250738585072014e-308 <= abs(ref) <= 1.7976931348623157e308):
                continue
            u = ulp_f64(ref)
            for name, g in (("ours", o), ("numpy", t)):
                e = float(abs(mp.mpf(g) - ref)) / u if g == g else float("inf")
                if e > worst[name][0]:
                    worst[name] = (e, (a, b))
    same = int(np.count_nonzero((ours.view(np.uint64) == theirs.view(np.uint64))
                                | (np.isnan(ours) & np.isnan(theirs))))
    return {"op": op, "dtype": "float64", "helper": helper, "inputs": x.size,
            "ours_max_ulp": worst["ours"][0], "ours_at": worst["ours"][1],
            "numpy_max_ulp": worst["numpy"][0], "numpy_at": worst["numpy"][1],
            "bit_identical": same / x.size, "seconds": time.perf_counter() - t0}


def main(argv=None) -> int:
    from hologram_array.backends.cpu_numba import INLINE_MATH

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ops", nargs="*", help="ops to measure (default: every INLINE_MATH entry)")
    ap.add_argument("--exhaustive", action="store_true", help="all 2^32 float32 inputs")
    ap.add_argument("--stride", type=int, default=61, help="every N-th float32 bit pattern")
    ap.add_argument("--samples64", type=int, default=200_000,
                    help="float64 inputs sampled (each checked against mpmath)")
    ap.add_argument("--json", default=os.path.join(HERE, "results", "accuracy.json"))
    args = ap.parse_args(argv)
    stride = 1 if args.exhaustive else args.stride
    rows = []
    for (op, dt), helper in sorted(INLINE_MATH.items()):
        if dt not in ("float32", "float64") or (args.ops and op not in args.ops):
            continue
        if op in PAIRS and dt == "float64":  # two arguments: sampled pairs
            row = measure_pair_f64(op, helper, args.samples64 // 2)
        elif op in PAIRS:
            row = measure_pair_f32(op, helper, 1 << 24 if stride == 1 else 1 << 22)
        else:
            row = (measure_f32(op, helper, stride) if dt == "float32"
                   else measure_f64(op, helper, args.samples64))
        rows.append(row)
        print(f"  {op} {dt}: ours {row['ours_max_ulp']:.3f} ULP, NumPy {row['numpy_max_ulp']:.3f} "
              f"ULP ({row['inputs']:,} inputs, {row['seconds']:.0f} s)", file=sys.stderr)
    print(f"\n| function | inputs | ours: max ULP (at x) | NumPy {np.__version__}: max ULP (at x) "
          "| bit-identical to NumPy |")
    print("|---|---|---|---|---|")
    for r in rows:
        verdict = "" if r["ours_max_ulp"] <= r["numpy_max_ulp"] else " **worse than NumPy**"
        what = ("all float32" if stride == 1 else f"1 in {stride} float32") if r["dtype"] == "float32" \
            else "sampled float64, mpmath reference"
        if r["op"] in PAIRS:
            what = ("sampled float32 pairs, long-double reference" if r["dtype"] == "float32"
                    else "sampled float64 pairs, mpmath reference")
        print(f"| {r['op']} {r['dtype']} | {what} ({r['inputs']:,}) | {r['ours_max_ulp']:.3f} "
              f"({r['ours_at']!r}){verdict} | {r['numpy_max_ulp']:.3f} ({r['numpy_at']!r}) "
              f"| {100 * r['bit_identical']:.2f}% |")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    saved = rows
    if args.ops and os.path.exists(args.json):  # chosen ops: their rows replace those in the file
        with open(args.json) as f:
            old = json.load(f)
        if old.get("stride") == stride and old.get("numpy") == np.__version__:
            fresh = {(r["op"], r["dtype"]) for r in rows}
            saved = sorted([r for r in old["rows"] if (r["op"], r["dtype"]) not in fresh] + rows,
                           key=lambda r: (r["op"], r["dtype"]))
    with open(args.json, "w") as f:
        json.dump({"stride": stride, "numpy": np.__version__, "rows": saved}, f, indent=1)
    return int(any(r["ours_max_ulp"] > r["numpy_max_ulp"] or not r.get("nan_agrees", True) for r in rows))


if __name__ == "__main__":
    sys.exit(main())
