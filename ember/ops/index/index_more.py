"""More indexed writes: ``index_reduce`` (prod, mean, amax, amin of ``source`` slices into
``input`` at ``index`` along a dim) and ``fill_diagonal_``.

``index_reduce`` is ``scatter_reduce`` with the 1-D index spread over ``source``'s shape, so it
shares that op's forward and backward (ties of amax/amin share the gradient evenly; products
with zeros are handled exactly), under PyTorch's node name ``IndexReduceBackward0``.

>>> ember.ones(3).index_reduce(0, ember.tensor([0, 0, 2]), ember.tensor([2., 3., 4.]), "prod")
tensor([6., 1., 4.])
"""
import warnings

from .._util import np, D, Tensor, _wrap, Op, apply_op, norm_dim, _state, _TORCH_NAMES
from ..inplace.history import inplace_op
from . import index_ops as _I

__all__ = ["index_reduce"]

_REDUCES = ("prod", "mean", "amax", "amin")
_warned = [False]


class IndexReduce(_I.ScatterReduce):
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
                           f"{_TORCH_NAMES[D.NP2DT[ix.dtype].name]}")
    if ix.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: {ix.ndim} with type: "
                         f"{_TORCH_NAMES[D.NP2DT[ix.dtype].name]} and size: {list(ix.shape)}")
    if s.ndim != a.ndim or any(
            x != y for i, (x, y) in enumerate(zip(a.shape, s.shape)) if i != dim):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(a.shape)} source.shape = {list(s.shape)}")
    ns = s.shape[dim] if s.ndim else 1
    if ix.size != ns:
        raise RuntimeError(f"index_reduce_(): Number of indices ({ix.size}) should be equal to source.size(dim): "
                           f"({ns}), for dim: {dim}")
    if s.dtype != a.dtype:
        raise RuntimeError(f"index_reduce_(): self ({_TORCH_NAMES[D.NP2DT[a.dtype].name]}) and source "
                           f"({_TORCH_NAMES[D.NP2DT[s.dtype].name]}) must have the same scalar type")
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
    r = apply_op(IndexReduce, (input, source), idx, dim, reduce, bool(include_self))
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


# ------------------------------------------------------------------ fill_diagonal_
class FillDiagonal(Op):
    """``input`` with the positions in ``mask`` set to ``value`` (gradient zero there)."""

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        out = a.copy()
        out[mask] = value
        return out

    @staticmethod
    def backward(ctx, g):
        return g.masked_fill(_wrap(ctx.mask), 0)


def _diag_mask(shape, wrap):
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and any(s != shape[0] for s in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, dtype=bool)
    if len(shape) > 2:
        i = np.arange(shape[0])
        mask[(i,) * len(shape)] = True
        return mask
    rows, cols = shape
    flat = mask.reshape(-1)
    if wrap and rows > cols + 1:
        flat[::cols + 1] = True
    else:
        k = min(rows, cols)
        flat[np.arange(k) * (cols + 1)] = True
    return mask


def fill_diagonal_(self, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal of ``self`` (2-D, or n-D with equal sizes); for a
    tall matrix ``wrap=True`` starts the diagonal again every ``cols + 1`` rows.

    >>> ember.zeros(2, 3).fill_diagonal_(5)
    tensor([[5., 0., 0.],
            [0., 5., 0.]])
    """
    mask = _diag_mask(self._data.shape, wrap)
    if _state[0] and self._rg and self.grad_fn is None:  # PyTorch writes through a diagonal view
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    d = self._data
    value = np.array(fill_value if d.dtype.kind != "V" else float(fill_value)).astype(d.dtype)
    return inplace_op(self, lambda s: apply_op(FillDiagonal, (s,), mask, value))


TENSOR_METHODS = {"index_reduce": index_reduce, "index_reduce_": index_reduce_, "fill_diagonal_": fill_diagonal_}
