"""``torchvision.ops.ciou_loss``: the complete IoU loss of matched box pairs.

>>> from ember.vision.ops import complete_box_iou_loss
>>> complete_box_iou_loss(ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[0., 0., 1., 1.]]))
tensor([1.1921e-07])
"""
import ember
from ._box_convert import _upcast_non_float
from ._box_loss import _diou_iou_loss, _reduce

__all__ = ["complete_box_iou_loss"]


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """The distance IoU loss plus ``alpha * v``, ``v`` the squared difference of the boxes'
    aspect angles (``alpha`` held constant for gradients), reduced by ``reduction``.

    >>> from ember.vision.ops import complete_box_iou_loss
    >>> round(complete_box_iou_loss(ember.tensor([0., 0., 2., 1.]), ember.tensor([0., 0., 1., 2.])).item(), 4)
    0.7629
    """
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)     # torchvision uses the default eps here
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    v = (4 / (ember.pi ** 2)) * ember.pow(ember.atan((x2g - x1g) / (y2g - y1g)) - ember.atan((x2 - x1) / (y2 - y1)), 2)
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)
