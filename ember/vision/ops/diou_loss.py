"""``torchvision.ops.diou_loss``: the distance IoU loss of matched box pairs.

>>> from ember.vision.ops import distance_box_iou_loss
>>> distance_box_iou_loss(ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[0., 0., 1., 1.]]))
tensor([1.1921e-07])
"""
from ._box_convert import _upcast_non_float
from ._box_loss import _diou_iou_loss, _reduce

__all__ = ["distance_box_iou_loss"]


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - IoU + d^2 / c^2`` of ``boxes1[i]`` and ``boxes2[i]`` (xyxy; ``d`` the centre distance,
    ``c`` the enclosing box's diagonal), reduced by ``reduction``.

    >>> from ember.vision.ops import distance_box_iou_loss
    >>> round(distance_box_iou_loss(ember.tensor([0., 0., 2., 2.]), ember.tensor([1., 1., 3., 3.])).item(), 4)
    0.9683
    """
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    loss, _ = _diou_iou_loss(boxes1, boxes2, eps)
    return _reduce(loss, reduction)
