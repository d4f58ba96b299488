"""Splitting tensors: narrow, select, unbind, split, chunk, tensor_split and
hsplit/vsplit/dsplit.

Ops that are views in PyTorch (all of these) share memory with their input here too.

>>> a, b = ember.split(ember.arange(5), [2, 3])
>>> b
tensor([2, 3, 4])
>>> ember.arange(6).reshape(2, 3).unbind(1)[2]
tensor([2, 5])
"""
import builtins

from .._util import np, Tensor, Op, apply_op, make_view, norm_dim
from ..index.indexing import getitem
from ..numpy_arg_names import numpy_names

_srange = builtins.range

__all__ = ["split", "chunk", "tensor_split", "hsplit", "vsplit", "dsplit", "unbind", "narrow",
           "select"]


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


def unbind(input, dim=0, *, axis=None):
    """All slices along ``dim``, as a tuple of views.

    >>> ember.unbind(ember.tensor([[1, 2], [3, 4]]))
    (tensor([1, 2]), tensor([3, 4]))
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("unbind", dim, False, axis, None, 0)[0]
    shape = input._data.shape
    if not shape:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = norm_dim(dim, len(shape))
    return _views_along(Unbind, input, dim, tuple(_srange(shape[dim])))


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
    pieces, start = [], 0
    for s in sizes:
        pieces.append(slice(start, start + s))
        start += s
    cls = SplitWithSizes if isinstance(split_size_or_sections, (list, tuple)) else Split
    return _views_along(cls, tensor, dim, tuple(pieces))


class Unbind(Op):
    """Several views of one tensor along ``dim`` (an index or a slice each) recorded as ONE node,
    as PyTorch records unbind and split: every output's ``grad_fn`` is the same node, and the
    gradients of the outputs a program did not use count as zeros."""

    _name = "UnbindBackward0"

    @staticmethod
    def forward(ctx, a, dim, pieces):
        ctx.dim = dim
        pre = (slice(None),) * dim
        return tuple([a[pre + (p,)] for p in pieces])

    @staticmethod
    def backward(ctx, *grads):
        return apply_op(_Joined, grads, ctx.dim, True)


class Split(Unbind):
    _name = "SplitBackward0"

    @staticmethod
    def backward(ctx, *grads):
        return apply_op(_Joined, grads, ctx.dim, False)


class _Joined(Op):
    """The gradients of :class:`Unbind`/:class:`Split` outputs joined back along ``dim`` (stacked
    or concatenated); its own gradient unbinds/splits again, so double backward works."""

    _name = "StackBackward0"

    @staticmethod
    def forward(ctx, *args):
        arrays, (dim, stacked) = args[:-2], args[-2:]
        ctx.dim, ctx.stacked, ctx.sizes = dim, stacked, [a.shape[dim] for a in arrays] if not stacked else None
        return np.stack(arrays, dim) if stacked else np.concatenate(arrays, dim)

    @staticmethod
    def backward(ctx, g):
        return unbind(g, ctx.dim) if ctx.stacked else split(g, ctx.sizes, ctx.dim)


class SplitWithSizes(Split):
    _name = "SplitWithSizesBackward0"


def _views_along(cls, input, dim, pieces):
    outs = apply_op(cls, (input,), dim, pieces)
    pre = (slice(None),) * dim
    for o, p in zip(outs, pieces):
        make_view(o, input, lambda t, i=pre + (p,): getitem(t, i))
    return _multi(outs, cls._name)


def _multi(views, name):
    """Mark the outputs of a function returning several views: PyTorch forbids in-place on them."""
    for i, v in enumerate(views):
        if v._rg:
            v.__dict__["_multi_view"] = (name, i)
    return tuple(views)


def chunk(input, chunks, dim=0, *, axis=None):
    """Split into at most ``chunks`` equal views (the last may be smaller).

    >>> [t.tolist() for t in ember.arange(5).chunk(3)]
    [[0, 1], [2, 3], [4]]
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("chunk", dim, False, axis, None, 0)[0]
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


def tensor_split(input, indices_or_sections, dim=0, *, axis=None):
    """Split into ``n`` nearly equal views, or at the given indices.

    >>> [t.tolist() for t in ember.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    >>> [t.tolist() for t in ember.arange(7).tensor_split([1, 5])]
    [[0], [1, 2, 3, 4], [5, 6]]
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("tensor_split", dim, False, axis, None, 0)[0]
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


TENSOR_METHODS = {
    "split": split, "chunk": chunk, "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit,
    "dsplit": dsplit, "unbind": unbind, "narrow": narrow, "select": select,
}
