"""Broadcasting helpers, meshgrid, unfold/as_strided, index grids, block_diag,
cartesian_prod/combinations and the *_scatter ops. The other shape families live in
ops/shape/joining.py (cat/stack), ops/shape/splitting.py (split/chunk/narrow/select/unbind),
ops/shape/flip_repeat.py (flip/roll/rot90/repeat/tile) and ops/shape/diagonals.py (tril/triu/diag).

Ops that are views in PyTorch (broadcast_to, meshgrid, unfold, as_strided) share memory
with their input here too.

>>> ember.broadcast_to(ember.tensor([1, 2]), (2, 2))
tensor([[1, 2],
        [1, 2]])
>>> ember.tril_indices(2, 2)
tensor([[0, 1, 1],
        [0, 0, 1]])
"""
import builtins
import warnings

from .._util import np, D, _wrap, Op, apply_op, norm_dim, _NOGRAD
from ..._backend import as_strided as _as_strided
from ..._errors import broadcast_shape
from .movement import _view_result, expand, reshape, unflatten
from ..index.indexing import getitem
from .splitting import _slice_dim, select
from .joining import cat, stack
from .diagonals import diagonal

__all__ = ["broadcast_to", "broadcast_tensors", "broadcast_shapes", "meshgrid", "as_strided",
           "tril_indices", "triu_indices", "block_diag", "cartesian_prod", "combinations", "ravel",
           "unflatten", "diagonal_scatter", "select_scatter", "slice_scatter"]


_srange = builtins.range
range = builtins.range


