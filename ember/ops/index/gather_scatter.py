"""Gather and scatter along a dim: gather, scatter (with ``value=`` and the legacy ``reduce=``),
scatter_add and scatter_reduce, with their in-place forms. The index_* ops along a dim are in
ops/index/index_along_dim.py; masked ops, take/put and nonzero in ops/index/masked_ops.py.

>>> x = ember.tensor([[1., 2.], [3., 4.]])
>>> x.gather(1, ember.tensor([[1], [0]]))
tensor([[2.],
        [3.]])
"""
import builtins

from .._util import np, D, Tensor, _wrap, Op, apply_op, norm_dim
from ...autograd.function import _NOGRAD
from ..inplace.history import inplace_op

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce"]


def _zeros(shape, npdt):
    return _wrap(np.zeros(shape, dtype=npdt))


def _pad_to(g, shape):
    """``g`` placed at the start of zeros of ``shape`` (differentiable)."""
    if g._data.shape == tuple(shape):
        return g
    from .indexing import index_put_backward
    return index_put_backward(g, tuple(shape), g._data.dtype, tuple(slice(0, n) for n in g._data.shape))


# ------------------------------------------------------------------ gather / scatter
def _check_index(index, name):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    k = index._data.dtype
    if k not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return index._data


def _grid(index, dim):
    """Full NumPy index for ``out[i][index[i][j]]``-style addressing along ``dim``."""
    idx = list(np.indices(index.shape, sparse=True)) if index.ndim else []
    if not idx:
        return (index,)
    idx[dim] = index
    return tuple(idx)


def _bounds(ix, n, dim):
    if ix.size:
        lo, hi = ix.min(), ix.max()
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {n}")


