"""Moments and norms: var, std, var_mean, std_mean, the reduction ``norm`` and the
nan-aware sums nansum/nanmean.

Forward on arrays; backward in Tensor ops.

>>> x = ember.tensor([1., 2., 3., 4.], requires_grad=True)
>>> ember.var(x)
tensor(1.6667, grad_fn=<VarBackward0>)
>>> ember.nansum(ember.tensor([1., float('nan'), 2.]))
tensor(3.)
"""
import builtins
from .._util import np, D, _wrap, Op, apply_op, norm_dim
from .sum_mean import expand_back, reduce_dims, mean as _mean, out_dtype_arg, _mean_dtype_error
from .reduction_args import _const, _grad, _inf, _int64_if_int, _keep, _out1, _tname
from ..._row_sums import sum_squares, sum_last
from ..numpy_arg_names import numpy_names

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

__all__ = ["var", "std", "var_mean", "std_mean", "norm", "nansum", "nanmean"]


# ---------------------------------------------------------------- var / std
def _dof(shape, dims, correction):
    n = 1
    for i in dims:
        n *= shape[i]
    return builtins.max(0, n - correction)


class _Var(Op):
    _name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, sqrt):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.dof = dof = _dof(a.shape, dims, correction)
        half = a.dtype if a.itemsize == 2 and a.dtype.kind in "fV" else None
        x, a = a, (a.astype(np.float32) if half is not None else a)  # (float16/bfloat16: in float32, as PyTorch)
        with np.errstate(invalid="ignore", divide="ignore"):
            rows = a.dtype in _FLOATS and a.size and dims and dims == tuple(range(a.ndim - len(dims), a.ndim))
            if rows:         # trailing dims of a float array: BLAS row sums, then one dot per row
                m = sum_last(a, len(dims), True)
                m /= m.dtype.type(_dof(a.shape, dims, 0))
                dev = a - m
                out = sum_squares(dev, dims, keepdim) / np.asarray(dof, dev.dtype)
            else:
                dev = a - np.mean(a, axis=dims, keepdims=True)
                if dev.dtype.kind == "c":
                    sq = dev.real * dev.real + dev.imag * dev.imag
                else:
                    sq = dev * dev
                out = np.sum(sq, axis=dims, keepdims=keepdim) / np.asarray(dof, sq.dtype)
            if sqrt:
                out = np.sqrt(out)
        out = np.asarray(out) if half is None else np.asarray(out).astype(half)
        ctx.save_for_backward(x, out if sqrt else None)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        shape, dims, keepdim = a._data.shape, ctx.dims, ctx.keepdim
        ge = expand_back(g, shape, dims, keepdim)
        dev = a - a.mean(dims, keepdim=True)
        dof = ctx.dof
        if out is None:
            return ge * dev * (2.0 / dof if dof else _inf)
        ok = _keep(out, shape, dims, keepdim)
        zero = ok._data == 0
        denom = ok * float(dof) + _const(zero, ok._data)
        return ge * dev / denom * _const(~zero, ok._data)


class _Std(_Var):
    _name = "StdBackward0"


def _var_args(name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both "
                        "unbiased and correction")
    if correction is None:
        correction = 0 if unbiased is False else 1
    d = input._data
    if d.dtype.kind not in "fcV":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return reduce_dims(dim, d.ndim), correction, keepdim