# ------------------------------------------------------------------ broadcasting
def broadcast_shapes(*shapes):
    """The shape that all ``shapes`` broadcast to.

    >>> ember.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    from ..._tensor import Size
    norm = []
    for s in shapes:
        if isinstance(s, int):
            s = (s,)
        norm.append(tuple(int(v) for v in s))
    n = builtins.max([len(s) for s in norm], default=0)
    res = [1] * n
    for i, s in enumerate(norm):
        for j in reversed(_srange(len(s))):
            v = s[j]
            k = n - len(s) + j
            if v < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {v}: {list(s)}")
            if res[k] == 1:
                res[k] = v
            elif v != 1 and v != res[k]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {v} at {j - len(s)}! "
                                   f"Mismatching argument at index {i} had {tuple(s)}; but expected shape "
                                   f"should be broadcastable to {res}")
    return Size(res)


def broadcast_to(input, size):
    """``input`` expanded to ``size`` (a view).

    >>> ember.broadcast_to(ember.tensor([1, 2]), (2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, tuple(size))


def broadcast_tensors(*tensors):
    """Views of ``tensors`` expanded to their common shape.

    >>> [t.shape for t in ember.broadcast_tensors(ember.zeros(2, 1), ember.zeros(3))]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shape = broadcast_shape(*[t._data.shape for t in tensors])
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids (views) from 1-D tensors; ``indexing`` 'ij' (default) or 'xy'.

    >>> xs, ys = ember.meshgrid(ember.tensor([1, 2]), ember.tensor([3, 4, 5]), indexing="ij")
    >>> xs.shape, ys[0]
    (torch.Size([2, 3]), tensor([3, 4, 5]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("torch.meshgrid expects a non-empty TensorList")
    dt = tensors[0]._data.dtype
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                               f"{t}")
        if t._data.dtype != dt:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    ts = [t.reshape(-1) for t in tensors]
    n = len(ts)
    axes = list(range(n))
    if indexing == "xy" and n >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * n
    for t, ax in zip(ts, axes):
        shape[ax] = t._data.shape[0]
    shape = tuple(shape)
    out = []
    for t, ax in zip(ts, axes):
        v = t.view((1,) * ax + (shape[ax],) + (1,) * (n - ax - 1))
        out.append(expand(v, shape))
    return tuple(out)


# ------------------------------------------------------------------ unfold / as_strided
class Unfold(Op):
    @staticmethod
    def forward(ctx, a, dim, size, step):
        if ctx is not _NOGRAD:
            ctx.args, ctx.shape = (dim, size, step), a.shape
        return _unfold_view(a, dim, size, step)

    @staticmethod
    def backward(ctx, g):
        return apply_op(UnfoldGrad, (g,), ctx.shape, *ctx.args)


def _unfold_view(a, dim, size, step):
    if a.ndim == 0:
        return a.reshape(1)
    n = a.shape[dim]
    nw = (n - size) // step + 1
    shape = a.shape[:dim] + (nw,) + a.shape[dim + 1:] + (size,)
    st = a.strides
    strides = st[:dim] + (st[dim] * step,) + st[dim + 1:] + (st[dim],)
    return _as_strided(a, shape, strides)


class UnfoldGrad(Op):
    _name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        if ctx is not _NOGRAD:
            ctx.args = (dim, size, step)
        if not shape:
            return g.reshape(())
        out = np.zeros(shape, dtype=g.dtype)
        nw = g.shape[dim]
        o = np.moveaxis(out, dim, -1)
        gm = np.moveaxis(g, dim, -2)  # (..., nw, size)
        for k in _srange(size):
            o[..., k:k + step * (nw - 1) + 1:step] += gm[..., k]
        return out

    @staticmethod
    def backward(ctx, gg):
        return unfold(gg, *ctx.args)


def unfold(self, dimension, size, step):
    """View of all windows of ``size`` elements, ``step`` apart, along ``dimension`` (new last dim).

    >>> ember.arange(5).unfold(0, 2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    shape = self._data.shape
    nd = len(shape)
    dim = norm_dim(dimension, nd)
    size, step = int(size), int(step)
    n = shape[dim] if nd else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _view_result(Unfold, self, lambda x, a=(dim, size, step): unfold(x, *a), dim, size, step)


def as_strided(input, size, stride, storage_offset=None):
    """A view with explicit sizes and element strides over ``input``'s storage.

    >>> ember.as_strided(ember.arange(4.), (2, 2), (1, 1))
    tensor([[0., 1.],
            [1., 2.]])
    """
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if builtins.any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    off = None if storage_offset is None else int(storage_offset)
    return _view_result(AsStrided, input, lambda x, a=(size, stride, off): as_strided(x, *a), size, stride, off)


def _storage(a):
    """The array owning ``a``'s memory, flattened (PyTorch's storage)."""
    b = a
    while b.base is not None:
        nb = b.base
        if not isinstance(nb, np.ndarray):  # as_strided results: NumPy's DummyArray holds the array
            nb = getattr(nb, "base", None)
            if not isinstance(nb, np.ndarray):
                break
        b = nb
    if not b.flags.c_contiguous or b.dtype != a.dtype:
        if a.flags.c_contiguous:
            return a.reshape(-1), 0
        raise NotImplementedError("ember: as_strided on this tensor's memory layout is not supported "
                                  "(call .contiguous() first)")
    flat = b.reshape(-1)
    it = a.itemsize
    return flat, ((a.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // it if it else 0)


def _positions(shape, strides, off):
    idx = np.full(shape, off, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        sh = [1] * len(shape)
        sh[d] = n
        idx = idx + (np.arange(n, dtype=np.int64) * s).reshape(sh)
    return idx


class AsStrided(Op):
    @staticmethod
    def forward(ctx, a, size, stride, offset):
        flat, a_off = _storage(a)
        it = a.itemsize
        off = a_off if offset is None else offset
        need = off + 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
        if builtins.any(n == 0 for n in size):
            out = np.empty(size, dtype=a.dtype)
        elif need > flat.size:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                               f"{off}, and itemsize {it} requiring a storage size of {need * it} are out "
                               f"of bounds for storage of size {flat.size * it}")
        else:
            out = _as_strided(flat[off:], size, tuple(s * it for s in stride))
        if ctx is not _NOGRAD:
            in_pos = _positions(a.shape, tuple(s // it for s in a.strides), a_off)
            ctx.remap = (_positions(size, stride, off).reshape(-1), in_pos.reshape(-1), flat.size, a.shape)
        return out

    @staticmethod
    def backward(ctx, g):
        src, dst, n, shape = ctx.remap
        return apply_op(StorageRemap, (g,), src, dst, n, shape)


class StorageRemap(Op):
    """Scatter-add a tensor into a storage-sized buffer at ``src`` positions, read it at ``dst``:
    the gradient of ``as_strided`` (and, with src/dst swapped, its own gradient)."""

    _name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, g, src, dst, n, shape):
        if ctx is not _NOGRAD:
            ctx.args = (dst, src, n, g.shape)
        buf = np.zeros(n, dtype=g.dtype)
        np.add.at(buf, src, g.reshape(-1))
        return buf[dst].reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        return apply_op(StorageRemap, (gg,), *ctx.args)


# ------------------------------------------------------------------ index grids, block_diag, *_scatter
def _tri_indices(row, col, offset, dtype, upper):
    dt = D.to_dtype(dtype) if dtype is not None else D.int64
    if dt._cat != 1:
        raise RuntimeError(f"\"{'triu' if upper else 'tril'}_indices\" not implemented for '{dt}'")
    r, c = (np.triu_indices if upper else np.tril_indices)(int(row), int(offset), int(col))
    return _wrap(np.stack([r, c]).astype(dt.np).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Row/column indices (a ``2 x N`` tensor) of the lower triangle of a ``row x col`` matrix.

    >>> ember.tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
    """
    return _tri_indices(row, col, offset, dtype, False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Row/column indices (a ``2 x N`` tensor) of the upper triangle of a ``row x col`` matrix.

    >>> ember.triu_indices(3, 3, 1)
    tensor([[0, 0, 1],
            [1, 2, 2]])
    """
    return _tri_indices(row, col, offset, dtype, True)


def block_diag(*tensors):
    """A block-diagonal matrix of the given 0-d, 1-d (a row) and 2-d blocks.

    >>> ember.block_diag(ember.tensor([[1, 2]]), ember.tensor(3))
    tensor([[1, 2, 0],
            [0, 0, 3]])
    """
    from ..._creation import zeros
    if not tensors:
        return _wrap(np.empty((1, 0), dtype=D.get_default_dtype().np))
    blocks = []
    for i, t in enumerate(tensors):
        nd = t._data.ndim
        if nd > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{nd} dimensions")
        blocks.append(t.reshape(1, -1) if nd < 2 else t)
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    ncol = builtins.sum(b._data.shape[1] for b in blocks)
    rows, c0 = [], 0
    for b in blocks:
        r, c = b._data.shape
        parts = []
        if c0:
            parts.append(zeros(r, c0, dtype=dt))
        parts.append(b if b.dtype is dt else b.to(dt))
        if ncol - c0 - c:
            parts.append(zeros(r, ncol - c0 - c, dtype=dt))
        rows.append(cat(parts, 1))
        c0 += c
    return cat(rows, 0)


def cartesian_prod(*tensors):
    """All combinations of elements of the 1-D tensors, one per row (the inputs' order).

    >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """All length-``r`` combinations of the elements of a 1-D tensor, one per row.

    >>> ember.combinations(ember.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    import itertools
    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input._data.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    n = input._data.shape[0]
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(n), r)), dtype=np.int64).reshape(-1, r)
    if r == 0:
        return _wrap(np.empty((0,), dtype=input._data.dtype))
    return getitem(input, idx.reshape(-1)).reshape(idx.shape)


def ravel(input):
    """The flattened tensor (a view when the memory allows).

    >>> ember.tensor([[1, 2], [3, 4]]).ravel()
    tensor([1, 2, 3, 4])
    """
    return reshape(input, (-1,))


def _scatter_into(input, src, view_fn):
    v = view_fn(input)
    if tuple(src._data.shape) != tuple(v._data.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(v._data.shape)}")
    out = input.clone()
    view_fn(out).copy_(src)
    return out


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``src`` written on its diagonal (see :func:`diagonal`).

    >>> ember.diagonal_scatter(ember.zeros(2, 2), ember.ones(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    return _scatter_into(input, src, lambda t: diagonal(t, offset, dim1, dim2))


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with ``src`` written at ``index`` along ``dim``.

    >>> ember.select_scatter(ember.zeros(2, 2), ember.ones(2), 0, 0)
    tensor([[1., 1.],
            [0., 0.]])
    """
    return _scatter_into(input, src, lambda t: select(t, dim, index))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``src`` written into the slice ``start:end:step`` of ``dim``.

    >>> ember.slice_scatter(ember.zeros(4), ember.ones(2), start=1, end=3)
    tensor([0., 1., 1., 0.])
    """
    d = norm_dim(dim, input._data.ndim)
    return _scatter_into(input, src, lambda t: _slice_dim(t, d, start, end, step))


TENSOR_METHODS = {
    "broadcast_to": broadcast_to, "unfold": unfold, "as_strided": as_strided, "ravel": ravel,
    "diagonal_scatter": diagonal_scatter, "select_scatter": select_scatter, "slice_scatter": slice_scatter,
}
