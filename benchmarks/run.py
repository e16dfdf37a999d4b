"""One command, one run, ratios against the baselines measured in the same run.

    python benchmarks/run.py            # everything (several minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller sizes, fewer repeats (~1 minute)
    python benchmarks/run.py chains classmap --plot   # chosen sections, then the plot

Sections: ``chains`` (float32 arith10/transc12 at 1K..16M vs NumPy, numexpr, a hand-written
parallel Numba loop and JAX jit, plus the copy-bandwidth limit), ``float64`` (transc12 and an
11-op chain of sin/cos/log1p/atan/expm1 in float64, own math vs the C library), ``classmap`` (uint8 chains of
1..64 ops), ``reduction`` (``sum``/``var``/``argmax`` of ``a*b+c``), ``image`` (a uint8 gamma
pipeline run as one class map, a uint8 -> float32 normalization), ``latency`` (first result
for a never-seen and a disk-cached chain, in fresh processes), ``import`` (import time, and that
Numba is not imported), ``memory`` (peak traced memory of a 20-op chain).

Ratios are ``NumPy time / row time`` (> 1: faster than NumPy) and ``NumPy peak memory /
hologram peak memory``. numexpr, Numba and JAX columns appear when those packages are installed
(``pip install -e ".[bench]"``). Times are medians of repeated calls; each row also measures
the CPU time other processes used while it ran and flags rows where that exceeded 10% of the
machine ("[load NN%]"): those rows are noisy. Absolute times vary between machines; compare
ratios from one run.

The results are also written as JSON (``benchmarks/results/latest.json``, or ``quick.json``
with ``--quick``); ``benchmarks/plot.py`` draws ``docs/img/time_vs_size.png`` from it
(``--plot`` does so at the end of the run).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

# The process has one OpenMP runtime, started by whichever Numba parallel loop runs first and
# configured from the environment then: set hologram's own choice (sleeping workers, see
# hologram_array/compiler/jit._prefer_passive_openmp) before anything runs, so that hologram is
# measured as users get it, and the hand-written Numba loops under the same runtime. (Before
# this, a peer loop started the runtime first: every kernel here ran with spinning workers,
# ~50 us faster per parallel call at 1M elements than hologram's default.)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
import hologram_array as hx  # noqa: E402

from chains import CHAINS  # noqa: E402

#: Everything measured in this run, written to the JSON results file at the end.
RESULTS: dict = {}


# ---- timing ---------------------------------------------------------------------------------


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return float("nan")
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def loadavg() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (OSError, AttributeError):
        return "?"


@dataclass
class T:
    """One measurement: median and best seconds per call, and the other processes' load."""

    med: float
    best: float
    load: float  # share of all cores used by other processes while this ran (0..1)


#: Warm-up calls before a hologram row is timed: enough for the driver to measure each of its
#: executors (at most four: the kernel on all threads, on one, with non-temporal stores, and the
#: NumPy executor) ``jit.MEASURE_RUNS`` times, round by round, and settle on the fastest.
SETTLE = 2 * 4 + 1


def bench(fn, repeat: int, warmup: int = 1, min_time: float = 0.005) -> T:
    """Median (and min) seconds per call of ``fn()``; each repeat runs it often enough to
    last ``min_time`` (so microsecond calls are timed in loops)."""
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    number = max(1, min(100_000, int(min_time / max(one, 1e-9))))
    b0, o0, w0 = _busy_seconds(), _own_seconds(), time.perf_counter()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        ts.append((time.perf_counter() - t0) / number)
    wall = time.perf_counter() - w0
    foreign = max(0.0, (_busy_seconds() - b0) - (_own_seconds() - o0)) / (wall * (os.cpu_count() or 1))
    return T(statistics.median(ts), min(ts), foreign)


