"""ember.vision.ops box functions and box losses vs reference formulas written with real torch
ops here, and vs torchvision's own Python code where its sources are available."""
import math

import numpy as np
import pytest

import ember
from ember.vision import ops


def _boxes(rng, n, dtype=np.float32, scale=20.0):
    xy = rng.uniform(0, scale, (n, 2))
    wh = rng.uniform(0.5, scale / 2, (n, 2))
    return np.concatenate([xy, xy + wh], 1).astype(dtype)


def _pair(a, torch, grad=False):
    return (ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad))


def _close(e, t, rtol=None, atol=None):
    kw = {} if rtol is None else {"rtol": rtol, "atol": atol}
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **(kw or {"rtol": 1e-5, "atol": 1e-6}))
    assert str(e.dtype) == str(t.dtype)


# -- reference formulas in torch ---------------------------------------------------------------
def _t_inter_union(torch, b1, b2):
    a1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    a2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    lt = torch.max(b1[:, None, :2], b2[None, :, :2])
    rb = torch.min(b1[:, None, 2:], b2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, a1[:, None] + a2[None] - inter


def _t_enclose(torch, b1, b2):
    lt = torch.min(b1[:, None, :2], b2[None, :, :2])
    rb = torch.max(b1[:, None, 2:], b2[None, :, 2:])
    return (rb - lt).clamp(min=0)


def _t_giou(torch, b1, b2):
    inter, union = _t_inter_union(torch, b1, b2)
    wh = _t_enclose(torch, b1, b2)
    c = wh[..., 0] * wh[..., 1]
    return inter / union - (c - union) / c


def _t_diou(torch, b1, b2, eps=1e-7):
    inter, union = _t_inter_union(torch, b1, b2)
    wh = _t_enclose(torch, b1, b2)
    c2 = wh[..., 0] ** 2 + wh[..., 1] ** 2 + eps
    ctr1 = (b1[:, :2] + b1[:, 2:]) / 2
    ctr2 = (b2[:, :2] + b2[:, 2:]) / 2
    d2 = ((ctr1[:, None] - ctr2[None]) ** 2).sum(-1)
    return inter / union - d2 / c2, inter / union


def _t_ciou(torch, b1, b2, eps=1e-7):
    diou, iou = _t_diou(torch, b1, b2, eps)
    a1 = torch.atan((b1[:, 2] - b1[:, 0]) / (b1[:, 3] - b1[:, 1]))
    a2 = torch.atan((b2[:, 2] - b2[:, 0]) / (b2[:, 3] - b2[:, 1]))
    v = 4 / math.pi ** 2 * (a1[:, None] - a2[None]) ** 2
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou"])
def test_pairwise_iou_forward_and_grad(rng, torch, dtype, name):
    a, b = _boxes(rng, 7, dtype), _boxes(rng, 5, dtype)
    (ea, ta), (eb, tb) = _pair(a, torch, True), _pair(b, torch, True)
    ref = {"box_iou": lambda x, y: (lambda i, u: i / u)(*_t_inter_union(torch, x, y)),
           "generalized_box_iou": lambda x, y: _t_giou(torch, x, y),
           "distance_box_iou": lambda x, y: _t_diou(torch, x, y)[0],
           "complete_box_iou": lambda x, y: _t_ciou(torch, x, y)}[name]
    e, t = getattr(ops, name)(ea, eb), ref(ta, tb)
    _close(e, t)
    w = rng.standard_normal(t.shape).astype(dtype)
    (e * ember.tensor(w)).sum().backward()
    (t * torch.tensor(w)).sum().backward()
    tol = (2e-4, 1e-5) if dtype == np.float32 else (1e-10, 1e-12)
    _close(ea.grad, ta.grad, *tol)
    _close(eb.grad, tb.grad, *tol)


@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "cxcywh"])
def test_box_iou_and_area_formats(rng, torch, fmt):
    a, b = _boxes(rng, 4), _boxes(rng, 3)
    ea, eb = ops.box_convert(ember.tensor(a), "xyxy", fmt), ops.box_convert(ember.tensor(b), "xyxy", fmt)
    inter, union = _t_inter_union(torch, torch.tensor(a), torch.tensor(b))
    _close(ops.box_iou(ea, eb, fmt=fmt), inter / union, 1e-5, 1e-5)
    ta = torch.tensor(a)
    _close(ops.box_area(ea, fmt=fmt), (ta[:, 2] - ta[:, 0]) * (ta[:, 3] - ta[:, 1]), 1e-5, 1e-4)


def test_box_iou_batched_leading_dims(rng):
    a, b = _boxes(rng, 6).reshape(2, 3, 4), _boxes(rng, 8).reshape(2, 4, 4)
    out = ops.box_iou(ember.tensor(a), ember.tensor(b))
    assert out.shape == (2, 3, 4)
    np.testing.assert_allclose(out[1].numpy(), ops.box_iou(ember.tensor(a[1]), ember.tensor(b[1])).numpy())


