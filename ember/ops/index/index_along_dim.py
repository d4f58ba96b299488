"""The index_* ops along a dim: index_select, index_add, index_copy, index_fill and
index_reduce (prod, mean, amax, amin of ``source`` slices into ``input``), with their in-place
forms, and index_put/index_put_ (``input[indices] = values`` as a function).

``index_reduce`` is ``scatter_reduce`` with the 1-D index spread over ``source``'s shape, so it
shares that op's forward and backward (ties of amax/amin share the gradient evenly; products
with zeros are handled exactly), under PyTorch's node name ``IndexReduceBackward0``.

>>> ember.zeros(3).index_add(0, ember.tensor([0, 0]), ember.tensor([1., 2.]))
tensor([3., 0., 0.])
>>> ember.ones(3).index_reduce(0, ember.tensor([0, 0, 2]), ember.tensor([2., 3., 4.]), "prod")
tensor([6., 1., 4.])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
import builtins
import warnings

from .._util import np, D, Tensor, _wrap, Op, apply_op, norm_dim, add_rows_at, _TORCH_NAMES as _N, _NOGRAD
from ..inplace.history import inplace_op
from .gather_scatter import ScatterReduce, _inplace, _out, _zeros

__all__ = ["index_select", "index_add", "index_copy", "index_fill", "index_reduce", "index_put",
           "index_put_"]


from ..._dtype_names import TYPEID_NAMES as _TN  # noqa: E402


# ------------------------------------------------------------------ index_* along a dim
def _vec_index(index, name, n, dim, allow_neg=False, exc=RuntimeError, prefix=""):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    ix = index._data
    if ix.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    if ix.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    ix = ix.reshape(-1)
    if ix.size:
        lo, hi = ix.min(), ix.max()
        if hi >= n or lo < (-n if allow_neg else 0):
            bad = hi if hi >= n else lo
            raise exc(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {n}")
        if allow_neg and lo < 0:
            ix = np.where(ix < 0, ix + n, ix)
    return ix.astype(np.int64, copy=False)


class IndexSelect(Op):
    @staticmethod
    def forward(ctx, a, ix, dim):
        if ctx is not _NOGRAD:
            ctx.ix, ctx.dim, ctx.shape = ix, dim, a.shape
        if a.ndim == 0:
            return a.reshape(1)[ix].reshape(ix.shape if ix.size != 1 else ())
        return np.take(a, ix, axis=dim)

    @staticmethod
    def backward(ctx, g):
        if not ctx.shape:
            return g.sum()
        return _index_add(_zeros(ctx.shape, g._data.dtype), ctx.dim, ctx.ix, g, 1)


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` along ``dim`` at the positions in the 1-D ``index``.

    >>> ember.tensor([[1, 2], [3, 4]]).index_select(1, ember.tensor([1, 1]))
    tensor([[2, 2],
            [4, 4]])
    """
    a = input._data
    dim = norm_dim(dim, a.ndim)
    n = a.shape[dim] if a.ndim else 1
    if not isinstance(index, Tensor):
        raise TypeError(f"index_select(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    ix = index._data.reshape(-1).astype(np.int64, copy=False)
    if a.ndim == 0 and ix.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {ix.size} value(s)")
    if ix.size and (ix.min() < 0 or ix.max() >= n):
        if dim == 1:  # torch's CPU kernel for dim 1 words it differently
            bad = ix[(ix < 0) | (ix >= n)][0]
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
        raise IndexError("index out of range in self")
    return _out(apply_op(IndexSelect, (input,), ix, dim), out)


class IndexAdd(Op):
    @staticmethod
    def forward(ctx, a, src, ix, dim, alpha):
        if ctx is not _NOGRAD:
            ctx.ix, ctx.dim, ctx.alpha = ix, dim, alpha
        out = a.copy()
        s = src if alpha == 1 else src * np.asarray(alpha, dtype=a.dtype)
        if a.ndim == 0:
            np.add.at(out.reshape(1), ix, s.reshape(-1))
            return out
        add_rows_at(np.moveaxis(out, dim, 0), ix.reshape(-1), np.moveaxis(np.asarray(s, dtype=a.dtype), dim, 0))
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        gs = None
        if n[1]:
            gs = _wrap_sel(g, ctx.dim, ctx.ix)
            if ctx.alpha != 1:
                gs = gs * ctx.alpha
        return g if n[0] else None, gs


def _wrap_sel(g, dim, ix):
    return apply_op(IndexSelect, (g,), ix, dim)


def _index_add(input, dim, ix, source, alpha):
    return apply_op(IndexAdd, (input, source), ix, dim, alpha)


def _check_source(a, s, dim, nidx, name):
    if s.ndim and a.ndim and (s.ndim != a.ndim or builtins.any(
            x != y for i, (x, y) in enumerate(zip(a.shape, s.shape)) if i != dim)):
        if name == "index_add":
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified "
                               f"dimension. Got self.shape = {list(a.shape)} source.shape = {list(s.shape)}")
        raise IndexError(f"{name}_(): Source/destination tensor must have same slice shapes. Destination "
                         f"slice shape: {list(a.shape[:dim] + a.shape[dim + 1:])} at dimension {dim} and "
                         f"source slice shape: {list(s.shape[:dim] + s.shape[dim + 1:])} at dimension 0.")
    ns = s.shape[dim] if s.ndim else 1
    if ns != nidx:
        if name == "index_add":
            raise RuntimeError(f"index_add_(): Number of indices ({nidx}) should be equal to source.size(dim): "
                               f"({ns}), for dim: {dim}")
        raise IndexError(f"index_copy_(): Number of indices ({nidx}) should be equal to source.size(dim) "
                         f"({ns})")


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``.

    >>> ember.zeros(3).index_add(0, ember.tensor([0, 0, 2]), ember.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    a = input._data
    dim = norm_dim(dim, a.ndim)
    n = a.shape[dim] if a.ndim else 1
    ix = _vec_index(index, "index_add", n, dim)
    _check_source(a, source._data, dim, ix.size, "index_add")
    if source._data.dtype != a.dtype:
        raise RuntimeError(f"index_add_(): self ({_N[D.NP2DT[a.dtype].name]}) and source "
                           f"({_N[D.NP2DT[source._data.dtype].name]}) must have the same scalar type")
    return _out(_index_add(input, dim, ix, source, alpha), out)


class IndexCopy(Op):
    @staticmethod
    def forward(ctx, a, src, ix, dim):
        if ctx is not _NOGRAD:
            ctx.ix, ctx.dim = ix, dim
        out = a.copy()
        if a.ndim == 0:
            out.reshape(1)[ix] = src.reshape(-1)
        else:
            np.moveaxis(out, dim, 0)[ix] = np.moveaxis(src, dim, 0)
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        ga = apply_op(IndexFill, (g,), ctx.ix, ctx.dim, np.zeros((), g._data.dtype)) if n[0] else None
        gs = _wrap_sel(g, ctx.dim, ctx.ix) if n[1] else None
        return ga, gs


def index_copy(input, dim, index, source, *, out=None):
    """A copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``.

    >>> ember.zeros(3).index_copy(0, ember.tensor([2, 0]), ember.tensor([1., 2.]))
    tensor([2., 0., 1.])
    """
    if _ac_on[0]:
        input, source = _ac.promote([input, source])
    a = input._data
    dim = norm_dim(dim, a.ndim)
    n = a.shape[dim] if a.ndim else 1
    ix = _vec_index(index, "index_copy", n, dim, exc=IndexError, prefix="index_copy_(): ")
    _check_source(a, source._data, dim, ix.size, "index_copy")
    if source._data.dtype != a.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got "
                           f"(self) {_N[D.NP2DT[a.dtype].name]} and (source) "
                           f"{_N[D.NP2DT[source._data.dtype].name]}")
    return _out(apply_op(IndexCopy, (input, source), ix, dim), out)


