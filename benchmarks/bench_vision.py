"""torchvision classifiers: ember.vision.models side by side with torch + torchvision.

    python benchmarks/bench_vision.py                    # every case below
    python benchmarks/bench_vision.py --quick            # batch 1 only, fewer repeats
    python benchmarks/bench_vision.py --models resnet50 --batches 1

Cases: inference forward (eval mode, no_grad) at batch 1 and 8 of 224x224 images for
resnet50, vgg16, mobilenet_v3_large and vit_b_16, and one SGD training step of resnet18
(cross-entropy, momentum 0.9, batch ``--train-batch``). Both sides run the same weights:
ember's randomly initialised state_dict is loaded into the torchvision model. Each framework
runs in a worker process of its own (``_isolated.py``), neither changing the other's allocator
or threads, and the parent interleaves their timings. Every case runs
single-threaded, then with every core (``set_num_threads`` on both), and a last table lists the
ratios side by side.

torch's column needs torchvision's model code: an installed ``torchvision``, or its pure-Python
sources in ``$TORCHVISION_SRC`` (e.g. an unpacked wheel whose C extension is not loaded). Without
either, only ember is timed and a note says so. Quote ratios, not absolute times.
"""
import argparse
import importlib.util
import os
import sys
import tempfile

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import Table, compare, print_ratio_summary, thread_counts  # noqa: E402
from _isolated import Worker, WorkerError, serve, worker_impl  # noqa: E402

FORWARD_MODELS = ("resnet18", "resnet50", "vgg16", "mobilenet_v3_large", "vit_b_16")


def import_torchvision_models():
    """(torch, torchvision.models, None) or (torch or None, None, the reason in a string)."""
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


_MODEL = {}     # a worker's current model: {name: (framework, model)}, one at a time


def _model(impl, name, weights):
    """``impl``'s model ``name``: ember's seeded weights (saved to ``weights``), which torch loads."""
    if impl == "ember" and name in _MODEL and not os.path.exists(weights):
        np.savez(weights, **{k: v.numpy() for k, v in _MODEL[name][1].state_dict().items()})
    if name not in _MODEL:
        _MODEL.clear()
        if impl == "ember":
            import ember
            from ember.vision import models
            ember.manual_seed(0)
            model = models.get_model(name)
            np.savez(weights, **{k: v.numpy() for k, v in model.state_dict().items()})
            _MODEL[name] = (ember, model)
        else:
            torch, models, why = import_torchvision_models()
            if models is None:
                raise RuntimeError(why)
            model = models.get_model(name)
            with np.load(weights) as f:
                model.load_state_dict({k: torch.from_numpy(f[k]) for k in f.files})
            _MODEL[name] = (torch, model)
    return _MODEL[name]


def build(impl, case, params):
    """A worker's statement: the eval forward (and its logits) or the training step."""
    T, model = _model(impl, params["model"], params["weights"])
    if case == "train":
        return TrainStep(T, model, params["batch"]).step
    model.eval()
    x = T.from_numpy(np.random.default_rng(0).standard_normal((params["batch"], 3, 224, 224),
                                                               dtype=np.float32))

    def forward():
        with T.no_grad():
            return model(x)
    return forward, forward().numpy()


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
    counts = thread_counts(args.threads)
    tables = {n: Table(f"torchvision classifiers, 224x224, eval forward (no_grad), "
                       f"{n} thread{'s' if n > 1 else ''}") for n in counts}
    notes = tables[counts[0]].notes
    notes.append("each framework runs in a worker process of its own (benchmarks/_isolated.py)")
    workers = {"ember": Worker(__file__, "ember")}
    if importlib.util.find_spec("torch") is None:
        notes.append("torch column skipped: torch is not installed")
    else:
        workers["torch"] = Worker(__file__, "torch")
    tmp = tempfile.mkdtemp()

    def timed(label, case, **params):
        stmts, outputs = {}, {}
        for impl, w in workers.items():
            try:
                remote = w.case(case, want_output=case == "forward", **params)
            except WorkerError as e:
                notes.append(f"{impl} skipped for {label}: {e}")
                continue
            stmts[impl], outputs[impl] = (remote, None), remote.output
        for n in counts:   # the thread settings interleaved per case: drift hits them alike
            for w in workers.values():
                w.set_threads(n)
            tables[n].add(label, compare(stmts, repeat=repeat, warmup=1, min_time=0.0, notes=tables[n].notes))
        for impl, (remote, _) in stmts.items():
            workers[impl].drop(remote)
        ye, yt = outputs.get("ember"), outputs.get("torch")
        if ye is not None and yt is not None:
            diff = float(np.abs(ye - yt).max() / max(np.abs(yt).max(), 1e-30))
            notes.append(f"{label}: max |ember - torch| / max |torch| logits {diff:.1e}")

    for name in args.models:
        weights = os.path.join(tmp, f"{name}.npz")
        for batch in batches:
            timed(f"{name} batch {batch}", "forward", model=name, batch=batch, weights=weights)
    if not args.no_train:
        timed(f"resnet18 SGD train step, batch {args.train_batch}", "train", model="resnet18",
              batch=args.train_batch, weights=os.path.join(tmp, "resnet18-train.npz"))
    for w in workers.values():
        w.close()
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    summary = {}
    for n in counts:
        tables[n].print()
        for case, r in tables[n].rows:
            if "torch" in r:
                summary.setdefault(case, {})[n] = r["ember"] / r["torch"]
    if summary:
        print_ratio_summary("ember / torch", summary, counts)


if __name__ == "__main__":
    impl = worker_impl()
    if impl:
        serve(build, impl)
    else:
        main()
