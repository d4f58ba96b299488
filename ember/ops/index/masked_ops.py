"""Masked ops (masked_fill, masked_scatter, masked_select and their in-place forms), take,
put/put_, take_along_dim, nonzero and argwhere.

>>> x = ember.tensor([1., -2., 3.])
>>> x.masked_fill(x < 0, 0.)
tensor([1., 0., 3.])
>>> ember.nonzero(ember.tensor([0, 5, 0, 7]))
tensor([[1],
        [3]])
"""
import warnings

from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, norm_dim, _TORCH_NAMES as _N, _NOGRAD
from .._util import writeable_alias, write_error
from ..inplace.history import inplace_op
from ..._errors import output_shape_error
from .gather_scatter import _out, _zeros, gather
from .index_along_dim import _TN
from ..._select import select, MIN_SIZE as _SELECT_MIN
from ..numpy_arg_names import numpy_names

__all__ = ["masked_fill", "masked_scatter", "masked_select", "take", "take_along_dim", "nonzero",
           "argwhere", "put"]


# ------------------------------------------------------------------ masked ops
def _check_mask(mask, name):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{name}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{_TN[D.NP2DT[mask._data.dtype].name]}")
    return mask._data


class MaskedFill(Op):
    @staticmethod
    def forward(ctx, a, *rest):
        if len(rest) == 3:
            m, v, _ = rest
        else:
            v, m = rest
        if ctx is not _NOGRAD:
            ctx.m, ctx.shape = m, a.shape
        return select(m, np.asarray(v).astype(a.dtype), a, a.dtype)

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        ga = _mzero(g, ctx.m) if n[0] else None
        if len(n) > 1:
            gv = _mzero(g, ~ctx.m).sum() if n[1] else None
            return ga, gv
        return ga


