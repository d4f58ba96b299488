"""The rest of the reductions: prod, max/min, amax/amin, argmax/argmin, var/std, norm,
logsumexp, cumulative ops, all/any, median, mode and the nan-aware reductions.

Forward on arrays; backward in Tensor ops. Value-selecting reductions (max/min with a
dim, median, mode, cummax) send the gradient to the index they return; max()/amax and
friends split it evenly between ties, as PyTorch does.

>>> x = ember.tensor([[1., 5.], [4., 2.]], requires_grad=True)
>>> x.max(dim=1)
torch.return_types.max(
values=tensor([5., 4.], grad_fn=<MaxBackward0>),
indices=tensor([1, 0]))
>>> x.prod().backward(); x.grad
tensor([[40.,  8.],
        [10., 20.]])
"""
import builtins
import math

from ._util import np, D, Tensor, _wrap, Op, apply_op, _state, norm_dim
from .reduce import expand_back, reduce_dims, _reduced_shape, mean as _mean
from .inplace import inplace_op
from .. import return_types as RT

__all__ = ["prod", "max", "min", "amax", "amin", "argmax", "argmin", "aminmax", "var", "std",
           "var_mean", "std_mean", "norm", "logsumexp", "cumsum", "cumprod", "cummax", "cummin",
           "all", "any", "median", "nanmedian", "nansum", "nanmean", "count_nonzero", "mode",
           "quantile", "nanquantile", "logcumsumexp"]

_inf = math.inf
_TN = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
       "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
       "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tname(npdt):
    return _TN.get(D.NP2DT[npdt].name, D.NP2DT[npdt].name)


def _grad(t):
    return _state[0] and t._rg


def _const(arr, like):
    """A constant (no-grad) Tensor from ``arr`` in the dtype of array ``like``."""
    return _wrap(np.asarray(arr, dtype=like.dtype))


def _keep(t, shape, dims, keepdim):
    """A reduced Tensor ``t`` reshaped to keepdim form (size 1 in ``dims``)."""
    if keepdim or not dims:
        return t
    return t.reshape(_reduced_shape(shape, dims))


def _keep_np(a, shape, dims, keepdim):
    return a if keepdim or not dims else a.reshape(_reduced_shape(shape, dims))


def _check_nonempty(name, shape, dims):
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _no_complex(name, d, kernel=None):
    """Ordering ops reject complex input as PyTorch does (RuntimeError, or NotImplementedError
    naming the CPU kernel)."""
    if d.dtype.kind == "c":
        if kernel is None:
            raise RuntimeError(f"{name}(): does not support complex input")
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_tname(d.dtype)}\'')


def _sortable(d):
    """``d`` as NumPy sorts it right: bfloat16 (kind 'V') sorts NaN first, so go via float32."""
    return d.astype(np.float32) if d.dtype.kind == "V" else d


def _out1(r, out):
    if out is None:
        return r
    from .elementwise import _out
    return _out(r, out)


def _outn(rt, vals, out):
    if out is None:
        return rt(vals)
    from .elementwise import _out
    return rt(tuple(_out(v, o) for v, o in zip(vals, out)))


def _as_1d(input):
    """0-d tensors take dim 0/-1 in dim-wise ops: work on a 1-element view."""
    return input.reshape(1)


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


def _revcumsum(t, dim):
    """Reverse cumulative sum along ``dim`` (the gradient of cumsum)."""
    return _flip(cumsum(_flip(t, dim), dim), dim)


class _Gather(Op):
    _name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, a.shape
        return np.take_along_axis(a, idx, dim)

    @staticmethod
    def backward(ctx, g):
        return _scatter_add(g, ctx.idx, ctx.dim, ctx.shape)


class _ScatterAdd(Op):
    """Zeros of ``shape`` with ``g`` added at ``idx`` along ``dim`` (repeats accumulate)."""

    _name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, idx, dim, shape, unique=False):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, dtype=g.dtype)
        if unique:  # one index per slice (max/min/median/mode): a plain put
            np.put_along_axis(out, idx, g, dim)
            return out
        ix = list(np.indices(idx.shape, sparse=True))
        ix[dim] = idx
        np.add.at(out, tuple(ix), g)
        return out

    @staticmethod
    def backward(ctx, g):
        return apply_op(_Gather, (g,), ctx.idx, ctx.dim)


def _scatter_add(g, idx, dim, shape, unique=False):
    return apply_op(_ScatterAdd, (g,), idx, dim, shape, unique)


