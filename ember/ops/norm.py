"""Normalisation: one fused op standardises over a set of dims; BatchNorm, LayerNorm,
GroupNorm and InstanceNorm are that op plus an affine transform.

``Standardize``: y = (x - mean) / sqrt(var + eps), mean and biased var over ``dims``.
Its backward is the closed form  dx = invstd * (g - mean(g) - y * mean(g * y)).

>>> from ember.ops.norm import standardize
>>> standardize(ember.tensor([[1., 3.]]), (1,), 0.0)
tensor([[-1.,  1.]])
"""
from ._util import np, Op, apply_op, _wrap, _state
from ..autograd.function import _NoGradCtx

__all__ = []


class Standardize(Op):
    _name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, eps):
        mean = x.mean(axis=dims, keepdims=True)
        xc = x - mean
        var = np.mean(xc * xc, axis=dims, keepdims=True)
        invstd = 1.0 / np.sqrt(var + eps)
        y = xc * invstd
        ctx.dims, ctx.eps = dims, eps
        ctx.y, ctx.invstd = y, invstd
        ctx.save_for_backward(x)
        ctx.stats = (mean, var)
        return y

    @staticmethod
    def backward(ctx, g):
        dims = ctx.dims
        if _state[0]:  # create_graph: rebuild y and invstd from x with differentiable ops
            x, = ctx.saved_tensors
            xc = x - x.mean(dims, keepdim=True)
            invstd = ((xc * xc).mean(dims, keepdim=True) + ctx.eps).rsqrt()
            y = xc * invstd
        else:
            y, invstd = _wrap(ctx.y), _wrap(ctx.invstd)
        return invstd * (g - g.mean(dims, keepdim=True) - y * (g * y).mean(dims, keepdim=True))


def standardize(x, dims, eps, return_stats=False):
    """Zero-mean, unit-variance over ``dims`` (biased variance), as one node."""
    if _state[0] and x._rg:
        y = apply_op(Standardize, (x,), tuple(dims), eps)
        stats = y.grad_fn.stats if return_stats else None
    else:
        c = _NoGradCtx()
        y = _wrap(Standardize.forward(c, x._data, tuple(dims), eps))
        stats = c.stats if return_stats else None
    return (y, stats) if return_stats else y