def _mzero(g, m):
    return apply_op(MaskedFill, (g,), m, np.zeros((), g._data.dtype), None)


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` where the bool ``mask`` (broadcast) is True.

    >>> ember.tensor([1., 2., 3.]).masked_fill(ember.tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    m = _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        _bshape(input._data.shape, m.shape)
        return apply_op(MaskedFill, (input, value), m)
    _bshape(input._data.shape, m.shape)
    value = D.checked_fill(value, D.NP2DT[input._data.dtype])
    return apply_op(MaskedFill, (input,), m, np.asarray(value), None)


def _bshape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        from ..shape.shape_ops import broadcast_tensors
        broadcast_tensors(_wrap(np.empty(b)), _wrap(np.empty(a)))
        raise


def masked_fill_(self, mask, value):
    """In-place :func:`masked_fill` (``mask`` must broadcast to ``self``).

    >>> x = ember.zeros(2); _ = x.masked_fill_(ember.tensor([False, True]), 1.); x
    tensor([0., 1.])
    """
    m = _check_mask(mask, "masked_fill_")
    shp = self._data.shape
    b = _bshape(shp, m.shape)
    if b != shp:
        raise output_shape_error(shp, b)
    vt = isinstance(value, Tensor)
    if not (_state[0] and (self._rg or (vt and value._rg) or (self._base is not None and self._base._rg))):
        if vt and value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        v = value._data if vt else D.checked_fill(value, D.NP2DT[self._data.dtype])
        d = self._data
        if not d.flags.writeable:  # an expanded view: written through, as PyTorch (with its warning)
            w = writeable_alias(d)
            if w is None:
                raise write_error(d)
            warnings.warn("Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor "
                          "before performing this operation.", UserWarning, stacklevel=2)
            d = w
        if d.size >= _SELECT_MIN and d.flags.c_contiguous:   # branch-free selection, then one copy
            np.copyto(d, select(m, np.asarray(v).astype(d.dtype), d, d.dtype))
        else:
            np.copyto(d, np.asarray(v).astype(d.dtype), where=m)
        self._bump()
        return self
    if vt:
        return inplace_op(self, lambda s: masked_fill(s, mask, value), value)
    return inplace_op(self, lambda s: masked_fill(s, mask, value))


class MaskedScatter(Op):
    @staticmethod
    def forward(ctx, a, src, m):
        shape = np.broadcast_shapes(a.shape, m.shape)
        mb = np.broadcast_to(m, shape)
        k = int(mb.sum())
        if src.size < k:
            raise RuntimeError("Number of elements of source < number of ones in mask")
        out = np.array(np.broadcast_to(a, shape))
        out[mb] = src.reshape(-1)[:k]
        if ctx is not _NOGRAD:
            ctx.mb, ctx.k, ctx.src_shape = mb, k, src.shape
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        ga = _mzero(g, ctx.mb) if n[0] else None
        gs = None
        if n[1]:
            from ..shape.joining import cat
            sel = g[_wrap(ctx.mb)]
            size = int(np.prod(ctx.src_shape))
            if size > ctx.k:
                sel = cat([sel, _zeros((size - ctx.k,), g._data.dtype)])
            gs = sel.reshape(ctx.src_shape)
        return ga, gs


def masked_scatter(input, mask, source):
    """A copy of ``input`` with the first elements of ``source`` written where ``mask`` is True.

    >>> ember.zeros(4).masked_scatter(ember.tensor([True, False, True, False]), ember.tensor([1., 2., 3.]))
    tensor([1., 0., 2., 0.])
    """
    m = _check_mask(mask, "masked_scatter_")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter_: expected self and source to have same dtypes but got "
                           f"{_N[D.NP2DT[input._data.dtype].name]} and "
                           f"{_N[D.NP2DT[source._data.dtype].name]}")
    _bshape(input._data.shape, m.shape)
    return apply_op(MaskedScatter, (input, source), m)


def masked_scatter_(self, mask, source):
    """In-place :func:`masked_scatter`.

    >>> x = ember.zeros(2); _ = x.masked_scatter_(ember.tensor([False, True]), ember.tensor([7.])); x
    tensor([0., 7.])
    """
    m = _check_mask(mask, "masked_scatter_")
    shp = self._data.shape
    b = _bshape(shp, m.shape)
    if b != shp:
        raise output_shape_error(shp, b)
    return inplace_op(self, lambda s: masked_scatter(s, mask, source), source)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast).

    >>> ember.tensor([[1, 2], [3, 4]]).masked_select(ember.tensor([True, False]))
    tensor([1, 3])
    """
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask")
    from ..shape.shape_ops import broadcast_tensors
    x, m = broadcast_tensors(input, mask)
    from .indexing import getitem
    return _out(getitem(x, m), out)


# ------------------------------------------------------------------ take / nonzero
def take(input, index):
    """Elements of the flattened ``input`` at ``index`` (result has ``index``'s shape).

    >>> ember.tensor([[1, 2], [3, 4]]).take(ember.tensor([0, 3]))
    tensor([1, 4])
    """
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{getattr(index, 'dtype', type(index).__name__)}")
    n = input._data.size
    ix = index._data
    if ix.size:
        lo, hi = ix.min(), ix.max()
        if hi >= n or lo < -n:
            bad = hi if hi >= n else lo
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    from .indexing import getitem
    return getitem(input.reshape(-1), index)


def put_(self, index, source, accumulate=False):
    """Write ``source`` into the flattened ``self`` at ``index`` (summed if ``accumulate``), in place.

    >>> x = ember.zeros(2, 2); _ = x.put_(ember.tensor([0, 3]), ember.tensor([1., 2.])); x
    tensor([[1., 0.],
            [0., 2.]])
    """
    from .indexing import index_put_nidx
    ix = index._data
    if ix.dtype != np.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {index.dtype}")
    if source._data.size != ix.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source._data.size}, index.numel() = {ix.size}")
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {self.dtype} and source.dtype = {source.dtype}")
    n = self._data.size
    if ix.size:
        lo, hi = ix.min(), ix.max()
        if hi >= n or lo < -n:
            bad = hi if hi >= n else lo
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    flat = np.where(ix < 0, ix + n, ix).reshape(-1)
    nidx = np.unravel_index(flat, self._data.shape) if self._data.ndim else (flat,)
    if not self._data.ndim:
        self_v = self.reshape(1)
        index_put_nidx(self_v, tuple(nidx), source.reshape(-1), accumulate=bool(accumulate), advanced=True)
        return self
    index_put_nidx(self, tuple(nidx), source.reshape(-1), accumulate=bool(accumulate), advanced=True)
    return self


def put(input, index, source, accumulate=False):
    """Out-of-place :func:`put_`.

    >>> ember.put(ember.zeros(3), ember.tensor([1, 1]), ember.tensor([1., 2.]), accumulate=True)
    tensor([0., 3., 0.])
    """
    return put_(input.clone(), index, source, accumulate)


def take_along_dim(input, indices, dim=None, *, out=None, axis=None):
    """``gather`` with ``input`` and ``indices`` broadcast against each other (flattened if no dim).

    >>> ember.tensor([[10, 30], [40, 20]]).take_along_dim(ember.tensor([[1], [0]]), dim=1)
    tensor([[30],
            [40]])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("take_along_dim", dim, False, axis, None, None)[0]
    if indices._data.dtype.kind not in "iu":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be int but got "
                           f"{indices.dtype.__repr__().replace('torch.', '')} instead")
    if (indices._data < 0).any():  # negative indices count from the end, as in PyTorch
        n = input._data.size if dim is None else input._data.shape[norm_dim(dim, input._data.ndim)]
        indices = _wrap(np.where(indices._data < 0, indices._data + n, indices._data))
    if dim is None:
        return _out(gather(input.reshape(-1), 0, indices.reshape(-1).long()), out)
    a, ix = input._data, indices._data
    if a.ndim != ix.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of "
                           f"dimensions, but got {a.ndim} dimensions for input, and {ix.ndim} dimensions "
                           f"for indices")
    dim = norm_dim(dim, a.ndim)
    sa, si = list(a.shape), list(ix.shape)
    sa[dim] = si[dim] = 1
    b = list(np.broadcast_shapes(tuple(sa), tuple(si)))
    ba, bi = b[:], b[:]
    ba[dim], bi[dim] = a.shape[dim], ix.shape[dim]
    x = input.expand(tuple(ba)) if tuple(ba) != a.shape else input
    i = indices.expand(tuple(bi)) if tuple(bi) != ix.shape else indices
    return _out(gather(x, dim, i.long()), out)


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the nonzero elements: an ``(n, ndim)`` int64 tensor, or a tuple of 1-D tensors.

    >>> ember.nonzero(ember.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    >>> ember.tensor([0, 3, 5]).nonzero(as_tuple=True)
    (tensor([1, 2]),)
    """
    if input._rg is _QM:
        raise _q_refuse("aten::nonzero")
    a = input._data
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(a if a.ndim else a.reshape(1)))
    return _out(_wrap(np.argwhere(a).astype(np.int64, copy=False)), out)


def argwhere(input):
    """Indices of the nonzero elements as an ``(n, ndim)`` tensor.

    >>> ember.argwhere(ember.tensor([0, 1, 1]))
    tensor([[1],
            [2]])
    """
    return nonzero(input)


TENSOR_METHODS = {
    "masked_fill": masked_fill, "masked_fill_": masked_fill_, "masked_scatter": masked_scatter,
    "masked_scatter_": masked_scatter_, "masked_select": masked_select, "take": take,
    "take_along_dim": take_along_dim, "nonzero": nonzero, "argwhere": argwhere, "put_": put_, "put": put,
}