def timeit(fn, repeat: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds (kept for the other benchmark scripts)."""
    return bench(fn, repeat, warmup, min_time=0.0).med


def fmt_t(s: float | None) -> str:
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.1f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def load_note(t: T) -> str:
    return f" [load {t.load:.0%}]" if t.load > 0.10 else ""


def row(label: str, t: T, base: float | None = None, note: str = "") -> None:
    ratio = f"  x{base / t.med:6.2f} vs NumPy" if base else ""
    print(f"  {label:46s} {fmt_t(t.med):>10s}{ratio}{'  ' + note if note else ''}{load_note(t)}",
          flush=True)


def peak_bytes(fn) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return peak


def diff_note(got, ref) -> str:
    got, ref = np.asarray(got), np.asarray(ref)
    if got.shape != ref.shape:
        return f"shape {got.shape} != {ref.shape}"
    bad = ~((got == ref) | (np.isnan(got) & np.isnan(ref)))
    if not bad.any():
        return "bit-identical"
    d = np.abs(got[bad].astype(np.float64) - ref[bad].astype(np.float64)).max()
    return f"{int(bad.sum()):,} differ, max |diff| {d:.2g}"


def hologram_path(expr) -> str:
    """Which path materializing ``expr`` takes now, from ``explain()`` (nothing is run)."""
    text = hx.explain(expr)
    if "already materialized" in text:
        return "eager NumPy"
    path, measured = "?", ""
    for line in text.splitlines():
        if line.startswith("backend:"):
            b = line[len("backend:"):].strip()
            path = ("compiled kernel" if b.startswith("compiled kernel") else
                    "class map" if b.startswith("table lookup") else "NumPy executor")
        elif line.startswith("compiled kernel") and "; measured " in line:
            # the executor choice is measured: show the figures it was made from
            measured = line.split("; measured ", 1)[1].replace(" ns/element", "")
        elif line.startswith("compiled kernel") and " failed" in line:
            measured = "kernel failed: " + line.split(" -- ", 1)[-1][:60]
    return f"{path} ({measured} ns/elem)" if measured and "failed" not in measured else (
        f"{path} ({measured})" if measured else path)


class Settings:
    """``with Settings(compile="sync"): ...`` -- hologram config for a block, restored after."""

    def __init__(self, **kw):
        self.kw = kw

    def __enter__(self):
        self.old = hx.config(**self.kw)

    def __exit__(self, *exc):
        hx.config(**self.old)


# ---- sections -------------------------------------------------------------------------------


def section_chains(quick: bool) -> None:
    import peers

    sizes = [1 << 10, 1 << 16, 1 << 20] + ([] if quick else [1 << 24])
    from hologram_array._config import settings
    print(f"\n== float32 chains: median time per call, x = NumPy time / this time (> 1: faster); "
          f"loadavg {loadavg()}")
    print("   NumPy: eager, allocating.  numexpr: evaluate(), allocating.  Numba: hand-written "
          "njit(parallel=True) prange loop, preallocated out.")
    print("   JAX: jax.jit, allocating, block_until_ready (in a process of its own: its thread pool "
          "slows Numba here).")
    print(f"   hologram: np.asarray(chain(hx, a)), record + run, result allocated; measured WARM: "
          f"config(compile='sync') compiles the kernel")
    print(f"   before timing, then {SETTLE} warm-up calls let the measured executor choice settle (from a cleared "
          f"circuit cache at each size); other")
    print(f"   settings default (eager_below={settings.eager_below}, jit_min={settings.jit_min}). The path "
          f"column shows the executor used and the ns/element figures its choice was made from.")
    have = {"numexpr": peers.installed("numexpr"), "numba": peers.installed("numba"),
            "jax": peers.installed("jax")}
    missing = [k for k, v in have.items() if not v]
    if missing:
        print(f"   not installed (columns left out): {', '.join(missing)}")
    cols = ["numpy"] + [k for k in ("numexpr", "numba", "jax") if have[k]] + ["hologram"]
    names = {"numpy": "NumPy", "numexpr": "numexpr", "numba": "Numba loop", "jax": "JAX jit",
             "hologram": "hologram (warm)"}
    out = RESULTS.setdefault("chains", {})
    # JAX runs in a process of its own: its XLA thread pool left alive in this one slows the
    # Numba loops (and hologram's kernels) that share these 2 cores.
    jax_times = _jax_child(sizes, quick) if have["jax"] else {}
    for name in ("arith10", "transc12"):
        chain = CHAINS[name]
        print(f"\n -- {name}: {chain.__doc__.strip()}")
        print("  " + f"{'n':>11s}" + "".join(f"{names[c]:>21s}" for c in cols) + "   hologram path; result vs NumPy")
        ne_fn = peers.make_numexpr(name) if have["numexpr"] else None
        nb_fn = peers.make_numba(name) if have["numba"] else None
        rows = out.setdefault(name, {"expr": chain.__doc__.strip(), "rows": []})["rows"]
        for n in sizes:
            a = np.random.default_rng(1).standard_normal(n).astype(np.float32)
            ha = hx.asarray(a)
            rep = (3 if quick else 7) if n >= 1 << 22 else (7 if quick else 15)
            mt = 0.003 if quick else 0.02
            ts: dict[str, T] = {}
            ref = chain(np, a)
            ts["numpy"] = bench(lambda: chain(np, a), rep, min_time=mt)
            if ne_fn is not None:
                ts["numexpr"] = bench(lambda: ne_fn(a), rep, min_time=mt)
            if nb_fn is not None:
                o = np.empty_like(a)
                ts["numba"] = bench(lambda: nb_fn(a, o), rep, min_time=mt)
            if name in jax_times and n in jax_times[name]:
                ts["jax"] = T(*jax_times[name][n])
            with Settings(compile="sync"):
                hx.clear_cache()  # the executor choice is measured per circuit: make it at this size
                ts["hologram"] = bench(lambda: chain(hx, ha).materialize(), rep, warmup=SETTLE, min_time=mt)
                path = hologram_path(chain(hx, ha))
                got = np.asarray(chain(hx, ha))
            cells = "".join(_cell(ts[c].med, ts["numpy"].med, c) for c in cols)
            tn = ts["numpy"].med
            load = max(t.load for t in ts.values())
            print(f"  {n:>11,d}{cells}   {path}; {diff_note(got, ref)}"
                  + (f" [load up to {load:.0%}]" if load > 0.10 else ""), flush=True)
            r = {"n": n, "path": path, "max_load": load}
            r.update({c: ts[c].med for c in cols})
            r.update({f"{c}_min": ts[c].best for c in cols})
            if n == sizes[0]:
                # default settings (compile="background"): small arrays compute eagerly
                hb = bench(lambda: chain(hx, ha).materialize(), rep, warmup=3, min_time=mt)
                with Settings(eager_below=0, jit_min=0, compile="sync"):
                    hx.clear_cache()
                    hl = bench(lambda: chain(hx, ha).materialize(), rep, warmup=SETTLE, min_time=mt)
                    lpath = hologram_path(chain(hx, ha))
                print(f"  {'':>11s}  at {n:,}, hologram with DEFAULT settings (compile='background', "
                      f"{hologram_path(chain(hx, ha))}): {fmt_t(hb.med)} x{tn / hb.med:.2f}{load_note(hb)};"
                      f" forced lazy (eager_below=0, jit_min=0, {lpath}): {fmt_t(hl.med)} x{tn / hl.med:.2f}"
                      f"{load_note(hl)}")
                # converting the result to an ndarray is NumPy's protocol, not the chain: shown apart
                res_arr = chain(hx, ha)
                conv = bench(lambda: np.asarray(res_arr), rep, min_time=mt)
                print(f"  {'':>11s}  (hologram rows time the chain up to its computed result, "
                      f"x.materialize(); np.asarray of that result adds {fmt_t(conv.med)}: NumPy's "
                      f"__array__ protocol)")
                # the 1.5x target compares two ~10 us calls: measured apart (above), each sees the
                # machine of its own moment; alternate blocks of calls and take the median ratio
                il = _interleaved_ratio(lambda: chain(np, a), lambda: chain(hx, ha).materialize(),
                                        rounds=41 if quick else 201)
                print(f"  {'':>11s}  interleaved, {il['rounds']} rounds of {il['calls']} NumPy and "
                      f"{il['calls']} hologram calls (default settings): medians {fmt_t(il['numpy'])} / "
                      f"{fmt_t(il['hologram'])}; hologram/NumPy time per round: median "
                      f"{il['ratio']:.3f} (quartiles {il['q1']:.3f}..{il['q3']:.3f})")
                r["interleaved"] = il
                r["np_asarray_of_result"] = conv.med
                r["hologram_default"] = hb.med
                r["hologram_forced_lazy"] = hl.med
                r["forced_lazy_path"] = lpath
                hx.clear_cache()  # its 1K timings must not steer the executor choice at larger sizes
            rows.append(r)
            del a, ha, ref, got
        print(f"  {'min':>11s}  (best of the repeats per call: less sensitive to other processes' load)")
        for r in rows:
            print(f"  {r['n']:>11,d}" + "".join(_cell(r[c + "_min"], r["numpy_min"], c) for c in cols))
    _copy_limit(sizes[-1], quick)


def _interleaved_ratio(numpy_fn, hologram_fn, rounds: int, calls: int = 100) -> dict:
    """Rounds of ``calls`` NumPy calls then ``calls`` hologram calls: the per-call medians and
    the median (and quartiles) of the per-round ratio hologram / NumPy. Both sides of a ratio
    see the same moment of a shared machine, which separate measurements do not."""
    for fn in (numpy_fn, hologram_fn):
        for _ in range(calls):
            fn()
    tn, th, ratios = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls):
            numpy_fn()
        t1 = time.perf_counter()
        for _ in range(calls):
            hologram_fn()
        t2 = time.perf_counter()
        tn.append((t1 - t0) / calls)
        th.append((t2 - t1) / calls)
        ratios.append((t2 - t1) / (t1 - t0))
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return {"rounds": rounds, "calls": calls, "numpy": statistics.median(tn),
            "hologram": statistics.median(th), "ratio": statistics.median(ratios), "q1": q1, "q3": q3}


JAX_CHILD = r"""
import json, sys
import numpy as np
from run import bench
import peers
sizes, quick = json.loads(sys.argv[2]), sys.argv[3] == "1"
res = {}
for name in ("arith10", "transc12"):
    put, fn = peers.make_jax(name)
    for n in sizes:
        a = np.random.default_rng(1).standard_normal(n).astype(np.float32)
        ja = put(a)
        rep = (3 if quick else 7) if n >= 1 << 22 else (7 if quick else 15)
        t = bench(lambda: fn(ja), rep, warmup=2, min_time=0.003 if quick else 0.02)
        res.setdefault(name, {})[n] = [t.med, t.best, t.load]
print(json.dumps(res))
"""


def _jax_child(sizes: list[int], quick: bool) -> dict:
    try:
        got = _child(JAX_CHILD, [json.dumps(sizes), "1" if quick else "0"], {})
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
        print(f"   JAX column left out: {str(e)[-300:]}")
        return {}
    return {name: {int(n): v for n, v in d.items()} for name, d in got.items()}


def _cell(t: float, t_numpy: float, col: str) -> str:
    text = fmt_t(t) + ("" if col == "numpy" else f" x{t_numpy / t:.2f}")
    return f"{text:>21s}"


PASSIVE_COPY_CHILD = r"""
import json, sys
import numpy as np
from run import bench
import peers
n, quick = int(sys.argv[2]), sys.argv[3] == "1"
a = np.random.default_rng(1).standard_normal(n).astype(np.float32)
o = np.empty_like(a)
o.fill(0)
c = peers.numba_copy()
t = bench(lambda: c(a, o), 5 if quick else 15, min_time=0.02)
print(json.dumps(dict(med=t.med, best=t.best, load=t.load)))
"""


def _copy_limit(n: int, quick: bool) -> None:
    """Copy bandwidth (1 read + 1 write, like arith10) and hologram's fraction of it."""
    import peers

    a = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    o = np.empty_like(a)
    o.fill(0)
    rep = 5 if quick else 15
    print(f"\n -- copy bandwidth limit at {n:,} float32 (1 read + 1 write, the traffic of a fused "
          f"arith10); loadavg {loadavg()}")
    res = RESULTS.setdefault("copy", {"n": n})
    tc = bench(lambda: np.copyto(o, a), rep, min_time=0.02)
    res["np_copyto"] = tc.med
    row("np.copyto(out, a)", tc, note=f"{2 * a.nbytes / tc.med / 1e9:6.1f} GB/s")
    best = tc.med
    nbc = peers.numba_copy()
    if nbc is not None:
        tnb = bench(lambda: nbc(a, o), rep, min_time=0.02)
        res["numba_copy"] = tnb.med
        row(f"Numba parallel copy ({peers.numba_threads()})", tnb, note=f"{2 * a.nbytes / tnb.med / 1e9:6.1f} GB/s")
        best = min(best, tnb.med)
        # the same copy in a process whose OpenMP threads sleep instead of spinning while waiting
        try:
            got = _child(PASSIVE_COPY_CHILD, [str(n), "1" if quick else "0"], {"OMP_WAIT_POLICY": "PASSIVE"})
            res["numba_copy_passive"] = got["med"]
            best = min(best, got["med"])
            row("  same, OMP_WAIT_POLICY=PASSIVE (own process)", T(got["med"], got["best"], got["load"]),
                note=f"{2 * a.nbytes / got['med'] / 1e9:6.1f} GB/s")
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
            print(f"  (OMP_WAIT_POLICY=PASSIVE copy failed: {str(e)[-200:]})")
    nt = peers.numba_copy_nt()
    if nt is not None:
        # what hologram's kernels do for a result this large: no read-for-ownership of the
        # output, so two memory streams instead of three -- the real limit for them
        o_nt = peers.aligned_empty(n, np.float32)
        tnt = bench(lambda: nt(a, o_nt), rep, min_time=0.02)
        res["numba_copy_nt"] = tnt.med
        best = min(best, tnt.med)
        row("Numba parallel copy, non-temporal stores", tnt, note=f"{2 * a.nbytes / tnt.med / 1e9:6.1f} GB/s")
    ha = hx.asarray(a)
    chain = CHAINS["arith10"]
    with Settings(compile="sync"):
        hx.clear_cache()
        th = bench(lambda: chain(hx, ha).materialize(), rep, warmup=SETTLE, min_time=0.02)
        path = hologram_path(chain(hx, ha))
    res["hologram_arith10"] = th.med
    res["fraction_of_copy"] = best / th.med
    row(f"hologram arith10 (warm, {path})", th, note=f"{2 * a.nbytes / th.med / 1e9:6.1f} GB/s")
    print(f"  (Numba threading: {peers.numba_threads() if nbc is not None else '-'}, OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', 'unset')} for the whole run: with an active wait, a parallel call on a "
          f"core another process is using can stall ~8 ms; a passive one costs ~50 us per parallel call)")
    print(f"  => hologram arith10 at {n:,} runs at {best / th.med:.0%} of the copy bandwidth limit "
          f"(fastest copy above; {tc.med / th.med:.0%} of np.copyto)")
    if nbc is not None:
        # the memory bandwidth of this machine moves by up to 2x between moments: the copy and
        # the chain measured call by call, alternating, see the same moments
        tcs, ths = [], []
        copy_name = "Numba copy" if nt is None else "non-temporal Numba copy"
        with Settings(compile="sync"):
            for _ in range(11 if quick else 31):
                t0 = time.perf_counter()
                if nt is None:
                    nbc(a, o)
                else:
                    nt(a, o_nt)
                t1 = time.perf_counter()
                chain(hx, ha).materialize()
                t2 = time.perf_counter()
                tcs.append(t1 - t0)
                ths.append(t2 - t1)
        mc, mh = statistics.median(tcs), statistics.median(ths)
        res["interleaved"] = {"copy": copy_name, "numba_copy": mc, "hologram_arith10": mh, "fraction": mc / mh}
        print(f"  => interleaved ({len(tcs)} rounds of the {copy_name} and hologram arith10): medians "
              f"{fmt_t(mc)} / {fmt_t(mh)} -> {mc / mh:.0%} of the copy bandwidth")


def section_classmap(quick: bool) -> None:
    n = (1 << 22) if quick else (1 << 25)
    x = np.random.default_rng(2).integers(0, 256, n, dtype=np.uint8)
    hxa = hx.asarray(x)
    chain = CHAINS["u8chain"]
    print(f"\n== 8-bit chains, uint8, {n:,} elements ({chain.__doc__.strip()}); hologram warm "
          f"(compile='sync'); loadavg {loadavg()}")
    o = np.empty_like(x)
    tcopy = bench(lambda: np.copyto(o, x), 5)
    row("np.copyto (memory floor)", tcopy)
    res = RESULTS.setdefault("classmap", {"n": n, "copy": tcopy.med, "rows": []})
    hts = {}
    for length in (1, 4, 10, 16, 64):
        tn = bench(lambda: chain(np, x, length), 3)
        with Settings(compile="sync"):
            hx.clear_cache()
            th = bench(lambda: np.asarray(chain(hx, hxa, length)), 5, warmup=SETTLE)
            path = hologram_path(chain(hx, hxa, length))
            same = np.array_equal(np.asarray(chain(hx, hxa, length)), chain(np, x, length))
        hts[length] = th.med
        row(f"{length:2d}-op chain: NumPy eager", tn)
        row(f"{length:2d}-op chain: hologram", th, tn.med,
            f"({th.med / tcopy.med:.1f}x copy; {path}{'' if same else '; RESULT DIFFERS'})")
        res["rows"].append({"length": length, "numpy": tn.med, "hologram": th.med, "path": path,
                            "equal": bool(same)})
    lo, hi = min(hts.values()), max(hts.values())
    print(f"  hologram over lengths 1..64: {fmt_t(lo)} .. {fmt_t(hi)} (max/min {hi / lo:.2f}; "
          f"flat = close to 1); 10-op chain: x{res['rows'][2]['numpy'] / hts[10]:.2f} vs NumPy")
    # the flatness target compares two memory-bound calls: measured apart (above) each sees the
    # memory bandwidth of its own moment, so also measure them interleaved, call by call
    rounds = 11 if quick else 41
    t1, t64 = [], []
    with Settings(compile="sync"):
        for f in (lambda: np.asarray(chain(hx, hxa, 1)), lambda: np.asarray(chain(hx, hxa, 64))):
            for _ in range(3):
                f()
        for _ in range(rounds):
            for ts, length in ((t1, 1), (t64, 64)):
                t0 = time.perf_counter()
                np.asarray(chain(hx, hxa, length))
                ts.append(time.perf_counter() - t0)
    m1, m64 = statistics.median(t1), statistics.median(t64)
    res["interleaved"] = {"rounds": rounds, "op1": m1, "op64": m64, "ratio": m64 / m1}
    print(f"  interleaved, {rounds} rounds of a 1-op and a 64-op call: medians {fmt_t(m1)} / {fmt_t(m64)}"
          f" -> 64-op/1-op {m64 / m1:.2f}")
    from hologram_array._config import settings
    tab = {r["length"]: r["hologram"] for r in res["rows"] if r["path"].startswith("class map")}
    if len(tab) > 1:
        lo, hi = min(tab.values()), max(tab.values())
        print(f"  class-map rows only (lengths {', '.join(map(str, tab))}): {fmt_t(lo)} .. {fmt_t(hi)} "
              f"(max/min {hi / lo:.2f}); shorter chains run directly (classmap_min_ops="
              f"{settings.classmap_min_ops})")


def section_reduction(quick: bool) -> None:
    n = (1 << 20) if quick else (1 << 24)
    rng = np.random.default_rng(3)
    a, b, c = (rng.standard_normal(n).astype(np.float32) for _ in range(3))
    ha, hb, hc = hx.asarray(a), hx.asarray(b), hx.asarray(c)
    print(f"\n== fused reductions sum/var/argmax(a*b+c), float32, {n:,} elements; hologram warm "
          f"(compile='sync'): the compiled fused reduction or the chunked NumPy executor, as measured; loadavg {loadavg()}")
    rep = 5 if quick else 11
    tn = bench(lambda: np.sum(a * b + c), rep)
    with Settings(compile="sync"):
        hx.clear_cache()
        th = bench(lambda: float(hx.sum(ha * hb + hc)), rep, warmup=SETTLE)
        got = float(hx.sum(ha * hb + hc))
    ref = float(np.sum(a * b + c))
    exact = float(np.sum(a.astype(np.float64) * b + c))
    row("NumPy np.sum(a*b+c)", tn)
    row("hologram hx.sum(a*b+c)", th, tn.med,
        f"(result {got:.6g}; NumPy {ref:.6g}; float64 {exact:.6g})")
    RESULTS["reduction"] = {"n": n, "numpy": tn.med, "hologram": th.med, "hologram_value": got,
                            "numpy_value": ref, "float64_value": exact}
    # var: one pass over the expression (per-chunk moments); argmax: per-chunk first maxima
    tnv = bench(lambda: np.var(a * b + c), rep)
    with Settings(compile="sync"):
        thv = bench(lambda: float(hx.var(ha * hb + hc)), rep, warmup=SETTLE)
        gotv = float(hx.var(ha * hb + hc))
    refv = float(np.var(a * b + c))
    exactv = float(np.var(a.astype(np.float64) * b + c))
    row("NumPy np.var(a*b+c)", tnv)
    row("hologram hx.var(a*b+c)", thv, tnv.med,
        f"(result {gotv:.7g}; NumPy {refv:.7g}; float64 {exactv:.7g})")
    tna = bench(lambda: np.argmax(a * b + c), rep)
    with Settings(compile="sync"):
        tha = bench(lambda: int(hx.argmax(ha * hb + hc)), rep, warmup=SETTLE)
        gota = int(hx.argmax(ha * hb + hc))
    refa = int(np.argmax(a * b + c))
    row("NumPy np.argmax(a*b+c)", tna)
    row("hologram hx.argmax(a*b+c)", tha, tna.med, f"(index {gota}; NumPy {refa})")
    # the same reductions of the transcendental chain: compute-bound, where the compiled
    # kernel's inline vector math counts
    tc = CHAINS["transc12"]
    tnt = bench(lambda: np.sum(tc(np, a)), rep)
    with Settings(compile="sync"):
        tht = bench(lambda: float(hx.sum(tc(hx, ha))), rep, warmup=SETTLE)
        gott = float(hx.sum(tc(hx, ha)))
        path = reduction_path(tc(hx, ha), "sum")
    reft = float(np.sum(tc(np, a)))
    row("NumPy np.sum(transc12(a))", tnt)
    row("hologram hx.sum(transc12(a))", tht, tnt.med, f"(result {gott:.7g}; NumPy {reft:.7g})")
    an, bn, cn = (v.reshape(-1, 1024) for v in (a, b, c))
    tnm = bench(lambda: np.max(an * bn + cn, axis=-1), rep)
    a2, b2, c2 = (v.reshape(-1, 1024) for v in (ha, hb, hc))
    with Settings(compile="sync"):
        thm = bench(lambda: np.asarray(hx.max(a2 * b2 + c2, axis=-1)), rep, warmup=SETTLE)
    row("NumPy np.max(a*b+c, rows of 1,024)", tnm)
    row("hologram hx.max(a*b+c, rows of 1,024)", thm, tnm.med)
    tnv2 = bench(lambda: np.var(an * bn + cn, axis=-1), rep)
    with Settings(compile="sync"):
        thv2 = bench(lambda: np.asarray(hx.var(a2 * b2 + c2, axis=-1)), rep, warmup=SETTLE)
        samev = np.array_equal(np.asarray(hx.var(a2 * b2 + c2, axis=-1)), np.var(an * bn + cn, axis=-1))
    row("NumPy np.var(a*b+c, rows of 1,024)", tnv2)
    row("hologram hx.var(a*b+c, rows of 1,024)", thv2, tnv2.med,
        "(bit-identical)" if samev else "(RESULT DIFFERS)")
    # a broadcast operand: squared deviations from the column means (computed once, outside)
    mn, mh = an.mean(axis=0), hx.asarray(an.mean(axis=0))
    tnb = bench(lambda: np.sum((an - mn) ** 2, axis=0), rep)
    with Settings(compile="sync"):
        thb = bench(lambda: np.asarray(hx.sum((a2 - mh) ** 2, axis=0)), rep, warmup=SETTLE)
        sameb = np.array_equal(np.asarray(hx.sum((a2 - mh) ** 2, axis=0)), np.sum((an - mn) ** 2, axis=0))
    row("NumPy np.sum((a - m0)**2, axis=0), m0 a row", tnb)
    row("hologram hx.sum((a - m0)**2, axis=0)", thb, tnb.med, "(bit-identical)" if sameb else "(RESULT DIFFERS)")
    tns = bench(lambda: np.sum(an * bn + cn, axis=0), rep)
    with Settings(compile="sync"):
        ths = bench(lambda: np.asarray(hx.sum(a2 * b2 + c2, axis=0)), rep, warmup=SETTLE)
        same0 = np.array_equal(np.asarray(hx.sum(a2 * b2 + c2, axis=0)), np.sum(an * bn + cn, axis=0))
    row("NumPy np.sum(a*b+c, axis=0), 1,024 columns", tns)
    row("hologram hx.sum(a*b+c, axis=0), 1,024 columns", ths, tns.med,
        "(bit-identical)" if same0 else "(RESULT DIFFERS)")
    tnv0 = bench(lambda: np.var(an * bn + cn, axis=0), rep)
    with Settings(compile="sync"):
        thv0 = bench(lambda: np.asarray(hx.var(a2 * b2 + c2, axis=0)), rep, warmup=SETTLE)
        samev0 = np.array_equal(np.asarray(hx.var(a2 * b2 + c2, axis=0)), np.var(an * bn + cn, axis=0))
    row("NumPy np.var(a*b+c, axis=0), 1,024 columns", tnv0)
    row("hologram hx.var(a*b+c, axis=0), 1,024 columns", thv0, tnv0.med,
        "(two compiled passes; bit-identical)" if samev0 else "(RESULT DIFFERS)")
    print(f"  hologram executor for sum(a*b+c) / sum(transc12): {reduction_path(ha * hb + hc, 'sum')} / {path}")
    RESULTS["reduction"].update(
        var={"numpy": tnv.med, "hologram": thv.med, "hologram_value": gotv, "numpy_value": refv,
             "float64_value": exactv},
        argmax={"numpy": tna.med, "hologram": tha.med, "hologram_value": gota, "numpy_value": refa},
        sum_transc12={"numpy": tnt.med, "hologram": tht.med, "hologram_value": gott, "numpy_value": reft},
        max_rows={"numpy": tnm.med, "hologram": thm.med},
        var_rows={"numpy": tnv2.med, "hologram": thv2.med, "equal": bool(samev)},
        sum_sqdev_broadcast_axis0={"numpy": tnb.med, "hologram": thb.med, "equal": bool(sameb)},
        sum_axis0={"numpy": tns.med, "hologram": ths.med, "equal": bool(same0)},
        var_axis0={"numpy": tnv0.med, "hologram": thv0.med, "equal": bool(samev0)})


def reduction_path(x: Any, kind: str) -> str:
    """Which executor ran (and would run) ``kind`` of the lazy ``x``, with the measured costs."""
    from hologram_array.compiler import jit
    from hologram_array.compiler.cache import CACHE
    from hologram_array.compiler.materialize import prepare
    entry, _ = CACHE.get(prepare([x._node]).circuit)
    slot = jit.reduction_slot(entry.kernels, f"{kind}:all")  # (over all axes)
    if not slot.timing.best:
        return "chunked NumPy executor (no compiled kernel)" + (f": {slot.error}" if slot.error else "")
    costs = {ex: ns for (ex, _b), ns in slot.timing.best.items()}
    best = min(costs, key=costs.get)
    return f"{best} (" + ", ".join(f"{ex} {ns:.2f} ns/el" for ex, ns in sorted(costs.items())) + ")"


# The child for first-result latency: a chain on n float32 elements, in a fresh process.
LATENCY_CHILD = r"""
import json, sys, time
t_spawn = float(sys.argv[1]); name = sys.argv[2]; n = int(sys.argv[3])
t0 = time.perf_counter()
import numpy as np
import hologram_array as hx
from hologram_array.compiler.cache import CACHE
from hologram_array.compiler import jit
t_import = time.perf_counter() - t0
from chains import CHAINS
chain = CHAINS[name]

def kernel_runs():
    k = 0
    for e in list(CACHE._d.values()):
        s = e.kernels.get(jit.NUMBA)
        if s is not None:
            k += sum(v for (ex, _), v in s.timing.runs.items() if ex == jit.NUMBA)
    return k

a = np.random.default_rng(0).standard_normal(n).astype(np.float32)
ha = hx.asarray(a)
t = time.perf_counter(); ref = chain(np, a); np_first = time.perf_counter() - t
ts = []
for _ in range(3):
    t = time.perf_counter(); chain(np, a); ts.append(time.perf_counter() - t)
np_warm = sorted(ts)[1]
wall_first_start = time.time()
k0 = kernel_runs()
t_first0 = time.perf_counter()
got = np.asarray(chain(hx, ha))
t_first = time.perf_counter() - t_first0
first_kernel = kernel_runs() > k0
calls, t_kernel_call, deadline = 1, None, time.perf_counter() + 300
while not first_kernel and time.perf_counter() < deadline:
    k = kernel_runs(); t = time.perf_counter()
    np.asarray(chain(hx, ha)); calls += 1
    if kernel_runs() > k:
        t_kernel_call = time.perf_counter() - t
        break
t_until_kernel = time.perf_counter() - t_first0 if (first_kernel or t_kernel_call) else None
slots = [e.kernels[jit.NUMBA] for e in list(CACHE._d.values()) if jit.NUMBA in e.kernels]
compile_s = sum(sl.compile_seconds for sl in slots)
try:
    cache_hits = sum(sl.kernel.cache_hits() for sl in slots if sl.kernel is not None)
except Exception:
    cache_hits = None
print(json.dumps(dict(import_s=t_import, numpy_first=np_first, numpy_warm=np_warm,
                      first=t_first, first_used_kernel=first_kernel, calls=calls,
                      until_kernel=t_until_kernel, kernel_call=t_kernel_call, compile_s=compile_s, cache_hits=cache_hits,
                      spawn_to_first_result=wall_first_start + t_first - t_spawn,
                      same=bool(np.array_equal(got, ref)))))
"""


def _child(code: str, args: list[str], env: dict) -> dict:
    e = dict(os.environ)
    e.update(env)
    e["PYTHONPATH"] = os.pathsep.join([ROOT, HERE, e.get("PYTHONPATH", "")])
    r = subprocess.run([sys.executable, "-c", code, str(time.time()), *args], capture_output=True,
                       text=True, env=e, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"child failed ({r.returncode}): {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def section_latency(quick: bool) -> None:
    from hologram_array.compiler import jit

    n = (1 << 22) if quick else (1 << 24)
    name = "arith10"
    if not jit.numba_installed():
        print("\n== first-result latency: skipped (numba is not installed: no compiled kernels)")
        return
    reps_cold, reps_warm = (1, 1) if quick else (3, 3)
    print(f"\n== first-result latency: {name} on {n:,} float32, fresh processes, default settings "
          f"(compile='background'); loadavg {loadavg()}")
    print("   cold = empty HOLOGRAM_CACHE_DIR (never-seen chain); warm = a new process whose disk cache "
          "holds the kernel. 'until kernel' = from the first call's start to the end of the first "
          "call that ran the compiled kernel (calls repeated back to back).")
    runs = {"cold": [], "warm": [], "warm_sync": []}
    for i in range(reps_cold):
        d = tempfile.mkdtemp(prefix="hx-bench-cache-")
        env = {"HOLOGRAM_CACHE_DIR": d, "HOLOGRAM_COMPILE": "background"}
        try:
            runs["cold"].append(_child(LATENCY_CHILD, [name, str(n)], env))  # fills the cache
            if i == 0:
                runs["warm"] = [_child(LATENCY_CHILD, [name, str(n)], env) for _ in range(reps_warm)]
                env["HOLOGRAM_COMPILE"] = "sync"
                runs["warm_sync"] = [_child(LATENCY_CHILD, [name, str(n)], env) for _ in range(reps_warm)]
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def med(rs, k):
        v = [r[k] for r in rs if r.get(k) is not None]
        return statistics.median(v) if v else None

    labels = {"cold": "cold: empty cache, compile='background' (default)",
              "warm": "warm: disk cache filled by a cold process, compile='background' (default)",
              "warm_sync": "for comparison, warm with compile='sync' (first call loads the kernel and runs it)"}
    for key, rs in runs.items():
        label = labels[key]
        if not rs:
            continue
        print(f"  {label}, median of {len(rs)} process(es):")
        print(f"    import numpy + hologram_array           {fmt_t(med(rs, 'import_s')):>10s}")
        print(f"    NumPy eager: first call / warm call      {fmt_t(med(rs, 'numpy_first')):>10s} / "
              f"{fmt_t(med(rs, 'numpy_warm'))}")
        f = med(rs, "first")
        print(f"    hologram first call (result)             {fmt_t(f):>10s}  x{med(rs, 'numpy_first') / f:.2f} "
              f"vs NumPy's first call, x{med(rs, 'numpy_warm') / f:.2f} vs its warm call"
              f"{'  (ran the kernel)' if any(r['first_used_kernel'] for r in rs) else '  (NumPy executor)'}")
        uk = med(rs, "until_kernel")
        print(f"    until the compiled kernel is used        {fmt_t(uk):>10s}  (after {med(rs, 'calls'):.0f} "
              f"call(s); that call {fmt_t(med(rs, 'kernel_call'))})"
              + ("" if uk is not None else "  -- kernel never used within 300 s"))
        print(f"    of which compiling/loading the kernel   {fmt_t(med(rs, 'compile_s')):>10s}  (background: "
              f"worker process + loading here; sync: loading here; kernels loaded from the disk cache: "
              f"{med(rs, 'cache_hits')})")
        print(f"    process start -> first result            {fmt_t(med(rs, 'spawn_to_first_result')):>10s}"
              f"   results equal NumPy's: {all(r['same'] for r in rs)}")
    RESULTS["latency"] = {"n": n, "chain": name, **runs}


IMPORT_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
import hologram_array
t2 = time.perf_counter()
print(json.dumps(dict(numpy=t1 - t0, hologram=t2 - t1,
                      loaded=[m for m in ("numba", "llvmlite", "jax", "numexpr", "scipy") if m in sys.modules])))
"""


def section_import(quick: bool) -> None:
    reps = 3 if quick else 7
    print(f"\n== import time (fresh processes, best of {reps}); loadavg {loadavg()}")
    _child("import numpy, hologram_array; print('{}')", [], {})  # warm the OS file cache
    rs = [_child(IMPORT_CHILD, [], {}) for _ in range(reps)]
    t0 = time.perf_counter()
    for _ in range(reps):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = (time.perf_counter() - t0) / reps
    tn = min(r["numpy"] for r in rs)
    th = min(r["hologram"] for r in rs)
    loaded = sorted({m for r in rs for m in r["loaded"]})
    print(f"  import numpy                         {fmt_t(tn):>10s}")
    print(f"  import hologram_array (numpy loaded) {fmt_t(th):>10s}  (x{th / tn:.2f} numpy's import; "
          f"both together {fmt_t(tn + th)})")
    print(f"  bare interpreter start+exit          {fmt_t(bare):>10s}")
    print(f"  heavy modules imported by 'import hologram_array': {', '.join(loaded) or 'none'}"
          f"  -> numba {'IS' if 'numba' in loaded else 'is not'} imported")
    RESULTS["import"] = {"numpy": tn, "hologram": th, "bare_interpreter": bare, "loaded": loaded,
                         "numba_imported": "numba" in loaded}


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
    RESULTS["memory"] = {"n": n, "numpy_peak": pn, "hologram_peak": ph, "output_bytes": out_bytes}


def section_image(quick: bool) -> None:
    """Image pipelines as users write them (benchmarks/chains.py): a uint8 -> uint8 gamma /
    contrast / clip chain (one class map) and a uint8 -> float32 normalization."""
    h, w = (1024, 2048) if quick else (4096, 8192)
    img = np.random.default_rng(3).integers(0, 256, (h, w), dtype=np.uint8)
    himg = hx.asarray(img)
    print(f"\n== image pipelines, uint8 {h}x{w} ({img.size:,} pixels); hologram warm (compile='sync'); "
          f"loadavg {loadavg()}")
    o = np.empty_like(img)
    tcopy = bench(lambda: np.copyto(o, img), 5)
    row("np.copyto (memory floor, uint8)", tcopy)
    res = RESULTS.setdefault("image", {"pixels": img.size, "copy": tcopy.med, "rows": []})
    for name in ("image_gamma", "image_normalize", "image_normalize_affine"):
        fn = CHAINS[name]
        tn = bench(lambda: fn(np, img), 3)
        with Settings(compile="sync"):
            hx.clear_cache()
            th = bench(lambda: np.asarray(fn(hx, himg)), 5, warmup=SETTLE)
            path = hologram_path(fn(hx, himg))
            got, ref = np.asarray(fn(hx, himg)), fn(np, img)
        row(f"{name}: NumPy eager", tn)
        row(f"{name}: hologram", th, tn.med, f"({th.med / tcopy.med:.1f}x copy; {path}; {diff_note(got, ref)})")
        res["rows"].append({"name": name, "doc": fn.__doc__.strip(), "numpy": tn.med,
                            "hologram": th.med, "path": path, "equal": bool(np.array_equal(got, ref))})
        if name == "image_normalize_affine":  # the table (byte planes) against computing directly
            with Settings(compile="sync", classmap="never"):
                hx.clear_cache()
                td = bench(lambda: np.asarray(fn(hx, himg)), 5, warmup=SETTLE)
                dpath = hologram_path(fn(hx, himg))
            row(f"{name}: hologram, no class map", td, tn.med, f"({td.med / tcopy.med:.1f}x copy; {dpath})")
            res["rows"][-1]["direct"] = td.med


F64_CHILD = r"""
import json, sys, time
import numpy as np
import hologram_array as hx
from chains import CHAINS
from run import bench
n, quick = int(sys.argv[2]), sys.argv[3] == "1"
a = np.random.default_rng(1).standard_normal(n)
ha = hx.asarray(a)
res = {}
hx.config(compile="sync")
for name in ("transc12", "sci11"):
    chain = CHAINS[name]
    hx.clear_cache()
    t = bench(lambda: np.asarray(chain(hx, ha)), 3 if quick else 7, warmup=9, min_time=0.02)
    res[name] = [t.med, t.best, t.load]
print(json.dumps(res))
"""


def section_float64(quick: bool) -> None:
    """The float32 chains' transcendental one and an 11-op chain of the other float64
    functions, in float64: hologram (own vectorizable double-double math) against NumPy eager
    and against hologram with ``HOLOGRAM_INLINE_MATH=0`` (the C library in the fused loop)."""
    n = (1 << 20) if quick else (1 << 23)
    print(f"\n== float64 chains, {n:,} elements: median time per call, x = NumPy time / this time; "
          f"loadavg {loadavg()}")
    print("   hologram: own float64 functions (numba_vecmath64, 0.500 ULP); libm: the same kernels "
          "with HOLOGRAM_INLINE_MATH=0 (the C library, scalar). Each in a process of its own.")
    out = RESULTS.setdefault("float64", {"n": n, "rows": {}})["rows"]
    res = {}
    for label, extra in (("hologram", {}), ("libm", {"HOLOGRAM_INLINE_MATH": "0"})):
        res[label] = _child(F64_CHILD, [str(n), "1" if quick else "0"], dict(os.environ, **extra))
    for name in ("transc12", "sci11"):
        chain = CHAINS[name]
        a = np.random.default_rng(1).standard_normal(n)
        tn = bench(lambda: chain(np, a), 3 if quick else 7, min_time=0.02)
        th, tl = T(*res["hologram"][name]), T(*res["libm"][name])
        print(f"  {name:>9s}: NumPy {fmt_t(tn.med)}{load_note(tn)}, hologram {fmt_t(th.med)} "
              f"x{tn.med / th.med:.1f}{load_note(th)}, libm in the kernel {fmt_t(tl.med)} "
              f"x{tn.med / tl.med:.1f}{load_note(tl)}   ({chain.__doc__.strip().splitlines()[0]})",
              flush=True)
        out[name] = {"numpy": tn.med, "hologram": th.med, "libm_kernel": tl.med,
                     "max_load": max(tn.load, th.load, tl.load)}
        del a


SECTIONS = {"chains": section_chains, "float64": section_float64, "classmap": section_classmap, "reduction": section_reduction,
            "image": section_image, "latency": section_latency, "import": section_import,
            "memory": section_memory}


def _environment() -> dict:
    import peers

    env = {"hologram_array": hx.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
           "cpus": os.cpu_count(), "machine": platform.machine(), "processor": _cpu_name(),
           "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "unset")}
    for p in ("numexpr", "numba", "jax"):
        env[p] = peers.version(p)
    return env


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sections", nargs="*", help=f"any of {list(SECTIONS)} (default: all)")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    ap.add_argument("--json", help="results file (default benchmarks/results/latest.json, "
                                   "or quick.json with --quick)")
    ap.add_argument("--plot", action="store_true", help="draw docs/img/time_vs_size.png afterwards")
    args = ap.parse_args()
    for s in args.sections:
        if s not in SECTIONS:
            ap.error(f"unknown section {s!r}; choose from {list(SECTIONS)}")
    env = _environment()
    RESULTS.update(meta={"environment": env, "quick": args.quick, "sections": args.sections or list(SECTIONS),
                         "started": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg_start": loadavg()})
    print(", ".join(f"{k} {v}" for k, v in env.items() if v is not None)
          + f"; loadavg {loadavg()}" + ("  [--quick]" if args.quick else ""))
    t0 = time.perf_counter()
    for s in args.sections or SECTIONS:
        SECTIONS[s](args.quick)
    RESULTS["meta"]["seconds"] = time.perf_counter() - t0
    RESULTS["meta"]["loadavg_end"] = loadavg()
    path = args.json or os.path.join(HERE, "results", "quick.json" if args.quick else "latest.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(RESULTS, f, indent=1)
    os.replace(tmp, path)
    print(f"\nresults: {os.path.relpath(path)} ({RESULTS['meta']['seconds']:.0f} s; loadavg at the end "
          f"{loadavg()})")
    if args.plot:
        import plot
        print(f"plot: {os.path.relpath(plot.draw(path))}")


if __name__ == "__main__":
    main()
