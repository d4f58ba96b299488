"""Box operations of ``torchvision.ops.boxes``: areas, IoU variants, format conversion,
clipping, filtering, mask bounding boxes and non-maximum suppression.

Boxes are ``(x1, y1, x2, y2)`` with ``0 <= x1 < x2`` and ``0 <= y1 < y2`` unless a ``fmt``
says otherwise. Everything but ``nms``/``batched_nms`` (whose output is an index set) is
built from ember ops, so gradients flow to the box coordinates.

>>> from ember.vision.ops import box_iou
>>> box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[1., 1., 3., 3.]]))
tensor([[0.1429]])
"""
import ember
from ..._backend import np
from ._box_convert import _PATHS, _upcast

__all__ = ["nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert", "box_area",
           "box_iou", "generalized_box_iou", "complete_box_iou", "distance_box_iou", "masks_to_boxes"]

_AXIS_FMTS = ("xyxy", "xywh", "cxcywh")
_ROTATED_FMTS = ("cxcywhr", "xywhr", "xyxyxyxy")
_TORCH_TYPE_NAMES = {ember.int64: "Long", ember.int32: "Int", ember.int16: "Short", ember.int8: "Char",
                     ember.uint8: "Byte", ember.bool: "Bool"}


def _check_nms_input(boxes, scores):
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.shape[1] != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.shape[1]}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.shape[0] != scores.shape[0]:
        raise RuntimeError("boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.shape[0]} and {scores.shape[0]}")
    if boxes.dtype != scores.dtype:
        raise RuntimeError("dets should have the same type as scores")
    if not boxes.is_floating_point():
        name = _TORCH_TYPE_NAMES.get(boxes.dtype, str(boxes.dtype))
        raise RuntimeError(f"\"nms_kernel\" not implemented for '{name}'")


def _descending(scores):
    """Positions sorted by score, highest first, ties in index order, NaN first (as torch.sort)."""
    nan = np.isnan(scores)
    return np.lexsort((-np.where(nan, 0, scores), ~nan))


def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression: visit boxes by decreasing score, keep a box, and drop every
    later box whose IoU with it is greater than ``iou_threshold``. Returns the kept indices (int64),
    by decreasing score.

    >>> from ember.vision.ops import nms
    >>> b = ember.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.], [20., 20., 30., 30.]])
    >>> nms(b, ember.tensor([0.9, 0.8, 0.7]), 0.5)
    tensor([0, 2])
    """
    _check_nms_input(boxes, scores)
    if boxes.numel() == 0:
        return ember.empty((0,), dtype=ember.int64)
    b = boxes.detach().numpy()
    x1, y1, x2, y2 = (np.ascontiguousarray(b[:, i]) for i in range(4))
    area = (x2 - x1) * (y2 - y1)
    order = _descending(scores.detach().numpy())
    alive = np.ones(len(order), dtype=bool)          # by position in ``order``
    keep = []
    zero = b.dtype.type(0)
    for pos in range(len(order)):
        if not alive[pos]:
            continue
        i = order[pos]
        keep.append(i)
        rest = order[pos + 1:]
        w = np.maximum(zero, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
        h = np.maximum(zero, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
        inter = w * h
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = inter / (area[i] + area[rest] - inter)
        alive[pos + 1:] &= ~(iou.astype(np.float64) > iou_threshold)
    return ember.from_numpy(np.asarray(keep, dtype=np.int64))


def batched_nms(boxes, scores, idxs, iou_threshold):
    """``nms`` done independently per category ``idxs``: boxes of different categories never
    suppress each other. Returns the kept indices (int64) by decreasing score.

    >>> from ember.vision.ops import batched_nms
    >>> b = ember.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.]])
    >>> batched_nms(b, ember.tensor([0.9, 0.8]), ember.tensor([0, 1]), 0.5)
    tensor([0, 1])
    """
    if boxes.numel() > 4000:
        return _batched_nms_vanilla(boxes, scores, idxs, iou_threshold)
    return _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold)


def _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold):
    """Shift each category's boxes by ``idx * (max coordinate + 1)`` so categories cannot overlap."""
    if boxes.numel() == 0:
        return ember.empty((0,), dtype=ember.int64)
    with ember.no_grad():
        offsets = idxs.to(boxes.dtype) * (boxes.max() + ember.tensor(1).to(boxes.dtype))
        return nms(boxes + offsets[:, None], scores, iou_threshold)


