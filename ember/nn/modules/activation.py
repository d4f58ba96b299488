"""Activation layers.

>>> ember.nn.ReLU()(ember.tensor([-1., 1.]))
tensor([0., 1.])
"""
from .module import Module
from .. import functional as F

__all__ = ["ReLU"]


class ReLU(Module):
    """``max(x, 0)`` elementwise.

    >>> ember.nn.ReLU(inplace=True)
    ReLU(inplace=True)
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""
