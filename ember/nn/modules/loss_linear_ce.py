"""``LinearCrossEntropyLoss``: a classifier head and its cross-entropy in one module
(``torch.nn.modules.loss.LinearCrossEntropyLoss``, new in PyTorch 2.13).

>>> m = ember.nn.LinearCrossEntropyLoss(4, 10)
>>> m(ember.randn(3, 4), ember.tensor([1, 2, 9])).shape
torch.Size([])
"""
import math

from .loss_base import _WeightedLoss
from .linear import Linear
from .. import functional as F

__all__ = ["LinearCrossEntropyLoss"]


class LinearCrossEntropyLoss(_WeightedLoss):
    """``F.linear_cross_entropy`` with the linear weight (and optional bias) as a ``Linear``
    child of ``num_classes * prod(out_features)`` outputs (state_dict ``linear.weight``).

    >>> ember.nn.LinearCrossEntropyLoss(4, 10, out_features=(3,), bias=True).linear
    Linear(in_features=4, out_features=30, bias=True)
    """

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction="mean", weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight, None, None, reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, device=device,
                             dtype=dtype)
        self.options = options

    def forward(self, input, target):
        w = self.linear.weight.reshape((self.num_classes, *self.out_features, self.linear.in_features))
        b = self.linear.bias
        if b is not None:
            b = b.reshape((self.num_classes, *self.out_features))
        return F.linear_cross_entropy(input, w, target, linear_bias=b, weight=self.weight, reduction=self.reduction,
                                      ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
                                      options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
