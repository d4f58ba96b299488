"""Splits by explicit sizes and their non-view forms: ``split_with_sizes``, the ``unsafe_*``
splits and ``narrow_copy``, with PyTorch's argument checks and messages.

The ``unsafe_*`` splits share memory with their input like ``split``, but autograd does not
treat their outputs as views (one ``UnsafeSplitBackward0`` node), so writing into one in
place is allowed and does not reach the input's history, as in PyTorch.

>>> ember.unsafe_chunk(ember.arange(5), 2)
(tensor([0, 1, 2]), tensor([3, 4]))
"""
import builtins

from .._util import np, Tensor, _wrap, Op, apply_op, norm_dim
from . import joining as _J, shape_ops as _S, splitting as _Sp

__all__ = ["split_with_sizes", "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes", "narrow_copy"]


def _int(x, fname, arg, pos=None):
    if isinstance(x, Tensor) and x._data.ndim == 0 and x._data.dtype.kind in "iu":
        return int(x._data)
    if isinstance(x, bool) or not hasattr(x, "__index__") or isinstance(x, Tensor):
        where = f" (position {pos})" if pos is not None else ""
        raise TypeError(f"{fname}(): argument '{arg}'{where} must be int, not {type(x).__name__}")
    return x.__index__()


def _int_list(sizes, fname, pos):
    if not isinstance(sizes, (list, tuple)):
        raise TypeError(f"{fname}(): argument 'split_sizes' (position {pos}) must be tuple of ints, not "
                        f"{type(sizes).__name__}")
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not hasattr(s, "__index__"):
            raise TypeError(f"{fname}(): argument 'split_sizes' (position {pos}) must be tuple of ints, but "
                            f"found element of type {type(s).__name__} at pos {i}")
    return [s.__index__() for s in sizes]


def _dim_size(input, dim):
    shape = input._data.shape
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = norm_dim(dim, len(shape))
    return d, shape[d]


def _check_sizes(sizes, n, dim):
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if builtins.sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {dim}), but got split_sizes={sizes}")


def _even_sizes(s, n):
    if s < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
    if s == 0:
        if n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        return [0]
    return [s] * (n // s) + ([n % s] if n % s else []) or [0]


def split_with_sizes(input, split_sizes, dim=0):
    """Views of ``input`` split along ``dim`` into pieces of the given sizes (they must sum to its
    size there).

    >>> ember.arange(5).split_with_sizes([2, 3])
    (tensor([0, 1]), tensor([2, 3, 4]))
    """
    return _split_with_sizes(input, split_sizes, dim, 2)


def _split_with_sizes(input, split_sizes, dim, pos):
    sizes = _int_list(split_sizes, "split_with_sizes", pos)
    d, n = _dim_size(input, dim)
    _check_sizes(sizes, n, d)
    return _Sp.split(input, sizes, d)


class UnsafeSplit(Op):
    """Pieces of one tensor along a dim that share its memory but are not views for autograd."""

    @staticmethod
    def forward(ctx, a, dim, sizes):
        ctx.dim = dim
        out, start = [], 0
        for s in sizes:
            out.append(a[(slice(None),) * dim + (slice(start, start + s),)])
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return _J.cat(list(grads), ctx.dim)


class UnsafeSplitWithSizes(UnsafeSplit):
    pass


def _unsafe(cls, input, sizes, dim):
    return apply_op(cls, (input,), dim, tuple(sizes))


def unsafe_split(tensor, split_size, dim=0):
    """:func:`split` into pieces of ``split_size``, not tracked as views by autograd.

    >>> ember.unsafe_split(ember.arange(5), 2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    s = _int(split_size, "unsafe_split", "split_size", 2)
    d, n = _dim_size(tensor, dim)
    return _unsafe(UnsafeSplit, tensor, _even_sizes(s, n), d)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """:func:`split_with_sizes`, not tracked as views by autograd.

    >>> ember.arange(5).unsafe_split_with_sizes([4, 1])
    (tensor([0, 1, 2, 3]), tensor([4]))
    """
    return _unsafe_with_sizes(input, split_sizes, dim, 2)


def _unsafe_with_sizes(input, split_sizes, dim, pos):
    sizes = _int_list(split_sizes, "unsafe_split_with_sizes", pos)
    d, n = _dim_size(input, dim)
    _check_sizes(sizes, n, d)
    return _unsafe(UnsafeSplitWithSizes, input, sizes, d)


def unsafe_chunk(input, chunks, dim=0):
    """:func:`chunk`, not tracked as views by autograd.

    >>> ember.arange(4).unsafe_chunk(2)
    (tensor([0, 1]), tensor([2, 3]))
    """
    chunks = _int(chunks, "unsafe_chunk", "chunks", 2)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if not input._data.ndim:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d, n = _dim_size(input, dim)
    size = -(-n // chunks)
    sizes = [0] * chunks if size == 0 else _even_sizes(size, n)
    return _unsafe(UnsafeSplit, input, sizes, d)


# ------------------------------------------------------------------ narrow_copy
class NarrowCopy(Op):
    @staticmethod
    def forward(ctx, a, dim, start, length):
        ctx.args = (a.shape, dim, start, length)
        return a[(slice(None),) * dim + (slice(start, start + length),)].copy()

    @staticmethod
    def backward(ctx, g):
        shape, dim, start, length = ctx.args
        z = _wrap(np.zeros(shape, g._data.dtype))
        return _S.slice_scatter(z, g, dim, start, start + length)


def narrow_copy(input, dim, start, length):
    """A copy of ``input`` restricted to ``start:start+length`` along ``dim``.

    >>> ember.arange(6).narrow_copy(0, 2, 3)
    tensor([2, 3, 4])
    """
    dim = _int(dim, "narrow_copy", "dim", 1)
    start = _int(start, "narrow_copy", "start", 2)
    length = _int(length, "narrow_copy", "length", 3)
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if dim >= len(shape):
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an enhancement "
                           "request to PyTorch.)")
    dim = norm_dim(dim, len(shape))
    n = shape[dim]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if length < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return apply_op(NarrowCopy, (input,), dim, start, length)


def _method(fn, public):
    def method(self, split_sizes, dim=0):
        return fn(self, split_sizes, dim, 1)
    method.__name__ = method.__qualname__ = public.__name__
    method.__doc__ = public.__doc__
    return method


TENSOR_METHODS = {
    "split_with_sizes": _method(_split_with_sizes, split_with_sizes), "unsafe_split": unsafe_split,
    "unsafe_chunk": unsafe_chunk, "unsafe_split_with_sizes": _method(_unsafe_with_sizes, unsafe_split_with_sizes),
    "narrow_copy": narrow_copy,
}
