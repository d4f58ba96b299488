"""ember.compile and ember.jit.trace side by side with ember eager, torch eager and torch.jit.trace.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 python benchmarks/bench_compile.py [--quick]

Workloads (single-threaded, the same weights in ember and torch):
* tiny MLP forward: 10 x (Linear(32, 32) + ReLU), batch 8, under no_grad and with grad mode
  on (parameters require grad), plus the pure-NumPy floor (the same matmul/add/maximum calls);
* training steps (forward, cross-entropy, backward, SGD step): the tiny MLP (batch 64), the
  seed CNN (conv-relu-pool x2 + linear on 1x28x28, batch 32) and a small LSTM language model
  (Embedding(1000, 64), LSTM(64, 64), Linear(64, 1000), sequence 20, batch 16).
Medians of interleaved repeats (benchmarks/_harness.py). Quote ratios, not absolute times.
"""
import os
import sys

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ember  # noqa: E402
from _harness import compare, fmt_time  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None


def mlp(T, width=32, depth=10):
    layers = []
    for _ in range(depth):
        layers += [T.nn.Linear(width, width), T.nn.ReLU()]
    return T.nn.Sequential(*layers)


def cnn(T):
    nn = T.nn
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def lstm_lm(T):
    nn = T.nn

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(1000, 64)
            self.rnn = nn.LSTM(64, 64)
            self.dec = nn.Linear(64, 1000)

        def forward(self, x):
            out, _ = self.rnn(self.emb(x))
            return self.dec(out).view(-1, 1000)
    return LM()


def twins(make):
    t = make(torch) if torch is not None else None
    ember.manual_seed(0)
    e = make(ember)
    if t is not None:
        e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def step_fn(T, model, x, y):
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    F = T.nn.functional

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def forward_rows(rows):
    em, tm = twins(mlp)
    cm = ember.compile(em)
    xn = np.random.RandomState(0).randn(8, 32).astype(np.float32)
    xe = ember.tensor(xn)
    stm = {"ember eager": (lambda: em(xe), None), "ember.compile": (lambda: cm(xe), None)}
    ws = [(lin.weight.detach().numpy().T, lin.bias.detach().numpy()) for lin in em if isinstance(lin, ember.nn.Linear)]

    def floor():
        h = xn
        for w, b in ws:
            h = np.maximum(h @ w + b, 0)
        return h
    if torch is not None:
        xt = torch.tensor(xn)
        tt = torch.jit.trace(tm, xt)
        stm.update({"torch eager": (lambda: tm(xt), None), "torch jit.trace": (lambda: tt(xt), None)})
    for mode in ("no_grad", "grad"):
        if mode == "no_grad":
            ctx_e, ctx_t = ember.no_grad(), (torch.no_grad() if torch is not None else None)
        else:
            ctx_e, ctx_t = ember.enable_grad(), (torch.enable_grad() if torch is not None else None)
        with ctx_e:
            if ctx_t is not None:
                ctx_t.__enter__()
            try:
                for f, _ in stm.values():
                    f(), f(), f()
                s = dict(stm)
                if mode == "no_grad":
                    s["numpy floor"] = (floor, None)
                rows.append((f"tiny MLP forward ({mode})", compare(s, repeat=REPEAT)))
            finally:
                if ctx_t is not None:
                    ctx_t.__exit__(None, None, None)


def train_rows(rows, name, make, x_np, y_np):
    em, tm = twins(make)
    xe, ye = ember.tensor(x_np), ember.tensor(y_np)
    ce, ct = twins(make)
    cm = ember.compile(ce)
    s = {"ember eager": (step_fn(ember, em, xe, ye), None), "ember.compile": (step_fn(ember, cm, xe, ye), None)}
    if torch is not None:
        s["torch eager"] = (step_fn(torch, tm, torch.tensor(x_np), torch.tensor(y_np)), None)
    for f, _ in s.values():
        f(), f(), f()
    rows.append((f"{name} training step", compare(s, repeat=REPEAT)))


def main():
    rng = np.random.RandomState(0)
    rows = []
    forward_rows(rows)
    train_rows(rows, "tiny MLP (batch 64)", mlp, rng.randn(64, 32).astype(np.float32), rng.randint(0, 32, 64))
    train_rows(rows, "seed CNN (batch 32)", cnn, rng.randn(32, 1, 28, 28).astype(np.float32), rng.randint(0, 10, 32))
    train_rows(rows, "LSTM LM (20x16)", lstm_lm, rng.randint(0, 1000, (20, 16)), rng.randint(0, 1000, 320))
    cols = ["ember eager", "ember.compile", "torch eager", "torch jit.trace", "numpy floor"]
    print("case".ljust(34) + "".join(c.rjust(17) for c in cols) + "   eager/compiled  compiled/torch")
    for case, r in rows:
        line = case.ljust(34) + "".join(fmt_time(r.get(c)).rjust(17) for c in cols)
        sp = r["ember eager"] / r["ember.compile"]
        ref = r.get("torch jit.trace") or r.get("torch eager")
        line += f"   {sp:13.2f}x" + (f"  {r['ember.compile'] / ref:13.2f}x" if ref else "")
        print(line, flush=True)


REPEAT = 3 if "--quick" in sys.argv else 7

if __name__ == "__main__":
    main()
