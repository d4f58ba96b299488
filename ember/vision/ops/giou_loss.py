"""``torchvision.ops.giou_loss``: the generalized IoU loss of matched box pairs.

>>> from ember.vision.ops import generalized_box_iou_loss
>>> generalized_box_iou_loss(ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[0., 0., 1., 1.]]))
tensor([1.1921e-07])
"""
from ._box_convert import _upcast_non_float
from ._box_loss import _enclosing, _loss_inter_union, _reduce

__all__ = ["generalized_box_iou_loss"]


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - GIoU`` of ``boxes1[i]`` and ``boxes2[i]`` (xyxy), with ``reduction`` ``'none'``,
    ``'mean'`` or ``'sum'``; ``eps`` keeps the divisions finite. Differentiable in both boxes.

    >>> from ember.vision.ops import generalized_box_iou_loss
    >>> a = ember.tensor([[0., 0., 2., 2.]], requires_grad=True)
    >>> loss = generalized_box_iou_loss(a, ember.tensor([[1., 1., 3., 3.]]), reduction="sum")
    >>> round(loss.item(), 4)
    1.0794
    """
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    xc1, yc1, xc2, yc2 = _enclosing(boxes1, boxes2)
    area_c = (xc2 - xc1) * (yc2 - yc1)
    loss = 1 - (iou - (area_c - union) / (area_c + eps))
    return _reduce(loss, reduction)
