"""``AdaptiveLogSoftmaxWithLoss`` at PyTorch's module path ``torch.nn.modules.adaptive``
(defined in ``adaptive_softmax.py``).

>>> ember.nn.modules.adaptive.AdaptiveLogSoftmaxWithLoss is ember.nn.AdaptiveLogSoftmaxWithLoss
True
"""
from .adaptive_softmax import AdaptiveLogSoftmaxWithLoss, _ASMoutput  # noqa: F401

__all__ = ["AdaptiveLogSoftmaxWithLoss"]