def _gs_prepare(a, dim, ix, src=None, name="gather"):
    nd = a.ndim
    dim = norm_dim(dim, nd)
    if ix.ndim != nd and not (ix.ndim <= 1 and nd <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    ashape = a.shape if nd else (1,)
    ishape = ix.shape if ix.ndim else (1,)
    for d in builtins.range(len(ishape)):
        if d != dim and ishape[d] > ashape[d]:
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(ix.shape)} to be no "
                                   f"larger than self {list(a.shape)} apart from dimension {dim}")
            raise RuntimeError(f"Expected index {list(ix.shape)} to be no larger than self {list(a.shape)} apart "
                               f"from dimension {dim} and to be no larger size than src {list(src.shape)}")
    if src is not None:
        sshape = src.shape if src.ndim else (1,)
        if len(sshape) != len(ishape) or builtins.any(i > s for i, s in zip(ishape, sshape)):
            raise RuntimeError(f"Expected index {list(ix.shape)} to be no larger than self {list(a.shape)} apart "
                               f"from dimension {dim} and to be no larger size than src {list(src.shape)}")
    _bounds(ix, ashape[dim], dim)
    return dim


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Values along ``dim`` at ``index``: ``out[i][j] = input[index[i][j]][j]`` for dim 0.

    >>> ember.gather(ember.tensor([[1, 2], [3, 4]]), 0, ember.tensor([[1, 0]]))
    tensor([[3, 2]])
    """
    ix = _check_index(index, "gather")
    dim = _gs_prepare(input._data, dim, ix)
    return _out(apply_op(Gather, (input, index), dim), out)


# ------------------------------------------------------------------ the ops, forward and backward
# One implementation of gather and scatter along a dim, used by the public functions above and
# below and by the reductions that select values (sort, max/min with a dim, median, mode,
# kthvalue, topk, cummax, quantile), whose gradient scatters back to the selected positions.
# The index is an input tensor (never differentiable: its gradient is None).
class Gather(Op):
    """``out = a[index]`` along ``dim``; the gradient is added back at ``index`` (repeats sum)."""

    @staticmethod
    def forward(ctx, a, ix, dim):
        if ctx is not _NOGRAD:
            ctx.shape, ctx.dim, ctx.ix = a.shape, dim, ix
        if a.ndim == 0:
            return a.reshape(ix.shape).copy()
        return a[_grid(ix, dim)]

    @staticmethod
    def backward(ctx, g, _=None):
        if not ctx.shape:
            return g.sum().reshape(()), None
        return scatter_into(g, ctx.ix, ctx.dim, ctx.shape), None


class ScatterOp(Op):
    """``scatter``/``scatter_add``: a copy of ``a`` with ``src`` (a tensor, or a value given as an
    extra argument) written (``mode`` None), added or multiplied at ``index`` along ``dim``."""

    _name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, ix, *rest):
        if rest[0].__class__ is np.ndarray:  # (src, dim, mode): src the third input
            src, dim, mode = rest
        else:  # (dim, mode, value): a number written
            dim, mode, src = rest
        out = a.copy()
        if a.ndim == 0:
            a1 = out.reshape(1)
            grid = (ix.reshape(-1),)
            s = np.asarray(src).reshape(-1)[:ix.size] if np.ndim(src) else src
        else:
            a1 = out
            grid = _grid(ix, dim)
            s = src[tuple(slice(0, n) for n in ix.shape)] if np.ndim(src) else src
        if ctx is not _NOGRAD:
            ctx.ix, ctx.dim, ctx.mode = ix, dim, mode
            ctx.src_shape = np.shape(src)
        if mode is None:
            a1[grid] = s
        elif mode == "add" or mode == "sum":
            np.add.at(a1, grid, s)
        elif mode == "multiply" or mode == "prod":
            np.multiply.at(a1, grid, s)
        return out

    @staticmethod
    def backward(ctx, g, *_):
        n = ctx.needs_input_grad
        mode, dim, ix = ctx.mode, ctx.dim, ctx.ix
        ga = gs = None
        if mode is None:
            if n[0]:
                ga = apply_op(ScatterOp, (g, _wrap(ix)), dim, None, np.zeros((), g._data.dtype))
            if len(n) > 2 and n[2]:
                gs = _pad_to(gather_at(g, ix, dim), ctx.src_shape)
        elif mode in ("add", "sum"):
            ga = g
            if len(n) > 2 and n[2]:
                gs = _pad_to(gather_at(g, ix, dim), ctx.src_shape)
        else:
            raise NotImplementedError(f"ember: the gradient of scatter with reduce='{mode}' is not implemented")
        return (ga, None, gs) if len(n) > 2 else (ga, None)


class ScatterAdd(ScatterOp):
    _name = "ScatterAddBackward0"


def gather_at(t, ix, dim):
    """``t`` gathered at int64 array ``ix`` (already checked) along ``dim``, differentiable."""
    return apply_op(Gather, (t, _wrap(ix)), dim)


def scatter_into(g, ix, dim, shape, unique=False):
    """Zeros of ``shape`` with ``g`` added at array ``ix`` along ``dim`` (written, when the indices
    are ``unique`` along ``dim``, as PyTorch's selections do); differentiable in ``g``."""
    z = _wrap(np.zeros(shape, dtype=g._data.dtype))
    if unique:
        return apply_op(ScatterOp, (z, _wrap(ix), g), dim, None)
    return apply_op(ScatterAdd, (z, _wrap(ix), g), dim, "add")


def _scatter(input, dim, index, src, mode, name):
    ix = _check_index(index, name)
    a = input._data
    if isinstance(src, Tensor):
        if src._data.dtype != a.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        dim = _gs_prepare(a, dim, ix, src._data, name)
        cls = ScatterAdd if mode in ("add", "sum") and name == "scatter_add" else ScatterOp
        return apply_op(cls, (input, index, src), dim, mode)
    dim = _gs_prepare(a, dim, ix, None, name)
    v = np.asarray(src.item() if hasattr(src, "item") and not isinstance(src, (int, float, bool, complex))
                   else src).astype(a.dtype)
    return apply_op(ScatterOp, (input, index), dim, mode, v)


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """Write ``src`` (a tensor or a number) into a copy of ``input`` at ``index`` along ``dim``.

    >>> ember.zeros(2, 3).scatter(1, ember.tensor([[2], [0]]), 1.)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    return _out(_scatter(input, dim, index, src, reduce, "scatter"), out)


def scatter_add(input, dim, index, src, *, out=None):
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim`` (duplicates accumulate).

    >>> ember.zeros(3).scatter_add(0, ember.tensor([0, 0, 2]), ember.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    return _out(_scatter(input, dim, index, src, "add", "scatter_add"), out)


class ScatterReduce(Op):
    @staticmethod
    def forward(ctx, a, ix, src, dim, reduce, include_self):
        grid = _grid(ix, dim) if a.ndim else (ix.reshape(-1),)
        out = a.copy()
        o1 = out if a.ndim else out.reshape(1)
        s = src[tuple(slice(0, n) for n in ix.shape)] if src.ndim else src.reshape(-1)[:ix.size]
        fl = a.dtype.kind in "fcV"  # V: ml_dtypes bfloat16
        if not include_self:
            init = {"sum": 0, "mean": 0, "prod": 1,
                    "amax": -np.inf if fl else np.iinfo(a.dtype).min if a.dtype.kind != "b" else False,
                    "amin": np.inf if fl else np.iinfo(a.dtype).max if a.dtype.kind != "b" else True}[reduce]
            o1[grid] = init
        if reduce in ("sum", "mean"):
            np.add.at(o1, grid, s)
        elif reduce == "prod":
            np.multiply.at(o1, grid, s)
        elif reduce == "amax":
            np.maximum.at(o1, grid, s)
        else:
            np.minimum.at(o1, grid, s)
        count = None
        if reduce == "mean":
            count = np.ones(a.shape, dtype=np.int64) if include_self else np.zeros(a.shape, dtype=np.int64)
            c1 = count if a.ndim else count.reshape(1)
            if not include_self:
                c1[grid] = 0
            np.add.at(c1, grid, 1)
            if include_self is False:
                np.maximum(count, 1, out=count)
            if fl:
                out = (out / np.maximum(count, 1)).astype(a.dtype)
            else:
                out = np.floor_divide(out, np.maximum(count, 1)).astype(a.dtype)
        if ctx is not _NOGRAD:
            ctx.ix, ctx.dim, ctx.reduce, ctx.include_self = ix, dim, reduce, include_self
            ctx.count = count
            ctx.src_shape = src.shape
            mask = np.zeros(a.shape, dtype=bool)
            (mask if a.ndim else mask.reshape(1))[grid] = True
            ctx.mask = mask
            ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, src, out = ctx.saved_tensors
        ix, dim, reduce = ctx.ix, ctx.dim, ctx.reduce
        keep_self = _wrap(~ctx.mask) if not ctx.include_self else None
        if reduce == "sum":
            ga = g if keep_self is None else g * keep_self
            gs = gather_at(g, ix, dim)
        elif reduce == "mean":
            gc = g / _wrap(ctx.count.astype(g._data.dtype))
            ga = gc if keep_self is None else gc * keep_self
            gs = gather_at(gc, ix, dim)
        elif reduce in ("amax", "amin"):
            ssub = src[tuple(slice(0, n) for n in ix.shape)] if src._data.ndim else src
            oat = gather_at(out, ix, dim)
            ms = (ssub == oat)
            msf = ms.to(D.NP2DT[g._data.dtype])
            cnt = scatter_into(msf, ix, dim, a._data.shape)
            # PyTorch counts self's ties with the result even when include_self=False
            mself = (a == out).to(D.NP2DT[g._data.dtype])
            gdiv = g / (cnt + mself)
            ga = gdiv * mself if keep_self is None else gdiv * mself * keep_self
            gs = gather_at(gdiv, ix, dim) * msf
        else:  # prod
            if (a._data == 0).any() or (src._data == 0).any():
                ma, ms = _prod_grad_factors(a._data, src._data, ix, dim, ctx.include_self)
                ga = g * _wrap(ma)
                gs = gather_at(g, ix, dim) * _wrap(ms)
                return ga, None, _pad_to(gs, ctx.src_shape)
            go = g * out
            ga = go / a if keep_self is None else (go / a) * keep_self
            ssub = src[tuple(slice(0, n) for n in ix.shape)] if src._data.ndim else src
            gs = gather_at(go, ix, dim) / ssub
        return ga, None, _pad_to(gs, ctx.src_shape)


def _prod_grad_factors(a, src, ix, dim, include_self):
    """d out / d element for a scatter product with zeros: the product of the other members of the
    element's group (nonzero only when the element is the group's only zero, or there is none).
    Computed as constants, so second derivatives through this case are not tracked."""
    grid = _grid(ix, dim) if a.ndim else (ix.reshape(-1),)
    s = src[tuple(slice(0, n) for n in ix.shape)] if src.ndim else src.reshape(-1)[:ix.size]
    a1 = a if a.ndim else a.reshape(1)
    nz_prod = np.where(a1 == 0, 1, a1) if include_self else np.ones_like(a1)
    zeros = (a1 == 0).astype(np.int64) if include_self else np.zeros(a1.shape, np.int64)
    np.multiply.at(nz_prod, grid, np.where(s == 0, 1, s))
    np.add.at(zeros, grid, (s == 0).astype(np.int64))

    def factor(v, p, z):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(z == 0, p / np.where(v == 0, 1, v), np.where((z == 1) & (v == 0), p, 0)).astype(a.dtype)
    ma = factor(a1, nz_prod, zeros).reshape(a.shape) if include_self else np.zeros(a.shape, a.dtype)
    if not include_self:
        untouched = np.ones(a1.shape, dtype=bool)
        untouched[grid] = False
        ma = np.where(untouched, 1, 0).astype(a.dtype).reshape(a.shape)
    ms = factor(s, nz_prod[grid], zeros[grid])
    return ma, ms


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Reduce ``src`` into a copy of ``input`` at ``index`` (sum, prod, mean, amax, amin).

    >>> ember.tensor([1., 2.]).scatter_reduce(0, ember.tensor([0, 0, 1]), ember.tensor([5., 3., 1.]), "amax")
    tensor([5., 2.])
    """
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    ix = _check_index(index, "scatter_reduce")
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    dim = _gs_prepare(input._data, dim, ix, src._data, "scatter_reduce")
    return _out(apply_op(ScatterReduce, (input, index, src), dim, reduce, bool(include_self)), out)

# ------------------------------------------------------------------ in-place variants
def _inplace(fn):
    def method(self, *args, **kwargs):
        others = tuple(a for a in list(args) + list(kwargs.values())
                       if isinstance(a, Tensor) and a._data.dtype.kind in "fc")
        fn(self, *args, **kwargs)  # validate first (errors before any write)
        return inplace_op(self, lambda s: fn(s, *args, **kwargs), *others)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`."
    return method


def _out(r, out):
    if out is None:
        return r
    from ..elementwise.arithmetic import _out as o
    return o(r, out)


scatter_ = _inplace(scatter)
scatter_add_ = _inplace(scatter_add)
scatter_reduce_ = _inplace(scatter_reduce)


TENSOR_METHODS = {
    "gather": gather, "scatter": scatter, "scatter_": scatter_, "scatter_add": scatter_add,
    "scatter_add_": scatter_add_, "scatter_reduce": scatter_reduce, "scatter_reduce_": scatter_reduce_,
}
