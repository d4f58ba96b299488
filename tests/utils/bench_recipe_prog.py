"""The pytorch/tutorials recipe "benchmark.py" flow, shortened (run by test_benchmark.py)."""
from itertools import product
import sys

import torch
import torch.utils.benchmark as benchmark
from torch.utils.benchmark.utils.common import Measurement


def batched_dot_mul_sum(a, b):
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


x = torch.randn(100, 64)
assert batched_dot_mul_sum(x, x).allclose(batched_dot_bmm(x, x))

t0 = benchmark.Timer(stmt="batched_dot_mul_sum(x, x)",
                     setup="from __main__ import batched_dot_mul_sum", globals={"x": x})
t1 = benchmark.Timer(stmt="batched_dot_bmm(x, x)", setup="from __main__ import batched_dot_bmm",
                     globals={"x": x})
print(t0.timeit(100))
print(t1.timeit(100))
m0 = t0.blocked_autorange(min_run_time=0.05)
assert isinstance(m0, Measurement) and m0.median > 0
print(f"median_positive={m0.median > 0} mean_positive={m0.mean > 0}")

results = []
sizes = [1, 64]
for b, n in product(sizes, sizes):
    label = "Batched dot"
    sub_label = f"[{b}, {n}]"
    x = torch.ones((b, n))
    for num_threads in [1, 2]:
        for stmt, fn, desc in (("batched_dot_mul_sum(x, x)", "batched_dot_mul_sum", "mul/sum"),
                               ("batched_dot_bmm(x, x)", "batched_dot_bmm", "bmm")):
            results.append(benchmark.Timer(
                stmt=stmt, setup=f"from __main__ import {fn}", globals={"x": x},
                num_threads=num_threads, label=label, sub_label=sub_label,
                description=desc).blocked_autorange(min_run_time=0.01))
compare = benchmark.Compare(results)
compare.print()
compare.trim_significant_figures()
compare.colorize()
compare.print()
sys.stdout.flush()
