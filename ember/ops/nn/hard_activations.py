"""Hardswish and hardsigmoid outside autograd (inference, MobileNet v3): one temporary and
three or four passes over the data, with PyTorch's arithmetic (``x * min(max(x + 3, 0), 6) / 6``
and ``min(max(x + 3, 0), 6) / 6``) so the values match it to the bit. With autograd recording
through the input, ``ember.nn.functional`` keeps its composite (differentiable) forms.

>>> from ember.ops.nn.hard_activations import hardswish_nograd
>>> hardswish_nograd(ember.tensor([-4., 1., 4.]), False)
tensor([-0.0000,  0.6667,  4.0000])
"""
from .._util import np, _wrap, _state
from ... import _scalar_rows

__all__ = []


def fast(input):
    """True when the no-autograd kernels below may run on ``input``."""
    return not (_state[0] and input._rg) and input._data.dtype.kind == "f" and input._data.dtype.itemsize >= 4


def _relu6_shifted(x):
    """min(max(x + 3, 0), 6) in a new array of x's dtype."""
    t = np.add(x, x.dtype.type(3), out=np.empty_like(x))   # (an array even when x is 0-d)
    return _scalar_rows.clip(t, 0, 6, out=t)


def hardswish_nograd(input, inplace):
    """``x * relu6(x + 3) / 6`` on a tensor that autograd does not track (in place when asked).

    >>> from ember.ops.nn.hard_activations import hardswish_nograd
    >>> x = ember.tensor([-1., 3.]); hardswish_nograd(x, True) is x, x
    (True, tensor([-0.3333,  3.0000]))
    """
    x = input._data
    t = _relu6_shifted(x)
    if inplace:
        np.multiply(x, t, out=x)
        np.divide(x, x.dtype.type(6), out=x)
        input._bump()
        return input
    np.multiply(x, t, out=t)
    return _wrap(np.divide(t, x.dtype.type(6), out=t))


def hardsigmoid_nograd(input, inplace):
    """``relu6(x + 3) / 6`` on a tensor that autograd does not track (in place when asked).

    >>> from ember.ops.nn.hard_activations import hardsigmoid_nograd
    >>> hardsigmoid_nograd(ember.tensor([-4., 0., 4.]), False)
    tensor([0.0000, 0.5000, 1.0000])
    """
    x = input._data
    t = _relu6_shifted(x)
    if inplace:
        np.divide(t, x.dtype.type(6), out=x)
        input._bump()
        return input
    return _wrap(np.divide(t, x.dtype.type(6), out=t))


def relu_array_(a, out=None):
    """``max(a, 0)`` in place on a float array, or into ``out`` (a fused epilogue of eval-mode
    convolutions: ``out`` the layer's output, written by this last pass).

    >>> from ember.ops.nn.hard_activations import relu_array_
    >>> relu_array_(np.array([-1., 2.]))
    array([0., 2.])
    """
    return _scalar_rows.maximum(a, a.dtype.type(0), out=a if out is None else out)


def hardswish_array_(a, out=None):
    """``a * relu6(a + 3) / 6`` in place on a float array (``a`` is overwritten in any case),
    or into ``out``, with ``hardswish_nograd``'s arithmetic.

    >>> from ember.ops.nn.hard_activations import hardswish_array_
    >>> hardswish_array_(np.array([-4., 1., 4.]))
    array([-0.        ,  0.66666667,  4.        ])
    """
    t = _relu6_shifted(a)
    np.multiply(a, t, out=a)
    return np.divide(a, a.dtype.type(6), out=a if out is None else out)