class _Select(Op):
    """Values at precomputed indices ``idx`` (keepdim shape) along ``dim``, and the indices;
    the gradient goes back to those indices."""

    @staticmethod
    def forward(ctx, a, idx, dim, keepdim):
        ctx.idx, ctx.dim, ctx.shape, ctx.keepdim = idx, dim, a.shape, keepdim
        v = np.take_along_axis(a, idx, dim)
        if not keepdim:
            v, idx = np.squeeze(v, dim), np.squeeze(idx, dim)
        return v, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, g, _gi=None):
        if not ctx.keepdim:
            g = g.unsqueeze(ctx.dim)
        return _scatter_add(g, ctx.idx, ctx.dim, ctx.shape, True)


class _MaxDim(_Select):
    _name = "MaxBackward0"


class _MinDim(_Select):
    _name = "MinBackward0"


class _MedianDim(_Select):
    _name = "MedianBackward1"


class _NanmedianDim(_Select):
    _name = "NanmedianBackward1"


class _ModeDim(_Select):
    _name = "ModeBackward0"


def _select(cls, rt, input, idx, dim, keepdim, out=None):
    if _grad(input):
        return _outn(rt, apply_op(cls, (input,), idx, dim, keepdim), out)
    v = np.take_along_axis(input._data, idx, dim)
    if not keepdim:
        v, idx = np.squeeze(v, dim), np.squeeze(idx, dim)
    return _outn(rt, (_wrap(v), _wrap(idx.astype(np.int64, copy=False))), out)


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


class _MedianAll(_Evenly):
    _name = "MedianBackward0"


class _NanmedianAll(_Evenly):
    _name = "NanmedianBackward0"


def _evenly(cls, input, out, dims, keepdim, nan_eq):
    if _grad(input):
        return apply_op(cls, (input,), out, dims, keepdim, nan_eq)
    return _wrap(np.asarray(out, dtype=input._data.dtype))


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


