"""MNIST CNN, one training step: ember side by side with PyTorch.

    python benchmarks/bench_cnn.py              # medians and the ratio ember/torch
    python benchmarks/bench_cnn.py --quick      # fewer repeats
    python benchmarks/bench_cnn.py --profile    # also cProfile of ember's steps
    python benchmarks/bench_cnn.py --threads 2  # one thread setting only

The network of PyTorch's examples/mnist (the seed articles' first program): Conv2d(1, 32, 3),
ReLU, Conv2d(32, 64, 3), ReLU, max_pool2d(2), Dropout(0.25), Linear(9216, 128), ReLU,
Dropout(0.5), Linear(128, 10), log_softmax + nll_loss; Adadelta lr 1.0; batch 64 of 28x28.
Also the convolution and pooling layers alone, forward + backward.
The same code runs with `T` bound to ember and to torch, each in a process of its own (neither
framework's import changes the other's allocator or threads), first both single-threaded, then
both with every core (``set_num_threads`` on each), and a last table lists the ratios side by side.
Quote ratios, not absolute times: the machines are noisy.
"""
import argparse
import importlib
import importlib.util
import os
import sys

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import (Table, compare, finish_thread_table, print_ratio_summary, profile_steps,  # noqa: E402
                      thread_counts)
from _isolated import Worker, serve, worker_impl  # noqa: E402

BATCH = 64


def make_model(T):
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = T.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            return F.log_softmax(self.fc2(x), dim=1)

    return Net()


class Trainer:
    """One framework's model, optimiser and a fixed batch."""

    def __init__(self, T, seed=0):
        T.manual_seed(seed)
        self.T = T
        self.model = make_model(T)
        self.model.train()
        self.opt = T.optim.Adadelta(self.model.parameters(), lr=1.0)
        rng = np.random.default_rng(seed)
        self.x = T.tensor(rng.standard_normal((BATCH, 1, 28, 28), dtype=np.float32))
        self.y = T.tensor(rng.integers(0, 10, BATCH))

    def step(self):
        self.opt.zero_grad()
        loss = self.T.nn.functional.nll_loss(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss.item()


class Layer:
    """One layer alone, forward and backward on a fixed input."""

    def __init__(self, T, kind, seed=0):
        T.manual_seed(seed)
        rng = np.random.default_rng(seed)
        if kind == "conv":
            self.f = T.nn.Conv2d(32, 64, 3)
            shape = (BATCH, 32, 26, 26)
        else:
            self.f = lambda x: T.nn.functional.max_pool2d(x, 2)
            shape = (BATCH, 64, 24, 24)
        self.x = T.tensor(rng.standard_normal(shape, dtype=np.float32), requires_grad=True)
        out = self.f(self.x)
        self.g = T.tensor(rng.standard_normal(tuple(out.shape), dtype=np.float32))

    def step(self):
        self.f(self.x).backward(self.g)


def build(impl, case, params):
    """A worker's statement for ``case`` ("train", "conv" or "pool") with ``impl``'s framework."""
    T = importlib.import_module(impl)
    T.set_num_threads(params["threads"])
    return Trainer(T).step if case == "train" else Layer(T, case).step


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--profile", action="store_true", help="cProfile ember's training steps")
    p.add_argument("--threads", nargs="*", type=int, default=None, help="thread counts (default: 1 and all)")
    args = p.parse_args()
    impls = ["ember"] + (["torch"] if importlib.util.find_spec("torch") else [])
    workers = {impl: Worker(__file__, impl) for impl in impls}
    repeat = 3 if args.quick else 9
    counts = thread_counts(args.threads)
    summary = {}
    for n in counts:
        th = f"{n} thread{'s' if n > 1 else ''}"
        table = Table(f"MNIST CNN training step (PyTorch's examples/mnist), batch {BATCH}, Adadelta, {th}")
        for case, label in (("train", "train step"), ("conv", "Conv2d(32, 64, 3) fwd+bwd"),
                            ("pool", "max_pool2d(2) fwd+bwd")):
            stmts = {impl: (w.case(case, threads=n), None) for impl, w in workers.items()}
            table.add(label, compare(stmts, repeat=repeat, warmup=2, min_time=0.0, notes=table.notes))
            for impl, (remote, _) in stmts.items():
                workers[impl].drop(remote)
        table.note("input (64, 32, 26, 26) for the conv, (64, 64, 24, 24) for the pooling")
        table.note("each framework runs in a worker process of its own (benchmarks/_isolated.py)")
        finish_thread_table(table, table.rows[0][1], n, summary)
    for w in workers.values():
        w.close()
    if summary:
        print_ratio_summary("ember / torch", summary, counts)
    if args.profile:
        import ember
        profile_steps(Trainer(ember).step, 5)


if __name__ == "__main__":
    impl = worker_impl()
    if impl:
        serve(build, impl)
    else:
        main()
