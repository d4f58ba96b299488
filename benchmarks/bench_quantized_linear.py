"""Dynamic quantized Linear vs float Linear in ember (and torch for reference).

Run: python benchmarks/bench_quantized_linear.py  -- prints time ratios per shape.
"""
import time

import numpy as np

import ember


def _best_pair(f, g, rounds=40):
    """Fastest of many interleaved single calls of each (the machine is shared and noisy)."""
    f(), g()
    bf = bg = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter(); f(); t1 = time.perf_counter(); g(); t2 = time.perf_counter()
        bf, bg = min(bf, t1 - t0), min(bg, t2 - t1)
    return bf, bg


def main():
    shapes = [(64, 512, 512), (256, 784, 256), (32, 1024, 1024), (1, 512, 512), (128, 64, 10)]
    print(f"{'batch,in,out':>16} {'float us':>10} {'qint8 us':>10} {'ratio':>6}")
    with ember.no_grad():
        for m, k, n in shapes:
            fl = ember.nn.Linear(k, n)
            q = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(fl))[0]
            x = ember.randn(m, k)
            tf, tq = _best_pair(lambda: fl(x), lambda: q(x))
            print(f"{f'{m},{k},{n}':>16} {tf * 1e6:10.1f} {tq * 1e6:10.1f} {tq / tf:6.2f}")


if __name__ == "__main__":
    np.random.seed(0)
    main()
