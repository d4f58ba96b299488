"""Word-level LSTM language model, one training step: ember side by side with PyTorch.

    python benchmarks/bench_lstm.py              # medians and the ratio ember/torch
    python benchmarks/bench_lstm.py --quick      # fewer repeats
    python benchmarks/bench_lstm.py --profile    # also cProfile of ember's steps
    python benchmarks/bench_lstm.py --threads 2  # one thread setting only

The setup of PyTorch's examples/word_language_model: Embedding(10000, 200), dropout 0.2
on the embeddings, a 2-layer LSTM(200, 200, dropout=0.2), dropout 0.2 on its output,
Linear(200, 10000) decoder, CrossEntropyLoss; sequence length 35, batch 20; the hidden
state carried over (detached) between steps; clip_grad_norm_(params, 0.25); SGD lr 20.
The same code runs with `T` bound to ember and to torch, first both single-threaded, then
both with every core (``set_num_threads`` on each); a last table lists the ratios.
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
from _harness import Table, compare, finish_thread_table, print_ratio_summary, profile_steps, thread_counts  # noqa: E402
from _isolated import Worker, serve, worker_impl  # noqa: E402

NTOKEN, NINP, NHID, NLAYERS, BPTT, BATCH, DROPOUT, CLIP, LR = 10000, 200, 200, 2, 35, 20, 0.2, 0.25, 20.0


def make_model(T):
    nn = T.nn

    class RNNModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(DROPOUT)
            self.encoder = nn.Embedding(NTOKEN, NINP)
            self.rnn = nn.LSTM(NINP, NHID, NLAYERS, dropout=DROPOUT)
            self.decoder = nn.Linear(NHID, NTOKEN)
            nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, input, hidden):
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            output = self.drop(output)
            return self.decoder(output).view(-1, NTOKEN), hidden

    return RNNModel()


class Trainer:
    """One framework's model, optimiser, data and carried hidden state."""

    def __init__(self, T, seed=0):
        T.manual_seed(seed)
        self.T = T
        self.model = make_model(T)
        self.model.train()
        self.opt = T.optim.SGD(self.model.parameters(), lr=LR)
        self.crit = T.nn.CrossEntropyLoss()
        rng = np.random.default_rng(seed)
        self.batches = [(T.tensor(rng.integers(0, NTOKEN, (BPTT, BATCH))),
                         T.tensor(rng.integers(0, NTOKEN, BPTT * BATCH))) for _ in range(4)]
        zeros = T.zeros(NLAYERS, BATCH, NHID)
        self.hidden = (zeros, zeros.clone())
        self.i = 0

    def step(self):
        T, model = self.T, self.model
        data, targets = self.batches[self.i % len(self.batches)]
        self.i += 1
        self.hidden = tuple(h.detach() for h in self.hidden)
        model.zero_grad()
        output, self.hidden = model(data, self.hidden)
        loss = self.crit(output, targets)
        loss.backward()
        T.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        self.opt.step()
        return loss.item()


class LSTMOnly:
    """Just the 2-layer recurrent layer (LSTM, or GRU), forward and backward, on a
    (35, 20, 200) input."""

    def __init__(self, T, seed=0, kind="LSTM"):
        T.manual_seed(seed)
        self.rnn = getattr(T.nn, kind)(NINP, NHID, NLAYERS)
        rng = np.random.default_rng(seed)
        self.x = T.tensor(rng.standard_normal((BPTT, BATCH, NINP), dtype=np.float32), requires_grad=True)
        self.g = T.tensor(rng.standard_normal((BPTT, BATCH, NHID), dtype=np.float32))

    def step(self):
        out, _ = self.rnn(self.x)
        out.backward(self.g)


def build(impl, case, params):
    """A worker's statement for ``case`` ("train", "LSTM" or "GRU") with ``impl``'s framework."""
    T = importlib.import_module(impl)
    T.set_num_threads(params["threads"])
    return Trainer(T).step if case == "train" else LSTMOnly(T, kind=case).step


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--profile", action="store_true", help="cProfile ember's training steps")
    p.add_argument("--threads", nargs="*", type=int, default=None, help="thread counts (default: 1 and all)")
    args = p.parse_args()
    impls = ["ember"] + (["torch"] if importlib.util.find_spec("torch") else [])
    workers = {impl: Worker(__file__, impl) for impl in impls}
    repeat = 3 if args.quick else 7
    counts = thread_counts(args.threads)
    summary = {}
    for n in counts:
        th = f"{n} thread{'s' if n > 1 else ''}"
        table = Table(f"word LM training step: Embedding({NTOKEN}, {NINP}) + {NLAYERS}-layer LSTM({NINP}, {NHID}) "
                      f"+ Linear({NHID}, {NTOKEN}); seq {BPTT}, batch {BATCH}, {th}")
        for case, label in (("train", "train step"), ("LSTM", "LSTM fwd+bwd only"), ("GRU", "GRU fwd+bwd only")):
            stmts = {impl: (w.case(case, threads=n), None) for impl, w in workers.items()}
            table.add(label, compare(stmts, repeat=repeat, warmup=2, min_time=0.0, notes=table.notes))
            for impl, (remote, _) in stmts.items():
                workers[impl].drop(remote)
        table.note("dropout 0.2, clip_grad_norm_ 0.25, SGD lr 20, hidden state detached between steps")
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
