"""Normalisation: one fused op standardises over a set of dims; BatchNorm, LayerNorm,
GroupNorm and InstanceNorm are that op plus an affine transform.

``Standardize``: y = (x - mean) / sqrt(var + eps), mean and biased var over ``dims``.
Its backward is the closed form  dx = invstd * (g - mean(g) - y * mean(g * y)).

>>> from ember.ops.nn.norm import standardize
>>> standardize(ember.tensor([[1., 3.]]), (1,), 0.0)
tensor([[-1.,  1.]])
"""
from .._util import np, Op, apply_op, _wrap, _state
from ...autograd.function import _NoGradCtx

__all__ = []


def _mean(a, dims, split=False):
    """(mean over ``dims`` with keepdims, low part or None), accurate for channel reductions.

    For (N, C, ...) arrays reduced over every dim but 1 (BatchNorm), each (n, c) row is
    summed pairwise and the N partial sums added in float64, as torch accumulates channel
    statistics in double; with ``split`` a float32 mean also returns its rounding residual
    (``mean + low`` is the float64 mean to ~float32 squared precision). Other reductions: NumPy's mean.
    """
    if (a.ndim >= 2 and a.dtype in (np.float32, np.float64) and dims == (0,) + tuple(range(2, a.ndim))
            and a.flags.c_contiguous):
        N, C = a.shape[:2]
        m64 = a.reshape(N, C, -1).sum(axis=2).sum(axis=0, dtype=np.float64) / (a.size // C)
        shape = (1, C) + (1,) * (a.ndim - 2)
        mean = m64.astype(a.dtype).reshape(shape)
        low = (m64 - mean.ravel()).astype(a.dtype).reshape(shape) if split and a.dtype == np.float32 else None
        return mean, low
    return a.mean(axis=dims, keepdims=True), None


class Standardize(Op):
    _name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, eps):
        mean, low = _mean(x, dims, split=True)
        xc = x - mean
        if low is not None:
            xc -= low
        var, _ = _mean(xc * xc, dims)
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
            return invstd * (g - g.mean(dims, keepdim=True) - y * (g * y).mean(dims, keepdim=True))
        y, gd = ctx.y, g._data
        gy = gd * y
        mg, _ = _mean(gd, dims)
        mgy, _ = _mean(gy, dims)
        np.multiply(y, mgy, out=gy)
        return _wrap((gd - mg - gy) * ctx.invstd)


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
