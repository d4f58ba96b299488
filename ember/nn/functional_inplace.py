"""In-place activation functions of ``ember.nn.functional`` (``relu_``, ``elu_``, ...):
each overwrites ``input`` and returns it, like the ``inplace=True`` form of its twin.

>>> import ember.nn.functional as F
>>> x = ember.tensor([-1., 2.]); F.relu_(x) is x, x
(True, tensor([0., 2.]))
"""
from .functional_act import elu, celu, selu, leaky_relu, hardtanh, rrelu, threshold as _threshold


def _apply_(input, fn, *args):
    """Write ``fn(input, *args)`` into ``input``. When autograd records, ``fn`` reads a copy,
    so what its backward saved is not the tensor this overwrites (PyTorch's ``elu_`` and
    friends differentiate from their result instead)."""
    src = input.clone() if input.requires_grad else input
    return input.copy_(fn(src, *args))


def relu_(input):
    """In-place ``relu``.

    >>> F.relu_(ember.tensor([-3., 3.]))
    tensor([0., 3.])
    """
    return input.relu_()


def elu_(input, alpha=1.0):
    """In-place ``elu``.

    >>> F.elu_(ember.tensor([0., 1.]))
    tensor([0., 1.])
    """
    return _apply_(input, elu, alpha)


def celu_(input, alpha=1.0):
    """In-place ``celu``.

    >>> F.celu_(ember.tensor([0., 1.]))
    tensor([0., 1.])
    """
    return _apply_(input, celu, alpha)


def selu_(input):
    """In-place ``selu``.

    >>> F.selu_(ember.tensor([0.]))
    tensor([0.])
    """
    return _apply_(input, selu)


def leaky_relu_(input, negative_slope=0.01):
    """In-place ``leaky_relu``.

    >>> F.leaky_relu_(ember.tensor([-1., 1.]), 0.5)
    tensor([-0.5000,  1.0000])
    """
    return _apply_(input, leaky_relu, negative_slope)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place ``hardtanh``.

    >>> F.hardtanh_(ember.tensor([-3., 0.5, 3.]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    return _apply_(input, hardtanh, min_val, max_val)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place ``rrelu`` (the fixed slope ``(lower + upper) / 2`` unless training).

    >>> F.rrelu_(ember.tensor([-1., 1.]), 0.5, 0.5)
    tensor([-0.5000,  1.0000])
    """
    return _apply_(input, rrelu, lower, upper, training)


def threshold_(input, threshold, value):
    """In-place ``threshold``: elements not above ``threshold`` become ``value``.

    >>> F.threshold_(ember.tensor([0.5, 2.]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    return _apply_(input, _threshold, threshold, value)