def _int64_if_int(d, dtype):
    if dtype is not None:
        return D.to_dtype(dtype)
    if d.dtype.kind in "biu":
        return D.int64
    return None


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements, or along one ``dim``; integers multiply in int64.

    >>> ember.prod(ember.tensor([[1., 2.], [3., 4.]]), 1)
    tensor([ 2., 12.])
    >>> ember.tensor([1, 2, 3], dtype=ember.int32).prod()
    tensor(6)
    """
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod() received an invalid combination of arguments - got (Tensor, "
                        f"{type(dim).__name__}), but expected one of:\n * (Tensor input, *, "
                        "torch.dtype dtype = None)\n * (Tensor input, int dim, bool keepdim = "
                        "False, *, torch.dtype dtype = None, Tensor out = None)")
    dt = _int64_if_int(input._data, dtype)
    if dt is not None and dt.np != input._data.dtype:
        input = input.to(dt)
    d = input._data
    if dim is None:
        cls, ax, keepdim = _ProdAll, None, False
    else:
        ax = norm_dim(dim, d.ndim)
        cls = _Prod
        if d.ndim == 0:
            return _out1(input.clone() if _grad(input) else _wrap(d.copy()), out)
    if _grad(input):
        return _out1(apply_op(cls, (input,), ax, keepdim, None), out)
    return _out1(_wrap(np.asarray(np.prod(d, axis=ax, keepdims=keepdim, dtype=d.dtype))), out)


# ---------------------------------------------------------------- max / min / amax / amin
class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b, npdt, is_max):
        ctx.is_max = is_max
        ctx.save_for_backward(a, b)
        f = np.maximum if is_max else np.minimum
        return f(a, b, dtype=npdt) if npdt is not None else f(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ad, bd = a._data, b._data
        eq = ad == bd
        lose_a, lose_b = (ad < bd, ad > bd) if ctx.is_max else (ad > bd, ad < bd)
        gd = g._data
        wa = np.where(eq, 0.5, np.where(lose_a, 0.0, 1.0)).astype(gd.dtype, copy=False)
        wb = np.where(eq, 0.5, np.where(lose_b, 0.0, 1.0)).astype(gd.dtype, copy=False)
        n = ctx.needs_input_grad
        return (g * _wrap(wa) if n[0] else None), (g * _wrap(wb) if n[1] else None)


class Minimum(Maximum):
    pass


def _elementwise_ext(input, other, is_max, out):
    if not isinstance(other, Tensor):
        raise TypeError(f"{'max' if is_max else 'min'}() received an invalid combination of "
                        f"arguments - got (Tensor, {type(other).__name__})")
    dt, npdt = D.binary_result(input, other)
    if input._data.dtype.kind == "c" or other._data.dtype.kind == "c":
        raise RuntimeError("maximum not implemented for complex tensors.")
    if _state[0] and (input._rg or other._rg):
        r = apply_op(Maximum if is_max else Minimum, (input, other), npdt, is_max)
    else:
        r = _wrap(Maximum.forward(_NoCtx, input._data, other._data, npdt, is_max))
    return _out1(r, out)


class _NoCtxT:
    def save_for_backward(self, *a):
        pass


_NoCtx = _NoCtxT()


def _ext(name, is_max, input, dim, keepdim, out):
    d = input._data
    _no_complex(name, d, f"{name}_all" if dim is None else None)
    if dim is None:
        if d.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        v = np.max(d) if is_max else np.min(d)
        return _out1(_evenly(_MaxAll if is_max else _MinAll, input, v, tuple(range(d.ndim)),
                             False, True), out)
    if isinstance(dim, Tensor):
        return _elementwise_ext(input, dim, is_max, out)
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        r = _ext(name, is_max, _as_1d(input), 0, False, None)
        return _outn(getattr(RT, name), (r[0].reshape(()), r[1].reshape(())), out)
    _check_nonempty(name, d.shape, (dim,))
    f = np.argmax if is_max else np.argmin
    idx = f(d, axis=dim, keepdims=True)
    return _select(_MaxDim if is_max else _MinDim, getattr(RT, name), input, idx, dim, keepdim, out)


def max(input, dim=None, keepdim=False, *, out=None, other=None):
    """Largest element; with ``dim``, ``(values, indices)`` along it; with a tensor, the
    elementwise maximum.

    >>> x = ember.tensor([[1., 7.], [3., 2.]])
    >>> x.max()
    tensor(7.)
    >>> x.max(0).indices
    tensor([1, 0])
    >>> ember.max(x, ember.tensor([2., 2.]))
    tensor([[2., 7.],
            [3., 2.]])
    """
    if other is not None:
        return _elementwise_ext(input, other, True, out)
    return _ext("max", True, input, dim, keepdim, out)


def min(input, dim=None, keepdim=False, *, out=None, other=None):
    """Smallest element; with ``dim``, ``(values, indices)`` along it; with a tensor, the
    elementwise minimum.

    >>> x = ember.tensor([[1., 7.], [3., 2.]])
    >>> x.min()
    tensor(1.)
    >>> x.min(1, keepdim=True).values
    tensor([[1.],
            [2.]])
    """
    if other is not None:
        return _elementwise_ext(input, other, False, out)
    return _ext("min", False, input, dim, keepdim, out)


def _amaxmin(name, is_max, input, dim, keepdim, out):
    d = input._data
    _no_complex(name, d, f"{name[1:]}_values_cpu")
    dims = reduce_dims(dim, d.ndim)
    if d.size == 0:
        if dim is None or (isinstance(dim, (tuple, list)) and not dim):
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        _check_nonempty(name, d.shape, dims)
    f = np.max if is_max else np.min
    v = f(d, axis=dims, keepdims=keepdim)
    return _out1(_evenly(_Amax if is_max else _Amin, input, v, dims, keepdim, False), out)


def amax(input, dim=(), keepdim=False, *, out=None):
    """Maximum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    >>> ember.amax(ember.tensor([[1., 7.], [3., 2.]]), dim=1)
    tensor([7., 3.])
    """
    return _amaxmin("amax", True, input, dim, keepdim, out)


def amin(input, dim=(), keepdim=False, *, out=None):
    """Minimum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    >>> ember.amin(ember.tensor([[1., 7.], [3., 2.]]), dim=(0, 1))
    tensor(1.)
    """
    return _amaxmin("amin", False, input, dim, keepdim, out)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``(min, max)`` over all elements or along ``dim``.

    >>> ember.aminmax(ember.tensor([3., 1., 4.]))
    torch.return_types.aminmax(
    min=tensor(1.),
    max=tensor(4.))
    """
    d = input._data
    _no_complex("aminmax", d, "aminmax_cpu")
    dims = tuple(range(d.ndim)) if dim is None else reduce_dims(dim, d.ndim)
    if d.size == 0 and (dim is None or any(d.shape[i] == 0 for i in dims)):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    return _outn(RT.aminmax, (amin(input, dims, keepdim), amax(input, dims, keepdim)), out)


