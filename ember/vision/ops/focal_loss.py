"""``torchvision.ops.focal_loss``: the sigmoid focal loss of RetinaNet.

>>> from ember.vision.ops import sigmoid_focal_loss
>>> sigmoid_focal_loss(ember.tensor([0.]), ember.tensor([1.]))
tensor([0.0433])
"""
from ... import nn
from ._box_loss import _reduce

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Binary cross-entropy on logits ``inputs`` against ``targets`` in [0, 1], scaled by
    ``(1 - p_t) ** gamma`` and (for ``alpha >= 0``) by ``alpha_t``; ``alpha=-1`` turns weighting off.

    >>> from ember.vision.ops import sigmoid_focal_loss
    >>> x = ember.tensor([2., -1.], requires_grad=True)
    >>> sigmoid_focal_loss(x, ember.tensor([1., 0.]), reduction="sum").backward()
    >>> x.grad.shape
    torch.Size([2])
    """
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    p = inputs.sigmoid()
    ce = nn.functional.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return _reduce(loss, reduction, empty_mean_zero=False)
