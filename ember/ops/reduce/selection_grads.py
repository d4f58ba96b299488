"""The private ops through which value-selecting reductions send their gradient back: flip and
shift along a dim (cumulative ops), the selection of values at precomputed indices (max/min
with a dim, median, mode; its gradient is scattered back with ops/index/gather_scatter.py), and
the even split between ties (max()/amax and friends).

>>> from ember.ops.reduce.selection_grads import _flip
>>> _flip(ember.tensor([[1., 2., 3.]]), 1)
tensor([[3., 2., 1.]])
"""
from .._util import np, Op, apply_op, _NOGRAD
from .sum_mean import expand_back
from ..index.gather_scatter import scatter_into
from .reduction_args import _const, _keep_np, _outn


# ---------------------------------------------------------------- private helper ops
class _Flip(Op):
    _name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.ascontiguousarray(np.flip(a, dim))

    @staticmethod
    def backward(ctx, g):
        return _flip(g, ctx.dim)


def _flip(t, dim):
    return apply_op(_Flip, (t,), dim)


class _Shift(Op):
    """Shift by one along ``dim`` (right: towards higher indices), filling with ``fill``."""

    _name = "ShiftBackward0"

    @staticmethod
    def forward(ctx, a, dim, fill, right):
        ctx.dim, ctx.right = dim, right
        out = np.full_like(a, fill)
        n = a.shape[dim]
        lo = (slice(None),) * dim
        if right:
            out[lo + (slice(1, n),)] = a[lo + (slice(0, n - 1),)]
        else:
            out[lo + (slice(0, n - 1),)] = a[lo + (slice(1, n),)]
        return out

    @staticmethod
    def backward(ctx, g):
        return apply_op(_Shift, (g,), ctx.dim, 0, not ctx.right)


class _Select(Op):
    """Values at precomputed indices ``idx`` (keepdim shape) along ``dim``, and the indices;
    the gradient goes back to those indices."""

    @staticmethod
    def forward(ctx, a, idx, dim, keepdim):
        if ctx is not _NOGRAD:
            ctx.idx, ctx.dim, ctx.shape, ctx.keepdim = idx, dim, a.shape, keepdim
        v = np.take_along_axis(a, idx, dim)
        if not keepdim:
            v, idx = np.squeeze(v, dim), np.squeeze(idx, dim)
        return v, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, g, _gi=None):
        if not ctx.keepdim:
            g = g.unsqueeze(ctx.dim)
        return scatter_into(g, ctx.idx, ctx.dim, ctx.shape, True)


class _MaxDim(_Select):
    _name = "MaxBackward0"


class _MinDim(_Select):
    _name = "MinBackward0"


def _select(cls, rt, input, idx, dim, keepdim, out=None):
    return _outn(rt, apply_op(cls, (input,), idx, dim, keepdim), out)


class _Evenly(Op):
    """A reduction whose value ``out`` (computed by the caller) is one of the inputs; the
    gradient is split evenly between the elements equal to it (NaN matching NaN when
    ``nan_eq``)."""

    @staticmethod
    def forward(ctx, a, out, dims, keepdim, nan_eq):
        ctx.dims, ctx.keepdim, ctx.nan_eq = dims, keepdim, nan_eq
        out = np.asarray(out, dtype=a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        ad = a._data
        od = _keep_np(out._data, ad.shape, ctx.dims, ctx.keepdim)
        mask = ad == od
        if ctx.nan_eq:
            mask |= np.isnan(ad) & np.isnan(od)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = mask / np.sum(mask, axis=ctx.dims, keepdims=True, dtype=ad.dtype)
        return expand_back(g, ad.shape, ctx.dims, ctx.keepdim) * _const(w, ad)


class _MaxAll(_Evenly):
    _name = "MaxBackward1"


class _MinAll(_Evenly):
    _name = "MinBackward1"


class _Amax(_Evenly):
    _name = "AmaxBackward0"


class _Amin(_Evenly):
    _name = "AminBackward0"


def _evenly(cls, input, out, dims, keepdim, nan_eq):
    return apply_op(cls, (input,), out, dims, keepdim, nan_eq)
