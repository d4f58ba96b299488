"""Products and log-sum-exp: prod (integers multiply in int64; the gradient is exact with
zeros, through cumulative products of the other elements) and logsumexp (computed stably).

>>> x = ember.tensor([[1., 5.], [4., 2.]], requires_grad=True)
>>> x.prod().backward(); x.grad
tensor([[40.,  8.],
        [10., 20.]])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import np, D, Op, apply_op, norm_dim
from .sum_mean import expand_back, reduce_dims, out_dtype_arg
from .reduction_args import _inf, _int64_if_int, _keep, _out1
from .selection_grads import _Shift, _flip
from .cumulative import cumprod
from ..numpy_arg_names import numpy_names, required_dim

__all__ = ["prod", "logsumexp"]


# ---------------------------------------------------------------- prod
class _Prod(Op):
    _name = "ProdBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim, npdt):
        ctx.dim, ctx.keepdim = dim, keepdim
        out = np.asarray(np.prod(a, axis=dim, keepdims=keepdim, dtype=a.dtype))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        dim = ctx.dim
        if dim is None:
            if not (a._data == 0).any():
                return g * out / a
            return g * _prod_others(a.reshape(-1), 0).reshape(a.shape)
        if not ctx.keepdim:
            g, out = g.unsqueeze(dim), out.unsqueeze(dim)
        if not (a._data == 0).any():
            return g * out / a
        return g * _prod_others(a, dim)


class _ProdAll(_Prod):
    _name = "ProdBackward0"


def _prod_others(a, dim):
    """For each element, the product of the others along ``dim`` (no division: zeros are fine)."""
    left = cumprod(apply_op(_Shift, (a,), dim, 1, True), dim)
    right = _flip(cumprod(apply_op(_Shift, (_flip(a, dim),), dim, 1, True), dim), dim)
    return left * right



def prod(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Product of all elements, or along one ``dim``; integers multiply in int64.

    >>> ember.prod(ember.tensor([[1., 2.], [3., 4.]]), 1)
    tensor([ 2., 12.])
    >>> ember.tensor([1, 2, 3], dtype=ember.int32).prod()
    tensor(6)
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("prod", dim, keepdim, axis, keepdims)
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return prod(input, dim, keepdim, dtype=dtype, out=out)
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod() received an invalid combination of arguments - got (Tensor, "
                        f"{type(dim).__name__}), but expected one of:\n * (Tensor input, *, "
                        "torch.dtype dtype = None)\n * (Tensor input, int dim, bool keepdim = "
                        "False, *, torch.dtype dtype = None, Tensor out = None)")
    dt = _int64_if_int(input._data, out_dtype_arg(input, dtype, out, "prod"))
    if dt is not None and dt.np != input._data.dtype:
        input = input.to(dt)
    d = input._data
    if dim is None:
        cls, ax, keepdim = _ProdAll, None, False
    else:
        ax = norm_dim(dim, d.ndim)
        cls = _Prod
        if d.ndim == 0:
            return _out1(input.clone(), out)
    return _out1(apply_op(cls, (input,), ax, keepdim, None), out)


# ---------------------------------------------------------------- logsumexp
class _Logsumexp(Op):
    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            m = np.max(a, axis=dims, keepdims=True, initial=-_inf)
            m = np.where(np.isfinite(m), m, np.zeros((), a.dtype))
            s = np.sum(np.exp(a - m), axis=dims, keepdims=True)
            out = np.log(s) + m
        if not keepdim:
            out = np.squeeze(out, axis=dims)
        out = np.asarray(out)  # 0-d results come back as NumPy scalars
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        shape, dims, keepdim = a._data.shape, ctx.dims, ctx.keepdim
        return expand_back(g, shape, dims, keepdim) * (a - _keep(out, shape, dims, keepdim)).exp()


def logsumexp(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """``log(sum(exp(input)))`` over ``dim``, computed stably (the max is taken out first).

    >>> ember.logsumexp(ember.tensor([[0., 0.], [1000., 1000.]]), dim=1)
    tensor([6.9315e-01, 1.0007e+03])
    """
    if dim is None:  # given as NumPy's axis (as PyTorch accepts)
        dim = required_dim("logsumexp", axis)
    if keepdims is not None:
        keepdim = numpy_names("logsumexp", dim, keepdim, None, keepdims)[1]
    if input._data.dtype.kind not in "fcV":
        input = input.to(D._default[0])
    d = input._data
    dims = reduce_dims(dim, d.ndim)
    return _out1(apply_op(_Logsumexp, (input,), dims, keepdim), out)


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {name: globals()[name] for name in __all__}
