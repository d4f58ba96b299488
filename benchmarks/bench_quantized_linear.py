"""Dynamic quantized Linear vs float Linear, in ember and in torch (same shapes, same threads).

Columns: ember float and qint8 times, ember's quantized/float ratio (the issue's target is
<= 1.2), then torch's quantized/float ratio for reference and ember-quantized over
torch-quantized. Each time is the fastest of many interleaved single calls (the machine
is shared and noisy); run it a few times and quote medians.

Run: python benchmarks/bench_quantized_linear.py [--per-channel]
"""
import sys
import time
import warnings

import numpy as np

import ember

SHAPES = [(64, 512, 512), (256, 784, 256), (32, 1024, 1024), (1, 512, 512), (128, 64, 10)]


def _best(fns, rounds=40):
    """Fastest of ``rounds`` interleaved single calls of each function."""
    for f in fns:
        f()
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, f in enumerate(fns):
            t0 = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def _torch_pair(m, k, n, per_channel):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(ember.get_num_threads())
    fl = torch.nn.Linear(k, n)
    spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig} if per_channel \
        else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(fl), spec)[0]
    x = torch.randn(m, k)
    return torch, (lambda: fl(x)), (lambda: q(x))


def main(per_channel=False):
    print(f"{'batch,in,out':>16} {'float us':>9} {'qint8 us':>9} {'q/f':>6} {'torch q/f':>10} "
          f"{'ember q/torch q':>16}")
    spec = {ember.nn.Linear: ember.ao.quantization.per_channel_dynamic_qconfig} if per_channel \
        else None
    with ember.no_grad():
        for m, k, n in SHAPES:
            fl = ember.nn.Linear(k, n)
            q = ember.ao.quantization.quantize_dynamic(ember.nn.Sequential(fl), spec)[0]
            x = ember.randn(m, k)
            fns = [lambda: fl(x), lambda: q(x)]
            tp = _torch_pair(m, k, n, per_channel)
            if tp is not None:
                with tp[0].no_grad():
                    tf, tq, ttf, ttq = _best(fns + [tp[1], tp[2]])
                ref = f"{ttq / ttf:10.2f} {tq / ttq:16.2f}"
            else:
                tf, tq = _best(fns)
                ref = f"{'-':>10} {'-':>16}"
            print(f"{f'{m},{k},{n}':>16} {tf * 1e6:9.1f} {tq * 1e6:9.1f} {tq / tf:6.2f} {ref}")


if __name__ == "__main__":
    np.random.seed(0)
    main("--per-channel" in sys.argv)
