"""Save / load throughput of a ~500 MB state_dict: ember.save/ember.load vs torch.save/torch.load.

    python benchmarks/bench_serialization.py              # 512 MB, 5 rounds
    python benchmarks/bench_serialization.py --mb 128 --repeat 3

Single-threaded (thread counts set to 1 before NumPy/PyTorch load, torch.set_num_threads(1)).
Rounds are interleaved (ember, torch, ember, torch ...) and medians are reported, with
throughput ratios ember/torch (> 1 means ember is faster). Both write to the same
directory on the same filesystem; page-cache effects are the same for both.

ember.save is atomic: it writes a temporary file, fsyncs it and renames it, while
torch.save does neither. The table also shows "torch.save atomic": torch.save into a
temporary file, fsync, rename (the same durability as ember.save). ember computes the zip CRC-32 in a helper thread
(zlib releases the GIL) while it writes, which PyTorch does in its writer as well.

Quote ratios, not absolute times: the machines are noisy.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import ember  # noqa: E402


def _state_dict(lib, mb):
    """A transformer-like state_dict of about ``mb`` megabytes (float32)."""
    g = np.random.default_rng(0)
    sd, total, i = {}, 0, 0
    while total < mb * (1 << 20):
        for name, shape in (("attn.qkv.weight", (768 * 3, 768)), ("attn.qkv.bias", (768 * 3,)),
                            ("attn.proj.weight", (768, 768)), ("mlp.fc1.weight", (3072, 768)),
                            ("mlp.fc2.weight", (768, 3072)), ("ln.weight", (768,)), ("ln.bias", (768,))):
            a = g.standard_normal(shape, dtype=np.float32)
            sd[f"layers.{i}.{name}"] = lib.from_numpy(a) if lib is not ember else ember._tensor._wrap(a)
            total += a.nbytes
        i += 1
    return sd, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=512)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", default=None, help="where to write (default: a temporary dir beside the repo)")
    args = ap.parse_args()
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None

    d = tempfile.mkdtemp(dir=args.dir)
    esd, nbytes = _state_dict(ember, args.mb)
    ep, tp = os.path.join(d, "ember.pt"), os.path.join(d, "torch.pt")
    cases = {"ember.save": lambda: ember.save(esd, ep), "ember.load": lambda: ember.load(ep),
             "ember.load(mmap)": lambda: _touch(ember.load(ep, mmap=True))}
    if torch is not None:
        tsd = {k: torch.from_numpy(v._data) for k, v in esd.items()}

        def tsave_atomic():  # what ember.save does: a new file beside the target, fsync, rename
            with open(tp + ".tmp", "wb") as f:
                torch.save(tsd, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tp + ".tmp", tp)
        cases.update({"torch.save": lambda: torch.save(tsd, tp), "torch.save atomic": tsave_atomic,
                      "torch.load": lambda: torch.load(tp, weights_only=True),
                      "torch.load(mmap)": lambda: _touch(torch.load(tp, weights_only=True, mmap=True))})
    times = {k: [] for k in cases}
    for k, fn in cases.items():  # warm-up (creates both files)
        if "save" in k:
            fn()
    for _ in range(args.repeat):
        for k, fn in cases.items():
            t0 = time.perf_counter()
            r = fn()
            times[k].append(time.perf_counter() - t0)
            del r
    mbs = nbytes / (1 << 20)
    print(f"state_dict: {len(esd)} float32 tensors, {mbs:.0f} MB; medians of {args.repeat} interleaved rounds")
    print(f"{'case':22s} {'median s':>9s} {'MB/s':>8s}")
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, t in med.items():
        print(f"{k:22s} {t:9.3f} {mbs / t:8.0f}")
    if torch is not None:
        print("throughput ratios ember/torch (>= 0.8 is the target):")
        print(f"  save  vs torch.save        {med['torch.save'] / med['ember.save']:.2f}x")
        print(f"  save  vs torch.save atomic {med['torch.save atomic'] / med['ember.save']:.2f}x "
              "(torch.save to a temp file + fsync + rename: the same durability)")
        print(f"  load  vs torch.load        {med['torch.load'] / med['ember.load']:.2f}x")
        print(f"  mmap load vs torch mmap    {med['torch.load(mmap)'] / med['ember.load(mmap)']:.2f}x "
              "(both touch one element per tensor)")
    for p in (ep, tp):
        if os.path.exists(p):
            os.unlink(p)
    os.rmdir(d)


def _touch(sd):
    for v in sd.values():
        v.reshape(-1)[0].item()
    return sd


if __name__ == "__main__":
    main()