class IndexFill(Op):
    @staticmethod
    def forward(ctx, a, *rest):
        if len(rest) == 4:
            v, ix, dim, _ = rest
        else:
            ix, dim, v = rest
        if ctx is not _NOGRAD:
            ctx.ix, ctx.dim = ix, dim
        out = a.copy()
        v = np.asarray(v).astype(a.dtype)
        if a.ndim == 0:
            out.reshape(1)[ix] = v
        else:
            np.moveaxis(out, dim, 0)[ix] = v
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        ga = apply_op(IndexFill, (g,), ctx.ix, ctx.dim, np.zeros((), g._data.dtype)) if n[0] else None
        gv = None
        if len(n) > 1 and n[1]:
            gv = _wrap_sel(g, ctx.dim, np.unique(ctx.ix)).sum()
        return (ga, gv) if len(n) > 1 else ga


def index_fill(input, dim, index, value):
    """A copy of ``input`` with ``value`` written in the slices at ``index`` along ``dim``.

    >>> ember.zeros(2, 2).index_fill(1, ember.tensor([1]), 5.)
    tensor([[0., 5.],
            [0., 5.]])
    """
    a = input._data
    dim = norm_dim(dim, a.ndim)
    n = a.shape[dim] if a.ndim else 1
    ix = _vec_index(index, "index_fill", n, dim, allow_neg=True, exc=IndexError)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return apply_op(IndexFill, (input, value), ix, dim, None)
    return apply_op(IndexFill, (input,), ix, dim, np.asarray(value))


# ------------------------------------------------------------------ index_reduce


_REDUCES = ("prod", "mean", "amax", "amin")
_warned = [False]


