"""One SGD training step, recorded from torch + torchvision once and replayed on ember.

Shared by ``make_train_golden.py`` (the recorder) and ``test_train_step.py``. Gradients and
BatchNorm running statistics are stored small: for each tensor, its float64 norm and two
projections onto seeded random directions (any wrong element moves them), and torch's own
float32 error of those projections relative to the norm.
"""
import numpy as np

MODELS = ("resnet18", "mobilenet_v2")
KWARGS = {"resnet18": {"num_classes": 10}, "mobilenet_v2": {"num_classes": 10, "dropout": 0.0}}
SIZE = 64
TARGETS = [3, 7]
SGD = {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-4}


def project(arr, name):
    """(norm, [p0, p1]) of a float array: two projections onto directions seeded by ``name``."""
    a = np.asarray(arr, dtype=np.float64).ravel()
    seed = int.from_bytes(name.encode()[-8:].rjust(8, b"\0"), "little") % (2 ** 32)
    r = np.random.default_rng(seed).standard_normal((2, a.size))
    return float(np.linalg.norm(a)), (r @ a).tolist()


def summarize(grads, buffers):
    """{name: (norm, projections)} of every gradient (``grad:``) and running statistic (``buf:``)."""
    out = {}
    for k, g in grads.items():
        out["grad:" + k] = project(g, "grad:" + k)
    for k, b in buffers.items():
        if k.endswith(("running_mean", "running_var")):
            out["buf:" + k] = project(b, "buf:" + k)
    return out


def abs_err(got, ref):
    """max |projection difference| between two summaries."""
    return float(np.abs(np.asarray(got[1]) - np.asarray(ref[1])).max())