def _arg(name, f, input, dim, keepdim, out):
    d = input._data
    if d.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    _no_complex(name, d)
    if dim is None:
        if d.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = np.asarray(f(d), dtype=np.int64)
        if keepdim:
            r = r.reshape((1,) * d.ndim)
        return _out1(_wrap(r), out)
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        return _out1(_wrap(np.zeros((), np.int64)), out)
    _check_nonempty(name, d.shape, (dim,))
    return _out1(_wrap(f(d, axis=dim, keepdims=keepdim).astype(np.int64, copy=False)), out)


def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the largest value (of the flattened tensor when ``dim`` is None).

    >>> ember.argmax(ember.tensor([[1., 7.], [3., 2.]])), ember.argmax(ember.tensor([[1., 7.], [3., 2.]]), 0)
    (tensor(1), tensor([1, 0]))
    """
    return _arg("argmax", np.argmax, input, dim, keepdim, out)


def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the smallest value (of the flattened tensor when ``dim`` is None).

    >>> ember.argmin(ember.tensor([[1., 7.], [3., 0.]]), dim=1, keepdim=True)
    tensor([[0],
            [1]])
    """
    return _arg("argmin", np.argmin, input, dim, keepdim, out)


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
        with np.errstate(invalid="ignore", divide="ignore"):
            dev = a - np.mean(a, axis=dims, keepdims=True)
            if dev.dtype.kind == "c":
                sq = dev.real * dev.real + dev.imag * dev.imag
            else:
                sq = dev * dev
            out = np.sum(sq, axis=dims, keepdims=keepdim) / np.asarray(dof, sq.dtype)
            if sqrt:
                out = np.sqrt(out)
        out = np.asarray(out)
        ctx.save_for_backward(a, out if sqrt else None)
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
    if _grad(input):
        return apply_op(cls, (input,), dims, correction, keepdim, sqrt)
    return _wrap(cls.forward(_NoCtx, input._data, dims, correction, keepdim, sqrt))


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with Bessel's ``correction`` (1 by default; ``unbiased=False``
    means 0).

    >>> ember.var(ember.tensor([1., 2., 3., 4.]))
    tensor(1.6667)
    >>> ember.var(ember.tensor([[1., 2.], [3., 5.]]), dim=1, correction=0)
    tensor([0.2500, 1.0000])
    """
    dims, c, keepdim = _var_args("var", input, dim, unbiased, keepdim, correction)
    return _out1(_var_std(_Var, input, dims, c, keepdim, False), out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim`` (see :func:`var` for ``correction``/``unbiased``).

    >>> ember.std(ember.tensor([[1., 3.], [2., 2.]]), dim=1)
    tensor([1.4142, 0.0000])
    """
    dims, c, keepdim = _var_args("std", input, dim, unbiased, keepdim, correction)
    return _out1(_var_std(_Std, input, dims, c, keepdim, True), out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over ``dim`` in one call.

    >>> ember.var_mean(ember.tensor([1., 2., 3., 4.]))
    (tensor(1.6667), tensor(2.5000))
    """
    dims, c, keepdim = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return _var_std(_Var, input, dims, c, keepdim, False), _mean(input, dims, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over ``dim`` in one call.

    >>> ember.std_mean(ember.tensor([[1., 3.], [2., 2.]]), dim=1)
    (tensor([1.4142, 0.0000]), tensor([2., 2.]))
    """
    dims, c, keepdim = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return _var_std(_Std, input, dims, c, keepdim, True), _mean(input, dims, keepdim)


# ---------------------------------------------------------------- norm
class _Norm(Op):
    _name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, dims, keepdim):
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        x = np.abs(a)
        kw = {"axis": dims, "keepdims": keepdim}
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
        if dim is None or any(d.shape[i] == 0 for i in dims):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {'-' if p < 0 else ''}inf "
                               "norm on an empty tensor because the operation does not have an "
                               "identity")
    if _grad(input):
        return _out1(apply_op(_Norm, (input,), p, dims, keepdim), out)
    return _out1(_wrap(_Norm.forward(_NoCtx, d, p, dims, keepdim)), out)


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


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input)))`` over ``dim``, computed stably (the max is taken out first).

    >>> ember.logsumexp(ember.tensor([[0., 0.], [1000., 1000.]]), dim=1)
    tensor([6.9315e-01, 1.0007e+03])
    """
    if input._data.dtype.kind not in "fcV":
        input = input.to(D._default[0])
    d = input._data
    dims = reduce_dims(dim, d.ndim)
    if _grad(input):
        return _out1(apply_op(_Logsumexp, (input,), dims, keepdim), out)
    return _out1(_wrap(_Logsumexp.forward(_NoCtx, d, dims, keepdim)), out)


# ---------------------------------------------------------------- cumulative ops
class _Cumsum(Op):
    @staticmethod
    def forward(ctx, a, dim, npdt):
        ctx.dim = dim
        return np.cumsum(a, axis=dim, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        return _revcumsum(g, ctx.dim)


class _Cumprod(Op):
    @staticmethod
    def forward(ctx, a, dim, npdt):
        ctx.dim = dim
        out = np.cumprod(a, axis=dim, dtype=a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        dim = ctx.dim
        ad = a._data
        zero = ad == 0
        if not zero.any():
            return _revcumsum(g * out, dim) / a
        # gradient for position k: sum over j >= k of g[j] * prod(a[i], i <= j, i != k).
        # Before the first zero z of a slice divide as usual; at z use the cumprod with a[z]
        # replaced by 1; after z every such product holds a[z] and vanishes.
        n = ad.shape[dim]
        pos = np.arange(n).reshape((n,) + (1,) * (ad.ndim - dim - 1))
        first = np.where(zero.any(axis=dim, keepdims=True), np.argmax(zero, axis=dim, keepdims=True), n)
        before, at = pos < first, pos == first
        a_safe = a * _const(before, ad) + _const(~before, ad)
        part1 = _revcumsum(g * out, dim) / a_safe * _const(before, ad)
        a_one = a * _const(~at, ad) + _const(at, ad)
        part2 = _revcumsum(g * cumprod(a_one, dim), dim) * _const(at, ad)
        return part1 + part2


def _cum(cls, input, dim, dtype, out):
    dt = _int64_if_int(input._data, dtype)
    if dt is not None and dt.np != input._data.dtype:
        input = input.to(dt)
    d = input._data
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        r = _cum(cls, _as_1d(input), 0, None, None)
        return _out1(r.reshape(()), out)
    if _grad(input):
        return _out1(apply_op(cls, (input,), dim, None), out)
    return _out1(_wrap(cls.forward(_NoCtx, d, dim, None)), out)


def cumsum(input, dim, *, dtype=None, out=None):
    """Cumulative sum along ``dim``; integers and bools accumulate in int64.

    >>> ember.cumsum(ember.tensor([[1, 2, 3], [4, 5, 6]]), dim=1)
    tensor([[ 1,  3,  6],
            [ 4,  9, 15]])
    """
    return _cum(_Cumsum, input, dim, dtype, out)


def cumprod(input, dim, *, dtype=None, out=None):
    """Cumulative product along ``dim``; the gradient is exact with zeros in the input.

    >>> ember.cumprod(ember.tensor([1., 2., 3., 4.]), 0)
    tensor([ 1.,  2.,  6., 24.])
    """
    return _cum(_Cumprod, input, dim, dtype, out)


def cumsum_(self, dim, *, dtype=None):
    """In-place :func:`cumsum`.

    >>> x = ember.tensor([1., 2., 3.]); x.cumsum_(0); x
    tensor([1., 3., 6.])
    tensor([1., 3., 6.])
    """
    return inplace_op(self, lambda t: cumsum(t, dim, dtype=dtype))


def cumprod_(self, dim, *, dtype=None):
    """In-place :func:`cumprod`.

    >>> x = ember.tensor([1., 2., 3.]); _ = x.cumprod_(0); x
    tensor([1., 2., 6.])
    """
    return inplace_op(self, lambda t: cumprod(t, dim, dtype=dtype))


class _Logcumsumexp(Op):
    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(a, axis=dim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        # grad[k] = sum_{j>=k} g[j] exp(a[k] - out[j]), summed in log space separately for the
        # positive and negative parts of g so that nothing overflows
        a, out = ctx.saved_tensors
        dim = ctx.dim
        tiny = -float(np.finfo(out._data.dtype).max) / 4  # log(0) kept finite: no inf - inf

        def part(gpart):
            zero = gpart._data == 0
            lg = (gpart + _const(zero, gpart._data)).log() + _const(zero * tiny, gpart._data)
            r = _flip(logcumsumexp(_flip(lg - out, dim), dim), dim)
            return (a + r).exp()
        return part(g.relu()) - part((-g).relu())


def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input)))`` along ``dim``, computed without overflow.

    >>> ember.logcumsumexp(ember.tensor([0., 0., 1000.]), 0)
    tensor([0.0000e+00, 6.9315e-01, 1.0000e+03])
    """
    d = input._data
    if d.dtype.kind not in "fV":
        if d.dtype.kind == "c":
            raise NotImplementedError("ember: logcumsumexp of complex tensors")
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_tname(d.dtype)}\'')
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        return _out1(logcumsumexp(_as_1d(input), 0).reshape(()), out)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if _grad(input):
            return _out1(apply_op(_Logcumsumexp, (input,), dim), out)
        return _out1(_wrap(np.logaddexp.accumulate(d, axis=dim)), out)