def _batched_nms_vanilla(boxes, scores, idxs, iou_threshold):
    """One ``nms`` per category (faster than the offsets for many boxes)."""
    keep = np.zeros(scores.shape[0], dtype=bool)
    ids = idxs.detach().numpy()
    for c in np.unique(ids):
        where = np.nonzero(ids == c)[0]
        t = ember.from_numpy(where)
        kept = nms(boxes[t], scores[t], iou_threshold).numpy()
        keep[where[kept]] = True
    kept = np.nonzero(keep)[0]
    s = scores.detach().numpy()[kept]
    return ember.from_numpy(kept[_descending(s)].astype(np.int64))


def remove_small_boxes(boxes, min_size):
    """Indices (int64) of the boxes whose width and height are both at least ``min_size``.

    >>> from ember.vision.ops import remove_small_boxes
    >>> remove_small_boxes(ember.tensor([[0., 0., 1., 5.], [0., 0., 3., 3.]]), 2.0)
    tensor([1])
    """
    ws = boxes[..., 2] - boxes[..., 0]
    hs = boxes[..., 3] - boxes[..., 1]
    return ember.where((ws >= min_size) & (hs >= min_size))[0]


def clip_boxes_to_image(boxes, size):
    """Clamp x coordinates to ``[0, width]`` and y to ``[0, height]``; ``size`` is ``(height, width)``.

    >>> from ember.vision.ops import clip_boxes_to_image
    >>> clip_boxes_to_image(ember.tensor([[-2., 1., 12., 7.]]), (5, 10))
    tensor([[ 0.,  1., 10.,  5.]])
    """
    height, width = size
    xs = boxes[..., 0::2].clamp(min=0, max=width)
    ys = boxes[..., 1::2].clamp(min=0, max=height)
    return ember.stack((xs, ys), dim=boxes.dim()).reshape(boxes.shape)


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between ``'xyxy'``, ``'xywh'``, ``'cxcywh'`` (and the rotated ``'xywhr'``,
    ``'cxcywhr'``, ``'xyxyxyxy'``, angles in degrees).

    >>> from ember.vision.ops import box_convert
    >>> box_convert(ember.tensor([[1., 2., 4., 6.]]), "xyxy", "cxcywh")
    tensor([[2.5000, 4.0000, 3.0000, 4.0000]])
    """
    allowed = _AXIS_FMTS + _ROTATED_FMTS
    if in_fmt not in allowed or out_fmt not in allowed:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    path = _PATHS.get((in_fmt, out_fmt))
    if path is None:
        raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    for step in path:
        boxes = step(boxes)
    return boxes


def box_area(boxes, fmt="xyxy"):
    """Area of each box, for boxes in ``fmt`` (``'xyxy'``, ``'xywh'`` or ``'cxcywh'``).

    >>> from ember.vision.ops import box_area
    >>> box_area(ember.tensor([[0., 0., 2., 3.]]))
    tensor([6.])
    """
    if fmt not in _AXIS_FMTS:
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _corners(boxes, fmt):
    """(top-left, bottom-right) corners, each ``[..., 2]``, of boxes in an axis-aligned ``fmt``."""
    if fmt == "xyxy":
        return boxes[..., :2], boxes[..., 2:]
    if fmt == "xywh":
        return boxes[..., :2], boxes[..., :2] + boxes[..., 2:]
    half = boxes[..., 2:] / 2
    return boxes[..., :2] - half, boxes[..., :2] + half


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection and union areas, ``[..., N, M]`` each."""
    area1 = box_area(boxes1, fmt=fmt)
    area2 = box_area(boxes2, fmt=fmt)
    lt1, rb1 = _corners(boxes1, fmt)
    lt2, rb2 = _corners(boxes2, fmt)
    lt = ember.max(lt1[..., :, None, :], lt2[..., None, :, :])
    rb = ember.min(rb1[..., :, None, :], rb2[..., None, :, :])
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., :, None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection over union, ``[N, M]`` (batched over leading dimensions too).

    >>> from ember.vision.ops import box_iou
    >>> box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 1.]]))
    tensor([[0.5000]])
    """
    if fmt in _AXIS_FMTS:
        inter, union = _box_inter_union(boxes1, boxes2, fmt)
        return inter / union
    if fmt in _ROTATED_FMTS:
        raise NotImplementedError("box_iou for rotated boxes (torchvision's box_iou_rotated kernel) "
                                  "is not implemented in ember.vision.ops")
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {_AXIS_FMTS}. "
                     f"Supported rotated formats: {_ROTATED_FMTS}.")


def _enclosing_wh(boxes1, boxes2):
    """Width and height of the smallest box enclosing each pair, ``[..., N, M, 2]``."""
    lt = ember.min(boxes1[..., :, None, :2], boxes2[..., None, :, :2])
    rb = ember.max(boxes1[..., :, None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rb - lt).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU: ``IoU - (C - union) / C`` with ``C`` the enclosing box's area.

    >>> from ember.vision.ops import generalized_box_iou
    >>> generalized_box_iou(ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[2., 0., 3., 1.]]))
    tensor([[-0.3333]])
    """
    inter, union = _box_inter_union(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    areai = whi[..., 0] * whi[..., 1]
    return inter / union - (areai - union) / areai


def _box_diou_iou(boxes1, boxes2, eps=1e-7):
    iou = box_iou(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    diag2 = whi[..., 0] ** 2 + whi[..., 1] ** 2 + eps
    cx1 = (boxes1[..., 0] + boxes1[..., 2]) / 2
    cy1 = (boxes1[..., 1] + boxes1[..., 3]) / 2
    cx2 = (boxes2[..., 0] + boxes2[..., 2]) / 2
    cy2 = (boxes2[..., 1] + boxes2[..., 3]) / 2
    dist2 = _upcast(cx1[..., :, None] - cx2[..., None, :]) ** 2 + _upcast(cy1[..., :, None] - cy2[..., None, :]) ** 2
    return iou - dist2 / diag2, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise distance IoU: ``IoU - d^2 / c^2`` (centre distance over enclosing diagonal).

    >>> from ember.vision.ops import distance_box_iou
    >>> distance_box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 2.]]))
    tensor([[1.]])
    """
    return _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps)[0]


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise complete IoU: distance IoU minus ``alpha * v``, ``v`` measuring the aspect-ratio
    difference (``alpha`` is treated as a constant for gradients).

    >>> from ember.vision.ops import complete_box_iou
    >>> complete_box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 2.]]))
    tensor([[1.]])
    """
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w1 = boxes1[..., :, None, 2] - boxes1[..., :, None, 0]
    h1 = boxes1[..., :, None, 3] - boxes1[..., :, None, 1]
    w2 = boxes2[..., None, :, 2] - boxes2[..., None, :, 0]
    h2 = boxes2[..., None, :, 3] - boxes2[..., None, :, 1]
    v = (4 / (ember.pi ** 2)) * ember.pow(ember.atan(w1 / h1) - ember.atan(w2 / h2), 2)
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """Bounding boxes ``[N, 4]`` (float32, xyxy, inclusive pixel indices) of the non-zero pixels
    of each mask in ``[N, H, W]``; an empty mask gives zeros.

    >>> from ember.vision.ops import masks_to_boxes
    >>> m = ember.zeros(1, 4, 5); m[0, 1:3, 2:5] = 1
    >>> masks_to_boxes(m)
    tensor([[2., 1., 4., 2.]])
    """
    if masks.numel() == 0:
        return ember.zeros((0, 4), dtype=ember.float32)
    n, h, w = masks.shape
    m = masks.detach().numpy().astype(bool)
    rows = m.any(axis=2)
    cols = m.any(axis=1)
    y1 = rows.argmax(axis=1)
    x1 = cols.argmax(axis=1)
    y2 = (h - 1) - rows[:, ::-1].argmax(axis=1)
    x2 = (w - 1) - cols[:, ::-1].argmax(axis=1)
    out = np.stack([x1, y1, x2, y2], axis=1).astype(np.float32)
    out[~rows.any(axis=1)] = 0
    return ember.from_numpy(out)
