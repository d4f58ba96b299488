"""The rest of the reductions: prod, max/min, amax/amin, argmax/argmin, aminmax, logsumexp
and all/any/count_nonzero, with the helpers the other reduction families share.
Cumulative ops live in ops/cumulative.py, var/std/norm and the nan-aware sums in
ops/moments.py, median/mode/quantile in ops/order_stats.py.

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
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
import math
from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, norm_dim
from .sum_mean import expand_back, reduce_dims, _reduced_shape
from ... import return_types as RT

__all__ = ["prod", "max", "min", "amax", "amin", "argmax", "argmin", "aminmax", "logsumexp",
           "all", "any", "count_nonzero"]


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
    from ..elementwise.arithmetic import _out
    return _out(r, out)


def _outn(rt, vals, out):
    if out is None:
        return rt(vals)
    from ..elementwise.arithmetic import _out
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
    from .cumulative import cumprod  # cumulative imports this module's helpers
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
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return prod(input, dim, keepdim, dtype=dtype, out=out)
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


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {name: globals()[name] for name in __all__}