def _var_std(cls, input, dims, correction, keepdim, sqrt):
    return apply_op(cls, (input,), dims, correction, keepdim, sqrt)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None, axis=None,
        keepdims=None):
    """Variance over ``dim`` with Bessel's ``correction`` (1 by default; ``unbiased=False``
    means 0).

    >>> ember.var(ember.tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    >>> ember.var(ember.tensor([[1., 2.], [3., 5.]]), dim=1, correction=0)
    tensor([0.2500, 1.0000])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("var", dim, keepdim, axis, keepdims)
    dims, c, keepdim = _var_args("var", input, dim, unbiased, keepdim, correction)
    return _out1(_var_std(_Var, input, dims, c, keepdim, False), out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None, axis=None,
        keepdims=None):
    """Standard deviation over ``dim`` (see :func:`var` for ``correction``/``unbiased``).

    >>> ember.std(ember.tensor([[1., 3.], [2., 2.]]), dim=1)
    tensor([1.4142, 0.0000])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("std", dim, keepdim, axis, keepdims)
    dims, c, keepdim = _var_args("std", input, dim, unbiased, keepdim, correction)
    return _out1(_var_std(_Std, input, dims, c, keepdim, True), out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """``(var, mean)`` over ``dim`` in one call.

    >>> ember.var_mean(ember.tensor([1., 2., 3., 4.]))
    (tensor(1.6667), tensor(2.5000))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("var_mean", dim, keepdim, axis, keepdims)
    dims, c, keepdim = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return _var_std(_Var, input, dims, c, keepdim, False), _mean(input, dims, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """``(std, mean)`` over ``dim`` in one call.

    >>> ember.std_mean(ember.tensor([[1., 3.], [2., 2.]]), dim=1)
    (tensor([1.4142, 0.0000]), tensor([2., 2.]))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("std_mean", dim, keepdim, axis, keepdims)
    dims, c, keepdim = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return _var_std(_Std, input, dims, c, keepdim, True), _mean(input, dims, keepdim)


# ---------------------------------------------------------------- norm
class _Norm(Op):
    _name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, dims, keepdim):
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        kw = {"axis": dims, "keepdims": keepdim}
        if p == 2 and a.dtype.kind == "f":       # no |a| pass; the squares summed by rows
            with np.errstate(over="ignore"):
                out = np.asarray(np.sqrt(sum_squares(a, dims, keepdim)), dtype=a.dtype)
            ctx.save_for_backward(a, out)
            return out
        x = np.abs(a)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 2:
                out = np.sqrt(np.sum(x * x, **kw))
            elif p == _inf:
                out = np.max(x, **kw)
            elif p == -_inf:
                out = np.min(x, **kw)
            elif p == 0:
                out = np.sum(x != 0, dtype=x.dtype, **kw)
            elif p == 1:
                out = np.sum(x, **kw)
            else:
                out = np.power(np.sum(np.power(x, p), **kw), 1.0 / p)
        out = np.asarray(out, dtype=x.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        p, dims, keepdim = ctx.p, ctx.dims, ctx.keepdim
        if p == 0:
            return None
        a, out = ctx.saved_tensors
        ad = a._data
        if ad.dtype.kind == "c":
            raise NotImplementedError("ember: the gradient of norm() for complex tensors")
        shape = ad.shape
        ge = expand_back(g, shape, dims, keepdim)
        if p == 1:
            return ge * _const(np.sign(ad), ad)
        ok = _keep(out, shape, dims, keepdim)
        od = ok._data
        if p in (_inf, -_inf):
            mask = np.abs(ad) == od
            with np.errstate(invalid="ignore", divide="ignore"):
                w = np.sign(ad) * mask / np.sum(mask, axis=dims, keepdims=True, dtype=ad.dtype)
            return ge * _const(w, ad)
        zero_out = od == 0
        if p == 2:
            return a * ge / (ok + _const(zero_out, od)) * _const(~zero_out, od)
        sgn = _const(np.sign(ad), ad)
        if p < 1:
            zero_in = ad == 0
            scaled = (a.abs() + _const(zero_in, ad)) ** (p - 1) * (sgn * _const(~zero_in, ad))
            return scaled * ge * ok ** (1 - p)
        scaled = a.abs() ** (p - 1) * sgn
        return scaled * (ge / (ok + _const(zero_out, od)) ** (p - 1)) * _const(~zero_out, od)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Vector p-norm over ``dim`` (all elements by default): ``p`` a number, ``inf``,
    ``-inf`` or ``'fro'``; ``'nuc'`` is the nuclear matrix norm (forward only).

    >>> x = ember.tensor([[3., 4.], [0., -1.]])
    >>> x.norm()
    tensor(5.0990)
    >>> ember.norm(x, p=1, dim=1)
    tensor([7., 1.])
    >>> x.norm(float('inf'))
    tensor(4.)
    """
    if dtype is not None:
        input = input.to(dtype)
    d = input._data
    if d.dtype.kind not in "fcV":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_tname(d.dtype)}")
    if isinstance(dim, (tuple, list)) and not dim and p != "nuc":
        dim = None
    if isinstance(p, str):
        if p == "fro":
            p = 2
        elif p == "nuc":
            return _out1(_nuclear(input, dim, keepdim), out)
        else:
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    p = float(p)
    dims = reduce_dims(dim, d.ndim)
    if p in (_inf, -_inf) and d.size == 0:
        if dim is None or builtins.any(d.shape[i] == 0 for i in dims):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {'-' if p < 0 else ''}inf "
                               "norm on an empty tensor because the operation does not have an "
                               "identity")
    return _out1(apply_op(_Norm, (input,), p, dims, keepdim), out)


def _nuclear(input, dim, keepdim):
    d = input._data
    if dim is None:
        if d.ndim != 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
        dim = (0, 1)
    if _grad(input):
        raise NotImplementedError("ember: the gradient of norm(p='nuc')")
    dims = tuple(norm_dim(i, d.ndim) for i in dim)
    return _wrap(np.asarray(np.linalg.norm(d, "nuc", axis=dims, keepdims=keepdim), dtype=d.dtype))


# ---------------------------------------------------------------- nan-aware sums
class _Nansum(Op):
    @staticmethod
    def forward(ctx, a, dims, keepdim, npdt):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(a)
        if a.dtype.kind == "V":  # NumPy's nan-functions miss bfloat16 NaNs
            a = np.where(np.isnan(a), np.zeros((), a.dtype), a)
        if a.itemsize == 2 and a.dtype.kind in "fV":  # float16/bfloat16: accumulated in float32, as PyTorch
            return np.asarray(np.nansum(a, axis=dims, keepdims=keepdim, dtype=np.float32)).astype(a.dtype)
        return np.asarray(np.nansum(a, axis=dims, keepdims=keepdim, dtype=a.dtype))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        ad = a._data
        return expand_back(g, ad.shape, ctx.dims, ctx.keepdim) * _const(~np.isnan(ad), ad)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Sum treating NaN as zero.

    >>> ember.nansum(ember.tensor([1., float('nan'), 2.]))
    tensor(3.)
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("nansum", dim, keepdim, axis, keepdims)
    if input._data.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    if out is not None:
        if dtype is not None and D.to_dtype(dtype) is not out.dtype:
            raise RuntimeError(f"nansum: provided dtype must match dtype of result. Got "
                               f"{_tname(out._data.dtype)} and {_tname(D.to_dtype(dtype).np)}.")
        dtype = out_dtype_arg(input, dtype, out, "nansum")
        if dtype._cat != 2 and input._data.dtype.kind not in "biu":   # integers go through sum
            raise NotImplementedError(f'"nansum_cpu" not implemented for \'{_tname(dtype.np)}\'')
    dt = _int64_if_int(input._data, dtype)
    if dt is not None and dt.np != input._data.dtype:
        input = input.to(dt)
    d = input._data
    dims = reduce_dims(dim, d.ndim)
    return _out1(apply_op(_Nansum, (input,), dims, keepdim, None), out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Mean of the non-NaN elements.

    >>> ember.nanmean(ember.tensor([[1., float('nan')], [2., 4.]]), dim=1)
    tensor([1., 3.])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("nanmean", dim, keepdim, axis, keepdims)
    d = input._data
    if d.dtype.kind not in "fcV":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_tname(d.dtype)}")
    if dtype is not None:
        if D.to_dtype(dtype)._cat < 2:
            _mean_dtype_error("nanmean", dtype)
        input = input.to(dtype)
        d = input._data
    dims = reduce_dims(dim, d.ndim)
    cnt = np.sum(~np.isnan(d), axis=dims, keepdims=keepdim, dtype=d.dtype)
    return _out1(nansum(input, dims, keepdim) / _wrap(np.asarray(cnt, dtype=d.dtype)), out)


# ---------------------------------------------------------------- Tensor methods
# ``norm`` stays importable here (``ember.ops.reduce.moments.norm``) but ``ember.norm`` and
# ``Tensor.norm`` come from ops/linalg/products.py, which builds it on ``linalg.vector_norm``.
__all__.remove("norm")
TENSOR_METHODS = {name: globals()[name] for name in __all__ if name not in ("var_mean", "std_mean")}
