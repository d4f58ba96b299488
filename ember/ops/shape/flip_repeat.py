"""Reordering and repeating: flip/fliplr/flipud, roll, rot90, repeat, tile and
repeat_interleave.

>>> ember.roll(ember.arange(4), 1)
tensor([3, 0, 1, 2])
>>> ember.tensor([1, 2]).repeat_interleave(2)
tensor([1, 1, 2, 2])
"""
import builtins

from ..._backend import raises_oom_as_runtime_error as _oom
from .._util import np, Tensor, _wrap, Op, apply_op, norm_dim, norm_dims, _NOGRAD
from .movement import transpose
from ..numpy_arg_names import numpy_names

_srange = builtins.range

__all__ = ["flip", "fliplr", "flipud", "roll", "rot90", "tile", "repeat_interleave"]


def _ints(x):
    if isinstance(x, Tensor):
        return [int(v) for v in x._data.reshape(-1).tolist()]
    if isinstance(x, (tuple, list)):
        return [int(v) for v in x]
    return [int(x)]


# ------------------------------------------------------------------ flip / roll / rot90
class Flip(Op):
    @staticmethod
    def forward(ctx, a, dims):
        if ctx is not _NOGRAD:
            ctx.dims = dims
        return np.flip(a, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.dims)


def flip(input, *dim_args, dims=None):
    """Reverse the order along ``dims`` (a copy, as in PyTorch).

    >>> ember.tensor([[1, 2], [3, 4]]).flip(1)
    tensor([[2, 1],
            [4, 3]])
    """
    if dims is None or dim_args:
        dims = dim_args
    elif isinstance(dims, int):
        dims = (dims,)
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
        if ctx is not _NOGRAD:
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
        if ctx is not _NOGRAD:
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


@_oom
def repeat(self, *sizes, repeats=None):
    """Tile the tensor ``sizes`` times along each dim (a copy).

    >>> ember.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    if repeats is not None and not sizes:  # (repeat(repeats=...), PyTorch's keyword)
        sizes = (repeats,)
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
        if ctx is not _NOGRAD:
            ctx.reps, ctx.dim, ctx.n = reps, dim, a.shape[dim]
        return np.repeat(a, reps, axis=dim)

    @staticmethod
    def backward(ctx, g):
        reps, dim, n = ctx.reps, ctx.dim, ctx.n
        if isinstance(reps, int):
            shp = g._data.shape
            return g.reshape(shp[:dim] + (n, reps) + shp[dim + 1:]).sum(dim + 1)
        from ..index.index_along_dim import index_add
        idx = _wrap(np.repeat(np.arange(n), reps))
        shp = list(g._data.shape)
        shp[dim] = n
        z = _wrap(np.zeros(shp, dtype=g._data.dtype))
        return index_add(z, dim, idx, g)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None, axis=None):
    """Repeat each element ``repeats`` times (an int or a tensor of counts).

    >>> ember.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    >>> ember.repeat_interleave(ember.tensor([[1, 2], [3, 4]]), ember.tensor([1, 2]), dim=0)
    tensor([[1, 2],
            [3, 4],
            [3, 4]])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("repeat_interleave", dim, False, axis, None, None)[0]
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


TENSOR_METHODS = {
    "flip": flip, "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90, "repeat": repeat,
    "tile": tile, "repeat_interleave": repeat_interleave,
}
