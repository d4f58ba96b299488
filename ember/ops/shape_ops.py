"""Joining, splitting and rearranging tensors: cat/stack, split/chunk, flip/roll/rot90,
repeat/tile, tril/triu, diag/diagonal, broadcasting helpers, meshgrid, unfold.

Ops that are views in PyTorch (narrow, select, split, unbind, diagonal, unfold,
broadcast_to, meshgrid) share memory with their input here too.

>>> a, b = ember.split(ember.arange(5), [2, 3])
>>> ember.cat([b, a])
tensor([2, 3, 4, 0, 1])
"""
import builtins
import warnings

from ._util import np, D, Tensor, _wrap, Op, apply_op, _state, norm_dim, norm_dims, make_view
from .movement import _view_result, getitem, expand, reshape, transpose, unsqueeze, permute, unflatten

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "row_stack",
           "column_stack", "split", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind",
           "narrow", "select", "flip", "fliplr", "flipud", "roll", "rot90", "tile",
           "repeat_interleave", "tril", "triu", "diag", "diagonal", "diag_embed", "trace",
           "broadcast_to", "broadcast_tensors", "broadcast_shapes", "meshgrid", "atleast_1d",
           "atleast_2d", "atleast_3d", "as_strided", "tril_indices", "triu_indices", "block_diag",
           "cartesian_prod", "combinations", "ravel", "unflatten", "diagonal_scatter", "select_scatter",
           "slice_scatter"]

_srange = builtins.range
range = builtins.range


def _ints(x):
    if isinstance(x, Tensor):
        return [int(v) for v in x._data.reshape(-1).tolist()]
    if isinstance(x, (tuple, list)):
        return [int(v) for v in x]
    return [int(x)]


