"""Activations as tensor ops (``torch.softmax``, ``x.log_softmax(dim)``, ``torch.prelu``,
``torch.hardshrink`` and their Tensor methods). Softmax and log-softmax are the fused ops of
``ember.ops.nn.softmax_cross_entropy``; prelu and hardshrink are one node each, forward and backward below.

>>> ember.tensor([1., 2., 3.]).softmax(0)
tensor([0.0900, 0.2447, 0.6652])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import np, D, Tensor, _wrap, Op, apply_op
from .._util import _TORCH_NAMES
from . import softmax_cross_entropy as _nn
from ..numpy_arg_names import required_dim

__all__ = ["softmax", "log_softmax", "prelu", "hardshrink"]


def softmax(input, dim=None, dtype=None, *, axis=None):
    """``exp(x) / exp(x).sum(dim)`` along ``dim`` (computed in ``dtype`` when given).

    >>> ember.softmax(ember.tensor([[1., 1.]]), 1)
    tensor([[0.5000, 0.5000]])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("softmax", axis)
    return _nn.softmax(input, dim, dtype)


def log_softmax(input, dim=None, dtype=None, *, axis=None):
    """``x - logsumexp(x, dim)`` along ``dim`` (computed in ``dtype`` when given).

    >>> ember.tensor([0., 0.]).log_softmax(0)
    tensor([-0.6931, -0.6931])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("log_softmax", axis)
    return _nn.log_softmax(input, dim, dtype)


class Prelu(Op):
    _name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, x, w):
        wb = w.reshape((1, -1) + (1,) * (x.ndim - 2)) if x.ndim >= 2 and w.size > 1 else w.reshape(())
        pos = x > 0
        ctx.save_for_backward(x, w)
        ctx.pos = pos
        return np.where(pos, x, x * wb)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        pos = _wrap(ctx.pos)
        nx, nw = ctx.needs_input_grad
        per_channel = x._data.ndim >= 2 and w._data.size > 1
        wb = w.reshape((1, -1) + (1,) * (x._data.ndim - 2)) if per_channel else w.reshape(())
        gx = g.where(pos, g * wb) if nx else None
        gw = None
        if nw:
            t = (g * x).where(~pos, g * 0)
            if per_channel:
                gw = t.sum([d for d in range(x._data.ndim) if d != 1]).reshape(w.shape)
            else:
                gw = t.sum().reshape(w.shape)
        return gx, gw


def prelu(input, weight):
    """``x`` where positive, ``weight * x`` elsewhere; ``weight`` holds one slope or one per channel
    (dim 1).

    >>> ember.prelu(ember.tensor([[-1., 2.]]), ember.tensor([0.25]))
    tensor([[-0.2500,  2.0000]])
    """
    if _ac_on[0]:
        input, weight = _ac.lower(input, weight)
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    x, w = input._data, weight._data
    if x.dtype.kind not in "fV":
        raise NotImplementedError(f"\"prelu_cpu\" not implemented for '{_TORCH_NAMES[D.NP2DT[x.dtype].name]}'")
    if w.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.ndim}")
    if w.size != 1:
        if x.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        ch = x.shape[1] if x.ndim >= 2 else 1
        if w.size != ch:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                               f"= {w.size} and channel size = {ch}.")
    if w.dtype != x.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_TORCH_NAMES[D.NP2DT[x.dtype].name]} "
                           f"and {_TORCH_NAMES[D.NP2DT[w.dtype].name]}")
    return apply_op(Prelu, (input, weight))


class Hardshrink(Op):
    @staticmethod
    def forward(ctx, x, lambd):
        keep = (x > lambd) | (x < -lambd)
        ctx.keep = keep
        return np.where(keep, x, np.zeros((), x.dtype))

    @staticmethod
    def backward(ctx, g):
        return g.where(_wrap(ctx.keep), g * 0)


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0.

    >>> ember.tensor([-1., 0.2, 1.]).hardshrink()
    tensor([-1.,  0.,  1.])
    """
    x = input._data
    if x.dtype.kind not in "fV":
        raise NotImplementedError(f"\"hardshrink_cpu\" not implemented for '{_TORCH_NAMES[D.NP2DT[x.dtype].name]}'")
    return apply_op(Hardshrink, (input,), lambd)


TENSOR_METHODS = {"softmax": softmax, "log_softmax": log_softmax, "prelu": prelu, "hardshrink": hardshrink}
