"""Training step of a small Transformer encoder: ember side by side with PyTorch.

    python benchmarks/bench_transformer.py              # both libraries, medians and the ratio
    python benchmarks/bench_transformer.py --quick      # fewer repeats
    python benchmarks/bench_transformer.py --profile 25 # also cProfile ember's steps (top 25)

The model is a 2-layer ``nn.TransformerEncoder`` (d_model 128, 4 heads, dim_feedforward
512, batch_first=True, the default dropout 0.1, ReLU), fed a (16, 64, 128) float32 batch.
One step is ``zero_grad``, forward, ``mse_loss`` against a fixed random target, backward
and ``Adam.step``. Both libraries start from the same weights (torch's, copied) and run
first single-threaded, then with every core (``set_num_threads`` on each; ``--threads``
picks the settings), a last table listing the ratios. Before timing, the two models' eval-mode losses are
compared, so the benchmark also checks that they compute the same function.

Quote ratios, not absolute times: the machines are noisy.
"""
import argparse
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE))  # benchmark this checkout, installed or not
sys.path.insert(0, _HERE)

import importlib  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _harness import Table, compare, print_ratio_summary, thread_counts, use_threads  # noqa: E402

D_MODEL, NHEAD, FF, LAYERS, BATCH, SEQ = 128, 4, 512, 2, 16, 64


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="cProfile 20 ember steps and print the top N functions by own time")
    p.add_argument("--impl-module", default="ember", help="module benchmarked in ember's column")
    p.add_argument("--threads", nargs="*", type=int, default=None, help="thread counts (default: 1 and all)")
    return p.parse_args()


def build(T, state=None):
    """(model, optimizer, x, target) for library T; weights from `state` (numpy arrays) if given."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = T.nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, batch_first=True)
        model = T.nn.TransformerEncoder(layer, LAYERS)
    if state is not None:
        model.load_state_dict({k: T.tensor(v) for k, v in state.items()})
    rng = np.random.default_rng(0)
    x = T.tensor(rng.standard_normal((BATCH, SEQ, D_MODEL), dtype=np.float32))
    y = T.tensor(rng.standard_normal((BATCH, SEQ, D_MODEL), dtype=np.float32))
    return model, T.optim.Adam(model.parameters(), lr=1e-4), x, y


def make_step(T, model, opt, x, y):
    mse = T.nn.functional.mse_loss

    def step():
        opt.zero_grad()
        loss = mse(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def main():
    args = parse_args()
    E = importlib.import_module(args.impl_module)
    try:
        import torch
    except ImportError:
        torch = None
    table = Table(f"TransformerEncoder training step: {LAYERS} layers, d_model {D_MODEL}, {NHEAD} heads, "
                  f"ff {FF}, batch {BATCH} x seq {SEQ}, dropout 0.1, MSE + Adam")
    libs = {}
    if torch is not None:
        torch.manual_seed(0)
        tm = build(torch)
        state = {k: v.detach().numpy().copy() for k, v in tm[0].state_dict().items()}
        libs["torch"] = tm
        libs["ember"] = build(E, state)
    else:
        libs["ember"] = build(E)
    if torch is not None:  # same function: eval-mode losses agree
        losses = {}
        for name, (model, _, x, y) in libs.items():
            T = E if name == "ember" else torch
            model.eval()
            with T.no_grad():
                losses[name] = float(T.nn.functional.mse_loss(model(x), y).item())
            model.train()
        if not np.isclose(losses["ember"], losses["torch"], rtol=1e-4):
            table.note(f"MISMATCH: eval-mode loss ember {losses['ember']} vs torch {losses['torch']}")
        else:
            table.note(f"eval-mode losses agree: {losses['ember']:.6f}")
    stmts = {name: (make_step(E if name == "ember" else torch, *objs), None) for name, objs in libs.items()}
    counts = thread_counts(args.threads)
    summary = {}
    for n in counts:
        use_threads(n, {"ember": E} if torch is None else {"ember": E, "torch": torch})
        r = compare(stmts, repeat=5 if args.quick else 11, warmup=2, min_time=0.0, notes=table.notes)
        table.add(f"training step, {n} thread{'s' if n > 1 else ''}", r)
        if "torch" in r:
            summary.setdefault("training step", {})[n] = r["ember"] / r["torch"]
    table.note("one timing = one step (zero_grad, forward, mse_loss, backward, Adam.step)")
    table.print()
    if summary:
        print_ratio_summary("ember / torch", summary, counts)
    if args.profile:
        import cProfile
        import pstats
        step = stmts["ember"][0]
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(20):
            step()
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
