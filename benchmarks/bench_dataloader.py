"""DataLoader throughput (samples/s): ember.utils.data.DataLoader vs torch.utils.data.DataLoader.

    python benchmarks/bench_dataloader.py                 # 1024 samples, 5 rounds
    python benchmarks/bench_dataloader.py --samples 512 --repeat 3 --workers 0 2

Both loaders read the same map-style dataset: NumPy arrays whose ``__getitem__`` does
the same CPU-heavy NumPy work (a random crop with reflect padding, a flip, a 3x3 box
blur, per-channel normalisation) and returns ``(float32 CHW array, int)``; each library's
default collate turns a batch into its own tensors. One epoch per timing, including the
start of the worker processes (no persistent workers), batch_size 32, no shuffling.
Rounds are interleaved (ember, torch, ember, torch ...); medians are reported with the
throughput ratio ember/torch (> 1 means ember is faster).

Quote ratios, not absolute times: the machines are noisy.
"""
import argparse
import os
import statistics
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import ember  # noqa: E402


class AugmentedArrays:
    """A map-style dataset of uint8 HWC images with a CPU-heavy NumPy transform per sample."""

    def __init__(self, n, size=64, seed=0):
        g = np.random.default_rng(seed)
        self.images = g.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
        self.labels = g.integers(0, 10, n)
        self.mean = np.array([0.49, 0.48, 0.45], np.float32)[:, None, None]
        self.std = np.array([0.25, 0.24, 0.26], np.float32)[:, None, None]

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        g = np.random.default_rng(i)  # the same "random" augmentation in both libraries
        x = self.images[i].transpose(2, 0, 1).astype(np.float32) / 255.0
        x = np.pad(x, [(0, 0), (4, 4), (4, 4)], mode="reflect")
        top, left = g.integers(0, 9, 2)
        s = self.images.shape[1]
        x = x[:, top:top + s, left:left + s]
        if g.random() < 0.5:
            x = x[:, :, ::-1]
        p = np.pad(x, [(0, 0), (1, 1), (1, 1)], mode="edge")
        blur = sum(p[:, dy:dy + s, dx:dx + s] for dy in range(3) for dx in range(3)) / 9.0
        out = (blur - self.mean) / self.std
        return np.ascontiguousarray(out, dtype=np.float32), int(self.labels[i])


def epoch(loader_cls, dataset, workers, batch_size):
    loader = loader_cls(dataset, batch_size=batch_size, num_workers=workers)
    t0 = time.perf_counter()
    n = 0
    for x, y in loader:
        n += x.shape[0]
    return n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    args = ap.parse_args()
    try:
        import torch
        torch.set_num_threads(1)
        torch_loader = torch.utils.data.DataLoader
    except ImportError:
        torch_loader = None
    ds = AugmentedArrays(args.samples)
    impls = {"ember": ember.utils.data.DataLoader}
    if torch_loader is not None:
        impls["torch"] = torch_loader
    print(f"{args.samples} samples of 3x64x64, batch {args.batch_size}, median of {args.repeat} epochs")
    print(f"{'workers':>8} {'ember samples/s':>16} {'torch samples/s':>16} {'ember/torch':>12}")
    for w in args.workers:
        rates = {k: [] for k in impls}
        for name, cls in impls.items():  # warm-up
            epoch(cls, ds, w, args.batch_size)
        for _ in range(args.repeat):
            for name, cls in impls.items():
                rates[name].append(epoch(cls, ds, w, args.batch_size))
        med = {k: statistics.median(v) for k, v in rates.items()}
        t = med.get("torch")
        print(f"{w:>8} {med['ember']:>16.0f} {t if t else float('nan'):>16.0f} "
              f"{(med['ember'] / t if t else float('nan')):>12.2f}")


if __name__ == "__main__":
    main()