class IndexReduce(ScatterReduce):
    _name = "IndexReduceBackward0"


def _check(input, dim, index, source, reduce):
    if reduce not in _REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if not isinstance(index, Tensor):
        raise TypeError(f"index_reduce(): argument 'index' (position 2) must be Tensor, not {type(index).__name__}")
    if not isinstance(source, Tensor):
        raise TypeError(f"index_reduce(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}")
    a, s, ix = input._data, source._data, index._data
    dim = norm_dim(dim, a.ndim)
    if ix.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{_N[D.NP2DT[ix.dtype].name]}")
    if ix.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: {ix.ndim} with type: "
                         f"{_N[D.NP2DT[ix.dtype].name]} and size: {list(ix.shape)}")
    if s.ndim != a.ndim or any(
            x != y for i, (x, y) in enumerate(zip(a.shape, s.shape)) if i != dim):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(a.shape)} source.shape = {list(s.shape)}")
    ns = s.shape[dim] if s.ndim else 1
    if ix.size != ns:
        raise RuntimeError(f"index_reduce_(): Number of indices ({ix.size}) should be equal to source.size(dim): "
                           f"({ns}), for dim: {dim}")
    if s.dtype != a.dtype:
        raise RuntimeError(f"index_reduce_(): self ({_N[D.NP2DT[a.dtype].name]}) and source "
                           f"({_N[D.NP2DT[s.dtype].name]}) must have the same scalar type")
    n = a.shape[dim] if a.ndim else 1
    if ix.size and (ix.min() < 0 or ix.max() >= n):
        raise IndexError("index out of range in self")
    if not _warned[0]:
        _warned[0] = True
        warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=3)
    return dim


def _spread(ix, dim, shape):
    """The 1-D ``ix`` along ``dim``, broadcast to ``shape`` (scatter_reduce's index)."""
    if not shape:
        return _wrap(ix.reshape(()).astype(np.int64))
    view = [1] * len(shape)
    view[dim] = -1
    return _wrap(np.ascontiguousarray(np.broadcast_to(ix.astype(np.int64).reshape(view), shape)))


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Reduce the slices of ``source`` into a copy of ``input`` at ``index`` along ``dim`` with
    ``reduce`` ('prod', 'mean', 'amax' or 'amin'); ``include_self=False`` leaves ``input``'s
    values out of the rows it touches.

    >>> ember.zeros(2).index_reduce(0, ember.tensor([1, 1]), ember.tensor([2., 4.]), "mean", include_self=False)
    tensor([0., 3.])
    """
    dim = _check(input, dim, index, source, reduce)
    idx = _spread(index._data.reshape(-1), dim, source._data.shape)
    r = apply_op(IndexReduce, (input, idx, source), dim, reduce, bool(include_self))
    if out is not None:
        from ..elementwise.arithmetic import _out
        return _out(r, out)
    return r


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    """In-place :func:`index_reduce`; returns ``self``.

    >>> ember.ones(2).index_reduce_(0, ember.tensor([0, 0]), ember.tensor([3., 5.]), "amax")
    tensor([5., 1.])
    """
    _check(self, dim, index, source, reduce)
    others = (source,) if source._data.dtype.kind in "fcV" else ()
    return inplace_op(self, lambda s: index_reduce(s, dim, index, source, reduce, include_self=include_self),
                      *others)


# ------------------------------------------------------------------ index_put
def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` put at the index tuple ``indices`` (summed if ``accumulate``).

    >>> ember.zeros(3).index_put((ember.tensor([0, 0]),), ember.tensor(1.), accumulate=True)
    tensor([2., 0., 0.])
    """
    return index_put_(input.clone(), indices, values, accumulate)


def index_put_(input, indices, values, accumulate=False):
    """In-place ``input[indices] = values`` (``+=`` with duplicates summed if ``accumulate``).

    >>> x = ember.zeros(3); _ = x.index_put_((ember.tensor([1]),), ember.tensor(5.)); x
    tensor([0., 5., 0.])
    """
    from .index_parsing import _norm_index
    from .indexing import index_put_nidx
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put_(): argument 'indices' must be tuple of Tensors")
    nidx, _ = _norm_index(tuple(indices), input._data.shape)
    index_put_nidx(input, nidx, values, accumulate=bool(accumulate), advanced=True)
    return input


index_add_ = _inplace(index_add)
index_copy_ = _inplace(index_copy)
index_fill_ = _inplace(index_fill)


TENSOR_METHODS = {
    "index_select": index_select, "index_add": index_add, "index_add_": index_add_,
    "index_copy": index_copy, "index_copy_": index_copy_, "index_fill": index_fill,
    "index_fill_": index_fill_, "index_reduce": index_reduce, "index_reduce_": index_reduce_,
    "index_put": index_put, "index_put_": index_put_,
}
