"""Draw docs/img/time_vs_size.png from a results file written by benchmarks/run.py.

    python benchmarks/plot.py                                   # benchmarks/results/latest.json
    python benchmarks/plot.py benchmarks/results/quick.json -o /tmp/t.png

Log-log time per call vs number of float32 elements, one panel per chain (arith10, transc12),
one line per library that the run measured (NumPy, numexpr, Numba loop, JAX jit, hologram).
"""
from __future__ import annotations

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IN = os.path.join(HERE, "results", "latest.json")
DEFAULT_OUT = os.path.join(os.path.dirname(HERE), "docs", "img", "time_vs_size.png")

LINES = [  # key in the results, label, style
    ("numpy", "NumPy (eager)", dict(color="tab:blue", marker="o")),
    ("numexpr", "numexpr", dict(color="tab:orange", marker="s")),
    ("numba", "Numba parallel loop (hand-written)", dict(color="tab:green", marker="^")),
    ("jax", "JAX jit", dict(color="tab:purple", marker="D")),
    ("hologram", "hologram_array (warm)", dict(color="tab:red", marker="*", markersize=11, linewidth=2.5)),
]


def draw(results_path: str = DEFAULT_IN, out_path: str = DEFAULT_OUT) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(results_path) as f:
        res = json.load(f)
    chains = res.get("chains")
    if not chains:
        raise SystemExit(f"{results_path} has no 'chains' section: run benchmarks/run.py chains first")
    env = res.get("meta", {}).get("environment", {})
    fig, axes = plt.subplots(1, len(chains), figsize=(6.2 * len(chains), 4.8), squeeze=False)
    for ax, (name, data) in zip(axes[0], chains.items()):
        rows = data["rows"]
        ns = [r["n"] for r in rows]
        for key, label, style in LINES:
            pts = [(r["n"], r[key]) for r in rows if r.get(key) is not None]
            if pts:
                ax.plot(*zip(*pts), label=label, **style)
        copy = res.get("copy")
        if copy and copy.get("n") in ns:
            t = min(v for k, v in copy.items() if k in ("np_copyto", "numba_copy", "numba_copy_passive"))
            ax.plot([copy["n"]], [t], "k_", markersize=22, mew=2, label="copy limit (same traffic)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(ns)
        ax.set_xticklabels([_size(n) for n in ns])
        ax.set_xlabel("float32 elements")
        ax.set_ylabel("time per call (s)")
        ax.set_title(f"{name}: {data.get('expr', '')}", fontsize=8.5)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    meta = res.get("meta", {})
    fig.suptitle(f"time vs size (lower is better); {env.get('cpus', '?')} cpu(s) {env.get('processor', '')}, "
                 f"numpy {env.get('numpy', '?')}; {meta.get('started', '')}, loadavg "
                 f"{meta.get('loadavg_start', '?')}..{meta.get('loadavg_end', '?')}"
                 + (" [--quick]" if meta.get("quick") else ""), fontsize=9)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    return out_path


def _size(n: int) -> str:
    for unit, k in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= k and n % k == 0:
            return f"{n // k}{unit}"
    return str(n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", default=DEFAULT_IN)
    ap.add_argument("-o", "--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    print(draw(args.results, args.out))


if __name__ == "__main__":
    main()
