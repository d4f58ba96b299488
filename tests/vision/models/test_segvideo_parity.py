"""Parity of ember.vision.models.segmentation / .video with torchvision 0.28.0, from golden data
recorded once by ``make_golden_segvideo.py`` (real torchvision on real torch, cases in
``segvideo_cases.py``):

* the sha256 of every builder's default ``state_dict`` keys and shapes (and its parameter count);
* per case (small inputs, few classes, aux heads on): the full key/shape/dtype list, and
  torchvision's float64 outputs for seeded weights (``tv_golden_seeded.seeded_state``) in eval and
  train mode (dropout off, batch-statistics batch norm), 256 evenly spaced entries of each output
  plus its sum and sum of |x|, with torch's own float32 error on them; in train mode also the
  sums of every BN's updated running mean.

ember loads the same weights; its float32 outputs must be within 2x torch's float32 error (plus a
1e-6 relative floor), its float64 outputs within 1e-9. Set EMBER_SLOW_TESTS=1 for the large cases.
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
from segvideo_cases import CASES, DEFAULT_KWARGS, case_input, sample  # noqa: E402
from tv_golden_seeded import key_digest, seeded_state  # noqa: E402

with gzip.open(os.path.join(HERE, "golden_segvideo.json.gz"), "rt") as _f:
    GOLD = json.load(_f)
SLOW = os.environ.get("EMBER_SLOW_TESTS") == "1"
_SLOW_MARKS = [pytest.mark.slow, pytest.mark.skipif(not SLOW, reason="large model; set EMBER_SLOW_TESTS=1")]
SLOW_DEFAULTS = {"fcn_resnet101", "fcn_resnet101+aux", "deeplabv3_resnet101", "deeplabv3_resnet101+aux",
                 "fcn_resnet50+aux", "deeplabv3_resnet50+aux", "r3d_18", "r2plus1d_18", "swin3d_s", "swin3d_b"}


def _params(names, slow):
    return [pytest.param(n, marks=_SLOW_MARKS) if n in slow else n for n in names]


def test_builders_are_registered_as_in_torchvision():
    from ember.vision.models import segmentation, video
    assert models.list_models(module=segmentation) == [
        "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50", "fcn_resnet101",
        "fcn_resnet50", "lraspp_mobilenet_v3_large"]
    assert models.list_models(module=video) == ["mc3_18", "r2plus1d_18", "r3d_18", "s3d", "swin3d_b", "swin3d_s",
                                                "swin3d_t"]
    assert models.get_model_builder("fcn_resnet50") is segmentation.fcn_resnet50
    assert models.get_model_weights("s3d") is video.S3D_Weights
    assert models.get_weight("R3D_18_Weights.KINETICS400_V1") is video.R3D_18_Weights.DEFAULT
    assert set(models.list_models(module=segmentation) + models.list_models(module=video)) < set(GOLD["digests"])
    with pytest.raises(NotImplementedError, match="detection"):
        models.detection


def test_unbuilt_mvit_raises_and_keeps_its_weights():
    from ember.vision.models import video
    for fn in (video.mvit_v1_b, video.mvit_v2_s):
        with pytest.raises(NotImplementedError, match=fn.__name__):
            fn()
        assert fn.__name__ not in models.list_models()
    with pytest.raises(NotImplementedError, match="MViT"):
        video.MViT()
    assert video.MViT_V2_S_Weights.DEFAULT.url == "https://download.pytorch.org/models/mvit_v2_s-ae3be167.pth"
    assert video.Swin3D_B_Weights.KINETICS400_IMAGENET22K_V1.meta["num_params"] == 88048984


@pytest.mark.parametrize("name", _params(list(DEFAULT_KWARGS), SLOW_DEFAULTS))
def test_default_state_dict_keys_and_shapes_match_torchvision(name):
    m = models.get_model(name.split("+")[0], **DEFAULT_KWARGS[name])
    sd = m.state_dict()
    assert key_digest((k, tuple(v.shape)) for k, v in sd.items()) == GOLD["digests"][name]
    assert sum(p.numel() for p in m.parameters()) == GOLD["digests"][name + ":num_params"]


def _seeded(case, dtype):
    if "cls" in case:
        m = getattr(models.video, case["cls"])(**case["kwargs"])
    else:
        m = models.get_model(case["builder"], **case["kwargs"])
    m = m.features if case.get("part") == "features" else m
    sd = m.state_dict()
    gold = GOLD["cases"][case["name"]]["keys"]
    assert [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in sd.items()] == gold
    weights = seeded_state([(k, tuple(s), d) for k, s, d in gold])
    m.load_state_dict({k: ember.from_numpy(weights[k]) if k in weights else v for k, v in sd.items()})
    for mod in m.modules():
        if isinstance(mod, ember.nn.Dropout):
            mod.p = 0.0
    return m.to(dtype)


def _run(m, case, mode, dtype):
    m.train(mode == "train")
    with ember.no_grad():
        y = m(ember.from_numpy(case_input(case["input"])).to(dtype))
    out = {k: sample(v.numpy()) for k, v in (y.items() if isinstance(y, dict) else [("out", y)])}
    if mode == "train":
        out["running_mean_sums"] = np.array([b.double().sum().item() for n, b in m.named_buffers()
                                             if n.endswith("running_mean")])
    return out


def _check32(got, gold):
    ref = np.array(gold["ref64"])
    if ref.size == 0:  # a model without batch norm
        assert got.size == 0
        return
    if len(gold["err32"]) == len(ref):  # running-mean sums, one per BN: each error is one sample of
        err, err32 = np.abs(got - ref), np.array(gold["err32"])  # float32 rounding, so (as test_train_step)
        floor = 1e-7 * max(1.0, np.abs(ref).max())  # a factor 10 on the worst, 2 on the typical one
        assert err.max() <= 10 * err32.max() + floor, (err.max(), err32.max())
        assert np.median(np.maximum(err, floor) / np.maximum(err32, floor)) <= 2
        return
    tol = 2 * gold["err32"][0] + 1e-6 * max(1.0, np.abs(ref[:-2]).max())
    assert np.abs(got[:-2] - ref[:-2]).max() <= tol, (np.abs(got[:-2] - ref[:-2]).max(), gold["err32"])
    # the sum and sum of |x| over all n entries: within n times the per-entry tolerance, or torch's own error
    n = int(round(np.prod(gold["shape"])))
    assert np.abs(got[-2:] - ref[-2:]).max() <= max(2 * gold["err32"][1], n * tol)


@pytest.mark.parametrize("name", _params(list(CASES), {n for n, c in CASES.items() if c.get("slow")}))
def test_outputs_match_torchvision(name):
    case = dict(CASES[name], name=name)
    gold = GOLD["cases"][name]["modes"]
    m = _seeded(case, ember.float32)
    state = {k: v.clone() for k, v in m.state_dict().items()}
    for dtype in (ember.float32, ember.float64):
        m = m.to(dtype)
        for mode in case["modes"]:
            m.load_state_dict(state)  # fresh running statistics for each run
            got = _run(m, case, mode, dtype)
            assert sorted(got) == sorted(gold[mode])
            for k, g in gold[mode].items():
                if dtype == ember.float32:
                    _check32(got[k], g)
                else:
                    np.testing.assert_allclose(got[k], g["ref64"], rtol=1e-9,
                                               atol=1e-9 * max(1.0, np.abs(g["ref64"]).max(initial=0.0)))
