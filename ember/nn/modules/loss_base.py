"""The base classes of the loss modules: ``_Loss`` holds the ``reduction`` (resolving the
deprecated ``size_average``/``reduce`` pair), ``_WeightedLoss`` adds a ``weight`` buffer.

The loss files (loss.py, loss_margin.py, loss_linear_ce.py) all subclass these;
``ember.nn.modules.loss._Loss`` is the same class, at PyTorch's path.

>>> from ember.nn.modules.loss_base import _Loss
>>> _Loss(size_average=False).reduction
'sum'
"""
from .module import Module
from ...ops.nn.softmax_cross_entropy import _legacy_reduction


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
