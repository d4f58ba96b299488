"""One SGD step of resnet18 and mobilenet_v2 in train mode gives torchvision's gradients and BN statistics.

The golden data (``golden_train_step.json``, from ``make_train_golden.py``) hold torch's float64
results and torch's own float32 error for each gradient and running statistic; ember's float32
error must stay within a small factor of torch's.
"""
import json
import os
import sys

import numpy as np
import pytest

import ember
from ember.vision import models

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tv_golden_seeded import fixed_input, seeded_state  # noqa: E402
from train_step_golden import KWARGS, MODELS, SGD, SIZE, TARGETS, abs_err, summarize  # noqa: E402

with open(os.path.join(HERE, "golden_train_step.json")) as f:
    GOLD = json.load(f)


def run_step(name, dtype=ember.float32):
    """Seeded model, one forward/backward/SGD step: (loss, summaries, loss after the step)."""
    m = models.get_model(name, **KWARGS[name])
    sd = m.state_dict()
    new = seeded_state([(k, tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in sd.items()])
    m.load_state_dict({k: ember.from_numpy(new[k]) if k in new else v for k, v in sd.items()})
    m = m.to(dtype).train()
    x = ember.from_numpy(fixed_input(SIZE)).to(dtype)
    y = ember.tensor(TARGETS)
    opt = ember.optim.SGD(m.parameters(), **SGD)
    loss = ember.nn.functional.cross_entropy(m(x), y)
    loss.backward()
    grads = {k: p.grad.double().numpy() for k, p in m.named_parameters()}
    bufs = {k: b.double().numpy() for k, b in m.named_buffers()}
    opt.step()
    m.eval()
    with ember.no_grad():
        after = ember.nn.functional.cross_entropy(m(x), y)
    return loss.item(), summarize(grads, bufs), after.item()


def error_ratios(name, summaries):
    """ember's float32 error / torch's, per tensor (errors floored at 1e-7 of the model's largest norm)."""
    g = GOLD[name]
    floor = 1e-7 * max(n for n, _ in g["ref64"].values())
    return {k: max(abs_err(summaries[k], g["ref64"][k]), floor) / max(g["err32"][k], floor) for k in g["ref64"]}


@pytest.mark.slow
@pytest.mark.parametrize("name", MODELS)
def test_one_sgd_step_matches_torchvision(name):
    g = GOLD[name]
    loss, summ, after = run_step(name)
    assert sorted(summ) == sorted(g["ref64"])
    assert abs(loss - g["loss64"]) <= max(4 * g["loss_err32"], 5e-7 * g["loss64"])
    assert abs(after - g["after64"]) <= max(4 * g["after_err32"], 5e-7 * g["after64"])
    ratios = error_ratios(name, summ)
    worst = max(ratios, key=ratios.get)
    # one tensor's error is one sample: allow a factor 10 there, and at most 2 on average
    assert ratios[worst] <= 10, (worst, ratios[worst])
    assert np.mean(list(ratios.values())) <= 2, np.mean(list(ratios.values()))


@pytest.mark.slow
def test_float64_step_is_exact_to_float64():
    g = GOLD["resnet18"]
    loss, summ, _ = run_step("resnet18", ember.float64)
    assert abs(loss - g["loss64"]) < 1e-12
    for k, ref in g["ref64"].items():
        assert abs_err(summ[k], ref) <= 1e-9 * max(ref[0], 1e-3), k