def test_integer_boxes_upcast(torch):
    a = np.array([[0, 0, 4, 4], [1, 1, 3, 5]], np.int16)
    assert ops.box_area(ember.tensor(a)).dtype == ember.int32
    iou = ops.box_iou(ember.tensor(a), ember.tensor(a))
    assert iou.dtype == ember.float32
    np.testing.assert_allclose(iou.numpy(), [[1, 6 / 18], [6 / 18, 1]], rtol=1e-6)


def test_box_convert_all_pairs(rng, torch):
    b = _boxes(rng, 5)
    t = torch.tensor(b)
    refs = {"xyxy": t,
            "xywh": torch.cat([t[:, :2], t[:, 2:] - t[:, :2]], 1),
            "cxcywh": torch.cat([(t[:, :2] + t[:, 2:]) / 2, t[:, 2:] - t[:, :2]], 1)}
    for i, ri in refs.items():
        for o, ro in refs.items():
            out = ops.box_convert(ember.tensor(ri.numpy()), i, o)
            np.testing.assert_allclose(out.numpy(), ro.numpy(), rtol=1e-5, atol=1e-5)
    x = ember.tensor(b)
    assert ops.box_convert(x, "xyxy", "xyxy").data_ptr() != x.data_ptr()


def test_box_convert_rotated_round_trip(rng, torch):
    cx = np.array([[5., 6., 4., 2., 30.], [1., 2., 3., 1., -45.]])
    corners = ops.box_convert(ember.tensor(cx), "cxcywhr", "xyxyxyxy")
    # the corners of a rotated rectangle: centre -/+ half extents along the rotated axes
    r = np.deg2rad(cx[:, 4])
    u = np.stack([np.cos(r), -np.sin(r)], 1) * cx[:, 2:3]      # along the width
    v = np.stack([np.sin(r), np.cos(r)], 1) * cx[:, 3:4]       # along the height
    p1 = cx[:, :2] - u / 2 - v / 2
    expect = np.concatenate([p1, p1 + u, p1 + u + v, p1 + v], 1)
    np.testing.assert_allclose(corners.numpy(), expect, atol=1e-12)
    back = ops.box_convert(corners, "xyxyxyxy", "cxcywhr")
    np.testing.assert_allclose(back.numpy(), cx, atol=1e-9)
    xywhr = ops.box_convert(ember.tensor(cx), "cxcywhr", "xywhr")
    np.testing.assert_allclose(xywhr.numpy()[:, :2], p1, atol=1e-12)
    ints = ops.box_convert(ember.tensor([[10, 10, 4, 2, 90]]), "cxcywhr", "xywhr")
    assert ints.dtype == ember.int64 and ints.tolist() == [[9, 12, 4, 2, 90]]


def test_box_convert_and_iou_errors(torch):
    b = ember.zeros(2, 4)
    with pytest.raises(ValueError, match="Unsupported Bounding Box Conversions for given in_fmt xyxy and out_fmt foo"):
        ops.box_convert(b, "xyxy", "foo")
    with pytest.raises(NotImplementedError, match="in_fmt xyxy and out_fmt xywhr"):
        ops.box_convert(b, "xyxy", "xywhr")
    with pytest.raises(ValueError, match="Unsupported Bounding Box area for given format abc"):
        ops.box_area(b, fmt="abc")
    with pytest.raises(ValueError, match="Unsupported format 'abc'"):
        ops.box_iou(b, b, fmt="abc")
    with pytest.raises(NotImplementedError, match="box_iou_rotated"):
        ops.box_iou(ember.zeros(1, 5), ember.zeros(1, 5), fmt="cxcywhr")


def test_clip_and_remove_small(rng, torch):
    b = (rng.uniform(-10, 30, (6, 2, 4))).astype(np.float32)
    e = ops.clip_boxes_to_image(ember.tensor(b), (15, 20))
    t = torch.tensor(b)
    ref = torch.stack((t[..., 0::2].clamp(0, 20), t[..., 1::2].clamp(0, 15)), dim=3).reshape(t.shape)
    _close(e, ref)
    boxes = np.array([[0, 0, 1, 5], [0, 0, 3, 3], [0, 0, 2, 2], [1, 1, 0, 5]], np.float32)
    keep = ops.remove_small_boxes(ember.tensor(boxes), 2.0)
    assert keep.dtype == ember.int64 and keep.tolist() == [1, 2]