# ------------------------------------------------------------------ cat / stack
class Cat(Op):
    @staticmethod
    def forward(ctx, *args):
        *arrays, dim, npdt, skip = args  # skip: legacy empty 1-D inputs, left out of the result
        if ctx is not None:
            ctx.dim, ctx.skip = dim, skip
            ctx.sizes = [a.shape[dim] if i not in skip else 0 for i, a in enumerate(arrays)]
        if skip:
            arrays = [a for i, a in enumerate(arrays) if i not in skip]
        return np.concatenate(arrays, axis=dim, dtype=npdt, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        out, start, dim = [], 0, ctx.dim
        for i, s in enumerate(ctx.sizes):
            if i in ctx.skip:
                out.append(_wrap(np.zeros((0,), dtype=g._data.dtype)))
                continue
            out.append(narrow(g, dim, start, s))
            start += s
        return tuple(out)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dim (dtypes promote as in PyTorch).

    >>> ember.cat([ember.zeros(1, 2), ember.ones(2, 2)]).shape
    torch.Size([3, 2])
    >>> ember.cat([ember.tensor([1]), ember.tensor([0.5])])
    tensor([1.0000, 0.5000])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    # legacy: 1-D empty tensors are skipped
    keep = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
    ref = (keep or tensors)[0]._data
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    n = ref.ndim
    dim = norm_dim(dim, n)
    for t in keep[1:]:
        s = t._data.shape
        if len(s) != n:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {n} and {len(s)}")
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,) and n != 1:
            continue
        for d in _srange(n):
            if d != dim and s[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{ref.shape[d]} but got size {s[d]} for tensor number {i} in the list.")
    skip = frozenset(i for i, t in enumerate(tensors) if t._data.shape == (0,) and n != 1)
    r = apply_op(Cat, tuple(tensors), dim, dt.np, skip)
    return _out(r, out)


concat = concatenate = cat


def _out(r, out):
    if out is None:
        return r
    from .elementwise import _out as o
    return o(r, out)


def stack(tensors, dim=0, *, out=None):
    """Join equally shaped tensors along a new dim.

    >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])], dim=1)
    tensor([[1, 3],
            [2, 4]])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 "
                               f"and {list(t._data.shape)} at entry {i}")
    dim = norm_dim(dim, len(s0) + 1)
    return cat([unsqueeze(t, dim) for t in tensors], dim, out=out)


def atleast_1d(*tensors):
    """View with at least 1 dim (several tensors give a tuple).

    >>> ember.atleast_1d(ember.tensor(1.))
    tensor([1.])
    """
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """View with at least 2 dims.

    >>> ember.atleast_2d(ember.tensor([1, 2])).shape
    torch.Size([1, 2])
    """
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """View with at least 3 dims (1-D ``(n,)`` becomes ``(1, n, 1)``).

    >>> ember.atleast_3d(ember.zeros(2, 3)).shape
    torch.Size([2, 3, 1])
    """
    return _atleast(tensors, 3)


def _atleast(tensors, k):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    res = []
    for t in tensors:
        s = t._data.shape
        if len(s) >= k:
            res.append(t)
            continue
        if k == 1:
            new = (1,)
        elif k == 2:
            new = (1,) * (2 - len(s)) + s
        else:
            new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)]
        res.append(t.view(new))
    return res[0] if single else tuple(res)


def hstack(tensors, *, out=None):
    """Stack column-wise (along dim 1; dim 0 for 1-D tensors).

    >>> ember.hstack([ember.tensor([1, 2]), ember.tensor([3])])
    tensor([1, 2, 3])
    """
    ts = _atleast(tuple(tensors), 1)
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Stack row-wise (1-D tensors become rows).

    >>> ember.vstack([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    return cat(_atleast(tuple(tensors), 2), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Stack depth-wise (along dim 2).

    >>> ember.dstack([ember.tensor([1, 2]), ember.tensor([3, 4])]).shape
    torch.Size([1, 2, 2])
    """
    return cat(_atleast(tuple(tensors), 3), 2, out=out)


def column_stack(tensors, *, out=None):
    """Stack 0-d/1-d tensors as columns, others along dim 1.

    >>> ember.column_stack([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 3],
            [2, 4]])
    """
    ts = [t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors]
    return cat(ts, 1, out=out)


# ------------------------------------------------------------------ narrowing views
def _slice_dim(input, dim, start, stop, step=None):
    idx = (slice(None),) * dim + (slice(start, stop, step),)
    return getitem(input, idx)


def narrow(input, dim, start, length):
    """The view ``input`` restricted to ``start:start+length`` along ``dim``.

    >>> ember.arange(6).narrow(0, 2, 3)
    tensor([2, 3, 4])
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = norm_dim(dim, len(shape))
    start, length = int(start), int(length)
    n = shape[dim]
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _slice_dim(input, dim, start, start + length)


def select(input, dim, index):
    """The view ``input`` at ``index`` along ``dim`` (that dim removed).

    >>> ember.tensor([[1, 2], [3, 4]]).select(1, 0)
    tensor([1, 3])
    """
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = norm_dim(dim, len(shape))
    index = int(index)
    n = shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(shape)} "
                         f"at dimension {dim}")
    return getitem(input, (slice(None),) * dim + (index,))


def unbind(input, dim=0):
    """All slices along ``dim``, as a tuple of views.

    >>> ember.unbind(ember.tensor([[1, 2], [3, 4]]))
    (tensor([1, 2]), tensor([3, 4]))
    """
    shape = input._data.shape
    if not shape:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = norm_dim(dim, len(shape))
    return _multi([select(input, dim, i) for i in _srange(shape[dim])], "UnbindBackward0")


def split(tensor, split_size_or_sections, dim=0):
    """Views of ``tensor`` split into chunks of a size, or of the sizes in a list.

    >>> [t.tolist() for t in ember.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    shape = tensor._data.shape
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = norm_dim(dim, len(shape))
    n = shape[dim]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                               f"size at dimension {dim}), but got split_sizes={sizes}")
    else:
        s = int(split_size_or_sections)
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0:
            if n != 0:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                                   f"size of {n}")
            sizes = [0]
        else:
            sizes = [s] * (n // s) + ([n % s] if n % s else [])
            if not sizes:
                sizes = [0]
    out, start = [], 0
    for s in sizes:
        out.append(_slice_dim(tensor, dim, start, start + s))
        start += s
    return _multi(out, "SplitWithSizesBackward0" if isinstance(split_size_or_sections, (list, tuple))
                  else "SplitBackward0")


def _multi(views, name):
    """Mark the outputs of a function returning several views: PyTorch forbids in-place on them."""
    for i, v in enumerate(views):
        if v._rg:
            v.__dict__["_multi_view"] = (name, i)
    return tuple(views)


def chunk(input, chunks, dim=0):
    """Split into at most ``chunks`` equal views (the last may be smaller).

    >>> [t.tolist() for t in ember.arange(5).chunk(3)]
    [[0, 1], [2, 3], [4]]
    """
    chunks = int(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = shape[norm_dim(dim, len(shape))]
    size = -(-n // chunks)
    if size == 0:
        return split(input, [0] * chunks if n == 0 else [n], dim)
    return split(input, size, dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``n`` nearly equal views, or at the given indices.

    >>> [t.tolist() for t in ember.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    >>> [t.tolist() for t in ember.arange(7).tensor_split([1, 5])]
    [[0], [1, 2, 3, 4], [5, 6]]
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with "
                           "0 dims")
    dim = norm_dim(dim, len(shape))
    n = shape[dim]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios._data.dtype.kind not in "iu":
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have integer dtype, "
                               f"but got {ios.dtype}")
        if ios._data.ndim == 0:
            ios = int(ios._data)
        elif ios._data.ndim == 1:
            ios = ios._data.tolist()
        else:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional "
                               f"or one-dimensional tensor, but got a tensor with {ios._data.ndim} dims")
    if isinstance(ios, (list, tuple)):
        bounds = [0] + [int(i) for i in ios] + [n]
        out = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            a = min(max(a + n if a < 0 else a, 0), n)
            b = min(max(b + n if b < 0 else b, 0), n)
            out.append(_slice_dim(input, dim, a, max(a, b)))
        return tuple(out)
    k = int(ios)
    if k <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {k}")
    q, r = divmod(n, k)
    sizes = [q + 1] * r + [q] * (k - r)
    out, start = [], 0
    for s in sizes:
        out.append(_slice_dim(input, dim, start, start + s))
        start += s
    return tuple(out)


def _split_n(input, ios, dim, name, need):
    nd = input._data.ndim
    if nd < need:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, but got a "
                           f"tensor with {nd} dimensions!")
    if isinstance(ios, int) and input._data.shape[dim] % ios:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                           f"dimension {input._data.shape[dim]} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections):
    """Split along dim 1 (dim 0 for 1-D tensors).

    >>> [t.shape for t in ember.zeros(2, 4).hsplit(2)]
    [torch.Size([2, 2]), torch.Size([2, 2])]
    """
    return _split_n(input, indices_or_sections, 1 if input._data.ndim > 1 else 0, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """Split along dim 0.

    >>> [t.shape for t in ember.zeros(4, 2).vsplit([1])]
    [torch.Size([1, 2]), torch.Size([3, 2])]
    """
    return _split_n(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """Split along dim 2.

    >>> [t.shape for t in ember.zeros(1, 1, 4).dsplit(2)]
    [torch.Size([1, 1, 2]), torch.Size([1, 1, 2])]
    """
    return _split_n(input, indices_or_sections, 2, "dsplit", 3)


# ------------------------------------------------------------------ flip / roll / rot90
class Flip(Op):
    @staticmethod
    def forward(ctx, a, dims):
        if ctx is not None:
            ctx.dims = dims
        return np.flip(a, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.dims)


def flip(input, *dims):
    """Reverse the order along ``dims`` (a copy, as in PyTorch).

    >>> ember.tensor([[1, 2], [3, 4]]).flip(1)
    tensor([[2, 1],
            [4, 3]])
    """
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    nd = input._data.ndim
    dims = norm_dims(tuple(int(d) for d in dims), nd)
    if nd == 0:
        dims = ()
    return apply_op(Flip, (input,), dims)


def fliplr(input):
    """Flip left/right (dim 1).

    >>> ember.tensor([[1, 2]]).fliplr()
    tensor([[2, 1]])
    """
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Flip up/down (dim 0).

    >>> ember.tensor([1, 2]).flipud()
    tensor([2, 1])
    """
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Op):
    @staticmethod
    def forward(ctx, a, shifts, dims):
        if ctx is not None:
            ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return np.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        return roll(g, [-s for s in ctx.shifts], ctx.dims)


def roll(input, shifts, dims=None):
    """Rotate elements along ``dims`` (the flattened tensor when ``dims`` is None).

    >>> ember.roll(ember.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
    """
    shifts = _ints(shifts)
    nd = input._data.ndim
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        dims = None
    else:
        dims = [norm_dim(d, nd) for d in _ints(dims)]
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        dims = tuple(dims)
    return apply_op(Roll, (input,), tuple(shifts), dims)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``.

    >>> ember.tensor([[1, 2], [3, 4]]).rot90()
    tensor([[2, 4],
            [1, 3]])
    """
    dims = list(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = norm_dim(dims[0], nd), norm_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k = int(k) % 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), (d1,))
    return apply_op(Flip, (input,), ())


# ------------------------------------------------------------------ repeat / tile
class Repeat(Op):
    @staticmethod
    def forward(ctx, a, reps):
        if ctx is not None:
            ctx.in_shape = a.shape
            ctx.reps = reps
        return np.tile(a, reps)

    @staticmethod
    def backward(ctx, g):
        reps, shp = ctx.reps, ctx.in_shape
        full = (1,) * (len(reps) - len(shp)) + tuple(shp)
        inter = []
        for r, s in zip(reps, full):
            inter += [r, s]
        g = g.reshape(inter).sum(tuple(_srange(0, 2 * len(reps), 2)))
        return g.reshape(shp)


def repeat(self, *sizes):
    """Tile the tensor ``sizes`` times along each dim (a copy).

    >>> ember.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list, Tensor)):
        sizes = sizes[0]
    reps = tuple(_ints(sizes) if isinstance(sizes, Tensor) else [int(s) for s in sizes])
    shp = self._data.shape
    if len(reps) < len(shp):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    full = (1,) * (len(reps) - len(shp)) + tuple(shp)
    for r, s in zip(reps, full):
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r * s}: "
                               f"{[a * b for a, b in zip(reps, full)]}")
    return apply_op(Repeat, (self,), reps)


def tile(input, dims):
    """Repeat ``input`` along each dim (``dims`` shorter than ndim is padded with ones).

    >>> ember.tile(ember.tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2])
    """
    dims = tuple(int(d) for d in dims)
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + dims
    return repeat(input, dims)


class RepeatInterleave(Op):
    @staticmethod
    def forward(ctx, a, reps, dim):
        if ctx is not None:
            ctx.reps, ctx.dim, ctx.n = reps, dim, a.shape[dim]
        return np.repeat(a, reps, axis=dim)

    @staticmethod
    def backward(ctx, g):
        reps, dim, n = ctx.reps, ctx.dim, ctx.n
        if isinstance(reps, int):
            shp = g._data.shape
            return g.reshape(shp[:dim] + (n, reps) + shp[dim + 1:]).sum(dim + 1)
        from .index_ops import index_add
        idx = _wrap(np.repeat(np.arange(n), reps))
        shp = list(g._data.shape)
        shp[dim] = n
        z = _wrap(np.zeros(shp, dtype=g._data.dtype))
        return index_add(z, dim, idx, g)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (an int or a tensor of counts).

    >>> ember.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    >>> ember.repeat_interleave(ember.tensor([[1, 2], [3, 4]]), ember.tensor([1, 2]), dim=0)
    tensor([[1, 2],
            [3, 4],
            [3, 4]])
    """
    if repeats is None:  # repeat_interleave(repeats): indices repeated
        r = input
        if r._data.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        rd = r._data.reshape(-1)
        if (rd < 0).any():
            raise RuntimeError("repeats can not be negative")
        return _wrap(np.repeat(np.arange(rd.shape[0], dtype=rd.dtype), rd))
    if dim is None:
        input = input.reshape(-1)
        dim = 0
    nd = input._data.ndim
    dim = norm_dim(dim, nd)
    n = input._data.shape[dim] if nd else 1
    if nd == 0:
        input = input.reshape(1)
    if isinstance(repeats, Tensor):
        rd = repeats._data
        if rd.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if rd.ndim == 0 or rd.shape[0] == 1:
            repeats = int(rd.reshape(-1)[0])
        else:
            if rd.shape[0] != n:
                raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                                   f"repeats.size(0) = {rd.shape[0]} and input.size({dim}) = {n}")
            if (rd < 0).any():
                raise RuntimeError("repeats can not be negative")
            repeats = rd.astype(np.int64)
    else:
        repeats = int(repeats)
    if isinstance(repeats, int) and repeats < 0:
        raise RuntimeError("repeats can not be negative")
    return apply_op(RepeatInterleave, (input,), repeats, dim)


# ------------------------------------------------------------------ triangles and diagonals
class Tril(Op):
    @staticmethod
    def forward(ctx, a, k, upper):
        if ctx is not None:
            ctx.k, ctx.upper = k, upper
        return np.triu(a, k) if upper else np.tril(a, k)

    @staticmethod
    def backward(ctx, g):
        return triu(g, ctx.k) if ctx.upper else tril(g, ctx.k)


class Triu(Tril):
    pass


def _tri(input, diagonal, upper, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return apply_op(Triu if upper else Tril, (input,), int(diagonal), upper)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below ``diagonal``) of the last two dims; the rest zero.

    >>> ember.ones(2, 2).tril()
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _out(_tri(input, diagonal, False, "tril"), out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above ``diagonal``) of the last two dims; the rest zero.

    >>> ember.ones(2, 2).triu(1)
    tensor([[0., 1.],
            [0., 0.]])
    """
    return _out(_tri(input, diagonal, True, "triu"), out)


def tril_(self, diagonal=0):
    from .inplace import inplace_op
    _tri(self, diagonal, False, "tril")
    return inplace_op(self, lambda s: _tri(s, diagonal, False, "tril"))


def triu_(self, diagonal=0):
    from .inplace import inplace_op
    _tri(self, diagonal, True, "triu")
    return inplace_op(self, lambda s: _tri(s, diagonal, True, "triu"))


def _diag_view(a, offset, d1, d2):
    """Writable strided view of the diagonal of ``a`` between dims d1, d2 (moved to the end)."""
    idx = [slice(None)] * a.ndim
    if offset >= 0:
        idx[d2] = slice(offset, None)
    else:
        idx[d1] = slice(-offset, None)
    b = a[tuple(idx)]
    length = min(b.shape[d1], b.shape[d2])
    rest = [i for i in _srange(a.ndim) if i not in (d1, d2)]
    shape = tuple(b.shape[i] for i in rest) + (length,)
    strides = tuple(b.strides[i] for i in rest) + (b.strides[d1] + b.strides[d2],)
    if b.size == 0:
        return np.empty(shape, dtype=a.dtype)
    return np.lib.stride_tricks.as_strided(b, shape, strides)


class Diagonal(Op):
    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        if ctx is not None:
            ctx.args, ctx.shape = (offset, d1, d2), a.shape
        return _diag_view(a, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return apply_op(DiagonalGrad, (g,), ctx.shape, *ctx.args)


class DiagonalGrad(Op):
    _name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        if ctx is not None:
            ctx.args = (offset, d1, d2)
        out = np.zeros(shape, dtype=g.dtype)
        v = _diag_view(out, offset, d1, d2)
        if v.size:
            v[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return diagonal(gg, *ctx.args)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the diagonal between ``dim1`` and ``dim2`` (appended as the last dim).

    >>> ember.arange(9).view(3, 3).diagonal(1)
    tensor([1, 5])
    """
    nd = input._data.ndim
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = int(offset)
    return _view_result(Diagonal, input, lambda x, a=(offset, d1, d2): diagonal(x, *a), offset, d1, d2)


class DiagEmbed(Op):
    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        if ctx is not None:
            ctx.args = (offset, d1, d2)
        n = a.shape[-1] + builtins.abs(offset)
        rest = list(a.shape[:-1])
        shape = rest[:]
        for d in sorted((d1, d2)):
            shape.insert(d, n)
        out = np.zeros(shape, dtype=a.dtype)
        v = _diag_view(out, offset, d1, d2)
        if v.size:
            v[...] = a
        return out

    @staticmethod
    def backward(ctx, g):
        return diagonal(g, *ctx.args)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices (in ``dim1``, ``dim2``) whose ``offset`` diagonal is the last dim of ``input``.

    >>> ember.diag_embed(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    nd = input._data.ndim + 1
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input._data.ndim == 0:
        input = input.reshape(1)
    return apply_op(DiagEmbed, (input,), int(offset), d1, d2)


def diag(input, diagonal=0, *, out=None):
    """A 1-D tensor becomes a diagonal matrix; a matrix gives its diagonal (a copy).

    >>> ember.diag(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    >>> ember.diag(ember.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    nd = input._data.ndim
    if nd == 1:
        r = diag_embed(input, diagonal, 0, 1)
    elif nd == 2:
        r = globals()["diagonal"](input, diagonal, 0, 1).clone()
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    return _out(r, out)


def trace(input):
    """Sum of the main diagonal of a matrix (integers sum to int64).

    >>> ember.tensor([[1, 2], [3, 4]]).trace()
    tensor(5)
    """
    nd = input._data.ndim
    if nd != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {nd}")
    return diagonal(input).sum()


# ------------------------------------------------------------------ broadcasting
def broadcast_shapes(*shapes):
    """The shape that all ``shapes`` broadcast to.

    >>> ember.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    from .._tensor import Size
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
    shape = []
    for t in tensors:
        s = t._data.shape
        if len(s) > len(shape):
            shape = [1] * (len(s) - len(shape)) + shape
        for j, v in enumerate(s):
            k = len(shape) - len(s) + j
            if shape[k] == 1:
                shape[k] = v
            elif v != 1 and v != shape[k]:
                raise RuntimeError(f"The size of tensor a ({shape[k]}) must match the size of tensor b ({v}) "
                                   f"at non-singleton dimension {k}")
    shape = tuple(shape)
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
        if ctx is not None:
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
    return np.lib.stride_tricks.as_strided(a, shape, strides)


class UnfoldGrad(Op):
    _name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        if ctx is not None:
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
            out = np.lib.stride_tricks.as_strided(flat[off:], size, tuple(s * it for s in stride))
        if ctx is not None:
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
        if ctx is not None:
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
    from .._creation import zeros
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
    "split": split, "chunk": chunk, "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit,
    "dsplit": dsplit, "unbind": unbind, "narrow": narrow, "select": select, "flip": flip,
    "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90, "repeat": repeat, "tile": tile,
    "repeat_interleave": repeat_interleave, "tril": tril, "triu": triu, "tril_": tril_, "triu_": triu_,
    "diag": diag, "diagonal": diagonal, "diag_embed": diag_embed, "trace": trace,
    "broadcast_to": broadcast_to, "unfold": unfold, "as_strided": as_strided, "ravel": ravel,
    "diagonal_scatter": diagonal_scatter, "select_scatter": select_scatter, "slice_scatter": slice_scatter,
}
