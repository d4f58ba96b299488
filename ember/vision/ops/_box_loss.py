"""What the box-regression losses share: elementwise intersection/union of matched box pairs,
the distance-IoU loss terms, and the ``reduction`` step.

>>> from ember.vision.ops._box_loss import _loss_inter_union
>>> _loss_inter_union(ember.tensor([0., 0., 2., 2.]), ember.tensor([1., 1., 3., 3.]))
(tensor(1.), tensor(7.))
"""
import ember

__all__ = []


def _loss_inter_union(boxes1, boxes2):
    """Intersection (zero for disjoint pairs) and union of ``boxes1[i]`` with ``boxes2[i]``."""
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xk1, yk1 = ember.max(x1, x1g), ember.max(y1, y1g)
    xk2, yk2 = ember.min(x2, x2g), ember.min(y2, y2g)
    overlap = (yk2 > yk1) & (xk2 > xk1)
    inter = ember.where(overlap, (xk2 - xk1) * (yk2 - yk1), ember.zeros_like(x1))
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    return inter, union


def _enclosing(boxes1, boxes2):
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    return ember.min(x1, x1g), ember.min(y1, y1g), ember.max(x2, x2g), ember.max(y2, y2g)


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    """(``1 - IoU + d^2 / c^2``, IoU) for matched pairs."""
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    xc1, yc1, xc2, yc2 = _enclosing(boxes1, boxes2)
    diag2 = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    dist2 = ((x2 + x1) / 2 - (x1g + x2g) / 2) ** 2 + ((y2 + y1) / 2 - (y1g + y2g) / 2) ** 2
    return 1 - iou + dist2 / diag2, iou


def _reduce(loss, reduction, empty_mean_zero=True):
    if reduction == "none":
        return loss
    if reduction == "mean":
        if empty_mean_zero and loss.numel() == 0:
            return 0.0 * loss.sum()
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n "
                     "Supported reduction modes: 'none', 'mean', 'sum'")
