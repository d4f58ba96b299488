"""Parity of ember.vision.models with torchvision 0.28.0, from golden data recorded once by
``make_golden.py`` (real torchvision on real torch):

* ``golden_keys.json.gz``: sha256 of every builder's default ``state_dict`` keys and shapes,
  in order, and the full key/shape/dtype list of the num_classes=10 models used below;
* ``golden_logits.json``: torchvision's float64 logits for seeded weights (``seeded.py``) and a
  fixed input, plus torchvision's own float32-vs-float64 error on them.

ember loads the same seeded weights (its state_dict must list exactly torchvision's keys and
shapes, in order) and its float32 logits must be within 2x torchvision's float32 error (plus a
1e-6 floor), its float64 logits within 1e-9.
Set EMBER_SLOW_TESTS=1 to run the large architectures too.
"""
import gzip
import json
import os
import sys

import numpy as np
import pytest

import ember
from ember.vision import models

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tv_golden_seeded import EXTRA_KWARGS, fixed_input, key_digest, seeded_state  # noqa: E402
with gzip.open(os.path.join(HERE, "golden_keys.json.gz"), "rt") as _f:
    GOLD_KEYS = json.load(_f)
with open(os.path.join(HERE, "golden_logits.json")) as _f:
    GOLD_LOGITS = json.load(_f)

SLOW = os.environ.get("EMBER_SLOW_TESTS") == "1"
FAST = {"resnet18", "resnet50", "resnext50_32x4d", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
        "densenet121", "squeezenet1_0", "squeezenet1_1", "googlenet", "inception_v3", "shufflenet_v2_x0_5",
        "shufflenet_v2_x1_0", "mnasnet0_5", "mnasnet1_0", "convnext_tiny", "efficientnet_b0",
        "efficientnet_v2_s", "regnet_x_400mf", "regnet_y_400mf", "vit_b_32", "swin_t", "swin_v2_t"}
BUILT = models.list_models(module=models)  # the classification builders (segmentation, video: own tests)


def _maybe_slow(names):
    return [n if n in FAST else pytest.param(n, marks=[pytest.mark.slow, pytest.mark.skipif(
        not SLOW, reason="large model; set EMBER_SLOW_TESTS=1")]) for n in names]


def test_every_built_builder_is_a_torchvision_builder():
    assert set(BUILT) <= set(GOLD_KEYS["digests"])
    assert len(BUILT) >= 28


@pytest.mark.parametrize("name", _maybe_slow(BUILT))
def test_default_state_dict_keys_and_shapes_match_torchvision(name):
    sd = models.get_model(name).state_dict()
    assert key_digest((k, tuple(v.shape)) for k, v in sd.items()) == GOLD_KEYS["digests"][name]


def _seeded_model(name, dtype):
    m = models.get_model(name, num_classes=10, **EXTRA_KWARGS.get(name, {})).eval()
    sd = m.state_dict()
    gold = GOLD_KEYS["small"][name]
    ours = [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in sd.items()]
    assert ours == gold
    weights = seeded_state([(k, tuple(s), d) for k, s, d in gold])
    for k, v in weights.items():  # keep the state_dict's _metadata (MNASNet checks its version)
        sd[k] = ember.from_numpy(v)
    m.load_state_dict(sd)
    return m.double() if dtype == "float64" else m


@pytest.mark.parametrize("name", _maybe_slow([n for n in BUILT if n in GOLD_LOGITS]))
def test_logits_match_torchvision(name):
    gold = GOLD_LOGITS[name]
    y64 = np.array(gold["logits64"])
    x = fixed_input(gold["size"])
    m = _seeded_model(name, "float32")
    with ember.no_grad():
        y32 = m(ember.from_numpy(x))
    assert y32.dtype == ember.float32 and tuple(y32.shape) == (2, 10)
    err = np.abs(y32.numpy().astype(np.float64) - y64).max()
    assert err <= 2 * gold["err32"] + 1e-6, (err, gold["err32"])
    with ember.no_grad():
        z64 = m.double()(ember.from_numpy(x.astype(np.float64)))
    np.testing.assert_allclose(z64.numpy(), y64, rtol=1e-9, atol=1e-9)
