"""FeaturePyramidNetwork (with its extra blocks) and MultiScaleRoIAlign vs torchvision's Python
modules (where its sources are available; RoI Align through its pure-Python version), plus the
level mapping and state_dict handling written out here."""
import math
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import ops
from ember.vision.ops.feature_pyramid_network import LastLevelMaxPool, LastLevelP6P7
from ember.vision.ops.poolers import LevelMapper


def _fpn_keys(n):
    return [f"{b}.{i}.0.{k}" for b in ("inner_blocks", "layer_blocks") for i in range(n) for k in ("weight", "bias")]


def test_fpn_structure_and_v1_state_dict(rng):
    fpn = ops.FeaturePyramidNetwork([3, 5], 4)
    assert list(fpn.state_dict()) == _fpn_keys(2)
    # a version-1 checkpoint had the convs directly under the block index
    old = OrderedDict((k.replace(".0.", "."), v.clone() + 1) for k, v in fpn.state_dict().items())
    fresh = ops.FeaturePyramidNetwork([3, 5], 4)
    fresh.load_state_dict(old)
    np.testing.assert_array_equal(fresh.inner_blocks[1][0].weight.detach().numpy(),
                                  old["inner_blocks.1.weight"].numpy())
    with pytest.raises(ValueError, match="in_channels=0 is currently not supported"):
        ops.FeaturePyramidNetwork([0], 4)
    with pytest.raises(TypeError, match="extra_blocks should be of type ExtraFPNBlock"):
        ops.FeaturePyramidNetwork([3], 4, extra_blocks=ember.nn.ReLU())


def test_fpn_forward_written_out(rng, torch):
    fpn = ops.FeaturePyramidNetwork([2, 3], 4, extra_blocks=LastLevelP6P7(3, 4))
    xs = [rng.standard_normal((1, 2, 8, 6)).astype(np.float32), rng.standard_normal((1, 3, 4, 3)).astype(np.float32)]
    out = fpn(OrderedDict(a=ember.tensor(xs[0]), b=ember.tensor(xs[1])))
    assert list(out) == ["a", "b", "p6", "p7"]
    sd = {k: torch.tensor(v.numpy()) for k, v in fpn.state_dict().items()}
    F = torch.nn.functional
    conv = lambda x, p, pad=0, s=1: F.conv2d(x, sd[p + ".weight"], sd[p + ".bias"], stride=s, padding=pad)  # noqa
    ta, tb = torch.tensor(xs[0]), torch.tensor(xs[1])
    inner_b = conv(tb, "inner_blocks.1.0")
    pb = conv(inner_b, "layer_blocks.1.0", 1)
    inner_a = conv(ta, "inner_blocks.0.0") + F.interpolate(inner_b, size=(8, 6), mode="nearest")
    pa = conv(inner_a, "layer_blocks.0.0", 1)
    p6 = conv(tb, "extra_blocks.p6", 1, 2)                         # in 3 != out 4: from C5
    p7 = conv(F.relu(p6), "extra_blocks.p7", 1, 2)
    for e, t in zip(out.values(), [pa, pb, p6, p7]):
        np.testing.assert_allclose(e.detach().numpy(), t.numpy(), rtol=1e-4, atol=1e-5)


def test_fpn_against_torchvision(rng, tv):
    import torch
    for extra in (None, "pool", "p6p7"):
        e_extra = {None: None, "pool": LastLevelMaxPool(), "p6p7": LastLevelP6P7(4, 4)}[extra]
        tvf = tv.ops.feature_pyramid_network
        t_extra = {None: None, "pool": tvf.LastLevelMaxPool(), "p6p7": tvf.LastLevelP6P7(4, 4)}[extra]
        e = ops.FeaturePyramidNetwork([2, 3, 4], 4, extra_blocks=e_extra, norm_layer=ember.nn.BatchNorm2d)
        t = tv.ops.FeaturePyramidNetwork([2, 3, 4], 4, extra_blocks=t_extra, norm_layer=torch.nn.BatchNorm2d)
        sd = {k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()}
        assert list(sd) == list(t.state_dict())
        t.load_state_dict(sd)
        e.eval(), t.eval()
        xs = [rng.standard_normal((2, c, s, s + 1)).astype(np.float32) for c, s in [(2, 16), (3, 8), (4, 4)]]
        eo = e(OrderedDict((str(i), ember.tensor(x)) for i, x in enumerate(xs)))
        to = t(OrderedDict((str(i), torch.tensor(x)) for i, x in enumerate(xs)))
        assert list(eo) == list(to)
        for k in eo:
            np.testing.assert_allclose(eo[k].detach().numpy(), to[k].detach().numpy(), rtol=1e-4, atol=1e-5)


