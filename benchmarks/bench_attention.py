"""Multi-head self-attention forward + backward: ember side by side with PyTorch.

    python benchmarks/bench_attention.py              # both libraries, medians and the ratio
    python benchmarks/bench_attention.py --quick      # fewer repeats
    python benchmarks/bench_attention.py --profile 25 # also cProfile ember's steps (top 25)

``nn.MultiheadAttention(128, 4, batch_first=True)`` on a (16, 64, 128) float32 batch,
self-attention (query is key is value), forward then ``out.sum().backward()`` (parameter
and input gradients), with ``need_weights`` True (the default: attention weights averaged
over heads are returned) and False; plus ``F.scaled_dot_product_attention`` alone on
(16, 4, 64, 32) q, k, v, with and without ``is_causal``. Both libraries start from the same
weights and run single-threaded (BLAS/OpenMP thread counts set to 1 before NumPy or torch is
imported, ``torch.set_num_threads(1)``); outputs are compared before timing.

Quote ratios, not absolute times: the machines are noisy.
"""
import argparse
import os
import sys

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
           "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE))  # benchmark this checkout, installed or not
sys.path.insert(0, _HERE)

import importlib  # noqa: E402

import numpy as np  # noqa: E402
from _harness import Table, compare  # noqa: E402

D_MODEL, NHEAD, BATCH, SEQ = 128, 4, 16, 64


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="cProfile 50 ember steps (need_weights=True) and print the top N functions by own time")
    p.add_argument("--impl-module", default="ember", help="module benchmarked in ember's column")
    return p.parse_args()


def build(T, state=None):
    mha = T.nn.MultiheadAttention(D_MODEL, NHEAD, batch_first=True)
    if state is not None:
        mha.load_state_dict({k: T.tensor(v) for k, v in state.items()})
    x = T.tensor(np.random.default_rng(0).standard_normal((BATCH, SEQ, D_MODEL), dtype=np.float32),
                 requires_grad=True)
    return mha, x


def mha_step(mha, x, need_weights):
    def step():
        mha.zero_grad()
        x.grad = None
        out, w = mha(x, x, x, need_weights=need_weights)
        out.sum().backward()
        return out
    return step


def sdpa_step(T, causal):
    rng = np.random.default_rng(1)
    q, k, v = (T.tensor(rng.standard_normal((BATCH, NHEAD, SEQ, D_MODEL // NHEAD), dtype=np.float32),
                        requires_grad=True) for _ in range(3))

    def step():
        for t in (q, k, v):
            t.grad = None
        out = T.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
        out.sum().backward()
        return out
    return step


def main():
    args = parse_args()
    E = importlib.import_module(args.impl_module)
    import torch
    torch.set_num_threads(1)
    tm, tx = build(torch)
    state = {k: v.detach().numpy().copy() for k, v in tm.state_dict().items()}
    em, ex = build(E, state)
    a = mha_step(em, ex, True)().detach().numpy()
    b = mha_step(tm, tx, True)().detach().numpy()
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-3)

    kw = dict(repeat=5 if args.quick else 11, min_time=0.05 if args.quick else 0.2, warmup=2)
    table = Table(f"attention fwd+bwd, float32, batch {BATCH}, seq {SEQ}, d_model {D_MODEL}, "
                  f"{NHEAD} heads, single-threaded")
    for nw in (True, False):
        table.add(f"MultiheadAttention need_weights={nw}",
                  compare({"ember": (mha_step(em, ex, nw), None), "torch": (mha_step(tm, tx, nw), None)}, **kw))
    for causal in (False, True):
        table.add(f"scaled_dot_product_attention is_causal={causal}",
                  compare({"ember": (sdpa_step(E, causal), None), "torch": (sdpa_step(torch, causal), None)},
                          **kw))
    table.print()

    if args.profile:
        import cProfile
        import pstats
        step = mha_step(em, ex, True)
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(50):
            step()
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
