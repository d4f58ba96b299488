"""Activation layers.

>>> ember.nn.ReLU()(ember.tensor([-1., 1.]))
tensor([0., 1.])
"""
from .module import Module
from .. import functional as F

__all__ = ["ReLU", "Softmax", "LogSoftmax", "Softmin"]


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


class _SoftmaxBase(Module):
    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """Softmax along ``dim``.

    >>> ember.nn.Softmax(dim=1)(ember.zeros(1, 2))
    tensor([[0.5000, 0.5000]])
    """

    _fn = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxBase):
    """Log-softmax along ``dim``.

    >>> ember.nn.LogSoftmax(dim=1)
    LogSoftmax(dim=1)
    """

    _fn = staticmethod(F.log_softmax)


class Softmin(_SoftmaxBase):
    """Softmin along ``dim``.

    >>> ember.nn.Softmin(dim=0)(ember.zeros(2))
    tensor([0.5000, 0.5000])
    """

    _fn = staticmethod(F.softmin)