def test_level_mapper(torch):
    boxes = [ember.tensor([[0., 0., 224., 224.], [0., 0., 10., 10.], [0., 0., 112., 112.]]),
             ember.tensor([[0., 0., 900., 900.], [5., 5., 454., 454.]])]
    got = LevelMapper(2, 5)(boxes)
    assert got.dtype == ember.int64
    sides = [224, 10, 112, 900, 449]
    expect = [min(max(math.floor(4 + math.log2(s / 224) + 1e-6), 2), 5) - 2 for s in sides]
    assert got.tolist() == expect


def _multiscale_inputs(rng, inside=False):
    feats = OrderedDict([("0", rng.standard_normal((2, 3, 32, 40))), ("x", rng.standard_normal((2, 3, 16, 20))),
                         ("2", rng.standard_normal((2, 3, 8, 10)))])
    boxes = []
    for n in (5, 4):
        xy = rng.uniform(0, 60, (n, 2))
        wh = rng.uniform(4, 60 if inside else 400, (n, 2))
        boxes.append(np.concatenate([xy, xy + wh], 1))
    return feats, boxes, [(128, 160), (120, 150)]


def test_multiscale_roi_align_written_out(rng):
    feats, boxes, shapes = _multiscale_inputs(rng)
    m = ops.MultiScaleRoIAlign(["0", "2"], (3, 2), 2)
    ef = OrderedDict((k, ember.tensor(v, requires_grad=True)) for k, v in feats.items())
    out = m(ef, [ember.tensor(b) for b in boxes], shapes)
    assert m.scales == [0.25, 0.0625]
    rois = np.concatenate([np.concatenate([np.full((len(b), 1), i), b], 1) for i, b in enumerate(boxes)])
    side = np.sqrt((rois[:, 3] - rois[:, 1]) * (rois[:, 4] - rois[:, 2]))
    lvl = np.clip(np.floor(4 + np.log2(side / 224) + 1e-6), 2, 4).astype(int) - 2    # k_min 2, k_max 4
    assert set(lvl) == {0, 1, 2}
    for k in range(len(rois)):
        # relative level i reads the i-th selected map; level 2 has none here, so it stays zero
        feat, scale = [("0", 0.25), ("2", 0.0625), (None, None)][lvl[k]]
        if feat is None:
            np.testing.assert_array_equal(out[k].detach().numpy(), 0)
            continue
        one = ops.roi_align(ef[feat], ember.tensor(rois[k:k + 1]), (3, 2), scale, 2)
        np.testing.assert_allclose(out[k:k + 1].detach().numpy(), one.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    assert ef["x"].grad is None and ef["0"].grad is not None
    with pytest.raises(ValueError, match="images list should not be empty"):
        ops.MultiScaleRoIAlign(["0"], 2, 2)(ef, [ember.tensor(boxes[0])], [])


def test_multiscale_roi_align_against_torchvision(rng, tv, monkeypatch):
    import sys
    import torch
    py_align = sys.modules["torchvision.ops.roi_align"]._roi_align
    py_align = getattr(py_align, "__wrapped__", py_align)

    def roi_align_python(input, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
        return py_align(input, rois, spatial_scale, output_size[0], output_size[1], sampling_ratio, aligned)

    monkeypatch.setattr(sys.modules["torchvision.ops.poolers"], "roi_align", roi_align_python)
    # boxes inside the image (torchvision's Python RoI Align does not zero samples outside the map),
    # a small canonical scale so that they still spread over the levels
    feats, boxes, shapes = _multiscale_inputs(rng, inside=True)
    for names in (["0", "x", "2"], ["x"]):
        em = ops.MultiScaleRoIAlign(names, 3, 2, canonical_scale=40)
        e = em(OrderedDict((k, ember.tensor(v)) for k, v in feats.items()), [ember.tensor(b) for b in boxes], shapes)
        if len(names) == 3:
            assert len(set(em.map_levels([ember.tensor(b) for b in boxes]).tolist())) == 3
        t = tv.ops.MultiScaleRoIAlign(names, 3, 2, canonical_scale=40)(OrderedDict((k, torch.tensor(v)) for k, v in feats.items()),
                                                   [torch.tensor(b) for b in boxes], shapes)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)
    assert repr(ops.MultiScaleRoIAlign(["a"], 7, 2)) == repr(tv.ops.MultiScaleRoIAlign(["a"], 7, 2))