def test_masks_to_boxes(rng, torch):
    m = np.zeros((4, 7, 9), np.uint8)
    m[0, 2:5, 1:3] = 1
    m[1, 6, 8] = 1
    m[3, 0, 0] = m[3, 6, 4] = 1
    out = ops.masks_to_boxes(ember.tensor(m))
    assert out.dtype == ember.float32
    assert out.tolist() == [[1, 2, 2, 4], [8, 6, 8, 6], [0, 0, 0, 0], [0, 0, 4, 6]]
    assert ops.masks_to_boxes(ember.zeros(0, 3, 3)).shape == (0, 4)


# -- nms ---------------------------------------------------------------------------------------
def _nms_reference(boxes, scores, thr):
    """Greedy NMS written out pair by pair (the definition), on float64 copies of the float32 math."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    dead, keep = set(), []
    area = lambda b: (b[2] - b[0]) * (b[3] - b[1])  # noqa: E731
    for p, i in enumerate(order):
        if i in dead:
            continue
        keep.append(i)
        for j in order[p + 1:]:
            w = max(0, min(boxes[i][2], boxes[j][2]) - max(boxes[i][0], boxes[j][0]))
            h = max(0, min(boxes[i][3], boxes[j][3]) - max(boxes[i][1], boxes[j][1]))
            inter = w * h
            if inter / (area(boxes[i]) + area(boxes[j]) - inter) > thr:
                dead.add(j)
    return keep


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("thr", [0.0, 0.3, 0.5, 0.9])
def test_nms_matches_definition(rng, dtype, thr):
    b = _boxes(rng, 60, dtype)
    s = rng.random(60).astype(dtype)
    s[10:15] = s[3]                                   # ties keep index order
    keep = ops.nms(ember.tensor(b), ember.tensor(s), thr)
    assert keep.dtype == ember.int64
    assert keep.tolist() == _nms_reference(b.astype(np.float64).tolist(), s.tolist(), thr)


def test_nms_threshold_is_strict():
    b = ember.tensor([[0., 0., 2., 2.], [0., 0., 2., 1.]])   # IoU exactly 0.5
    assert ops.nms(b, ember.tensor([1., 0.5]), 0.5).tolist() == [0, 1]
    assert ops.nms(b, ember.tensor([1., 0.5]), 0.49).tolist() == [0]
    assert ops.nms(ember.zeros(0, 4), ember.zeros(0), 0.5).dtype == ember.int64


def test_nms_errors(torch):
    with pytest.raises(RuntimeError, match="boxes should be a 2d tensor, got 1D"):
        ops.nms(ember.zeros(4), ember.zeros(1), 0.5)
    with pytest.raises(RuntimeError, match="boxes should have 4 elements in dimension 1, got 5"):
        ops.nms(ember.zeros(2, 5), ember.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="scores should be a 1d tensor, got 2D"):
        ops.nms(ember.zeros(2, 4), ember.zeros(2, 1), 0.5)
    with pytest.raises(RuntimeError, match="same number of elements in dimension 0, got 2 and 3"):
        ops.nms(ember.zeros(2, 4), ember.zeros(3), 0.5)


@pytest.mark.parametrize("n", [40, 1200])          # 1200 boxes take the per-category path
def test_batched_nms(rng, n):
    b = _boxes(rng, n)
    s = rng.random(n).astype(np.float32)
    idx = rng.integers(0, 4, n)
    keep = ops.batched_nms(ember.tensor(b), ember.tensor(s), ember.tensor(idx), 0.4).tolist()
    expect = []
    for c in range(4):
        w = np.nonzero(idx == c)[0]
        expect += [int(w[k]) for k in _nms_reference(b[w].astype(np.float64).tolist(), s[w].tolist(), 0.4)]
    expect.sort(key=lambda i: (-s[i], i))
    assert keep == expect
    assert ops.batched_nms(ember.zeros(0, 4), ember.zeros(0), ember.zeros(0, dtype=ember.int64), 0.5).tolist() == []


# -- losses ------------------------------------------------------------------------------------
def _t_loss(torch, name, b1, b2, eps=1e-7):
    x1, y1, x2, y2 = b1.unbind(-1)
    g1, h1, g2, h2 = b2.unbind(-1)
    ix = (torch.min(x2, g2) - torch.max(x1, g1))
    iy = (torch.min(y2, h2) - torch.max(y1, h1))
    inter = torch.where((ix > 0) & (iy > 0), ix * iy, torch.zeros_like(ix))
    union = (x2 - x1) * (y2 - y1) + (g2 - g1) * (h2 - h1) - inter
    iou = inter / (union + eps)
    cx1, cy1, cx2, cy2 = torch.min(x1, g1), torch.min(y1, h1), torch.max(x2, g2), torch.max(y2, h2)
    if name == "generalized_box_iou_loss":
        c = (cx2 - cx1) * (cy2 - cy1)
        return 1 - (iou - (c - union) / (c + eps))
    d = ((x1 + x2 - g1 - g2) / 2) ** 2 + ((y1 + y2 - h1 - h2) / 2) ** 2
    diou = 1 - iou + d / ((cx2 - cx1) ** 2 + (cy2 - cy1) ** 2 + eps)
    if name == "distance_box_iou_loss":
        return diou
    diou = _t_loss(torch, "distance_box_iou_loss", b1, b2)   # torchvision: the default eps here
    iou0 = inter / (union + 1e-7)
    v = 4 / math.pi ** 2 * (torch.atan((g2 - g1) / (h2 - h1)) - torch.atan((x2 - x1) / (y2 - y1))) ** 2
    with torch.no_grad():
        alpha = v / (1 - iou0 + v + eps)
    return diou + alpha * v


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name", ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"])
def test_box_losses(rng, torch, dtype, reduction, name):
    a, b = _boxes(rng, 9, dtype, 8.0), _boxes(rng, 9, dtype, 8.0)
    (ea, ta), (eb, tb) = _pair(a, torch, True), _pair(b, torch, True)
    eps = 1e-3
    e = getattr(ops, name)(ea, eb, reduction=reduction, eps=eps)
    t = _t_loss(torch, name, ta, tb, eps)
    t = {"none": t, "mean": t.mean(), "sum": t.sum()}[reduction]
    _close(e, t)
    (e.sum() if reduction == "none" else e).backward()
    (t.sum() if reduction == "none" else t).backward()
    tol = (1e-4, 1e-6) if dtype == np.float32 else (1e-10, 1e-12)
    _close(ea.grad, ta.grad, *tol)
    _close(eb.grad, tb.grad, *tol)


def test_box_loss_errors_and_empty():
    z = ember.zeros(0, 4, requires_grad=True)
    out = ops.generalized_box_iou_loss(z, z, reduction="mean")
    assert out.item() == 0.0
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction': 'bad"):
        ops.distance_box_iou_loss(ember.zeros(1, 4), ember.zeros(1, 4), reduction="bad")
    assert ops.complete_box_iou_loss(ember.tensor([[0, 0, 2, 2]]), ember.tensor([[0, 0, 2, 2]])).dtype == ember.float32


@pytest.mark.parametrize("alpha,gamma", [(0.25, 2), (-1, 1.5), (1.0, 0)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_sigmoid_focal_loss(rng, torch, alpha, gamma, reduction):
    x = rng.standard_normal((5, 3)).astype(np.float32)
    y = (rng.random((5, 3)) > 0.5).astype(np.float32)
    (ex, tx) = _pair(x, torch, True)
    e = ops.sigmoid_focal_loss(ex, ember.tensor(y), alpha, gamma, reduction)
    p = torch.sigmoid(tx)
    ty = torch.tensor(y)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(tx, ty, reduction="none")
    pt = p * ty + (1 - p) * (1 - ty)
    t = ce * (1 - pt) ** gamma
    if alpha >= 0:
        t = (alpha * ty + (1 - alpha) * (1 - ty)) * t
    t = {"none": t, "mean": t.mean(), "sum": t.sum()}[reduction]
    _close(e, t)
    (e.sum()).backward()
    (t.sum()).backward()
    _close(ex.grad, tx.grad, 1e-5, 1e-6)
    with pytest.raises(ValueError, match="Invalid alpha value: 2"):
        ops.sigmoid_focal_loss(ex, ember.tensor(y), alpha=2)


def test_against_torchvision_python(rng, tv):
    import torch
    a, b = _boxes(rng, 6, np.float64), _boxes(rng, 4, np.float64)
    for name in ["box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou"]:
        np.testing.assert_allclose(getattr(ops, name)(ember.tensor(a), ember.tensor(b)).numpy(),
                                   getattr(tv.ops, name)(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-12)
    for name in ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]:
        np.testing.assert_allclose(getattr(ops, name)(ember.tensor(a[:4]), ember.tensor(b)).numpy(),
                                   getattr(tv.ops, name)(torch.tensor(a[:4]), torch.tensor(b)).numpy(), rtol=1e-12)
    m = (rng.random((3, 5, 6)) > 0.8)
    np.testing.assert_array_equal(ops.masks_to_boxes(ember.tensor(m)).numpy(),
                                  tv.ops.masks_to_boxes(torch.tensor(m)).numpy())
    for i, o in [("xyxy", "cxcywh"), ("xywh", "cxcywh"), ("cxcywhr", "xyxyxyxy"), ("xyxyxyxy", "xywhr")]:
        x = rng.uniform(1, 9, (3, 8 if i == "xyxyxyxy" else 5 if "r" in i else 4))
        np.testing.assert_allclose(ops.box_convert(ember.tensor(x), i, o).numpy(),
                                   tv.ops.box_convert(torch.tensor(x), i, o).numpy(), rtol=1e-12, atol=1e-12)
