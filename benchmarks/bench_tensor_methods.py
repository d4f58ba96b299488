"""Tensor methods added for PyTorch parity, ember side by side with PyTorch (single-threaded).

    python benchmarks/bench_tensor_methods.py            # all cases, ~30 s
    python benchmarks/bench_tensor_methods.py --quick

Prints the median time per call for ember and torch and the ratio ember/torch. Quote ratios,
not absolute times: the machines are noisy.
"""
import argparse
import os
import sys

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
           "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from benchmarks._harness import compare  # noqa: E402

# name: (setup run once per library, statement timed); ``lib`` is ember or torch
CASES = {
    "t_ (3x4, per-op overhead)": ("x = lib.zeros(3, 4)", "x.t_()"),
    "eq_ (1M float32)": ("x = lib.from_numpy(a1m.copy())", "x.eq_(0.5)"),
    "softmax(dim=1) 1000x1000": ("x = lib.from_numpy(a1k)", "x.softmax(1)"),
    "addmm_ 512x512": ("c = lib.zeros(512, 512); m = lib.from_numpy(a512)", "c.addmm_(m, m)"),
    "diff 1M": ("x = lib.from_numpy(a1m)", "x.diff()"),
    "cov 100x1000": ("x = lib.from_numpy(a100k.reshape(100, 1000))", "x.cov()"),
    "renorm 1000x1000": ("x = lib.from_numpy(a1k)", "x.renorm(2, 0, 1.0)"),
    "index_reduce amax 100k rows": (
        "s = lib.zeros(1000, 4); src = lib.from_numpy(a100k.reshape(-1, 1).repeat(4, 1)); "
        "ix = lib.from_numpy(idx100k)", "s.index_reduce(0, ix, src, 'amax')"),
    "i0 1M": ("x = lib.from_numpy(a1m)", "lib.i0(x)"),
    "igamma 100k": ("a = lib.from_numpy(a100k + 1); x = lib.from_numpy(a100k * 3)", "lib.igamma(a, x)"),
    "unsafe_chunk (10 pieces)": ("x = lib.zeros(100, 10)", "x.unsafe_chunk(10)"),
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    import warnings
    warnings.simplefilter("ignore")
    import torch
    import ember
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    data = {"a1m": rng.random(1_000_000).astype(np.float32),
            "a1k": rng.standard_normal((1000, 1000)).astype(np.float32),
            "a512": rng.standard_normal((512, 512)).astype(np.float32),
            "a100k": rng.random(100_000).astype(np.float32), "idx100k": rng.integers(0, 1000, 100_000)}
    kw = dict(repeat=3, min_time=0.01) if args.quick else dict(repeat=7, min_time=0.05)
    print(f"{'case':32s} {'ember':>11s} {'torch':>11s} {'ratio':>7s}")
    for name, (setup, stmt) in CASES.items():
        stmts = {}
        for lib in (ember, torch):
            g = dict(data, lib=lib)
            exec(setup, g)
            stmts[lib.__name__] = (stmt, g)
        r = compare(stmts, **kw)
        print(f"{name:32s} {r['ember'] * 1e6:9.1f}us {r['torch'] * 1e6:9.1f}us {r['ember'] / r['torch']:7.2f}")


if __name__ == "__main__":
    main()
