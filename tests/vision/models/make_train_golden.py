"""Record the one-SGD-step golden data from real torchvision (run once, by hand).

    TORCHVISION_SRC=/tmp/tvsrc python tests/vision/models/make_train_golden.py

Writes ``golden_train_step.json``: for resnet18 and mobilenet_v2 (num_classes=10, seeded
weights, the fixed 2x3x64x64 input), the float64 loss, gradient and running-statistic
summaries, torch's float32 error of each, and the float64 loss after one SGD step.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tv_golden_seeded import fixed_input, seeded_state  # noqa: E402
from train_step_golden import KWARGS, MODELS, SGD, SIZE, TARGETS, abs_err, summarize  # noqa: E402


def run(torch, models, name, dtype):
    m = models.get_model(name, **KWARGS[name])
    sd = m.state_dict()
    for k, v in seeded_state([(k, tuple(v.shape), str(v.dtype)) for k, v in sd.items()]).items():
        sd[k] = torch.from_numpy(v)
    m.load_state_dict(sd)
    m = m.to(dtype).train()
    x = torch.from_numpy(fixed_input(SIZE)).to(dtype)
    y = torch.tensor(TARGETS)
    opt = torch.optim.SGD(m.parameters(), **SGD)
    loss = torch.nn.functional.cross_entropy(m(x), y)
    loss.backward()
    grads = {k: p.grad.double().numpy() for k, p in m.named_parameters()}
    bufs = {k: b.double().numpy() for k, b in m.named_buffers()}
    opt.step()
    m.eval()
    with torch.no_grad():
        after = torch.nn.functional.cross_entropy(m(x), y)
    return loss.item(), summarize(grads, bufs), after.item()


def main():
    sys.path.insert(0, os.environ["TORCHVISION_SRC"])
    import torch
    from torchvision import models
    torch.set_num_threads(1)
    out = {}
    for name in MODELS:
        l64, s64, a64 = run(torch, models, name, torch.float64)
        l32, s32, a32 = run(torch, models, name, torch.float32)
        out[name] = {"loss64": l64, "loss_err32": abs(l32 - l64), "after64": a64, "after_err32": abs(a32 - a64),
                     "ref64": s64, "err32": {k: abs_err(s32[k], s64[k]) for k in s64}}
        worst = max(out[name]["err32"], key=lambda k: out[name]["err32"][k] / max(s64[k][0], 1e-3))
        print(name, l64, a64, "worst torch f32 err", worst, out[name]["err32"][worst], s64[worst][0], flush=True)
    with open(os.path.join(HERE, "golden_train_step.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