class _Cumext(Op):
    @staticmethod
    def forward(ctx, a, dim, is_max):
        ctx.dim, ctx.shape = dim, a.shape
        acc = np.maximum.accumulate if is_max else np.minimum.accumulate
        vals = acc(a, axis=dim)
        n = a.shape[dim]
        pos = np.arange(n, dtype=np.int64).reshape((n,) + (1,) * (a.ndim - dim - 1))
        hit = a == vals
        if a.dtype.kind in "fcV":
            hit |= np.isnan(a)
        idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=dim) if n else \
            np.zeros(a.shape, np.int64)
        ctx.idx = idx
        return vals, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        return _scatter_add(g, ctx.idx, ctx.dim, ctx.shape)


class _Cummax(_Cumext):
    pass


class _Cummin(_Cumext):
    pass


def _cumext(name, is_max, input, dim, out):
    d = input._data
    _no_complex(name, d, f"{name}_cpu")
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        v, i = _cumext(name, is_max, _as_1d(input), 0, None)
        return _outn(getattr(RT, name), (v.reshape(()), i.reshape(())), out)
    return _outn(getattr(RT, name), apply_op(_Cummax if is_max else _Cummin, (input,), dim, is_max),
                 out)


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index where each running value was found.

    >>> ember.cummax(ember.tensor([1., 3., 2., 5.]), 0)
    torch.return_types.cummax(
    values=tensor([1., 3., 3., 5.]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumext("cummax", True, input, dim, out)


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index where each running value was found.

    >>> ember.cummin(ember.tensor([3., 1., 2., 0.]), 0).values
    tensor([3., 1., 1., 0.])
    """
    return _cumext("cummin", False, input, dim, out)


# ---------------------------------------------------------------- all / any / count_nonzero
def _logical(f, input, dim, keepdim, out):
    d = input._data
    if dim is None:
        r = f(d)
        if keepdim:
            r = np.asarray(r).reshape((1,) * d.ndim)
    elif isinstance(dim, (tuple, list)) and not dim:
        r = d != 0
    else:
        r = f(d, axis=reduce_dims(dim, d.ndim), keepdims=keepdim)
    r = np.asarray(r, dtype=np.uint8 if d.dtype == np.uint8 else np.bool_)
    return _out1(_wrap(r), out)


def all(input, dim=None, keepdim=False, *, out=None):
    """True where every element (over ``dim``) is non-zero; uint8 input gives uint8.

    >>> ember.all(ember.tensor([[True, False], [True, True]]), dim=1)
    tensor([False,  True])
    """
    return _logical(np.all, input, dim, keepdim, out)


def any(input, dim=None, keepdim=False, *, out=None):
    """True where some element (over ``dim``) is non-zero; uint8 input gives uint8.

    >>> ember.tensor([0., 0., 2.]).any()
    tensor(True)
    """
    return _logical(np.any, input, dim, keepdim, out)


def count_nonzero(input, dim=None):
    """Number of non-zero elements, over all of ``input`` or along ``dim`` (int or tuple).

    >>> ember.count_nonzero(ember.tensor([[0, 1, 2], [3, 0, 0]]), dim=0)
    tensor([1, 1, 1])
    """
    d = input._data
    r = np.count_nonzero(d, axis=reduce_dims(dim, d.ndim))
    return _wrap(np.asarray(r, dtype=np.int64))


# ---------------------------------------------------------------- nan-aware sums
class _Nansum(Op):
    @staticmethod
    def forward(ctx, a, dims, keepdim, npdt):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(a)
        if a.dtype.kind == "V":  # NumPy's nan-functions miss bfloat16 NaNs
            a = np.where(np.isnan(a), np.zeros((), a.dtype), a)
        return np.asarray(np.nansum(a, axis=dims, keepdims=keepdim, dtype=a.dtype))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        ad = a._data
        return expand_back(g, ad.shape, ctx.dims, ctx.keepdim) * _const(~np.isnan(ad), ad)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating NaN as zero.

    >>> ember.nansum(ember.tensor([1., float('nan'), 2.]))
    tensor(3.)
    """
    if input._data.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    dt = _int64_if_int(input._data, dtype)
    if dt is not None and dt.np != input._data.dtype:
        input = input.to(dt)
    d = input._data
    dims = reduce_dims(dim, d.ndim)
    if _grad(input):
        return _out1(apply_op(_Nansum, (input,), dims, keepdim, None), out)
    return _out1(_wrap(_Nansum.forward(_NoCtx, d, dims, keepdim, None)), out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the non-NaN elements.

    >>> ember.nanmean(ember.tensor([[1., float('nan')], [2., 4.]]), dim=1)
    tensor([1., 3.])
    """
    d = input._data
    if d.dtype.kind not in "fcV":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_tname(d.dtype)}")
    if dtype is not None:
        input = input.to(dtype)
        d = input._data
    dims = reduce_dims(dim, d.ndim)
    cnt = np.sum(~np.isnan(d), axis=dims, keepdims=keepdim, dtype=d.dtype)
    return _out1(nansum(input, dims, keepdim) / _wrap(np.asarray(cnt, dtype=d.dtype)), out)


# ---------------------------------------------------------------- median / mode
def _median_all(input, ignore_nan):
    d = input._data
    _no_complex("median", d, "nanmedian_cpu" if ignore_nan else "median_cpu")
    flat = d.reshape(-1)
    isf = d.dtype.kind in "fcV"
    if isf:
        nan = np.isnan(flat)
        if ignore_nan:
            flat = flat[~nan]
        elif nan.any():
            flat = flat[:0]
            v = np.asarray(np.nan, d.dtype)
    if flat.size == 0:
        if not isf:
            raise IndexError("median() input tensor cannot be empty")
        v = np.asarray(np.nan, d.dtype)
    else:
        k = (flat.size - 1) // 2
        v = np.partition(flat, k)[k]
    cls = _NanmedianAll if ignore_nan else _MedianAll
    return _evenly(cls, input, v, tuple(range(d.ndim)), False, True)


def _median_dim(name, input, dim, keepdim, out, ignore_nan):
    d = input._data
    _no_complex(name, d, f"{name}_out")
    dim = norm_dim(dim, d.ndim)
    rt = getattr(RT, name)
    if d.ndim == 0:
        v, i = _median_dim(name, _as_1d(input), 0, False, None, ignore_nan)
        return _outn(rt, (v.reshape(()), i.reshape(())), out)
    _check_nonempty(name, d.shape, (dim,))
    order = np.argsort(_sortable(d), axis=dim, kind="stable")  # NaN sorts last
    n = d.shape[dim]
    if d.dtype.kind in "fcV":
        nan = np.isnan(d)
        if ignore_nan:
            cnt = n - np.sum(nan, axis=dim, keepdims=True)
            k = np.maximum((cnt - 1) // 2, 0)
            idx = np.take_along_axis(order, k, dim)
        else:
            idx = np.take(order, [(n - 1) // 2], axis=dim)
            idx = np.where(nan.any(axis=dim, keepdims=True),
                           np.argmax(nan, axis=dim, keepdims=True), idx)
    else:
        idx = np.take(order, [(n - 1) // 2], axis=dim)
    cls = _NanmedianDim if ignore_nan else _MedianDim
    return _select(cls, rt, input, idx, dim, keepdim, out)


def median(input, dim=None, keepdim=False, *, out=None):
    """Lower median of all elements (NaN if any is NaN); with ``dim``, ``(values, indices)``.

    >>> ember.median(ember.tensor([4., 1., 3., 2.]))
    tensor(2.)
    >>> ember.median(ember.tensor([[4., 1., 3.], [0., 5., 6.]]), dim=1)
    torch.return_types.median(
    values=tensor([3., 5.]),
    indices=tensor([2, 1]))
    """
    if dim is None:
        return _out1(_median_all(input, False), out)
    return _median_dim("median", input, dim, keepdim, out, False)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """Like :func:`median`, ignoring NaN values (NaN only when a slice is all NaN).

    >>> ember.nanmedian(ember.tensor([1., float('nan'), 3., 2.]))
    tensor(2.)
    """
    if dim is None:
        return _out1(_median_all(input, True), out)
    return _median_dim("nanmedian", input, dim, keepdim, out, True)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """Most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence.

    >>> ember.mode(ember.tensor([[1, 2, 2, 3], [4, 4, 5, 5]]))
    torch.return_types.mode(
    values=tensor([2, 4]),
    indices=tensor([2, 1]))
    """
    d = input._data
    _no_complex("mode", d, "mode_cpu")
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        v, i = mode(_as_1d(input), 0)
        return _outn(RT.mode, (v.reshape(()), i.reshape(())), out)
    _check_nonempty("mode", d.shape, (dim,))
    a = np.moveaxis(_sortable(d), dim, -1)
    n = a.shape[-1]
    s = np.sort(a, axis=-1)
    pos = np.arange(n)
    start = np.ones(s.shape, bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    run_start = np.maximum.accumulate(np.where(start, pos, 0), axis=-1)
    best = np.argmax(pos - run_start, axis=-1)[..., None]  # first element of a longest run
    value = np.take_along_axis(s, best, -1)
    last = n - 1 - np.argmax((a == value)[..., ::-1], axis=-1)
    idx = np.expand_dims(last, dim)
    return _select(_ModeDim, RT.mode, input, idx, dim, keepdim, out)


# ---------------------------------------------------------------- quantile
_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    d = input._data
    if d.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q._data.dtype != d.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._data
    else:
        qa = np.asarray(q, dtype=d.dtype)
    if qa.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if interpolation not in _INTERP:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint "
                           f"or nearest, but got {interpolation}")
    if d.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if ((qa < 0) | (qa > 1)).any():
        bad = qa if qa.ndim == 0 else qa[(qa < 0) | (qa > 1)][0]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {float(bad):g}")
    out_shape = list(d.shape)
    if dim is None:
        x, ax = input.reshape(-1), 0
        out_shape = [1] * d.ndim
    else:
        ax = norm_dim(dim, d.ndim)
        x = input.reshape(1) if d.ndim == 0 else input
        if d.ndim:
            out_shape[ax] = 1
    xm = x.movedim(ax, -1)
    xd = xm._data
    n = xd.shape[-1]
    order = np.argsort(_sortable(xd), axis=-1, kind="stable")  # NaN sorts last
    nan = np.isnan(xd)
    q1 = qa.reshape(-1)
    if ignore_nan:
        cnt = n - np.sum(nan, axis=-1, keepdims=True)
        rank = q1 * np.maximum(cnt - 1, 0).astype(d.dtype)
    else:
        rank = np.broadcast_to(q1 * (n - 1), xd.shape[:-1] + q1.shape).astype(d.dtype)
        rank = np.where(nan.any(axis=-1, keepdims=True), n - 1, rank)
    lo, hi = np.floor(rank), np.ceil(rank)
    w = rank - lo
    if interpolation == "lower":
        hi, w = lo, w * 0
    elif interpolation == "higher":
        lo, w = hi, w * 0
    elif interpolation == "nearest":
        lo = hi = np.round(rank)
        w = w * 0
    elif interpolation == "midpoint":
        w = np.where(hi > lo, 0.5, 0.0).astype(d.dtype)
    ilo = np.take_along_axis(order, lo.astype(np.int64), -1)
    ihi = np.take_along_axis(order, hi.astype(np.int64), -1)
    vlo, vhi = apply_op(_Gather, (xm,), ilo, xm.ndim - 1), apply_op(_Gather, (xm,), ihi, xm.ndim - 1)
    r = vlo + (vhi - vlo) * _const(w, d) if (w != 0).any() else vlo
    r = r.movedim(-1, 0)  # (nq, *rest)
    if keepdim:
        r = r.reshape((r.shape[0],) + tuple(out_shape))
    if qa.ndim == 0:
        r = r.squeeze(0)
    return r


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles (a float or 1-D tensor in [0, 1]) of all elements or along
    ``dim``; NaN where a slice holds NaN.

    >>> x = ember.tensor([[1., 2., 3., 4.], [4., 0., 2., 1.]])
    >>> ember.quantile(x, 0.5, dim=1)
    tensor([2.5000, 1.5000])
    >>> x.quantile(ember.tensor([0.25, 0.75]), interpolation="lower")
    tensor([1., 3.])
    """
    return _out1(_quantile("quantile", input, q, dim, keepdim, interpolation, False), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """Like :func:`quantile`, ignoring NaN values (NaN only where a slice is all NaN).

    >>> ember.nanquantile(ember.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    return _out1(_quantile("nanquantile", input, q, dim, keepdim, interpolation, True), out)


# ---------------------------------------------------------------- Tensor methods
# ``norm`` stays importable here (``ember.ops.reduce_more.norm``) but ``ember.norm`` and
# ``Tensor.norm`` come from ops/linalg.py, which builds it on ``linalg.vector_norm``.
__all__.remove("norm")
TENSOR_METHODS = {name: globals()[name] for name in __all__ if name not in ("var_mean", "std_mean")}
TENSOR_METHODS.update({"cumsum_": cumsum_, "cumprod_": cumprod_})
