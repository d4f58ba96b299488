"""torchvision classifiers: ember.vision.models side by side with torch + torchvision.

    python benchmarks/bench_vision.py                    # every case below
    python benchmarks/bench_vision.py --quick            # batch 1 only, fewer repeats
    python benchmarks/bench_vision.py --models resnet50 --batches 1

Cases: inference forward (eval mode, no_grad) at batch 1 and 8 of 224x224 images for
resnet50, vgg16, mobilenet_v3_large and vit_b_16, and one SGD training step of resnet18
(cross-entropy, momentum 0.9, batch ``--train-batch``). Both sides run the same weights:
ember's randomly initialised state_dict is loaded into the torchvision model. Every case runs
single-threaded, then with every core (``set_num_threads`` on both), and a last table lists the
ratios side by side.

torch's column needs torchvision's model code: an installed ``torchvision``, or its pure-Python
sources in ``$TORCHVISION_SRC`` (e.g. an unpacked wheel whose C extension is not loaded). Without
either, only ember is timed and a note says so. Quote ratios, not absolute times.
"""
import argparse
import os
import sys

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ember  # noqa: E402
from ember.vision import models as ember_models  # noqa: E402
from _harness import Table, compare, print_ratio_summary, thread_counts, use_threads  # noqa: E402

FORWARD_MODELS = ("resnet18", "resnet50", "vgg16", "mobilenet_v3_large", "vit_b_16")


def import_torchvision_models():
    """(torch, torchvision.models) or (torch or None, None) with the reason in a string."""
    try:
        import torch
    except ImportError:
        return None, None, "torch is not installed"
    try:
        from torchvision import models
        return torch, models, None
    except Exception as e:  # not installed, or its C extension does not load
        first = e
    src = os.environ.get("TORCHVISION_SRC")
    if src:
        sys.path.insert(0, src)
        try:
            from torchvision import models
            return torch, models, None
        except Exception as e:
            first = e
    return torch, None, f"torchvision is not importable ({type(first).__name__}: {first}); set TORCHVISION_SRC"


def build_pair(name, tv_models, torch, **kwargs):
    """ember model and (when possible) the torchvision model holding the same weights."""
    ember.manual_seed(0)
    em = ember_models.get_model(name, **kwargs)
    if tv_models is None:
        return em, None
    tm = tv_models.get_model(name, **kwargs)
    tm.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in em.state_dict().items()})
    return em, tm


def forward_cases(name, batch, em, tm, torch):
    x = np.random.default_rng(0).standard_normal((batch, 3, 224, 224), dtype=np.float32)
    em.eval()
    xe = ember.from_numpy(x)

    def run_ember():
        with ember.no_grad():
            return em(xe)
    stmts = {"ember": (run_ember, None)}
    if tm is not None:
        tm.eval()
        xt = torch.from_numpy(x)

        def run_torch():
            with torch.no_grad():
                return tm(xt)
        stmts["torch"] = (run_torch, None)
        ye, yt = run_ember().numpy(), run_torch().numpy()
        diff = float(np.abs(ye - yt).max() / max(np.abs(yt).max(), 1e-30))
        return stmts, diff
    return stmts, None


class TrainStep:
    """One SGD step of a model on a fixed batch."""

    def __init__(self, T, model, batch):
        rng = np.random.default_rng(1)
        self.T, self.model = T, model.train()
        self.x = T.from_numpy(rng.standard_normal((batch, 3, 224, 224), dtype=np.float32))
        self.y = T.from_numpy(rng.integers(0, 1000, batch))
        self.opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step(self):
        self.opt.zero_grad()
        loss = self.T.nn.functional.cross_entropy(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss.item()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="batch 1 only, 3 repeats")
    p.add_argument("--models", nargs="*", default=list(FORWARD_MODELS))
    p.add_argument("--batches", nargs="*", type=int, default=None)
    p.add_argument("--train-batch", type=int, default=4)
    p.add_argument("--no-train", action="store_true")
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument("--threads", nargs="*", type=int, default=None, help="thread counts (default: 1 and all)")
    args = p.parse_args(argv)
    batches = args.batches or ([1] if args.quick else [1, 8])
    repeat = args.repeat or (3 if args.quick else 5)
    p_threads = args.threads
    torch, tv_models, why = import_torchvision_models()
    libs = {"ember": ember} if torch is None else {"ember": ember, "torch": torch}
    counts = thread_counts(p_threads)
    tables = {n: Table(f"torchvision classifiers, 224x224, eval forward (no_grad), "
                       f"{n} thread{'s' if n > 1 else ''}") for n in counts}
    notes = tables[counts[0]].notes
    if why:
        notes.append(f"torch column skipped: {why}")

    def timed(label, stmts):
        for n in counts:   # the thread settings interleaved per case: drift hits them alike
            use_threads(n, libs)
            tables[n].add(label, compare(stmts, repeat=repeat, warmup=1, min_time=0.0, notes=tables[n].notes))

    for name in args.models:
        em, tm = build_pair(name, tv_models, torch)
        for batch in batches:
            stmts, diff = forward_cases(name, batch, em, tm, torch)
            timed(f"{name} batch {batch}", stmts)
            if diff is not None:
                notes.append(f"{name} batch {batch}: max |ember - torch| / max |torch| logits {diff:.1e}")
        del em, tm
    if not args.no_train:
        em, tm = build_pair("resnet18", tv_models, torch)
        stmts = {"ember": (TrainStep(ember, em, args.train_batch).step, None)}
        if tm is not None:
            stmts["torch"] = (TrainStep(torch, tm, args.train_batch).step, None)
        timed(f"resnet18 SGD train step, batch {args.train_batch}", stmts)
    summary = {}
    for n in counts:
        tables[n].print()
        for case, r in tables[n].rows:
            if "torch" in r:
                summary.setdefault(case, {})[n] = r["ember"] / r["torch"]
    if summary:
        print_ratio_summary("ember / torch", summary, counts)


if __name__ == "__main__":
    main()
