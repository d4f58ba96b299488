"""Stateless neural-network functions, ``torch.nn.functional`` (``F``).

>>> import ember.nn.functional as F
>>> F.relu(ember.tensor([-1., 2.]))
tensor([0., 2.])
"""
from ..ops import nn_ops as _nn
from ..ops.elementwise import relu as _relu

__all__ = ["linear", "relu"]


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``.

    >>> F.linear(ember.ones(1, 2), ember.ones(3, 2)).shape
    torch.Size([1, 3])
    """
    return _nn.linear(input, weight, bias)


def relu(input, inplace=False):
    """Rectified linear unit, ``max(input, 0)``.

    >>> F.relu(ember.tensor([-1., 1.]), inplace=False)
    tensor([0., 1.])
    """
    return input.relu_() if inplace else _relu(input)
